//! `run delete [--soft] [--yes]`: counts with --soft, otherwise a confirmed, real delete.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use serde_json::{Value, json};

use crate::cli::OutputFormat;
use crate::cli::run::DeleteArgs;
use crate::error::usage;
use crate::testrail::Client;

use super::{api, show, verify};

pub(super) async fn execute(
    client: &Client,
    out: OutputFormat,
    a: &DeleteArgs,
) -> anyhow::Result<()> {
    let run_id = a.run.run_id;
    if a.soft {
        // TestRail's soft mode deletes nothing and answers what a delete would remove.
        let counts = client.delete_run(run_id, true).await.map_err(api)?;
        return match out {
            OutputFormat::Json => show::json(&counts),
            OutputFormat::Text => show::write_out(&soft_text(run_id, &counts)),
        };
    }
    let run = client.get_run(run_id).await.map_err(api)?;
    if !a.yes {
        confirm(
            &format!(
                "Delete run R{run_id} \"{}\" with its {} test(s) and all their results? This cannot be undone. [y/N] ",
                run.name,
                run.test_count()
            ),
            "run delete",
        )?;
    }
    verify::delete_run(client, run_id).await?;
    match out {
        OutputFormat::Json => show::json(&json!({ "run_id": run_id, "deleted": true })),
        OutputFormat::Text => show::write_out(&format!("Deleted run R{run_id} \"{}\"\n", run.name)),
    }
}

fn soft_text(run_id: u64, counts: &Value) -> String {
    let mut text = format!("Deleting run R{run_id} would remove (nothing was deleted):\n");
    match counts.as_object() {
        Some(map) if !map.is_empty() => {
            for (k, v) in map {
                text.push_str(&format!("  {k}: {v}\n"));
            }
        }
        _ => text.push_str(&format!("  {counts}\n")),
    }
    text
}

/// Ask on the terminal; without one, demand --yes instead of deleting silently.
pub(crate) fn confirm(question: &str, command: &str) -> anyhow::Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(usage(format!(
            "{command}: stdin is not a terminal, so nobody can confirm; pass --yes to delete without asking"
        )));
    }
    eprint!("{question}");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        Ok(())
    } else {
        Err(usage(format!(
            "{command}: not confirmed; nothing was deleted"
        )))
    }
}
