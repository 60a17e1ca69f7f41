//! `testrail-report run ...` against the sandbox: every command, paging, filters, URL forms,
//! TestRail's errors, the transport policy under injected faults, and secret hygiene.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use testrail_report::sandbox::{
    DEFAULT_USER, DropFault, ErrorFault, Faults, RetryFormat, Sandbox, SandboxOptions, Seed,
};

use crate::common::{FakeServer, bare_cmd, calls, cmd, json_of, paths, sandbox, sandbox_with};

/// The case IDs a run holds, from the sandbox's own state.
fn cases_in(sb: &Sandbox, run_id: u64) -> BTreeSet<u64> {
    let state = sb.state();
    entities(&state, "tests")
        .filter(|t| t["run_id"] == run_id)
        .map(|t| t["case_id"].as_u64().unwrap())
        .collect()
}

/// A run as the sandbox stores it, if it exists.
fn stored_run(sb: &Sandbox, run_id: u64) -> Option<Value> {
    let state = sb.state();
    entities(&state, "runs").find(|r| r["id"] == run_id).cloned()
}

/// The objects of one kind in a state dump (stored as an ID-keyed map).
fn entities<'a>(state: &'a Value, kind: &str) -> impl Iterator<Item = &'a Value> {
    state[kind].as_object().into_iter().flat_map(|m| m.values())
}

fn id_of(v: &Value) -> u64 {
    v["id"].as_u64().expect("an id")
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// ---- every command, asserting server state ----

#[test]
fn create_with_case_ids_holds_exactly_those_cases_and_tells_ci() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let dotenv = dir.path().join("build.env");
    let gh_out = dir.path().join("github_output");
    let run = json_of(
        cmd(&sb)
            .args(["run", "create", "--project-id", "1", "--name", "Nightly", "--case-ids", "1,C2,3"])
            .arg("--dotenv")
            .arg(&dotenv)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_OUTPUT", &gh_out),
    );
    let id = id_of(&run);
    assert_eq!(run["name"], "Nightly");
    assert_eq!(cases_in(&sb, id), BTreeSet::from([1, 2, 3]));
    assert_eq!(stored_run(&sb, id).unwrap()["include_all"], false);
    assert_eq!(std::fs::read_to_string(&dotenv).unwrap(), format!("TESTRAIL_RUN_ID={id}\n"));
    let outputs = std::fs::read_to_string(&gh_out).unwrap();
    assert!(outputs.contains(&format!("run-id={id}\n")), "{outputs}");
    assert!(outputs.contains(&format!("run-url={}index.php?/runs/view/{id}\n", sb.base_url())), "{outputs}");
}

