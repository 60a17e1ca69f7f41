//! `testrail-report submit`: the options of the main job. Every option also reads a
//! `TESTRAIL_…` variable; the README's "Options by task" lists them all.

use std::path::PathBuf;

use clap::{ArgAction, Args, ValueEnum, builder::BoolishValueParser};

use super::RemoteArgs;
use super::ids;
use super::mapping::MappingArgs;
use super::reports::ReportArgs;

/// Report JUnit XML results to TestRail: one run with exactly the executed cases, every
/// result posted, optionally closed.
#[derive(Debug, Args, Clone)]
pub struct SubmitArgs {
    #[command(flatten)]
    pub reports: ReportArgs,

    #[command(flatten)]
    pub mapping: MappingArgs,

    /// Project to create the run in (not needed with --run-id).
    #[arg(
        help_heading = "Target run",
        long,
        env = "TESTRAIL_PROJECT_ID",
        value_name = "ID"
    )]
    pub project_id: Option<u64>,

    /// Project by exact name or ID (trcli's --project), looked up before anything is
    /// written; with --project-id too, that ID picks among projects of the same name.
    #[arg(
        help_heading = "Target run",
        long,
        env = "TESTRAIL_PROJECT",
        value_name = "NAME|ID"
    )]
    pub project: Option<String>,

    /// Suite of the run. Without it, a multi-suite project's cases are sorted by suite: one
    /// run in their suite, or one plan with an entry per suite.
    #[arg(
        help_heading = "Target run",
        long,
        env = "TESTRAIL_SUITE_ID",
        value_name = "ID"
    )]
    pub suite_id: Option<u64>,

    /// Suite by exact name or ID (trcli's --suite-name), looked up in the project.
    #[arg(
        help_heading = "Target run",
        long,
        env = "TESTRAIL_SUITE",
        value_name = "NAME|ID"
    )]
    pub suite: Option<String>,

    /// Report into this existing open run; cases missing from it are added (never removed).
    #[arg(help_heading = "Target run", 
        long,
        env = "TESTRAIL_RUN_ID",
        value_name = "ID",
        conflicts_with = "plan_id",
        value_parser = ids::run_id
    )]
    pub run_id: Option<u64>,

    /// Add the run as a new entry of this test plan.
    #[arg(help_heading = "Target run", long, env = "TESTRAIL_PLAN_ID", value_name = "ID", value_parser = ids::plan_id)]
    pub plan_id: Option<u64>,

    /// Configurations of the plan entry, e.g. 1,2 (with --plan-id).
    #[arg(
        help_heading = "Target run",
        long,
        env = "TESTRAIL_CONFIG_IDS",
        value_name = "IDS",
        value_delimiter = ',',
        requires = "plan_id"
    )]
    pub config_ids: Vec<u64>,

    /// Name of the new run [default: from CI metadata, e.g. "<workflow> #<run> (<branch>)",
    /// else "Automated test run <date>"].
    #[arg(
        help_heading = "Target run",
        long,
        env = "TESTRAIL_RUN_NAME",
        value_name = "NAME"
    )]
    pub run_name: Option<String>,

    /// Description of the new run [default: a link back to the CI job].
    #[arg(
        help_heading = "Target run",
        long,
        env = "TESTRAIL_RUN_DESCRIPTION",
        value_name = "TEXT"
    )]
    pub run_description: Option<String>,

    /// Milestone of the new run.
    #[arg(
        help_heading = "Target run",
        long,
        env = "TESTRAIL_MILESTONE_ID",
        value_name = "ID"
    )]
    pub milestone_id: Option<u64>,

    /// User the new run is assigned to.
    #[arg(
        help_heading = "Target run",
        long,
        env = "TESTRAIL_ASSIGNEDTO_ID",
        value_name = "ID"
    )]
    pub assignedto_id: Option<u64>,

    /// References of the new run (comma-separated, e.g. JIRA-12,JIRA-14).
    #[arg(
        help_heading = "Target run",
        long,
        env = "TESTRAIL_REFS",
        value_name = "REFS"
    )]
    pub refs: Option<String>,

    /// With --run-id, what --refs does to the run's references: `add` the missing ones
    /// [default], `update` (replace them all) or `delete` the given ones.
    #[arg(
        help_heading = "Target run",
        long,
        env = "TESTRAIL_REFS_ACTION",
        value_enum,
        value_name = "ACTION"
    )]
    pub refs_action: Option<RefsAction>,

    /// Assign failed results to these TestRail users in turn (e-mail addresses, comma-separated,
    /// looked up with get_user_by_email before anything is written).
    #[arg(
        help_heading = "Results",
        long,
        env = "TESTRAIL_ASSIGN",
        value_name = "EMAILS"
    )]
    pub assign: Option<String>,

    /// Always create a new run (with --plan-id, a new entry). Without it, a submit that creates
    /// its run first looks for an open run of the same name and suite that the same user
    /// created in the last 24 hours and that holds results of this very report (an earlier
    /// attempt that died), and finishes that one, posting only what is missing.
    #[arg(help_heading = "Target run", long, action = ArgAction::SetTrue, env = "TESTRAIL_NEW_RUN", value_parser = BoolishValueParser::new(), conflicts_with = "run_id")]
    pub new_run: bool,

    /// Close the run once every result was accepted (never after a partial failure). Not for
    /// plan runs: TestRail closes those only with their plan (see --close-plan).
    #[arg(help_heading = "Target run", long, action = ArgAction::SetTrue, env = "TESTRAIL_CLOSE_RUN", value_parser = BoolishValueParser::new())]
    pub close_run: bool,

    /// Attach a file to the run (an HTML report, logs, a coverage summary); globs allowed,
    /// repeatable, the variable takes one per line. Each file may be at most 256 MB.
    #[arg(help_heading = "Target run", long = "attach-to-run", env = "TESTRAIL_ATTACH_TO_RUN", value_name = "FILE", action = ArgAction::Append, value_delimiter = '\n')]
    pub attach_to_run: Vec<String>,

    /// Close the plan of --plan-id once every result was accepted. This closes every run in
    /// the plan, including entries other jobs have not reported yet; the submit names them.
    #[arg(help_heading = "Target run", long, action = ArgAction::SetTrue, env = "TESTRAIL_CLOSE_PLAN", value_parser = BoolishValueParser::new(), requires = "plan_id")]
    pub close_plan: bool,

    /// How tests find their case: `auto` (case-ID property, --case-map, then C<digits> in the
    /// name), `property`, `name`, or `automation-id` (the suite's custom_automation_id field).
    #[arg(help_heading = "Case-ID mapping", long, env = "TESTRAIL_CASE_MATCHER", value_enum, default_value_t = CaseMatcher::Auto)]
    pub case_matcher: CaseMatcher,

    /// Status per outcome by name or ID, e.g. passed=1,failed=Failed,error=5,skipped=none
    /// [default: passed=1, failed/error=5, skipped=a "skipped" status if any, else 4].
    #[arg(
        help_heading = "Results",
        long,
        env = "TESTRAIL_STATUS",
        value_name = "SPEC"
    )]
    pub status: Option<String>,

    /// A field for every result, NAME=VALUE, e.g. version=1.4.2 or custom_env=3 (repeatable;
    /// the variable takes one per line).
    #[arg(help_heading = "Results", long = "result-field", env = "TESTRAIL_RESULT_FIELDS", value_name = "NAME=VALUE", action = ArgAction::Append, value_delimiter = '\n')]
    pub result_fields: Vec<String>,

    /// TestRail's `version` field on every result; `auto` takes the build's tag, else its short
    /// commit, from GitHub Actions, GitLab CI or Jenkins.
    #[arg(
        help_heading = "Results",
        long,
        env = "TESTRAIL_RESULT_VERSION",
        value_name = "VERSION|auto"
    )]
    pub result_version: Option<String>,

    /// Longest result comment in characters; longer stack traces and output are cut.
    #[arg(help_heading = "Results", long, env = "TESTRAIL_COMMENT_LIMIT", value_name = "CHARS", default_value_t = crate::submit::plan::comment::DEFAULT_COMMENT_LIMIT)]
    pub comment_limit: usize,

    /// Add the end of each test's system-out/system-err to its comment.
    #[arg(help_heading = "Results", long, action = ArgAction::SetTrue, env = "TESTRAIL_COMMENT_OUTPUT", value_parser = BoolishValueParser::new())]
    pub comment_output: bool,

    /// Send elapsed times with milliseconds ("0.125s"), for servers that accept them.
    #[arg(help_heading = "Results", long, action = ArgAction::SetTrue, env = "TESTRAIL_ELAPSED_MS", value_parser = BoolishValueParser::new())]
    pub elapsed_ms: bool,

    /// Fail before creating anything when a test maps to no case or a case ID is unknown.
    #[arg(help_heading = "Checks", long, action = ArgAction::SetTrue, env = "TESTRAIL_STRICT", value_parser = BoolishValueParser::new())]
    pub strict: bool,

    /// Create a TestRail case for every test that maps to none (in --section-id, or one
    /// section per report testsuite with --sections-from suites); a re-run creates nothing new.
    #[arg(help_heading = "Creating missing cases", long, action = ArgAction::SetTrue, env = "TESTRAIL_CREATE_MISSING_CASES", value_parser = BoolishValueParser::new())]
    pub create_missing_cases: bool,

    /// A field for every case --create-missing-cases creates, NAME=VALUE, e.g. type_id=3 or
    /// custom_preconds=Logged in (repeatable; the variable takes one per line). A test's
    /// testrail_case_field properties win.
    #[arg(help_heading = "Creating missing cases", long = "case-field", env = "TESTRAIL_CASE_FIELDS", value_name = "NAME=VALUE", action = ArgAction::Append, value_delimiter = '\n')]
    pub case_fields: Vec<String>,

    /// Section for created cases (with --sections-from suites: the parent of the new sections).
    #[arg(
        help_heading = "Creating missing cases",
        long,
        env = "TESTRAIL_SECTION_ID",
        value_name = "ID"
    )]
    pub section_id: Option<u64>,

    /// Where created cases go: `suites` finds or creates one section per report testsuite
    /// (nested testsuites become nested sections).
    #[arg(
        help_heading = "Creating missing cases",
        long,
        env = "TESTRAIL_SECTIONS_FROM",
        value_enum,
        value_name = "SOURCE"
    )]
    pub sections_from: Option<SectionsFrom>,

    /// Show the run and results that would be sent, and send nothing (needs no credentials).
    #[arg(help_heading = "Checks", long, action = ArgAction::SetTrue, env = "TESTRAIL_DRY_RUN", value_parser = BoolishValueParser::new())]
    pub dry_run: bool,

    /// Exit with code 1 when the reports hold failed tests (they are reported either way).
    #[arg(help_heading = "Checks", long, action = ArgAction::SetTrue, env = "TESTRAIL_FAIL_ON_TEST_FAILURE", value_parser = BoolishValueParser::new())]
    pub fail_on_test_failure: bool,

    /// Write TESTRAIL_RUN_ID=… and friends to this dotenv file (GitLab artifacts).
    #[arg(
        help_heading = "Files for later steps",
        long,
        env = "TESTRAIL_DOTENV",
        value_name = "FILE"
    )]
    pub dotenv: Option<PathBuf>,

    /// Write the summary as JSON to this file.
    #[arg(
        help_heading = "Files for later steps",
        long,
        env = "TESTRAIL_SUMMARY_JSON",
        value_name = "FILE"
    )]
    pub summary_json: Option<PathBuf>,

    /// Most results per add_results_for_cases request (requests also stay under 2 MiB; a
    /// small submit is cut into a few smaller batches to spread over the server's workers).
    #[arg(help_heading = "Delivery", long, env = "TESTRAIL_BATCH_SIZE", value_name = "N", default_value_t = crate::submit::deliver::batch::DEFAULT_BATCH_SIZE)]
    pub batch_size: usize,

    /// Result batches in flight at once, fixed (they share one rate limiter) [default: found
    /// as it goes: starts at 8, more while the server keeps up, fewer when it slows or
    /// refuses, at most 32].
    #[arg(
        help_heading = "Delivery",
        long,
        env = "TESTRAIL_PARALLEL_BATCHES",
        value_name = "N"
    )]
    pub parallel_batches: Option<usize>,

    /// The journal: every result and each step of the submit, on disk from before the first
    /// write until every result is accepted, and where what could not be posted stays
    /// [default: testrail-unsent-<run>.json; testrail-unsent-<run>-<pid>.json with --run-id;
    /// testrail-unsent-plan-<plan>.json across suites].
    #[arg(
        help_heading = "Delivery",
        long,
        env = "TESTRAIL_UNSENT_FILE",
        value_name = "FILE"
    )]
    pub unsent_file: Option<PathBuf>,

    /// Finish an interrupted submit, even after a crash: make (or find) its run, post the
    /// results of this file that are not in TestRail yet, close as the submit asked, and
    /// remove the file. Reports and target options are not needed (the file holds them).
    #[arg(
        help_heading = "Delivery",
        long,
        env = "TESTRAIL_RESUME",
        value_name = "FILE"
    )]
    pub resume: Option<PathBuf>,

    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// How tests find their case (`--case-matcher`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CaseMatcher {
    /// The mapping rules: case-ID property, --case-map, then C<digits> in name or classname.
    Auto,
    /// Only case-ID properties (`--case-property`).
    Property,
    /// Only C<digits> tokens (or --case-pattern) in the test name or classname, or --case-map.
    Name,
    /// The suite's `custom_automation_id` against `classname.name` (or the test's own
    /// `custom_automation_id` property).
    AutomationId,
}

/// What `--refs` does to an existing run's references (`--refs-action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RefsAction {
    /// Append the references the run lacks.
    Add,
    /// Replace the run's references.
    Update,
    /// Remove these references from the run.
    Delete,
}

/// Where `--create-missing-cases` puts new cases (`--sections-from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SectionsFrom {
    /// One section per report testsuite, found by name or created.
    Suites,
}
