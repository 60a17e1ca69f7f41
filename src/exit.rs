//! The exit-code registry: one constant per failure class (`error::code_for` maps an error
//! to its code). The README's exit-code table mirrors this file; keep them in step.
//!
//! Codes are chosen so a CI script can tell "fix your configuration" (2, 3) from "TestRail said
//! no" (4) from "try again later" (5) from "finish it with --resume" (6).

/// Everything worked (test failures in the report do not count unless asked for).
pub const SUCCESS: i32 = 0;
/// The report held failed tests and `--fail-on-test-failure` was given.
pub const TEST_FAILURES: i32 = 1;
/// Bad flags, missing or invalid settings (names the flag or environment variable).
///
/// The rule: a failure the user fixes with a flag is a usage error even when only TestRail can
/// tell, as long as nothing was written yet. So `run create` in a project with several suites
/// and no `--suite-id` is 2: TestRail refuses the run before creating anything. (`submit`
/// needs no suite there: it sorts the cases by suite, see `submit::deliver::suites`.)
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

/// Whether the error is stdout being closed under us (`... | head`). Like ripgrep, the
/// program then stops quietly and successfully: the reader got what it wanted.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        let io = cause.downcast_ref::<std::io::Error>().map(|e| e.kind());
        // serde_json wraps the write error in its own type.
        let json = cause
            .downcast_ref::<serde_json::Error>()
            .and_then(|e| e.io_error_kind());
        io == Some(BrokenPipe) || json == Some(BrokenPipe)
    })
}
