//! Shared set-up for the integration tests: a sandbox, a sanitised command, tiny fake servers.

#![allow(dead_code)]

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
use serde_json::Value;
use testrail_report::sandbox::{DEFAULT_API_KEY, DEFAULT_USER, Sandbox, SandboxOptions};

/// A sandbox with the demo project (project 1, suite 1, cases 1..=12, milestone 1).
pub fn sandbox() -> Sandbox {
    sandbox_with(SandboxOptions::default())
}

/// The demo seed plus project 2, "Multi", with two suites (A and B) of two cases each.
pub fn multi_suite() -> SandboxOptions {
    let mut seed = testrail_report::sandbox::Seed::demo();
    let project = seed.project("Multi", 3);
    project.suite("A").section("S").cases(2, "a");
    project.suite("B").section("S").cases(2, "b");
    SandboxOptions {
        seed,
        ..SandboxOptions::default()
    }
}

/// A sandbox with custom options.
pub fn sandbox_with(opts: SandboxOptions) -> Sandbox {
    Sandbox::spawn(opts).expect("sandbox starts")
}

/// The `testrail-report` binary with a clean environment: no `TESTRAIL_*`, proxy or CI
/// variables leak in from the machine running the tests.
pub fn bare_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_testrail-report"));
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if k.starts_with("TESTRAIL_")
            || k.starts_with("GITHUB_")
            || k.starts_with("GITLAB_")
            || k.to_ascii_lowercase().ends_with("_proxy")
            || k == "CI"
            || k == "JENKINS_URL"
        {
            cmd.env_remove(&key);
        }
    }
    // Keep fault tests fast: backoff starts at 20 ms (so a 429 without Retry-After waits 100 ms).
    cmd.env("TESTRAIL_BACKOFF_MS", "20");
    cmd
}

/// The binary, connected to `sandbox` with its default credentials.
pub fn cmd(sandbox: &Sandbox) -> Command {
    let mut cmd = bare_cmd();
    cmd.env("TESTRAIL_URL", sandbox.base_url())
        .env("TESTRAIL_USER", DEFAULT_USER)
        .env("TESTRAIL_API_KEY", DEFAULT_API_KEY);
    cmd
}

/// Run a command expecting success and parse its stdout as JSON.
pub fn json_of(cmd: &mut Command) -> Value {
    let out = cmd.arg("--output").arg("json").output().expect("runs");
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

/// API calls of one method in the sandbox's request log.
pub fn calls(sandbox: &Sandbox, api_method: &str) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.api_method.as_deref() == Some(api_method))
        .count()
}

/// The API methods of every write (POST), in order.
pub fn posts(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .filter_map(|r| r.api_method.clone())
        .collect()
}

/// Faults that refuse the next call of `method` with a 400 (a batch TestRail rejects).
pub fn refuse_next(method: &str) -> testrail_report::sandbox::Faults {
    testrail_report::sandbox::Faults {
        errors: vec![testrail_report::sandbox::ErrorFault {
            status: 400,
            method: Some(method.into()),
            next: Some(1),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// Every request path of one API method, as the sandbox received it.
pub fn paths(sandbox: &Sandbox, api_method: &str) -> Vec<String> {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.api_method.as_deref() == Some(api_method))
        .map(|r| r.path.clone())
        .collect()
}

/// A one-trick HTTP server: answers every request with `response` and counts requests.
pub struct FakeServer {
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    hits: Arc<AtomicUsize>,
    first_request: Arc<std::sync::Mutex<String>>,
}

impl FakeServer {
    /// Start answering with a raw HTTP response (status line, headers, body).
    pub fn start(response: String) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/", listener.local_addr().expect("addr"));
        let hits = Arc::new(AtomicUsize::new(0));
        let first_request = Arc::new(std::sync::Mutex::new(String::new()));
        let (h, f) = (hits.clone(), first_request.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut buf = [0u8; 8192];
                let n = stream.read(&mut buf).unwrap_or(0);
                if h.fetch_add(1, Ordering::SeqCst) == 0 {
                    *f.lock().unwrap() = String::from_utf8_lossy(&buf[..n]).into_owned();
                }
                let _ = stream.write_all(response.as_bytes());
            }
        });
        FakeServer {
            url,
            hits,
            first_request,
        }
    }

    /// How many requests arrived.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    /// The first request's head and start of body, as received.
    pub fn first_request(&self) -> String {
        self.first_request.lock().unwrap().clone()
    }
}

// ---- raw HTTP, for asserting the sandbox's exact wire behaviour ----

/// An HTTP answer as received: status, headers (names lower-cased) and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The body parsed as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Send one HTTP/1.1 request over a fresh connection and read the whole answer. An error
/// means the server closed the connection without answering.
pub fn http(
    addr: std::net::SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Answer> {
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(20)))?;
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_answer(&raw)
}

fn parse_answer(raw: &[u8]) -> std::io::Result<Answer> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no HTTP answer"))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line in {head:?}")))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Answer {
        status,
        headers,
        body: body.to_owned(),
    })
}

/// `Basic <base64(user:key)>`
pub fn basic_auth(user: &str, key: &str) -> String {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{key}"));
    format!("Basic {encoded}")
}

/// Call an API method with the default credentials: `api(&sb, "get_run/1", None)` is a GET,
/// `api(&sb, "add_run/1", Some(json!({...})))` a JSON POST.
pub fn api(sandbox: &Sandbox, call: &str, body: Option<Value>) -> Answer {
    let auth = basic_auth(DEFAULT_USER, DEFAULT_API_KEY);
    let target = format!("/index.php?/api/v2/{call}");
    let result = match body {
        None => http(
            sandbox.addr(),
            "GET",
            &target,
            &[("Authorization", &auth)],
            b"",
        ),
        Some(body) => http(
            sandbox.addr(),
            "POST",
            &target,
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            body.to_string().as_bytes(),
        ),
    };
    result.unwrap_or_else(|e| panic!("{call}: no answer: {e}"))
}

/// Connection settings for a library client talking to `sandbox`.
pub fn connection(
    sandbox: &Sandbox,
    timeout: std::time::Duration,
) -> testrail_report::config::ConnectionConfig {
    testrail_report::config::ConnectionConfig {
        url: sandbox.base_url(),
        user: DEFAULT_USER.into(),
        api_key: testrail_report::secret::Secret::new(DEFAULT_API_KEY),
        timeout,
        ca_cert: None,
        insecure: false,
        proxy: None,
    }
}

/// A library client for `sandbox` with fast backoff (set DBG=1 to trace its requests).
pub fn client(
    sandbox: &Sandbox,
    timeout: std::time::Duration,
) -> testrail_report::testrail::Client {
    let opts = testrail_report::testrail::ClientOptions {
        backoff_base: std::time::Duration::from_millis(10),
        verbose: std::env::var_os("DBG").is_some(),
        ..Default::default()
    };
    testrail_report::testrail::Client::new(&connection(sandbox, timeout), &opts).unwrap()
}

/// A folder of ../shared (read-only material that is never copied into the repository).
/// `None`, with a note, when it is absent, so the tests that need it skip.
pub fn shared(name: &str) -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(name);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: {} is absent; test skipped", dir.display());
        None
    }
}
