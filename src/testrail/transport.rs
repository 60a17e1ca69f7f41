//! Sending one API request: the HTTP client, credentials, the retry loop and the trace.
//!
//! One `reqwest::Client` (one connection pool) serves the whole process; `Client` clones share
//! it with the limiter and the counters. Redirects are never followed: an http→https redirect
//! turns a POST into a GET and the write is silently lost, so any 3xx becomes an error that
//! names the address to use. The `--verbose` trace shows method, URL, status, timing and every
//! retry decision; it never shows headers, so credentials cannot leak through it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use base64::Engine as _;
use reqwest::header::{self, HeaderValue};
use serde_json::Value;

use super::error::{ApiError, error_text, excerpt, is_transient};
use super::limiter::Limiter;
use super::options::ClientOptions;
use super::retry::{Decision, Failure, Progress, RetryPolicy, Verb, secs};
use super::url::BaseUrl;
use crate::config::ConnectionConfig;
use crate::error::usage;
use crate::secret::Secret;

/// Some old servers put this line before the JSON.
const LEGACY_PREFIX: &str = "USER AUTHENTICATION SUCCESSFUL!";

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
    /// A JSON document.
    Json(Vec<u8>),
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

/// Everything about the connection that clones share.
pub struct Transport {
    http: reqwest::Client,
    base: BaseUrl,
    auth: HeaderValue,
    secrets: Vec<Secret>,
    policy: RetryPolicy,
    limiter: Limiter,
    requests: AtomicU64,
    retries: AtomicU64,
    verbose: bool,
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
        warn_about_security(&base, cfg);
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("testrail-report/", env!("CARGO_PKG_VERSION")))
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(30)))
            .redirect(reqwest::redirect::Policy::none())
            .danger_accept_invalid_certs(cfg.insecure);
        if let Some(path) = &cfg.ca_cert {
            for cert in read_certificates(path)? {
                builder = builder.add_root_certificate(cert);
            }
        }
        if let Some(proxy) = &cfg.proxy {
            // reqwest's own error would quote the proxy URL, credentials and all.
            let proxy = reqwest::Proxy::all(proxy.expose()).map_err(|_| {
                usage("--proxy / TESTRAIL_PROXY is not a valid proxy URL (e.g. http://proxy:3128)")
            })?;
            builder = builder.proxy(proxy);
        }
        let http = builder.build().context("cannot set up the HTTP client")?;
        let mut secrets = vec![cfg.api_key.clone()];
        secrets.extend(cfg.proxy.clone());
        Ok(Transport {
            http,
            base,
            auth: basic_auth(&cfg.user, &cfg.api_key)?,
            secrets,
            policy: opts.retry_policy(),
            limiter: Limiter::new(opts.max_requests_per_minute),
            requests: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            verbose: opts.verbose,
        })
    }

    /// The normalised address.
    pub fn base(&self) -> &BaseUrl {
        &self.base
    }

    /// Requests and retries so far.
    pub fn stats(&self) -> Stats {
        Stats {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
        }
    }

    /// Send a request under the retry policy and return its JSON (`Null` for an empty 200).
    pub async fn send(
        &self,
        verb: Verb,
        endpoint: &str,
        url: &str,
        body: &Body,
    ) -> Result<Value, ApiError> {
        let started = Instant::now();
        let mut progress = Progress::default();
        let mut attempts = 0;
        loop {
            self.limiter.acquire().await;
            attempts += 1;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let sent_at = Instant::now();
            let outcome = self.attempt(verb, url, body).await;
            let failure = match outcome {
                Ok((status, header, bytes)) => {
                    self.trace(verb, url, &format!("{status}"), sent_at);
                    if (200..300).contains(&status) {
                        return decode(verb, endpoint, status, &bytes);
                    }
                    if (300..400).contains(&status) {
                        let location = header.unwrap_or_default();
                        return Err(ApiError::Redirect {
                            verb: verb.as_str(),
                            endpoint: endpoint.into(),
                            status,
                            location,
                        });
                    }
                    if !is_transient(status) {
                        let message = error_text(&bytes);
                        return Err(ApiError::Status {
                            verb: verb.as_str(),
                            endpoint: endpoint.into(),
                            status,
                            message,
                        });
                    }
                    (
                        Failure::Status {
                            status,
                            retry_after: header,
                        },
                        error_text(&bytes),
                    )
                }
                Err((failure, detail)) => {
                    self.trace(verb, url, &format!("failed: {detail}"), sent_at);
                    (failure, detail)
                }
            };
            let (failure, detail) = failure;
            progress.elapsed = started.elapsed();
            match self.policy.decide(verb, &failure, progress) {
                Decision::Retry {
                    delay,
                    reason,
                    everyone,
                } => {
                    self.retries.fetch_add(1, Ordering::Relaxed);
                    self.note(&format!(
                        "retrying {} {url} in {}: {reason}",
                        verb.as_str(),
                        secs(delay)
                    ));
                    if everyone {
                        progress.rate_limited += 1;
                        self.limiter.pause(delay);
                    } else {
                        progress.retries += 1;
                        tokio::time::sleep(delay).await;
                    }
                }
                Decision::GiveUp { reason } => {
                    self.note(&format!("giving up on {} {url}: {reason}", verb.as_str()));
                    let reason = self.redact(&format!("{reason}; last error: {detail}"));
                    return Err(ApiError::Unreachable {
                        verb: verb.as_str(),
                        endpoint: endpoint.into(),
                        attempts,
                        reason,
                    });
                }
                Decision::OutcomeUnknown { reason } => {
                    self.note(&format!(
                        "not re-sending {} {url}: outcome unknown ({reason})",
                        verb.as_str()
                    ));
                    let reason = self.redact(&format!("{reason}: {detail}"));
                    return Err(ApiError::OutcomeUnknown {
                        verb: verb.as_str(),
                        endpoint: endpoint.into(),
                        reason,
                    });
                }
            }
        }
    }

    /// One HTTP exchange: status, `Location` or `Retry-After` header, body; or a classified failure.
    async fn attempt(
        &self,
        verb: Verb,
        url: &str,
        body: &Body,
    ) -> Result<(u16, Option<String>, Vec<u8>), (Failure, String)> {
        let request = self.build(verb, url, body);
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
        let bytes = response
            .bytes()
            .await
            .map_err(|e| self.classify(&e))?
            .to_vec();
        Ok((status, header, bytes))
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
        if err.is_connect() {
            (
                Failure::NotSent(format!("cannot connect: {detail}")),
                detail,
            )
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

    /// Remove any secret that found its way into a message (defence in depth).
    fn redact(&self, text: &str) -> String {
        self.secrets
            .iter()
            .filter(|s| s.expose().len() >= 4)
            .fold(text.to_string(), |t, s| t.replace(s.expose(), "[redacted]"))
    }

    fn trace(&self, verb: Verb, url: &str, outcome: &str, since: Instant) {
        let ms = since.elapsed().as_millis();
        self.note(&format!("{} {url} -> {outcome} ({ms} ms)", verb.as_str()));
    }

    fn note(&self, line: &str) {
        if self.verbose {
            eprintln!("testrail: {line}");
        }
    }
}

/// Turn a 2xx body into JSON; `delete_run` answers an empty 200, which is success.
fn decode(verb: Verb, endpoint: &str, status: u16, bytes: &[u8]) -> Result<Value, ApiError> {
    let text = trim_legacy_prefix(bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(text).map_err(|_| ApiError::NotJson {
        verb: verb.as_str(),
        endpoint: endpoint.into(),
        status,
        excerpt: excerpt(text),
    })
}

fn trim_legacy_prefix(bytes: &[u8]) -> &[u8] {
    bytes
        .strip_prefix(LEGACY_PREFIX.as_bytes())
        .unwrap_or(bytes)
}

/// An error and its causes on one line.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn basic_auth(user: &str, key: &Secret) -> anyhow::Result<HeaderValue> {
    let token =
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", key.expose()));
    let mut value = HeaderValue::from_str(&format!("Basic {token}"))
        .map_err(|_| usage("TESTRAIL_USER contains characters that cannot be sent"))?;
    value.set_sensitive(true);
    Ok(value)
}

fn read_certificates(path: &std::path::Path) -> anyhow::Result<Vec<reqwest::Certificate>> {
    let pem = std::fs::read(path).map_err(|e| {
        usage(format!(
            "cannot read --ca-cert / TESTRAIL_CA_CERT file {}: {e}",
            path.display()
        ))
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
        usage(format!(
            "--ca-cert / TESTRAIL_CA_CERT file {} is not a PEM certificate bundle",
            path.display()
        ))
    })?;
    if certs.is_empty() {
        return Err(usage(format!(
            "--ca-cert / TESTRAIL_CA_CERT file {} holds no certificate",
            path.display()
        )));
    }
    Ok(certs)
}

fn warn_about_security(base: &BaseUrl, cfg: &ConnectionConfig) {
    if cfg.insecure {
        eprintln!(
            "warning: --insecure / TESTRAIL_INSECURE is set: TLS certificates are NOT verified, so anyone \
             on the network path can read your API key and results. Use --ca-cert FILE instead."
        );
    }
    if base.is_plain_http() && !base.is_loopback() {
        eprintln!(
            "warning: --url / TESTRAIL_URL uses plain http:// to {}: your API key travels unencrypted. \
             Use the https:// address.",
            base.host()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_legacy_bodies_decode() {
        assert_eq!(
            decode(Verb::Post, "delete_run/1", 200, b"").unwrap(),
            Value::Null
        );
        assert_eq!(
            decode(
                Verb::Get,
                "get_run/1",
                200,
                b"USER AUTHENTICATION SUCCESSFUL!\n{\"id\":1}"
            )
            .unwrap(),
            serde_json::json!({"id": 1})
        );
        let err = decode(
            Verb::Get,
            "get_run/1",
            200,
            b"<!DOCTYPE html><title>Login</title>",
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("base URL is probably wrong"),
            "{err}"
        );
    }

    #[test]
    fn the_auth_header_is_marked_sensitive_and_debug_hides_the_key() {
        let header = basic_auth("me@example.com", &Secret::new("k3y-VALUE")).unwrap();
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
