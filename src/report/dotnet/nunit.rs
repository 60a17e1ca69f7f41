//! NUnit result XML: NUnit 3's `<test-run>` and NUnit 2's `<test-results>` (also written by
//! other runners in NUnit's format). A `test-case` is a test wherever it sits; the
//! `test-suite`s around it are its suite path. NUnit 3 says `result` + `label`
//! (`Failed`/`Error`, `Skipped`/`Ignored`, …), NUnit 2 `result` alone (`Success`,
//! `Failure`, `Ignored`, `NotRunnable`…) and `executed`.

use std::path::Path;
use std::sync::Arc;

use super::{Suites, Texts, basename, category, finish, name_value, property, seconds, set_time};
use crate::report::classnames::Classnames;
use crate::report::error::ReadError;
use crate::report::format::Format;
use crate::report::model::{Outcome, Property, Report, TestCase};
use crate::report::notes::Notes;
use crate::report::text::TextBuf;
use crate::report::xml::{self, Fail, Handler, Input, Tag};

/// Read an NUnit result file held in memory.
pub fn read(path: &Path, input: Input) -> Result<Report, ReadError> {
    let mut nunit = Nunit::new(Arc::from(path));
    let roots = ["test-run", "test-results", "test-suite"];
    xml::read_input(path, input, Format::Nunit, &roots, &mut nunit)?;
    Ok(xml::finish(
        nunit.path,
        Format::Nunit,
        nunit.tests,
        nunit.notes,
    ))
}

/// An open element and what its content means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Suite,
    Case,
    Failure,
    Reason,
    Message,
    StackTrace,
    Output,
    Attachment,
    FilePath,
    Other,
}

/// A `test-case` being read.
struct Open {
    test: TestCase,
    result: String,
    label: String,
    executed: Option<String>,
    success: Option<String>,
    has_failure: bool,
    texts: Texts,
}

struct Nunit {
    path: Arc<Path>,
    stack: Vec<Frame>,
    suites: Suites,
    case: Option<Open>,
    capture: Option<TextBuf>,
    classnames: Classnames,
    tests: Vec<TestCase>,
    notes: Notes,
}

impl Nunit {
    fn new(path: Arc<Path>) -> Nunit {
        Nunit {
            path,
            stack: Vec::new(),
            suites: Suites::default(),
            case: None,
            capture: None,
            classnames: Classnames::default(),
            tests: Vec::new(),
            notes: Notes::default(),
        }
    }

    fn open_suite(&mut self, tag: &Tag) -> Result<Frame, Fail> {
        let (mut name, mut assembly) = (String::new(), false);
        tag.attrs(&mut self.notes, |key, value| match key {
            b"name" => name = value.into_owned(),
            b"type" => assembly = value == "Assembly",
            _ => {}
        })?;
        if assembly {
            name = basename(&name).to_owned();
        }
        self.suites.push(name);
        Ok(Frame::Suite)
    }

    fn open_case(&mut self, tag: &Tag) -> Result<Frame, Fail> {
        let suite = self.suites.path();
        let mut test = TestCase::new(
            self.path.clone(),
            suite,
            self.classnames.empty(),
            String::new(),
        );
        let (mut result, mut label) = (String::new(), String::new());
        let (mut executed, mut success) = (None, None);
        let (mut class, mut time) = (None, None);
        tag.attrs(&mut self.notes, |key, value| match key {
            b"name" => test.name = value.into_owned(),
            b"classname" => class = Some(value.into_owned()),
            b"result" => result = value.into_owned(),
            b"label" => label = value.into_owned(),
            b"executed" => executed = Some(value.into_owned()),
            b"success" => success = Some(value.into_owned()),
            b"duration" | b"time" => time = Some(value.into_owned()),
            _ => {}
        })?;
        if class.is_none() {
            // NUnit 2 names a test in full (`Name.Space.Fixture.Method(args)`).
            let args = test.name.find('(').unwrap_or(test.name.len());
            if let Some(dot) = test.name[..args].rfind('.') {
                class = Some(test.name[..dot].to_owned());
                test.name.drain(..=dot);
            }
        }
        if let Some(class) = class {
            test.classname = self.classnames.get(&class);
        }
        set_time(&mut test, time, "duration", seconds, &mut self.notes);
        self.case = Some(Open {
            test,
            result,
            label,
            executed,
            success,
            has_failure: false,
            texts: Texts::default(),
        });
        Ok(Frame::Case)
    }

    fn close_case(&mut self) {
        let Some(open) = self.case.take() else { return };
        let mut test = open.test;
        let failed = open.has_failure || no(&open.success);
        test.outcome = outcome(&open.result, &open.label, no(&open.executed), failed);
        // NUnit's label (`Error`, `Cancelled`…) stands where JUnit has the exception type.
        let label = Some(open.label).filter(|_| test.outcome != Outcome::Skipped);
        open.texts.record(&mut test, label, &mut self.notes);
        self.tests.push(test);
    }

