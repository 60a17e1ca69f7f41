//! The library client against the sandbox: every typed method parses what a TestRail-shaped
//! server sends, POSTs with an unknown outcome are surfaced (never re-sent), and the counters
//! the submit summary reports are right.

use std::time::Duration;

use serde_json::{Map, json};
use testrail_report::sandbox::{
    DEFAULT_USER, DelayFault, DropFault, ErrorFault, Faults, RetryFormat, SandboxOptions, Seed,
};
use testrail_report::testrail::{
    ApiError, Client, ClientOptions, NewPlanEntry, NewRun, ResultForCase,
};

use crate::common::{calls, client, connection, sandbox, sandbox_with};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

fn result(case_id: u64, status_id: u64) -> ResultForCase {
    ResultForCase {
        case_id,
        status_id: Some(status_id),
        comment: Some("ok".into()),
        elapsed: Some("2s".into()),
        ..Default::default()
    }
}

#[test]
fn every_typed_method_reads_the_servers_objects() {
    let sb = sandbox();
    let c = client(&sb, Duration::from_secs(10));
    rt().block_on(async {
        assert_eq!(c.get_current_user().await.unwrap().email, DEFAULT_USER);
        let project = c.get_project(1).await.unwrap();
        assert_eq!(
            (project.name.as_str(), project.suite_mode),
            ("Demo", Some(1))
        );
        assert!(c.get_projects().await.unwrap().iter().any(|p| p.id == 1));
        assert_eq!(c.get_suites(1).await.unwrap().len(), 1);
        let statuses = c.get_statuses().await.unwrap();
        assert!(statuses.iter().any(|s| s.id == 5 && s.name == "failed"));
        assert!(statuses.iter().any(|s| s.id == 6 && !s.is_system));
        assert_eq!(c.get_cases(1, Some(1), None).await.unwrap().len(), 12);
        assert_eq!(c.get_cases(1, None, Some(1)).await.unwrap().len(), 4);
        assert_eq!(c.get_case(3).await.unwrap().id, 3);
        assert!(
            c.get_case_fields()
                .await
                .unwrap()
                .iter()
                .any(|f| f.system_name == "custom_automation_id")
        );
        c.get_result_fields().await.unwrap();
        assert_eq!(c.get_milestones(1).await.unwrap().len(), 1);
        let groups = c.get_configs(1).await.unwrap();
        assert_eq!(groups[0].name, "Browsers");
        assert_eq!(groups[0].configs.len(), 2);

        let section = c.add_section(1, Some(1), "New area", None).await.unwrap();
        assert!(
            c.get_sections(1, Some(1))
                .await
                .unwrap()
                .iter()
                .any(|s| s.id == section.id)
        );
        let mut fields = Map::new();
        fields.insert("refs".into(), json!("JIRA-5"));
        let case = c.add_case(section.id, "Fresh case", &fields).await.unwrap();
        assert_eq!(
            (case.title.as_str(), case.refs.as_deref()),
            ("Fresh case", Some("JIRA-5"))
        );

        let run = c
            .add_run(
                1,
                &NewRun {
                    name: Some("lib".into()),
                    case_ids: Some(vec![1, 2, case.id]),
                    ..NewRun::default()
                },
            )
            .await
            .unwrap();
        let tests = c.get_tests(run.id).await.unwrap();
        assert_eq!(tests.len(), 3);
        let posted = c
            .add_results_for_cases(run.id, &[result(1, 1), result(2, 5)])
            .await
            .unwrap();
        assert_eq!(posted.len(), 2);
        assert_eq!(c.get_results_for_run(run.id).await.unwrap().len(), 2);
        let attachment = c
            .add_attachment_to_result(posted[0].id, "log.txt", b"hello".to_vec())
            .await
            .unwrap();
        assert!(!attachment.to_string().is_empty());
        let run = c.get_run(run.id).await.unwrap();
        assert_eq!(
            (run.passed_count, run.failed_count, run.untested_count),
            (1, 1, 1)
        );
        assert_eq!(
            c.run_url(run.id),
            format!("{}index.php?/runs/view/{}", sb.base_url(), run.id)
        );
    });
    let state = sb.state();
    let stored = state["attachments"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .clone();
    assert_eq!(
        (stored["name"].as_str(), stored["size"].as_u64()),
        (Some("log.txt"), Some(5))
    );
}

#[test]
fn plans_entries_and_their_runs() {
    let mut seed = Seed::demo();
    seed.projects[0].plan(json!({"name": "Release plan"}));
    let sb = sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    });
    let c = client(&sb, Duration::from_secs(10));
    rt().block_on(async {
        let entry = c
            .add_plan_entry(
                1,
                &NewPlanEntry {
                    suite_id: 1,
                    name: Some("Shard".into()),
                    case_ids: Some(vec![1, 2]),
                    ..NewPlanEntry::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(entry.runs.len(), 1);
        let plan = c.get_plan(1).await.unwrap();
        assert_eq!(plan.entries.len(), 1);
        assert_eq!(plan.entries[0].id, entry.id);
        assert_eq!(c.get_tests(entry.runs[0].id).await.unwrap().len(), 2);
    });
}

#[test]
fn a_dropped_write_is_reported_as_unknown_and_never_resent() {
    let sb = sandbox();
    let c = client(&sb, Duration::from_secs(10));
    let run = rt()
        .block_on(c.add_run(
            1,
            &NewRun {
                case_ids: Some(vec![1, 2]),
                ..NewRun::default()
            },
        ))
        .unwrap();
    sb.set_faults(Faults {
        drops: vec![DropFault {
            method: Some("add_results_for_cases".into()),
            next: 1,
        }],
        ..Faults::default()
    });
    let err = rt()
        .block_on(c.add_results_for_cases(run.id, &[result(1, 1)]))
        .unwrap_err();
    assert!(matches!(err, ApiError::OutcomeUnknown { .. }), "{err:?}");
    assert_eq!(calls(&sb, "add_results_for_cases"), 1);
    // The write did happen: exactly one result, which is why re-sending blindly would be wrong.
    assert_eq!(
        rt().block_on(c.get_results_for_run(run.id)).unwrap().len(),
        1
    );
}

#[test]
fn slow_answers_time_out_gets_are_retried_posts_are_not() {
    let sb = sandbox();
    let c = client(&sb, Duration::from_millis(300));
    sb.set_faults(Faults {
        delays: vec![DelayFault {
            ms: 600,
            method: Some("add_run".into()),
        }],
        ..Faults::default()
    });
    let err = rt()
        .block_on(c.add_run(
            1,
            &NewRun {
                include_all: true,
                ..NewRun::default()
            },
        ))
        .unwrap_err();
    assert!(matches!(err, ApiError::OutcomeUnknown { .. }), "{err:?}");
    // The sandbox drops (and does not log) a delayed request whose client hung up, so count
    // attempts on the client side.
    assert_eq!(c.stats().requests, 1);

    // A GET that times out is simply asked again (here until the retries are spent).
    sb.set_faults(Faults {
        delays: vec![DelayFault {
            ms: 600,
            method: Some("get_projects".into()),
        }],
        ..Faults::default()
    });
    let err = rt().block_on(c.get_projects()).unwrap_err();
    assert!(
        matches!(err, ApiError::Unreachable { attempts: 6, .. }),
        "{err:?}"
    );
    assert_eq!(c.stats().requests, 1 + 6);
    assert_eq!(c.stats().retries, 5);
}

#[test]
fn stats_count_requests_and_retries_across_clones() {
    let sb = sandbox();
    let c = client(&sb, Duration::from_secs(10));
    sb.set_faults(Faults {
        errors: vec![ErrorFault {
            status: 429,
            every: Some(3),
            retry_after: Some(0),
            ..ErrorFault::default()
        }],
        ..Faults::default()
    });
    let clone = c.clone();
    rt().block_on(async {
        let tasks: Vec<_> = (0..9)
            .map(|_| {
                let c = clone.clone();
                tokio::spawn(async move { c.get_project(1).await.map(|p| p.id) })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 1);
        }
    });
    let stats = c.stats();
    assert_eq!(stats.requests as usize, calls(&sb, "get_project"));
    assert_eq!(stats.requests - stats.retries, 9);
    assert!(stats.retries >= 4, "{stats:?}");
}

#[test]
fn five_thousand_results_through_429s_503s_and_409s_arrive_exactly_once() {
    let mut seed = Seed::demo();
    seed.projects[0].suites[0].sections[0].cases(4988, "bulk");
    let sb = sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    });
    let c = client(&sb, Duration::from_secs(10));
    let run = rt()
        .block_on(c.add_run(
            1,
            &NewRun {
                include_all: true,
                ..NewRun::default()
            },
        ))
        .unwrap();
    sb.set_faults(Faults {
        errors: vec![
            ErrorFault {
                status: 429,
                every: Some(3),
                retry_after: Some(0),
                ..ErrorFault::default()
            },
            ErrorFault {
                status: 429,
                every: Some(5),
                retry_format: RetryFormat::Missing,
                ..ErrorFault::default()
            },
            ErrorFault {
                status: 503,
                every: Some(7),
                ..ErrorFault::default()
            },
            ErrorFault {
                status: 409,
                every: Some(11),
                ..ErrorFault::default()
            },
        ],
        ..Faults::default()
    });
    let before = c.stats();
    let results: Vec<_> = (1..=5000)
        .map(|id| result(id, if id % 2 == 0 { 1 } else { 5 }))
        .collect();
    let started = std::time::Instant::now();
    rt().block_on(async {
        for batch in results.chunks(250) {
            c.add_results_for_cases(run.id, batch).await.unwrap();
        }
    });
    let stats = c.stats();
    eprintln!(
        "5000 results: {} requests, {} retries, {:?}",
        stats.requests - before.requests,
        stats.retries - before.retries,
        started.elapsed()
    );
    assert!(stats.retries - before.retries >= 10, "{stats:?}");
    sb.set_faults(Faults::default());
    // Every case has exactly one result (read from the server's state: paging through 5,000
    // results would only slow the test down).
    let state = sb.state();
    let case_of =
        |test_id: &serde_json::Value| state["tests"][test_id.to_string()]["case_id"].as_u64();
    let mut per_case = std::collections::BTreeMap::new();
    for r in state["results"].as_object().unwrap().values() {
        *per_case.entry(case_of(&r["test_id"]).unwrap()).or_insert(0) += 1;
    }
    assert_eq!(per_case.len(), 5000);
    assert!(per_case.values().all(|n| *n == 1));
    let run = rt().block_on(c.get_run(run.id)).unwrap();
    assert_eq!(
        (run.passed_count, run.failed_count, run.untested_count),
        (2500, 2500, 0)
    );
}

#[test]
fn a_per_minute_limit_keeps_parallel_requests_under_the_servers_window() {
    // The server allows 10 requests a second; the client is told to send at most 8.
    let faults = Faults {
        rate_limit: Some(testrail_report::sandbox::RateLimit {
            requests: 10,
            window_secs: Some(1),
        }),
        ..Faults::default()
    };
    let sb = sandbox_with(SandboxOptions {
        faults,
        ..SandboxOptions::default()
    });
    let cfg = connection(&sb, Duration::from_secs(10));
    let opts = ClientOptions {
        max_requests_per_minute: Some(480),
        ..ClientOptions::default()
    };
    let c = Client::new(&cfg, &opts).unwrap();
    let started = std::time::Instant::now();
    rt().block_on(async {
        let tasks: Vec<_> = (0..14)
            .map(|_| {
                let c = c.clone();
                tokio::spawn(async move { c.get_project(1).await.map(|p| p.id) })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 1);
        }
    });
    // 14 starts 125 ms apart: 1.625 s, and not one 429.
    assert!(
        started.elapsed() >= Duration::from_millis(1600),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(c.stats().retries, 0, "{:?}", c.stats());
    assert_eq!(calls(&sb, "get_project"), 14);
}
