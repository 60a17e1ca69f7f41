//! The submit, start to finish: map every test, validate, then (and only then) write to
//! TestRail — open the run, post the results, close it if asked — and account for it all in a
//! [`Summary`].
//!
//! Nothing is written before every report is read and mapped and every option is resolved, so
//! bad input never leaves a half-made run. Results that cannot be posted are saved to a resume
//! file; the run is never deleted.

use std::collections::BTreeMap;

use serde_json::json;

use crate::error::Error;
use crate::report::{Outcome, Report, TestCase};
use crate::summary::{FailedTest, ReportRead, Summary};
use crate::testrail::Client;

use crate::submit::cases::create_cases::create_missing;
use crate::submit::checks::{
    check_unmapped, lookup_can_overlap, map_tests, resolve_statuses, strict_check,
};
use crate::submit::configs::check_configs;
use crate::submit::deliver::case_suites::check_hints;
use crate::submit::deliver::suites::dry_run_plan;
use crate::submit::deliver::target::TargetSpec;
use crate::submit::deliver::write::write;
use crate::submit::options::SubmitOptions;
use crate::submit::outcome::{Submitted, count_posted};
use crate::submit::plan::aggregate::{Groups, group_indices, worst_outcome};
use crate::submit::plan::report_id::stamp;
use crate::submit::plan::results::{ResultOptions, ResultPlan, plan_and_release};
use crate::submit::plan::status::StatusPolicy;
use crate::submit::test_ref;

/// Report these tests. `map_ids` gives a test's case IDs (for [`Matching::Ids`]); `client`
/// is `None` only for a dry run without credentials. The reports' long texts (failure
/// bodies, output) are released once the comments are built from them; names stay.
pub async fn submit(
    client: Option<&Client>,
    reports: &mut [Report],
    map_ids: &dyn Fn(&TestCase) -> Vec<u64>,
    opts: &SubmitOptions,
) -> anyhow::Result<Submitted> {
    let (mut summary, members, policy) = {
        let tests: Vec<&TestCase> = reports.iter().flat_map(|r| &r.tests).collect();
        let mut summary = Summary {
            dry_run: opts.dry_run,
            outcomes: count_outcomes(&tests),
            reports: reports.iter().map(report_read).collect(),
            ..Summary::default()
        };
        check_configs(client, opts).await?;
        let mut mapped = map_tests(client, &tests, map_ids, opts).await?;
        check_hints(&tests, &mapped, named_suite(&opts.target))?;
        summary.unmapped = tests
            .iter()
            .zip(&mapped)
            .filter(|(_, ids)| ids.is_empty())
            .map(|(t, _)| test_ref(t))
            .collect();
        create_missing(client, &tests, &mut mapped, &mut summary, opts).await?;
        check_unmapped(&summary, tests.len(), opts)?;
        summary.failed_tests = failed_tests(&tests, &mapped);
        let members = group_indices(&mapped);
        let skipped = any_skipped(&tests, &members);
        // When the look-up is only for skipped tests' status, it goes out beside `add_run`
        // (one round trip less); skipped results are planned with the fallback and fixed then.
        // Skipped steps (`custom_step_results`) are not fixed afterwards, so with any of
        // them the look-up comes first.
        let overlap =
            !any_skipped_step(&tests, &members) && lookup_can_overlap(client, skipped, opts);
        let policy = match overlap {
            true => opts.status.resolve(None)?,
            false => resolve_statuses(client, skipped, opts).await?,
        };
        (summary, members, (policy, overlap))
    };
    let (policy, overlap) = policy;
    let mut plan = plan_and_release(reports, &members, &result_options(&policy, opts))?;
    // Computed once, over everything this submit posts: how a retry finds its own results.
    if opts.comment.test_names {
        summary.report_id = stamp(&mut plan.results, opts.comment.job_url.as_deref());
    }
    for w in &plan.warnings {
        eprintln!("warning: {w}");
    }
    let tests: Vec<&TestCase> = reports.iter().flat_map(|r| &r.tests).collect();
    let case_ids = members.case_ids();
    crate::progress::note(&format!(
        "Mapped {} of {} test(s) to {} case(s)",
        tests.len() - summary.unmapped.len(),
        tests.len(),
        case_ids.len()
    ));
    if opts.strict {
        strict_check(client, case_ids, opts).await?;
    }
    if opts.dry_run {
        let by_suite = match client {
            Some(c) => dry_run_plan(c, &tests, &members, &plan.results, &policy, opts).await?,
            None => None,
        };
        return Ok(dry_run(summary, &plan, &policy, case_ids, opts, by_suite));
    }
    let client = client.ok_or_else(|| Error::Usage("no TestRail connection".into()))?;
    write(
        client,
        summary,
        &tests,
        &members,
        plan,
        (&policy, overlap),
        opts,
        None,
    )
    .await
}

