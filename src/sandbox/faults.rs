//! Fault injection for reliability tests, off by default: scripted error answers (429 with
//! `Retry-After` as seconds, an HTTP-date or missing; 500/502/503/504; 409 maintenance),
//! response delays (a delay of hours is the never-answering server), "apply the write, then
//! drop the connection", a per-window rate limit like TestRail Cloud's (180 or 300 requests a
//! minute), and two hostile servers' habits: an error body that echoes the request's headers
//! (`echo`), and `_links.next` pointing at another origin (`next_origin`). Beside the faults,
//! the server model of a real instance: time per posted result (`result_cost_ms`) and a
//! bounded number of requests worked on at once (`workers`), so delivery can be measured
//! against a server whose time grows with the work it is given.
//!
//! The same `Faults` value is set by command-line specs (`--fail 429:every=3:retry-after=2`)
//! or as JSON through `POST /__sandbox/faults`. Counters live in the rules themselves, so
//! `GET /__sandbox/faults` shows what is left (`next` counts down).

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Semaphore;

/// Every fault the sandbox should inject.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Scripted error answers.
    pub errors: Vec<ErrorFault>,
    /// Delays before handling a request.
    pub delays: Vec<DelayFault>,
    /// Writes that are applied and then answered by a dropped connection.
    pub drops: Vec<DropFault>,
    /// Writes that are applied and then answered 200 with a body that is not JSON (a proxy's
    /// page in place of the answer): the client cannot tell what it created.
    pub garbles: Vec<DropFault>,
    /// A TestRail Cloud style rate limit.
    pub rate_limit: Option<RateLimit>,
    /// Server time per result in a results request (`add_results_for_cases` and kin), in
    /// milliseconds, spent after the write while the request holds its worker.
    pub result_cost_ms: Option<u64>,
    /// API requests worked on at once; the others wait for a free worker (no limit if absent).
    pub workers: Option<usize>,
    /// Write `_links.next` as an absolute link on this origin (e.g. `http://elsewhere:9`),
    /// as a compromised or misconfigured server might, to see whether a client follows it.
    pub next_origin: Option<String>,
}

/// How a 429 tells the client when to come back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RetryFormat {
    /// `Retry-After: <seconds>` (what TestRail Cloud sends).
    #[default]
    Seconds,
    /// `Retry-After: <HTTP-date>`.
    HttpDate,
    /// No `Retry-After` header at all.
    Missing,
}

/// Answer with `status` every `every`-th matching call and/or for the `next` matching calls.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ErrorFault {
    pub status: u16,
    pub every: Option<u64>,
    pub next: Option<u64>,
    /// Only for this API method (e.g. `add_results_for_cases`); all methods when absent.
    pub method: Option<String>,
    /// Seconds for `Retry-After` on 429 (default 1).
    pub retry_after: Option<u64>,
    pub retry_format: RetryFormat,
    /// Echo the request's headers (credentials included) in the error body, as some
    /// proxies and debug pages do.
    pub echo: bool,
    /// Matching calls seen so far (for `every`).
    pub seen: u64,
}

/// Wait `ms` milliseconds before handling matching calls.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DelayFault {
    pub ms: u64,
    pub method: Option<String>,
}

/// For the next `next` successful writes of `method`: apply them, then drop the connection.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DropFault {
    pub method: Option<String>,
    pub next: u64,
}

/// At most `requests` API calls per `window_secs` (default 60); then 429 with `Retry-After`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimit {
    pub requests: u32,
    pub window_secs: Option<u64>,
}

/// An error answer chosen by the fault rules.
#[derive(Debug, PartialEq)]
pub struct Injected {
    pub status: u16,
    pub retry_after: Option<String>,
    /// Whether the body echoes the request's headers.
    pub echo: bool,
}

