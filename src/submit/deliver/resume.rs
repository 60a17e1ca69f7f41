//! `submit --resume FILE`: finish what a journal describes, after a failure or any crash.
//!
//! - The run: the one recorded; else (a crash between `add_run` and its record) the run made
//!   by that `add_run`, found by name, creator, time and cases; else a new one. A plan's
//!   entries the same way, suite by suite.
//! - The results: acknowledged ones are skipped without a read; those sent without an answer
//!   are checked against the run's newest results (`check.rs`); the rest are posted.
//! - Then the run (or the plan) is closed when the original submit asked for it, and the file
//!   is removed; when something remains it stays, updated, for another `--resume`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use crate::error::Error;
use crate::summary::{SuiteRun, Summary};
use crate::testrail::{Client, PlanFilters};

use super::check::landed_batch;
use super::close::close_plan;
use super::journal::Log;
use super::post::{PostOptions, cases_of, post_all};
use super::suites::{entry_template, new_plan, sort_by_suite};
use super::target::{
    OpenedRun, TargetSpec, api, created_run, ids, is_several_suites, open, run_cases,
};
use super::unsent::{Event, Journal};
use super::write::close;
use crate::submit::outcome::Submitted;
use crate::submit::plan::results::{PlannedResult, ResultEntry};
use crate::submit::plan::status::StatusOverrides;

/// A run to finish: its ID, page, and the cases it never held.
type RunRef = (u64, Option<String>, Vec<u64>);

/// Finish `journal`, read from `path`.
pub async fn resume(
    client: &Client,
    path: &Path,
    journal: Journal,
    post: &PostOptions,
) -> anyhow::Result<Submitted> {
    let log = Log::reopen(path)?;
    let planned = journal.planned();
    let mut summary = Summary::default();
    let mut errors = Vec::new();
    let mut left = 0;
    let (closes_run, plan_to_close) = match locate(client, &journal, &planned, &log).await? {
        Where::Plan(plan_id, created, suites) => {
            for (&suite, cases) in &suites {
                let share: Vec<PlannedResult> = planned
                    .iter()
                    .filter(|r| cases.contains(&r.entry.case_id))
                    .cloned()
                    .collect();
                let run = match journal.run_for(Some(suite)) {
                    Some(run) => run,
                    None => entry_run(client, &journal, plan_id, suite, cases, &log).await?,
                };
                let part = finish_run(client, &journal, &run, share, post, &log).await?;
                summary.runs.push(SuiteRun {
                    suite_id: suite,
                    run_id: run.0,
                    run_url: run.1.clone(),
                    results_posted: part.posted.len() as u64,
                });
                add(&mut summary, &mut errors, &mut left, &run, part);
            }
            summary.plan_id = Some(plan_id);
            // As the submit itself decides (suites.rs): a plan it made closes with either flag.
            let h = &journal.header;
            let close = h.close_plan || (created && h.close_run);
            (false, close.then_some(plan_id))
        }
        Where::Run(run) => {
            let part = finish_run(client, &journal, &run, planned, post, &log).await?;
            add(&mut summary, &mut errors, &mut left, &run, part);
            let plan = match &journal.header.target {
                TargetSpec::Plan { plan_id, .. } if journal.header.close_plan => Some(*plan_id),
                _ => None,
            };
            (journal.header.close_run, plan)
        }
    };
    let mut close_failed = None;
    if left == 0 && errors.is_empty() {
        if closes_run {
            let run_id = summary.run_id.unwrap_or(0);
            match close(client, run_id).await {
                Ok(()) => summary.closed = true,
                // A resume run twice: the first one closed it already.
                Err(e) if e.to_string().contains("already completed") => summary.closed = true,
                Err(e) => close_failed = Some(e),
            }
        }
        if let Some(plan_id) = plan_to_close {
            let ours: Vec<u64> = summary.runs.iter().map(|r| r.run_id).collect();
            close_plan(client, plan_id, &ours).await?;
            summary.plan_id = Some(plan_id);
            summary.plan_closed = true;
        }
        if log.remove() {
            eprintln!("Every result is in TestRail; removed {}", path.display());
        }
    } else {
        summary.resume_file = Some(path.display().to_string());
    }
    Ok(Submitted::written(client, summary, errors, close_failed))
}

