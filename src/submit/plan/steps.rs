//! Step results: the steps a report's own format records (Robot Framework keywords, Cucumber
//! steps) and trcli's `testrail_result_step` properties (`passed:Go to homepage`) become the
//! result's `custom_step_results` (`[{content, status_id}]`), which TestRail shows as the
//! steps of a "Test Case (Steps)" result. A step's status is chosen like a test's, so
//! `--status` overrides apply to steps too; a step whose outcome posts nothing
//! (`--status skipped=none`) is shown as Untested rather than dropped.

use serde_json::{Value, json};

use crate::report::Outcome;

use super::aggregate::CaseGroup;
use super::status::{StatusPolicy, UNTESTED};

/// The property trcli reads step results from.
pub const PROPERTY: &str = "testrail_result_step";
/// The result field TestRail keeps step results in.
pub const FIELD: &str = "custom_step_results";

/// The step results of one result, in test and document order; `None` when no test has any.
/// An unknown step status is an error naming the test, before anything is sent.
pub fn step_results(group: &CaseGroup<'_>, policy: &StatusPolicy) -> Result<Option<Value>, String> {
    let mut steps = Vec::new();
    for t in &group.tests {
        for s in t.steps() {
            let status_id = policy.status_for(s.outcome).unwrap_or(UNTESTED);
            steps.push(json!({ "content": s.content, "status_id": status_id }));
        }
        for raw in t.property_values(PROPERTY) {
            let (status, content) = raw.split_once(':').ok_or_else(|| {
                format!(
                    "{}: property {PROPERTY} `{raw}` is not status:step (e.g. passed:Open the page)",
                    t.full_name()
                )
            })?;
            let status_id = step_status(status, policy).ok_or_else(|| {
                format!(
                    "{}: property {PROPERTY} `{raw}` has an unknown status `{}` (use passed, \
                     failed, error, skipped or untested)",
                    t.full_name(),
                    status.trim()
                )
            })?;
            steps.push(json!({ "content": content.trim(), "status_id": status_id }));
        }
    }
    Ok((!steps.is_empty()).then_some(Value::Array(steps)))
}

/// The status of one step: the test statuses (with `--status`), `untested` as itself. A
/// skipped step under `--status skipped=none` is untested, since a step cannot be left out.
fn step_status(status: &str, policy: &StatusPolicy) -> Option<u64> {
    let outcome = match status.trim().to_ascii_lowercase().as_str() {
        "passed" | "pass" => Outcome::Passed,
        "failed" | "fail" => Outcome::Failed,
        "error" => Outcome::Error,
        "skipped" | "skip" => Outcome::Skipped,
        "untested" | "not run" => return Some(UNTESTED),
        _ => return None,
    };
    Some(policy.status_for(outcome).unwrap_or(UNTESTED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Property, Step, TestCase};
    use crate::submit::plan::aggregate::group;
    use crate::submit::plan::aggregate::tests::test;
    use crate::submit::plan::status::StatusOverrides;

    fn with_steps(name: &str, steps: &[&str]) -> TestCase {
        let mut t = test(name, Outcome::Passed);
        t.details_mut().properties = steps
            .iter()
            .map(|v| Property {
                name: PROPERTY.into(),
                value: v.to_string(),
            })
            .collect();
        t
    }

    fn policy(spec: &str) -> StatusPolicy {
        spec.parse::<StatusOverrides>()
            .unwrap()
            .resolve(None)
            .unwrap()
    }

    #[test]
    fn steps_become_content_and_status_in_order() {
        let a = with_steps("a", &["passed:Go to homepage", "Failed: Verify content"]);
        let b = with_steps("b", &["skipped:Later", "untested:Never"]);
        let g = group([(&a, [1]), (&b, [1])]);
        let steps = step_results(&g[0], &policy("")).unwrap().unwrap();
        assert_eq!(
            steps,
            json!([
                {"content": "Go to homepage", "status_id": 1},
                {"content": "Verify content", "status_id": 5},
                {"content": "Later", "status_id": 4},
                {"content": "Never", "status_id": 3},
            ])
        );
    }

    #[test]
    fn status_overrides_apply_to_steps() {
        let a = with_steps("a", &["failed:x", "passed:y", "skipped:z"]);
        let g = group([(&a, [1])]);
        let steps = step_results(&g[0], &policy("failed=7,passed=2,skipped=none")).unwrap();
        let ids: Vec<_> = steps
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["status_id"].clone())
            .collect();
        assert_eq!(ids, [json!(7), json!(2), json!(3)]);
    }

    #[test]
    fn no_steps_no_field_and_bad_steps_name_the_test() {
        let plain = test("p", Outcome::Passed);
        assert_eq!(
            step_results(&group([(&plain, [1])])[0], &policy("")),
            Ok(None)
        );
        for bad in ["no colon", "done:x"] {
            let t = with_steps("bad", &[bad]);
            let err = step_results(&group([(&t, [1])])[0], &policy("")).unwrap_err();
            assert!(err.contains("pkg.Class.bad") && err.contains(bad), "{err}");
        }
    }

    #[test]
    fn a_reports_own_steps_come_first_with_their_status() {
        let mut t = with_steps("r", &["passed:From a property"]);
        t.details_mut().steps = vec![
            Step {
                content: "Open Browser    x".into(),
                outcome: Outcome::Passed,
            },
            Step {
                content: "Then b".into(),
                outcome: Outcome::Skipped,
            },
        ];
        let none = policy("skipped=none");
        let steps = step_results(&group([(&t, [1])])[0], &none).unwrap();
        assert_eq!(
            steps,
            Some(json!([
                {"content": "Open Browser    x", "status_id": 1},
                {"content": "Then b", "status_id": 3},
                {"content": "From a property", "status_id": 1},
            ]))
        );
    }
}
