//! trcli's own parser fixtures (`../shared/trcli-fixtures`): for every JUnit report with an
//! expected parse (`XML/<name>.xml` → `json/<name>.json`), our `submit --dry-run --output json`
//! must give the same case IDs, statuses, elapsed times, step results and result fields.
//! Comments are formatted differently by design and are not compared.
//!
//! trcli's `auto` matcher leaves `case_id: null` to be resolved later against the server's
//! `custom_automation_id`; here the sandbox holds one case per such automation ID, and we
//! match with `--case-matcher automation-id`, so the automation IDs we derive are compared too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use testrail_report::sandbox::{Sandbox, SandboxOptions, Seed};

use crate::common::{api, cmd, sandbox_with};

/// Our options for the matcher and settings trcli's own tests used for each fixture.
fn options(name: &str) -> &'static [&'static str] {
    match name {
        "root_id_in_name" => &["--case-matcher", "name"],
        "root_id_in_property" => &["--case-matcher", "property"],
        // trcli's --allow-ms.
        "milliseconds" => &["--case-matcher", "automation-id", "--elapsed-ms"],
        _ => &["--case-matcher", "automation-id"],
    }
}

/// Pairs we do not compare, and why.
fn excluded(source: &str) -> Option<&'static str> {
    if source.starts_with("robotframework") || source.contains("robot") {
        return Some("a Robot Framework report, not JUnit");
    }
    if source == "sauce.xml" {
        return Some(
            "trcli's --special-parser saucectl splits one report into a run per browser; a \
             submit makes one run",
        );
    }
    None
}

/// One testcase as trcli parsed it.
#[derive(Debug)]
struct Expected {
    case_id: Option<u64>,
    automation_id: String,
    result: Value,
}

fn expected(doc: &Value) -> Vec<Expected> {
    let mut out = Vec::new();
    walk(doc, &mut out);
    out
}

fn walk(node: &Value, out: &mut Vec<Expected>) {
    for case in node["testcases"].as_array().into_iter().flatten() {
        out.push(Expected {
            case_id: case["case_id"].as_u64(),
            // trcli writes Python's `None` for a missing classname ("None.name"); the test's
            // identity is its name then.
            automation_id: case["custom_automation_id"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches("None.")
                .to_string(),
            result: case["result"].clone(),
        });
    }
    for section in node["testsections"].as_array().into_iter().flatten() {
        walk(section, out);
    }
}

/// A sandbox with one case per automation ID trcli left for the server to resolve.
fn seeded(cases: &[Expected], by_automation: bool) -> Sandbox {
    let mut seed = Seed::empty();
    let section = seed.project("trcli", 1).suite("Master").section("All");
    if by_automation {
        for c in cases.iter().filter(|c| c.case_id.is_none()) {
            section.case(&c.automation_id, Some(&c.automation_id));
        }
    }
    sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    })
}

