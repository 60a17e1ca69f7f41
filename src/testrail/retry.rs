//! The retry policy: which failures are worth another attempt, and how long to wait first.
//!
//! One function, [`RetryPolicy::decide`], holds every rule, so docs/RELIABILITY.md's "Transport policy"
//! section can be checked against a single place:
//!
//! * 429: wait for `Retry-After` (seconds or an HTTP-date; a default when absent), then retry.
//!   The wait is shared by every request in flight (see `limiter`). 429s do not use up the
//!   attempt budget, since the server told us exactly when to come back; only the deadline and
//!   a safety cap bound them.
//! * 409 (Cloud maintenance), 500/502/503/504, refused connections, timeouts: exponential
//!   backoff with jitter, bounded by `--retries` and `--deadline`.
//! * A refused connection or an unknown host before the server ever answered: one quick
//!   retry, then give up. The address is wrong or the server is down, and minutes of silent
//!   backoff help nobody (once the server has answered, the same failure is an outage and
//!   gets the full backoff).
//! * A POST whose outcome is unknown (timeout or dropped connection after sending, or a
//!   500/502/504, which can come after the server applied the write) is *not* re-sent: the
//!   caller gets `OutcomeUnknown` and checks TestRail's state first. A POST that never left
//!   (connection refused) or got 429/409/503 (refused before doing anything) is retried.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// Most 429 waits one call accepts before giving up, whatever the deadline.
const MAX_RATE_LIMIT_WAITS: u32 = 50;
/// The one retry of a connection that never worked comes this soon.
const QUICK_RETRY: Duration = Duration::from_millis(250);

/// How hard to try before giving up.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt for 409/5xx/network failures.
    pub retries: u32,
    /// Total time one call may take, all attempts and waits included.
    pub deadline: Duration,
    /// First backoff delay; doubles on each retry.
    pub backoff_base: Duration,
    /// Longest single backoff delay.
    pub backoff_max: Duration,
    /// Wait after a 429 that carries no usable `Retry-After`.
    pub retry_after_default: Duration,
    /// Longest wait a `Retry-After` may ask for.
    pub retry_after_max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::with_base(Duration::from_secs(1), 5, Duration::from_secs(300))
    }
}

impl RetryPolicy {
    /// A policy whose delays scale with `base` (tests use a few milliseconds).
    pub fn with_base(base: Duration, retries: u32, deadline: Duration) -> Self {
        RetryPolicy {
            retries,
            deadline,
            backoff_base: base,
            backoff_max: base * 30,
            retry_after_default: base * 5,
            retry_after_max: Duration::from_secs(300),
        }
    }
}

/// The HTTP verb, which decides whether an uncertain failure may be repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// Reads: always safe to repeat.
    Get,
    /// Writes: repeat only when the server certainly did not act.
    Post,
}

impl Verb {
    /// `GET` or `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
        }
    }
}

/// A failed attempt, as far as retrying is concerned.
#[derive(Debug, Clone)]
pub enum Failure {
    /// TestRail answered with this status; `retry_after` is the raw header.
    Status {
        status: u16,
        retry_after: Option<String>,
    },
    /// The connection could not be made: nothing was sent.
    NotSent(String),
    /// Timeout or dropped connection after (part of) the request went out.
    MaybeSent(String),
    /// A failure no retry can fix (e.g. an untrusted TLS certificate).
    Fatal(String),
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Wait `delay`, then send again. `everyone`: the wait applies to all requests (429).
    Retry {
        delay: Duration,
        reason: String,
        everyone: bool,
    },
    /// Stop: the failure is final (or the budget is spent).
    GiveUp { reason: String },
    /// Stop: a write may have happened; the caller must check before re-sending.
    OutcomeUnknown { reason: String },
}

/// Where a call stands in its retry budget.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Backoff retries used so far.
    pub retries: u32,
    /// 429 waits so far.
    pub rate_limited: u32,
    /// Time since the call started.
    pub elapsed: Duration,
    /// Whether the server has answered any request of this process yet.
    pub answered: bool,
}

