//! The command-line interface: clap definitions only. Each command's arguments live in a file
//! of their own under `cli/`; the doc comment on each field is its `--help` text.
//!
//! Every flag a CI user would set also reads a `TESTRAIL_*` environment variable, so the
//! precedence flag > environment > default comes from clap and shows in `--help`. An empty
//! variable counts as unset (see `env::drop_empty_vars`).

pub mod demo;
pub mod ids;
pub mod inspect;
pub mod mapping;
mod order;
pub mod plan;
pub mod reports;
pub mod rerun;
pub mod run;
pub mod submit;
pub mod transport;

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum, builder::BoolishValueParser};

/// Report JUnit XML results to TestRail, and manage TestRail runs and plans from CI.
#[derive(Debug, Parser)]
#[command(name = "testrail-report", version = crate::version::LONG, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parse the process's arguments; on a usage error, print it (and with `--output json`
    /// an error document on stdout) and exit with the usage code.
    pub fn parse_args() -> Cli {
        let args = order::hoist(std::env::args_os().collect());
        match Cli::try_parse_from(&args) {
            Ok(cli) => cli,
            Err(err) => crate::failure::parse_error(&err, &args),
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read reports and show counts, case-ID mapping and warnings (no network).
    Inspect(inspect::InspectArgs),
    /// Manage TestRail test runs: get, list, create, update, close, delete.
    Run(Box<run::RunCommand>),
    /// Manage TestRail test plans: get, list, create, add-entry, close, delete.
    Plan(Box<plan::PlanCommand>),
    /// Print the selector that re-runs only a run's failed tests (pytest, Maven, Gradle, Jest,
    /// go, dotnet).
    Rerun(Box<rerun::RerunArgs>),
    /// Report test results to TestRail: one run with exactly the executed cases.
    Submit(Box<submit::SubmitArgs>),
    /// See it work: submit the demo reports to an in-process sandbox and read the run back.
    Demo(demo::DemoArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    ///
    /// e.g. `testrail-report completions bash >
    /// ~/.local/share/bash-completion/completions/testrail-report`
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    ///
    /// e.g. `testrail-report man | man -l -`, or `testrail-report man run-get` for one command.
    Man(ManArgs),
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// YAML settings file: keys are our option names without `--` (run-name: Nightly) or
    /// trcli's (title: Nightly). The command line and environment override it.
    #[arg(
        short = 'c',
        long,
        global = true,
        env = "TESTRAIL_CONFIG",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,

    /// Output format: readable text, or one JSON document on stdout for scripts (also for
    /// failures: `{"error": {...}, "exit_code": N}`).
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Text, env = "TESTRAIL_OUTPUT")]
    pub output: OutputFormat,

    /// Show each HTTP request (method, URL, status, timing) and every retry decision on stderr.
    /// Credentials are never shown.
    #[arg(short, long, global = true, action = ArgAction::SetTrue, env = "TESTRAIL_VERBOSE", value_parser = BoolishValueParser::new())]
    pub verbose: bool,

    /// Print only results, warnings and errors: no progress, no waits, no counts on stderr.
    #[arg(short, long, global = true, action = ArgAction::SetTrue, env = "TESTRAIL_QUIET", value_parser = BoolishValueParser::new(), conflicts_with = "verbose")]
    pub quiet: bool,

    /// Milliseconds between progress lines in logs, and before progress shows (tests make it 0).
    #[arg(long, global = true, env = "TESTRAIL_PROGRESS_MS", hide = true)]
    pub progress_ms: Option<u64>,
}

/// `completions SHELL`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `man [COMMAND]`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand's own page instead, e.g. `submit` or `run` (`run-get` for nested ones).
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Tables and summaries for people.
    Text,
    /// One JSON document on stdout.
    Json,
}

/// Everything about reaching TestRail: address, credentials, TLS, retries. Flattened last
/// into the commands that connect (`submit`, `run …`), under a heading of its own.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Connection")]
pub struct RemoteArgs {
    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub transport: transport::TransportArgs,
}

/// Where TestRail is and how to reach it.
#[derive(Debug, Args, Clone)]
pub struct ConnectionArgs {
    /// TestRail address, e.g. https://example.testrail.io (a sub-path, `/index.php` or
    /// `/index.php?/api/v2/` suffix is accepted too).
    #[arg(long, global = true, env = "TESTRAIL_URL", value_name = "URL")]
    pub url: Option<String>,

    /// TestRail login, usually an e-mail address (also read from TESTRAIL_USERNAME).
    #[arg(long, global = true, env = "TESTRAIL_USER", value_name = "USER")]
    pub user: Option<String>,

    /// TestRail API key or password (also read from TESTRAIL_PASSWORD). Prefer the environment
    /// variable: a flag can show up in process listings.
    #[arg(
        long,
        global = true,
        env = "TESTRAIL_API_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    pub api_key: Option<String>,

    /// Seconds to wait for each HTTP request before treating it as failed.
    #[arg(long, global = true, env = "TESTRAIL_TIMEOUT", value_name = "SECONDS", default_value_t = crate::config::DEFAULT_TIMEOUT.as_secs())]
    pub timeout: u64,

    /// Extra PEM certificate(s) to trust, for servers behind a private certificate authority.
    #[arg(long, global = true, env = "TESTRAIL_CA_CERT", value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,

    /// Do not verify the server's TLS certificate. Dangerous: anyone on the network path can
    /// read your API key. Use --ca-cert instead where you can.
    #[arg(long, global = true, action = ArgAction::SetTrue, env = "TESTRAIL_INSECURE", value_parser = BoolishValueParser::new())]
    pub insecure: bool,

    /// Proxy for all requests, e.g. http://proxy:3128 (HTTPS_PROXY and NO_PROXY are honoured
    /// when this is not set).
    #[arg(
        long,
        global = true,
        env = "TESTRAIL_PROXY",
        value_name = "URL",
        hide_env_values = true
    )]
    pub proxy: Option<String>,
}