/// Faults plus the rate limiter's memory of recent calls and the workers' gate.
#[derive(Debug, Default)]
pub struct FaultState {
    pub faults: Faults,
    recent: VecDeque<Instant>,
    workers: Option<Arc<Semaphore>>,
}

fn matches(rule: &Option<String>, method: &str) -> bool {
    rule.as_deref().is_none_or(|m| m == "*" || m == method)
}

fn retry_after(seconds: u64, format: RetryFormat) -> Option<String> {
    match format {
        RetryFormat::Seconds => Some(seconds.to_string()),
        RetryFormat::HttpDate => Some(httpdate::fmt_http_date(
            SystemTime::now() + Duration::from_secs(seconds),
        )),
        RetryFormat::Missing => None,
    }
}

impl FaultState {
    /// Replace the faults (and forget the rate limiter's history).
    pub fn set(&mut self, faults: Faults) {
        // Requests already waiting keep the old gate; new ones queue at the new size.
        self.workers = faults
            .workers
            .filter(|n| *n > 0)
            .map(|n| Arc::new(Semaphore::new(n)));
        self.faults = faults;
        self.recent.clear();
    }

    /// The gate a request passes to get a worker (`None`: unlimited workers).
    pub fn workers(&self) -> Option<Arc<Semaphore>> {
        self.workers.clone()
    }

    /// Server time for writing `results` results.
    pub fn result_cost(&self, results: usize) -> Duration {
        let ms = self.faults.result_cost_ms.unwrap_or(0);
        Duration::from_millis(ms.saturating_mul(results as u64))
    }

    /// Decide whether an API call is answered with an injected error.
    pub fn error_for(&mut self, method: &str, now: Instant) -> Option<Injected> {
        if let Some(injected) = self.rate_limited(now) {
            return Some(injected);
        }
        for rule in &mut self.faults.errors {
            if !matches(&rule.method, method) {
                continue;
            }
            rule.seen += 1;
            let scripted = rule.next.is_some_and(|n| n > 0);
            let periodic = rule.every.is_some_and(|n| n > 0 && rule.seen % n == 0);
            if scripted {
                rule.next = rule.next.map(|n| n - 1);
            }
            if scripted || periodic {
                let retry = (rule.status == 429)
                    .then(|| retry_after(rule.retry_after.unwrap_or(1), rule.retry_format))
                    .flatten();
                return Some(Injected {
                    status: rule.status,
                    retry_after: retry,
                    echo: rule.echo,
                });
            }
        }
        None
    }

    /// The sliding-window rate limit: count this call, refuse it when over the limit.
    fn rate_limited(&mut self, now: Instant) -> Option<Injected> {
        let limit = self.faults.rate_limit.as_ref()?;
        let window = Duration::from_secs(limit.window_secs.unwrap_or(60));
        while self
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            self.recent.pop_front();
        }
        if self.recent.len() < limit.requests as usize {
            self.recent.push_back(now);
            return None;
        }
        let oldest = *self.recent.front()?;
        let wait = window.saturating_sub(now.duration_since(oldest));
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        Some(Injected {
            status: 429,
            retry_after: Some(seconds.max(1).to_string()),
            echo: false,
        })
    }

    /// The delay before handling a call (the longest matching rule).
    pub fn delay_for(&self, method: &str) -> Duration {
        let ms = self
            .faults
            .delays
            .iter()
            .filter(|d| matches(&d.method, method))
            .map(|d| d.ms)
            .max()
            .unwrap_or(0);
        Duration::from_millis(ms)
    }

    /// Whether this successful write should be answered by dropping the connection.
    pub fn take_drop(&mut self, method: &str) -> bool {
        take(&mut self.faults.drops, method)
    }

    /// Whether this successful write should be answered by an unreadable body.
    pub fn take_garble(&mut self, method: &str) -> bool {
        take(&mut self.faults.garbles, method)
    }
}

