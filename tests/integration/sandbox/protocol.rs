//! URL scheme, auth, verbs, content types, error texts, lookups and pagination.

use super::assert_error;
use crate::common::{api, basic_auth, http, sandbox, sandbox_with};
use serde_json::json;
use testrail_report::sandbox::{AUTH_FAILED, DEFAULT_API_KEY, DEFAULT_USER, SandboxOptions, Seed};

#[test]
fn every_api_call_needs_basic_auth_with_the_configured_key() {
    let sb = sandbox();
    let target = "/index.php?/api/v2/get_project/1";
    let none = http(sb.addr(), "GET", target, &[], b"").unwrap();
    assert_error(&none, 401, AUTH_FAILED);
    assert_eq!(
        AUTH_FAILED,
        "Authentication failed: invalid or missing user/password or session cookie."
    );
    let wrong = basic_auth(DEFAULT_USER, "not-the-key");
    let refused = http(sb.addr(), "GET", target, &[("Authorization", &wrong)], b"").unwrap();
    assert_error(&refused, 401, AUTH_FAILED);
    let right = basic_auth(DEFAULT_USER, DEFAULT_API_KEY);
    let ok = http(sb.addr(), "GET", target, &[("Authorization", &right)], b"").unwrap();
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(ok.json()["name"], "Demo");
}

#[test]
fn a_sub_path_install_answers_under_its_prefix_only() {
    let sb = sandbox_with(SandboxOptions {
        path_prefix: "testrail/".into(),
        ..SandboxOptions::default()
    });
    let auth = basic_auth(DEFAULT_USER, DEFAULT_API_KEY);
    let target = "/testrail/index.php?/api/v2/get_suite/1";
    let answer = http(sb.addr(), "GET", target, &[("Authorization", &auth)], b"").unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["name"], "Master");
    assert_eq!(
        answer.json()["url"],
        format!("{}index.php?/suites/view/1", sb.base_url())
    );
    for wrong in [
        "/index.php?/api/v2/get_suite/1",
        "/other/index.php?/api/v2/get_suite/1",
    ] {
        let answer = http(sb.addr(), "GET", wrong, &[("Authorization", &auth)], b"").unwrap();
        assert_eq!(answer.status, 404, "{wrong}");
        assert_eq!(
            answer.header("content-type"),
            Some("text/html; charset=utf-8")
        );
    }
}

#[test]
fn paths_outside_the_installation_are_a_web_servers_404() {
    let sb = sandbox();
    for target in [
        "/api/v2/get_run/1",
        "/testrail/index.php?/api/v2/get_run/1",
        "/favicon.ico",
    ] {
        let answer = http(sb.addr(), "GET", target, &[], b"").unwrap();
        assert_eq!(answer.status, 404, "{target}");
        assert_eq!(
            answer.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert!(answer.body.contains("Not Found"), "{target}");
    }
}

#[test]
fn the_site_root_and_ui_pages_are_html() {
    let sb = sandbox();
    for target in [
        "/",
        "/index.php?/dashboard",
        "/index.php?/projects/overview/1",
    ] {
        let answer = http(sb.addr(), "GET", target, &[], b"").unwrap();
        assert_eq!(answer.status, 200, "{target}");
        assert_eq!(
            answer.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert!(answer.body.starts_with("<!DOCTYPE html>"), "{target}");
    }
    let missing = http(sb.addr(), "GET", "/index.php?/runs/view/999", &[], b"").unwrap();
    assert_eq!(missing.status, 404);
}

#[test]
fn unknown_methods_are_404_and_verbs_are_enforced() {
    let sb = sandbox();
    let unknown = api(&sb, "get_everything/1", None);
    assert_eq!(unknown.status, 404);
    assert!(unknown.json()["error"].is_string());
    let get_a_write = api(&sb, "close_run/1", None);
    assert_error(
        &get_a_write,
        400,
        "Invalid request method: close_run requires POST.",
    );
    let post_a_read = api(&sb, "get_project/1", Some(json!({})));
    assert_error(
        &post_a_read,
        400,
        "Invalid request method: get_project requires GET.",
    );
}

#[test]
fn json_posts_need_the_json_content_type() {
    let sb = sandbox();
    let auth = basic_auth(DEFAULT_USER, DEFAULT_API_KEY);
    let target = "/index.php?/api/v2/add_run/1";
    let body = br#"{"name": "x"}"#;
    let missing = http(sb.addr(), "POST", target, &[("Authorization", &auth)], body).unwrap();
    assert_error(
        &missing,
        400,
        "Content-Type header missing (use Content-Type: application/json)",
    );
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "text/plain"),
    ];
    let wrong = http(sb.addr(), "POST", target, &headers, body).unwrap();
    assert_error(
        &wrong,
        400,
        "Content-Type header invalid (use Content-Type: application/json)",
    );
    assert!(sb.state()["runs"].as_object().unwrap().is_empty());
}

