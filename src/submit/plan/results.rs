//! From grouped testcases to the results to post: one [`PlannedResult`] per case, holding the
//! exact `add_results_for_cases` entry and the files to attach to it afterwards.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::report::{Outcome, Report};

use super::aggregate::{CaseGroup, Groups};
use super::attachments::attachments;
use super::comment::{CommentOptions, comment};
use super::elapsed::{Timespan, elapsed};
use super::fields::{ResultField, defects, fields_for};
use super::status::StatusPolicy;
use super::steps::{self, step_results};

/// One entry of an `add_results_for_cases` body, serialized exactly as TestRail expects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultEntry {
    /// The case (the run must contain it).
    pub case_id: u64,
    /// The status to set.
    pub status_id: u64,
    /// What a tester reads first. (Boxed strings here and below: a submit holds every entry
    /// until it is posted, and the spare capacity field of a `String` is never used.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Box<str>>,
    /// A TestRail timespan, e.g. `"12s"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed: Option<Timespan>,
    /// Comma-separated defect IDs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defects: Option<Box<str>>,
    /// `version`, `assignedto_id` and `custom_*` fields.
    #[serde(flatten)]
    pub fields: BTreeMap<String, Value>,
}

/// A result ready to post, with what the summary and the attachment upload need.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedResult {
    /// The request entry.
    pub entry: ResultEntry,
    /// The aggregate outcome behind it.
    pub outcome: Outcome,
    /// Files to upload to the result once it exists.
    pub attachments: Box<[PathBuf]>,
}

/// Everything that shapes a result besides the report.
#[derive(Debug, Clone)]
pub struct ResultOptions {
    /// Status per outcome.
    pub status: StatusPolicy,
    /// Comment size, output tail, CI link.
    pub comment: CommentOptions,
    /// Send milliseconds (`--elapsed-ms`).
    pub elapsed_ms: bool,
    /// `--result-field` values for every result.
    pub fields: Vec<ResultField>,
    /// `--assign`: the users failed results are assigned to, in turn (as trcli's list).
    pub assignees: Vec<u64>,
}

/// The results to post, and what the user should hear about.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultPlan {
    /// One per case that gets a result, in first-appearance order.
    pub results: Vec<PlannedResult>,
    /// Cases left untested on purpose (`--status skipped=none`).
    pub left_untested: Vec<u64>,
    /// Missing attachments and the like.
    pub warnings: Vec<String>,
    /// Failed results given an assignee so far (whose turn is next).
    assigned: usize,
}

/// Build the result of every case group (`members`: each case ID with the positions of its
/// testcases among all the reports' testcases, in order). Fails (as an input error) on a
/// malformed `testrail_result_field` property, before anything is sent.
///
/// Each testcase's long texts are released as soon as the last group that reads them is
/// planned, so the reports and the comments made from them are never both whole in memory:
/// at 100,000 tests with 10,000 stack traces that is about 30 MB each.
pub fn plan_and_release(
    reports: &mut [Report],
    members: &Groups,
    opts: &ResultOptions,
) -> anyhow::Result<ResultPlan> {
    let mut starts = Vec::with_capacity(reports.len());
    let mut total = 0;
    for r in reports.iter() {
        starts.push(total);
        total += r.tests.len();
    }
    let locate = |i: usize| {
        let report = starts.partition_point(|&s| s <= i) - 1;
        (report, i - starts[report])
    };
    let mut readers = vec![0u32; total];
    for (_, tests) in members.iter() {
        for &i in tests {
            readers[i] += 1;
        }
    }
    let mut plan = ResultPlan {
        results: Vec::with_capacity(members.len()),
        ..ResultPlan::default()
    };
    for (case_id, tests) in members.iter() {
        let group = CaseGroup {
            case_id,
            tests: tests
                .iter()
                .map(|&i| {
                    let (r, t) = locate(i);
                    &reports[r].tests[t]
                })
                .collect(),
        };
        plan_group(&mut plan, &group, opts)?;
        for &i in tests {
            readers[i] -= 1;
            if readers[i] == 0 {
                let (r, t) = locate(i);
                reports[r].tests[t].release_texts();
            }
        }
    }
    plan.dedup_warnings();
    Ok(plan)
}

