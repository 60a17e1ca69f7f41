//! State shared by all connections of one sandbox: the store, the fault state and the request
//! log, each behind its own lock, plus the settings every request reads.

use super::faults::{FaultState, Faults};
use super::load;
use super::options::SandboxOptions;
use super::seed::Seed;
use super::store::{Store, User};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

/// One API request as the sandbox saw it (`GET /__sandbox/requests`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// HTTP verb.
    pub method: String,
    /// API method (`add_run`), when the path was an API call.
    pub api_method: Option<String>,
    /// Path and query as sent.
    pub path: String,
    /// Status answered (for a dropped connection: the status that was not delivered).
    pub status: u16,
    /// Size of the request body in bytes.
    pub body_size: usize,
    /// The answer was an injected fault.
    pub injected: bool,
    /// The write was applied and the connection dropped instead of answering.
    pub dropped: bool,
    /// API requests in the server when this one arrived (itself included, waiting ones too).
    #[serde(default)]
    pub in_flight: usize,
}

/// State shared by all connections; each lock is held only inside one synchronous step.
pub struct Shared {
    store: Mutex<Store>,
    faults: Mutex<FaultState>,
    log: Mutex<Vec<LoggedRequest>>,
    in_flight: AtomicUsize,
    seed: Seed,
    state_file: Option<PathBuf>,
    pub user: String,
    pub api_key: String,
    pub base_url: String,
    /// The installation's path prefix (`""` or `/testrail`).
    pub path_prefix: String,
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

pub(super) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Shared {
    /// The state of a sandbox starting with `store` and `faults`, as `opts` configure it.
    pub(super) fn new(
        store: Store,
        faults: FaultState,
        opts: &SandboxOptions,
        base_url: String,
    ) -> Shared {
        Shared {
            store: Mutex::new(store),
            faults: Mutex::new(faults),
            log: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            seed: opts.seed.clone(),
            state_file: opts.state_file.clone(),
            user: opts.user.clone(),
            api_key: opts.api_key.clone(),
            base_url,
            path_prefix: super::options::normalize_prefix(&opts.path_prefix),
            legacy_arrays: opts.legacy_arrays,
            auth_banner: opts.auth_banner,
        }
    }

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

    /// Count an API request in until the returned guard is dropped; answers how many are in.
    pub fn arrive(&self) -> (InFlight<'_>, usize) {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        (InFlight(&self.in_flight), now)
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

/// One API request inside the server; leaves the count when dropped (also when the
/// connection is dropped mid-answer).
pub struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Make sure the authenticating user exists (get_current_user answers with it); returns its ID.
pub(super) fn ensure_user(store: &mut Store, email: &str) -> u64 {
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