#[test]
fn unknown_and_malformed_ids_use_testrails_field_messages() {
    let sb = sandbox();
    let cases = [
        ("get_run/99", "Field :run is not a valid test run."),
        ("get_tests/99", "Field :run_id is not a valid test run."),
        (
            "get_results_for_run/99",
            "Field :run_id is not a valid test run.",
        ),
        ("get_run/abc", "Field :run_id is not a valid ID."),
        (
            "get_project/7",
            "Field :project_id is not a valid or accessible project.",
        ),
        (
            "get_runs/7",
            "Field :project_id is not a valid or accessible project.",
        ),
        ("get_suite/9", "Field :suite_id is not a valid test suite."),
        (
            "get_section/99",
            "Field :section_id is not a valid section.",
        ),
        ("get_case/99", "Field :case_id is not a valid test case."),
        ("get_plan/5", "Field :plan_id is not a valid test plan."),
        (
            "get_milestone/5",
            "Field :milestone_id is not a valid milestone.",
        ),
        (
            "get_user_by_email&email=nobody%40example.com",
            "Field :email is not a valid email address.",
        ),
    ];
    for (call, message) in cases {
        assert_error(&api(&sb, call, None), 400, message);
    }
    let bad_write = api(
        &sb,
        "add_results_for_cases/99",
        Some(json!({"results": []})),
    );
    assert_error(&bad_write, 400, "Field :run_id is not a valid test run.");
}

#[test]
fn lookups_answer_with_bare_arrays_where_the_docs_do() {
    let sb = sandbox();
    let statuses = api(&sb, "get_statuses", None).json();
    let names: Vec<&str> = statuses
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "passed", "blocked", "untested", "retest", "failed", "skipped"
        ]
    );
    // trcli asks with a project ID; both forms work.
    assert_eq!(api(&sb, "get_statuses/1", None).json(), statuses);
    let fields = api(&sb, "get_case_fields", None).json();
    assert_eq!(fields[0]["system_name"], "custom_automation_id");
    assert_eq!(fields[0]["is_active"], true);
    // The Step Results field trcli posts `custom_step_results` into (type 11).
    let result_fields = api(&sb, "get_result_fields", None).json();
    assert_eq!(result_fields[0]["system_name"], "custom_step_results");
    assert_eq!(result_fields[0]["type_id"], 11);
    assert_eq!(api(&sb, "get_suites/1", None).json()[0]["id"], 1);
    assert_eq!(
        api(&sb, "get_configs/1", None).json()[0]["configs"][1]["name"],
        "Firefox"
    );
    assert_eq!(
        api(&sb, "get_current_user", None).json()["email"],
        DEFAULT_USER
    );
    assert_eq!(api(&sb, "get_users", None).json()[0]["id"], 1);
    let by_email = api(&sb, "get_user_by_email&email=demo%40example.com", None);
    assert_eq!(by_email.json()["id"], 1);
    let milestones = api(&sb, "get_milestones/1", None).json();
    assert_eq!(milestones["milestones"][0]["name"], "Release 1.0");
}

/// A multi-suite project: project 1, suites 1 and 2, one section each, 3 cases each.
fn multi_suite() -> Seed {
    let mut seed = Seed::empty();
    let project = seed.project("Multi", 3);
    project.suite("Web").section("Login").cases(3, "web");
    project.suite("API").section("Tokens").cases(3, "api");
    seed
}

