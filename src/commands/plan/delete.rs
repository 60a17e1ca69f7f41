//! `plan delete [--yes]`: a confirmed delete of a plan with all its runs and results.

use serde_json::json;

use crate::cli::OutputFormat;
use crate::cli::plan::PlanDeleteArgs;
use crate::commands::run::delete::confirm;
use crate::commands::run::show::{json, write_out};
use crate::testrail::{ApiError, Client};

use super::api;

pub(super) async fn execute(
    client: &Client,
    out: OutputFormat,
    a: &PlanDeleteArgs,
) -> anyhow::Result<()> {
    let plan_id = a.plan.plan_id;
    let plan = client.get_plan(plan_id).await.map_err(api)?;
    if !a.yes {
        let tests: u64 = plan.runs().map(|r| r.test_count()).sum();
        confirm(
            &format!(
                "Delete plan P{plan_id} \"{}\" with its {} run(s), {tests} test(s) and all their \
                 results? This cannot be undone. [y/N] ",
                plan.name,
                plan.runs().count()
            ),
            "plan delete",
        )?;
    }
    delete(client, plan_id).await?;
    match out {
        OutputFormat::Json => json(&json!({ "plan_id": plan_id, "deleted": true })),
        OutputFormat::Text => write_out(&format!("Deleted plan {plan_id} \"{}\"\n", plan.name)),
    }
}

/// `delete_plan`; on an unknown outcome, check whether the plan still exists first.
async fn delete(client: &Client, plan_id: u64) -> anyhow::Result<()> {
    let err = match client.delete_plan(plan_id).await {
        Err(err @ ApiError::OutcomeUnknown { .. }) => err,
        other => return other.map_err(api),
    };
    eprintln!("warning: {err}; checking whether the plan still exists");
    match client.get_plan(plan_id).await {
        // TestRail answers 400 for a plan that does not exist (any more).
        Err(ApiError::Status { status: 400, .. }) => Ok(()),
        Err(other) => Err(api(other)),
        Ok(_) => client.delete_plan(plan_id).await.map_err(api),
    }
}
