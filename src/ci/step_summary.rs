//! The Markdown job summary for GitHub Actions (`$GITHUB_STEP_SUMMARY`): the run link, results
//! per status with a Mermaid pie chart (GitHub renders ```` ```mermaid ```` blocks), the first
//! failed tests, unmapped tests and unknown case IDs.
//!
//! Lists are capped: GitHub refuses step summaries over 1 MiB, and a page of a thousand
//! unmapped tests helps nobody; the counts are always complete.

use std::fmt::Write;

use crate::summary::{Summary, TestRef};

/// How many failed tests the summary lists.
pub const FIRST_FAILED: usize = 20;
/// How many unmapped tests or unknown case IDs the summary lists.
pub const FIRST_LISTED: usize = 50;
/// Longest failure message shown, in characters.
const MESSAGE_CHARS: usize = 200;

/// Render the job summary for `summary`.
pub fn render(summary: &Summary) -> String {
    let mut md = String::new();
    heading(&mut md, summary);
    statuses(&mut md, summary);
    failed(&mut md, summary);
    unmapped(&mut md, &summary.unmapped);
    unknown(&mut md, summary);
    md
}

fn heading(md: &mut String, s: &Summary) {
    let run = match (s.run_id, &s.run_url) {
        (Some(id), Some(url)) => format!("run [R{id}]({url})"),
        (Some(id), None) => format!("run R{id}"),
        (None, _) => "new run".to_string(),
    };
    if s.dry_run {
        let _ = writeln!(md, "## TestRail: dry run for {run}\n");
        let _ = writeln!(
            md,
            "Nothing was sent; {} results would be posted.\n",
            s.results_posted
        );
        return;
    }
    let _ = writeln!(md, "## TestRail: {run}\n");
    let closed = match (s.closed, s.plan_closed) {
        (_, true) => " The plan was closed, with every run in it.",
        (true, false) => " The run was closed.",
        _ => "",
    };
    let _ = writeln!(md, "{} results posted.{closed}\n", s.results_posted);
    if !s.reports.is_empty() {
        let _ = writeln!(md, "Reports read as: {}\n", escape(&s.formats_read()));
    }
    if s.already_posted > 0 {
        let _ = writeln!(
            md,
            "{} result(s) were in the run already, from an earlier attempt of this report: \
             not posted again.\n",
            s.already_posted
        );
    }
    if let Some(file) = &s.resume_file {
        let _ = writeln!(
            md,
            "> [!WARNING]\n> Some results were not posted; they are saved in `{}`.\n",
            escape(file)
        );
    }
}

fn statuses(md: &mut String, s: &Summary) {
    let counts: Vec<_> = s.statuses.iter().filter(|(_, n)| **n > 0).collect();
    if counts.is_empty() {
        return;
    }
    md.push_str("| Status | Results |\n|:--|--:|\n");
    for (status, n) in &counts {
        let _ = writeln!(md, "| {} | {n} |", escape(status));
    }
    md.push_str("\n```mermaid\npie showData\n    title Results by status\n");
    for (status, n) in &counts {
        let _ = writeln!(md, "    \"{}\" : {n}", pie_label(status));
    }
    md.push_str("```\n\n");
}

fn failed(md: &mut String, s: &Summary) {
    let total = s.failed_tests.len();
    if total == 0 {
        return;
    }
    let _ = writeln!(md, "### Failed tests{}\n", shown(total, FIRST_FAILED));
    md.push_str("| Test | Case | Message |\n|:--|:--|:--|\n");
    for f in s.failed_tests.iter().take(FIRST_FAILED) {
        let case = f.case_id.map(|id| format!("C{id}")).unwrap_or_default();
        let _ = writeln!(
            md,
            "| {} | {case} | {} |",
            escape(&f.test.name),
            escape(&short(&f.message))
        );
    }
    md.push('\n');
}

fn unmapped(md: &mut String, tests: &[TestRef]) {
    if tests.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "### Unmapped tests{}\n\nThese tests have no TestRail case ID, so no result was posted for them.\n",
        shown(tests.len(), FIRST_LISTED)
    );
    for t in tests.iter().take(FIRST_LISTED) {
        let _ = writeln!(md, "- {} ({})", escape(&t.name), escape(&t.report));
    }
    md.push('\n');
}

fn unknown(md: &mut String, s: &Summary) {
    let total = s.unknown_case_ids.len();
    if total == 0 {
        return;
    }
    let _ = writeln!(
        md,
        "### Unknown case IDs{}\n\nTestRail has no such case in this suite; results for them were not posted.\n",
        shown(total, FIRST_LISTED)
    );
    for u in s.unknown_case_ids.iter().take(FIRST_LISTED) {
        let tests: Vec<_> = u.tests.iter().map(|t| escape(&t.name)).collect();
        let _ = writeln!(md, "- C{}: {}", u.case_id, tests.join(", "));
    }
    md.push('\n');
}

/// ` (12)` or ` (first 20 of 35)`.
fn shown(total: usize, cap: usize) -> String {
    if total > cap {
        format!(" (first {cap} of {total})")
    } else {
        format!(" ({total})")
    }
}

