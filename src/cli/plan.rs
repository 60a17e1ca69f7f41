//! Arguments of `testrail-report plan ...`: TestRail's test plans from the command line.

use std::path::PathBuf;

use clap::{ArgAction, ArgGroup, Args, Subcommand};

use super::run::{ListFilterArgs, SelectionArgs};
use super::{RemoteArgs, ids};

/// Manage TestRail test plans.
#[derive(Debug, Args)]
pub struct PlanCommand {
    #[command(subcommand)]
    pub action: PlanAction,

    /// Global within `plan`, so every plan subcommand takes them, listed after its own options.
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// The plan subcommands. Each spells out its usage line, as `run`'s do: clap's own would list
/// the connection options as if they were required.
#[derive(Debug, Subcommand)]
pub enum PlanAction {
    /// Show one plan with its entries and their runs.
    #[command(override_usage = "testrail-report plan get [OPTIONS] <PLAN_ID>")]
    Get(PlanIdArg),
    /// List a project's plans, newest first.
    #[command(override_usage = "testrail-report plan list --project-id <ID> [OPTIONS]")]
    List(PlanListArgs),
    /// Create an empty plan (add suites with `plan add-entry`).
    #[command(
        override_usage = "testrail-report plan create --project-id <ID> --name <NAME> [OPTIONS]"
    )]
    Create(PlanCreateArgs),
    /// Add an entry to a plan: one suite, one run per configuration combination.
    #[command(
        override_usage = "testrail-report plan add-entry --suite-id <ID> <--include-all|--case-ids <IDS>|--case-ids-file <FILE>> [OPTIONS] <PLAN_ID>"
    )]
    AddEntry(AddEntryArgs),
    /// Close a plan and every run in it (irreversible).
    #[command(override_usage = "testrail-report plan close [OPTIONS] <PLAN_ID>")]
    Close(PlanIdArg),
    /// Delete a plan with all its runs, tests and results (irreversible).
    #[command(override_usage = "testrail-report plan delete [OPTIONS] <PLAN_ID>")]
    Delete(PlanDeleteArgs),
}

/// A plan to act on.
#[derive(Debug, Args)]
pub struct PlanIdArg {
    /// The plan ID, e.g. P5 or 5 (the number in …/plans/view/ID).
    #[arg(env = "TESTRAIL_PLAN_ID", value_name = "PLAN_ID", value_parser = ids::plan_id)]
    pub plan_id: u64,
}

/// `plan list`.
#[derive(Debug, Args)]
pub struct PlanListArgs {
    /// The project whose plans to list.
    #[arg(long, env = "TESTRAIL_PROJECT_ID", value_name = "ID")]
    pub project_id: u64,
    #[command(flatten)]
    pub filters: ListFilterArgs,
}

/// `plan create`.
#[derive(Debug, Args)]
pub struct PlanCreateArgs {
    /// The project to create the plan in.
    #[arg(long, env = "TESTRAIL_PROJECT_ID", value_name = "ID")]
    pub project_id: u64,
    /// The plan's name.
    #[arg(long, env = "TESTRAIL_PLAN_NAME", value_name = "NAME")]
    pub name: String,
    /// The plan's description.
    #[arg(long, env = "TESTRAIL_PLAN_DESCRIPTION", value_name = "TEXT")]
    pub description: Option<String>,
    /// The milestone the plan belongs to.
    #[arg(long, env = "TESTRAIL_MILESTONE_ID", value_name = "ID")]
    pub milestone_id: Option<u64>,
    /// Also append a `TESTRAIL_PLAN_ID=<id>` line to FILE (a GitLab dotenv artifact).
    #[arg(long, value_name = "FILE")]
    pub dotenv: Option<PathBuf>,
}

/// `plan add-entry`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("selection").required(true).args(["include_all", "case_ids", "case_ids_file"])))]
pub struct AddEntryArgs {
    #[command(flatten)]
    pub plan: PlanIdArg,
    /// The suite of the entry (required by TestRail even in single-suite projects).
    #[arg(long, env = "TESTRAIL_SUITE_ID", value_name = "ID")]
    pub suite_id: u64,
    /// The entry's name (TestRail names it after the suite when omitted).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The entry's description.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// The user the entry's runs are assigned to.
    #[arg(long, value_name = "USER_ID")]
    pub assignedto_id: Option<u64>,
    /// References (comma-separated, e.g. Jira keys).
    #[arg(long, value_name = "REFS")]
    pub refs: Option<String>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Configurations, e.g. 1,2,5: one run per combination of one configuration from each
    /// configuration group (Chrome and Firefox × Linux gives two runs).
    #[arg(
        long,
        env = "TESTRAIL_CONFIG_IDS",
        value_name = "IDS",
        value_delimiter = ','
    )]
    pub config_ids: Vec<u64>,
}

/// `plan delete`.
#[derive(Debug, Args)]
pub struct PlanDeleteArgs {
    #[command(flatten)]
    pub plan: PlanIdArg,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long, short = 'y', action = ArgAction::SetTrue)]
    pub yes: bool,
}