impl ResultPlan {
    /// Say each warning once: a test mapped to several cases plans its attachments for each.
    fn dedup_warnings(&mut self) {
        let mut seen = std::collections::HashSet::new();
        self.warnings.retain(|w| seen.insert(w.clone()));
    }
}

/// [`plan_and_release`] over groups of testcases, leaving the reports alone: how unit tests
/// check what a plan holds.
#[cfg(test)]
fn plan_results(groups: &[CaseGroup<'_>], opts: &ResultOptions) -> anyhow::Result<ResultPlan> {
    let mut plan = ResultPlan::default();
    for g in groups {
        plan_group(&mut plan, g, opts)?;
    }
    plan.dedup_warnings();
    Ok(plan)
}

/// Add one case group's result (or its untested case) to `plan`.
fn plan_group(
    plan: &mut ResultPlan,
    g: &CaseGroup<'_>,
    opts: &ResultOptions,
) -> anyhow::Result<()> {
    let outcome = g.outcome();
    let Some(status_id) = opts.status.status_for(outcome) else {
        plan.left_untested.push(g.case_id);
        return Ok(());
    };
    let mut fields = fields_for(g, &opts.fields).map_err(Error::Input)?;
    // A value set by the user (`--result-field` or a property) wins over the report's steps.
    if let Some(steps) = step_results(g, &opts.status).map_err(Error::Input)? {
        fields.entry(steps::FIELD.to_owned()).or_insert(steps);
    }
    let unassigned = !fields.contains_key("assignedto_id");
    if outcome >= Outcome::Failed && unassigned && !opts.assignees.is_empty() {
        // A `testrail_result_field` naming the assignee wins, as a test's own field does.
        let user = opts.assignees[plan.assigned % opts.assignees.len()];
        fields.insert("assignedto_id".to_string(), Value::from(user));
        plan.assigned += 1;
    }
    let files = attachments(g);
    plan.warnings.extend(files.warnings);
    plan.results.push(PlannedResult {
        entry: ResultEntry {
            case_id: g.case_id,
            status_id,
            comment: comment(g, &opts.comment).map(String::into_boxed_str),
            elapsed: elapsed(&g.tests, opts.elapsed_ms),
            defects: defects(g).map(String::into_boxed_str),
            fields,
        },
        outcome,
        attachments: files.files.into(),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Property, TestCase};
    use crate::submit::plan::aggregate::tests::{failing, test};
    use crate::submit::plan::aggregate::{group, group_indices};
    use crate::submit::plan::status::StatusOverrides;
    use serde_json::json;

    fn opts(status: &str) -> ResultOptions {
        let o: StatusOverrides = status.parse().unwrap();
        ResultOptions {
            status: o.resolve(None).unwrap(),
            comment: CommentOptions::default(),
            elapsed_ms: false,
            fields: vec!["version=1.4.2".parse().unwrap()],
            assignees: Vec::new(),
        }
    }

    #[test]
    fn builds_entries_in_the_shape_testrail_expects() {
        let mut a = failing("a", "E", "boom", "");
        a.time = Some(2.4);
        a.details_mut().properties.push(Property {
            name: "testrail_defects".into(),
            value: "BUG-1".into(),
        });
        let b = TestCase {
            time: Some(0.1),
            ..test("b", Outcome::Passed)
        };
        let g = group([(&a, [10]), (&b, [11])]);
        let plan = plan_results(&g, &opts("skipped=4")).unwrap();
        let bodies: Vec<_> = plan.results.iter().map(|r| json!(r.entry)).collect();
        assert_eq!(
            bodies,
            vec![
                json!({"case_id": 10, "status_id": 5, "comment": "E: boom", "elapsed": "2s",
                       "defects": "BUG-1", "version": "1.4.2"}),
                json!({"case_id": 11, "status_id": 1, "elapsed": "1s", "version": "1.4.2"}),
            ]
        );
    }

    #[test]
    fn failed_results_are_assigned_in_turn_unless_a_test_names_its_assignee() {
        let (a, b, c) = (
            failing("a", "E", "x", ""),
            failing("b", "E", "x", ""),
            failing("c", "E", "x", ""),
        );
        let mut own = failing("own", "E", "x", "");
        own.details_mut().properties.push(Property {
            name: "testrail_result_field".into(),
            value: "assignedto_id:9".into(),
        });
        let p = test("p", Outcome::Passed);
        let g = group([(&a, [1]), (&p, [2]), (&own, [3]), (&b, [4]), (&c, [5])]);
        let mut o = opts("");
        o.assignees = vec![7, 8];
        let plan = plan_results(&g, &o).unwrap();
        let who: Vec<Value> = plan
            .results
            .iter()
            .map(|r| {
                r.entry
                    .fields
                    .get("assignedto_id")
                    .cloned()
                    .unwrap_or(Value::Null)
            })
            .collect();
        assert_eq!(who, [json!(7), Value::Null, json!(9), json!(8), json!(7)]);
    }

    #[test]
    fn skipped_none_leaves_the_case_untested() {
        let s = test("s", Outcome::Skipped);
        let p = test("p", Outcome::Passed);
        let g = group([(&s, [1]), (&p, [2])]);
        let plan = plan_results(&g, &opts("skipped=none")).unwrap();
        assert_eq!(plan.left_untested, [1]);
        assert_eq!(plan.results.len(), 1);
        assert_eq!(plan.results[0].entry.case_id, 2);
    }

    #[test]
    fn a_bad_field_property_is_an_input_error() {
        let mut t = test("t", Outcome::Passed);
        t.details_mut().properties.push(Property {
            name: "testrail_result_field".into(),
            value: "oops".into(),
        });
        let err = plan_results(&group([(&t, [1])]), &opts("")).unwrap_err();
        assert_eq!(crate::error::code_for(&err), crate::exit::INPUT);
    }

    #[test]
    fn a_missing_attachment_of_a_test_with_two_cases_is_warned_about_once() {
        let mut t = test("t", Outcome::Failed);
        t.details_mut().properties.push(Property {
            name: "testrail_attachment".into(),
            value: "no-such-file.log".into(),
        });
        let plan = plan_results(&group([(&t, [1, 2])]), &opts("")).unwrap();
        assert_eq!(plan.results.len(), 2);
        assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
    }

    #[test]
    fn planning_releases_texts_only_after_the_last_group_reading_them() {
        let shared = failing("shared", "E", "boom", "at shared.trace(1)");
        let mut alone = failing("alone", "E", "bang", "at alone.trace(2)");
        alone.details_mut().system_out = Some(crate::report::Text {
            text: "captured".into(),
            truncated: false,
        });
        let expected = plan_results(
            &group([(&shared, vec![10, 11]), (&alone, vec![12])]),
            &opts(""),
        )
        .unwrap();
        let mut reports = [Report {
            path: shared.file.clone(),
            format: crate::report::Format::Junit,
            tests: vec![shared.clone(), alone.clone()],
            warnings: vec![],
        }];
        let members = group_indices(&[vec![10, 11], vec![12]]);
        let plan = plan_and_release(&mut reports, &members, &opts("")).unwrap();
        assert_eq!(plan.results, expected.results);
        let second = plan.results[1].entry.comment.as_deref().unwrap();
        assert!(second.contains("at shared.trace(1)"), "{second}");
        for t in &reports[0].tests {
            assert!(t.records.iter().all(|r| r.body.text.is_empty()));
            assert!(t.system_out().is_none());
            assert_eq!(t.records[0].message.as_deref().map(str::len), Some(4));
        }
        assert_eq!(reports[0].tests[1].name, "alone");
    }
}
