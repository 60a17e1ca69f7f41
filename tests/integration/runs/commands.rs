//! Every `run` subcommand, asserting the sandbox's state afterwards.

use super::*;

// ---- every command, asserting server state ----

#[test]
fn create_with_case_ids_holds_exactly_those_cases_and_tells_ci() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let dotenv = dir.path().join("build.env");
    let gh_out = dir.path().join("github_output");
    let run = json_of(
        cmd(&sb)
            .args([
                "run",
                "create",
                "--project-id",
                "1",
                "--name",
                "Nightly",
                "--case-ids",
                "1,C2,3",
            ])
            .arg("--dotenv")
            .arg(&dotenv)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_OUTPUT", &gh_out),
    );
    let id = id_of(&run);
    assert_eq!(run["name"], "Nightly");
    assert_eq!(cases_in(&sb, id), BTreeSet::from([1, 2, 3]));
    assert_eq!(stored_run(&sb, id).unwrap()["include_all"], false);
    assert_eq!(
        std::fs::read_to_string(&dotenv).unwrap(),
        format!("TESTRAIL_RUN_ID={id}\n")
    );
    let outputs = std::fs::read_to_string(&gh_out).unwrap();
    assert!(outputs.contains(&format!("run-id={id}\n")), "{outputs}");
    assert!(
        outputs.contains(&format!(
            "run-url={}index.php?/runs/view/{id}\n",
            sb.base_url()
        )),
        "{outputs}"
    );
}