/// First line of a message, cut to a readable length.
fn short(message: &str) -> String {
    let line = message.lines().next().unwrap_or("");
    match line.char_indices().nth(MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

/// Make text inert in Markdown (and in a table cell): backslash-escape the punctuation that
/// starts markup, and keep everything on one line.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A pie slice label is a double-quoted Mermaid string, which has no escape for `"`.
fn pie_label(text: &str) -> String {
    text.replace('"', "'").replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::{FailedTest, UnknownCase};

    fn test_ref(name: &str) -> TestRef {
        TestRef {
            name: name.into(),
            report: "reports/junit.xml".into(),
            file: None,
            line: None,
        }
    }

    fn sample() -> Summary {
        Summary {
            run_id: Some(42),
            run_url: Some("https://t.example/index.php?/runs/view/42".into()),
            results_posted: 5,
            statuses: [
                ("passed".into(), 3),
                ("failed".into(), 2),
                ("retest".into(), 0),
            ]
            .into_iter()
            .collect(),
            unmapped: vec![test_ref("login.test_no_id")],
            unknown_case_ids: vec![UnknownCase {
                case_id: 999,
                tests: vec![test_ref("cart.test_a"), test_ref("cart.test_b")],
            }],
            failed_tests: vec![FailedTest {
                test: test_ref("cart.test_total|tax"),
                case_id: Some(7),
                message: "expected 3\nbut got 4".into(),
            }],
            closed: true,
            ..Summary::default()
        }
    }

    #[test]
    fn says_which_formats_the_reports_were_in() {
        let report = |path: &str, format: crate::report::Format| crate::summary::ReportRead {
            path: path.into(),
            format: format.name().into(),
            tests: 1,
        };
        let mut s = sample();
        s.reports = vec![
            report("output.xml", crate::report::Format::Robot),
            report("a.json", crate::report::Format::Cucumber),
            report("b.json", crate::report::Format::Cucumber),
        ];
        let md = render(&s);
        assert!(
            md.contains("Reports read as: cucumber (2 files), robot (output.xml)\n"),
            "{md}"
        );
    }

    #[test]
    fn full_summary() {
        let md = render(&sample());
        let expected = "\
## TestRail: run [R42](https://t.example/index.php?/runs/view/42)

5 results posted. The run was closed.

| Status | Results |
|:--|--:|
| failed | 2 |
| passed | 3 |

```mermaid
pie showData
    title Results by status
    \"failed\" : 2
    \"passed\" : 3
```

### Failed tests (1)

| Test | Case | Message |
|:--|:--|:--|
| cart.test\\_total\\|tax | C7 | expected 3 |

### Unmapped tests (1)

These tests have no TestRail case ID, so no result was posted for them.

- login.test\\_no\\_id (reports/junit.xml)

### Unknown case IDs (1)

TestRail has no such case in this suite; results for them were not posted.

- C999: cart.test\\_a, cart.test\\_b

";
        assert_eq!(md, expected);
    }

    #[test]
    fn the_formats_reports_were_read_as_are_named() {
        let read = |path: &str, format: &str| crate::summary::ReportRead {
            path: path.into(),
            format: format.into(),
            tests: 3,
        };
        let s = Summary {
            run_id: Some(3),
            reports: vec![read("out/cart_tests.trx", "trx"), read("a.xml", "junit")],
            ..Summary::default()
        };
        let md = render(&s);
        let line = "Reports read as: junit (a.xml), trx (out/cart\\_tests.trx)\n";
        assert!(md.contains(line), "{md}");
    }

    #[test]
    fn dry_run_says_nothing_was_sent() {
        let s = Summary {
            dry_run: true,
            results_posted: 4,
            ..Summary::default()
        };
        let md = render(&s);
        assert!(md.starts_with("## TestRail: dry run for new run\n\nNothing was sent; 4 results"));
        assert!(!md.contains("mermaid"), "no statuses, no chart:\n{md}");
    }

    #[test]
    fn long_lists_are_capped_but_counted() {
        let s = Summary {
            unmapped: (0..60).map(|i| test_ref(&format!("t{i}"))).collect(),
            failed_tests: (0..25)
                .map(|i| FailedTest {
                    test: test_ref(&format!("f{i}")),
                    case_id: None,
                    message: "x".repeat(500),
                })
                .collect(),
            ..Summary::default()
        };
        let md = render(&s);
        assert!(md.contains("### Unmapped tests (first 50 of 60)"));
        assert!(md.contains("- t49 ") && !md.contains("- t50 "));
        assert!(md.contains("### Failed tests (first 20 of 25)"));
        assert!(md.contains("| f19 |") && !md.contains("| f20 |"));
        assert!(md.contains(&format!("| {}… |", "x".repeat(200))));
    }

    #[test]
    fn results_an_earlier_attempt_posted_are_mentioned() {
        let s = Summary {
            run_id: Some(1),
            already_posted: 20,
            ..Summary::default()
        };
        assert!(render(&s).contains("20 result(s) were in the run already"));
        assert!(!render(&Summary::default()).contains("in the run already"));
    }

    #[test]
    fn resume_file_is_a_warning() {
        let s = Summary {
            run_id: Some(1),
            resume_file: Some("testrail-resume.json".into()),
            ..Summary::default()
        };
        assert!(render(&s).contains("> [!WARNING]\n> Some results were not posted"));
    }

    #[test]
    fn pie_labels_cannot_break_out_of_quotes() {
        assert_eq!(pie_label("a \"b\"\nc"), "a 'b' c");
    }
}
