//! Sending one API request: the attempt, the retry loop around it, and the trace.
//!
//! `Client` clones share one `Transport`: one connection pool (built in `http`), one limiter
//! and one pair of counters. Any 3xx becomes an error that names the address to use (see
//! `http::client` for why redirects are never followed). The `--verbose` trace shows method,
//! URL, status, timing and every retry decision; it never shows headers, so credentials
//! cannot leak through it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderValue};

use super::answer::Answer;
use super::error::{ApiError, error_text, is_transient};
use super::http;
use super::limiter::{LONG_WAIT, Limiter, Ticket, whole_secs};
use super::options::ClientOptions;
use super::retry::{Decision, Failure, Progress, RetryPolicy, Verb, secs};
use super::url::BaseUrl;
use crate::config::ConnectionConfig;

/// Largest answer read whole. TestRail's pages hold at most 250 items, so even a page of
/// cases with long steps stays far below; a bigger answer is a broken proxy or server, and
/// reading it whole would cost its size in memory. `TESTRAIL_INTERNAL_MAX_ANSWER` lowers it
/// for tests.
pub const MAX_ANSWER: usize = 256 * 1024 * 1024;

/// Most of an error answer read: its message is quoted only in part anyway.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// How many requests and retries a client made, for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Of those, how many were retries.
    pub retries: u64,
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    /// Nothing to send (POSTs still get `{}` and the JSON content type TestRail insists on).
    Empty,
    /// A JSON document, shared (not copied) by every attempt to send it: a submit has dozens
    /// of batches in flight.
    Json(bytes::Bytes),
    /// One file in a multipart form (attachments); no JSON content type.
    File {
        /// The form field, `attachment` for TestRail.
        field: &'static str,
        /// The file name shown in TestRail.
        file_name: String,
        /// The file content.
        bytes: Arc<Vec<u8>>,
    },
}

/// One API call being made: what the trace and the errors name.
struct Call<'a> {
    verb: Verb,
    endpoint: &'a str,
    url: &'a str,
    /// When its time budget ends: a request still in flight then is cut.
    until: Option<Instant>,
}

/// Everything about the connection that clones share.
pub struct Transport {
    http: reqwest::Client,
    base: BaseUrl,
    auth: HeaderValue,
    policy: RetryPolicy,
    limiter: Limiter,
    stop_at: Option<Instant>,
    timeout: Duration,
    max_answer: usize,
    requests: AtomicU64,
    retries: AtomicU64,
    /// Whether the server has answered anything yet (see the retry policy's quick give-up).
    answered: AtomicBool,
    /// Whether `--proxy` is set: then a refused connection is the proxy's.
    proxied: bool,
    verbose: bool,
    /// Print long waits on stderr (the `--verbose` trace already shows every wait).
    announce: bool,
}

impl std::fmt::Debug for Transport {
    // Hand-written: the HTTP client's own Debug would print the proxy, credentials and all.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("base", &self.base)
            .field("policy", &self.policy)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// Build the HTTP client from validated settings; warns about insecure set-ups on stderr.
    pub fn new(cfg: &ConnectionConfig, opts: &ClientOptions) -> anyhow::Result<Transport> {
        let base = BaseUrl::parse(&cfg.url)?;
        http::warn_about_security(&base, cfg);
        let http = http::client(cfg, &base)?;
        crate::redact::register_login(&cfg.user, cfg.api_key.expose());
        crate::redact::register(
            &cfg.proxy
                .iter()
                .map(|p| p.expose().to_string())
                .collect::<Vec<_>>(),
        );
        Ok(Transport {
            http,
            base,
            auth: http::basic_auth(&cfg.user, &cfg.api_key)?,
            policy: opts.retry_policy(),
            limiter: Limiter::new(opts.max_requests_per_minute)
                .announcing(!opts.verbose && !opts.quiet),
            announce: !opts.verbose && !opts.quiet,
            stop_at: opts.stop_at,
            timeout: cfg.timeout,
            max_answer: crate::env::non_empty("TESTRAIL_INTERNAL_MAX_ANSWER")
                .and_then(|v| v.parse().ok())
                .unwrap_or(MAX_ANSWER),
            requests: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            answered: AtomicBool::new(false),
            proxied: cfg.proxy.is_some(),
            verbose: opts.verbose,
        })
    }

    /// The normalised address.
    pub fn base(&self) -> &BaseUrl {
        &self.base
    }

