//! The `submit` pipeline: mapped testcases → one result per case → planned API calls →
//! TestRail. Every step before the network is a pure function of the reports and options, so
//! all reports are read, mapped and validated before the first write.

pub mod aggregate;
pub mod attachments;
pub mod batch;
pub mod comment;
pub mod elapsed;
pub mod fields;
pub mod results;
pub mod status;

use crate::junit::TestCase;
use crate::summary::TestRef;

/// A testcase as the summary and messages name it.
pub fn test_ref(t: &TestCase) -> TestRef {
    TestRef {
        name: t.full_name(),
        report: t.file.display().to_string(),
        file: t.source_file.clone(),
        line: t.line,
    }
}
