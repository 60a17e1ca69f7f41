//! Every command's entry point: each turns parsed arguments into calls of the library and
//! renders the outcome. The clap definitions live in `cli`, the work in the library modules.

pub mod demo;
pub mod docs;
pub mod inspect;
pub mod plan;
pub mod rerun;
pub mod run;
pub mod submit;

use crate::cli::{GlobalArgs, RemoteArgs};
use crate::config::ConnectionConfig;
use crate::testrail::{Client, ClientOptions};

/// A client from the connection options of a command that talks to TestRail.
pub fn connect(remote: &RemoteArgs, global: &GlobalArgs) -> anyhow::Result<Client> {
    let cfg = ConnectionConfig::from_args(&remote.connection)?;
    let opts = ClientOptions::from_args(&remote.transport, global.verbose)?;
    Client::new(&cfg, &opts)
}

/// Run async command code on a runtime made for this one command (main stays synchronous).
pub fn block_on<F: std::future::Future>(future: F) -> anyhow::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    Ok(runtime.block_on(future))
}