/// Where the journal's results go.
enum Where {
    /// One run.
    Run(RunRef),
    /// A plan across suites: (plan, made by the submit, suite → cases).
    Plan(u64, bool, BTreeMap<u64, Vec<u64>>),
}

/// The run or plan: as recorded, else found or made now.
async fn locate(
    client: &Client,
    journal: &Journal,
    planned: &[PlannedResult],
    log: &Log,
) -> anyhow::Result<Where> {
    if let Some((plan_id, created, suites)) = &journal.plan {
        return Ok(Where::Plan(*plan_id, *created, suites.clone()));
    }
    if let Some(run) = journal.run_for(None) {
        return Ok(Where::Run(run));
    }
    match first_run(client, journal, planned, log).await {
        // The submit stopped before it recorded the plan its cases need.
        Err(e) if is_several_suites(&e) => plan_of(client, journal, planned, log).await,
        other => other.map(Where::Run),
    }
}

/// A multi-suite submit that stopped before recording its plan: sort the cases by suite
/// again, and find the plan it made (ours by name, creator and time, still without entries,
/// since entries come only after the record) or make it.
async fn plan_of(
    client: &Client,
    journal: &Journal,
    planned: &[PlannedResult],
    log: &Log,
) -> anyhow::Result<Where> {
    let target = &journal.header.target;
    let TargetSpec::New { project_id, run } = target else {
        unreachable!("only a new run becomes a plan")
    };
    let suites = sort_by_suite(client, *project_id, &distinct(planned)).await?;
    if let [(suite, cases)] = suites.iter().collect::<Vec<_>>()[..] {
        // One suite after all: the run goes there, as the submit would have made it.
        let mut one = run.clone();
        one.suite_id = Some(*suite);
        let target = TargetSpec::New {
            project_id: *project_id,
            run: one,
        };
        let opened = open(client, &target, cases).await?;
        return Ok(Where::Run(record(log, run_ref(client, opened), None)));
    }
    let name = run.name.as_deref().unwrap_or("Automated test run");
    let plan_id = match found_plan(client, *project_id, name, journal.header.since).await? {
        Some(id) => {
            eprintln!("plan {id} was created before the submit stopped; using it");
            id
        }
        None => new_plan(client, *project_id, target).await?,
    };
    let (created, recorded) = (true, suites.clone());
    log.record(&Event::Plan {
        plan_id,
        created,
        suites: recorded,
    });
    Ok(Where::Plan(plan_id, created, suites))
}

/// The newest plan named `name` that this user created since `since` and that has no entries.
async fn found_plan(
    client: &Client,
    project_id: u64,
    name: &str,
    since: i64,
) -> anyhow::Result<Option<u64>> {
    let me = client.get_current_user().await.map_err(api)?;
    let filters = PlanFilters {
        created_after: Some(since),
        created_by: vec![me.id],
        ..PlanFilters::default()
    };
    let plans = client.get_plans(project_id, &filters).await.map_err(api)?;
    for plan in plans.iter().filter(|p| p.name == name && !p.is_completed) {
        if client
            .get_plan(plan.id)
            .await
            .map_err(api)?
            .entries
            .is_empty()
        {
            return Ok(Some(plan.id));
        }
    }
    Ok(None)
}

/// The distinct case IDs of these results, in order.
fn distinct(results: &[PlannedResult]) -> Vec<u64> {
    let set: BTreeSet<u64> = results.iter().map(|r| r.entry.case_id).collect();
    set.into_iter().collect()
}

/// What finishing one run did.
struct Part {
    /// Results accepted now.
    posted: Vec<PlannedResult>,
    /// Results still not in the run.
    left: usize,
    /// Why.
    errors: Vec<String>,
}

