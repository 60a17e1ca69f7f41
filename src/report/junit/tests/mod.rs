//! Reader tests on the fixtures in `fixtures/junit/`, written the way each producer writes
//! its reports.

mod dialects;
mod input;
mod rules;
mod split;

use std::path::{Path, PathBuf};

use crate::report::{Outcome, ReadError, Report, TestCase, read_report};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/junit")
        .join(name)
}

fn read(name: &str) -> Report {
    read_report(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The JUnit reader's own verdict, whatever format the file's content shows.
fn fail(name: &str) -> ReadError {
    match super::read_report(&fixture(name), 2) {
        Ok(r) => panic!("{name}: read {} tests, expected an error", r.tests.len()),
        Err(e) => e,
    }
}

/// tests, passed, failed, error, skipped, flaky.
fn counts(report: &Report) -> [usize; 6] {
    let of = |o| report.tests.iter().filter(|t| t.outcome == o).count();
    [
        report.tests.len(),
        of(Outcome::Passed),
        of(Outcome::Failed),
        of(Outcome::Error),
        of(Outcome::Skipped),
        report.tests.iter().filter(|t| t.is_flaky()).count(),
    ]
}

fn test<'a>(report: &'a Report, name: &str) -> &'a TestCase {
    report
        .tests
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no test named {name:?}"))
}
