//! `testrail-report demo`: the options of the see-it-work command.

use clap::Args;

/// Options of `demo`.
#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// Keep the sandbox running afterwards (until Ctrl-C), to explore it with `run` commands.
    #[arg(long)]
    pub keep: bool,

    /// Port for the sandbox (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}
