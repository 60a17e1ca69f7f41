//! `run update`, including `--add-case-ids`, which extends a selection without losing cases.
//!
//! TestRail's `update_run` *replaces* the selection, so adding cases means: read the current
//! cases (get_tests; get_run does not list them), write old ∪ new, then read back. Another
//! writer (a parallel CI shard) may have replaced the selection in between; if our cases are
//! missing afterwards we try again, and report the loss if it persists.

use std::collections::BTreeSet;

use crate::cli::OutputFormat;
use crate::cli::run::UpdateArgs;
use crate::error::{Error, usage};
use crate::testrail::{ApiError, Client, Run, RunUpdate};

use super::{api, show, verify};

/// How many read-union-write rounds before reporting that cases keep disappearing.
const ADD_ATTEMPTS: u32 = 4;

/// How many refused or unanswered selection writes are waited out and rebuilt.
const REFUSED_WRITES: u32 = 50;

pub(super) async fn execute(
    client: &Client,
    out: OutputFormat,
    a: &UpdateArgs,
) -> anyhow::Result<()> {
    let run_id = a.run.run_id;
    let mut update = RunUpdate {
        name: a.name.clone(),
        description: a.description.clone(),
        milestone_id: a.milestone_id,
        refs: a.refs.clone(),
        ..RunUpdate::default()
    };
    if a.include_all {
        update.include_all = Some(true);
    } else if !a.case_ids.is_empty() {
        update.include_all = Some(false);
        update.case_ids = Some(a.case_ids.clone());
    }
    if update.is_empty() && a.add_case_ids.is_empty() {
        return Err(usage(
            "run update: nothing to change; give --name, --description, --milestone-id, --refs, \
             --include-all, --case-ids or --add-case-ids",
        ));
    }
    let run = if a.add_case_ids.is_empty() {
        verify::update_run(client, run_id, &update).await?
    } else {
        add_cases(client, run_id, update, &a.add_case_ids).await?
    };
    match out {
        OutputFormat::Json => show::json(&run),
        OutputFormat::Text => show::write_out(&format!(
            "Updated run R{}\n{}",
            run.id,
            show::summary(&run, client).await
        )),
    }
}

/// Extend the selection with `wanted`, verifying by reading back; also applies `update`.
pub async fn add_cases(
    client: &Client,
    run_id: u64,
    update: RunUpdate,
    wanted: &[u64],
) -> anyhow::Result<Run> {
    let wanted: BTreeSet<u64> = wanted.iter().copied().collect();
    let (mut attempt, mut refused) = (0, 0);
    let mut read_latency = std::time::Duration::ZERO;
    while attempt < ADD_ATTEMPTS {
        attempt += 1;
        let started = std::time::Instant::now();
        let current = case_ids(client, run_id).await?;
        read_latency = read_latency.max(started.elapsed());
        let missing = wanted.difference(&current).count();
        if missing == 0 && (attempt > 1 || update.is_empty()) {
            return client.get_run(run_id).await.map_err(api);
        }
        let mut round = update.clone();
        if missing > 0 {
            round.include_all = Some(false);
            round.case_ids = Some(current.union(&wanted).copied().collect());
        }
        let run = if missing > 0 {
            // A union is only right for the selection just read: after a refusal (waited out)
            // or a lost answer, read again rather than re-send it over others' additions.
            match client.update_run_once(run_id, &round).await {
                Ok(run) => run,
                Err(e @ (ApiError::Deferred { .. } | ApiError::OutcomeUnknown { .. })) => {
                    refused += 1;
                    if refused > REFUSED_WRITES {
                        return Err(api(e));
                    }
                    attempt -= 1;
                    continue;
                }
                Err(e) => return Err(api(e)),
            }
        } else {
            verify::update_run(client, run_id, &round).await?
        };
        let mut after = case_ids(client, run_id).await?;
        if wanted.is_subset(&after) && missing == 0 {
            return Ok(run);
        }
        if wanted.is_subset(&after) {
            // Another writer that read the selection before our write may still replace it:
            // check again once its read-union-write must be over, as submit does.
            tokio::time::sleep(crate::submit::deliver::write::settle_time(read_latency)).await;
            after = case_ids(client, run_id).await?;
            if wanted.is_subset(&after) {
                return Ok(run);
            }
        }
        eprintln!(
            "warning: run R{run_id}: {} added case(s) vanished right after update_run (another \
             writer replaced the selection); trying again ({attempt}/{ADD_ATTEMPTS})",
            wanted.difference(&after).count()
        );
    }
    Err(Error::Partial(format!(
        "run R{run_id}: other writers kept replacing the selection; cases {wanted:?} may be missing. \
         Check the run, then repeat `run update {run_id} --add-case-ids ...`"
    ))
    .into())
}

async fn case_ids(client: &Client, run_id: u64) -> anyhow::Result<BTreeSet<u64>> {
    let tests = client.get_tests(run_id).await.map_err(api)?;
    Ok(tests.iter().map(|t| t.case_id).collect())
}
