//! (1) Shards extending one run's selection under 429s lose nothing, and never exit 0 with a
//! result missing.

use super::*;
use serde_json::json;
use testrail_report::sandbox::{SandboxOptions, Seed};

const SHARDS: u64 = 8;
const PER_SHARD: u64 = 25;

/// A project of `SHARDS * PER_SHARD + 1` cases and run 1 holding only the last one.
fn sandbox_429_every_5th() -> Sandbox {
    let n = SHARDS * PER_SHARD + 1;
    let mut seed = Seed::empty();
    seed.project("Sharded", 1)
        .suite("Main")
        .section("All")
        .cases(n as usize, "t");
    seed.projects[0]
        .run(json!({"suite_id": 1, "name": "Shards", "include_all": false, "case_ids": [n]}));
    sandbox_with(SandboxOptions {
        seed,
        faults: error("429:every=5:retry-after=1"),
        ..SandboxOptions::default()
    })
}

#[test]
fn eight_shards_under_429_every_5th_request_keep_every_result() {
    // What broke: after a 429 on update_run the client re-sent the selection it had read
    // before waiting, removing cases other shards had added (and their results), and the
    // shards still printed "Posted 25 of 25" and exited 0.
    let sb = sandbox_429_every_5th();
    let dir = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..SHARDS)
        .map(|s| {
            let ids = s * PER_SHARD + 1..=(s + 1) * PER_SHARD;
            let r = report(dir.path(), &format!("shard{s}.xml"), ids);
            let sub = dir.path().join(format!("s{s}"));
            std::fs::create_dir(&sub).unwrap();
            spawn(&sb, &sub, &["submit", "--run-id", "1", r.to_str().unwrap()])
        })
        .collect();
    let mut resumed = 0;
    for (s, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        match out.status.code() {
            Some(0) => {}
            // A shard that could not keep its cases says so and leaves a resume file.
            Some(6) => {
                let file = err
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("testrail-report submit --resume "))
                    .unwrap_or_else(|| panic!("shard {s}: no resume command:\n{err}"))
                    .to_string();
                let sub = dir.path().join(format!("s{s}"));
                let again = spawn(&sb, &sub, &["submit", "--resume", &file])
                    .wait_with_output()
                    .unwrap();
                assert_ok(&again);
                resumed += 1;
            }
            other => panic!("shard {s} exit {other:?}:\n{err}"),
        }
    }
    let per_case = results_per_case(&sb, 1);
    let missing: Vec<u64> = (1..=SHARDS * PER_SHARD)
        .filter(|c| per_case.get(c).copied().unwrap_or(0) == 0)
        .collect();
    let injected = sb.requests().iter().filter(|r| r.injected).count();
    eprintln!("{injected} injected 429s; {resumed} shard(s) finished with --resume");
    assert!(injected > 0);
    assert!(missing.is_empty(), "cases without a result: {missing:?}");
    let twice: Vec<_> = per_case.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "cases with several results: {twice:?}");
}

#[test]
fn eight_run_updates_adding_cases_under_429_keep_every_case() {
    // `run update --add-case-ids` writes the selection the same way, and had the same flaw.
    let sb = sandbox_429_every_5th();
    let dir = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..SHARDS)
        .map(|s| {
            let ids: Vec<String> = (s * PER_SHARD + 1..=(s + 1) * PER_SHARD)
                .map(|id| id.to_string())
                .collect();
            let list = ids.join(",");
            spawn(
                &sb,
                dir.path(),
                &["run", "update", "1", "--add-case-ids", &list],
            )
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_ok(&out);
    }
    let present = results_per_case(&sb, 1);
    let missing: Vec<u64> = (1..=SHARDS * PER_SHARD)
        .filter(|c| !present.contains_key(c))
        .collect();
    assert!(
        missing.is_empty(),
        "cases missing from the run: {missing:?}"
    );
}
