//! `run close [--prune-untested]`.
//!
//! Pruning is the last step of the race-free sharding recipe: a run created with every case
//! (or all known cases), N shards posting results, then one closer, as the only writer of the
//! selection, narrows it to the cases that got results and closes the run.

use std::collections::BTreeSet;

use crate::cli::OutputFormat;
use crate::cli::run::CloseArgs;
use crate::error::usage;
use crate::testrail::{Client, RunUpdate};

use super::{api, show, verify};

pub(super) async fn execute(
    client: &Client,
    out: OutputFormat,
    a: &CloseArgs,
) -> anyhow::Result<()> {
    let run_id = a.run.run_id;
    let pruned = if a.prune_untested {
        prune(client, run_id).await?
    } else {
        0
    };
    let run = verify::close_run(client, run_id).await?;
    match out {
        OutputFormat::Json => show::json(&run),
        OutputFormat::Text => {
            let note = if a.prune_untested {
                format!(" after removing {pruned} case(s) without results")
            } else {
                String::new()
            };
            show::write_out(&format!(
                "Closed run R{}{note}\n{}",
                run.id,
                show::summary(&run, client).await
            ))
        }
    }
}

/// Narrow the selection to cases with at least one result; returns how many were removed.
async fn prune(client: &Client, run_id: u64) -> anyhow::Result<usize> {
    let tests = client.get_tests(run_id).await.map_err(api)?;
    let results = client.get_results_for_run(run_id).await.map_err(api)?;
    let tested: BTreeSet<u64> = results.iter().map(|r| r.test_id).collect();
    let keep: BTreeSet<u64> = tests
        .iter()
        .filter(|t| tested.contains(&t.id))
        .map(|t| t.case_id)
        .collect();
    if keep.is_empty() && !tests.is_empty() {
        // Most likely every shard failed before reporting; emptying the run would hide that.
        return Err(usage(format!(
            "run R{run_id} has no results at all, so --prune-untested would empty it; \
             close it without --prune-untested if that is really what you want"
        )));
    }
    let removed = tests.len() - keep.len();
    if removed > 0 {
        let update = RunUpdate {
            include_all: Some(false),
            case_ids: Some(keep.into_iter().collect()),
            ..RunUpdate::default()
        };
        verify::update_run(client, run_id, &update).await?;
    }
    Ok(removed)
}
