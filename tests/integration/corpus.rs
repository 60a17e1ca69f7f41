//! The shared corpus of real-world reports (../shared/junit-corpus, never copied into the
//! repository): every file reads without panicking, JUnit files give the counts in
//! EXPECTED.tsv, the non-JUnit files of a format we read read as that format (a Robot
//! output.xml agreeing with its own `All Tests` statistics), and the other invalid or
//! non-JUnit files give a clear error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use testrail_report::commands::inspect::{Counts, Inventory};
use testrail_report::mapping::{Mapper, MappingOptions};
use testrail_report::report::{self, Format, ReportSelection};

/// Rows of EXPECTED.tsv we knowingly disagree with, and why (none at present: every row
/// matches the outcome rules as implemented).
const DISAGREE: &[(&str, &str)] = &[];

/// Files of `_not_junit/` in a format that is read now: each must read as that format, with
/// tests (their counts are checked against a reference reader in `formats_corpus.rs`).
const OTHER_FORMATS: &[(&str, Format)] = &[
    (
        "EnricoMi__publish-unit-test-result-action__python__test__files__nunit__mstest__timewarpinc.xml",
        Format::Nunit,
    ),
    (
        "EnricoMi__publish-unit-test-result-action__python__test__files__nunit__nunit3__jenkins__NUnit-issue50162.xml",
        Format::Nunit,
    ),
    (
        "EnricoMi__publish-unit-test-result-action__python__test__files__nunit__nunit3__jenkins__NUnit-simple.xml",
        Format::Nunit,
    ),
    (
        "EnricoMi__publish-unit-test-result-action__python__test__files__trx__mstest__pickles.trx",
        Format::Trx,
    ),
    (
        "EnricoMi__publish-unit-test-result-action__python__test__files__xunit__mstest__fixie.xml",
        Format::Xunit,
    ),
    (
        "allure-framework__allure2__plugins__trx-plugin__src__test__resources__trxdata__gh-749.trx",
        Format::Trx,
    ),
    (
        "allure-framework__allure2__plugins__xunit-xml-plugin__src__test__resources__xunitdata__failed-test.xml",
        Format::Xunit,
    ),
    (
        "dorny__test-reporter____tests____fixtures__dotnet-nunit.xml",
        Format::Nunit,
    ),
    (
        "gfoidl__trx2junit__tests__trx2junit.Core.Tests__data__trx__nunit-with-stdout.trx",
        Format::Trx,
    ),
];

fn corpus() -> Option<PathBuf> {
    crate::common::shared("junit-corpus").filter(|dir| dir.join("EXPECTED.tsv").exists())
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

/// What `inspect` computes for one file: its format and counts, or the error it prints.
fn inspect_one(path: &Path, mapper: &Mapper) -> Result<(Format, [usize; 6]), String> {
    let selection = ReportSelection {
        patterns: vec![path.display().to_string()],
        ..Default::default()
    };
    let loaded = report::load(&selection).map_err(|e| format!("{e:#}"))?;
    let inventory = Inventory::build(&loaded, mapper);
    let Counts {
        tests,
        passed,
        failed,
        error,
        skipped,
        flaky,
    } = inventory.files[0].counts;
    let format = inventory.files[0].format;
    Ok((format, [tests, passed, failed, error, skipped, flaky]))
}

/// A file of `_not_junit/` in a format we read, with the counts the file itself states:
/// for a Robot output.xml, its `All Tests` statistics as tests, passed, failed, skipped.
fn own_format(path: &Path) -> Option<(Format, [usize; 4])> {
    let text = std::fs::read_to_string(path).ok()?;
    let head: String = text.chars().take(2048).collect();
    if !head.contains("<robot ") && !head.contains("<robot>") {
        return None;
    }
    let stat =
        regex::Regex::new(r#"<stat pass="(\d+)" fail="(\d+)"(?: skip="(\d+)")?[^>]*>All Tests<"#)
            .unwrap();
    let caps = stat.captures(&text)?;
    let n = |i: usize| caps.get(i).map_or(0, |m| m.as_str().parse().unwrap());
    let (pass, fail, skip) = (n(1), n(2), n(3));
    Some((Format::Robot, [pass + fail + skip, pass, fail, skip]))
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
    let mapper = Mapper::new(&MappingOptions::default()).unwrap();
    let (mut pass, mut problems) = (0, Vec::new());
    for rel in &all {
        let result = inspect_one(&dir.join(rel), &mapper);
        let row = expected.get(rel);
        let own = own_format(&dir.join(rel)).filter(|_| rel.starts_with("_not_junit/"));
        let other = rel
            .strip_prefix("_not_junit/")
            .and_then(|name| OTHER_FORMATS.iter().find(|(n, _)| *n == name))
            .map(|(_, format)| *format);
        let must_fail = rel.starts_with("_not_junit/") || row.is_some_and(|r| r.0 == "invalid");
        let verdict = match (&result, row) {
            (Ok((format, got)), _) if own.is_some() => {
                let (want_format, want) = own.unwrap();
                let got4 = [got[0], got[1], got[2] + got[3], got[4]];
                if *format == want_format && got4 == want {
                    Ok(())
                } else {
                    Err(format!(
                        "read as {format} {got4:?}, expected {want_format} {want:?}"
                    ))
                }
            }
            (Err(msg), _) if own.is_some() => Err(format!("error: {msg}")),
            (Ok((format, got)), _) if other.is_some() => match other {
                Some(want) if *format == want && got[0] > 0 => Ok(()),
                _ => Err(format!("read as {format} with {got:?}, expected {other:?}")),
            },
            (Err(msg), _) if other.is_some() => Err(format!("expected to read: {msg}")),
            (Err(msg), _) if must_fail => clear_error(rel, msg),
            (Ok((_, got)), _) if must_fail => Err(format!("read {got:?}, expected an error")),
            (Err(msg), _) => Err(format!("error: {msg}")),
            (Ok((_, got)), Some((_, want))) if got == want => Ok(()),
            (Ok((_, got)), Some((_, want))) => Err(format!("got {got:?}, expected {want:?}")),
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

/// A clear error names the file and says what is wrong: a position for broken XML, or
/// what the file is instead of JUnit.
fn clear_error(rel: &str, msg: &str) -> Result<(), String> {
    let names_file = msg.contains(rel.rsplit('/').next().unwrap());
    let says_what = msg.contains("not a JUnit report")
        || msg.contains("not an XML file")
        || msg.contains("empty")
        || has_position(msg);
    if names_file && says_what {
        Ok(())
    } else {
        Err(format!("unclear error: {msg}"))
    }
}

fn has_position(msg: &str) -> bool {
    // `FILE:LINE:COLUMN: ` right after the file name.
    msg.split(".xml:").nth(1).is_some_and(|rest| {
        let mut parts = rest.splitn(3, ':');
        let line = parts.next().unwrap_or("");
        let column = parts.next().unwrap_or("");
        !line.is_empty()
            && line.bytes().all(|b| b.is_ascii_digit())
            && column.bytes().all(|b| b.is_ascii_digit())
            && !column.is_empty()
    })
}