/// Automation ID → case ID as the sandbox holds them.
fn automation_ids(sb: &Sandbox) -> BTreeMap<String, u64> {
    let cases = api(sb, "get_cases/1", None).json();
    cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["custom_automation_id"].as_str().unwrap().to_string(),
                c["id"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The compared parts of a result: trcli's `result` object, or one of our dry-run results.
fn compared(status: &Value, elapsed: &Value, steps: &Value, fields: Value) -> Value {
    let steps = match steps {
        Value::Null => json!([]),
        other => other.clone(),
    };
    json!({"status_id": status, "elapsed": elapsed, "custom_step_results": steps, "result_fields": fields})
}

fn trcli_result(r: &Value) -> Value {
    compared(
        &r["status_id"],
        &r["elapsed"],
        &r["custom_step_results"],
        r["result_fields"].clone(),
    )
}

fn our_result(r: &Value) -> Value {
    const OWN: &[&str] = &[
        "case_id",
        "status_id",
        "comment",
        "elapsed",
        "defects",
        "custom_step_results",
    ];
    let fields: serde_json::Map<String, Value> = r
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| !OWN.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    compared(
        &r["status_id"],
        &r["elapsed"],
        &r["custom_step_results"],
        Value::Object(fields),
    )
}

/// `submit --dry-run --output json --project-id 1` with `args`: its JSON document, or why
/// there is none.
fn dry_run(mut cmd: assert_cmd::Command, args: &[&str], report: &Path) -> Result<Value, String> {
    let out = cmd
        .current_dir(std::env::temp_dir())
        .args([
            "submit",
            "--dry-run",
            "--output",
            "json",
            "--project-id",
            "1",
        ])
        .args(args)
        .arg(report)
        .output()
        .unwrap();
    serde_json::from_slice::<Value>(&out.stdout).map_err(|_| {
        format!(
            "no JSON document; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Our dry run's results by case, in the compared form.
fn our_results(doc: &Value) -> BTreeMap<u64, Value> {
    doc["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| (r["case_id"].as_u64().unwrap(), our_result(r)))
        .collect()
}

/// The differences between trcli's parse of `xml` and our dry run, one line each.
fn differences(name: &str, xml: &Path, cases: &[Expected]) -> Vec<String> {
    let opts = options(name);
    let by_automation = opts.contains(&"automation-id");
    let sb = seeded(cases, by_automation);
    let ids = automation_ids(&sb);
    let doc = match dry_run(cmd(&sb), opts, xml) {
        Ok(doc) => doc,
        Err(why) => return vec![format!("{name}: {why}")],
    };
    let ours = our_results(&doc);
    let mut diffs = Vec::new();
    let mut wanted = BTreeMap::new();
    let mut unmapped = 0;
    for c in cases {
        let case_id = match (c.case_id, by_automation) {
            (Some(id), _) => Some(id),
            (None, true) => ids.get(&c.automation_id).copied(),
            (None, false) => None,
        };
        match case_id {
            Some(id) => {
                wanted.insert(id, trcli_result(&c.result));
            }
            None => unmapped += 1,
        }
    }
    for (id, want) in &wanted {
        match ours.get(id) {
            None => diffs.push(format!(
                "{name}: case {id}: trcli posts {want}, we post nothing"
            )),
            Some(got) if got != want => {
                diffs.push(format!("{name}: case {id}: trcli {want}\n    ours  {got}"))
            }
            Some(_) => {}
        }
    }
    for id in ours.keys().filter(|id| !wanted.contains_key(id)) {
        diffs.push(format!("{name}: we post case {id}, trcli does not"));
    }
    let ours_unmapped = doc["unmapped"].as_array().map_or(0, Vec::len);
    if ours_unmapped != unmapped {
        diffs.push(format!(
            "{name}: trcli leaves {unmapped} test(s) unmatched, we leave {ours_unmapped}: {}",
            doc["unmapped"]
        ));
    }
    diffs
}

/// `../shared/trcli-fixtures` beside the repository (or beside a worktree's parent).
fn fixtures_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["../shared/trcli-fixtures", "../../shared/trcli-fixtures"]
        .iter()
        .map(|rel| root.join(rel))
        .find(|dir| dir.join("json").is_dir())
}

#[test]
fn every_junit_fixture_of_trcli_gives_what_trcli_gives() {
    let Some(dir) = fixtures_dir() else {
        eprintln!("skipped: ../shared/trcli-fixtures is not here");
        return;
    };
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir.join("json"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    let (mut compared, mut diffs) = (0, Vec::new());
    for path in names {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let source = doc["source"].as_str().unwrap_or_default().to_string();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if let Some(why) = excluded(&source) {
            eprintln!("not compared: {name} ({source}): {why}");
            continue;
        }
        let xml = dir.join("XML").join(&source);
        assert!(xml.is_file(), "{name}: its source {source} is missing");
        diffs.extend(differences(&name, &xml, &expected(&doc)));
        compared += 1;
    }
    assert!(compared >= 6, "only {compared} fixture pairs compared");
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// Our own fixture with every property trcli reads (`fixtures/trcli/conventions.xml`), in a dry
/// run with the name matcher: what trcli would post for it.
#[test]
fn trcli_conventions_give_what_trcli_gives_in_a_dry_run() {
    let report = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trcli/conventions.xml");
    let doc = dry_run(
        crate::common::bare_cmd(),
        &["--case-matcher", "name", "--status", "skipped=4"],
        &report,
    )
    .unwrap();
    let results = our_results(&doc);
    let want = |status: u64, elapsed: Value, steps: Value, fields: Value| {
        compared(&json!(status), &elapsed, &steps, fields)
    };
    let expected: BTreeMap<u64, Value> = [
        (
            11,
            want(
                5,
                json!("2s"),
                json!([{"content": "Open the cart", "status_id": 1},
                       {"content": "Check the total", "status_id": 5}]),
                json!({"version": "1.4.2"}),
            ),
        ),
        (
            13,
            want(
                1,
                Value::Null,
                json!([{"content": "Apply the voucher", "status_id": 4},
                       {"content": "Print the receipt", "status_id": 3}]),
                json!({}),
            ),
        ),
        (14, want(1, json!("1s"), json!([]), json!({}))),
        (15, want(1, json!("1s"), json!([]), json!({}))),
    ]
    .into();
    assert_eq!(results, expected);
    assert_eq!(doc["unmapped"][0]["name"], "shop.Checkout.refunds");
    let comment = doc["results"][0]["comment"].as_str().unwrap();
    assert!(comment.contains("Seen on staging"), "{comment}");
}
