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
