//! What can go wrong talking to TestRail, and what each failure usually means.
//!
//! TestRail answers errors as `{"error": "…"}`; we keep that text verbatim and add the method,
//! the HTTP status and a hint, because TestRail's status codes are easy to misread: an unknown
//! run ID is a 400 (not a 404), and a 404 means an unknown API *method*, i.e. a wrong URL.

use crate::error::Error;

/// A failed API call. `Display` is the user-facing message; none of it ever holds credentials.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// TestRail answered with an error status (after any retries).
    #[error("TestRail rejected {verb} {endpoint} (HTTP {status}): {message}{}", hint(*status, message))]
    Status {
        /// `GET` or `POST`.
        verb: &'static str,
        /// The API endpoint, e.g. `get_run/5`.
        endpoint: String,
        /// HTTP status code.
        status: u16,
        /// TestRail's own `error` text, or a short excerpt of a non-JSON body.
        message: String,
    },
    /// A transient failure (429, 409, 5xx, network) that outlasted the retry budget.
    #[error(
        "TestRail could not be reached for {verb} {endpoint} after {attempts} attempt(s): {reason}{}",
        unreachable_hint(reason)
    )]
    Unreachable {
        /// `GET` or `POST`.
        verb: &'static str,
        /// The API endpoint.
        endpoint: String,
        /// How many times the request was sent.
        attempts: u32,
        /// The last failure.
        reason: String,
    },
    /// A write may or may not have happened (timeout or dropped connection after sending).
    /// It was deliberately not re-sent: check the server's state before trying again.
    #[error(
        "the outcome of {verb} {endpoint} is unknown ({reason}): TestRail may or may not have applied it; it was not re-sent to avoid doing it twice"
    )]
    OutcomeUnknown {
        /// Always `POST`.
        verb: &'static str,
        /// The API endpoint.
        endpoint: String,
        /// What happened.
        reason: String,
    },
    /// A 2xx answer that is not JSON: usually a login or landing page from a wrong address.
    #[error(
        "TestRail's answer to {verb} {endpoint} (HTTP {status}) is not JSON ({excerpt:?}): the base URL is probably wrong; set --url / TESTRAIL_URL to the address you open TestRail at, e.g. https://example.testrail.io"
    )]
    NotJson {
        /// `GET` or `POST`.
        verb: &'static str,
        /// The API endpoint.
        endpoint: String,
        /// HTTP status code.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// The server redirected; a POST would silently become a GET, so we never follow.
    #[error(
        "TestRail redirected {verb} {endpoint} (HTTP {status}) to {location:?}; redirects are not followed because a redirected POST turns into a GET and the write is lost: set --url / TESTRAIL_URL to the final address (usually the https:// one)"
    )]
    Redirect {
        /// `GET` or `POST`.
        verb: &'static str,
        /// The API endpoint.
        endpoint: String,
        /// HTTP status code.
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// A write TestRail refused for now (429, 409, 503) or that never left; sent once on
    /// purpose, because its body must be rebuilt from a fresh read before it is sent again.
    #[error(
        "TestRail did not apply {verb} {endpoint} ({reason}); it is rebuilt before it is sent again"
    )]
    Deferred {
        /// Always `POST`.
        verb: &'static str,
        /// The API endpoint.
        endpoint: String,
        /// What refused it.
        reason: String,
    },
    /// A 2xx answer larger than we read whole.
    #[error(
        "TestRail's answer to {verb} {endpoint} is larger than {limit} bytes, the most one answer may hold; it was not read (a page of TestRail's API is far smaller: check --url and any proxy in between)"
    )]
    TooLarge {
        /// `GET` or `POST`.
        verb: &'static str,
        /// The API endpoint.
        endpoint: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// JSON that does not have the shape the API documents.
    #[error("unexpected answer to {verb} {endpoint}: {detail}")]
    Shape {
        /// `GET` or `POST`.
        verb: &'static str,
        /// The API endpoint.
        endpoint: String,
        /// What did not fit.
        detail: String,
    },
}

/// The settings to check, unless the reason already named the fix (a wrong address, plain
/// HTTP) and more advice would only bury it.
fn unreachable_hint(reason: &str) -> &'static str {
    if reason.contains("TESTRAIL_URL") {
        ""
    } else {
        " (check --url / TESTRAIL_URL, --proxy and the network; --retries / TESTRAIL_RETRIES \
         and --deadline / TESTRAIL_DEADLINE set how long to keep trying)"
    }
}

/// What a status code usually means, with the setting to check.
fn hint(status: u16, message: &str) -> &'static str {
    // TestRail also uses 403 for entities that may not change, not only for missing rights.
    if message.contains("already completed") {
        return " (closed runs and plans cannot be changed)";
    }
    if message.contains("test plan") {
        return " (this run belongs to a test plan; change it through the plan)";
    }
    if is_missing_suite(message) {
        return " (this project has several suites: set --suite-id / TESTRAIL_SUITE_ID)";
    }
    match status {
        400 => " (HTTP 400: an unknown or invalid ID, or a bad field value)",
        401 => " (check TESTRAIL_USER and TESTRAIL_API_KEY, or --user and --api-key)",
        403 => {
            " (the TestRail user lacks permission for this, or the API is disabled under Administration > Site Settings > API)"
        }
        404 => " (unknown API method: check that --url / TESTRAIL_URL is your TestRail address)",
        409 => " (TestRail Cloud's daily maintenance; try again later)",
        429 => " (TestRail's rate limit; lower --max-requests-per-minute / TESTRAIL_RPM)",
        _ => "",
    }
}