/// Add one run's part to the summary.
fn add(
    summary: &mut Summary,
    errors: &mut Vec<String>,
    left: &mut usize,
    run: &RunRef,
    part: Part,
) {
    let names = StatusOverrides::default().resolve(None).ok();
    if summary.run_id.is_none() {
        summary.run_id = Some(run.0);
        summary.run_url = run.1.clone();
    }
    summary.results_posted += part.posted.len() as u64;
    for r in &part.posted {
        let name = names.as_ref().map_or_else(
            || r.entry.status_id.to_string(),
            |n| n.name(r.entry.status_id),
        );
        *summary.statuses.entry(name).or_insert(0) += 1;
    }
    *left += part.left;
    errors.extend(part.errors);
}

/// Post into `run` what the journal does not know to be there.
async fn finish_run(
    client: &Client,
    journal: &Journal,
    (run_id, _, unknown): &RunRef,
    results: Vec<PlannedResult>,
    post: &PostOptions,
    log: &Log,
) -> anyhow::Result<Part> {
    let run_id = *run_id;
    let total = results.len();
    let key = |r: &PlannedResult| (run_id, r.entry.case_id);
    let open_ones: Vec<PlannedResult> = results
        .into_iter()
        .filter(|r| !unknown.contains(&r.entry.case_id))
        .filter(|r| !journal.acked.contains(&key(r)) && !journal.dropped.contains(&key(r)))
        .collect();
    let acked = total - open_ones.len();
    // Only results sent without an answer need a look; the others never left.
    let (check, mut missing): (Vec<_>, Vec<_>) = open_ones
        .into_iter()
        .partition(|r| journal.unknown.contains_key(&key(r)));
    let mut landed = 0;
    if !check.is_empty() {
        let entries: Vec<&ResultEntry> = check.iter().map(|r| &r.entry).collect();
        // Nothing at or below the lowest hint can be one of them (`None`: no bound).
        let hints = check.iter().map(|r| journal.unknown[&key(r)]);
        let after = hints.min().flatten();
        let found = landed_batch(client, run_id, &entries, journal.header.since, after)
            .await
            .map_err(api)?;
        landed = found.len();
        let cases: Vec<u64> = found.keys().copied().collect();
        if !cases.is_empty() {
            log.record(&Event::Acked { run_id, cases });
        }
        missing.extend(
            check
                .into_iter()
                .filter(|r| !found.contains_key(&r.entry.case_id)),
        );
    }
    crate::progress::note(&format!(
        "Resuming run R{run_id}: {} of {total} result(s) already there, posting {}",
        acked + landed,
        missing.len()
    ));
    if missing.is_empty() {
        return Ok(Part {
            posted: Vec::new(),
            left: 0,
            errors: Vec::new(),
        });
    }
    if let TargetSpec::Existing { .. } = journal.header.target {
        // Another job may have removed these cases from the run's selection (that is often
        // why they were not posted): put back whichever are missing before posting.
        open(
            client,
            &TargetSpec::Existing { run_id },
            &cases_of(&missing),
        )
        .await?;
    }
    let missing = Arc::new(missing);
    let posted = post_all(client, run_id, missing.clone(), post, Some(log)).await;
    let mut errors = posted.errors;
    if !posted.not_in_run.is_empty() {
        // Never dropped silently: kept in the journal, and the exit code says so.
        let cases: Vec<u64> = posted
            .not_in_run
            .iter()
            .map(|&i| missing[i].entry.case_id)
            .collect();
        errors.push(format!(
            "{} left run R{run_id} while posting (another job replaced its selection)",
            ids(&cases)
        ));
        log.record(&Event::Unknown { run_id, cases });
    }
    Ok(Part {
        posted: posted
            .accepted
            .iter()
            .map(|&i| missing[i].clone())
            .collect(),
        left: posted.unsent.len() + posted.not_in_run.len(),
        errors,
    })
}

