//! The comment of a result: what a tester opening the result in TestRail needs first — which
//! tests stand behind it, the failure type and message, the start of the stack trace, the
//! testcase's own `testrail_result_comment`, optionally the end of its output, and a link back
//! to the CI job.
//!
//! Comments are capped (`--comment-limit`) so one huge log cannot make a batch too big. The
//! fixed lines are kept whole; stack traces and output share what is left of the budget.

use crate::report::text::split_cut_note;
use crate::report::{Outcome, TestCase};

use super::aggregate::CaseGroup;

/// Default `--comment-limit` in characters: a screenful of stack trace, small enough that 250
/// results stay far below any request-size limit.
pub const DEFAULT_COMMENT_LIMIT: usize = 4000;

/// How comments are built.
#[derive(Debug, Clone)]
pub struct CommentOptions {
    /// Maximum length in characters.
    pub limit: usize,
    /// Add the end of system-out/system-err (`--comment-output`).
    pub include_output: bool,
    /// A link to the CI job, added to every comment.
    pub job_url: Option<String>,
    /// Start with the machine-readable line naming the tests (`test_names`), which `rerun`
    /// reads. `submit` always sets it; the default leaves the comment to the prose.
    pub test_names: bool,
}

impl Default for CommentOptions {
    fn default() -> Self {
        CommentOptions {
            limit: DEFAULT_COMMENT_LIMIT,
            include_output: false,
            job_url: None,
            test_names: false,
        }
    }
}

/// One part of a comment, and which end of it to keep when the budget is short.
enum Piece {
    Fixed(String),
    Head(String),
    Tail(String),
}

/// Build the comment for a case's result; `None` when there is nothing to say.
pub fn comment(group: &CaseGroup<'_>, opts: &CommentOptions) -> Option<String> {
    let mut pieces = Vec::new();
    if opts.test_names {
        pieces.push(Piece::Fixed(super::test_names::line(
            &group.tests,
            opts.limit / 2,
        )));
    }
    let several = group.tests.len() > 1;
    if several {
        pieces.push(Piece::Fixed(format!(
            "{} tests reported against this case (the worst outcome wins):",
            group.tests.len()
        )));
        for t in &group.tests {
            pieces.push(Piece::Fixed(format!(
                "- {}: {}",
                t.full_name(),
                describe(t)
            )));
        }
    } else if let Some(t) = group.tests.first().filter(|t| t.is_flaky()) {
        pieces.push(Piece::Fixed(format!(
            "Passed {}.",
            retried(u32::from(t.retries))
        )));
    }
    for t in &group.tests {
        problem_pieces(t, several, &mut pieces);
    }
    for t in &group.tests {
        for c in t.property_values("testrail_result_comment") {
            pieces.push(Piece::Fixed(c.to_string()));
        }
    }
    if opts.include_output {
        for t in &group.tests {
            output_pieces(t, several, &mut pieces);
        }
    }
    if let Some(url) = &opts.job_url {
        pieces.push(Piece::Fixed(format!("CI job: {url}")));
    }
    // NUL is no text: TestRail's database and web page would cut or mangle the comment there.
    let text = fit(pieces, opts.limit).replace('\0', "");
    (!text.is_empty()).then_some(text)
}

/// A test's outcome in words, for the list of several tests.
fn describe(t: &TestCase) -> String {
    if t.is_flaky() {
        format!("passed {} (flaky)", retried(u32::from(t.retries)))
    } else {
        t.outcome.as_str().to_string()
    }
}

fn retried(retries: u32) -> String {
    let s = if retries == 1 { "retry" } else { "retries" };
    format!("after {retries} {s}")
}

/// The failure (or skip reason) of one test: `Type: message`, then the start of the body.
fn problem_pieces(t: &TestCase, several: bool, pieces: &mut Vec<Piece>) {
    let record = match t.outcome {
        Outcome::Failed | Outcome::Error => t.first_problem(),
        Outcome::Skipped => t.records.first().filter(|r| r.message.is_some()),
        Outcome::Passed => None,
    };
    let Some(record) = record else { return };
    let prefix = if several {
        format!("{}: ", t.full_name())
    } else {
        String::new()
    };
    let headline = match (&record.kind_name, &record.message) {
        (Some(k), Some(m)) => format!("{k}: {m}"),
        (Some(k), None) => k.clone(),
        (None, Some(m)) => m.clone(),
        (None, None) => t.outcome.as_str().to_string(),
    };
    let (body, cut) = split_cut_note(record.body.text.trim_end());
    let repeats = body.trim() == headline.trim();
    let headline = format!("{prefix}{headline}");
    // A huge message shares the budget like a body instead of crowding out everything else.
    pieces.push(if headline.len() > LONG_HEADLINE {
        Piece::Head(headline)
    } else {
        Piece::Fixed(headline)
    });
    if !body.is_empty() && !repeats {
        pieces.push(Piece::Head(indent(body)));
    }
    if let Some(cut) = cut {
        pieces.push(Piece::Fixed(cut.to_string()));
    }
}

