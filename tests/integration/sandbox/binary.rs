//! The `testrail-sandbox` executable: address line, flags, SIGTERM saving `--state`.

use crate::common::{Answer, basic_auth, http};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use testrail_report::sandbox::Seed;

const BIN: &str = env!("CARGO_BIN_EXE_testrail-sandbox");

/// A running `testrail-sandbox` process and the address it printed.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(["--port", "0", "--user", "bin@example.com", "--api-key", "k"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("testrail-sandbox starts");
        let mut line = String::new();
        let stdout = child.stdout.take().unwrap();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("testrail-sandbox listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        assert!(
            url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
            "{url}"
        );
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .unwrap();
        Server { child, addr }
    }

    fn call(&self, method: &str, call: &str, body: Option<Value>) -> Answer {
        let auth = basic_auth("bin@example.com", "k");
        let target = format!("/index.php?/api/v2/{call}");
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let headers = [
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ];
        http(self.addr, method, &target, &headers, body.as_bytes()).unwrap()
    }

    /// Send SIGTERM and wait for a clean exit.
    fn terminate(mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "exit status {status}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn state_survives_a_sigterm_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let server = Server::start(&["--state", state_arg]);
    let run = server.call("POST", "add_run/1", Some(json!({"name": "kept"})));
    assert_eq!(run.status, 200);
    assert_eq!(run.json()["untested_count"], 12);
    server.terminate();
    let saved: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(saved["runs"]["1"]["name"], "kept");

    let again = Server::start(&["--state", state_arg]);
    assert_eq!(again.call("GET", "get_run/1", None).json()["name"], "kept");
    let second = again.call("POST", "add_run/1", Some(json!({})));
    assert_eq!(second.json()["id"], 2, "IDs continue after the saved ones");
}

#[test]
fn a_sigterm_right_after_the_address_line_is_a_clean_stop() {
    // Scripts send SIGTERM as soon as they are done; the handler must already be listening.
    for _ in 0..20 {
        Server::start(&[]).terminate();
    }
}

#[test]
fn fault_flags_apply_from_the_first_call() {
    let dir = tempfile::tempdir().unwrap();
    let faults = dir.path().join("faults.json");
    std::fs::write(&faults, r#"{"errors": [{"status": 409, "next": 1}]}"#).unwrap();
    let faults = faults.to_str().unwrap();
    let args = [
        "--faults",
        faults,
        "--fail",
        "503:next=1",
        "--legacy-arrays",
    ];
    let server = Server::start(&args);
    assert_eq!(
        server.call("GET", "get_projects", None).status,
        409,
        "--faults first"
    );
    assert_eq!(server.call("GET", "get_projects", None).status, 503);
    let projects = server.call("GET", "get_projects", None);
    assert_eq!(projects.status, 200);
    assert!(
        projects.json().is_array(),
        "--legacy-arrays answers bare arrays"
    );
}

#[test]
fn bad_flags_and_seeds_exit_2_with_a_message() {
    let bad = Command::new(BIN).args(["--fail", "503"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("needs every=N or next=K"), "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, r#"{"projects": [{"name": "x", "suite_mode": 7}]}"#).unwrap();
    let out = Command::new(BIN)
        .args(["--port", "0", "--seed"])
        .arg(&seed)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("suite_mode must be 1, 2 or 3"));
}

#[test]
fn print_seed_shows_the_demo_seed_in_the_seed_format() {
    let out = Command::new(BIN).arg("--print-seed").output().unwrap();
    assert!(out.status.success());
    let printed: Seed = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed, Seed::demo());
}
