//! What the readers' fixture tests share: the path of a fixture, a test found by name, and
//! its steps.

use std::path::{Path, PathBuf};

use super::{Outcome, Report, TestCase};

/// `fixtures/<format>/<name>` of this repository.
pub fn fixture(format: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format)
        .join(name)
}

/// The test of `report` called `name`.
pub fn named<'a>(report: &'a Report, name: &str) -> &'a TestCase {
    report
        .tests
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no test named {name:?}"))
}

/// A test's steps as (content, outcome) pairs, for comparing with a literal.
pub fn steps(t: &TestCase) -> Vec<(&str, Outcome)> {
    t.steps()
        .iter()
        .map(|s| (s.content.as_str(), s.outcome))
        .collect()
}
