//! Global flags for the transport policy (retries, deadline, rate limit).

use clap::Args;

/// How hard to try when TestRail is busy or flaky. See docs/RELIABILITY.md, "Transport policy".
#[derive(Debug, Args, Clone, Default)]
pub struct TransportArgs {
    /// Retries for TestRail maintenance (409), server errors (5xx), timeouts and network
    /// errors, with exponential backoff [default: 5]. Rate limiting (429) waits as TestRail
    /// asks and does not use these up.
    #[arg(long, global = true, env = "TESTRAIL_RETRIES", value_name = "N")]
    pub retries: Option<u32>,

    /// Stop the whole command after this many seconds: every API call, retry, wait and request
    /// in flight is cut at this point (unsent results go to the resume file). Unset, each API
    /// call may take 300 s, retries and waits included.
    #[arg(long, global = true, env = "TESTRAIL_DEADLINE", value_name = "SECONDS")]
    pub deadline: Option<u64>,

    /// Spread requests to at most N per minute (TestRail Cloud allows 180 or 300 per instance,
    /// shared by everyone using it).
    #[arg(long, global = true, env = "TESTRAIL_RPM", value_name = "N")]
    pub max_requests_per_minute: Option<u32>,

    /// First backoff delay in milliseconds (tests make it small).
    #[arg(long, global = true, env = "TESTRAIL_BACKOFF_MS", hide = true)]
    pub backoff_ms: Option<u64>,
}
