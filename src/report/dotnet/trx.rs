//! Visual Studio TRX (`dotnet test --logger trx`, MSTest, vstest). Each `UnitTestResult`
//! is a test; a data-driven test's rows (`InnerResults`) are tests of their own, in place of
//! the row summary. Results come before the `TestDefinitions` that give each test its class
//! and categories, so those are joined by `testId` once the file is read.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::{Texts, category, finish, set_time, timespan};
use crate::report::classnames::Classnames;
use crate::report::error::ReadError;
use crate::report::format::Format;
use crate::report::model::{Outcome, Property, Report, TestCase};
use crate::report::notes::Notes;
use crate::report::text::TextBuf;
use crate::report::xml::{self, Fail, Handler, Input, Tag};

/// Read a TRX file held in memory.
pub fn read(path: &Path, input: Input) -> Result<Report, ReadError> {
    let mut trx = Trx::new(Arc::from(path));
    xml::read_input(path, input, Format::Trx, &["TestRun"], &mut trx)?;
    Ok(trx.into_report())
}

/// An open element and what its content means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Result,
    Inner,
    Output,
    StdOut,
    StdErr,
    ErrorInfo,
    Message,
    StackTrace,
    Definition,
    Key,
    Value,
    /// A `RunInfo` of the run (an error or warning outside any test), with its outcome.
    RunInfo,
    RunText,
    Other,
}

/// A `UnitTestResult` being read.
struct Open {
    test: TestCase,
    test_id: String,
    outcome: String,
    has_rows: bool,
    texts: Texts,
}

/// What `TestDefinitions` says about a test.
#[derive(Default)]
struct Definition {
    classname: Option<Arc<str>>,
    properties: Vec<Property>,
}

struct Trx {
    path: Arc<Path>,
    stack: Vec<Frame>,
    open: Vec<Open>,
    done: Vec<(String, TestCase)>,
    definitions: HashMap<String, Definition>,
    definition: Option<(String, Definition)>,
    key: Option<String>,
    run_outcome: String,
    capture: Option<TextBuf>,
    classnames: Classnames,
    /// The suite path of a test whose class is not known yet, shared.
    no_suite: Arc<[String]>,
    notes: Notes,
}

impl Trx {
    fn new(path: Arc<Path>) -> Trx {
        Trx {
            path,
            stack: Vec::new(),
            open: Vec::new(),
            done: Vec::new(),
            definitions: HashMap::new(),
            definition: None,
            key: None,
            run_outcome: String::new(),
            capture: None,
            classnames: Classnames::default(),
            no_suite: Arc::from(Vec::new()),
            notes: Notes::default(),
        }
    }

    fn open_result(&mut self, tag: &Tag) -> Result<Frame, Fail> {
        let mut test = TestCase::new(
            self.path.clone(),
            self.no_suite.clone(),
            self.classnames.empty(),
            String::new(),
        );
        let (mut test_id, mut outcome, mut duration) = (String::new(), String::new(), None);
        tag.attrs(&mut self.notes, |key, value| match key {
            b"testName" => test.name = value.into_owned(),
            b"testId" => test_id = value.into_owned(),
            b"outcome" => outcome = value.into_owned(),
            b"duration" => duration = Some(value.into_owned()),
            _ => {}
        })?;
        set_time(&mut test, duration, "duration", timespan, &mut self.notes);
        if let Some(parent) = self.open.last_mut() {
            parent.has_rows = true;
        }
        self.open.push(Open {
            test,
            test_id,
            outcome,
            has_rows: false,
            texts: Texts::default(),
        });
        Ok(Frame::Result)
    }

    fn close_result(&mut self) {
        let Some(open) = self.open.pop() else { return };
        // A data-driven test's own result only sums up its rows, which are the tests.
        if open.has_rows {
            return;
        }
        let mut test = open.test;
        test.outcome = outcome(&open.outcome);
        open.texts.record(&mut test, None, &mut self.notes);
        self.done.push((open.test_id, test));
    }

    fn close_capture(&mut self, frame: Frame) {
        let buf = self.capture.take();
        if let Some((_, def)) = &mut self.definition {
            match frame {
                Frame::Key => self.key = buf.map(|b| b.finish(true).text),
                Frame::Value => {
                    let value = buf.map(|b| b.finish(true).text).unwrap_or_default();
                    if let Some(name) = self.key.take() {
                        def.properties.push(Property { name, value });
                    }
                }
                _ => {}
            }
            return;
        }
        let Some(open) = self.open.last_mut() else {
            return;
        };
        match frame {
            Frame::Message => open.texts.message = buf,
            Frame::StackTrace => open.texts.trace = buf,
            Frame::StdOut | Frame::StdErr => {
                let name = open.test.name.clone();
                let text = finish(buf, &mut self.notes, &name);
                let details = open.test.details_mut();
                if frame == Frame::StdOut {
                    details.system_out = text;
                } else {
                    details.system_err = text;
                }
            }
            _ => {}
        }
    }

    fn open_definition(&mut self, tag: &Tag) -> Result<Frame, Fail> {
        let (mut id, def) = (String::new(), Definition::default());
        tag.attrs(&mut self.notes, |key, value| {
            if key == b"id" {
                id = value.into_owned();
            }
        })?;
        self.definition = Some((id, def));
        Ok(Frame::Definition)
    }

