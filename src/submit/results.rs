//! From grouped testcases to the results to post: one [`PlannedResult`] per case, holding the
//! exact `add_results_for_cases` entry and the files to attach to it afterwards.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::junit::Outcome;

use super::aggregate::CaseGroup;
use super::attachments::attachments;
use super::comment::{CommentOptions, comment};
use super::elapsed::elapsed;
use super::fields::{ResultField, defects, fields_for};
use super::status::StatusPolicy;

/// One entry of an `add_results_for_cases` body, serialized exactly as TestRail expects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultEntry {
    /// The case (the run must contain it).
    pub case_id: u64,
    /// The status to set.
    pub status_id: u64,
    /// What a tester reads first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// A TestRail timespan, e.g. `"12s"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed: Option<String>,
    /// Comma-separated defect IDs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defects: Option<String>,
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
    pub attachments: Vec<PathBuf>,
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
}

/// Build the result of every case group. Fails (as an input error) on a malformed
/// `testrail_result_field` property, before anything is sent.
pub fn plan_results(groups: &[CaseGroup<'_>], opts: &ResultOptions) -> anyhow::Result<ResultPlan> {
    let mut plan = ResultPlan {
        results: Vec::with_capacity(groups.len()),
        ..ResultPlan::default()
    };
    for g in groups {
        let outcome = g.outcome();
        let Some(status_id) = opts.status.status_for(outcome) else {
            plan.left_untested.push(g.case_id);
            continue;
        };
        let fields = fields_for(g, &opts.fields).map_err(Error::Input)?;
        let files = attachments(g);
        plan.warnings.extend(files.warnings);
        plan.results.push(PlannedResult {
            entry: ResultEntry {
                case_id: g.case_id,
                status_id,
                comment: comment(g, &opts.comment),
                elapsed: elapsed(&g.tests, opts.elapsed_ms),
                defects: defects(g),
                fields,
            },
            outcome,
            attachments: files.files,
        });
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::junit::{Property, TestCase};
    use crate::submit::aggregate::group;
    use crate::submit::aggregate::tests::{failing, test};
    use crate::submit::status::StatusOverrides;
    use serde_json::json;

    fn opts(status: &str) -> ResultOptions {
        let o: StatusOverrides = status.parse().unwrap();
        ResultOptions {
            status: o.resolve(None).unwrap(),
            comment: CommentOptions::default(),
            elapsed_ms: false,
            fields: vec!["version=1.4.2".parse().unwrap()],
        }
    }

    #[test]
    fn builds_entries_in_the_shape_testrail_expects() {
        let mut a = failing("a", "E", "boom", "");
        a.time = Some(2.4);
        a.properties.push(Property {
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
        t.properties.push(Property {
            name: "testrail_result_field".into(),
            value: "oops".into(),
        });
        let err = plan_results(&group([(&t, [1])]), &opts("")).unwrap_err();
        assert_eq!(crate::exit::code_for(&err), crate::exit::INPUT);
    }
}
