//! Reading JUnit XML reports: the many dialects test runners write, streamed with quick-xml.

pub mod model;

pub use model::{Outcome, Property, Record, RecordKind, Report, TestCase, Text};
