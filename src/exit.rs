//! The exit-code registry: one constant per failure class, and the one function that maps an
//! error to its code. The README's exit-code table mirrors this file; keep them in step.
//!
//! Codes are chosen so a CI script can tell "fix your configuration" (2, 3) from "TestRail said
//! no" (4) from "try again later" (5) from "finish it with --resume" (6).

use crate::error::Error;

/// Everything worked (test failures in the report do not count unless asked for).
pub const SUCCESS: i32 = 0;
/// The report held failed tests and `--fail-on-test-failure` was given.
pub const TEST_FAILURES: i32 = 1;
/// Bad flags, missing or invalid settings (names the flag or environment variable).
pub const USAGE: i32 = 2;
/// A report could not be read, parsed, or mapped (names the file, line and column).
pub const INPUT: i32 = 3;
/// TestRail answered and rejected the request (400/401/403/404, or an unexpected answer).
pub const REJECTED: i32 = 4;
/// TestRail could not be reached or kept failing (network, TLS, timeouts, 5xx after retries).
pub const UNREACHABLE: i32 = 5;
/// Some results were not posted; a resume file says how to finish the job.
pub const PARTIAL: i32 = 6;
/// An internal bug (Rust's own code for a panic); please report it.
pub const BUG: i32 = 101;

/// The exit code for an error that reached `main`.
pub fn code_for(err: &anyhow::Error) -> i32 {
    if let Some(e) = err.downcast_ref::<crate::testrail::ApiError>() {
        return e.exit_code();
    }
    match err.downcast_ref::<Error>() {
        Some(e) => e.exit_code(),
        // Errors we did not classify come from local files or settings (a summary file that
        // cannot be written, say): the user fixes them, as with a usage error.
        None => USAGE,
    }
}
