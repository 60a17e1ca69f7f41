//! Plans and run attachments over the wire: TestRail's refusals for plan runs and closed plans,
//! delete_plan, and add_attachment_to_run / _plan_entry with their listings.

use serde_json::json;
use testrail_report::sandbox::{DEFAULT_API_KEY, DEFAULT_USER, Sandbox};

use super::{assert_error, run_with};
use crate::common::{Answer, api, basic_auth, http, sandbox};

/// POST one file as the multipart part named `attachment`.
fn upload(sb: &Sandbox, call: &str, file_name: &str) -> Answer {
    let auth = basic_auth(DEFAULT_USER, DEFAULT_API_KEY);
    let body = format!(
        "--B\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/html\r\n\r\n<html/>\r\n--B--\r\n"
    );
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "multipart/form-data; boundary=B"),
    ];
    let target = format!("/index.php?/api/v2/{call}");
    http(sb.addr(), "POST", &target, &headers, body.as_bytes()).unwrap()
}

/// A plan with one entry holding cases 1 and 2; returns (plan ID, entry ID, run ID).
fn plan_with_entry(sb: &Sandbox) -> (u64, String, u64) {
    let plan = api(
        sb,
        "add_plan/1",
        Some(json!({"name": "P", "entries": [{"suite_id": 1, "include_all": false, "case_ids": [1, 2]}]})),
    )
    .json();
    let entry = &plan["entries"][0];
    (
        plan["id"].as_u64().unwrap(),
        entry["id"].as_str().unwrap().to_string(),
        entry["runs"][0]["id"].as_u64().unwrap(),
    )
}

#[test]
fn plan_runs_close_only_with_their_plan_and_a_closed_plan_takes_no_changes() {
    let sb = sandbox();
    let (plan, entry, run) = plan_with_entry(&sb);
    assert_error(
        &api(&sb, &format!("close_run/{run}"), Some(json!({}))),
        403,
        "This operation is not allowed. The test run belongs to a test plan and cannot be closed independently.",
    );
    let closed = api(&sb, &format!("close_plan/{plan}"), Some(json!({})));
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_eq!(closed.json()["entries"][0]["runs"][0]["is_completed"], true);
    let completed = "This operation is not allowed. The test plan is already completed.";
    assert_error(
        &api(&sb, &format!("close_plan/{plan}"), Some(json!({}))),
        403,
        completed,
    );
    assert_error(
        &api(
            &sb,
            &format!("update_plan_entry/{plan}/{entry}"),
            Some(json!({"name": "x"})),
        ),
        403,
        completed,
    );
    assert_error(
        &api(
            &sb,
            &format!("add_plan_entry/{plan}"),
            Some(json!({"suite_id": 1})),
        ),
        403,
        completed,
    );
    assert_error(
        &upload(
            &sb,
            &format!("add_attachment_to_plan_entry/{plan}/{entry}"),
            "a.html",
        ),
        403,
        completed,
    );
}

#[test]
fn delete_plan_removes_its_runs_and_get_plans_filters() {
    let sb = sandbox();
    let (plan, _, run) = plan_with_entry(&sb);
    let listed = |filters: &str| {
        api(&sb, &format!("get_plans/1{filters}"), None).json()["plans"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(listed(""), 1);
    assert_eq!(listed("&created_by=1&is_completed=0"), 1);
    assert_eq!(listed("&created_by=2"), 0);
    assert_eq!(listed("&milestone_id=1"), 0);
    assert_eq!(listed("&created_after=4102444800"), 0);
    let deleted = api(&sb, &format!("delete_plan/{plan}"), Some(json!({})));
    assert_eq!((deleted.status, deleted.body.as_str()), (200, ""));
    assert_error(
        &api(&sb, &format!("get_plan/{plan}"), None),
        400,
        "Field :plan_id is not a valid test plan.",
    );
    assert_error(
        &api(&sb, &format!("get_run/{run}"), None),
        400,
        "Field :run is not a valid test run.",
    );
}

#[test]
fn run_and_plan_entry_attachments_are_stored_listed_and_refused_when_closed() {
    let sb = sandbox();
    let run = run_with(&sb, &[1]);
    let answer = upload(&sb, &format!("add_attachment_to_run/{run}"), "report.html");
    assert_eq!(answer.status, 200, "{}", answer.body);
    let listed = api(&sb, &format!("get_attachments_for_run/{run}"), None).json();
    assert_eq!(listed["attachments"][0]["name"], "report.html");
    assert_eq!(listed["attachments"][0]["size"], 7);
    assert_error(
        &upload(&sb, "add_attachment_to_run/999", "a.html"),
        400,
        "Field :run_id is not a valid test run.",
    );
    api(&sb, &format!("close_run/{run}"), Some(json!({})));
    assert_error(
        &upload(&sb, &format!("add_attachment_to_run/{run}"), "b.html"),
        403,
        "This operation is not allowed. The test run is already completed.",
    );

    let (plan, entry, _) = plan_with_entry(&sb);
    let answer = upload(
        &sb,
        &format!("add_attachment_to_plan_entry/{plan}/{entry}"),
        "log.txt",
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let listed = api(
        &sb,
        &format!("get_attachments_for_plan_entry/{plan}/{entry}"),
        None,
    )
    .json();
    assert_eq!(listed[0]["name"], "log.txt");
    assert_error(
        &upload(
            &sb,
            &format!("add_attachment_to_plan_entry/{plan}/nope"),
            "a",
        ),
        400,
        "Field :entry_id is not a valid test plan entry.",
    );
}
