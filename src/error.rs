//! The error kinds that decide the exit code. Everything else travels as `anyhow::Error` with
//! context; a classified error is an [`Error`] somewhere in the chain's root.

use crate::exit;

/// A failure with a known class, so `main` can pick the documented exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad or missing flags, environment variables or settings. The message names the fix.
    #[error("{0}")]
    Usage(String),
    /// A report that cannot be read, parsed or mapped. The message names file, line and column.
    #[error("{0}")]
    Input(String),
    /// TestRail answered and refused (its own message is kept verbatim).
    #[error("{0}")]
    Rejected(String),
    /// TestRail could not be reached, or kept failing after retries.
    #[error("{0}")]
    Unreachable(String),
    /// Some results were not posted; the message says how to finish.
    #[error("{0}")]
    Partial(String),
    /// The report had failed tests and `--fail-on-test-failure` was given.
    #[error("{0}")]
    TestFailures(String),
}

impl Error {
    /// The documented exit code for this class of failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => exit::USAGE,
            Error::Input(_) => exit::INPUT,
            Error::Rejected(_) => exit::REJECTED,
            Error::Unreachable(_) => exit::UNREACHABLE,
            Error::Partial(_) => exit::PARTIAL,
            Error::TestFailures(_) => exit::TEST_FAILURES,
        }
    }
}

/// Shorthand for a usage error with a formatted message.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    Error::Usage(msg.into()).into()
}

/// The exit code for an error that reached `main`.
pub fn code_for(err: &anyhow::Error) -> i32 {
    if let Some(e) = err.downcast_ref::<crate::testrail::ApiError>() {
        return e.exit_code();
    }
    match err.downcast_ref::<Error>() {
        Some(e) => e.exit_code(),
        // Errors we did not classify come from local files or settings (a summary file that
        // cannot be written, say): the user fixes them, as with a usage error.
        None => exit::USAGE,
    }
}
