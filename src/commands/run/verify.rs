//! Writes whose outcome is unknown (a timeout or dropped connection after sending) are never
//! simply repeated: each command first checks whether TestRail applied the write, and only
//! sends it again when it did not. The transport surfaces these cases as
//! `ApiError::OutcomeUnknown`; this module is where the run commands resolve them.

use crate::testrail::{ApiError, Client, NewRun, Run, RunUpdate};

use super::api;

/// How far back (seconds) a run we may have created can be, allowing for clock skew.
const CREATED_WINDOW: i64 = 120;

/// `add_run`; on an unknown outcome, look for the run (same name, created by us in the last
/// two minutes) before sending it again, so a flaky network never leaves two runs.
pub async fn add_run(client: &Client, project_id: u64, new: &NewRun) -> anyhow::Result<Run> {
    let since = now() - CREATED_WINDOW;
    let err = match client.add_run(project_id, new).await {
        Err(err @ ApiError::OutcomeUnknown { .. }) => err,
        other => return other.map_err(api),
    };
    let Some(name) = &new.name else {
        // Without a name we cannot recognise our run among others; say so rather than guess.
        return Err(api(err).context(
            "pass --name so a run with an unknown outcome can be found instead of created twice",
        ));
    };
    eprintln!("warning: {err}; checking whether the run exists before trying again");
    let me = client.get_current_user().await.map_err(api)?;
    let found = client
        .find_runs_created(project_id, name, me.id, since)
        .await
        .map_err(api)?;
    if let Some(run) = found.into_iter().next() {
        eprintln!("note: the run was created after all (R{})", run.id);
        return Ok(run);
    }
    client.add_run(project_id, new).await.map_err(api)
}

/// `update_run`; on an unknown outcome it is sent once more: it sets fields to fixed values,
/// so applying it twice is the same as applying it once.
pub async fn update_run(client: &Client, run_id: u64, update: &RunUpdate) -> anyhow::Result<Run> {
    match client.update_run(run_id, update).await {
        Err(err @ ApiError::OutcomeUnknown { .. }) => {
            eprintln!("warning: {err}; update_run is idempotent, sending it once more");
            client.update_run(run_id, update).await.map_err(api)
        }
        other => other.map_err(api),
    }
}

/// `close_run`; on an unknown outcome, read the run and close it again only if still open
/// (a second close of a closed run is refused by TestRail).
pub async fn close_run(client: &Client, run_id: u64) -> anyhow::Result<Run> {
    let err = match client.close_run(run_id).await {
        Err(err @ ApiError::OutcomeUnknown { .. }) => err,
        other => return other.map_err(api),
    };
    eprintln!("warning: {err}; checking the run before trying again");
    let run = client.get_run(run_id).await.map_err(api)?;
    if run.is_completed {
        eprintln!("note: run R{run_id} was closed after all");
        return Ok(run);
    }
    client.close_run(run_id).await.map_err(api)
}

/// `delete_run`; on an unknown outcome, check whether the run still exists first.
pub async fn delete_run(client: &Client, run_id: u64) -> anyhow::Result<()> {
    let err = match client.delete_run(run_id, false).await {
        Err(err @ ApiError::OutcomeUnknown { .. }) => err,
        other => return other.map(drop).map_err(api),
    };
    eprintln!("warning: {err}; checking whether the run still exists");
    match client.get_run(run_id).await {
        // TestRail answers 400 for a run that does not exist (any more).
        Err(ApiError::Status { status: 400, .. }) => {
            eprintln!("note: run R{run_id} was deleted after all");
            Ok(())
        }
        Err(other) => Err(api(other)),
        Ok(_) => client
            .delete_run(run_id, false)
            .await
            .map(drop)
            .map_err(api),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
