//! The running server: options, shared state behind locks, the accept loop, and the `Sandbox`
//! handle tests and the binary hold. Connections are served by hyper directly (not
//! `axum::serve`) so a scripted fault can drop a connection after its write was applied.

use super::faults::{FaultState, Faults};
use super::handler::{self, LoggedRequest};
use super::load;
use super::seed::Seed;
use super::store::{Store, User};
use super::{DEFAULT_API_KEY, DEFAULT_USER};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

/// How to start a sandbox.
#[derive(Clone, Debug)]
pub struct SandboxOptions {
    /// Address to listen on; port 0 picks a free one.
    pub bind: SocketAddr,
    /// The login (e-mail) API calls must authenticate as.
    pub user: String,
    /// The API key (password) API calls must present.
    pub api_key: String,
    /// Starting data, unless `state_file` exists.
    pub seed: Seed,
    /// Load the state from here at start (if it exists) and save it there on shutdown.
    pub state_file: Option<PathBuf>,
    /// Faults to inject from the start.
    pub faults: Faults,
    /// Answer bulk GETs with bare arrays, like servers before 6.7.
    pub legacy_arrays: bool,
    /// Prefix API answers with `USER AUTHENTICATION SUCCESSFUL!\n`, as some old servers did.
    pub auth_banner: bool,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            user: DEFAULT_USER.into(),
            api_key: DEFAULT_API_KEY.into(),
            seed: Seed::demo(),
            state_file: None,
            faults: Faults::default(),
            legacy_arrays: false,
            auth_banner: false,
        }
    }
}

/// State shared by all connections; each lock is held only inside one synchronous step.
pub struct Shared {
    store: Mutex<Store>,
    faults: Mutex<FaultState>,
    log: Mutex<Vec<LoggedRequest>>,
    seed: Seed,
    state_file: Option<PathBuf>,
    pub user: String,
    pub api_key: String,
    pub base_url: String,
    pub legacy_arrays: bool,
    pub auth_banner: bool,
}

/// Request-log entries kept; a sandbox left running for days must not grow without bound.
const MAX_LOG: usize = 200_000;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking request must not take the sandbox down with it.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Shared {
    /// The store, locked.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// The fault state, locked.
    pub fn faults(&self) -> MutexGuard<'_, FaultState> {
        lock(&self.faults)
    }

    /// Append to the request log, forgetting the oldest entries beyond `MAX_LOG`.
    pub fn log(&self, entry: LoggedRequest) {
        let mut log = lock(&self.log);
        if log.len() >= MAX_LOG {
            log.drain(..MAX_LOG / 10);
        }
        log.push(entry);
    }

    /// A copy of the request log.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.log).clone()
    }

    /// Empty the request log.
    pub fn clear_requests(&self) {
        lock(&self.log).clear();
    }

    /// The whole store as JSON.
    pub fn state(&self) -> Value {
        serde_json::to_value(&*self.store()).unwrap_or(Value::Null)
    }

    /// Go back to the seed; forget the log and the faults.
    pub fn reset(&self) -> Result<(), String> {
        let mut fresh = load::build(&self.seed, unix_now())?;
        ensure_user(&mut fresh, &self.user);
        *self.store() = fresh;
        self.clear_requests();
        self.faults().set(Faults::default());
        Ok(())
    }

    /// Write the store to the state file, if one is configured.
    pub fn save_state(&self) -> io::Result<()> {
        let Some(path) = &self.state_file else {
            return Ok(());
        };
        let json = serde_json::to_vec_pretty(&*self.store()).map_err(io::Error::other)?;
        std::fs::write(path, json)
    }
}

/// Make sure the authenticating user exists (get_current_user answers with it); returns its ID.
fn ensure_user(store: &mut Store, email: &str) -> u64 {
    if let Some(user) = store.users.values().find(|u| u.email == email) {
        return user.id;
    }
    let id = store.alloc("users");
    let user = User {
        id,
        name: email.split('@').next().unwrap_or(email).to_owned(),
        email: email.to_owned(),
        is_active: true,
    };
    store.users.insert(id, user);
    id
}

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
        faults.set(opts.faults);
        let shared = Arc::new(Shared {
            store: Mutex::new(store),
            faults: Mutex::new(faults),
            log: Mutex::new(Vec::new()),
            seed: opts.seed,
            state_file: opts.state_file,
            user: opts.user,
            api_key: opts.api_key,
            base_url: format!("http://{addr}/"),
            legacy_arrays: opts.legacy_arrays,
            auth_banner: opts.auth_banner,
        });
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