#[test]
fn multi_suite_projects_require_suite_id() {
    let sb = sandbox_with(SandboxOptions {
        seed: multi_suite(),
        ..SandboxOptions::default()
    });
    let required = "Field :suite_id is a required field.";
    assert_error(
        &api(&sb, "add_run/1", Some(json!({"name": "x"}))),
        400,
        required,
    );
    assert_error(&api(&sb, "get_cases/1", None), 400, required);
    assert_error(&api(&sb, "get_sections/1", None), 400, required);
    assert_error(
        &api(&sb, "add_section/1", Some(json!({"name": "s"}))),
        400,
        required,
    );
    let run = api(&sb, "add_run/1", Some(json!({"suite_id": 2})));
    assert_eq!(run.status, 200);
    assert_eq!(run.json()["name"], "API");
    assert_eq!(run.json()["untested_count"], 3);
    // Case 1 lives in suite 1, so it is foreign to a suite-2 run.
    let foreign = json!({"suite_id": 2, "include_all": false, "case_ids": [4, 1]});
    assert_error(
        &api(&sb, "add_run/1", Some(foreign)),
        400,
        "Field :case_ids contains unrecognized case IDs.",
    );
    let cases = api(&sb, "get_cases/1&suite_id=2", None).json();
    let ids: Vec<u64> = cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [4, 5, 6]);
    assert_eq!(cases["cases"][0]["custom_automation_id"], "api.1");
}

#[test]
fn get_cases_pages_at_250_and_next_keeps_the_filters() {
    let mut seed = Seed::empty();
    seed.project("Big", 1)
        .suite("Master")
        .section("All")
        .cases(260, "big");
    let sb = sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    });
    let first = api(&sb, "get_cases/1&section_id=1", None).json();
    assert_eq!(first["offset"], 0);
    assert_eq!(first["limit"], 250);
    assert_eq!(first["size"], 250);
    assert_eq!(first["cases"].as_array().unwrap().len(), 250);
    assert_eq!(first["_links"]["prev"], json!(null));
    let next = first["_links"]["next"].as_str().unwrap();
    assert_eq!(
        next,
        "/api/v2/get_cases/1&section_id=1&limit=250&offset=250"
    );
    let second = api(&sb, next.trim_start_matches("/api/v2/"), None).json();
    assert_eq!(second["size"], 10);
    assert_eq!(second["cases"][9]["id"], 260);
    assert_eq!(second["_links"]["next"], json!(null));
    let too_big = api(&sb, "get_cases/1&limit=251", None);
    assert_error(&too_big, 400, "Field :limit is too large (maximum 250).");
}

#[test]
fn legacy_mode_answers_bulk_gets_with_bare_arrays() {
    let sb = sandbox_with(SandboxOptions {
        legacy_arrays: true,
        ..SandboxOptions::default()
    });
    let cases = api(&sb, "get_cases/1&limit=3", None).json();
    assert_eq!(cases.as_array().unwrap().len(), 3);
    assert_eq!(cases[0]["id"], 1);
    assert!(api(&sb, "get_projects", None).json().is_array());
}

#[test]
fn add_case_and_add_section_extend_the_suite_and_include_all_runs() {
    let sb = sandbox();
    let all = api(&sb, "add_run/1", Some(json!({}))).json();
    let section = api(
        &sb,
        "add_section/1",
        Some(json!({"name": "New", "parent_id": 1})),
    );
    assert_eq!(section.json()["depth"], 1);
    let section_id = section.json()["id"].as_u64().unwrap();
    let no_title = api(&sb, &format!("add_case/{section_id}"), Some(json!({})));
    assert_error(&no_title, 400, "Field :title is a required field.");
    let body = json!({"title": "Fresh", "custom_automation_id": "x.y"});
    let case = api(&sb, &format!("add_case/{section_id}"), Some(body)).json();
    assert_eq!(case["id"], 13);
    assert_eq!(case["suite_id"], 1);
    let run = api(&sb, &format!("get_run/{}", all["id"]), None).json();
    assert_eq!(run["untested_count"], 13);
    let unknown = api(&sb, "add_case/99", Some(json!({"title": "t"})));
    assert_error(&unknown, 400, "Field :section_id is not a valid section.");
}

