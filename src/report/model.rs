//! What a report says about each test, independent of the dialect it was written in.
//! Compare quick-junit's model: report → suites → cases, with flaky and rerun records.

use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::format::Format;

/// The outcome of one testcase, by the rules in docs/FORMATS.md ("Outcome rules").
///
/// Declared from best to worst, so `max()` over several testcases gives the aggregate
/// (error/failed > skipped > passed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Ran and passed (possibly after flaky retries).
    Passed,
    /// Did not run.
    Skipped,
    /// An assertion failed.
    Failed,
    /// The test could not complete (an exception outside an assertion, a crash).
    Error,
}

impl Outcome {
    /// The lower-case name used in JSON output and `--status` keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Skipped => "skipped",
            Outcome::Failed => "failed",
            Outcome::Error => "error",
        }
    }
}

/// Text from a report, capped in size so huge logs cannot exhaust memory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Text {
    /// The kept text (the start of it when cut).
    pub text: String,
    /// Whether the original was longer than the cap and was cut.
    pub truncated: bool,
}

/// Which result element a [`Record`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RecordKind {
    /// `<failure>`
    Failure,
    /// `<error>`
    Error,
    /// `<skipped>`
    Skipped,
    /// `<rerunFailure>`: a failed attempt of a test that never passed.
    RerunFailure,
    /// `<rerunError>`
    RerunError,
    /// `<flakyFailure>`: a failed attempt of a test that passed in the end.
    FlakyFailure,
    /// `<flakyError>`
    FlakyError,
}

/// One result element inside a testcase (failure, error, skipped, rerun or flaky record).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// The element it came from.
    pub kind: RecordKind,
    /// The `type` attribute (exception class), if any.
    pub kind_name: Option<String>,
    /// The `message` attribute, if any.
    pub message: Option<String>,
    /// The element's text (stack trace), capped.
    pub body: Text,
}

/// A `<property>` on a testcase: `value=` attribute or element text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Property {
    /// The property name.
    pub name: String,
    /// The value (attribute form wins over text form).
    pub value: String,
}

/// One step of a test (a Robot Framework keyword, a Cucumber step), sent to TestRail as an
/// entry of `custom_step_results`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// What the step did, as the report words it (a keyword with its arguments, a Gherkin line).
    pub content: String,
    /// How the step ended.
    pub outcome: Outcome,
}

/// A file carried inside the report itself (a Cucumber embedding), decoded, to be attached
/// to the test's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Embedded {
    /// A file name for it (the report's name when it gives one, else made from its kind).
    pub name: String,
    /// The media type the report gives, e.g. `image/png`.
    pub media_type: String,
    /// The decoded content.
    #[serde(skip)]
    pub data: Arc<[u8]>,
}

/// The parts of a testcase that most tests lack, kept out of line: a submit holds every
/// testcase until its results are posted, and these fields would add two thirds to each.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Details {
    /// `<system-out>` of the testcase, capped.
    pub system_out: Option<Text>,
    /// `<system-err>` of the testcase, capped.
    pub system_err: Option<Text>,
    /// Testcase properties in document order (names may repeat).
    pub properties: Vec<Property>,
    /// The source file the test lives in (`file=` / `filepath=`), if the report says.
    pub source_file: Option<String>,
    /// The source line (`line=` / `lineno=`), if the report says.
    pub line: Option<u32>,
    /// Steps in order, for formats that record them.
    pub steps: Vec<Step>,
    /// Files embedded in the report for this test.
    pub embedded: Vec<Embedded>,
}

/// One `<testcase>` element, read and classified.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestCase {
    /// The report file it came from (shared by every test of the file).
    pub file: Arc<Path>,
    /// Names of the enclosing testsuites, outermost first (shared by the suite's tests).
    pub suite: Arc<[String]>,
    /// The `classname` attribute (empty when absent; shared by consecutive tests of a class).
    pub classname: Arc<str>,
    /// The `name` attribute (empty when absent).
    pub name: String,
    /// The classified outcome.
    pub outcome: Outcome,
    /// Duration in seconds; `None` when missing, negative, or not a number.
    pub time: Option<f64>,
    /// Result elements in document order (failure, error, skipped, rerun*, flaky*).
    pub records: Vec<Record>,
    /// Captured output, properties and source location: most tests have none of them.
    pub details: Option<Box<Details>>,
    /// Failed attempts recorded as rerun/flaky elements (saturating; u16 keeps the test
    /// within its size budget).
    pub retries: u16,
    /// The TestRail suite the report says the test's cases are in (JUnit: a
    /// `testrail_suite_id` property of the test or of an enclosing testsuite). In a
    /// multi-suite project it spares the look-up of the case's suite; TestRail's suite IDs
    /// are 32-bit.
    pub suite_hint: Option<NonZeroU32>,
}

