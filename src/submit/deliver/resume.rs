//! `submit --resume FILE`: finish what a journal describes, after a failure or any crash.
//!
//! - The run: the one recorded; else (a crash between `add_run` and its record) the run made
//!   by that `add_run`, found by name, creator, time and cases; else a new one. A plan's
//!   entries the same way, suite by suite (`locate.rs`).
//! - The results: acknowledged ones are skipped without a read; those sent without an answer
//!   are checked against the run's newest results (`check.rs`); the rest are posted.
//! - Then the run (or the plan) is closed when the original submit asked for it, and the file
//!   is removed; when something remains it stays, updated, for another `--resume`.

use std::path::Path;
use std::sync::Arc;

use crate::summary::{SuiteRun, Summary};
use crate::testrail::Client;

use super::check::landed_batch;
use super::close::close_plan;
use super::journal::Log;
use super::locate::{RunRef, Where, entry_run, locate};
use super::post::{PostOptions, cases_of, post_all};
use super::target::{TargetSpec, api, ids, open};
use super::unsent::{Event, Journal};
use super::write::close;
use crate::submit::outcome::Submitted;
use crate::submit::plan::results::{PlannedResult, ResultEntry};
use crate::submit::plan::status::StatusOverrides;

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