impl RetryPolicy {
    /// Decide what follows a failed attempt of a `verb` request.
    pub fn decide(&self, verb: Verb, failure: &Failure, progress: Progress) -> Decision {
        let (reason, everyone) = match failure {
            Failure::Status {
                status: 429,
                retry_after,
            } => {
                if progress.rate_limited >= MAX_RATE_LIMIT_WAITS {
                    return give_up(format!("HTTP 429 {} times in a row", progress.rate_limited));
                }
                let reason = match retry_after {
                    Some(v) => format!("HTTP 429 rate limited, Retry-After: {v}"),
                    None => "HTTP 429 rate limited, no Retry-After".to_string(),
                };
                (reason, true)
            }
            Failure::Status { status, .. } => {
                let reason = format!("HTTP {status}{}", status_note(*status));
                match (status, verb) {
                    (409 | 503, _) | (500 | 502 | 504, Verb::Get) => (reason, false),
                    (500 | 502 | 504, Verb::Post) => return Decision::OutcomeUnknown { reason },
                    _ => return give_up(reason),
                }
            }
            Failure::Fatal(why) => return give_up(why.clone()),
            Failure::NotSent(why) if !progress.answered => {
                if progress.retries >= self.retries.min(1) {
                    return give_up(why.clone());
                }
                return Decision::Retry {
                    delay: QUICK_RETRY.min(self.backoff_base),
                    reason: why.clone(),
                    everyone: false,
                };
            }
            Failure::NotSent(why) => (why.clone(), false),
            Failure::MaybeSent(why) if verb == Verb::Get => (why.clone(), false),
            Failure::MaybeSent(why) => {
                return Decision::OutcomeUnknown {
                    reason: why.clone(),
                };
            }
        };
        let delay = if let Failure::Status {
            status: 429,
            retry_after,
        } = failure
        {
            self.retry_after(retry_after.as_deref(), SystemTime::now())
        } else if progress.retries >= self.retries {
            return give_up(format!("{reason}; all {} retries used", self.retries));
        } else {
            // A 503 or 409 may say when to come back; never earlier than our own backoff.
            let asked = match failure {
                Failure::Status {
                    retry_after: Some(v),
                    ..
                } => parse_retry_after(v, SystemTime::now()),
                _ => None,
            };
            let backoff = self.backoff(progress.retries);
            asked.map_or(backoff, |a| a.min(self.retry_after_max).max(backoff))
        };
        if progress.elapsed + delay > self.deadline {
            return give_up(format!(
                "{reason}; waiting {} more would pass the {} s deadline",
                secs(delay),
                self.deadline.as_secs()
            ));
        }
        Decision::Retry {
            delay,
            reason,
            everyone,
        }
    }

    /// The jittered exponential delay before backoff retry number `n + 1`.
    pub fn backoff(&self, n: u32) -> Duration {
        let full = self
            .backoff_base
            .saturating_mul(1 << n.min(16))
            .min(self.backoff_max);
        // "Equal jitter": half fixed, half random, so shards that failed together spread out
        // without any of them retrying immediately.
        full / 2 + full.mul_f64(random_unit() / 2.0)
    }

    /// How long a 429 asks us to wait: seconds or an HTTP-date, default when absent/garbled.
    pub fn retry_after(&self, header: Option<&str>, now: SystemTime) -> Duration {
        header
            .and_then(|v| parse_retry_after(v, now))
            .unwrap_or(self.retry_after_default)
            .min(self.retry_after_max)
    }
}

/// Parse `Retry-After`: delta-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2026 07:28:00 GMT`).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    // A date in the past means "now".
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

fn give_up(reason: String) -> Decision {
    Decision::GiveUp { reason }
}

fn status_note(status: u16) -> &'static str {
    match status {
        409 => " (TestRail Cloud maintenance)",
        500 => " (server error)",
        502 => " (bad gateway)",
        503 => " (service unavailable)",
        504 => " (gateway timeout)",
        _ => "",
    }
}

