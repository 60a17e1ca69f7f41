//! Arguments of `testrail-report rerun`: the selector that re-runs a run's failed tests.

use clap::{Args, ValueEnum};

use super::{RemoteArgs, ids};

/// Print what a test runner needs to run again exactly the tests of a run that failed (or
/// have other statuses), from the names `submit` stored with each result.
#[derive(Debug, Args)]
pub struct RerunArgs {
    /// The run whose tests to re-run, e.g. R12 or 12.
    #[arg(long, env = "TESTRAIL_RUN_ID", value_name = "ID", value_parser = ids::run_id)]
    pub run_id: u64,
    /// Statuses to re-run, by name, label or ID, comma-separated (e.g. failed,retest,blocked).
    #[arg(
        long,
        env = "TESTRAIL_RERUN_STATUS",
        value_name = "STATUSES",
        value_delimiter = ',',
        default_value = "failed"
    )]
    pub status: Vec<String>,
    /// The test runner to print a selector for.
    #[arg(long, value_enum, env = "TESTRAIL_RERUN_FORMAT", value_name = "RUNNER")]
    pub format: RerunFormat,

    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// What `rerun` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RerunFormat {
    /// pytest node IDs (`tests/test_a.py::TestA::test_b`), shell-quoted.
    Pytest,
    /// Maven Surefire's `-Dtest=pkg.ClassTest#a+b,pkg.OtherTest#c`.
    Maven,
    /// Gradle's `--tests pkg.ClassTest.a --tests …`.
    Gradle,
    /// Jest's `-t '^(name|name)$'`.
    Jest,
    /// `go test`'s `-run '^(TestA|TestB)$'`.
    Go,
    /// `dotnet test --filter "FullyQualifiedName=Ns.Class.Method|…"`.
    Dotnet,
    /// One `classname.name` per line.
    Names,
    /// The tests as JSON: case and test IDs, status, classname and name.
    Json,
}
