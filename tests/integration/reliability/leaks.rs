//! (2) The key never leaks, whatever a server's error body echoes back.

use super::*;
use testrail_report::sandbox::{DEFAULT_USER, SandboxOptions};

const KEY: &str = "Vq3-echo-distinctive-KEY-81";

fn forms() -> [String; 3] {
    use base64::Engine as _;
    let pair = format!("{DEFAULT_USER}:{KEY}");
    let token = base64::engine::general_purpose::STANDARD.encode(&pair);
    [
        KEY.to_string(),
        pair,
        token.trim_end_matches('=').to_string(),
    ]
}

fn assert_clean(what: &str, text: &str) {
    for form in forms() {
        assert!(!text.contains(&form), "{what} leaks {form:?}:\n{text}");
    }
}

fn echoing_sandbox(rule: &str) -> Sandbox {
    sandbox_with(SandboxOptions {
        api_key: KEY.into(),
        faults: error(rule),
        ..SandboxOptions::default()
    })
}

#[test]
fn an_error_body_echoing_the_authorization_header_is_redacted_everywhere() {
    // What broke: a 400 whose body quoted the request headers printed `Basic …` verbatim.
    let sb = echoing_sandbox("400:every=1:method=get_run:echo");
    for verbose in [false, true] {
        let mut c = cmd(&sb);
        c.env("TESTRAIL_API_KEY", KEY);
        if verbose {
            c.arg("-v");
        }
        let out = c.args(["run", "get", "1"]).output().unwrap();
        let text = all_output(&out);
        assert_eq!(out.status.code(), Some(4), "{text}");
        assert!(
            text.contains("Basic [redacted]"),
            "the echo reached us: {text}"
        );
        assert_clean("run get", &text);
    }
}

#[test]
fn submit_summaries_and_files_never_hold_the_key() {
    let sb = echoing_sandbox("400:every=1:method=add_results_for_cases:echo");
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", [1, 2, 3]);
    let summary = dir.path().join("summary.json");
    let step = dir.path().join("step.md");
    let out = cmd(&sb)
        .env("TESTRAIL_API_KEY", KEY)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &step)
        .args(["-v", "--output", "json", "submit", "--project-id", "1"])
        .arg("--summary-json")
        .arg(&summary)
        .arg(&xml)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = all_output(&out);
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("[redacted]"), "the echo reached us: {text}");
    assert_clean("submit output", &text);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let content = std::fs::read_to_string(&path).unwrap_or_default();
        assert_clean(&path.display().to_string(), &content);
    }
}
