//! What an earlier attempt of this same submit already posted, so that the obvious retry —
//! running the same command again, in a fresh workspace without a journal — posts only what
//! is missing.
//!
//! Every result names its report's identity on its first comment line (`plan/report_id.rs`).
//! A case of this submit holding a result with this identity in the run got it from an
//! earlier attempt of this report; a different report (a re-run of the failures, a later
//! build) has another identity and is posted in full.
//!
//! Kept cheap, since it runs before every submit into an existing run: results are read only
//! when some of our cases' tests have a status already (a run without results, or a fresh
//! shard into a run made with its cases, costs no call), newest first, stopping once every
//! such case is accounted for. A run made with `include_all` is not read when opened, so its
//! counters are the only sign: once any result is in, its results are read.
//!
//! A plain rerun of a submit that creates its run looks for the run an earlier attempt made
//! ([`reusable_run`]): open, the same name and suite, created by the same user within
//! [`REUSE_WINDOW`] seconds, and holding results of this report; with `--plan-id`, the same
//! in the plan's entries ([`reusable_plan_run`]).

use std::collections::{BTreeSet, HashSet};

use super::target::{OpenedRun, TargetSpec, api};
use crate::submit::options::SubmitOptions;
use crate::submit::plan::test_names;
use crate::summary::Summary;
use crate::testrail::{ApiError, Client, NewPlanEntry, NewRun, PAGE_SIZE, Run, RunFilters, Test};

/// TestRail's built-in status of a test without results.
const UNTESTED: u64 = 3;

/// How far back a rerun looks for the run its earlier attempt created: a day covers a CI
/// job retried the next morning; older runs are left alone.
pub const REUSE_WINDOW: i64 = 24 * 3600;

/// Our cases (`case_ids`) that already hold a result of report `report` in `run`. `tests` are
/// the run's tests when the caller has just read them (with their statuses), else `None`.
pub async fn already_in_run(
    client: &Client,
    run: &Run,
    tests: Option<&[Test]>,
    case_ids: &[u64],
    report: &str,
) -> Result<BTreeSet<u64>, ApiError> {
    let ours: HashSet<u64> = case_ids.iter().copied().collect();
    let candidates: Option<HashSet<u64>> = tests.map(|tests| {
        tests
            .iter()
            .filter(|t| ours.contains(&t.case_id) && t.status_id.is_some_and(|s| s != UNTESTED))
            .map(|t| t.id)
            .collect()
    });
    let nothing_tested = match &candidates {
        Some(c) => c.is_empty(),
        None => run.test_count() <= run.untested_count,
    };
    if nothing_tested {
        return Ok(BTreeSet::new());
    }
    let found = tests_with_report(client, run, candidates.as_ref(), report).await?;
    if found.is_empty() {
        return Ok(BTreeSet::new());
    }
    let read;
    let tests = match tests {
        Some(t) => t,
        None => {
            read = client.get_tests(run.id).await?;
            &read
        }
    };
    Ok(tests
        .iter()
        .filter(|t| found.contains(&t.id) && ours.contains(&t.case_id))
        .map(|t| t.case_id)
        .collect())
}

/// The tests of `run` holding a result of `report`: every page of its results, newest first,
/// until each of `candidates` (when known) is found.
async fn tests_with_report(
    client: &Client,
    run: &Run,
    candidates: Option<&HashSet<u64>>,
    report: &str,
) -> Result<HashSet<u64>, ApiError> {
    let since = run.created_on.unwrap_or(0);
    let mut found = HashSet::new();
    let mut offset = 0;
    loop {
        let page = client
            .get_results_for_run_page(run.id, since, offset)
            .await?;
        for r in &page {
            let ours = candidates.is_none_or(|c| c.contains(&r.test_id));
            if ours && r.comment.as_deref().and_then(test_names::report_id) == Some(report) {
                found.insert(r.test_id);
            }
        }
        let all = candidates.is_some_and(|c| found.len() == c.len());
        if page.len() < PAGE_SIZE || all {
            return Ok(found);
        }
        offset += page.len();
    }
}

/// An open run an earlier attempt of this submit created: the same name and suite, made by
/// the same user within [`REUSE_WINDOW`], holding results of `report`; with the cases that
/// already have theirs. `None` when there is none (the usual case: one `get_runs` call).
pub async fn reusable_run(
    client: &Client,
    project_id: u64,
    body: &NewRun,
    case_ids: &[u64],
    report: &str,
) -> Result<Option<(Run, BTreeSet<u64>)>, ApiError> {
    let filters = RunFilters {
        created_after: Some(super::target::now() - REUSE_WINDOW),
        is_completed: Some(false),
        suite_id: body.suite_id.into_iter().collect(),
        ..RunFilters::default()
    };
    let name = body.name.as_deref().unwrap_or_default();
    let runs = client.get_runs(project_id, &filters).await?;
    let runs = runs.into_iter().filter(|r| r.name == name).collect();
    first_holding(client, runs, case_ids, report).await
}

