//! The shared corpus of real-world reports (../shared/junit-corpus, never copied into the
//! repository): every file reads without panicking, JUnit files give the counts in
//! EXPECTED.tsv, and invalid or non-JUnit files give a clear error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use testrail_report::junit::{self, Outcome};

/// Rows of EXPECTED.tsv we knowingly disagree with, and why.
const DISAGREE: &[(&str, &str)] = &[];

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/junit-corpus");
    if dir.join("EXPECTED.tsv").exists() {
        Some(dir)
    } else {
        eprintln!("note: {} is absent; corpus test skipped", dir.display());
        None
    }
}

/// kind, tests, passed, failed, error, skipped, flaky per relative path.
fn expected(dir: &Path) -> BTreeMap<String, (String, [usize; 6])> {
    let text = std::fs::read_to_string(dir.join("EXPECTED.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let n = |i: usize| cols.get(i).and_then(|v| v.parse().ok()).unwrap_or(0);
            let counts = [n(2), n(3), n(4), n(5), n(6), n(7)];
            (cols[0].to_owned(), (cols[1].to_owned(), counts))
        })
        .collect()
}

fn counts(report: &junit::Report) -> [usize; 6] {
    let of = |o| report.tests.iter().filter(|t| t.outcome == o).count();
    let flaky = report.tests.iter().filter(|t| t.is_flaky()).count();
    [
        report.tests.len(),
        of(Outcome::Passed),
        of(Outcome::Failed),
        of(Outcome::Error),
        of(Outcome::Skipped),
        flaky,
    ]
}

fn files(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, base, out);
        } else {
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if !matches!(
                rel.as_str(),
                "EXPECTED.tsv" | "MANIFEST.tsv" | "DIALECTS.md"
            ) {
                out.push(rel);
            }
        }
    }
}

#[test]
fn every_corpus_file_matches_expected() {
    let Some(dir) = corpus() else { return };
    let expected = expected(&dir);
    let mut all = Vec::new();
    files(&dir, &dir, &mut all);
    all.sort();
    let (mut pass, mut problems) = (0, Vec::new());
    for rel in &all {
        let result = junit::read_report(&dir.join(rel));
        let row = expected.get(rel);
        let must_fail = rel.starts_with("_not_junit/") || row.is_some_and(|r| r.0 == "invalid");
        let verdict = match (&result, row) {
            (Err(e), _) if must_fail => {
                let msg = e.to_string();
                if msg.contains(rel.rsplit('/').next().unwrap()) {
                    Ok(())
                } else {
                    Err(format!("unclear error: {msg}"))
                }
            }
            (Ok(r), _) if must_fail => {
                Err(format!("read {} tests, expected an error", r.tests.len()))
            }
            (Err(e), _) => Err(format!("error: {e}")),
            (Ok(r), Some((_, want))) if counts(r) == *want => Ok(()),
            (Ok(r), Some((_, want))) => Err(format!("got {:?}, expected {:?}", counts(r), want)),
            (Ok(_), None) => Err("no EXPECTED.tsv row".into()),
        };
        match verdict {
            Ok(()) => pass += 1,
            Err(_) if DISAGREE.iter().any(|(p, _)| p == rel) => pass += 1,
            Err(why) => problems.push(format!("{rel}: {why}")),
        }
    }
    eprintln!("corpus: {pass} of {} files as expected", all.len());
    assert!(
        problems.is_empty(),
        "{} files differ:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