impl TestCase {
    /// A passed testcase with nothing recorded yet: the start for the reader and for tests.
    pub fn new(file: Arc<Path>, suite: Arc<[String]>, classname: Arc<str>, name: String) -> Self {
        TestCase {
            file,
            suite,
            classname,
            name,
            outcome: Outcome::Passed,
            time: None,
            records: Vec::new(),
            details: None,
            retries: 0,
            suite_hint: None,
        }
    }

    /// Drop the long texts (failure bodies, captured output) once nothing will read them
    /// again. A submit keeps its reports while it posts, and for a large run these texts
    /// take as much memory as all the comments built from them.
    pub fn release_texts(&mut self) {
        for record in &mut self.records {
            record.body = Text::default();
        }
        if let Some(d) = &mut self.details {
            d.system_out = None;
            d.system_err = None;
            d.embedded = Vec::new();
        }
    }

    /// The details, created on first write.
    pub fn details_mut(&mut self) -> &mut Details {
        self.details.get_or_insert_with(Box::default)
    }

    /// `<system-out>` of the testcase, capped.
    pub fn system_out(&self) -> Option<&Text> {
        self.details.as_ref()?.system_out.as_ref()
    }

    /// `<system-err>` of the testcase, capped.
    pub fn system_err(&self) -> Option<&Text> {
        self.details.as_ref()?.system_err.as_ref()
    }

    /// Testcase properties in document order (names may repeat).
    pub fn properties(&self) -> &[Property] {
        self.details.as_ref().map_or(&[], |d| &d.properties)
    }

    /// The source file the test lives in (`file=` / `filepath=`), if the report says.
    pub fn source_file(&self) -> Option<&str> {
        self.details.as_ref()?.source_file.as_deref()
    }

    /// The source line (`line=` / `lineno=`), if the report says.
    pub fn line(&self) -> Option<u32> {
        self.details.as_ref()?.line
    }

    /// The steps, for formats that record them.
    pub fn steps(&self) -> &[Step] {
        self.details.as_ref().map_or(&[], |d| &d.steps)
    }

    /// Files embedded in the report for this test.
    pub fn embedded(&self) -> &[Embedded] {
        self.details.as_ref().map_or(&[], |d| &d.embedded)
    }

    /// `classname.name`, or just `name` when there is no classname: the usual test identity.
    pub fn full_name(&self) -> String {
        if self.classname.is_empty() {
            self.name.clone()
        } else {
            format!("{}.{}", self.classname, self.name)
        }
    }

    /// Passed, but only after failed attempts.
    pub fn is_flaky(&self) -> bool {
        self.outcome == Outcome::Passed && self.retries > 0
    }

    /// The first failure or error record, which decides the result comment.
    pub fn first_problem(&self) -> Option<&Record> {
        self.records
            .iter()
            .find(|r| matches!(r.kind, RecordKind::Error | RecordKind::Failure))
    }

    /// Values of every property with this name, in document order.
    pub fn property_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.properties()
            .iter()
            .filter(move |p| p.name == name)
            .map(|p| p.value.as_str())
    }
}

/// One report file, read in full.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The file it was read from.
    pub path: Arc<Path>,
    /// The format it was read as.
    pub format: Format,
    /// Every testcase in document order.
    pub tests: Vec<TestCase>,
    /// Things a user should know that did not stop the read (a bad time value, a
    /// suite-level error, text cut at the cap).
    pub warnings: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_testcase_stays_small() {
        // A submit holds every testcase until the last result is posted: 100,000 of them at
        // 128 bytes is 12.8 MB. Growing this means choosing to spend that memory.
        assert!(std::mem::size_of::<TestCase>() <= 128);
    }
}