    fn case_child(&mut self, tag: &Tag) -> Result<Frame, Fail> {
        let Some(open) = &mut self.case else {
            return Ok(Frame::Other);
        };
        Ok(match tag.name() {
            b"failure" => {
                open.has_failure = true;
                Frame::Failure
            }
            b"reason" => Frame::Reason,
            b"output" => self.capture_into(Frame::Output),
            b"property" | b"category" => {
                let (name, value) = name_value(tag, &mut self.notes)?;
                let properties = &mut open.test.details_mut().properties;
                match (tag.name(), name, value) {
                    // NUnit 2's `<category name="…"/>`
                    (b"category", Some(name), _) => category("Category", &name, properties),
                    (_, Some(name), Some(value)) => property(name, value, properties),
                    _ => {}
                }
                Frame::Other
            }
            b"attachment" => Frame::Attachment,
            _ => Frame::Other,
        })
    }

    fn capture_into(&mut self, frame: Frame) -> Frame {
        self.capture = Some(TextBuf::default());
        frame
    }

    fn close_capture(&mut self, frame: Frame) {
        let buf = self.capture.take();
        let Some(open) = &mut self.case else { return };
        let parent = self.stack.last().copied();
        match (frame, parent) {
            (Frame::Message, Some(Frame::Failure)) => open.texts.message = buf,
            (Frame::Message, Some(Frame::Reason)) => open.texts.reason = buf,
            (Frame::StackTrace, _) => open.texts.trace = buf,
            (Frame::Output, _) => {
                let name = open.test.name.clone();
                let text = finish(buf, &mut self.notes, &name);
                open.test.details_mut().system_out = text;
            }
            (Frame::FilePath, _) => {
                if let Some(path) = buf.map(|b| b.finish(true).text) {
                    // Attached files, as a JUnit report names them.
                    open.test.details_mut().properties.push(Property {
                        name: "testrail_attachment".into(),
                        value: path,
                    });
                }
            }
            _ => {}
        }
    }
}

impl Handler for Nunit {
    fn start(&mut self, tag: &Tag) -> Result<(), Fail> {
        let top = self.stack.last().copied();
        let name = tag.name();
        let frame = match (top, name) {
            (Some(Frame::Failure | Frame::Reason), b"message") => self.capture_into(Frame::Message),
            (Some(Frame::Failure), b"stack-trace") => self.capture_into(Frame::StackTrace),
            (Some(Frame::Attachment), b"filePath") => self.capture_into(Frame::FilePath),
            // Properties, categories and attachments sit in a wrapper element of the case.
            (Some(Frame::Case), _) | (_, b"property" | b"category" | b"attachment")
                if self.case.is_some() =>
            {
                self.case_child(tag)?
            }
            _ if self.case.is_some() => Frame::Other,
            (_, b"test-case") => self.open_case(tag)?,
            (_, b"test-suite") => self.open_suite(tag)?,
            _ => Frame::Other,
        };
        self.stack.push(frame);
        Ok(())
    }

    fn end(&mut self) {
        match self.stack.pop() {
            Some(Frame::Suite) => self.suites.pop(),
            Some(Frame::Case) => self.close_case(),
            Some(
                frame @ (Frame::Message | Frame::StackTrace | Frame::Output | Frame::FilePath),
            ) => {
                self.close_capture(frame);
            }
            _ => {}
        }
    }

    fn capture(&mut self) -> Option<&mut TextBuf> {
        self.capture.as_mut()
    }

    fn notes(&mut self) -> &mut Notes {
        &mut self.notes
    }
}

/// Whether an attribute says `False`.
fn no(value: &Option<String>) -> bool {
    value
        .as_deref()
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("false"))
}

/// An NUnit result (and NUnit 3 label) as one of ours; without a result (early NUnit 2),
/// whether the test ran (`not_run`) and failed (`success="False"` or a `<failure>`).
fn outcome(result: &str, label: &str, not_run: bool, failed: bool) -> Outcome {
    match result.to_ascii_lowercase().as_str() {
        "passed" | "success" => Outcome::Passed,
        // A failure NUnit labels Error (an exception), Cancelled or Invalid did not get
        // as far as an assertion.
        "failed" | "failure" => match label {
            "Error" | "Cancelled" | "Invalid" => Outcome::Error,
            _ => Outcome::Failed,
        },
        "error" | "cancelled" => Outcome::Error,
        // Warning: passed, with warnings (NUnit 3's `Assert.Warn`).
        "warning" => Outcome::Passed,
        // Early NUnit 2 writes no result, only whether the test ran and succeeded.
        "" if not_run => Outcome::Skipped,
        "" if failed => Outcome::Failed,
        "" => Outcome::Passed,
        // Skipped (Ignored, Explicit), Inconclusive, NotRunnable, Ignored…
        _ => Outcome::Skipped,
    }
}