/// Whether some case's result would be "skipped" (its worst test was skipped), which decides
/// whether the instance's statuses must be looked up.
fn any_skipped(tests: &[&TestCase], members: &Groups) -> bool {
    members.iter().any(|(_, positions)| {
        worst_outcome(positions.iter().map(|&i| tests[i])) == Outcome::Skipped
    })
}

/// Whether a mapped test has a skipped step, whose status must be known when it is planned.
fn any_skipped_step(tests: &[&TestCase], members: &Groups) -> bool {
    members
        .iter()
        .flat_map(|(_, positions)| positions)
        .any(|&i| {
            tests[i]
                .steps()
                .iter()
                .any(|s| s.outcome == Outcome::Skipped)
        })
}

/// The suite the options name for the run (`--suite-id`), if any.
fn named_suite(target: &TargetSpec) -> Option<u64> {
    match target {
        TargetSpec::New { run, .. } => run.suite_id,
        TargetSpec::Plan { suite_id, .. } => *suite_id,
        TargetSpec::Existing { .. } => None,
    }
}

fn report_read(report: &Report) -> ReportRead {
    ReportRead {
        path: report.path.display().to_string(),
        format: report.format.name().to_owned(),
        tests: report.tests.len() as u64,
    }
}

fn count_outcomes(tests: &[&TestCase]) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for t in tests {
        *out.entry(t.outcome.as_str().to_string()).or_insert(0) += 1;
    }
    out
}

fn result_options(policy: &StatusPolicy, opts: &SubmitOptions) -> ResultOptions {
    ResultOptions {
        status: policy.clone(),
        comment: opts.comment.clone(),
        elapsed_ms: opts.elapsed_ms,
        fields: opts.fields.clone(),
        assignees: opts.assignees.clone(),
    }
}

fn dry_run(
    mut summary: Summary,
    plan: &ResultPlan,
    policy: &StatusPolicy,
    case_ids: &[u64],
    opts: &SubmitOptions,
    by_suite: Option<serde_json::Value>,
) -> Submitted {
    let run = match (by_suite, &opts.target) {
        (Some(plan), _) => plan,
        (None, TargetSpec::New { project_id, run }) => {
            let mut body = run.clone();
            body.include_all = false;
            body.case_ids = Some(case_ids.to_vec());
            json!({ "add_run": project_id, "body": body })
        }
        (None, TargetSpec::Existing { run_id }) => match &opts.refs {
            None => json!({ "run_id": run_id, "ensure_case_ids": case_ids }),
            Some(r) => json!({ "run_id": run_id, "ensure_case_ids": case_ids,
                               "refs": { "action": format!("{:?}", r.action).to_lowercase(),
                                         "refs": r.refs } }),
        },
        (
            None,
            TargetSpec::Plan {
                plan_id,
                suite_id,
                entry,
            },
        ) => {
            let mut body = entry.clone();
            body.suite_id = suite_id.unwrap_or(0);
            body.include_all = false;
            body.case_ids = Some(case_ids.to_vec());
            json!({ "add_plan_entry": plan_id, "body": body })
        }
    };
    let all: Vec<usize> = (0..plan.results.len()).collect();
    count_posted(&mut summary, &plan.results, &all, policy);
    Submitted {
        summary,
        dry_run: Some((run, plan.results.clone())),
        errors: Vec::new(),
        close_failed: None,
    }
}

fn failed_tests(tests: &[&TestCase], mapped: &[Vec<u64>]) -> Vec<FailedTest> {
    let mut out = Vec::new();
    for (t, ids) in tests.iter().zip(mapped) {
        if t.outcome < Outcome::Failed {
            continue;
        }
        let message = t
            .first_problem()
            .and_then(|r| r.message.clone())
            .unwrap_or_default();
        out.push(FailedTest {
            test: test_ref(t),
            case_id: ids.first().copied(),
            message: message
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submit::plan::aggregate::tests::test;

    #[test]
    fn skipped_counts_only_when_it_is_a_case_s_worst_outcome() {
        let skipped = test("s", Outcome::Skipped);
        let failed = test("f", Outcome::Failed);
        let passed = test("p", Outcome::Passed);
        let tests = [&skipped, &failed, &passed];
        // Case 1 holds the skipped and the failed test: its result is a failure.
        let masked = group_indices(&[vec![1], vec![1], vec![2]]);
        assert!(!any_skipped(&tests, &masked));
        let alone = group_indices(&[vec![1], vec![2], vec![2]]);
        assert!(any_skipped(&tests, &alone));
    }
}
