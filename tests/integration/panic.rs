//! A bug must not leak the API key either: the panic hook blanks it out and exits 101.

use assert_cmd::Command;

#[test]
fn panic_report_redacts_the_api_key_and_exits_101() {
    let key = "panic-leak-probe-7f3a9c";
    let out = Command::cargo_bin("testrail-report")
        .unwrap()
        .args(["inspect", "--help"])
        .env("TESTRAIL_API_KEY", key)
        .env("TESTRAIL_INTERNAL_FORCE_PANIC", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(101), "stderr: {stderr}");
    assert!(
        stderr.contains("internal bug in testrail-report"),
        "{stderr}"
    );
    assert!(stderr.contains("the key was [redacted]"), "{stderr}");
    assert!(!stdout.contains(key) && !stderr.contains(key), "{stderr}");
}

/// `inspect ... --output json | head` once printed an "internal bug" report: `println!` panics
/// when the reader closes the pipe. A closed stdout now ends the program quietly with 0.
#[test]
fn a_closed_stdout_is_not_a_bug() {
    use std::io::Read;
    use std::process::{Command as StdCommand, Stdio};

    let dir = tempfile::tempdir().unwrap();
    let cases: String = (0..3000)
        .map(|i| {
            format!("<testcase classname=\"pkg.Suite\" name=\"test_{i}_C{i}\" time=\"0.1\"/>\n")
        })
        .collect();
    let report = dir.path().join("big.xml");
    std::fs::write(
        &report,
        format!("<testsuite name=\"s\">\n{cases}</testsuite>\n"),
    )
    .unwrap();

    let mut child = StdCommand::new(env!("CARGO_BIN_EXE_testrail-report"))
        .args(["inspect", "--output", "json"])
        .arg(&report)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the pipe closes
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(!stderr.contains("internal bug"), "{stderr}");
}