/// A headline longer than this (in bytes) is cut like a body.
const LONG_HEADLINE: usize = 1000;

/// The end of system-out and system-err, where the interesting part of a log usually is.
fn output_pieces(t: &TestCase, several: bool, pieces: &mut Vec<Piece>) {
    let streams = [
        ("system-out", t.system_out()),
        ("system-err", t.system_err()),
    ];
    for (label, text) in streams {
        let Some(text) = text.map(|t| &t.text) else {
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let whose = if several {
            format!(" of {}", t.full_name())
        } else {
            String::new()
        };
        pieces.push(Piece::Fixed(format!("{label}{whose} (end):")));
        pieces.push(Piece::Tail(indent(text.trim_end())));
    }
}

/// Indent by four spaces: Markdown's code block, which TestRail renders verbatim.
fn indent(text: &str) -> String {
    // One buffer, not a String per line: this runs over every failure body of a submit.
    let mut out = String::with_capacity(text.len() + text.len() / 8 + 4);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    out
}

const CUT: &str = "    […]";

/// Join the pieces within `limit` characters: fixed pieces whole, the others sharing the rest.
fn fit(pieces: Vec<Piece>, limit: usize) -> String {
    let len = |s: &str| s.chars().count();
    let fixed: usize = pieces
        .iter()
        .map(|p| match p {
            Piece::Fixed(s) => len(s) + 1,
            _ => 0,
        })
        .sum();
    let stretchy: Vec<usize> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Head(s) | Piece::Tail(s) => Some(len(s) + 1),
            Piece::Fixed(_) => None,
        })
        .collect();
    let mut shares = share(&stretchy, limit.saturating_sub(fixed)).into_iter();
    let mut out = Lines::default();
    for piece in pieces {
        match piece {
            Piece::Fixed(s) => out.push(&s),
            Piece::Head(s) => push_cut(&mut out, &s, shares.next().unwrap_or(0), true),
            Piece::Tail(s) => push_cut(&mut out, &s, shares.next().unwrap_or(0), false),
        }
    }
    let mut text = out.text;
    if len(&text) <= limit {
        // Comments are kept until posted: do not keep the buffer's growth room with them.
        text.shrink_to_fit();
        return text;
    }
    // The fixed lines alone are too long (hundreds of duplicates, say): cut the end.
    let mut cut = text[..byte_at(&text, limit.saturating_sub(1))].to_string();
    cut.push('…');
    cut
}

/// Lines joined with `\n` as they are added (one buffer for the whole comment).
#[derive(Default)]
struct Lines {
    text: String,
    any: bool,
}

impl Lines {
    fn push(&mut self, line: &str) {
        if self.any {
            self.text.push('\n');
        }
        self.any = true;
        self.text.push_str(line);
    }
}

