//! xUnit.net XML: v2's `assemblies/assembly/collection/test` (and v1's `assembly/class/test`).
//! A `test` is a test; its assembly (file name only) and collection or class are its suite
//! path; `result` is `Pass`, `Fail`, `Skip` or `NotRun`; traits are properties.

use std::path::Path;
use std::sync::Arc;

use super::{Suites, Texts, basename, finish, name_value, property, seconds, set_time};
use crate::report::classnames::Classnames;
use crate::report::error::ReadError;
use crate::report::format::Format;
use crate::report::model::{Outcome, Report, TestCase};
use crate::report::notes::Notes;
use crate::report::text::TextBuf;
use crate::report::xml::{self, Fail, Handler, Input, Tag};

/// Read an xUnit.net result file held in memory.
pub fn read(path: &Path, input: Input) -> Result<Report, ReadError> {
    let mut xunit = Xunit::new(Arc::from(path));
    xml::read_input(
        path,
        input,
        Format::Xunit,
        &["assemblies", "assembly"],
        &mut xunit,
    )?;
    Ok(xml::finish(
        xunit.path,
        Format::Xunit,
        xunit.tests,
        xunit.notes,
    ))
}

/// An open element and what its content means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Suite,
    Test,
    Failure,
    Message,
    StackTrace,
    Reason,
    Output,
    Other,
}

/// A `test` being read.
struct Open {
    test: TestCase,
    result: String,
    exception: Option<String>,
    texts: Texts,
}

struct Xunit {
    path: Arc<Path>,
    stack: Vec<Frame>,
    suites: Suites,
    open: Option<Open>,
    capture: Option<TextBuf>,
    classnames: Classnames,
    tests: Vec<TestCase>,
    notes: Notes,
}

impl Xunit {
    fn new(path: Arc<Path>) -> Xunit {
        Xunit {
            path,
            stack: Vec::new(),
            suites: Suites::default(),
            open: None,
            capture: None,
            classnames: Classnames::default(),
            tests: Vec::new(),
            notes: Notes::default(),
        }
    }

    fn open_suite(&mut self, tag: &Tag) -> Result<Frame, Fail> {
        let mut name = String::new();
        tag.attrs(&mut self.notes, |key, value| {
            if key == b"name" {
                name = value.into_owned();
            }
        })?;
        if tag.name() == b"assembly" {
            name = basename(&name).to_owned();
        }
        self.suites.push(name);
        Ok(Frame::Suite)
    }

    fn open_test(&mut self, tag: &Tag) -> Result<Frame, Fail> {
        let mut test = TestCase::new(
            self.path.clone(),
            self.suites.path(),
            self.classnames.empty(),
            String::new(),
        );
        let (mut result, mut time, mut file, mut line) = (String::new(), None, None, None);
        tag.attrs(&mut self.notes, |key, value| match key {
            b"name" => test.name = value.into_owned(),
            b"type" => test.classname = self.classnames.get(&value),
            b"result" => result = value.into_owned(),
            b"time" => time = Some(value.into_owned()),
            b"source-file" => file = Some(value.into_owned()),
            b"source-line" => line = value.trim().parse().ok(),
            _ => {}
        })?;
        // The display name usually repeats the class: `Name.Space.Class.Method(x: 1)`.
        if let Some(rest) = test.name.strip_prefix(&*test.classname)
            && let Some(method) = rest.strip_prefix('.')
            && !test.classname.is_empty()
        {
            test.name = method.to_owned();
        }
        set_time(&mut test, time, "time", seconds, &mut self.notes);
        if file.is_some() || line.is_some() {
            let details = test.details_mut();
            details.source_file = file;
            details.line = line;
        }
        self.open = Some(Open {
            test,
            result,
            exception: None,
            texts: Texts::default(),
        });
        Ok(Frame::Test)
    }

    fn close_test(&mut self) {
        let Some(open) = self.open.take() else { return };
        let mut test = open.test;
        test.outcome = match open.result.to_ascii_lowercase().as_str() {
            "pass" => Outcome::Passed,
            "fail" => Outcome::Failed,
            _ => Outcome::Skipped,
        };
        open.texts
            .record(&mut test, open.exception, &mut self.notes);
        self.tests.push(test);
    }

    fn test_child(&mut self, tag: &Tag) -> Result<Frame, Fail> {
        let Some(open) = &mut self.open else {
            return Ok(Frame::Other);
        };
        Ok(match tag.name() {
            b"failure" => {
                tag.attrs(&mut self.notes, |key, value| {
                    if key == b"exception-type" {
                        open.exception = Some(value.into_owned());
                    }
                })?;
                Frame::Failure
            }
            b"reason" => self.capture_into(Frame::Reason),
            b"output" => self.capture_into(Frame::Output),
            b"trait" => {
                if let (Some(name), Some(value)) = name_value(tag, &mut self.notes)? {
                    property(name, value, &mut open.test.details_mut().properties);
                }
                Frame::Other
            }
            _ => Frame::Other,
        })
    }

    /// An `<errors><error>` of an assembly: a fixture or clean-up that failed outside any
    /// test. Not a test, so not counted, but a user should hear of it.
    fn assembly_error(&mut self, tag: &Tag) -> Result<Frame, Fail> {
        let (mut kind, mut name) = (String::new(), String::new());
        tag.attrs(&mut self.notes, |key, value| match key {
            b"type" => kind = value.into_owned(),
            b"name" => name = value.into_owned(),
            _ => {}
        })?;
        let suite = self.suites.path().join(" / ");
        self.notes.push(format!(
            "\"{suite}\" has an error outside any test ({kind} {name}); it is not a test and is \
             not counted"
        ));
        Ok(Frame::Other)
    }

    fn capture_into(&mut self, frame: Frame) -> Frame {
        self.capture = Some(TextBuf::default());
        frame
    }

    fn close_capture(&mut self, frame: Frame) {
        let buf = self.capture.take();
        let Some(open) = &mut self.open else { return };
        match frame {
            Frame::Message => open.texts.message = buf,
            Frame::StackTrace => open.texts.trace = buf,
            Frame::Reason => open.texts.reason = buf,
            Frame::Output => {
                let name = open.test.name.clone();
                let text = finish(buf, &mut self.notes, &name);
                open.test.details_mut().system_out = text;
            }
            _ => {}
        }
    }
}

impl Handler for Xunit {
    fn start(&mut self, tag: &Tag) -> Result<(), Fail> {
        let top = self.stack.last().copied();
        let frame = match (top, tag.name()) {
            (Some(Frame::Failure), b"message") => self.capture_into(Frame::Message),
            (Some(Frame::Failure), b"stack-trace") => self.capture_into(Frame::StackTrace),
            (Some(Frame::Test), _) => self.test_child(tag)?,
            (_, b"trait") if self.open.is_some() => self.test_child(tag)?,
            _ if self.open.is_some() => Frame::Other,
            (_, b"test") => self.open_test(tag)?,
            (_, b"error") => self.assembly_error(tag)?,
            (_, b"assembly" | b"collection" | b"class") => self.open_suite(tag)?,
            _ => Frame::Other,
        };
        self.stack.push(frame);
        Ok(())
    }

    fn end(&mut self) {
        match self.stack.pop() {
            Some(Frame::Suite) => self.suites.pop(),
            Some(Frame::Test) => self.close_test(),
            Some(frame @ (Frame::Message | Frame::StackTrace | Frame::Reason | Frame::Output)) => {
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
