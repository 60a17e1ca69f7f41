//! What the readers' fixture tests share: the path of a fixture and a test found by name.

use std::path::{Path, PathBuf};

use super::{Report, TestCase};

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