    /// The per-minute request budget, when one is known (given, or learned from a 429).
    pub fn budget(&self) -> Option<u32> {
        self.limiter.budget()
    }

    /// Requests and retries so far.
    pub fn stats(&self) -> Stats {
        Stats {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
        }
    }

    /// Send a request under the retry policy and return its 2xx body, for the caller to decode.
    pub async fn send(
        &self,
        verb: Verb,
        endpoint: &str,
        url: &str,
        body: &Body,
    ) -> Result<Answer, ApiError> {
        let mut call = Call {
            verb,
            endpoint,
            url,
            until: None,
        };
        let started = self.budget_start(&call)?;
        call.until = Some(started + self.policy.deadline);
        let mut progress = Progress::default();
        let mut attempts = 0;
        loop {
            let ticket = self.limiter.acquire().await;
            attempts += 1;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let (failure, detail) = match self.exchange(&call, body).await {
                Ok(answer) => return answer,
                Err(failed) => failed,
            };
            progress.elapsed = started.elapsed();
            progress.answered = self.answered.load(Ordering::Relaxed);
            let decision = self.policy.decide(verb, &failure, progress);
            self.act_on(&call, decision, &detail, (attempts, ticket), &mut progress)
                .await?;
        }
    }

    /// Send a POST at most once. A failure the policy would retry is waited out (so the
    /// caller's next request respects a 429's `Retry-After`) and returned as `Deferred`.
    pub async fn send_once(
        &self,
        endpoint: &str,
        url: &str,
        body: &Body,
    ) -> Result<Answer, ApiError> {
        let mut call = Call {
            verb: Verb::Post,
            endpoint,
            url,
            until: None,
        };
        let started = self.budget_start(&call)?;
        call.until = Some(started + self.policy.deadline);
        let ticket = self.limiter.acquire().await;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let (failure, detail) = match self.exchange(&call, body).await {
            Ok(answer) => return answer,
            Err(failed) => failed,
        };
        let mut progress = Progress {
            elapsed: started.elapsed(),
            ..Progress::default()
        };
        let decision = self.policy.decide(Verb::Post, &failure, progress);
        let retry = matches!(decision, Decision::Retry { .. });
        self.act_on(&call, decision, &detail, (1, ticket), &mut progress)
            .await?;
        debug_assert!(retry, "act_on returns Ok only for a retry");
        Err(ApiError::Deferred {
            verb: Verb::Post.as_str(),
            endpoint: endpoint.to_string(),
            reason: self.redact(&detail),
        })
    }

    /// Where a call's time budget is counted from: the call's start, or with `--deadline`
    /// the command's (so the policy's deadline is the command's); an error once it passed.
    fn budget_start(&self, call: &Call<'_>) -> Result<Instant, ApiError> {
        let Some(stop_at) = self.stop_at else {
            return Ok(Instant::now());
        };
        if Instant::now() >= stop_at {
            return Err(ApiError::Unreachable {
                verb: call.verb.as_str(),
                endpoint: call.endpoint.to_string(),
                attempts: 0,
                reason: format!(
                    "the {} s --deadline / TESTRAIL_DEADLINE has passed",
                    self.policy.deadline.as_secs()
                ),
            });
        }
        Ok(stop_at
            .checked_sub(self.policy.deadline)
            .unwrap_or_else(Instant::now))
    }

    /// One attempt: `Ok` with the final answer (success or a definite error), or `Err` with a
    /// failure the retry policy should judge.
    async fn exchange(
        &self,
        call: &Call<'_>,
        body: &Body,
    ) -> Result<Result<Answer, ApiError>, (Failure, String)> {
        let sent_at = Instant::now();
        let (status, header, bytes, whole) = match self.attempt(call, body).await {
            Ok(answer) => answer,
            Err((failure, detail)) => {
                self.trace(call, &format!("failed: {detail}"), sent_at);
                return Err((failure, detail));
            }
        };
        self.trace(call, &status.to_string(), sent_at);
        self.answered.store(true, Ordering::Relaxed);
        let (verb, endpoint) = (call.verb.as_str(), call.endpoint.to_string());
        Ok(match status {
            200..=299 if !whole => Err(ApiError::TooLarge {
                verb,
                endpoint,
                limit: self.max_answer,
            }),
            200..=299 => Ok(Answer::new(status, bytes)),
            300..=399 => Err(ApiError::Redirect {
                verb,
                endpoint,
                status,
                location: header.unwrap_or_default(),
            }),
            _ if is_transient(status) => {
                let failure = Failure::Status {
                    status,
                    retry_after: header,
                };
                return Err((failure, error_text(&bytes)));
            }
            _ => Err(ApiError::Status {
                verb,
                endpoint,
                status,
                message: error_text(&bytes),
            }),
        })
    }