#[test]
fn bodies_escape_slashes_like_php_and_the_legacy_banner_is_optional() {
    let sb = sandbox();
    let raw = api(&sb, "get_project/1", None);
    let port = sb.addr().port();
    let escaped =
        format!(r#""url":"http:\/\/127.0.0.1:{port}\/index.php?\/projects\/overview\/1""#);
    assert!(raw.body.contains(&escaped), "{}", raw.body);
    assert_eq!(
        raw.json()["url"],
        format!("{}index.php?/projects/overview/1", sb.base_url())
    );

    let old = sandbox_with(SandboxOptions {
        auth_banner: true,
        ..SandboxOptions::default()
    });
    let answer = api(&old, "get_project/1", None);
    let json = answer
        .body
        .strip_prefix("USER AUTHENTICATION SUCCESSFUL!\n")
        .expect("the banner comes first");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(json).unwrap()["id"],
        1
    );
    let error = api(&old, "get_project/9", None);
    assert!(
        error.body.starts_with("{\"error\""),
        "errors carry no banner"
    );
}

#[tokio::test]
async fn starts_inside_a_runtime_and_serves_an_ordinary_http_client() {
    let sb = testrail_report::sandbox::Sandbox::start(SandboxOptions::default())
        .await
        .unwrap();
    let url = format!("{}index.php?/api/v2/add_run/1", sb.base_url());
    let response = reqwest::Client::new()
        .post(&url)
        .basic_auth(DEFAULT_USER, Some(DEFAULT_API_KEY))
        .json(&json!({"include_all": false, "case_ids": [1, 2]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let run: serde_json::Value = response.json().await.unwrap();
    assert_eq!(run["untested_count"], 2);
    assert_eq!(
        run["url"],
        format!("{}index.php?/runs/view/1", sb.base_url())
    );
    sb.shutdown().await;
}

#[test]
fn deleting_a_section_takes_its_subsections_cases_and_open_tests() {
    let sb = sandbox();
    let open = api(&sb, "add_run/1", Some(json!({}))).json();
    let closed = api(&sb, "add_run/1", Some(json!({}))).json();
    api(&sb, &format!("close_run/{}", closed["id"]), Some(json!({})));
    let child = api(
        &sb,
        "add_section/1",
        Some(json!({"name": "Sub", "parent_id": 2})),
    )
    .json();
    let child_case = format!("add_case/{}", child["id"]);
    assert_eq!(
        api(&sb, &child_case, Some(json!({"title": "t"}))).status,
        200
    );
    let soft = api(&sb, "delete_section/2&soft=1", Some(json!({})));
    assert_eq!(soft.json(), json!({"sections": 2, "cases": 5}));
    assert_eq!(sb.state()["cases"].as_object().unwrap().len(), 13);
    let gone = api(&sb, "delete_section/2", Some(json!({})));
    assert_eq!((gone.status, gone.body.as_str()), (200, ""));
    assert_error(
        &api(&sb, "get_section/2", None),
        400,
        "Field :section_id is not a valid section.",
    );
    assert_error(
        &api(&sb, "get_case/5", None),
        400,
        "Field :case_id is not a valid test case.",
    );
    let open_run = api(&sb, &format!("get_run/{}", open["id"]), None).json();
    assert_eq!(
        open_run["untested_count"], 8,
        "cases 5..8 and 13 left the open run"
    );
    let closed_run = api(&sb, &format!("get_run/{}", closed["id"]), None).json();
    assert_eq!(
        closed_run["untested_count"], 12,
        "closed runs keep their tests"
    );
    assert_eq!(api(&sb, "delete_case/1", Some(json!({}))).status, 200);
    assert_error(
        &api(&sb, "delete_case/1", Some(json!({}))),
        400,
        "Field :case_id is not a valid test case.",
    );
}
