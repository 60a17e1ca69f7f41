//! `testrail-sandbox`: run the project's TestRail-compatible server on a local port.
//!
//! Prints `testrail-sandbox listening on http://127.0.0.1:PORT/` once it accepts connections
//! (scripts parse that line; `--port 0` picks a free port) and serves until Ctrl-C or SIGTERM,
//! then saves `--state` if given.

use anyhow::Context;
use clap::Parser;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use testrail_report::sandbox::{
    DEFAULT_API_KEY, DEFAULT_USER, DelayFault, DropFault, ErrorFault, Faults, RateLimit, Sandbox,
    SandboxOptions, Seed,
};

/// A strict TestRail-compatible server: try your pipeline without a TestRail instance.
#[derive(Parser, Debug)]
#[command(name = "testrail-sandbox", version)]
struct Args {
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 8089)]
    port: u16,
    /// Address to bind; keep the default unless other machines must reach it.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Seed file (JSON) with the starting data; without it the demo project is loaded.
    #[arg(long, value_name = "FILE")]
    seed: Option<PathBuf>,
    /// Load the state from FILE at start (if it exists) and save it there on shutdown.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Login (e-mail) API calls must authenticate as.
    #[arg(long, default_value = DEFAULT_USER)]
    user: String,
    /// API key (password) API calls must present.
    #[arg(long, default_value = DEFAULT_API_KEY)]
    api_key: String,
    /// Answer bulk GETs with bare arrays, like TestRail before 6.7.
    #[arg(long)]
    legacy_arrays: bool,
    /// Prefix API answers with `USER AUTHENTICATION SUCCESSFUL!`, like some old servers.
    #[arg(long)]
    auth_banner: bool,
    /// Inject errors: STATUS[:every=N][:next=K][:method=M][:retry-after=S|date:S|none][:echo]
    /// (e.g. `429:every=3:retry-after=2`, `503:next=2:method=add_run`; `echo` puts the
    /// request's headers in the error body). Repeatable.
    #[arg(long, value_name = "SPEC")]
    fail: Vec<ErrorFault>,
    /// Delay answers: MS[:method=M] (a huge MS is a server that never answers). Repeatable.
    #[arg(long, value_name = "SPEC")]
    delay: Vec<DelayFault>,
    /// Apply the next K successful writes of METHOD, then drop the connection:
    /// METHOD[:next=K] (METHOD `*` = any write). Repeatable.
    #[arg(long, value_name = "SPEC")]
    drop_after_write: Vec<DropFault>,
    /// Apply the next K successful writes of METHOD, then answer 200 with a body that is not
    /// JSON: METHOD[:next=K]. Repeatable.
    #[arg(long, value_name = "SPEC")]
    garble_after_write: Vec<DropFault>,
    /// Rate limit like TestRail Cloud: N requests per minute, or N/SECONDS.
    #[arg(long, value_name = "N[/SECS]")]
    rate_limit: Option<RateLimit>,
    /// Server time per posted result in a results request, in milliseconds (a real
    /// TestRail writes each result, its test's status and the run's counters).
    #[arg(long, value_name = "MS")]
    result_cost: Option<u64>,
    /// Requests worked on at once; the others wait for a free worker [default: no limit].
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
    /// Write `_links.next` as an absolute link on this origin (e.g. `http://elsewhere:9`).
    #[arg(long, value_name = "ORIGIN")]
    next_origin: Option<String>,
    /// Faults as JSON (the format `POST /__sandbox/faults` takes); flags add to it.
    #[arg(long, value_name = "FILE")]
    faults: Option<PathBuf>,
    /// Serve the installation under this path, like a sub-path install (`/testrail` gives
    /// `http://HOST:PORT/testrail/index.php?/api/v2/...`); other paths answer 404.
    #[arg(long, value_name = "PATH", default_value = "")]
    path_prefix: String,
    /// Print the seed that would be loaded (the demo seed without --seed) and exit.
    #[arg(long)]
    print_seed: bool,
}

fn main() {
    testrail_report::panic::install_hook();
    let args = Args::parse();
    if let Err(err) = run(args) {
        eprintln!("error: {err:#}");
        std::process::exit(2);
    }
}

fn faults(args: &Args) -> anyhow::Result<Faults> {
    let mut faults = match &args.faults {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read --faults {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("--faults {} is not valid faults JSON", path.display()))?
        }
        None => Faults::default(),
    };
    faults.errors.extend(args.fail.iter().cloned());
    faults.delays.extend(args.delay.iter().cloned());
    faults.drops.extend(args.drop_after_write.iter().cloned());
    faults
        .garbles
        .extend(args.garble_after_write.iter().cloned());
    if args.rate_limit.is_some() {
        faults.rate_limit = args.rate_limit.clone();
    }
    if args.result_cost.is_some() {
        faults.result_cost_ms = args.result_cost;
    }
    if args.workers.is_some() {
        faults.workers = args.workers;
    }
    if args.next_origin.is_some() {
        faults.next_origin = args.next_origin.clone();
    }
    Ok(faults)
}

fn run(args: Args) -> anyhow::Result<()> {
    let seed = match &args.seed {
        Some(path) => Seed::from_file(path)?,
        None => Seed::demo(),
    };
    if args.print_seed {
        println!("{}", serde_json::to_string_pretty(&seed)?);
        return Ok(());
    }
    let opts = SandboxOptions {
        bind: SocketAddr::new(args.bind, args.port),
        user: args.user.clone(),
        api_key: args.api_key.clone(),
        seed,
        state_file: args.state.clone(),
        faults: faults(&args)?,
        legacy_arrays: args.legacy_arrays,
        auth_banner: args.auth_banner,
        path_prefix: args.path_prefix.clone(),
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        // Listen for signals before announcing the address: a SIGTERM sent as soon as the
        // line is read must save the state, not kill the process with the default action.
        let stop = stop_signal();
        let sandbox = Sandbox::start(opts)
            .await
            .with_context(|| format!("cannot listen on {}:{}", args.bind, args.port))?;
        // One line on stdout, for scripts to parse; the rest goes to stderr.
        println!("testrail-sandbox listening on {}", sandbox.base_url());
        eprintln!("testrail-sandbox: {}; Ctrl-C stops", login_hint(&args));
        eprintln!(
            "testrail-sandbox: the web view is at {}index.php?/dashboard",
            sandbox.base_url()
        );
        stop.await;
        sandbox.shutdown().await;
        Ok(())
    })
}

/// How to log in. The default key is public (it is in the README), so it is shown; a key
/// chosen with --api-key is the user's secret and is never printed.
fn login_hint(args: &Args) -> String {
    if args.api_key == DEFAULT_API_KEY {
        format!(
            "log in as {} with the default key {DEFAULT_API_KEY}",
            args.user
        )
    } else {
        format!("log in as {} with the key given by --api-key", args.user)
    }
}

/// Ctrl-C, or SIGTERM on Unix (what `kill` and CI runners send). On Unix the handlers are
/// installed by this call, not at the first poll; the returned future ends at the first signal.
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        signal(SignalKind::terminate())
            .and_then(|term| Ok((term, signal(SignalKind::interrupt())?)))
            .ok()
    };
    async move {
        #[cfg(unix)]
        if let Some((mut term, mut int)) = signals {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}