    /// Carry out a retry decision: wait (alone or, for 429s, together with every request),
    /// or turn it into the error the caller sees.
    async fn act_on(
        &self,
        call: &Call<'_>,
        decision: Decision,
        detail: &str,
        (attempts, ticket): (u32, Ticket),
        progress: &mut Progress,
    ) -> Result<(), ApiError> {
        let (verb, endpoint, url) = (call.verb.as_str(), call.endpoint.to_string(), call.url);
        match decision {
            Decision::Retry {
                delay,
                reason,
                everyone,
            } => {
                self.retries.fetch_add(1, Ordering::Relaxed);
                self.note(&format!(
                    "retrying {verb} {url} in {}: {reason}",
                    secs(delay)
                ));
                if everyone {
                    progress.rate_limited += 1;
                    self.limiter.refused(ticket, delay, &reason);
                } else {
                    progress.retries += 1;
                    if self.announce && delay >= LONG_WAIT {
                        eprintln!(
                            "retrying {verb} {} in {}: {reason}",
                            call.endpoint,
                            whole_secs(delay)
                        );
                    }
                    tokio::time::sleep(delay).await;
                }
                Ok(())
            }
            Decision::GiveUp { reason } => {
                self.note(&format!("giving up on {verb} {url}: {reason}"));
                let reason = if reason.contains(detail) {
                    self.redact(&reason)
                } else {
                    self.redact(&format!("{reason}; last error: {detail}"))
                };
                Err(ApiError::Unreachable {
                    verb,
                    endpoint,
                    attempts,
                    reason,
                })
            }
            Decision::OutcomeUnknown { reason } => {
                self.note(&format!(
                    "not re-sending {verb} {url}: outcome unknown ({reason})"
                ));
                let reason = self.redact(&format!("{reason}: {detail}"));
                Err(ApiError::OutcomeUnknown {
                    verb,
                    endpoint,
                    reason,
                })
            }
        }
    }

