//! Robot Framework output.xml and Cucumber JSON end to end: `inspect` names the format of each
//! file, `submit` posts their results with step results and embedded files to the sandbox,
//! and trcli's own Robot expectations (../shared/trcli-fixtures, when present) hold.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::{cmd, json_of, sandbox};

const ROBOT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<robot generator="Robot 7.0 (Python 3.12)" generated="2024-11-02T09:15:00.000000" schemaversion="5">
<suite id="s1" name="Shop">
<suite id="s1-s1" name="Cart">
<test id="s1-s1-t1" name="Add item C1">
<kw name="Add To Cart" owner="Shop"><arg>apple</arg><status status="PASS" start="2024-11-02T09:15:00.0" elapsed="1.5"/></kw>
<kw name="Should Be Equal" owner="BuiltIn"><arg>${n}</arg><arg>2</arg><status status="FAIL" start="2024-11-02T09:15:01.5" elapsed="0.1">1 != 2</status></kw>
<status status="FAIL" start="2024-11-02T09:15:00.0" elapsed="2.6">1 != 2</status>
</test>
<test id="s1-s1-t2" name="Remove item">
<kw name="Remove From Cart" owner="Shop"><arg>apple</arg><status status="PASS" start="2024-11-02T09:15:03.0" elapsed="0.2"/></kw>
<doc>- testrail_case_id: C2
- testrail_result_field: custom_env:staging</doc>
<tag>smoke</tag>
<status status="PASS" start="2024-11-02T09:15:03.0" elapsed="0.3"/>
</test>
<test id="s1-s1-t3" name="Checkout">
<kw name="Skip" owner="BuiltIn"><arg>later</arg><status status="SKIP" start="2024-11-02T09:15:04.0" elapsed="0.0"/></kw>
<tag>C3</tag>
<status status="SKIP" start="2024-11-02T09:15:04.0" elapsed="0.0">later</status>
</test>
</suite>
</suite>
</robot>
"#;

fn cucumber() -> String {
    json!([{
        "uri": "features/search.feature", "keyword": "Feature", "name": "Search",
        "elements": [
            {"keyword": "Scenario", "type": "scenario", "name": "Find a lamp", "line": 3,
             "tags": [{"name": "@C4"}],
             "steps": [
                {"keyword": "Given ", "name": "I search for lamp",
                 "result": {"status": "passed", "duration": 1_500_000_000u64}},
                {"keyword": "Then ", "name": "I see 3 results",
                 "result": {"status": "failed", "duration": 200_000_000u64,
                            "error_message": "expected 3 but was 2\n\tat Steps.java:9"}}
             ],
             "after": [{"result": {"status": "passed", "duration": 1000},
                        "embeddings": [{"mime_type": "image/png", "name": "results.png",
                                        "data": "iVBORw0KGgpmYWtl"}]}]},
            {"keyword": "Scenario", "type": "scenario", "name": "Empty search", "line": 9,
             "tags": [{"name": "@testrail-C5"}],
             "steps": [{"keyword": "When ", "name": "I search for nothing",
                        "result": {"status": "passed", "duration": 10_000_000u64}}]}
        ]
    }])
    .to_string()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn inspect_says_which_format_each_file_was_read_as() {
    let dir = tempfile::tempdir().unwrap();
    let robot = write(dir.path(), "output.xml", ROBOT);
    let cucumber = write(dir.path(), "cucumber.json", &cucumber());
    let mut c = crate::common::bare_cmd();
    c.arg("inspect").arg(&robot).arg(&cucumber);
    let out = c.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("output.xml (robot): 3 tests: 1 passed, 1 failed, 0 error, 1 skipped"),
        "{text}"
    );
    assert!(
        text.contains("cucumber.json (cucumber): 2 tests: 1 passed, 1 failed"),
        "{text}"
    );
    assert!(
        text.contains("mapped to case IDs: 5, unmapped: 0"),
        "{text}"
    );
    let mut c = crate::common::bare_cmd();
    let doc = json_of(c.arg("inspect").arg(&robot).arg(&cucumber));
    let formats: Vec<&Value> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["format"])
        .collect();
    // Files are read in path order.
    assert_eq!(formats, [&json!("cucumber"), &json!("robot")]);
}