/// Count down the first rule for `method` that has calls left; whether one did.
fn take(rules: &mut [DropFault], method: &str) -> bool {
    let rule = rules
        .iter_mut()
        .find(|d| d.next > 0 && matches(&d.method, method));
    match rule {
        Some(rule) => {
            rule.next -= 1;
            true
        }
        None => false,
    }
}

/// Split `head:key=value:key=value` into the head and its options.
fn options(spec: &str) -> (&str, Vec<(&str, &str)>) {
    let mut parts = spec.split(':');
    let head = parts.next().unwrap_or_default();
    let mut opts = Vec::new();
    let rest: Vec<&str> = parts.collect();
    let mut i = 0;
    while i < rest.len() {
        let (k, v) = rest[i].split_once('=').unwrap_or((rest[i], ""));
        // `retry-after=date:5` carries a colon inside its value.
        if v == "date" && i + 1 < rest.len() {
            opts.push((k, rest[i + 1]));
            opts.push(("retry-format", "http-date"));
            i += 2;
            continue;
        }
        opts.push((k, v));
        i += 1;
    }
    (head, opts)
}

fn number(key: &str, value: &str) -> Result<u64, String> {
    value
        .parse()
        .map_err(|_| format!("`{key}` needs a number, got `{value}`"))
}

impl FromStr for ErrorFault {
    type Err = String;

    /// `STATUS[:every=N][:next=K][:method=M][:retry-after=S|date:S|none][:echo]`
    fn from_str(spec: &str) -> Result<Self, String> {
        let (head, opts) = options(spec);
        let status = number("status", head)? as u16;
        if !(400..600).contains(&status) {
            return Err(format!("{status} is not an error status"));
        }
        let mut rule = ErrorFault {
            status,
            ..ErrorFault::default()
        };
        for (key, value) in opts {
            match key {
                "every" => rule.every = Some(number(key, value)?),
                "next" => rule.next = Some(number(key, value)?),
                "method" => rule.method = Some(value.to_owned()),
                "retry-after" if value == "none" => rule.retry_format = RetryFormat::Missing,
                "retry-after" => rule.retry_after = Some(number(key, value)?),
                "retry-format" => rule.retry_format = RetryFormat::HttpDate,
                "echo" => rule.echo = true,
                _ => return Err(format!("unknown option `{key}` in `{spec}`")),
            }
        }
        if rule.every.is_none() && rule.next.is_none() {
            return Err(format!("`{spec}` needs every=N or next=K"));
        }
        Ok(rule)
    }
}

impl FromStr for DelayFault {
    type Err = String;

    /// `MS[:method=M]`
    fn from_str(spec: &str) -> Result<Self, String> {
        let (head, opts) = options(spec);
        let mut rule = DelayFault {
            ms: number("ms", head)?,
            method: None,
        };
        for (key, value) in opts {
            match key {
                "method" => rule.method = Some(value.to_owned()),
                _ => return Err(format!("unknown option `{key}` in `{spec}`")),
            }
        }
        Ok(rule)
    }
}

impl FromStr for DropFault {
    type Err = String;

    /// `METHOD[:next=K]` (METHOD `*` = any write; K defaults to 1)
    fn from_str(spec: &str) -> Result<Self, String> {
        let (head, opts) = options(spec);
        let mut rule = DropFault {
            method: (!head.is_empty()).then(|| head.to_owned()),
            next: 1,
        };
        for (key, value) in opts {
            match key {
                "next" => rule.next = number(key, value)?,
                _ => return Err(format!("unknown option `{key}` in `{spec}`")),
            }
        }
        Ok(rule)
    }
}

impl FromStr for RateLimit {
    type Err = String;

