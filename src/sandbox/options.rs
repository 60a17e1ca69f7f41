//! How to start a sandbox: address, credentials, starting data, faults and old-server quirks.

use super::faults::Faults;
use super::seed::Seed;
use super::{DEFAULT_API_KEY, DEFAULT_USER};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

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
    /// Where the installation lives: `""` for the site root, `/testrail` for a sub-path
    /// install. Other paths answer 404, as a web server would.
    pub path_prefix: String,
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
            path_prefix: String::new(),
        }
    }
}

/// A path prefix as the router compares it: `""` or `/name` (leading, no trailing slash).
pub fn normalize_prefix(prefix: &str) -> String {
    let trimmed = prefix.trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}