/// The byte offset of the `n`th character (the end when there are fewer).
fn byte_at(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

/// Split `budget` among pieces wanting `wants` characters: small ones get all they want, the
/// big ones share the rest equally.
fn share(wants: &[usize], budget: usize) -> Vec<usize> {
    let mut given = vec![0; wants.len()];
    let mut open: Vec<usize> = (0..wants.len()).collect();
    let mut left = budget;
    while !open.is_empty() {
        let each = left / open.len();
        let (small, big): (Vec<usize>, Vec<usize>) = open.iter().partition(|&&i| wants[i] <= each);
        if small.is_empty() {
            for i in big {
                given[i] = each;
            }
            break;
        }
        for i in small {
            given[i] = wants[i];
            left -= wants[i];
        }
        open = big;
    }
    given
}

/// Push the head or tail of `s` that fits in `room` characters (its newline included).
fn push_cut(out: &mut Lines, s: &str, room: usize, head: bool) {
    let len = s.chars().count();
    if len < room {
        out.push(s);
        return;
    }
    let marker = CUT.chars().count() + 1;
    if room <= marker + 1 {
        return;
    }
    let keep = room - marker - 1;
    if head {
        out.push(&s[..byte_at(s, keep)]);
        out.text.push('\n');
        out.text.push_str(CUT);
    } else {
        out.push(CUT);
        out.text.push('\n');
        out.text.push_str(&s[byte_at(s, len - keep)..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Property;
    use crate::submit::plan::aggregate::group;
    use crate::submit::plan::aggregate::tests::{failing, test};

    fn one(t: &TestCase, opts: &CommentOptions) -> Option<String> {
        comment(&group([(t, [1])])[0], opts)
    }

    #[test]
    fn with_test_names_the_first_line_names_the_tests_and_the_rest_is_unchanged() {
        let opts = CommentOptions {
            test_names: true,
            ..CommentOptions::default()
        };
        let passed = test("a", Outcome::Passed);
        assert_eq!(
            one(&passed, &opts).unwrap(),
            "testrail-report tests: [[\"pkg.Class\",\"a\"]] report: ................"
        );
        let t = failing("b", "AssertionError", "no", "at x.py:1");
        let plain = one(&t, &CommentOptions::default()).unwrap();
        let named = one(&t, &opts).unwrap();
        assert_eq!(
            named,
            format!(
                "testrail-report tests: [[\"pkg.Class\",\"b\"]] report: ................\n{plain}"
            )
        );
    }

    #[test]
    fn a_passing_test_needs_no_comment() {
        let t = test("ok", Outcome::Passed);
        assert_eq!(one(&t, &CommentOptions::default()), None);
    }

    #[test]
    fn failure_type_message_body_and_job_link() {
        let t = failing(
            "f",
            "AssertionError",
            "expected 2, got 3",
            "at foo.py:10\nat bar.py:20",
        );
        let opts = CommentOptions {
            job_url: Some("https://ci.example/run/7".into()),
            ..CommentOptions::default()
        };
        let c = one(&t, &opts).unwrap();
        assert_eq!(
            c,
            "AssertionError: expected 2, got 3\n    at foo.py:10\n    at bar.py:20\n\
             CI job: https://ci.example/run/7"
        );
    }

    #[test]
    fn flaky_says_how_many_retries() {
        let mut t = test("f", Outcome::Passed);
        t.retries = 2;
        let c = one(&t, &CommentOptions::default()).unwrap();
        assert_eq!(c, "Passed after 2 retries.");
    }

    #[test]
    fn several_tests_are_listed_with_their_outcomes() {
        let a = test("a", Outcome::Passed);
        let b = failing("b", "E", "boom", "");
        let mut f = test("f", Outcome::Passed);
        f.retries = 1;
        let g = group([(&a, [9]), (&b, [9]), (&f, [9])]);
        let c = comment(&g[0], &CommentOptions::default()).unwrap();
        assert!(c.starts_with("3 tests reported against this case"), "{c}");
        assert!(c.contains("- pkg.Class.a: passed\n"), "{c}");
        assert!(c.contains("- pkg.Class.b: failed\n"), "{c}");
        assert!(
            c.contains("- pkg.Class.f: passed after 1 retry (flaky)"),
            "{c}"
        );
        assert!(c.contains("pkg.Class.b: E: boom"), "{c}");
    }

    #[test]
    fn property_comment_and_output_tail() {
        let mut t = failing("f", "E", "boom", "trace");
        t.details_mut().properties.push(Property {
            name: "testrail_result_comment".into(),
            value: "see ticket".into(),
        });
        t.details_mut().system_out = Some(crate::report::Text {
            text: "line1\nline2\n".into(),
            truncated: false,
        });
        let plain = one(&t, &CommentOptions::default()).unwrap();
        assert!(
            plain.contains("see ticket") && !plain.contains("line2"),
            "{plain}"
        );
        let opts = CommentOptions {
            include_output: true,
            ..CommentOptions::default()
        };
        let with = one(&t, &opts).unwrap();
        assert!(
            with.ends_with("system-out (end):\n    line1\n    line2"),
            "{with}"
        );
    }

    #[test]
    fn long_bodies_are_cut_to_the_limit_keeping_the_message_and_link() {
        let body = "x".repeat(10_000);
        let t = failing("f", "E", "boom", &body);
        let opts = CommentOptions {
            limit: 300,
            include_output: false,
            job_url: Some("https://ci/1".into()),
            test_names: true,
        };
        let c = one(&t, &opts).unwrap();
        assert!(c.chars().count() <= 300, "{}", c.len());
        assert!(
            c.starts_with(
                "testrail-report tests: [[\"pkg.Class\",\"f\"]] report: ................\nE: boom\n    xxx"
            ),
            "{c}"
        );
        assert!(
            c.contains(CUT) && c.ends_with("CI job: https://ci/1"),
            "{c}"
        );
    }

    #[test]
    fn output_keeps_its_end_and_cuts_on_char_boundaries() {
        let mut t = failing("f", "E", "boom", "");
        t.details_mut().system_err = Some(crate::report::Text {
            text: format!("{}THE END", "é".repeat(5000)),
            truncated: false,
        });
        let opts = CommentOptions {
            limit: 200,
            include_output: true,
            job_url: None,
            test_names: false,
        };
        let c = one(&t, &opts).unwrap();
        assert!(c.chars().count() <= 200);
        assert!(c.ends_with("THE END"), "{c}");
    }

    #[test]
    fn fixed_lines_beyond_the_limit_are_cut_too() {
        let tests: Vec<_> = (0..100)
            .map(|i| test(&format!("t{i}"), Outcome::Passed))
            .collect();
        let g = group(tests.iter().map(|t| (t, [1])));
        let opts = CommentOptions {
            limit: 500,
            ..CommentOptions::default()
        };
        let c = comment(&g[0], &opts).unwrap();
        assert_eq!(c.chars().count(), 500);
        assert!(c.ends_with('…'));
    }

    #[test]
    fn shares_go_to_small_pieces_first() {
        assert_eq!(share(&[10, 1000, 1000], 310), vec![10, 150, 150]);
        assert_eq!(share(&[10, 20], 100), vec![10, 20]);
        assert_eq!(share(&[], 100), Vec::<usize>::new());
    }
}
