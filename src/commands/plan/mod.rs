//! `testrail-report plan ...`: TestRail's test plans from the command line.
//!
//! Mirrors `run ...`: each subcommand is a few API calls and a printout, text for people and
//! the API objects as one JSON document with `--output json`. Writes whose outcome is unknown
//! (a timeout after sending) are checked before they are sent again.

mod add_entry;
mod close;
mod create;
mod delete;
mod show;

use crate::cli::plan::{PlanAction, PlanCommand, PlanListArgs};
use crate::cli::{GlobalArgs, OutputFormat};
use crate::testrail::{Client, PlanFilters};

use super::run::{api, list_times, show::json};

/// Execute a `plan` subcommand; returns the exit code.
pub fn execute(global: &GlobalArgs, cmd: &PlanCommand) -> anyhow::Result<i32> {
    let client = super::connect(&cmd.remote, global)?;
    let out = global.output;
    super::block_on(async move {
        match &cmd.action {
            PlanAction::Get(a) => get(&client, out, a.plan_id).await,
            PlanAction::List(a) => list(&client, out, a).await,
            PlanAction::Create(a) => create::execute(&client, out, a).await,
            PlanAction::AddEntry(a) => add_entry::execute(&client, out, a).await,
            PlanAction::Close(a) => close::execute(&client, out, a.plan_id).await,
            PlanAction::Delete(a) => delete::execute(&client, out, a).await,
        }
    })??;
    Ok(crate::exit::SUCCESS)
}

async fn get(client: &Client, out: OutputFormat, plan_id: u64) -> anyhow::Result<()> {
    let plan = client.get_plan(plan_id).await.map_err(api)?;
    match out {
        OutputFormat::Json => json(&plan),
        OutputFormat::Text => show::write_plan(&plan),
    }
}

async fn list(client: &Client, out: OutputFormat, a: &PlanListArgs) -> anyhow::Result<()> {
    let f = &a.filters;
    let (created_after, created_before) = list_times(f, "plan")?;
    let filters = PlanFilters {
        created_after,
        created_before,
        created_by: f.created_by.clone(),
        is_completed: f.is_completed,
        milestone_id: f.milestone_id.clone(),
        offset: f.offset,
        limit: f.limit,
    };
    let plans = client
        .get_plans(a.project_id, &filters)
        .await
        .map_err(api)?;
    match out {
        OutputFormat::Json => json(&plans),
        OutputFormat::Text => show::table(&plans),
    }
}
