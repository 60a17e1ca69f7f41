//! Command implementations: each turns validated arguments into API calls and output.

pub mod run;

/// Run async command code on a runtime made for this one command (main stays synchronous).
pub fn block_on<F: std::future::Future>(future: F) -> anyhow::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    Ok(runtime.block_on(future))
}