/// The run of a plan entry an earlier attempt of this submit added (`--plan-id`): an entry of
/// the same name and suite whose run is open, made by the same user within [`REUSE_WINDOW`],
/// holds every case of ours (the run it made, not one missing cases TestRail did not know)
/// and results of `report`. Costs one `get_plan` when there is none.
pub async fn reusable_plan_run(
    client: &Client,
    plan_id: u64,
    suite_id: Option<u64>,
    entry: &NewPlanEntry,
    case_ids: &[u64],
    report: &str,
) -> Result<Option<(Run, BTreeSet<u64>)>, ApiError> {
    let plan = client.get_plan(plan_id).await?;
    if plan.is_completed {
        return Ok(None);
    }
    let since = super::target::now() - REUSE_WINDOW;
    let name = entry.name.as_deref().unwrap_or_default();
    let runs = plan
        .entries
        .into_iter()
        .filter(|e| e.name == name && suite_id.is_none_or(|s| e.suite_id == Some(s)))
        // A submit posts into the first run of the entry it adds.
        .filter_map(|e| e.runs.into_iter().next())
        .filter(|r| r.created_on.is_none_or(|t| t >= since))
        .collect();
    let Some((run, done)) = first_holding(client, runs, case_ids, report).await? else {
        return Ok(None);
    };
    let holds: HashSet<u64> = client
        .get_tests(run.id)
        .await?
        .into_iter()
        .map(|t| t.case_id)
        .collect();
    Ok(case_ids
        .iter()
        .all(|c| holds.contains(c))
        .then_some((run, done)))
}

/// The first of these candidate runs (newest first) that is open, ours and holds results of
/// `report`, with the cases that have theirs.
async fn first_holding(
    client: &Client,
    runs: Vec<Run>,
    case_ids: &[u64],
    report: &str,
) -> Result<Option<(Run, BTreeSet<u64>)>, ApiError> {
    let runs: Vec<Run> = runs
        .into_iter()
        .filter(|r| !r.is_completed && r.test_count() > r.untested_count)
        .collect();
    if runs.is_empty() {
        return Ok(None);
    }
    // Only now is it worth asking who we are.
    let me = client.get_current_user().await?.id;
    for run in runs.into_iter().filter(|r| r.created_by == Some(me)) {
        let done = already_in_run(client, &run, None, case_ids, report).await?;
        if !done.is_empty() {
            return Ok(Some((run, done)));
        }
    }
    Ok(None)
}

/// The run an earlier attempt of this submit made, when it creates its run (or plan entry),
/// may reuse one (not `--new-run`, a name that stays the same from one attempt to the next)
/// and finds one; says so on stderr. A failed look-up only warns: the submit then creates its run as usual.
pub async fn earlier_run(
    client: &Client,
    summary: &Summary,
    case_ids: &[u64],
    opts: &SubmitOptions,
) -> Option<(Run, BTreeSet<u64>)> {
    let report = summary.report_id.as_deref().filter(|_| opts.reuse_run)?;
    let found = match &opts.target {
        TargetSpec::New { project_id, run } => {
            reusable_run(client, *project_id, run, case_ids, report).await
        }
        TargetSpec::Plan {
            plan_id,
            suite_id,
            entry,
        } => reusable_plan_run(client, *plan_id, *suite_id, entry, case_ids, report).await,
        TargetSpec::Existing { .. } => return None,
    };
    match found {
        Ok(Some((run, done))) => {
            eprintln!(
                "Reusing run R{} ({}): an earlier attempt of this submit made it and posted {} \
                 of its result(s); posting only the rest (--new-run makes a new run instead)",
                run.id,
                run.name,
                done.len()
            );
            Some((run, done))
        }
        Ok(None) => None,
        Err(e) => {
            eprintln!(
                "warning: could not look for a run an earlier attempt made ({e}); creating one"
            );
            None
        }
    }
}

/// Our cases that already hold a result of this report in a run we did not create.
pub async fn already_posted(
    client: &Client,
    opened: &OpenedRun,
    case_ids: &[u64],
    summary: &Summary,
) -> anyhow::Result<BTreeSet<u64>> {
    let Some(report) = summary.report_id.as_deref().filter(|_| !opened.created) else {
        return Ok(BTreeSet::new());
    };
    let tests = opened.tests.as_deref();
    already_in_run(client, &opened.run, tests, case_ids, report)
        .await
        .map_err(|e| {
            api(e).context(format!(
                "run R{} is open, but nothing was posted to it: reading which results it holds \
                 already failed",
                opened.run.id
            ))
        })
}
