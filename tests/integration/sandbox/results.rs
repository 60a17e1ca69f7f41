//! Result semantics: all-or-nothing batches, status and elapsed validation, counters, single
//! results, attachments, and atomicity under concurrent clients.

use super::{assert_error, objects, run_with, tests_of};
use crate::common::{api, basic_auth, http, sandbox};
use serde_json::{Value, json};
use testrail_report::sandbox::{DEFAULT_API_KEY, DEFAULT_USER};

fn post_results(
    sb: &testrail_report::sandbox::Sandbox,
    run: u64,
    results: Value,
) -> crate::common::Answer {
    api(
        sb,
        &format!("add_results_for_cases/{run}"),
        Some(json!({ "results": results })),
    )
}

#[test]
fn a_batch_is_all_or_nothing() {
    let sb = sandbox();
    let run = run_with(&sb, &[1, 2]);
    let cases = [
        (
            json!([{"case_id": 1, "status_id": 1}, {"case_id": 5, "status_id": 1}]),
            "Field :results contains one or more invalid results (case C5 unknown or not part of the test run)",
        ),
        (
            json!([{"case_id": 1, "status_id": 1}, {"case_id": 2, "status_id": 3}]),
            "Field :results.status_id uses an invalid status (Untested).",
        ),
        (
            json!([{"case_id": 1, "status_id": 1}, {"case_id": 2, "status_id": 42}]),
            "Field :results.status_id is not a valid status.",
        ),
        (
            json!([{"case_id": 1, "status_id": 1, "elapsed": "0s"}]),
            "Field :results.elapsed is not in a valid time span format.",
        ),
        (
            json!([{"case_id": 1, "status_id": 1, "elapsed": "fast"}]),
            "Field :results.elapsed is not in a valid time span format.",
        ),
        (
            json!([{"status_id": 1}]),
            "Field :results.case_id is a required field.",
        ),
        (
            json!([{"case_id": 1}]),
            "Field :results contains one or more invalid results (one of Status ID, Assigned To or Comment is required)",
        ),
        (
            json!([]),
            "Field :results cannot be empty (one result is required)",
        ),
    ];
    for (batch, message) in cases {
        assert_error(&post_results(&sb, run, batch), 400, message);
    }
    assert_eq!(
        objects(&sb.state(), "results").count(),
        0,
        "nothing was stored"
    );
    assert_eq!(tests_of(&sb, run), [(1, 3), (2, 3)]);
}

#[test]
fn accepted_results_come_back_in_order_and_move_the_counters() {
    let sb = sandbox();
    let run = run_with(&sb, &[1, 2, 3, 4]);
    let batch = json!([
        {"case_id": 2, "status_id": 5, "comment": "boom", "elapsed": "90s", "defects": "BUG-1"},
        {"case_id": 1, "status_id": 1, "elapsed": "0.25s", "version": "1.2.3"},
        {"case_id": 3, "status_id": 6, "custom_env": "ci"},
        {"case_id": 4, "comment": "just a note"},
    ]);
    let stored = post_results(&sb, run, batch).json();
    let stored = stored.as_array().unwrap();
    assert_eq!(stored.len(), 4);
    assert_eq!(stored[0]["status_id"], 5);
    assert_eq!(stored[0]["elapsed"], "1m 30s");
    assert_eq!(stored[0]["defects"], "BUG-1");
    assert_eq!(stored[1]["elapsed"], "0.25s");
    assert_eq!(stored[2]["custom_env"], "ci");
    assert_eq!(stored[3]["status_id"], json!(null));
    let counts = api(&sb, &format!("get_run/{run}"), None).json();
    let count = |k: &str| counts[k].as_u64().unwrap();
    assert_eq!(
        [
            count("passed_count"),
            count("failed_count"),
            count("custom_status1_count"),
            count("untested_count")
        ],
        [1, 1, 1, 1],
        "a comment-only result leaves the test untested"
    );
    let failed = api(&sb, &format!("get_tests/{run}&status_id=5"), None).json();
    assert_eq!(failed["tests"][0]["case_id"], 2);
    let newest = api(&sb, &format!("get_results_for_run/{run}"), None).json();
    assert_eq!(
        newest["results"][0]["comment"], "just a note",
        "newest first"
    );
    let for_case = api(&sb, &format!("get_results_for_case/{run}/2"), None).json();
    assert_eq!(for_case["results"][0]["comment"], "boom");
}