    /// `N` requests per minute, or `N/SECONDS`.
    fn from_str(spec: &str) -> Result<Self, String> {
        let (n, window) = spec.split_once('/').unwrap_or((spec, "60"));
        Ok(RateLimit {
            requests: number("requests", n)? as u32,
            window_secs: Some(number("window", window)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(faults: Faults) -> FaultState {
        let mut s = FaultState::default();
        s.set(faults);
        s
    }

    #[test]
    fn every_nth_call_fails_with_retry_after() {
        let rule: ErrorFault = "429:every=3:retry-after=2".parse().unwrap();
        let mut s = state(Faults {
            errors: vec![rule],
            ..Faults::default()
        });
        let now = Instant::now();
        let fired: Vec<bool> = (0..6)
            .map(|_| s.error_for("get_run", now).is_some())
            .collect();
        assert_eq!(fired, [false, false, true, false, false, true]);
    }

    #[test]
    fn next_k_calls_of_one_method() {
        let rule: ErrorFault = "503:next=2:method=add_run".parse().unwrap();
        let mut s = state(Faults {
            errors: vec![rule],
            ..Faults::default()
        });
        let now = Instant::now();
        assert_eq!(s.error_for("get_run", now), None);
        let hit = s.error_for("add_run", now).unwrap();
        assert_eq!((hit.status, hit.retry_after, hit.echo), (503, None, false));
        assert!(s.error_for("add_run", now).is_some());
        assert_eq!(s.error_for("add_run", now), None);
    }

    #[test]
    fn retry_after_formats() {
        let date: ErrorFault = "429:next=1:retry-after=date:5".parse().unwrap();
        assert_eq!(date.retry_format, RetryFormat::HttpDate);
        assert_eq!(date.retry_after, Some(5));
        let none: ErrorFault = "429:next=1:retry-after=none".parse().unwrap();
        let mut s = state(Faults {
            errors: vec![none],
            ..Faults::default()
        });
        assert_eq!(s.error_for("x", Instant::now()).unwrap().retry_after, None);
        assert!("400:next=1:echo".parse::<ErrorFault>().unwrap().echo);
        assert!("200:next=1".parse::<ErrorFault>().is_err());
        assert!("500".parse::<ErrorFault>().is_err());
    }

    #[test]
    fn rate_limit_refuses_over_the_window() {
        let mut s = state(Faults {
            rate_limit: Some("2/60".parse().unwrap()),
            ..Faults::default()
        });
        let t0 = Instant::now();
        assert!(s.error_for("a", t0).is_none());
        assert!(s.error_for("a", t0).is_none());
        let refused = s.error_for("a", t0 + Duration::from_secs(10)).unwrap();
        assert_eq!(refused.status, 429);
        assert_eq!(refused.retry_after.as_deref(), Some("50"));
        assert!(s.error_for("a", t0 + Duration::from_secs(61)).is_none());
    }

    #[test]
    fn the_readme_example_is_valid_faults_json() {
        let faults: Faults = serde_json::from_str(
            r#"{"errors": [{"status": 429, "every": 2, "retry_after": 1, "retry_format": "http-date"}],
                "delays": [{"ms": 200, "method": "get_run"}],
                "drops": [{"method": "add_run", "next": 1}],
                "rate_limit": {"requests": 180, "window_secs": 60},
                "result_cost_ms": 2, "workers": 8}"#,
        )
        .unwrap();
        assert_eq!(faults.errors[0].retry_format, RetryFormat::HttpDate);
        assert_eq!(faults.drops[0].next, 1);
        let state = state(faults);
        assert_eq!(state.result_cost(250), Duration::from_millis(500));
        assert_eq!(state.workers().unwrap().available_permits(), 8);
        assert!(serde_json::from_str::<Faults>(r#"{"error": []}"#).is_err());
    }

    #[test]
    fn drops_count_down() {
        let mut s = state(Faults {
            drops: vec!["add_results_for_cases:next=1".parse().unwrap()],
            ..Faults::default()
        });
        assert!(!s.take_drop("add_run"));
        assert!(s.take_drop("add_results_for_cases"));
        assert!(!s.take_drop("add_results_for_cases"));
    }
}
