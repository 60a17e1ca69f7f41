//! testrail-report: read JUnit XML, map tests to TestRail cases, and report them as one run.
//!
//! Data flows one way: reports (`report`) → test results → case results (`mapping`) → planned
//! API calls (`submit`) → TestRail (`testrail`). `sandbox` is a TestRail-compatible server for
//! tests, the demo, and trying pipelines; `ci` knows GitHub, GitLab and Jenkins.

pub mod ci;
pub mod cli;
pub mod commands;
pub mod config;
pub mod env;
pub mod error;
pub mod exit;
pub mod failure;
pub mod mapping;
pub mod panic;
pub mod progress;
pub mod redact;
pub mod report;
pub mod sandbox;
pub mod secret;
pub mod settings;
pub mod submit;
pub mod summary;
pub mod testrail;
pub mod timestamp;
pub mod version;

use cli::Cli;

/// Run a parsed command line and return the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    let interval = cli.global.progress_ms.map(std::time::Duration::from_millis);
    progress::configure(cli.global.quiet, interval);
    match cli.command {
        cli::Command::Inspect(args) => commands::inspect::run(&args, cli.global.output),
        cli::Command::Run(cmd) => commands::run::execute(&cli.global, &cmd),
        cli::Command::Plan(cmd) => commands::plan::execute(&cli.global, &cmd),
        cli::Command::Rerun(args) => commands::rerun::execute(&cli.global, &args),
        cli::Command::Submit(args) => commands::submit::run(&cli.global, &args),
        cli::Command::Demo(args) => commands::demo::run(&cli.global, &args),
        cli::Command::Completions(args) => commands::docs::completions(args.shell),
        cli::Command::Man(args) => commands::docs::man(args.command.as_deref()),
    }
}
