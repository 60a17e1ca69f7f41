//! (8) A failure at the very end keeps the account of what was done.

use super::*;
use testrail_report::sandbox::{DropFault, SandboxOptions};

use crate::common::calls;

fn submit_closing(sb: &Sandbox, dir: &Path) -> (std::process::Output, Value) {
    let xml = report(dir, "r.xml", [1, 2, 3]);
    let summary = dir.join("summary.json");
    let out = cmd(sb)
        .args([
            "submit",
            "--project-id",
            "1",
            "--close-run",
            "--summary-json",
        ])
        .arg(&summary)
        .arg(&xml)
        .current_dir(dir)
        .output()
        .unwrap();
    let written = std::fs::read_to_string(&summary).unwrap_or_else(|_| {
        panic!(
            "no --summary-json written:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, serde_json::from_str(&written).unwrap())
}

#[test]
fn a_500_on_close_run_after_every_result_keeps_the_summary_and_names_the_fix() {
    // What broke: exit 5 with no summary on stdout, no --summary-json and no hint.
    let sb = sandbox_with(SandboxOptions {
        faults: error("500:every=1:method=close_run"),
        ..SandboxOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let (out, summary) = submit_closing(&sb, dir.path());
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(stdout.contains("Posted 3 result(s)"), "{stdout}");
    assert_eq!(summary["results_posted"], 3);
    assert_eq!(summary["closed"], false);
    assert!(stderr.contains("  testrail-report run close 1"), "{stderr}");
    assert_eq!(results_per_case(&sb, 1).values().sum::<usize>(), 3);
}

#[test]
fn a_close_whose_answer_was_lost_is_found_closed() {
    let sb = sandbox_with(SandboxOptions {
        faults: Faults {
            drops: vec![DropFault {
                method: Some("close_run".into()),
                next: 1,
            }],
            ..Faults::default()
        },
        ..SandboxOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let (out, summary) = submit_closing(&sb, dir.path());
    assert_ok(&out);
    assert_eq!(summary["closed"], true);
    assert_eq!(calls(&sb, "close_run"), 1, "not closed twice");
}

#[test]
fn an_add_run_with_an_unreadable_answer_reuses_the_run_it_made() {
    // What broke: the run was made, the answer was a proxy's page, and the submit failed
    // without naming it, so a rerun made a second run beside the stray one.
    let sb = sandbox_with(SandboxOptions {
        faults: Faults {
            garbles: vec![DropFault {
                method: Some("add_run".into()),
                next: 1,
            }],
            ..Faults::default()
        },
        ..SandboxOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let (out, summary) = submit_closing(&sb, dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("run 1 was created; using it"), "{stderr}");
    assert_eq!(summary["run_id"], 1);
    assert_eq!(calls(&sb, "add_run"), 1, "no second run");
    assert_eq!(results_per_case(&sb, 1).values().sum::<usize>(), 3);
}
