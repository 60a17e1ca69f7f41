//! Which tests stand behind a result, kept machine-readable as the first line of its comment,
//! so `rerun` builds each test runner's selector from the classname and name the report gave
//! instead of guessing from case titles.
//!
//! The line is `testrail-report tests: [["classname","name"], …]` (JSON, one pair per test of
//! the case, in report order). It never takes more than half the comment budget: a case with so
//! many tests that they do not fit lists the first ones and ends with `…`, and `rerun` then
//! names only those.

use crate::report::TestCase;

/// How the line starts.
pub const PREFIX: &str = "testrail-report tests: ";

/// The line for these tests, within `budget` characters.
pub fn line(tests: &[&TestCase], budget: usize) -> String {
    let mut pairs: Vec<[&str; 2]> = Vec::new();
    let mut text = format!("{PREFIX}[]");
    for t in tests {
        pairs.push([t.classname.as_ref(), t.name.as_str()]);
        let next = format!("{PREFIX}{}", json(&pairs));
        if next.chars().count() > budget && pairs.len() > 1 {
            text.push('…');
            break;
        }
        text = next;
    }
    text
}

fn json(pairs: &[[&str; 2]]) -> String {
    serde_json::to_string(pairs).unwrap_or_else(|_| "[]".into())
}

/// The (classname, name) pairs a comment's first line names, if it is such a line.
pub fn parse(comment: &str) -> Option<Vec<(String, String)>> {
    let first = comment.lines().next()?;
    let list = first.strip_prefix(PREFIX)?.trim_end_matches('…');
    let pairs: Vec<[String; 2]> = serde_json::from_str(list).ok()?;
    Some(pairs.into_iter().map(|[c, n]| (c, n)).collect())
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
    }

    #[test]
    fn too_many_tests_list_the_first_ones_within_the_budget() {
        let many: Vec<_> = (0..50)
            .map(|i| test(&format!("test_{i}"), Outcome::Failed))
            .collect();
        let refs: Vec<&TestCase> = many.iter().collect();
        let text = line(&refs, 200);
        assert!(text.chars().count() <= 201 && text.ends_with('…'), "{text}");
        let parsed = parse(&text).unwrap();
        assert!(parsed.len() > 1 && parsed.len() < 50, "{parsed:?}");
    }
}
