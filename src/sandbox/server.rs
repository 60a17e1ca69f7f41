//! The running server: options, shared state behind locks, the accept loop, and the `Sandbox`
//! handle tests and the binary hold. Connections are served by hyper directly (not
//! `axum::serve`) so a scripted fault can drop a connection after its write was applied.

use super::faults::{FaultState, Faults};
use super::handler;
use super::load;
use super::options::{SandboxOptions, normalize_prefix};
use super::state::{LoggedRequest, Shared, ensure_user, unix_now};
use super::store::Store;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

/// The starting store: the state file if it exists, the seed otherwise.
fn initial_store(opts: &SandboxOptions) -> io::Result<Store> {
    if let Some(path) = opts.state_file.as_ref().filter(|p| p.exists()) {
        let text = std::fs::read_to_string(path)?;
        return serde_json::from_str(&text).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: not a sandbox state file: {e}", path.display()),
            )
        });
    }
    load::build(&opts.seed, unix_now())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("invalid seed: {e}")))
}

/// A running sandbox server; dropping it shuts the server down.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sandbox {
    /// Start serving on the current tokio runtime.
    pub async fn start(opts: SandboxOptions) -> io::Result<Sandbox> {
        let mut store = initial_store(&opts)?;
        ensure_user(&mut store, &opts.user);
        let listener = TcpListener::bind(opts.bind).await?;
        let addr = listener.local_addr()?;
        let mut faults = FaultState::default();
        faults.set(opts.faults.clone());
        let base_url = format!("http://{addr}{}/", normalize_prefix(&opts.path_prefix));
        let shared = Arc::new(Shared::new(store, faults, &opts, base_url));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, shared.clone(), stopped));
        Ok(Sandbox {
            addr,
            shared,
            stop,
            task: Some(task),
            thread: None,
        })
    }

    /// Start on a thread with its own runtime, for plain `#[test]`s and the demo command.
    pub fn spawn(opts: SandboxOptions) -> io::Result<Sandbox> {
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("testrail-sandbox".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => return drop(tx.send(Err(e))),
                };
                runtime.block_on(async move {
                    let sandbox = match Sandbox::start(opts).await {
                        Ok(sandbox) => sandbox,
                        Err(e) => return drop(tx.send(Err(e))),
                    };
                    let mut stopped = sandbox.stop.subscribe();
                    let handle = (sandbox.addr, sandbox.shared.clone(), sandbox.stop.clone());
                    let _ = tx.send(Ok(handle));
                    let _ = stopped.wait_for(|s| *s).await;
                    sandbox.shutdown().await;
                });
            })?;
        let (addr, shared, stop) = rx
            .recv()
            .map_err(|_| io::Error::other("sandbox thread died during start"))??;
        Ok(Sandbox {
            addr,
            shared,
            stop,
            task: None,
            thread: Some(thread),
        })
    }

    /// Stop accepting, close connections, and save `--state` (waits until done).
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// `http://127.0.0.1:PORT/`
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The whole state, as `GET /__sandbox/state` returns it.
    pub fn state(&self) -> Value {
        self.shared.state()
    }

    /// The request log, as `GET /__sandbox/requests` returns it.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.requests()
    }

    /// Forget the request log.
    pub fn clear_requests(&self) {
        self.shared.clear_requests();
    }

    /// Replace the injected faults (counters start afresh).
    pub fn set_faults(&self, faults: Faults) {
        self.shared.faults().set(faults);
    }

    /// Back to the seed, with the log and the faults cleared (`POST /__sandbox/reset`).
    pub fn reset(&self) -> Result<(), String> {
        self.shared.reset()
    }

    /// Save the state file now (no-op without one).
    pub fn save_state(&self) -> io::Result<()> {
        self.shared.save_state()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Accept connections until told to stop, then save the state file.
async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        let conn_stop = stop.clone();
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    tokio::spawn(connection(stream, shared.clone(), conn_stop));
                }
            }
            _ = stop.wait_for(|s| *s) => break,
        }
    }
    if let Err(err) = shared.save_state() {
        eprintln!("testrail-sandbox: cannot save state: {err}");
    }
}

/// Serve one connection until it ends, the server stops, or a handler asks to drop it.
async fn connection(stream: TcpStream, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let kill = Arc::new(Notify::new());
    let service_kill = kill.clone();
    let service = hyper::service::service_fn(move |req| {
        handler::handle(shared.clone(), service_kill.clone(), req)
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        _ = kill.notified() => {}
        _ = stop.wait_for(|s| *s) => {}
    }
}
