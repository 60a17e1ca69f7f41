//! Which tests stand behind a result, kept machine-readable as the first line of its comment,
//! so `rerun` builds each test runner's selector from the classname and name the report gave
//! instead of guessing from case titles; and which report the result came from, so a retried
//! submit recognises its own results (`report_id.rs`, `deliver/already.rs`).
//!
//! The line is `testrail-report tests: [["classname","name"], …] report: 0123456789abcdef`
//! (JSON, one pair per test of the case, in report order, then the report identity). It never
//! takes more than half the comment budget: a case with so many tests that they do not fit
//! lists the first ones and ends the list with `…`, and `rerun` then names only those. Lines
//! written before the identity existed end with the list; they still parse.

use crate::report::TestCase;

/// How the line starts.
pub const PREFIX: &str = "testrail-report tests: ";

/// What comes between the list and the report identity.
const REPORT: &str = " report: ";

/// Stands for the identity until it is known (it is computed over the comments themselves);
/// never taken for one, since it is not hex.
const PLACEHOLDER: &str = "................";

/// The line for these tests, within `budget` characters, with room for the report identity.
/// Built pair by pair, each serialized once: a case may stand for thousands of tests.
pub fn line(tests: &[&TestCase], budget: usize) -> String {
    let budget = budget.saturating_sub(REPORT.len() + PLACEHOLDER.len());
    let mut text = format!("{PREFIX}[");
    let mut chars = text.chars().count();
    let mut cut = false;
    for (i, t) in tests.iter().enumerate() {
        let pair = json(&[[t.classname.as_ref(), t.name.as_str()]]);
        // One pair's JSON is `[["c","n"]]`: its inner `["c","n"]`, after a comma but the first.
        let pair = &pair[1..pair.len() - 1];
        let sep = usize::from(i > 0);
        let grown = chars + sep + pair.chars().count();
        // The first pair always goes in; a later one only if the list still closes in budget.
        if grown + 1 > budget && i > 0 {
            cut = true;
            break;
        }
        if i > 0 {
            text.push(',');
        }
        text.push_str(pair);
        chars = grown;
    }
    text.push(']');
    if cut {
        text.push('…');
    }
    text.push_str(REPORT);
    text.push_str(PLACEHOLDER);
    text
}

/// Write the report identity into the placeholder of a comment's first line (in place: same
/// length, no new allocation).
pub fn fill_report_id(comment: &mut String, id: &str) {
    let first = comment.find('\n').unwrap_or(comment.len());
    let stamped = comment[..first]
        .strip_suffix(PLACEHOLDER)
        .is_some_and(|rest| rest.ends_with(REPORT));
    if id.len() == PLACEHOLDER.len() && stamped {
        comment.replace_range(first - PLACEHOLDER.len()..first, id);
    }
}

fn json(pairs: &[[&str; 2]]) -> String {
    serde_json::to_string(pairs).unwrap_or_else(|_| "[]".into())
}

/// The list and the report identity of a comment's first line, if it is such a line.
fn split(comment: &str) -> Option<(&str, Option<&str>)> {
    let first = comment.lines().next()?;
    let rest = first.strip_prefix(PREFIX)?;
    Some(match rest.rsplit_once(REPORT) {
        Some((list, id)) if id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()) => {
            (list, Some(id))
        }
        Some((list, PLACEHOLDER)) => (list, None),
        _ => (rest, None),
    })
}

/// The (classname, name) pairs a comment's first line names, if it is such a line.
pub fn parse(comment: &str) -> Option<Vec<(String, String)>> {
    let (list, _) = split(comment)?;
    let pairs: Vec<[String; 2]> = serde_json::from_str(list.trim_end_matches('…')).ok()?;
    Some(pairs.into_iter().map(|[c, n]| (c, n)).collect())
}

/// The report identity a comment's first line carries, if any.
pub fn report_id(comment: &str) -> Option<&str> {
    split(comment)?.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Outcome;
    use crate::submit::plan::aggregate::tests::test;

    #[test]
    fn names_round_trip_through_the_line_whatever_they_hold() {
        let mut a = test("test_login[user \"x\", 2]", Outcome::Failed);
        a.classname = "tests.test_auth.TestLogin".into();
        let b = test("b", Outcome::Passed);
        let text = line(&[&a, &b], 1000);
        assert!(text.starts_with(PREFIX), "{text}");
        let parsed = parse(&format!("{text}\nAssertionError: no")).unwrap();
        assert_eq!(parsed[0].0, "tests.test_auth.TestLogin");
        assert_eq!(parsed[0].1, "test_login[user \"x\", 2]");
        assert_eq!(parsed[1].1, "b");
        assert_eq!(parse("AssertionError: no"), None);
        assert_eq!(report_id(&text), None, "no identity before it is stamped");
    }

    #[test]
    fn the_report_identity_fills_the_placeholder_and_parses_back() {
        let a = test("a", Outcome::Failed);
        let mut text = format!("{}\nE: boom", line(&[&a], 1000));
        let before = text.len();
        fill_report_id(&mut text, "0123456789abcdef");
        assert_eq!(text.len(), before);
        assert_eq!(
            text,
            "testrail-report tests: [[\"pkg.Class\",\"a\"]] report: 0123456789abcdef\nE: boom"
        );
        assert_eq!(report_id(&text), Some("0123456789abcdef"));
        assert_eq!(parse(&text).unwrap(), [("pkg.Class".into(), "a".into())]);
        // A line written before the identity existed still names its tests.
        let old = "testrail-report tests: [[\"pkg.Class\",\"a\"]]\nE: boom";
        assert_eq!(parse(old).unwrap(), [("pkg.Class".into(), "a".into())]);
        assert_eq!(report_id(old), None);
        // A test named like the separator is not taken for an identity.
        let mut odd = test("x report: 0123456789abcdef", Outcome::Passed);
        odd.classname = "c".into();
        let odd_line = line(&[&odd], 1000);
        assert_eq!(report_id(&odd_line), None);
        assert_eq!(parse(&odd_line).unwrap()[0].1, "x report: 0123456789abcdef");
    }

    #[test]
    fn too_many_tests_list_the_first_ones_within_the_budget() {
        let many: Vec<_> = (0..50)
            .map(|i| test(&format!("test_{i}"), Outcome::Failed))
            .collect();
        let refs: Vec<&TestCase> = many.iter().collect();
        let mut text = line(&refs, 200);
        fill_report_id(&mut text, "0123456789abcdef");
        assert!(
            text.chars().count() <= 201 && text.ends_with("… report: 0123456789abcdef"),
            "{text}"
        );
        assert_eq!(report_id(&text), Some("0123456789abcdef"));
        let parsed = parse(&text).unwrap();
        assert!(parsed.len() > 1 && parsed.len() < 50, "{parsed:?}");
    }
}
