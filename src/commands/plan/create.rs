//! `plan create`: add_plan, then tell CI where the plan is (dotenv file, GitHub step outputs),
//! so later jobs can `submit --plan-id`.

use crate::cli::OutputFormat;
use crate::cli::plan::PlanCreateArgs;
use crate::commands::run::create::{append, write_github_outputs};
use crate::commands::run::show::{json, write_out};
use crate::submit::deliver::target::recent;
use crate::testrail::{ApiError, Client, NewPlan, Plan};

use super::api;

pub(super) async fn execute(
    client: &Client,
    out: OutputFormat,
    a: &PlanCreateArgs,
) -> anyhow::Result<()> {
    let new = NewPlan {
        name: a.name.clone(),
        description: a.description.clone(),
        milestone_id: a.milestone_id,
    };
    let plan = add_plan(client, a.project_id, &new).await?;
    let url = plan.url.clone().unwrap_or_else(|| {
        format!(
            "{}/index.php?/plans/view/{}",
            client.base_url().root(),
            plan.id
        )
    });
    if let Some(path) = &a.dotenv {
        append(path, &format!("TESTRAIL_PLAN_ID={}\n", plan.id), "--dotenv")?;
    }
    write_github_outputs(&[("plan-id", &plan.id.to_string()), ("plan-url", &url)])?;
    match out {
        OutputFormat::Json => json(&plan),
        OutputFormat::Text => write_out(&format!(
            "Created plan {} \"{}\": {url}\n",
            plan.id, plan.name
        )),
    }
}

/// `add_plan`; on an unknown outcome, look for the plan (same name, created by us recently)
/// before sending it again, so a flaky network never leaves two plans.
async fn add_plan(client: &Client, project_id: u64, new: &NewPlan) -> anyhow::Result<Plan> {
    let since = recent();
    let err = match client.add_plan(project_id, new).await {
        Err(err @ ApiError::OutcomeUnknown { .. }) => err,
        other => return other.map_err(api),
    };
    eprintln!("warning: {err}; checking whether the plan exists before trying again");
    let me = client.get_current_user().await.map_err(api)?;
    let found = client
        .find_plans_created(project_id, &new.name, me.id, since)
        .await
        .map_err(api)?;
    if let Some(plan) = found.into_iter().next() {
        eprintln!("note: the plan was created after all (plan {})", plan.id);
        return Ok(plan);
    }
    client.add_plan(project_id, new).await.map_err(api)
}