/// The run of a journal that recorded none: the submit stopped between making it (or
/// asking TestRail to) and writing it down.
async fn first_run(
    client: &Client,
    journal: &Journal,
    planned: &[PlannedResult],
    log: &Log,
) -> anyhow::Result<RunRef> {
    let since = journal.header.since;
    let case_ids = distinct(planned);
    let target = &journal.header.target;
    let opened = match target {
        TargetSpec::Existing { run_id } => {
            let url = Some(client.run_url(*run_id));
            return Ok(record(log, (*run_id, url, Vec::new()), None));
        }
        TargetSpec::New { project_id, run } => {
            let mut body = run.clone();
            body.include_all = false;
            body.case_ids = Some(case_ids.clone());
            match created_run(client, *project_id, &body, since)
                .await
                .map_err(api)?
            {
                Some(run) => {
                    eprintln!(
                        "run R{} was created before the submit stopped; using it",
                        run.id
                    );
                    OpenedRun::created(run, Vec::new())
                }
                None => open(client, target, &case_ids).await?,
            }
        }
        TargetSpec::Plan {
            plan_id,
            suite_id,
            entry,
        } => {
            let name = entry.name.as_deref();
            match found_entry_run(client, (*plan_id, *suite_id, name), &case_ids, journal).await? {
                Some(run) => OpenedRun::created(run, Vec::new()),
                None => open(client, target, &case_ids).await?,
            }
        }
    };
    Ok(record(log, run_ref(client, opened), None))
}

/// The run of `suite`'s entry in a multi-suite submit's plan: found, or made now.
async fn entry_run(
    client: &Client,
    journal: &Journal,
    plan_id: u64,
    suite: u64,
    cases: &[u64],
    log: &Log,
) -> anyhow::Result<RunRef> {
    let entry = entry_template(&journal.header.target);
    let name = entry.name.clone();
    let found = found_entry_run(
        client,
        (plan_id, Some(suite), name.as_deref()),
        cases,
        journal,
    )
    .await?;
    let opened = match found {
        Some(run) => OpenedRun::created(run, Vec::new()),
        None => {
            let target = TargetSpec::Plan {
                plan_id,
                suite_id: Some(suite),
                entry,
            };
            open(client, &target, cases).await?
        }
    };
    Ok(record(log, run_ref(client, opened), Some(suite)))
}

/// A run of the plan that an unrecorded `add_plan_entry` made: in `suite` (`None`: the
/// project's only one), named `name`, not recorded for another suite, created by this user since the submit began, holding exactly
/// `cases`.
async fn found_entry_run(
    client: &Client,
    (plan_id, suite, name): (u64, Option<u64>, Option<&str>),
    cases: &[u64],
    journal: &Journal,
) -> anyhow::Result<Option<crate::testrail::Run>> {
    let plan = client.get_plan(plan_id).await.map_err(api)?;
    if plan.is_completed {
        return Err(Error::Rejected(format!(
            "plan {plan_id} is closed: TestRail accepts no results for it"
        ))
        .into());
    }
    let wanted: BTreeSet<u64> = cases.iter().copied().collect();
    let recorded: BTreeSet<u64> = journal.runs.iter().filter_map(run_id_of).collect();
    let since = journal.header.since;
    let me = client.get_current_user().await.map_err(api)?.id;
    let candidates = plan.runs().filter(|r| {
        suite.is_none_or(|s| r.suite_id == Some(s))
            && name.is_none_or(|n| n == r.name)
            && !recorded.contains(&r.id)
            && r.created_on.is_none_or(|t| t >= since)
            && r.created_by.is_none_or(|u| u == me)
    });
    for run in candidates.cloned().collect::<Vec<_>>() {
        if run_cases(client, run.id).await.map_err(api)? == wanted {
            return Ok(Some(run));
        }
    }
    Ok(None)
}

fn run_id_of(e: &Event) -> Option<u64> {
    match e {
        Event::Run { run_id, .. } => Some(*run_id),
        _ => None,
    }
}

/// An opened run as the journal names it.
fn run_ref(client: &Client, opened: OpenedRun) -> RunRef {
    let url = opened
        .run
        .url
        .or_else(|| Some(client.run_url(opened.run.id)));
    (opened.run.id, url, opened.unknown)
}

/// Write the run down before posting to it, and answer it.
fn record(log: &Log, run: RunRef, suite_id: Option<u64>) -> RunRef {
    let (run_id, url, unknown) = run.clone();
    log.record(&Event::Run {
        run_id,
        url,
        suite_id,
        unknown,
    });
    run
}
