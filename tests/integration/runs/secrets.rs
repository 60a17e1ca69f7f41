//! The API key never appears in any output stream, whatever happens.

use super::*;

// ---- secrets ----

#[test]
fn the_api_key_never_appears_in_any_output() {
    const KEY: &str = "Zx9-distinctive-KEY-4q7";
    let sb = sandbox_with(SandboxOptions {
        api_key: KEY.into(),
        ..SandboxOptions::default()
    });
    let b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(format!("{DEFAULT_USER}:{KEY}"))
    };
    sb.set_faults(fault(503, 2, RetryFormat::Seconds, None));
    let runs: Vec<std::process::Output> = vec![
        // verbose, succeeding after retries
        cmd(&sb)
            .env("TESTRAIL_API_KEY", KEY)
            .args([
                "-v",
                "run",
                "create",
                "--project-id",
                "1",
                "--case-ids",
                "1",
            ])
            .output()
            .unwrap(),
        // verbose, failing with TestRail's 400
        cmd(&sb)
            .env("TESTRAIL_API_KEY", KEY)
            .args(["-v", "--output", "json", "run", "get", "999"])
            .output()
            .unwrap(),
        // key passed as a flag and rejected
        cmd(&sb)
            .env_remove("TESTRAIL_API_KEY")
            .args([
                "-v",
                "--api-key",
                &format!("{KEY}x"),
                "run",
                "list",
                "--project-id",
                "1",
            ])
            .output()
            .unwrap(),
        // unreachable server
        cmd(&sb)
            .env("TESTRAIL_API_KEY", KEY)
            .env("TESTRAIL_URL", "http://127.0.0.1:9/")
            .args(["-v", "--retries", "1", "run", "get", "1"])
            .output()
            .unwrap(),
        // bad proxy with the key in it
        cmd(&sb)
            .env("TESTRAIL_API_KEY", KEY)
            .env("TESTRAIL_PROXY", format!("ht!tp://u:{KEY}@"))
            .args(["-v", "run", "get", "1"])
            .output()
            .unwrap(),
    ];
    assert!(runs[0].status.success() && !runs[1].status.success() && !runs[2].status.success());
    for (i, out) in runs.iter().enumerate() {
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains(KEY) && !all.contains(&b64),
            "output {i} leaks the key:\n{all}"
        );
        assert!(!all.is_empty(), "output {i} is empty");
    }
}
