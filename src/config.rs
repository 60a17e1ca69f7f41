//! Resolved, validated settings. Raw clap arguments become these structs in one place, so
//! the rest of the code never sees clap types or re-reads the environment.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::ConnectionArgs;
use crate::env::non_empty;
use crate::error::usage;
use crate::secret::Secret;

/// Default per-request timeout; TestRail Cloud answers big batches in a few seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Everything the TestRail client needs to connect.
#[derive(Debug, Clone)]
pub struct ConnectionConfig {
    /// The base address as the user gave it; the client normalises it.
    pub url: String,
    /// The TestRail login.
    pub user: String,
    /// The API key or password.
    pub api_key: Secret,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Extra trusted certificate (PEM).
    pub ca_cert: Option<PathBuf>,
    /// Skip TLS verification.
    pub insecure: bool,
    /// Explicit proxy; may hold credentials, so it is a secret too.
    pub proxy: Option<Secret>,
}

impl ConnectionConfig {
    /// Resolve connection settings, naming the flag and variable for anything missing.
    pub fn from_args(args: &ConnectionArgs) -> anyhow::Result<Self> {
        let url = args.url.clone().ok_or_else(|| {
            usage(
                "no TestRail address: set --url or TESTRAIL_URL (e.g. https://example.testrail.io)",
            )
        })?;
        let user = args
            .user
            .clone()
            .or_else(|| non_empty("TESTRAIL_USERNAME"))
            .ok_or_else(|| {
                usage("no TestRail user: set --user or TESTRAIL_USER (or TESTRAIL_USERNAME)")
            })?;
        let api_key = args
            .api_key
            .clone()
            .or_else(|| non_empty("TESTRAIL_PASSWORD"))
            .map(Secret::from)
            .ok_or_else(|| {
                usage("no TestRail API key: set TESTRAIL_API_KEY (or TESTRAIL_PASSWORD, or --api-key)")
            })?;
        if args.timeout == 0 {
            return Err(usage(
                "--timeout / TESTRAIL_TIMEOUT must be at least 1 second",
            ));
        }
        let timeout = Duration::from_secs(args.timeout);
        Ok(ConnectionConfig {
            url,
            user,
            api_key,
            timeout,
            ca_cert: args.ca_cert.clone(),
            insecure: args.insecure,
            proxy: args.proxy.clone().map(Secret::from),
        })
    }
}
