//! The version `--version` prints: the package version and, when the binary was built from a
//! git checkout, the commit and its date (`0.1.0 (a1b2c3d4e5f6 2026-12-06)`). `build.rs`
//! reads git; a build from a source archive without `.git` prints the package version alone.

/// `--version`'s text.
pub const LONG: &str = env!("TESTRAIL_REPORT_VERSION");