/// case ID → its one result in the sandbox's state.
fn results_by_case(sb: &testrail_report::sandbox::Sandbox) -> BTreeMap<u64, Value> {
    let state = sb.state();
    let tests: BTreeMap<u64, u64> = state["tests"]
        .as_object()
        .unwrap()
        .values()
        .map(|t| (t["id"].as_u64().unwrap(), t["case_id"].as_u64().unwrap()))
        .collect();
    state["results"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| (tests[&r["test_id"].as_u64().unwrap()], r.clone()))
        .collect()
}

#[test]
fn submit_posts_robot_and_cucumber_results_with_steps_and_embeddings() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let robot = write(dir.path(), "output.xml", ROBOT);
    let cucumber = write(dir.path(), "cucumber.json", &cucumber());
    let mut c = cmd(&sb);
    c.current_dir(dir.path())
        .args(["submit", "--project-id", "1"])
        .arg(&robot)
        .arg(&cucumber);
    let summary = json_of(&mut c);
    assert_eq!(summary["results_posted"], 5, "{summary}");
    let reports = &summary["reports"];
    assert_eq!(reports[0]["format"], "cucumber", "{summary}");
    assert_eq!(reports[1]["format"], "robot", "{summary}");
    let results = results_by_case(&sb);
    let steps = |case: u64| results[&case]["extra"]["custom_step_results"].clone();

    assert_eq!(results[&1]["status_id"], 5);
    assert_eq!(results[&1]["elapsed"], "3s");
    assert!(results[&1]["comment"].as_str().unwrap().contains("1 != 2"));
    assert_eq!(
        steps(1),
        json!([
            {"content": "Add To Cart    apple", "status_id": 1},
            {"content": "Should Be Equal    ${n}    2", "status_id": 5}
        ])
    );
    assert_eq!(results[&2]["status_id"], 1);
    assert_eq!(results[&2]["extra"]["custom_env"], "staging");
    assert_eq!(
        steps(2),
        json!([{"content": "Remove From Cart    apple", "status_id": 1}])
    );
    // Skipped falls back to Retest (4) on a server without a custom "skipped" status.
    let skipped = results[&3]["status_id"].as_u64().unwrap();
    assert_ne!(skipped, 1);
    assert_eq!(
        steps(3),
        json!([{"content": "Skip    later", "status_id": skipped}])
    );

    assert_eq!(results[&4]["status_id"], 5);
    assert_eq!(results[&4]["elapsed"], "2s");
    let comment = results[&4]["comment"].as_str().unwrap();
    assert!(comment.contains("expected 3 but was 2"), "{comment}");
    assert_eq!(
        steps(4),
        json!([
            {"content": "Given I search for lamp", "status_id": 1},
            {"content": "Then I see 3 results", "status_id": 5}
        ])
    );
    assert_eq!(results[&5]["status_id"], 1);
    let state = sb.state();
    let attachments: Vec<&Value> = state["attachments"].as_object().unwrap().values().collect();
    assert_eq!(attachments.len(), 1, "{attachments:?}");
    assert!(
        attachments[0]["name"]
            .as_str()
            .unwrap()
            .ends_with("results.png"),
        "{attachments:?}"
    );
    assert_eq!(attachments[0]["result_id"], results[&4]["id"]);
}

/// trcli's Robot Framework 5.0 fixtures and what trcli's reader made of them.
fn trcli_fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/trcli-fixtures");
    if dir.join("json").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "note: {} is absent; trcli comparison skipped",
            dir.display()
        );
        None
    }
}

