//! (3) Paging links are followed only on --url's own scheme, host and port.

use super::*;
use serde_json::json;
use testrail_report::sandbox::{SandboxOptions, Seed};

use crate::common::calls;

fn many_runs(n: usize, next_origin: &str) -> SandboxOptions {
    let mut seed = Seed::demo();
    for i in 1..=n {
        seed.projects[0]
            .run(json!({"name": format!("R{i}"), "include_all": false, "case_ids": [1]}));
    }
    SandboxOptions {
        seed,
        faults: Faults {
            next_origin: Some(next_origin.into()),
            ..Faults::default()
        },
        ..SandboxOptions::default()
    }
}

#[test]
fn a_next_link_to_another_host_is_refused_and_named() {
    // A listener that would see the key if the link were followed.
    let trap = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    trap.set_nonblocking(true).unwrap();
    let origin = format!("http://localhost:{}", trap.local_addr().unwrap().port());
    let sb = sandbox_with(many_runs(260, &origin));
    let out = cmd(&sb)
        .args(["run", "list", "--project-id", "1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains(&format!("localhost:{}", trap.local_addr().unwrap().port())),
        "{err}"
    );
    assert!(err.contains("not followed"), "{err}");
    assert!(trap.accept().is_err(), "the off-origin link was followed");
    assert_eq!(calls(&sb, "get_runs"), 1);
}

#[test]
fn a_next_link_on_the_same_origin_is_followed() {
    let sb = sandbox_with(SandboxOptions::default());
    let origin = sb.base_url().trim_end_matches('/').to_string();
    let sb = sandbox_with(many_runs(260, &origin));
    // The first sandbox's origin differs from the second's, so this must fail too...
    let out = cmd(&sb)
        .args(["run", "list", "--project-id", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    // ...while the second's own origin, written out absolutely, is fine.
    sb.set_faults(Faults {
        next_origin: Some(sb.base_url().trim_end_matches('/').to_string()),
        ..Faults::default()
    });
    let out = cmd(&sb)
        .args(["--output", "json", "run", "list", "--project-id", "1"])
        .output()
        .unwrap();
    assert_ok(&out);
    let runs: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 260);
}
