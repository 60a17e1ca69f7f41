//! How persistent the client is: retries, deadline, request rate, trace. Resolved once from
//! the command line, so the client never sees clap types.

use std::time::{Duration, Instant};

use super::retry::RetryPolicy;
use crate::cli::transport::TransportArgs;
use crate::error::usage;

/// Default number of retries for 409/5xx/network failures.
pub const DEFAULT_RETRIES: u32 = 5;
/// Default time budget for one API call, all retries included.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);
/// Default first backoff delay.
pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(1);

/// Transport policy settings for [`super::Client::new`].
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Retries after the first attempt for 409/5xx/network failures.
    pub retries: u32,
    /// Time budget for one API call, all retries and waits included.
    pub deadline: Duration,
    /// When the whole command must be over (`--deadline`), requests in flight included.
    pub stop_at: Option<Instant>,
    /// Pre-emptive limit on request starts per minute.
    pub max_requests_per_minute: Option<u32>,
    /// First backoff delay (the 429 default wait is five of these). Tests shrink it.
    pub backoff_base: Duration,
    /// Trace requests and retry decisions on stderr.
    pub verbose: bool,
    /// Do not announce long waits (rate-limit pauses, retries) on stderr.
    pub quiet: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            retries: DEFAULT_RETRIES,
            deadline: DEFAULT_DEADLINE,
            stop_at: None,
            max_requests_per_minute: None,
            backoff_base: DEFAULT_BACKOFF,
            verbose: false,
            quiet: false,
        }
    }
}

impl ClientOptions {
    /// Resolve the transport flags; errors name the flag and variable.
    pub fn from_args(t: &TransportArgs, verbose: bool) -> anyhow::Result<Self> {
        if t.deadline == Some(0) {
            return Err(usage(
                "--deadline / TESTRAIL_DEADLINE must be at least 1 second",
            ));
        }
        Ok(ClientOptions {
            retries: t.retries.unwrap_or(DEFAULT_RETRIES),
            deadline: t.deadline.map_or(DEFAULT_DEADLINE, Duration::from_secs),
            stop_at: t
                .deadline
                .map(|s| crate::env::started() + Duration::from_secs(s)),
            max_requests_per_minute: t.max_requests_per_minute.filter(|n| *n > 0),
            backoff_base: t.backoff_ms.map_or(DEFAULT_BACKOFF, Duration::from_millis),
            verbose,
            // Set by `--quiet` before any command runs.
            quiet: crate::progress::quiet(),
        })
    }

    /// The retry policy these options describe.
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy::with_base(self.backoff_base, self.retries, self.deadline)
    }
}