/// A duration as seconds with millisecond precision, for messages.
pub fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// A number in [0, 1) from a process-wide xorshift generator; jitter needs spread, not security.
pub(crate) fn random_unit() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        x = nanos ^ (u64::from(std::process::id()) << 32) | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy::with_base(Duration::from_millis(100), 3, Duration::from_secs(60))
    }

    fn status(status: u16, retry_after: Option<&str>) -> Failure {
        Failure::Status {
            status,
            retry_after: retry_after.map(str::to_string),
        }
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Fri, 27 Nov 2026 21:00:00 GMT").unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after("Fri, 27 Nov 2026 21:00:42 GMT", now),
            Some(Duration::from_secs(42))
        );
        assert_eq!(
            parse_retry_after("Fri, 27 Nov 2026 20:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn missing_or_huge_retry_after_falls_back_to_sane_values() {
        let p = policy();
        let now = SystemTime::now();
        assert_eq!(p.retry_after(None, now), Duration::from_millis(500));
        assert_eq!(
            p.retry_after(Some("garbage"), now),
            Duration::from_millis(500)
        );
        assert_eq!(p.retry_after(Some("99999"), now), Duration::from_secs(300));
    }

    #[test]
    fn rate_limits_pause_everyone_and_do_not_use_the_retry_budget() {
        let spent = Progress {
            retries: 3,
            ..Progress::default()
        };
        match policy().decide(Verb::Post, &status(429, Some("2")), spent) {
            Decision::Retry {
                delay,
                everyone,
                reason,
            } => {
                assert_eq!(delay, Duration::from_secs(2));
                assert!(everyone);
                assert!(reason.contains("Retry-After: 2"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn transient_statuses_back_off_until_the_budget_is_spent() {
        let p = policy();
        for code in [409, 500, 502, 503, 504] {
            let d = p.decide(Verb::Get, &status(code, None), Progress::default());
            assert!(
                matches!(
                    d,
                    Decision::Retry {
                        everyone: false,
                        ..
                    }
                ),
                "{code}: {d:?}"
            );
        }
        let spent = Progress {
            retries: 3,
            ..Progress::default()
        };
        let d = p.decide(Verb::Get, &status(503, None), spent);
        assert!(
            matches!(d, Decision::GiveUp { ref reason } if reason.contains("3 retries")),
            "{d:?}"
        );
        for code in [400, 401, 403, 404] {
            let d = p.decide(Verb::Get, &status(code, None), Progress::default());
            assert!(matches!(d, Decision::GiveUp { .. }), "{code}");
        }
    }

    #[test]
    fn posts_with_an_unknown_outcome_are_never_resent() {
        let p = policy();
        let sent = Failure::MaybeSent("timed out".into());
        assert!(matches!(
            p.decide(Verb::Post, &sent, Progress::default()),
            Decision::OutcomeUnknown { .. }
        ));
        assert!(matches!(
            p.decide(Verb::Get, &sent, Progress::default()),
            Decision::Retry { .. }
        ));
        for code in [500, 502, 504] {
            let d = p.decide(Verb::Post, &status(code, None), Progress::default());
            assert!(matches!(d, Decision::OutcomeUnknown { .. }), "{code}");
        }
        let fatal = Failure::Fatal("bad certificate".into());
        assert!(matches!(
            p.decide(Verb::Get, &fatal, Progress::default()),
            Decision::GiveUp { .. }
        ));
        // Refused before acting: safe to repeat.
        let answered = Progress {
            answered: true,
            ..Progress::default()
        };
        for failure in [
            status(409, None),
            status(503, None),
            Failure::NotSent("refused".into()),
        ] {
            let d = p.decide(Verb::Post, &failure, answered);
            assert!(matches!(d, Decision::Retry { .. }), "{failure:?}");
        }
    }

    #[test]
    fn a_connection_that_never_worked_gets_one_quick_retry() {
        let p = RetryPolicy::with_base(Duration::from_secs(1), 5, Duration::from_secs(300));
        let refused = Failure::NotSent("connection refused".into());
        let d = p.decide(Verb::Get, &refused, Progress::default());
        assert_eq!(
            d,
            Decision::Retry {
                delay: QUICK_RETRY,
                reason: "connection refused".into(),
                everyone: false
            }
        );
        let once = Progress {
            retries: 1,
            ..Progress::default()
        };
        assert!(matches!(
            p.decide(Verb::Get, &refused, once),
            Decision::GiveUp { .. }
        ));
        // Once the server has answered, a refused connection is an outage: full backoff.
        let outage = Progress {
            retries: 1,
            answered: true,
            ..Progress::default()
        };
        assert!(matches!(
            p.decide(Verb::Get, &refused, outage),
            Decision::Retry { delay, .. } if delay >= Duration::from_secs(1)
        ));
    }

    #[test]
    fn a_retry_after_on_503_is_honoured_but_never_shortens_the_backoff() {
        let p = policy();
        let d = p.decide(Verb::Get, &status(503, Some("3")), Progress::default());
        assert!(
            matches!(d, Decision::Retry { delay, everyone: false, .. } if delay == Duration::from_secs(3)),
            "{d:?}"
        );
        let d = p.decide(Verb::Get, &status(503, Some("0")), Progress::default());
        assert!(
            matches!(d, Decision::Retry { delay, .. } if delay >= Duration::from_millis(50)),
            "{d:?}"
        );
    }

    #[test]
    fn the_deadline_stops_waiting() {
        let late = Progress {
            elapsed: Duration::from_secs(59),
            ..Progress::default()
        };
        let d = policy().decide(Verb::Get, &status(429, Some("5")), late);
        assert!(
            matches!(d, Decision::GiveUp { ref reason } if reason.contains("deadline")),
            "{d:?}"
        );
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let p = policy();
        for n in 0..6 {
            let full = (Duration::from_millis(100) * (1 << n)).min(Duration::from_secs(3));
            let d = p.backoff(n);
            assert!(d >= full / 2 && d <= full, "retry {n}: {d:?}");
        }
    }
}
