//! `completions SHELL` and `man [COMMAND]`: documentation generated from the clap
//! definitions, so it always matches `--help`.

use std::io::Write as _;

use clap::CommandFactory as _;

use crate::cli::Cli;
use crate::error::usage;

/// Print the completion script for `shell` on stdout.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<i32> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "testrail-report", &mut out);
    std::io::stdout().write_all(&out)?;
    Ok(crate::exit::SUCCESS)
}

/// Print the man page of the tool, or of one subcommand (`run-get` for a nested one).
pub fn man(command: Option<&str>) -> anyhow::Result<i32> {
    let mut cmd = Cli::command();
    cmd.build();
    let (page, title) = match command {
        None => (cmd, "testrail-report".to_string()),
        Some(name) => find(&cmd, name)
            .map(|c| (c, format!("testrail-report-{name}")))
            .ok_or_else(|| {
                usage(format!(
                    "no subcommand {name:?}: try {}",
                    names(&cmd).join(", ")
                ))
            })?,
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page).title(title).render(&mut out)?;
    std::io::stdout().write_all(&out)?;
    Ok(crate::exit::SUCCESS)
}

/// A subcommand by its page name: `submit`, `run`, `run-get`.
fn find(cmd: &clap::Command, name: &str) -> Option<clap::Command> {
    let mut found = cmd.clone();
    for part in name.split('-') {
        found = found.find_subcommand(part)?.clone();
    }
    Some(found)
}

/// Every page name, for the error.
fn names(cmd: &clap::Command) -> Vec<String> {
    let mut out = Vec::new();
    for sub in cmd.get_subcommands() {
        out.push(sub.get_name().to_string());
        for nested in sub.get_subcommands() {
            out.push(format!("{}-{}", sub.get_name(), nested.get_name()));
        }
    }
    out.retain(|n| n != "help" && !n.ends_with("-help"));
    out
}
