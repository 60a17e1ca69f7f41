//! Arguments of `testrail-report run ...`: every method of TestRail's runs API.

use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, ArgGroup, Args, Subcommand};

use super::{RemoteArgs, ids};

/// Manage TestRail test runs.
#[derive(Debug, Args)]
pub struct RunCommand {
    #[command(subcommand)]
    pub action: RunAction,

    /// Global within `run`, so every run subcommand takes them, listed after its own options.
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// The run subcommands. Each spells out its usage line: clap's own lists every option that
/// has a value, and the connection options always have one from the environment in CI, so a
/// missing run ID printed `run get --url <URL> --user <USER> --api-key <KEY> <RUN_ID>`, as if
/// those were required.
#[derive(Debug, Subcommand)]
pub enum RunAction {
    /// Show one run.
    #[command(override_usage = "testrail-report run get [OPTIONS] <RUN_ID>")]
    Get(RunIdArg),
    /// List a project's runs (not those inside plans), newest first.
    #[command(override_usage = "testrail-report run list --project-id <ID> [OPTIONS]")]
    List(ListArgs),
    /// Create a run.
    #[command(
        override_usage = "testrail-report run create --project-id <ID> <--include-all|--case-ids <IDS>|--case-ids-file <FILE>> [OPTIONS]"
    )]
    Create(CreateArgs),
    /// Change a run's name, description, milestone, references or case selection.
    #[command(override_usage = "testrail-report run update [OPTIONS] <RUN_ID>")]
    Update(UpdateArgs),
    /// Close a run (irreversible: its tests and results become read-only).
    #[command(override_usage = "testrail-report run close [OPTIONS] <RUN_ID>")]
    Close(CloseArgs),
    /// Delete a run with its tests and results (irreversible), or with --soft only count them.
    #[command(override_usage = "testrail-report run delete [OPTIONS] <RUN_ID>")]
    Delete(DeleteArgs),
}

/// A run to act on.
#[derive(Debug, Args)]
pub struct RunIdArg {
    /// The run ID, e.g. R12 or 12 (the number in …/runs/view/ID).
    #[arg(env = "TESTRAIL_RUN_ID", value_name = "RUN_ID", value_parser = ids::run_id)]
    pub run_id: u64,
}

/// `run list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The project whose runs to list.
    #[arg(long, env = "TESTRAIL_PROJECT_ID", value_name = "ID")]
    pub project_id: u64,
    #[command(flatten)]
    pub filters: ListFilterArgs,
    /// Only runs that carry this reference (e.g. a Jira key).
    #[arg(long, value_name = "REF")]
    pub refs_filter: Option<String>,
    /// Only runs of these suites (comma-separated IDs).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub suite_id: Vec<u64>,
}

/// The filters and paging `run list` and `plan list` share (get_runs and get_plans take them
/// alike).
#[derive(Debug, Args)]
pub struct ListFilterArgs {
    /// Only those created at or after this time (UNIX seconds or RFC 3339, e.g. 2026-01-31T12:00:00Z).
    #[arg(long, value_name = "TIME")]
    pub created_after: Option<String>,
    /// Only those created at or before this time (UNIX seconds or RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub created_before: Option<String>,
    /// Only those created by these user IDs (comma-separated).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub created_by: Vec<u64>,
    /// Only completed (true, 1) or active (false, 0) ones.
    #[arg(long, value_name = "BOOL", value_parser = BoolishValueParser::new())]
    pub is_completed: Option<bool>,
    /// Only those in these milestones (comma-separated IDs).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub milestone_id: Vec<u64>,
    /// At most this many (without it, every page is read).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Skip this many first.
    #[arg(long, value_name = "N")]
    pub offset: Option<usize>,
}

/// `run create`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("selection").required(true).args(["include_all", "case_ids", "case_ids_file"])))]
pub struct CreateArgs {
    /// The project to create the run in.
    #[arg(long, env = "TESTRAIL_PROJECT_ID", value_name = "ID")]
    pub project_id: u64,
    /// The suite (required in multi-suite projects).
    #[arg(long, env = "TESTRAIL_SUITE_ID", value_name = "ID")]
    pub suite_id: Option<u64>,
    /// The run's name (TestRail names it after the suite when omitted).
    #[arg(long, env = "TESTRAIL_RUN_NAME", value_name = "NAME")]
    pub name: Option<String>,
    /// The run's description.
    #[arg(long, env = "TESTRAIL_RUN_DESCRIPTION", value_name = "TEXT")]
    pub description: Option<String>,
    /// The milestone the run belongs to.
    #[arg(long, env = "TESTRAIL_MILESTONE_ID", value_name = "ID")]
    pub milestone_id: Option<u64>,
    /// The user the run is assigned to.
    #[arg(long, env = "TESTRAIL_ASSIGNEDTO_ID", value_name = "USER_ID")]
    pub assignedto_id: Option<u64>,
    /// References (comma-separated, e.g. Jira keys).
    #[arg(long, env = "TESTRAIL_REFS", value_name = "REFS")]
    pub refs: Option<String>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Also append a `TESTRAIL_RUN_ID=<id>` line to FILE (a GitLab dotenv artifact).
    #[arg(long, value_name = "FILE")]
    pub dotenv: Option<PathBuf>,
}

/// Which cases a new run or plan entry holds (`run create`, `plan add-entry`); one is required.
#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Include every case of the suite (and cases added to it later).
    #[arg(long, action = ArgAction::SetTrue)]
    pub include_all: bool,
    /// Include exactly these cases (comma-separated IDs; a C prefix is allowed).
    #[arg(long, value_name = "IDS", value_delimiter = ',', value_parser = ids::case_id)]
    pub case_ids: Vec<u64>,
    /// Include the cases listed in FILE (IDs separated by commas, spaces or new lines).
    #[arg(long, value_name = "FILE")]
    pub case_ids_file: Option<PathBuf>,
}

/// `run update`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("selection").args(["include_all", "case_ids", "add_case_ids"])))]
pub struct UpdateArgs {
    #[command(flatten)]
    pub run: RunIdArg,
    /// New name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// New description.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// New milestone.
    #[arg(long, value_name = "ID")]
    pub milestone_id: Option<u64>,
    /// New references.
    #[arg(long, value_name = "REFS")]
    pub refs: Option<String>,
    /// Select every case of the suite.
    #[arg(long, action = ArgAction::SetTrue)]
    pub include_all: bool,
    /// Replace the selection with exactly these cases (tests of removed cases lose their results).
    #[arg(long, value_name = "IDS", value_delimiter = ',', value_parser = ids::case_id)]
    pub case_ids: Vec<u64>,
    /// Add these cases to the selection, keeping the cases (and results) already there.
    #[arg(long, value_name = "IDS", value_delimiter = ',', value_parser = ids::case_id)]
    pub add_case_ids: Vec<u64>,
}

/// `run close`.
#[derive(Debug, Args)]
pub struct CloseArgs {
    #[command(flatten)]
    pub run: RunIdArg,
    /// First narrow the selection to the cases that have results (the last step of the
    /// sharded-CI recipe: create with --include-all, let shards report, close and prune).
    #[arg(long, action = ArgAction::SetTrue)]
    pub prune_untested: bool,
}

/// `run delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    pub run: RunIdArg,
    /// Only report what would be deleted; delete nothing.
    #[arg(long, action = ArgAction::SetTrue)]
    pub soft: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long, short = 'y', action = ArgAction::SetTrue)]
    pub yes: bool,
}