impl ApiError {
    /// The HTTP status, when TestRail answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// TestRail's own error text, when it sent one.
    pub fn message(&self) -> Option<&str> {
        match self {
            ApiError::Status { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The classified error that decides the exit code.
    pub fn class(&self) -> Error {
        let msg = self.to_string();
        match self {
            // A missing --suite-id is the user's to fix, and TestRail refused before writing
            // anything: a usage error, from `submit` and `run create` alike (see `exit::USAGE`).
            ApiError::Status { message, .. } if is_missing_suite(message) => Error::Usage(msg),
            ApiError::Status { status, .. } if is_transient(*status) => Error::Unreachable(msg),
            ApiError::Status { .. }
            | ApiError::NotJson { .. }
            | ApiError::Shape { .. }
            | ApiError::TooLarge { .. } => Error::Rejected(msg),
            ApiError::Redirect { .. } => Error::Usage(msg),
            ApiError::Unreachable { .. }
            | ApiError::OutcomeUnknown { .. }
            | ApiError::Deferred { .. } => Error::Unreachable(msg),
        }
    }

    /// The documented exit code.
    pub fn exit_code(&self) -> i32 {
        self.class().exit_code()
    }
}

/// TestRail's answer to a run without `suite_id` in a project with several suites.
fn is_missing_suite(message: &str) -> bool {
    message.contains(":suite_id is a required field")
}

/// Statuses that mean "try again later" rather than "no".
pub fn is_transient(status: u16) -> bool {
    matches!(status, 409 | 429 | 500 | 502 | 503 | 504)
}

/// Most of an error body a message quotes (TestRail's own texts are a line or two).
pub const MAX_ERROR_TEXT: usize = 4096;

/// TestRail's `error` text from a body, or a short printable excerpt of whatever came back;
/// at most [`MAX_ERROR_TEXT`] bytes, with every credential blanked out (a body may echo the
/// request's `Authorization` header).
pub fn error_text(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Body {
        error: String,
    }
    match serde_json::from_slice::<Body>(body) {
        Ok(b) => clean(&b.error, MAX_ERROR_TEXT),
        Err(_) => excerpt(body),
    }
}

/// The first 120 characters of a body, on one line, credentials blanked out.
pub fn excerpt(body: &[u8]) -> String {
    let head = &body[..body.len().min(64 * 1024)];
    let text = String::from_utf8_lossy(head);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let one_line = crate::redact::text(&one_line);
    let mut cut: String = one_line.chars().take(120).collect();
    if one_line.chars().count() > 120 || head.len() < body.len() {
        cut.push('…');
    }
    cut
}

/// Redact, then cap. The text is cut a little long first so the redaction never works on
/// megabytes, and never sees a credential split by the cut.
pub fn clean(text: &str, max: usize) -> String {
    let rough = crate::redact::cap(text, max + 512);
    crate::redact::cap(&crate::redact::text(&rough), max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16, message: &str) -> ApiError {
        ApiError::Status {
            verb: "GET",
            endpoint: "get_run/9".into(),
            status: code,
            message: message.into(),
        }
    }

    #[test]
    fn messages_keep_testrail_text_and_name_the_fix() {
        let e = status(400, "Field :run is not a valid test run.").to_string();
        assert!(
            e.contains("GET get_run/9 (HTTP 400): Field :run is not a valid test run."),
            "{e}"
        );
        let e = status(401, "Authentication failed").to_string();
        assert!(
            e.contains("TESTRAIL_USER") && e.contains("TESTRAIL_API_KEY"),
            "{e}"
        );
        assert!(e.contains("--api-key"), "{e}");
        assert!(status(403, "x").to_string().contains("permission"));
        let closed = status(
            403,
            "This operation is not allowed. The test run is already completed.",
        );
        assert!(
            closed
                .to_string()
                .ends_with("already completed. (closed runs and plans cannot be changed)")
        );
        assert!(status(404, "x").to_string().contains("unknown API method"));
    }

    #[test]
    fn classes_pick_the_documented_exit_codes() {
        assert_eq!(status(400, "x").exit_code(), crate::exit::REJECTED);
        assert_eq!(status(401, "x").exit_code(), crate::exit::REJECTED);
        assert_eq!(status(503, "x").exit_code(), crate::exit::UNREACHABLE);
        let unknown = ApiError::OutcomeUnknown {
            verb: "POST",
            endpoint: "add_run/1".into(),
            reason: "timed out".into(),
        };
        assert_eq!(unknown.exit_code(), crate::exit::UNREACHABLE);
        let suite = status(400, "Field :suite_id is a required field.");
        assert_eq!(suite.exit_code(), crate::exit::USAGE);
        assert!(suite.to_string().contains("--suite-id"), "{suite}");
    }

    #[test]
    fn error_text_reads_testrail_bodies_and_summarises_others() {
        assert_eq!(
            error_text(br#"{"error":"Field :x is bad."}"#),
            "Field :x is bad."
        );
        assert_eq!(
            error_text(b"<html>\n  <b>Login</b>\n</html>"),
            "<html> <b>Login</b> </html>"
        );
        assert_eq!(excerpt("a".repeat(200).as_bytes()).chars().count(), 121);
        let huge = format!(r#"{{"error": "{}"}}"#, "x".repeat(1 << 20));
        assert!(error_text(huge.as_bytes()).len() < MAX_ERROR_TEXT + 100);
    }
}
