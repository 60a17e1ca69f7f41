//! The `submit` pipeline: mapped testcases → one result per case → planned API calls →
//! TestRail. Every step before the network is a pure function of the reports and options, so
//! all reports are read, mapped and validated before the first write.

pub mod aggregate;
pub mod attachments;
pub mod automation;
pub mod batch;
pub mod case_plan;
pub mod case_title;
pub mod case_writes;
pub mod checks;
pub mod command;
pub mod comment;
pub mod create_cases;
pub mod deliver;
pub mod elapsed;
pub mod execute;
pub mod fields;
pub mod options;
pub mod post;
pub mod render;
pub mod results;
pub mod sections;
pub mod status;
pub mod target;
pub mod unsent;

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
