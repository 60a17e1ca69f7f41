//! `run list`: pages beyond 250 runs, `--limit`/`--offset`, every filter, bare arrays.

use super::*;

// ---- listing: pages, filters, legacy arrays ----

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

    let text = cmd(&sb)
        .args(["run", "list", "--project-id", "1"])
        .output()
        .unwrap();
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
    let sb = sandbox_with(SandboxOptions {
        legacy_arrays: true,
        ..many_runs(3)
    });
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
    let sb = sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    });
    let state = sb.state();
    let find = |kind: &str, name: &str| {
        entities(&state, kind)
            .find(|v| v["name"] == name)
            .map(id_of)
            .expect("seeded")
    };
    let (project, a, b, m2) = (
        find("projects", "Multi"),
        find("suites", "A"),
        find("suites", "B"),
        find("milestones", "M2"),
    );
    let p = project.to_string();
    let create = |args: &[&str]| {
        let mut c = cmd(&sb);
        c.args(["run", "create", "--project-id", &p, "--include-all"])
            .args(args);
        json_of(&mut c)
    };
    create(&[
        "--suite-id",
        &a.to_string(),
        "--name",
        "a-open",
        "--milestone-id",
        &m2.to_string(),
        "--refs",
        "JIRA-1",
    ]);
    create(&[
        "--suite-id",
        &b.to_string(),
        "--name",
        "b-open",
        "--refs",
        "JIRA-2",
    ]);
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
        runs.as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let (a, b, m2) = (
        ids["a"].to_string(),
        ids["b"].to_string(),
        ids["m2"].to_string(),
    );

    assert_eq!(names(&[]), set(&["a-open", "b-open", "a-closed"]));
    assert_eq!(names(&["--suite-id", &a]), set(&["a-open", "a-closed"]));
    assert_eq!(
        names(&["--suite-id", &format!("{a},{b}")]),
        set(&["a-open", "b-open", "a-closed"])
    );
    assert_eq!(names(&["--milestone-id", &m2]), set(&["a-open"]));
    assert_eq!(names(&["--refs-filter", "JIRA-2"]), set(&["b-open"]));
    assert_eq!(names(&["--is-completed", "true"]), set(&["a-closed"]));
    assert_eq!(
        names(&["--is-completed", "false"]),
        set(&["a-open", "b-open"])
    );
    assert_eq!(names(&["--created-by", "1"]).len(), 3);
    assert!(names(&["--created-by", "77,78"]).is_empty());
    assert_eq!(
        names(&["--created-after", "0", "--created-before", "4102444800"]).len(),
        3
    );
    assert!(names(&["--created-after", "2100-01-01T00:00:00Z"]).is_empty());
    assert!(names(&["--created-before", "2000-01-01"]).is_empty());

    // The filters travel with `&`, lists comma-separated, booleans as 0/1, one `?` only.
    let sent = paths(&sb, "get_runs");
    assert!(
        sent.iter()
            .any(|p| p.ends_with(&format!("get_runs/{}&suite_id={a},{b}", ids["project"]))),
        "{sent:?}"
    );
    assert!(
        sent.iter().any(|p| p.contains("&is_completed=1")),
        "{sent:?}"
    );
    assert!(
        sent.iter().any(|p| p.contains("&created_after=4102444800")),
        "{sent:?}"
    );
    assert!(sent.iter().all(|p| p.matches('?').count() == 1), "{sent:?}");

    let bad = cmd(&sb)
        .args([
            "run",
            "list",
            "--project-id",
            &p,
            "--created-after",
            "last week",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr_of(&bad).contains("--created-after"));
}

#[test]
fn old_servers_auth_banner_before_the_json_is_skipped() {
    let sb = sandbox_with(SandboxOptions {
        auth_banner: true,
        legacy_arrays: true,
        ..many_runs(2)
    });
    let runs = json_of(cmd(&sb).args(["run", "list", "--project-id", "1"]));
    assert_eq!(runs.as_array().unwrap().len(), 2);
    let run = json_of(cmd(&sb).args(["run", "get", &id_of(&runs[0]).to_string()]));
    assert_eq!(run["id"], runs[0]["id"]);
}
