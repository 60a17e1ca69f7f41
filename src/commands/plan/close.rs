//! `plan close`: close a plan and every run in it, naming the runs that were still open.

use crate::cli::OutputFormat;
use crate::commands::run::show::{json, write_out};
use crate::submit::deliver::close::close_plan;
use crate::testrail::Client;

use super::show;

pub(super) async fn execute(
    client: &Client,
    out: OutputFormat,
    plan_id: u64,
) -> anyhow::Result<()> {
    let plan = close_plan(client, plan_id, &[]).await?;
    match out {
        OutputFormat::Json => json(&plan),
        OutputFormat::Text => {
            write_out(&format!("Closed plan {plan_id}\n{}", show::summary(&plan)))
        }
    }
}
