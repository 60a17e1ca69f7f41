//! `testrail-report run ...`: the runs API from the command line.
//!
//! Each subcommand is a few API calls and a printout: text for people by default, the API
//! objects as one JSON document with `--output json`. TestRail errors keep their own wording
//! (see `testrail::error`) and map to exit codes through `ApiError::class`.

mod close;
pub(crate) mod create;
pub(crate) mod delete;
pub(crate) mod show;
mod update;
mod verify;

use crate::cli::run::{ListArgs, ListFilterArgs, RunAction, RunCommand};
use crate::cli::{GlobalArgs, OutputFormat};
use crate::error::{Error, usage};
use crate::testrail::{ApiError, Client, RunFilters};

/// Execute a `run` subcommand; returns the exit code.
pub fn execute(global: &GlobalArgs, cmd: &RunCommand) -> anyhow::Result<i32> {
    let client = super::connect(&cmd.remote, global)?;
    let out = global.output;
    super::block_on(async move {
        match &cmd.action {
            RunAction::Get(a) => get(&client, out, a.run_id).await,
            RunAction::List(a) => list(&client, out, a).await,
            RunAction::Create(a) => create::execute(&client, out, a).await,
            RunAction::Update(a) => update::execute(&client, out, a).await,
            RunAction::Close(a) => close::execute(&client, out, a).await,
            RunAction::Delete(a) => delete::execute(&client, out, a).await,
        }
    })??;
    Ok(crate::exit::SUCCESS)
}

/// Turn an API failure into the classified error that picks the exit code, naming the flag
/// behind a field TestRail complained about (`Field :suite_id …` → `--suite-id`).
pub(crate) fn api(err: ApiError) -> anyhow::Error {
    let hint = err.message().and_then(flag_for_field);
    match (err.class(), hint) {
        (Error::Rejected(msg), Some(flag)) => {
            Error::Rejected(format!("{msg}; check {flag}")).into()
        }
        (class, _) => class.into(),
    }
}

/// The option that sets the field a TestRail message names, if a run command has one.
fn flag_for_field(message: &str) -> Option<&'static str> {
    let field = message.split("Field :").nth(1)?;
    let field: String = field
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    Some(match field.as_str() {
        "run" | "run_id" => "RUN_ID (or TESTRAIL_RUN_ID)",
        "plan_id" => "PLAN_ID (or TESTRAIL_PLAN_ID)",
        "config_ids" => "--config-ids",
        "project_id" => "--project-id / TESTRAIL_PROJECT_ID",
        "suite_id" => "--suite-id / TESTRAIL_SUITE_ID",
        "case_ids" | "case_id" => "--case-ids, --case-ids-file or --add-case-ids",
        "milestone_id" => "--milestone-id",
        "assignedto_id" => "--assignedto-id",
        "name" => "--name",
        "description" => "--description",
        "refs" => "--refs",
        _ => return None,
    })
}

async fn get(client: &Client, out: OutputFormat, run_id: u64) -> anyhow::Result<()> {
    let run = client.get_run(run_id).await.map_err(api)?;
    match out {
        OutputFormat::Json => show::json(&run),
        OutputFormat::Text => show::write_out(&show::summary(&run, client).await),
    }
}

async fn list(client: &Client, out: OutputFormat, a: &ListArgs) -> anyhow::Result<()> {
    let f = &a.filters;
    let (created_after, created_before) = list_times(f, "run")?;
    let filters = RunFilters {
        created_after,
        created_before,
        created_by: f.created_by.clone(),
        is_completed: f.is_completed,
        milestone_id: f.milestone_id.clone(),
        refs_filter: a.refs_filter.clone(),
        suite_id: a.suite_id.clone(),
        offset: f.offset,
        limit: f.limit,
    };
    let runs = client.get_runs(a.project_id, &filters).await.map_err(api)?;
    match out {
        OutputFormat::Json => show::json(&runs),
        OutputFormat::Text => show::table(&runs),
    }
}

/// The shared list filters' times as UNIX seconds (`--created-after`, `--created-before`),
/// after refusing `--limit 0`; `what` is what is listed, for the message.
pub(crate) fn list_times(
    f: &ListFilterArgs,
    what: &str,
) -> anyhow::Result<(Option<i64>, Option<i64>)> {
    let time = |flag: &str, v: &Option<String>| -> anyhow::Result<Option<i64>> {
        v.as_deref()
            .map(|t| crate::timestamp::parse(t).map_err(|e| usage(format!("--{flag}: {e}"))))
            .transpose()
    };
    if f.limit == Some(0) {
        return Err(usage(format!(
            "--limit must be at least 1 (leave it out to list every {what})"
        )));
    }
    Ok((
        time("created-after", &f.created_after)?,
        time("created-before", &f.created_before)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn testrail_field_names_point_at_flags() {
        let hint = |m: &str| flag_for_field(m);
        assert_eq!(
            hint("Field :suite_id is a required field."),
            Some("--suite-id / TESTRAIL_SUITE_ID")
        );
        assert_eq!(
            hint("Field :run is not a valid test run."),
            Some("RUN_ID (or TESTRAIL_RUN_ID)")
        );
        assert_eq!(
            hint("Field :results.elapsed is not in a valid time span format."),
            None
        );
        assert_eq!(hint("Authentication failed"), None);
    }
}