#[test]
fn create_from_a_file_or_with_every_case() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.txt");
    std::fs::write(&file, "# smoke\nC4\n5, 6\n").unwrap();
    let run = json_of(
        cmd(&sb)
            .args(["run", "create", "--project-id", "1", "--case-ids-file"])
            .arg(&file),
    );
    assert_eq!(cases_in(&sb, id_of(&run)), BTreeSet::from([4, 5, 6]));

    let all = json_of(
        cmd(&sb)
            .args(["run", "create", "--include-all"])
            .env("TESTRAIL_PROJECT_ID", "1"),
    );
    assert_eq!(cases_in(&sb, id_of(&all)).len(), 12);
    assert_eq!(all["include_all"], true);

    // Without a selection TestRail would silently include everything: we refuse.
    let out = cmd(&sb)
        .args(["run", "create", "--project-id", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(calls(&sb, "add_run"), 2);
}

#[test]
fn create_with_unknown_cases_shows_testrail_message_and_exit_4() {
    let sb = sandbox();
    let out = cmd(&sb)
        .args(["run", "create", "--project-id", "1", "--case-ids", "1,999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_of(&out);
    assert!(
        err.contains("POST add_run/1 (HTTP 400): Field :case_ids contains unrecognized case IDs."),
        "{err}"
    );
    assert!(err.contains("check --case-ids"), "{err}");
    assert!(entities(&sb.state(), "runs").next().is_none());
}

#[test]
fn get_prints_a_summary_or_the_api_object() {
    let sb = sandbox();
    let run = json_of(cmd(&sb).args([
        "run",
        "create",
        "--project-id",
        "1",
        "--name",
        "G",
        "--case-ids",
        "1,2",
    ]));
    let id = id_of(&run).to_string();
    let got = json_of(cmd(&sb).args(["run", "get", &id]));
    assert_eq!(got, run);
    let text = cmd(&sb)
        .args(["run", "get"])
        .env("TESTRAIL_RUN_ID", &id)
        .output()
        .unwrap();
    assert!(text.status.success());
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains(&format!("Run R{id}: G")) && stdout.contains("tests 2: untested 2"),
        "{stdout}"
    );
}

#[test]
fn get_unknown_run_is_testrails_400_with_exit_4() {
    let sb = sandbox();
    let out = cmd(&sb).args(["run", "get", "4242"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_of(&out);
    assert!(
        err.contains("GET get_run/4242 (HTTP 400): Field :run is not a valid test run."),
        "{err}"
    );
    assert!(err.contains("unknown or invalid ID"), "{err}");
    assert!(err.contains("check RUN_ID (or TESTRAIL_RUN_ID)"), "{err}");
}

#[test]
fn update_add_case_ids_keeps_old_cases_and_case_ids_replaces() {
    let sb = sandbox();
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--case-ids", "1,2"]));
    let id = id_of(&run).to_string();
    let updated = json_of(cmd(&sb).args([
        "run",
        "update",
        &id,
        "--add-case-ids",
        "2,3,C7",
        "--name",
        "Extended",
    ]));
    assert_eq!(updated["name"], "Extended");
    assert_eq!(cases_in(&sb, id_of(&run)), BTreeSet::from([1, 2, 3, 7]));

    json_of(cmd(&sb).args(["run", "update", &id, "--case-ids", "5", "--refs", "JIRA-9"]));
    assert_eq!(cases_in(&sb, id_of(&run)), BTreeSet::from([5]));
    assert_eq!(stored_run(&sb, id_of(&run)).unwrap()["refs"], "JIRA-9");

    let out = cmd(&sb).args(["run", "update", &id]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "nothing to change is a usage error"
    );
}

#[test]
fn close_completes_the_run_and_a_second_close_is_refused() {
    let sb = sandbox();
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--case-ids", "1"]));
    let id = id_of(&run).to_string();
    let closed = json_of(cmd(&sb).args(["run", "close", &id]));
    assert_eq!(closed["is_completed"], true);
    assert_eq!(stored_run(&sb, id_of(&run)).unwrap()["is_completed"], true);

    let out = cmd(&sb).args(["run", "close", &id]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_of(&out);
    assert!(
        err.contains(
            "(HTTP 403): This operation is not allowed. The test run is already completed."
        ),
        "{err}"
    );
    assert!(
        err.contains("closed runs and plans cannot be changed"),
        "{err}"
    );
}

#[test]
fn close_prune_untested_keeps_only_cases_with_results() {
    let sb = sandbox();
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--include-all"]));
    let id = id_of(&run);
    let client = crate::common::client(&sb, std::time::Duration::from_secs(10));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let results: Vec<_> = [(3, 1), (8, 5)]
            .into_iter()
            .map(
                |(case_id, status)| testrail_report::testrail::ResultForCase {
                    case_id,
                    status_id: Some(status),
                    ..Default::default()
                },
            )
            .collect();
        client.add_results_for_cases(id, &results).await.unwrap();
    });
    let closed = json_of(cmd(&sb).args(["run", "close", &id.to_string(), "--prune-untested"]));
    assert_eq!(closed["is_completed"], true);
    assert_eq!(cases_in(&sb, id), BTreeSet::from([3, 8]));
}

#[test]
fn prune_refuses_to_empty_a_run_without_results() {
    let sb = sandbox();
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--case-ids", "1,2"]));
    let out = cmd(&sb)
        .args(["run", "close", &id_of(&run).to_string(), "--prune-untested"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("no results"));
    assert_eq!(stored_run(&sb, id_of(&run)).unwrap()["is_completed"], false);
    assert_eq!(calls(&sb, "update_run") + calls(&sb, "close_run"), 0);
}

#[test]
fn delete_soft_deletes_nothing_and_real_delete_needs_yes_without_a_terminal() {
    let sb = sandbox();
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--case-ids", "1,2"]));
    let id = id_of(&run);
    let soft = cmd(&sb)
        .args(["run", "delete", &id.to_string(), "--soft"])
        .output()
        .unwrap();
    assert!(soft.status.success(), "{}", stderr_of(&soft));
    assert!(String::from_utf8_lossy(&soft.stdout).contains("nothing was deleted"));
    assert!(stored_run(&sb, id).is_some());
    assert!(paths(&sb, "delete_run")[0].ends_with(&format!("delete_run/{id}&soft=1")));

    // assert_cmd gives the child a pipe, not a terminal, for stdin.
    let out = cmd(&sb)
        .args(["run", "delete", &id.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--yes"));
    assert!(stored_run(&sb, id).is_some());

    let gone = json_of(cmd(&sb).args(["run", "delete", &id.to_string(), "--yes"]));
    assert_eq!(gone, json!({"run_id": id, "deleted": true}));
    assert!(stored_run(&sb, id).is_none());
}

#[test]
fn the_sharding_recipe_loses_nothing_with_eight_parallel_shards() {
    // create with every case → 8 shards post results at once (under 429s) → prune and close.
    let sb = sandbox();
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--include-all"]));
    let id = id_of(&run);
    sb.set_faults(Faults {
        errors: vec![ErrorFault {
            status: 429,
            every: Some(3),
            retry_after: Some(0),
            ..ErrorFault::default()
        }],
        ..Faults::default()
    });
    let shards: Vec<_> = (1..=8u64)
        .map(|case_id| {
            let client = crate::common::client(&sb, std::time::Duration::from_secs(10));
            std::thread::spawn(move || {
                let result = testrail_report::testrail::ResultForCase {
                    case_id,
                    status_id: Some(if case_id % 2 == 0 { 1 } else { 5 }),
                    ..Default::default()
                };
                tokio::runtime::Runtime::new()
                    .unwrap()
                    .block_on(client.add_results_for_cases(id, &[result]))
                    .map(|r| r.len())
            })
        })
        .collect();
    for shard in shards {
        assert_eq!(shard.join().unwrap().unwrap(), 1);
    }
    sb.set_faults(Faults::default());
    let closed = json_of(cmd(&sb).args(["run", "close", &id.to_string(), "--prune-untested"]));
    assert_eq!(closed["is_completed"], true);
    assert_eq!(cases_in(&sb, id), (1..=8).collect::<BTreeSet<u64>>());
    assert_eq!(
        (
            closed["passed_count"].as_u64(),
            closed["failed_count"].as_u64()
        ),
        (Some(4), Some(4))
    );
    assert_eq!(closed["untested_count"], 0);
}
