//! The shared corpus of .NET reports (../shared/formats-corpus, never copied into the
//! repository): every TRX, NUnit and xUnit.net file reads as its format and agrees with the
//! counts a widely used reader of these formats expects (its `NAME.results.json`): tests
//! (runs), passed, skipped, and failed + error together, since an error in one tool can be a
//! failure in another. Files that reader could not read (`stats.errors`) are only read.

use std::path::{Path, PathBuf};

use crate::common::shared;

use testrail_report::report::{Format, Outcome, read_report};

/// Files whose expected counts we knowingly disagree with, and why.
const DISAGREE: &[(&str, &str)] = &[(
    "xunit/mstest/jenkinsci/testcase2.xml",
    "the file holds one <test>; the reference counts the assembly's total=\"3\" attributes",
)];

fn reports(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.to_string_lossy();
        if path.is_dir() {
            reports(&path, out);
        } else if name.ends_with(".xml") || name.ends_with(".trx") {
            out.push(path);
        }
    }
}

/// runs, passed, skipped, failed + error.
fn expected(report: &Path) -> Option<[u64; 4]> {
    let stem = report.with_extension("");
    let json = PathBuf::from(format!("{}.results.json", stem.display()));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(json).ok()?).ok()?;
    let stats = &doc["stats"];
    if stats["errors"].as_array().is_some_and(|e| !e.is_empty()) {
        return None;
    }
    let n = |key: &str| stats[key].as_u64().unwrap_or(0);
    Some([
        n("runs"),
        n("runs_succ"),
        n("runs_skip"),
        n("runs_fail") + n("runs_error"),
    ])
}

#[test]
fn every_dotnet_report_agrees_with_the_reference_reader() {
    let Some(dir) = shared("formats-corpus") else {
        return;
    };
    let mut all = Vec::new();
    reports(&dir, &mut all);
    all.sort();
    assert!(!all.is_empty(), "no reports under {}", dir.display());
    let mut problems = Vec::new();
    for path in &all {
        let rel = path.strip_prefix(&dir).unwrap().display().to_string();
        let report = match read_report(path) {
            Ok(report) => report,
            Err(err) => {
                problems.push(format!("{rel}: {err}"));
                continue;
            }
        };
        let want = match rel.split('/').next() {
            Some("trx") => Format::Trx,
            Some("nunit") => Format::Nunit,
            _ => Format::Xunit,
        };
        if report.format != want {
            problems.push(format!("{rel}: read as {}, not {want}", report.format));
        }
        let of = |o: &[Outcome]| {
            report
                .tests
                .iter()
                .filter(|t| o.contains(&t.outcome))
                .count() as u64
        };
        let got = [
            report.tests.len() as u64,
            of(&[Outcome::Passed]),
            of(&[Outcome::Skipped]),
            of(&[Outcome::Failed, Outcome::Error]),
        ];
        match expected(path) {
            Some(want) if want != got && !DISAGREE.iter().any(|(p, _)| *p == rel) => {
                problems.push(format!(
                    "{rel}: got {got:?}, expected {want:?} (tests, passed, skipped, failed+error)"
                ));
            }
            _ => {}
        }
    }
    eprintln!(
        "formats corpus: {} files, {} differ",
        all.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