    /// One HTTP exchange: status, `Location` or `Retry-After` header, body (at most
    /// [`MAX_ANSWER`], or [`MAX_ERROR_BODY`] for errors) and whether it is whole; or a
    /// classified failure.
    async fn attempt(
        &self,
        call: &Call<'_>,
        body: &Body,
    ) -> Result<(u16, Option<String>, Vec<u8>, bool), (Failure, String)> {
        let mut request = self.build(call.verb, call.url, body);
        if let Some(until) = call.until {
            // Cut the request in flight at the end of the budget too, not only the waits.
            let left = until.saturating_duration_since(Instant::now());
            request = request.timeout(self.timeout.min(left.max(Duration::from_millis(1))));
        }
        let response = request.send().await.map_err(|e| self.classify(&e))?;
        let status = response.status().as_u16();
        let header_name = if (300..400).contains(&status) {
            header::LOCATION
        } else {
            header::RETRY_AFTER
        };
        let header = response
            .headers()
            .get(header_name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let limit = match status {
            200..=299 => self.max_answer,
            _ => MAX_ERROR_BODY,
        };
        let mut response = response;
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(&e))? {
            if bytes.len() + chunk.len() > limit {
                let room = limit - bytes.len();
                bytes.extend_from_slice(&chunk[..room]);
                return Ok((status, header, bytes, false));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok((status, header, bytes, true))
    }

    fn build(&self, verb: Verb, url: &str, body: &Body) -> reqwest::RequestBuilder {
        let request = match verb {
            Verb::Get => self.http.get(url),
            Verb::Post => self.http.post(url),
        }
        .header(header::AUTHORIZATION, self.auth.clone());
        match body {
            Body::Empty if verb == Verb::Get => {
                request.header(header::CONTENT_TYPE, "application/json")
            }
            Body::Empty => request
                .header(header::CONTENT_TYPE, "application/json")
                .body("{}"),
            Body::Json(bytes) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Body::File {
                field,
                file_name,
                bytes,
            } => {
                let part =
                    reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(file_name.clone());
                request.multipart(reqwest::multipart::Form::new().part(*field, part))
            }
        }
    }

    /// Decide whether a transport error happened before anything was sent.
    fn classify(&self, err: &reqwest::Error) -> (Failure, String) {
        let detail = self.redact(&chain(err));
        if is_plain_http_answer(&detail) {
            let why = format!(
                "the server speaks plain HTTP, not HTTPS: use http:// in --url / TESTRAIL_URL \
                 ({detail})"
            );
            (Failure::Fatal(why), detail)
        } else if is_certificate_problem(&detail) {
            let why = format!(
                "the server's TLS certificate is not trusted ({detail}); pass your CA with \
                 --ca-cert FILE / TESTRAIL_CA_CERT"
            );
            (Failure::Fatal(why), detail)
        } else if err.is_connect() {
            (Failure::NotSent(self.cannot_connect(&detail)), detail)
        } else if err.is_timeout() {
            let why = "no answer within --timeout / TESTRAIL_TIMEOUT".to_string();
            (Failure::MaybeSent(why), detail)
        } else {
            (
                Failure::MaybeSent(format!("connection failed: {detail}")),
                detail,
            )
        }
    }

    /// Why a connection could not be made, with the fix for the usual causes.
    fn cannot_connect(&self, detail: &str) -> String {
        let lower = detail.to_ascii_lowercase();
        let root = self.base.root();
        if self.proxied {
            format!("cannot connect through --proxy / TESTRAIL_PROXY to {root}: {detail}")
        } else if lower.contains("dns error") || lower.contains("failed to lookup address") {
            format!(
                "cannot find the host {} ({detail}): check the address in --url / TESTRAIL_URL",
                self.base.host()
            )
        } else if lower.contains("connection refused") {
            format!(
                "nothing accepts connections at {root} ({detail}): check the port in --url / \
                 TESTRAIL_URL and that TestRail is running"
            )
        } else {
            format!("cannot connect to {root}: {detail}")
        }
    }

    /// Remove any secret that found its way into a message (defence in depth).
    fn redact(&self, text: &str) -> String {
        crate::redact::text(text)
    }

    fn trace(&self, call: &Call<'_>, outcome: &str, since: Instant) {
        let ms = since.elapsed().as_millis();
        let (verb, url) = (call.verb.as_str(), call.url);
        self.note(&format!("{verb} {url} -> {outcome} ({ms} ms)"));
    }

    fn note(&self, line: &str) {
        if self.verbose {
            eprintln!("testrail: {}", self.redact(line));
        }
    }
}

/// Whether a TLS handshake got a plain-HTTP answer: rustls reads `HTTP/1.1 400` as a record
/// of an unknown type.
fn is_plain_http_answer(detail: &str) -> bool {
    detail.contains("InvalidContentType")
}

/// Whether a connection failed on certificate verification (retrying cannot help).
fn is_certificate_problem(detail: &str) -> bool {
    let lower = detail.to_ascii_lowercase();
    lower.contains("certificate") && !lower.contains("client certificate")
}

/// An error's causes on one line. reqwest's own top line only repeats the URL, which every
/// message already names.
fn chain(err: &dyn std::error::Error) -> String {
    let (mut text, mut source) = match err.source() {
        Some(first) if err.to_string().starts_with("error sending request") => {
            (first.to_string(), first.source())
        }
        _ => (err.to_string(), err.source()),
    };
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_failures_are_recognised() {
        assert!(is_certificate_problem(
            "error sending request: client error (Connect): invalid peer certificate: UnknownIssuer"
        ));
        assert!(!is_certificate_problem(
            "tcp connect error: Connection refused (os error 111)"
        ));
    }

    use crate::secret::Secret;

    #[test]
    fn the_auth_header_is_marked_sensitive_and_debug_hides_the_key() {
        let header = http::basic_auth("me@example.com", &Secret::new("k3y-VALUE")).unwrap();
        assert!(header.is_sensitive());
        assert!(!format!("{header:?}").contains("azN5"));
        let cfg = ConnectionConfig {
            url: "http://127.0.0.1:1/".into(),
            user: "me".into(),
            api_key: Secret::new("k3y-VALUE"),
            timeout: Duration::from_secs(1),
            ca_cert: None,
            insecure: false,
            proxy: Some(Secret::new("http://u:proxypass@p:1")),
        };
        let t = Transport::new(&cfg, &ClientOptions::default()).unwrap();
        let dump = format!("{t:?}");
        assert!(
            !dump.contains("k3y-VALUE") && !dump.contains("proxypass"),
            "{dump}"
        );
        assert_eq!(t.redact("x k3y-VALUE y"), "x [redacted] y");
    }
}