#[test]
fn create_from_a_file_or_with_every_case() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.txt");
    std::fs::write(&file, "# smoke\nC4\n5, 6\n").unwrap();
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--case-ids-file"]).arg(&file));
    assert_eq!(cases_in(&sb, id_of(&run)), BTreeSet::from([4, 5, 6]));

    let all = json_of(cmd(&sb).args(["run", "create", "--include-all"]).env("TESTRAIL_PROJECT_ID", "1"));
    assert_eq!(cases_in(&sb, id_of(&all)).len(), 12);
    assert_eq!(all["include_all"], true);

    // Without a selection TestRail would silently include everything: we refuse.
    let out = cmd(&sb).args(["run", "create", "--project-id", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(calls(&sb, "add_run"), 2);
}

#[test]
fn create_with_unknown_cases_shows_testrail_message_and_exit_4() {
    let sb = sandbox();
    let out = cmd(&sb).args(["run", "create", "--project-id", "1", "--case-ids", "1,999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_of(&out);
    assert!(err.contains("POST add_run/1 (HTTP 400): Field :case_ids contains unrecognized case IDs."), "{err}");
    assert!(entities(&sb.state(), "runs").next().is_none());
}

#[test]
fn get_prints_a_summary_or_the_api_object() {
    let sb = sandbox();
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--name", "G", "--case-ids", "1,2"]));
    let id = id_of(&run).to_string();
    let got = json_of(cmd(&sb).args(["run", "get", &id]));
    assert_eq!(got, run);
    let text = cmd(&sb).args(["run", "get"]).env("TESTRAIL_RUN_ID", &id).output().unwrap();
    assert!(text.status.success());
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains(&format!("Run {id}: G")) && stdout.contains("untested 2"), "{stdout}");
}

#[test]
fn get_unknown_run_is_testrails_400_with_exit_4() {
    let sb = sandbox();
    let out = cmd(&sb).args(["run", "get", "4242"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_of(&out);
    assert!(err.contains("GET get_run/4242 (HTTP 400): Field :run is not a valid test run."), "{err}");
    assert!(err.contains("unknown or invalid ID"), "{err}");
}

#[test]
fn update_add_case_ids_keeps_old_cases_and_case_ids_replaces() {
    let sb = sandbox();
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--case-ids", "1,2"]));
    let id = id_of(&run).to_string();
    let updated = json_of(cmd(&sb).args(["run", "update", &id, "--add-case-ids", "2,3,C7", "--name", "Extended"]));
    assert_eq!(updated["name"], "Extended");
    assert_eq!(cases_in(&sb, id_of(&run)), BTreeSet::from([1, 2, 3, 7]));

    json_of(cmd(&sb).args(["run", "update", &id, "--case-ids", "5", "--refs", "JIRA-9"]));
    assert_eq!(cases_in(&sb, id_of(&run)), BTreeSet::from([5]));
    assert_eq!(stored_run(&sb, id_of(&run)).unwrap()["refs"], "JIRA-9");

    let out = cmd(&sb).args(["run", "update", &id]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "nothing to change is a usage error");
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
    assert!(err.contains("(HTTP 403): This operation is not allowed. The test run is already completed."), "{err}");
    assert!(err.contains("permission"), "{err}");
}

#[test]
fn close_prune_untested_keeps_only_cases_with_results() {
    let sb = sandbox();
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--include-all"]));
    let id = id_of(&run);
    let client = crate::runs::client_for(&sb);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let results: Vec<_> = [(3, 1), (8, 5)]
            .into_iter()
            .map(|(case_id, status)| testrail_report::testrail::ResultForCase {
                case_id,
                status_id: Some(status),
                ..Default::default()
            })
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
    let out = cmd(&sb).args(["run", "close", &id_of(&run).to_string(), "--prune-untested"]).output().unwrap();
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
    let soft = cmd(&sb).args(["run", "delete", &id.to_string(), "--soft"]).output().unwrap();
    assert!(soft.status.success(), "{}", stderr_of(&soft));
    assert!(String::from_utf8_lossy(&soft.stdout).contains("nothing was deleted"));
    assert!(stored_run(&sb, id).is_some());
    assert!(paths(&sb, "delete_run")[0].ends_with(&format!("delete_run/{id}&soft=1")));

    // assert_cmd gives the child a pipe, not a terminal, for stdin.
    let out = cmd(&sb).args(["run", "delete", &id.to_string()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--yes"));
    assert!(stored_run(&sb, id).is_some());

    let gone = json_of(cmd(&sb).args(["run", "delete", &id.to_string(), "--yes"]));
    assert_eq!(gone, json!({"run_id": id, "deleted": true}));
    assert!(stored_run(&sb, id).is_none());
}

// ---- listing: pages, filters, legacy arrays ----

fn many_runs(n: usize) -> SandboxOptions {
    let mut seed = Seed::demo();
    let project = &mut seed.projects[0];
    for i in 1..=n {
        project.run(json!({"name": format!("R{i}"), "include_all": false, "case_ids": [1]}));
    }
    SandboxOptions { seed, ..SandboxOptions::default() }
}

#[test]
fn list_follows_every_page_beyond_250_runs() {
    let sb = sandbox_with(many_runs(260));
    sb.clear_requests();
    let runs = json_of(cmd(&sb).args(["run", "list", "--project-id", "1"]));
    let ids: BTreeSet<u64> = runs.as_array().unwrap().iter().map(id_of).collect();
    assert_eq!(ids.len(), 260);
    let pages = paths(&sb, "get_runs");
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[1].contains("offset=250"), "{pages:?}");

    let text = cmd(&sb).args(["run", "list", "--project-id", "1"]).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("260 run(s)"));
}

#[test]
fn list_limit_and_offset() {
    let sb = sandbox_with(many_runs(260));
    let five = json_of(cmd(&sb).args(["run", "list", "--project-id", "1", "--limit", "5"]));
    assert_eq!(five.as_array().unwrap().len(), 5);
    let all = json_of(cmd(&sb).args(["run", "list", "--project-id", "1", "--limit", "300"]));
    assert_eq!(all.as_array().unwrap().len(), 260);
    let tail = json_of(cmd(&sb).args(["run", "list", "--project-id", "1", "--offset", "250"]));
    assert_eq!(tail.as_array().unwrap().len(), 10);
}

#[test]
fn list_reads_bare_arrays_from_old_servers() {
    let sb = sandbox_with(SandboxOptions { legacy_arrays: true, ..many_runs(3) });
    let runs = json_of(cmd(&sb).args(["run", "list", "--project-id", "1"]));
    assert_eq!(runs.as_array().unwrap().len(), 3);
}

/// Project 2 (multi-suite): suites A and B, milestone M2, three runs.
fn filter_fixture() -> (Sandbox, Value) {
    let mut seed = Seed::demo();
    let multi = seed.project("Multi", 3);
    multi.milestone("M2");
    for name in ["A", "B"] {
        multi.suite(name).section("S").cases(2, name);
    }
    let sb = sandbox_with(SandboxOptions { seed, ..SandboxOptions::default() });
    let state = sb.state();
    let find = |kind: &str, name: &str| {
        entities(&state, kind).find(|v| v["name"] == name).map(id_of).expect("seeded")
    };
    let (project, a, b, m2) = (find("projects", "Multi"), find("suites", "A"), find("suites", "B"), find("milestones", "M2"));
    let p = project.to_string();
    let create = |args: &[&str]| {
        let mut c = cmd(&sb);
        c.args(["run", "create", "--project-id", &p, "--include-all"]).args(args);
        json_of(&mut c)
    };
    create(&["--suite-id", &a.to_string(), "--name", "a-open", "--milestone-id", &m2.to_string(), "--refs", "JIRA-1"]);
    create(&["--suite-id", &b.to_string(), "--name", "b-open", "--refs", "JIRA-2"]);
    let closed = create(&["--suite-id", &a.to_string(), "--name", "a-closed"]);
    json_of(cmd(&sb).args(["run", "close", &id_of(&closed).to_string()]));
    (sb, json!({"project": project, "a": a, "b": b, "m2": m2}))
}

#[test]
fn list_applies_every_filter_of_get_runs() {
    let (sb, ids) = filter_fixture();
    let p = ids["project"].to_string();
    let names = |extra: &[&str]| -> BTreeSet<String> {
        let mut c = cmd(&sb);
        c.args(["run", "list", "--project-id", &p]).args(extra);
        let runs = json_of(&mut c);
        runs.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect()
    };
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let (a, b, m2) = (ids["a"].to_string(), ids["b"].to_string(), ids["m2"].to_string());

    assert_eq!(names(&[]), set(&["a-open", "b-open", "a-closed"]));
    assert_eq!(names(&["--suite-id", &a]), set(&["a-open", "a-closed"]));
    assert_eq!(names(&["--suite-id", &format!("{a},{b}")]), set(&["a-open", "b-open", "a-closed"]));
    assert_eq!(names(&["--milestone-id", &m2]), set(&["a-open"]));
    assert_eq!(names(&["--refs-filter", "JIRA-2"]), set(&["b-open"]));
    assert_eq!(names(&["--is-completed", "true"]), set(&["a-closed"]));
    assert_eq!(names(&["--is-completed", "false"]), set(&["a-open", "b-open"]));
    assert_eq!(names(&["--created-by", "1"]).len(), 3);
    assert!(names(&["--created-by", "77,78"]).is_empty());
    assert_eq!(names(&["--created-after", "0", "--created-before", "4102444800"]).len(), 3);
    assert!(names(&["--created-after", "2100-01-01T00:00:00Z"]).is_empty());
    assert!(names(&["--created-before", "2000-01-01"]).is_empty());

    // The filters travel with `&`, lists comma-separated, booleans as 0/1, one `?` only.
    let sent = paths(&sb, "get_runs");
    assert!(sent.iter().any(|p| p.ends_with(&format!("get_runs/{}&suite_id={a},{b}", ids["project"]))), "{sent:?}");
    assert!(sent.iter().any(|p| p.contains("&is_completed=1")), "{sent:?}");
    assert!(sent.iter().any(|p| p.contains("&created_after=4102444800")), "{sent:?}");
    assert!(sent.iter().all(|p| p.matches('?').count() == 1), "{sent:?}");

    let bad = cmd(&sb).args(["run", "list", "--project-id", &p, "--created-after", "last week"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr_of(&bad).contains("--created-after"));
}

// ---- the base URL, end to end ----

#[test]
fn every_form_of_the_base_url_reaches_the_api() {
    let sb = sandbox();
    let base = sb.base_url(); // http://127.0.0.1:PORT/
    let root = base.trim_end_matches('/');
    let forms = [
        root.to_string(),
        base.clone(),
        format!("{root}/index.php"),
        format!("{root}/index.php?"),
        format!("{root}/index.php?/api/v2"),
        format!("{root}/index.php?/api/v2/"),
    ];
    for form in &forms {
        let user = json_of(cmd(&sb).env("TESTRAIL_URL", form).args(["run", "list", "--project-id", "1"]));
        assert!(user.is_array(), "{form}");
    }
    for path in paths(&sb, "get_runs") {
        assert_eq!(path, "/index.php?/api/v2/get_runs/1");
    }
    // A sub-path install keeps its prefix.
    let out = cmd(&sb).env("TESTRAIL_URL", format!("{root}/testrail/")).args(["run", "list", "--project-id", "1"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(paths(&sb, "get_runs").last().unwrap().starts_with("/testrail/index.php?/api/v2/"));
}

#[test]
fn an_html_page_instead_of_json_says_the_base_url_is_wrong() {
    let page = "<!DOCTYPE html><html><title>Login</title></html>";
    let server = FakeServer::start(format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    ));
    let out = bare_cmd()
        .env("TESTRAIL_URL", &server.url)
        .env("TESTRAIL_USER", "u")
        .env("TESTRAIL_API_KEY", "k")
        .args(["run", "get", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_of(&out);
    assert!(err.contains("base URL is probably wrong") && err.contains("TESTRAIL_URL"), "{err}");
}

#[test]
fn a_redirected_post_is_refused_not_followed() {
    let server = FakeServer::start(
        "HTTP/1.1 301 Moved Permanently\r\nLocation: https://testrail.example/index.php?/api/v2/add_run/1\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
            .to_string(),
    );
    let out = bare_cmd()
        .env("TESTRAIL_URL", &server.url)
        .env("TESTRAIL_USER", "u")
        .env("TESTRAIL_API_KEY", "k")
        .args(["run", "create", "--project-id", "1", "--case-ids", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("redirected POST add_run/1") && err.contains("https://"), "{err}");
    assert!(err.contains("TESTRAIL_URL"), "{err}");
    assert_eq!(server.hits(), 1, "the redirect must not be followed");
    assert!(server.first_request().starts_with("POST "));
}

// ---- credentials and settings ----

#[test]
fn wrong_credentials_name_the_variables_to_check() {
    let sb = sandbox();
    let out = cmd(&sb).env("TESTRAIL_API_KEY", "wrong").args(["run", "get", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_of(&out);
    assert!(err.contains("(HTTP 401): Authentication failed"), "{err}");
    assert!(err.contains("TESTRAIL_USER") && err.contains("TESTRAIL_API_KEY"), "{err}");
}

#[test]
fn empty_environment_variables_count_as_unset() {
    let sb = sandbox();
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--case-ids", "1"]));
    for var in ["TESTRAIL_TIMEOUT", "TESTRAIL_SUITE_ID", "TESTRAIL_RETRIES", "TESTRAIL_RPM", "TESTRAIL_PROXY", "TESTRAIL_INSECURE", "TESTRAIL_DEADLINE"] {
        let got = json_of(cmd(&sb).env(var, "").args(["run", "get", &id_of(&run).to_string()]));
        assert_eq!(got["id"], run["id"], "{var}");
    }
    let out = cmd(&sb).env("TESTRAIL_API_KEY", "").args(["run", "get", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("TESTRAIL_API_KEY"));
}

// ---- transport policy under faults ----

fn fault(status: u16, next: u64, format: RetryFormat, method: Option<&str>) -> Faults {
    Faults {
        errors: vec![ErrorFault {
            status,
            next: Some(next),
            retry_after: Some(1),
            retry_format: format,
            method: method.map(str::to_string),
            ..ErrorFault::default()
        }],
        ..Faults::default()
    }
}

#[test]
fn rate_limits_are_waited_out_in_every_retry_after_form() {
    let sb = sandbox();
    for format in [RetryFormat::Seconds, RetryFormat::HttpDate, RetryFormat::Missing] {
        sb.set_faults(fault(429, 2, format, Some("get_runs")));
        sb.clear_requests();
        let out = cmd(&sb).args(["--verbose", "run", "list", "--project-id", "1"]).output().unwrap();
        assert!(out.status.success(), "{format:?}: {}", stderr_of(&out));
        assert_eq!(calls(&sb, "get_runs"), 3, "{format:?}");
        let err = stderr_of(&out);
        let expected = match format {
            RetryFormat::Missing => "no Retry-After",
            _ => "Retry-After: ",
        };
        assert_eq!(err.matches("retrying GET").count(), 2, "{err}");
        assert!(err.contains(expected), "{format:?}: {err}");
    }
}

#[test]
fn maintenance_and_server_errors_are_retried_with_backoff() {
    let sb = sandbox();
    for status in [409, 500, 502, 503, 504] {
        sb.set_faults(fault(status, 2, RetryFormat::Seconds, Some("get_run")));
        sb.clear_requests();
        let out = cmd(&sb).args(["--verbose", "run", "get", "1"]).output().unwrap();
        // Run 1 does not exist: after the retries TestRail's own 400 comes through.
        assert_eq!(out.status.code(), Some(4), "{status}: {}", stderr_of(&out));
        assert_eq!(calls(&sb, "get_run"), 3, "{status}");
        assert!(stderr_of(&out).contains(&format!("HTTP {status}")), "{status}");
    }
    // Out of retries: exit 5 and a message naming the settings.
    sb.set_faults(fault(503, 10, RetryFormat::Seconds, Some("get_run")));
    sb.clear_requests();
    let out = cmd(&sb).args(["--retries", "2", "run", "get", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(calls(&sb, "get_run"), 3);
    assert!(stderr_of(&out).contains("--retries"), "{}", stderr_of(&out));
}

#[test]
fn a_post_refused_with_503_is_resent_but_one_with_500_is_not() {
    let sb = sandbox();
    sb.set_faults(fault(503, 1, RetryFormat::Seconds, Some("add_run")));
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--name", "once", "--case-ids", "1"]));
    assert_eq!(calls(&sb, "add_run"), 2);
    assert!(stored_run(&sb, id_of(&run)).is_some());

    sb.set_faults(fault(500, 1, RetryFormat::Seconds, Some("close_run")));
    sb.clear_requests();
    let out = cmd(&sb).args(["run", "close", &id_of(&run).to_string()]).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(stderr_of(&out).contains("outcome of POST close_run"), "{}", stderr_of(&out));
    assert_eq!(calls(&sb, "close_run"), 1, "never re-sent blindly");
}

#[test]
fn add_run_with_a_dropped_answer_is_found_not_created_twice() {
    let sb = sandbox();
    sb.set_faults(Faults {
        drops: vec![DropFault { method: Some("add_run".into()), next: 1 }],
        ..Faults::default()
    });
    let out = cmd(&sb).args(["run", "create", "--project-id", "1", "--name", "dropped", "--case-ids", "1,2"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(calls(&sb, "add_run"), 1);
    let named: Vec<_> = entities(&sb.state(), "runs").filter(|r| r["name"] == "dropped").cloned().collect();
    assert_eq!(named.len(), 1, "exactly one run");
    assert!(stderr_of(&out).contains("created after all"));
}

#[test]
fn requests_are_spread_under_a_per_minute_limit() {
    let sb = sandbox_with(many_runs(260));
    let started = std::time::Instant::now();
    json_of(cmd(&sb).args(["--max-requests-per-minute", "600", "run", "list", "--project-id", "1"]));
    // Two pages at 600/min: the second starts at least 100 ms after the first.
    assert!(started.elapsed() >= std::time::Duration::from_millis(100));
}

// ---- secrets ----

#[test]
fn the_api_key_never_appears_in_any_output() {
    const KEY: &str = "Zx9-distinctive-KEY-4q7";
    let sb = sandbox_with(SandboxOptions { api_key: KEY.into(), ..SandboxOptions::default() });
    let b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(format!("{DEFAULT_USER}:{KEY}"))
    };
    sb.set_faults(fault(503, 2, RetryFormat::Seconds, None));
    let runs: Vec<std::process::Output> = vec![
        // verbose, succeeding after retries
        cmd(&sb).env("TESTRAIL_API_KEY", KEY).args(["-v", "run", "create", "--project-id", "1", "--case-ids", "1"]).output().unwrap(),
        // verbose, failing with TestRail's 400
        cmd(&sb).env("TESTRAIL_API_KEY", KEY).args(["-v", "--output", "json", "run", "get", "999"]).output().unwrap(),
        // key passed as a flag and rejected
        cmd(&sb).env_remove("TESTRAIL_API_KEY").args(["-v", "--api-key", &format!("{KEY}x"), "run", "list", "--project-id", "1"]).output().unwrap(),
        // unreachable server
        cmd(&sb).env("TESTRAIL_API_KEY", KEY).env("TESTRAIL_URL", "http://127.0.0.1:9/").args(["-v", "--retries", "1", "run", "get", "1"]).output().unwrap(),
        // bad proxy with the key in it
        cmd(&sb).env("TESTRAIL_API_KEY", KEY).env("TESTRAIL_PROXY", format!("ht!tp://u:{KEY}@")).args(["-v", "run", "get", "1"]).output().unwrap(),
    ];
    assert!(runs[0].status.success() && !runs[1].status.success() && !runs[2].status.success());
    for (i, out) in runs.iter().enumerate() {
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!all.contains(KEY) && !all.contains(&b64), "output {i} leaks the key:\n{all}");
        assert!(!all.is_empty(), "output {i} is empty");
    }
}

/// A library client connected to the sandbox, for setting up state the CLI does not write.
pub fn client_for(sb: &Sandbox) -> testrail_report::testrail::Client {
    let cfg = testrail_report::config::ConnectionConfig {
        url: sb.base_url(),
        user: DEFAULT_USER.into(),
        api_key: testrail_report::secret::Secret::new(testrail_report::sandbox::DEFAULT_API_KEY),
        timeout: std::time::Duration::from_secs(10),
        ca_cert: None,
        insecure: false,
        proxy: None,
    };
    testrail_report::testrail::Client::new(&cfg, &Default::default()).unwrap()
}
