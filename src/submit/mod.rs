//! The `submit` pipeline: mapped testcases → one result per case → planned API calls →
//! TestRail. Every step before the network is a pure function of the reports and options, so
//! all reports are read, mapped and validated before the first write.
//!
//! The stages, in the order a submit runs them: `checks` (every test's case IDs, validated),
//! `plan` (one result per case: status, comment, elapsed, fields, attachments), `cases`
//! (`--create-missing-cases`), `deliver` (open the run, post, close). `execute` runs them in
//! that order; `options` and `outcome` are what goes in and what comes out.

pub mod cases;
pub mod checks;
pub mod configs;
pub mod deliver;
pub mod execute;
pub mod lookup;
pub mod options;
pub mod outcome;
pub mod plan;

use crate::report::TestCase;
use crate::summary::TestRef;

/// A testcase as the summary and messages name it.
pub fn test_ref(t: &TestCase) -> TestRef {
    TestRef {
        name: t.full_name(),
        report: t.file.display().to_string(),
        file: t.source_file().map(String::from),
        line: t.line(),
    }
}
