//! The sandbox's read-only web view: the run URL a submit prints opens a page showing what a
//! tester checks (run name, state, counts, each test's latest result), first as HTML over
//! HTTP, then in a real headless browser when one is installed.

use std::path::Path;
use std::process::Command;

use serde_json::json;

use crate::common::{api, cmd, http, sandbox};

const REPORT: &str = r#"<testsuite name="web">
  <testcase classname="shop.Cart" name="test_add C1" time="1.5"/>
  <testcase classname="shop.Cart" name="test_remove C2" time="0.25">
    <failure message="expected 2 &lt;items&gt;, got 3">Traceback: cart.py:12</failure>
  </testcase>
  <testcase classname="shop.Cart" name="test_skip C3"><skipped/></testcase>
</testsuite>"#;

/// Submit the report into a new run and answer the run's ID.
fn submit(sb: &testrail_report::sandbox::Sandbox, dir: &Path) -> u64 {
    let path = dir.join("web.xml");
    std::fs::write(&path, REPORT).unwrap();
    let out = cmd(sb)
        .args(["submit", "--project-id", "1", "--suite-id", "1"])
        .args(["--run-name", "Web <view> run", "--output", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["run_id"].as_u64().expect("run_id in the summary")
}

/// The run's page, as a browser would request it (no credentials).
fn run_page(sb: &testrail_report::sandbox::Sandbox, run_id: u64) -> crate::common::Answer {
    http(
        sb.addr(),
        "GET",
        &format!("/index.php?/runs/view/{run_id}"),
        &[],
        b"",
    )
    .unwrap()
}

#[test]
fn the_run_page_shows_name_counts_and_the_failure_message() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let run_id = submit(&sb, dir.path());
    let page = run_page(&sb, run_id);
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(body.contains("<h1>Web &lt;view&gt; run</h1>"), "{body}");
    assert!(body.contains(r#"data-status="Passed">"#), "{body}");
    assert!(body.contains("Passed 1</span>"), "{body}");
    assert!(body.contains("Failed 1</span>"), "{body}");
    assert!(body.contains("Total 3"), "{body}");
    assert!(body.contains("expected 2 &lt;items&gt;, got 3"), "{body}");
    assert!(!body.contains("<items>"), "report text is escaped");
    assert!(body.contains("Active"), "{body}");
    assert!(body.contains("index.php?/projects/overview/1"), "{body}");

    // The project's pages link to the run.
    for target in [
        "/index.php?/projects/overview/1",
        "/index.php?/runs/overview/1",
    ] {
        let page = http(sb.addr(), "GET", target, &[], b"").unwrap();
        assert_eq!(page.status, 200, "{target}");
        let link = format!("index.php?/runs/view/{run_id}");
        assert!(page.body.contains(&link), "{target}: {}", page.body);
    }
}

#[test]
fn step_results_and_custom_statuses_appear_on_the_run_page() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let run_id = submit(&sb, dir.path());
    let posted = api(
        &sb,
        &format!("add_result_for_case/{run_id}/1"),
        Some(json!({
            "status_id": 5,
            "comment": "second try",
            "custom_step_results": [
                {"content": "Open the cart", "status_id": 1},
                {"content": "Remove an item", "status_id": 5}
            ]
        })),
    );
    assert_eq!(posted.status, 200, "{}", posted.body);
    let page = run_page(&sb, run_id);
    let body = &page.body;
    assert!(body.contains("second try"), "the latest result is shown");
    assert!(body.contains("Open the cart"), "{body}");
    assert!(body.contains("Remove an item"), "{body}");
    assert!(body.contains("Failed 2</span>"), "{body}");
    // The skipped test has the demo's custom "Skipped" status: shown and counted.
    assert!(body.contains("Skipped 1</span>"), "{body}");
}

/// Headless Chromium, if this machine has it (`.ci/run` installs Debian's package).
fn chromium() -> Option<&'static str> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
}

#[test]
fn a_real_browser_renders_the_run_page() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium installed (apt-get install chromium)");
        return;
    };
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let run_id = submit(&sb, dir.path());
    let url = format!("{}index.php?/runs/view/{run_id}", sb.base_url());
    let profile = tempfile::tempdir().unwrap();
    // The flags keep Chromium off the network (this machine has none) and out of the way.
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // --dump-dom prints the DOM the browser built: what a person would see.
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("Web &lt;view&gt; run"), "{dom}");
    assert!(dom.contains("Failed 1"), "{dom}");
    assert!(dom.contains("Passed 1"), "{dom}");
    assert!(dom.contains("expected 2 &lt;items&gt;, got 3"), "{dom}");
    assert_eq!(dom.matches("class=\"test\"").count(), 3, "{dom}");
}
