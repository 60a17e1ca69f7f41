//! `custom_step_results` of a result: the steps of the tests behind it (Robot Framework
//! keywords, Cucumber steps), each with the status its outcome maps to.
//!
//! TestRail stores this field as a list of `{content, status_id}` (the "Step Results" field
//! type, also what trcli sends). A step whose outcome posts nothing under the status policy
//! (`--status skipped=none`) is shown as Untested rather than dropped, so the list still
//! reads as the test ran.

use serde_json::{Value, json};

use super::aggregate::CaseGroup;
use super::status::StatusPolicy;

/// The field the steps go in.
pub const FIELD: &str = "custom_step_results";

/// TestRail's Untested status.
const UNTESTED: u64 = 3;

/// The step results of one result, or `None` when no test has steps.
pub fn step_results(group: &CaseGroup<'_>, status: &StatusPolicy) -> Option<Value> {
    let steps: Vec<Value> = group
        .tests
        .iter()
        .flat_map(|t| t.steps())
        .map(|s| {
            let status_id = status.status_for(s.outcome).unwrap_or(UNTESTED);
            json!({"content": s.content, "status_id": status_id})
        })
        .collect();
    (!steps.is_empty()).then_some(Value::Array(steps))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Outcome, Step};
    use crate::submit::plan::aggregate::group;
    use crate::submit::plan::aggregate::tests::test;
    use crate::submit::plan::status::StatusOverrides;

    fn with_steps(name: &str, steps: &[(&str, Outcome)]) -> crate::report::TestCase {
        let mut t = test(name, Outcome::Passed);
        t.details_mut().steps = steps
            .iter()
            .map(|(c, o)| Step {
                content: c.to_string(),
                outcome: *o,
            })
            .collect();
        t
    }

    #[test]
    fn every_step_of_every_test_in_order_with_its_status() {
        let a = with_steps("a", &[("Open Browser    x", Outcome::Passed)]);
        let b = with_steps(
            "b",
            &[("Given a", Outcome::Failed), ("Then b", Outcome::Skipped)],
        );
        let policy = StatusOverrides::default().resolve(None).unwrap();
        let groups = group([(&a, vec![1]), (&b, vec![1])]);
        let got = step_results(&groups[0], &policy).unwrap();
        assert_eq!(
            got,
            json!([
                {"content": "Open Browser    x", "status_id": 1},
                {"content": "Given a", "status_id": 5},
                {"content": "Then b", "status_id": policy.skipped.unwrap()},
            ])
        );
    }

    #[test]
    fn steps_that_post_nothing_show_as_untested_and_no_steps_is_no_field() {
        let a = with_steps("a", &[("Given a", Outcome::Skipped)]);
        let none: StatusOverrides = "skipped=none".parse().unwrap();
        let policy = none.resolve(None).unwrap();
        let groups = group([(&a, vec![1])]);
        assert_eq!(
            step_results(&groups[0], &policy).unwrap()[0]["status_id"],
            3
        );
        let plain = test("p", Outcome::Passed);
        assert!(step_results(&group([(&plain, vec![2])])[0], &policy).is_none());
    }
}