#[test]
fn single_results_use_unprefixed_field_names() {
    let sb = sandbox();
    let run = run_with(&sb, &[1]);
    let not_in_run = api(
        &sb,
        &format!("add_result_for_case/{run}/2"),
        Some(json!({"status_id": 1})),
    );
    assert_error(
        &not_in_run,
        400,
        "No (active) test found for the run/case combination.",
    );
    let untested = api(
        &sb,
        &format!("add_result_for_case/{run}/1"),
        Some(json!({"status_id": 3})),
    );
    assert_error(
        &untested,
        400,
        "Field :status_id uses an invalid status (Untested).",
    );
    let zero = json!({"status_id": 1, "elapsed": "0s"});
    let zero = api(&sb, &format!("add_result_for_case/{run}/1"), Some(zero));
    assert_error(
        &zero,
        400,
        "Field :elapsed is not in a valid time span format.",
    );
    let empty = api(
        &sb,
        &format!("add_result_for_case/{run}/1"),
        Some(json!({})),
    );
    assert_error(
        &empty,
        400,
        "One of Status ID, Assigned To or Comment is required",
    );
    let ok = api(
        &sb,
        &format!("add_result_for_case/{run}/1"),
        Some(json!({"status_id": 2})),
    );
    assert_eq!(ok.json()["status_id"], 2);
    let test_id = ok.json()["test_id"].as_u64().unwrap();
    let by_test = json!({"results": [{"test_id": test_id, "status_id": 1}, {"test_id": 999, "status_id": 1}]});
    assert_error(
        &api(&sb, &format!("add_results/{run}"), Some(by_test)),
        400,
        "Field :results contains one or more invalid results (test T999 unknown or not part of the test run)",
    );
    assert_eq!(tests_of(&sb, run), [(1, 2)]);
}

#[test]
fn attachments_upload_as_multipart_part_named_attachment() {
    let sb = sandbox();
    let run = run_with(&sb, &[1]);
    let result = post_results(&sb, run, json!([{"case_id": 1, "status_id": 5}])).json();
    let result_id = result[0]["id"].as_u64().unwrap();
    let auth = basic_auth(DEFAULT_USER, DEFAULT_API_KEY);
    let boundary = "XBOUNDARYX";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"shot.png\"\r\n\
         Content-Type: image/png\r\n\r\nPNGDATA\r\n--{boundary}--\r\n"
    );
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", content_type.as_str()),
    ];
    let target = format!("/index.php?/api/v2/add_attachment_to_result/{result_id}");
    let answer = http(sb.addr(), "POST", &target, &headers, body.as_bytes()).unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json(), json!({"attachment_id": 1}));
    let state = sb.state();
    let stored = objects(&state, "attachments").next().unwrap();
    assert_eq!(
        (stored["name"].as_str(), stored["size"].as_u64()),
        (Some("shot.png"), Some(7))
    );
    assert_eq!(
        state["results"][result_id.to_string()]["attachment_ids"],
        json!([1])
    );
    let wrong_part = body.replace("name=\"attachment\"", "name=\"file\"");
    let refused = http(sb.addr(), "POST", &target, &headers, wrong_part.as_bytes()).unwrap();
    assert_error(&refused, 400, "Field :attachment is a required field.");
}

#[test]
fn concurrent_batches_are_each_applied_whole() {
    let sb = sandbox();
    let run = run_with(&sb, &(1..=12).collect::<Vec<_>>());
    std::thread::scope(|scope| {
        for worker in 0..8u64 {
            let sb = &sb;
            scope.spawn(move || {
                for round in 0..5u64 {
                    let batch: Vec<Value> = (1..=12)
                        .map(|case| json!({"case_id": case, "status_id": 1 + (worker + round) % 2 * 4}))
                        .collect();
                    assert_eq!(post_results(sb, run, json!(batch)).status, 200);
                }
            });
        }
    });
    let state = sb.state();
    assert_eq!(objects(&state, "results").count(), 8 * 5 * 12);
    let run = api(&sb, &format!("get_run/{run}"), None).json();
    let total = run["passed_count"].as_u64().unwrap() + run["failed_count"].as_u64().unwrap();
    assert_eq!(total, 12);
    // Each batch set all 12 tests to one status, and batches never interleave, so every test
    // carries the status of the last batch applied.
    assert!(
        run["passed_count"] == 12 || run["failed_count"] == 12,
        "{run}"
    );
}