/// Where we knowingly differ from trcli's expectation, and why.
const TRCLI_DISAGREE: &[(&str, &str, &str)] = &[(
    "robotframework_id_in_property_RF50",
    "Subtest 2b",
    // The file says 12.964 → 15.965 (3 s, as trcli's own id_in_name expectation for the
    // same test has it); this expectation was made from an older copy of the file.
    "elapsed",
)];

#[test]
fn robot_files_read_as_trcli_reads_them() {
    use testrail_report::mapping::{Mapper, MappingOptions};
    use testrail_report::report::{Outcome, read_report};
    use testrail_report::submit::plan::elapsed::elapsed;

    let Some(dir) = trcli_fixtures() else { return };
    let status = |o: Outcome| match o {
        Outcome::Passed => 1,
        Outcome::Skipped => 4,
        Outcome::Failed | Outcome::Error => 5,
    };
    let mut checked = 0;
    for name in [
        "robotframework_simple_RF50",
        "robotframework_id_in_name_RF50",
        "robotframework_id_in_property_RF50",
        "robotframework_quality_rating_RF50",
    ] {
        let report = read_report(&dir.join(format!("XML/{name}.xml"))).unwrap();
        let text = std::fs::read_to_string(dir.join(format!("json/{name}.json"))).unwrap();
        let want: Value = serde_json::from_str(&text).unwrap();
        // trcli's expectations for the name file come from its name matcher, which reads no
        // property: the same as ours given a property name no test has.
        let options = MappingOptions {
            case_properties: if name.contains("in_name") {
                vec!["trcli_name_matcher".into()]
            } else {
                Vec::new()
            },
            ..Default::default()
        };
        let mapper = Mapper::new(&options).unwrap();
        let expected: Vec<&Value> = want["testsections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["testcases"].as_array().unwrap())
            .collect();
        assert_eq!(report.tests.len(), expected.len(), "{name}");
        for (t, e) in report.tests.iter().zip(expected) {
            let title = e["title"].as_str().unwrap();
            let at = format!("{name}: {title}");
            let disagree = |what: &str| {
                TRCLI_DISAGREE
                    .iter()
                    .any(|d| d.0 == name && d.1 == title && d.2 == what)
            };
            assert!(t.name.contains(title), "{at}: our name is {:?}", t.name);
            match e["case_id"].as_u64() {
                Some(id) => assert_eq!(mapper.case_ids(t).ids, [id], "{at}"),
                None => assert_eq!(t.full_name(), e["custom_automation_id"], "{at}"),
            }
            let r = &e["result"];
            assert_eq!(status(t.outcome), r["status_id"], "{at}");
            let ours = elapsed(&[t], false).map(|e| e.to_string());
            if !disagree("elapsed") {
                assert_eq!(ours.as_deref(), r["elapsed"].as_str(), "{at}");
            }
            let steps = r["custom_step_results"].as_array().unwrap();
            assert_eq!(t.steps().len(), steps.len(), "{at}");
            for (ours, theirs) in t.steps().iter().zip(steps) {
                // trcli shows the keyword alone; we add its arguments, as the source reads.
                let keyword = theirs["content"].as_str().unwrap();
                assert!(ours.content.starts_with(keyword), "{at}: {}", ours.content);
                assert_eq!(status(ours.outcome), theirs["status_id"], "{at}");
            }
            let pairs = |prop: &str| -> BTreeMap<String, String> {
                t.property_values(prop)
                    .filter_map(|v| v.split_once(':'))
                    .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                    .collect()
            };
            let as_map = |v: &Value| -> BTreeMap<String, String> {
                v.as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                    .collect()
            };
            assert_eq!(
                pairs("testrail_result_field"),
                as_map(&r["result_fields"]),
                "{at}"
            );
            assert_eq!(
                pairs("testrail_case_field"),
                as_map(&e["case_fields"]),
                "{at}"
            );
            let attachments: Vec<&str> = t.property_values("testrail_attachment").collect();
            assert_eq!(attachments, *r["attachments"].as_array().unwrap(), "{at}");
            checked += 1;
        }
    }
    assert_eq!(checked, 16);
}