    fn definition_child(&mut self, tag: &Tag) -> Result<Frame, Fail> {
        let Some((_, def)) = &mut self.definition else {
            return Ok(Frame::Other);
        };
        match tag.name() {
            b"TestMethod" => {
                let mut class = None;
                tag.attrs(&mut self.notes, |key, value| {
                    if key == b"className" {
                        // MSTest v1 writes `Name.Space.Class, Assembly, Version=…`.
                        let name = value.split(',').next().unwrap_or_default().trim();
                        class = Some(self.classnames.get(name));
                    }
                })?;
                def.classname = class;
                Ok(Frame::Other)
            }
            b"TestCategoryItem" => {
                let mut items = Vec::new();
                tag.attrs(&mut self.notes, |key, value| {
                    if key == b"TestCategory" {
                        category("Category", &value, &mut items);
                    }
                })?;
                def.properties.extend(items);
                Ok(Frame::Other)
            }
            b"Key" => {
                self.capture = Some(TextBuf::default());
                Ok(Frame::Key)
            }
            b"Value" => {
                self.capture = Some(TextBuf::default());
                Ok(Frame::Value)
            }
            _ => Ok(Frame::Other),
        }
    }

    fn into_report(mut self) -> Report {
        let mut suites: HashMap<Arc<str>, Arc<[String]>> = HashMap::new();
        let mut tests = Vec::with_capacity(self.done.len());
        for (id, mut test) in std::mem::take(&mut self.done) {
            if let Some(def) = self.definitions.get(&id) {
                if let Some(class) = &def.classname {
                    test.classname = class.clone();
                    // Sections for new cases follow the class, as a JUnit suite would.
                    test.suite = suites
                        .entry(class.clone())
                        .or_insert_with(|| Arc::from(vec![class.to_string()]))
                        .clone();
                }
                if !def.properties.is_empty() {
                    let properties = &mut test.details_mut().properties;
                    properties.extend(def.properties.iter().cloned());
                }
            }
            tests.push(test);
        }
        xml::finish(self.path, Format::Trx, tests, self.notes)
    }
}

impl Handler for Trx {
    fn start(&mut self, tag: &Tag) -> Result<(), Fail> {
        let top = self.stack.last().copied();
        let frame = match (top, tag.name()) {
            (None | Some(Frame::Other | Frame::Inner), b"UnitTestResult")
                if self.definition.is_none() =>
            {
                self.open_result(tag)?
            }
            (Some(Frame::Result), b"InnerResults") => Frame::Inner,
            (Some(Frame::Result), b"Output") => Frame::Output,
            (Some(Frame::Output), b"StdOut") => self.capture_into(Frame::StdOut),
            (Some(Frame::Output), b"StdErr") => self.capture_into(Frame::StdErr),
            (Some(Frame::Output), b"ErrorInfo") => Frame::ErrorInfo,
            (Some(Frame::ErrorInfo), b"Message") => self.capture_into(Frame::Message),
            (Some(Frame::ErrorInfo), b"StackTrace") => self.capture_into(Frame::StackTrace),
            (None | Some(Frame::Other), b"UnitTest") if self.open.is_empty() => {
                self.open_definition(tag)?
            }
            (Some(_), _) if self.definition.is_some() => self.definition_child(tag)?,
            (_, b"RunInfo") if self.open.is_empty() => {
                self.run_outcome.clear();
                let outcome = &mut self.run_outcome;
                tag.attrs(&mut self.notes, |key, value| {
                    if key == b"outcome" {
                        *outcome = value.into_owned();
                    }
                })?;
                Frame::RunInfo
            }
            (Some(Frame::RunInfo), b"Text") => self.capture_into(Frame::RunText),
            _ => Frame::Other,
        };
        self.stack.push(frame);
        Ok(())
    }

    fn end(&mut self) {
        match self.stack.pop() {
            Some(Frame::Result) => self.close_result(),
            Some(Frame::Definition) => {
                if let Some((id, def)) = self.definition.take() {
                    self.definitions.insert(id, def);
                }
            }
            Some(Frame::RunText) => self.run_info(),
            Some(
                frame @ (Frame::StdOut
                | Frame::StdErr
                | Frame::Message
                | Frame::StackTrace
                | Frame::Key
                | Frame::Value),
            ) => self.close_capture(frame),
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

impl Trx {
    /// What the runner said outside any test (the test host crashed, say): a warning.
    fn run_info(&mut self) {
        let text = self.capture.take().map(|b| b.finish(true).text);
        let text = text.unwrap_or_default();
        let first: String = text
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(300)
            .collect();
        let outcome = if self.run_outcome.is_empty() {
            "Message"
        } else {
            self.run_outcome.as_str()
        };
        self.notes
            .push(format!("run-level {outcome} outside any test: {first}"));
    }

    fn capture_into(&mut self, frame: Frame) -> Frame {
        self.capture = Some(TextBuf::default());
        frame
    }
}

/// A TRX outcome as one of ours. TRX has no separate "error" for a failed assertion versus
/// a crash, so `Error` is kept for what the runner itself calls an error.
fn outcome(value: &str) -> Outcome {
    match value {
        "Passed" | "PassedButRunAborted" => Outcome::Passed,
        "Failed" | "Timeout" => Outcome::Failed,
        "Error" => Outcome::Error,
        // Aborted (the run stopped before the test finished), NotExecuted, NotRunnable,
        // Inconclusive, Pending, Disconnected, Warning, InProgress…
        _ => Outcome::Skipped,
    }
}
