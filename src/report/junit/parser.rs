//! The event-driven core of the reader: quick-xml events in, [`TestCase`]s out. No tree is
//! built; only the current testcase and the stack of open elements are held, and every text
//! field is capped, so memory follows the number of tests, not the size of their logs.

use std::borrow::Cow;
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;

use quick_xml::events::{BytesDecl, BytesStart};

use super::attrs::{Attrs, BadAttr, RawAttr};
use super::time::{self, Parsed};
use crate::report::classnames::Classnames;
use crate::report::error::ReadErrorKind;
use crate::report::model::{Outcome, Property, Record, RecordKind, TestCase};
use crate::report::notes::Notes;
use crate::report::text::{self, Enc, TEXT_CAP, TextBuf};
use crate::report::{sniff, suite_hint};

pub use crate::report::xml::Fail;

/// An element that is open, and what its content means to us.
#[derive(Debug)]
enum Frame {
    /// `<testsuites>` or `<testrun>`: holds suites and stray testcases.
    Container,
    /// `<testsuite>`: its name is on the suite path while open.
    Suite,
    /// The open `<testcase>`.
    Case,
    /// `<properties>` of the open testcase.
    Properties,
    /// `<properties>` of the open testsuite (only `testrail_suite_id` is read from them).
    SuiteProperties,
    /// A `<property>` whose text may be its value, of the open testcase or (`suite`) of the
    /// open testsuite.
    Property {
        name: String,
        value: Option<String>,
        suite: bool,
    },
    /// A result element of the open testcase; its text is the body.
    Record,
    /// `<stackTrace>` inside a Surefire 3 rerun/flaky record: part of the body.
    Trace,
    /// `<system-out>` (false) or `<system-err>` (true) of the open testcase.
    Output { err: bool },
    /// AntUnit's `<time>` child of a testcase, used when there is no `time=` attribute.
    Time,
    /// Anything else: skipped with its content.
    Ignore,
}

/// Where the document is relative to its root element.
#[derive(Debug, PartialEq, Eq)]
enum Root {
    Before,
    Open,
    Closed,
}

/// A testcase being read, with the attribute verdicts that feed the outcome rules.
struct Pending {
    test: TestCase,
    skip_attr: bool,
    status_outcome: Option<Outcome>,
}

/// Reader state for one report.
pub struct Parser {
    path: Arc<Path>,
    enc: Enc,
    transcoded: bool,
    root: Root,
    saw_content: bool,
    stack: Vec<Frame>,
    /// Where each open container (`Container` or `Suite` frame) started, outermost first.
    containers_at: Vec<u64>,
    suites: Vec<String>,
    /// Each open testsuite's `testrail_suite_id`, parallel to `suites`.
    suite_hints: Vec<Option<NonZeroU32>>,
    suite_arc: Option<Arc<[String]>>,
    classnames: Classnames,
    case: Option<Pending>,
    capture: Option<TextBuf>,
    /// Bytes cut from the attribute values of the start tag being read.
    tag_cut: u64,
    pub tests: Vec<TestCase>,
    pub notes: Notes,
}

impl Parser {
    /// A parser for input already decoded to UTF-8 (`transcoded`) or raw bytes.
    pub fn new(path: Arc<Path>, transcoded: bool) -> Parser {
        Parser {
            path,
            enc: Enc::Utf8,
            transcoded,
            root: Root::Before,
            saw_content: false,
            stack: Vec::with_capacity(16),
            containers_at: Vec::new(),
            suites: Vec::new(),
            suite_hints: Vec::new(),
            suite_arc: None,
            classnames: Classnames::default(),
            case: None,
            capture: None,
            tag_cut: 0,
            tests: Vec::new(),
            notes: Notes::default(),
        }
    }

    /// An XML declaration: picks the decoding; a second one means two documents.
    pub fn decl(&mut self, decl: &BytesDecl, offset: u64) -> Result<(), Fail> {
        if self.root != Root::Before {
            return Err(Fail::malformed(
                offset,
                "a second XML declaration: two documents concatenated in one file?",
            ));
        }
        self.saw_content = true;
        let Some(Ok(label)) = decl.encoding() else {
            return Ok(());
        };
        let label = String::from_utf8_lossy(&label).into_owned();
        if self.transcoded {
            return Ok(());
        }
        match Enc::from_label(&label) {
            Some(enc) => {
                self.enc = enc;
                Ok(())
            }
            None => Err(Fail {
                offset,
                kind: ReadErrorKind::Encoding,
                message: format!(
                    "declares encoding \"{label}\", which is not supported; write the report \
                     as UTF-8, UTF-16 or ISO-8859-1"
                ),
                positioned: true,
            }),
        }
    }

    /// A `<!DOCTYPE>`: never processed, only noted.
    pub fn doctype(&mut self) {
        self.saw_content = true;
        self.notes.doctype = true;
    }

    /// Character data; `escaped` is false for CDATA; `cut` bytes of it were dropped below
    /// quick-xml (`report::bounded`).
    pub fn text(&mut self, raw: &[u8], escaped: bool, offset: u64, cut: u64) -> Result<(), Fail> {
        if self.root != Root::Open {
            return self.text_outside_root(raw, offset);
        }
        let capturing = matches!(
            self.stack.last(),
            Some(
                Frame::Record
                    | Frame::Trace
                    | Frame::Output { .. }
                    | Frame::Property { .. }
                    | Frame::Time
            )
        );
        if let Some(buf) = self.capture.as_mut().filter(|_| capturing) {
            buf.push_raw(raw, escaped, cut, self.enc, &mut self.notes);
        }
        Ok(())
    }

    fn text_outside_root(&mut self, raw: &[u8], offset: u64) -> Result<(), Fail> {
        if raw.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        if self.root == Root::Closed {
            return Err(Fail::malformed(
                offset,
                "text after the end of the root element",
            ));
        }
        let mut invalid = false;
        let shown = sniff::preview(&self.enc.decode(raw, &mut invalid));
        Err(Fail::refused(format!(
            "not an XML file (it starts with \"{shown}\")"
        )))
    }

    /// A start tag; `empty` for `<x/>`; `cut` bytes of its attribute values were dropped
    /// below quick-xml.
    pub fn start(
        &mut self,
        e: &BytesStart,
        empty: bool,
        offset: u64,
        cut: u64,
    ) -> Result<(), Fail> {
        self.tag_cut = cut;
        let frame = match self.root {
            Root::Before => self.open_root(e, offset)?,
            Root::Closed => {
                return Err(Fail::malformed(
                    offset,
                    "a second root element: two documents concatenated in one file?",
                ));
            }
            Root::Open => self.child(e, offset)?,
        };
        if matches!(frame, Frame::Container | Frame::Suite) {
            self.containers_at.push(offset);
        }
        self.stack.push(frame);
        if empty {
            self.end();
        }
        Ok(())
    }

    fn open_root(&mut self, e: &BytesStart, offset: u64) -> Result<Frame, Fail> {
        let name = e.name();
        let namespace = self.attr(e, b"xmlns", offset)?;
        if namespace.is_some() || !sniff::is_junit_root(name.as_ref()) {
            let shown = String::from_utf8_lossy(name.as_ref()).into_owned();
            return Err(Fail::refused(sniff::describe_root(
                &shown,
                namespace.as_deref(),
            )));
        }
        self.root = Root::Open;
        if name.as_ref() == b"testsuite" {
            self.open_suite(e, offset)
        } else {
            Ok(Frame::Container)
        }
    }

    fn child(&mut self, e: &BytesStart, offset: u64) -> Result<Frame, Fail> {
        let name = e.name();
        let name = name.as_ref();
        let top = self.stack.last().unwrap_or(&Frame::Ignore);
        Ok(match (top, name) {
            (Frame::Container | Frame::Suite, b"testsuite") => self.open_suite(e, offset)?,
            (Frame::Container | Frame::Suite, b"testsuites") => Frame::Container,
            (Frame::Container | Frame::Suite, b"testcase") => self.open_case(e, offset)?,
            (Frame::Container | Frame::Suite, b"error" | b"failure" | b"skipped") => {
                self.suite_level_result(e, offset)?;
                Frame::Ignore
            }
            (Frame::Case, _) => match record_kind(name) {
                Some(kind) => self.open_record(e, kind, offset)?,
                None => self.case_child(e, name, offset)?,
            },
            (Frame::Properties, b"property") => self.open_property(e, offset, false)?,
            (Frame::Suite, b"properties") => Frame::SuiteProperties,
            (Frame::SuiteProperties, b"property") => self.open_property(e, offset, true)?,
            (Frame::Record, b"stackTrace") => Frame::Trace,
            _ => Frame::Ignore,
        })
    }

    fn case_child(&mut self, e: &BytesStart, name: &[u8], offset: u64) -> Result<Frame, Fail> {
        Ok(match name {
            b"properties" => Frame::Properties,
            b"property" => self.open_property(e, offset, false)?,
            b"system-out" | b"system-err" => {
                self.capture = Some(TextBuf::default());
                Frame::Output {
                    err: name == b"system-err",
                }
            }
            b"time" => {
                self.capture = Some(TextBuf::default());
                Frame::Time
            }
            _ => Frame::Ignore,
        })
    }

    /// An end tag (quick-xml has already checked that it matches).
    pub fn end(&mut self) {
        match self.stack.pop() {
            Some(Frame::Suite) => {
                self.suites.pop();
                self.suite_hints.pop();
                self.suite_arc = None;
                self.containers_at.pop();
            }
            Some(Frame::Container) => {
                self.containers_at.pop();
            }
            Some(Frame::Case) => self.close_case(),
            Some(Frame::Record) => self.close_record(),
            Some(Frame::Property { name, value, suite }) => {
                self.close_property(name, value, suite);
            }
            Some(Frame::Output { err }) => self.close_output(err),
            Some(Frame::Time) => self.close_time(),
            _ => {}
        }
        if self.stack.is_empty() && self.root == Root::Open {
            self.root = Root::Closed;
        }
    }

    /// End of input: complain about anything left open or missing.
    pub fn eof(&mut self, offset: u64) -> Result<(), Fail> {
        match self.root {
            Root::Before if self.saw_content => {
                Err(Fail::refused("no root element: not a JUnit report".into()))
            }
            Root::Before => Err(Fail::refused(
                "the file is empty (or only whitespace): not a JUnit report".into(),
            )),
            Root::Open => Err(Fail::malformed(
                offset,
                "unexpected end of file: elements are still open (truncated report?)",
            )),
            Root::Closed => Ok(()),
        }
    }

    /// Where the open elements started, when all of them are the root and suites (no
    /// testcase or anything else open): the places a report can be cut, and the part after
    /// the cut read on its own by replaying those elements' start tags first.
    ///
    /// None while a testsuite's `testrail_suite_id` is in force: a part read on its own would
    /// replay only the suite's start tag and miss it, so such a suite is read in one piece.
    pub fn open_containers(&self) -> Option<&[u64]> {
        let between = self.root == Root::Open
            && self.stack.len() == self.containers_at.len()
            && self.suite_hints.iter().all(Option::is_none);
        between.then_some(&self.containers_at)
    }

    /// A comment or processing instruction before the root counts as content.
    pub fn other(&mut self) {
        self.saw_content = true;
    }

    fn open_suite(&mut self, e: &BytesStart, offset: u64) -> Result<Frame, Fail> {
        let name = self.attr(e, b"name", offset)?.unwrap_or_default();
        self.suites.push(name);
        self.suite_hints.push(None);
        self.suite_arc = None;
        Ok(Frame::Suite)
    }

    fn suite_path(&mut self) -> Arc<[String]> {
        self.suite_arc
            .get_or_insert_with(|| Arc::from(self.suites.as_slice()))
            .clone()
    }

    fn suite_level_result(&mut self, e: &BytesStart, offset: u64) -> Result<(), Fail> {
        let element = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        let message = self.attr(e, b"message", offset)?;
        let suite = self.suites.last().map_or("", String::as_str);
        let mut line = format!("suite \"{suite}\" has a suite-level <{element}>");
        if let Some(m) = message.filter(|m| !m.is_empty()) {
            let m: String = m.chars().take(200).collect();
            line.push_str(&format!(" ({m})"));
        }
        line.push_str("; it is not a testcase and is not counted");
        self.notes.push(line);
        Ok(())
    }

    fn open_case(&mut self, e: &BytesStart, offset: u64) -> Result<Frame, Fail> {
        let mut test = TestCase::new(
            self.path.clone(),
            self.suite_path(),
            self.classnames.empty(),
            String::new(),
        );
        test.suite_hint = self.suite_hints.iter().rev().find_map(|h| *h);
        let (mut skip_attr, mut status_outcome) = (false, None);
        let (mut time_attr, mut duration_attr) = (None, None);
        let mut class_attr: Option<Arc<str>> = None;
        for attr in Attrs::new(e) {
            let attr = attr.map_err(|err| bad_attr(err, offset))?;
            match attr.key {
                b"name" => test.name = self.value(&attr).into_owned(),
                b"classname" => {
                    let value = self.value(&attr);
                    test.classname = self.classnames.get(&value);
                }
                b"class" => {
                    let value = self.value(&attr);
                    class_attr = Some(self.classnames.get(&value));
                }
                // Parsed after the loop, once `name` is known for the warning.
                b"time" => time_attr = Some(attr),
                b"duration" => duration_attr = Some(attr),
                b"file" | b"filepath" if test.source_file().is_none() => {
                    let file = self.value(&attr).into_owned();
                    test.details_mut().source_file = Some(file);
                }
                // trcli's own attribute for the automation ID; kept as a property so that
                // every format hands it on the same way.
                b"custom_automation_id" => {
                    let value = self.value(&attr).into_owned();
                    test.details_mut().properties.push(Property {
                        name: "custom_automation_id".into(),
                        value,
                    });
                }
                b"line" | b"lineno" if test.line().is_none() => {
                    if let Ok(line) = self.value(&attr).trim().parse() {
                        test.details_mut().line = Some(line);
                    }
                }
                b"status" => {
                    let v = self.value(&attr).trim().to_ascii_lowercase();
                    skip_attr |= matches!(
                        v.as_str(),
                        "notrun" | "disabled" | "skipped" | "skip" | "ignored"
                    );
                    status_outcome = match v.as_str() {
                        "fail" | "failed" | "failure" => Some(Outcome::Failed),
                        "error" | "errored" => Some(Outcome::Error),
                        _ => status_outcome,
                    };
                }
                b"result" => {
                    let v = self.value(&attr).trim().to_ascii_lowercase();
                    skip_attr |= matches!(v.as_str(), "skipped" | "suppressed");
                }
                // Eclipse's JUnit view export marks ignored tests this way.
                b"ignored" => skip_attr |= self.value(&attr).trim() == "true",
                _ => {}
            }
        }
        if test.classname.is_empty() {
            if let Some(class) = class_attr {
                test.classname = class;
            }
        }
        if let Some(attr) = time_attr.or(duration_attr) {
            let value = self.value(&attr);
            test.time = self.parse_time(&value, &test);
        }
        if self.tag_cut > 0 {
            let name = test.full_name();
            self.notes
                .truncated(|| format!("an attribute of \"{name}\""));
        }
        self.case = Some(Pending {
            test,
            skip_attr,
            status_outcome,
        });
        Ok(Frame::Case)
    }

    fn parse_time(&mut self, raw: &str, test: &TestCase) -> Option<f64> {
        match time::parse(raw)? {
            Parsed::Seconds(s) => Some(s),
            Parsed::Unusable => {
                self.notes
                    .bad_time(|| format!("time=\"{raw}\" on \"{}\"", test.full_name()));
                None
            }
        }
    }

    fn close_case(&mut self) {
        let Some(Pending {
            mut test,
            skip_attr,
            status_outcome,
        }) = self.case.take()
        else {
            return;
        };
        let has = |kind| test.records.iter().any(|r: &Record| r.kind == kind);
        test.outcome = if has(RecordKind::Error) {
            Outcome::Error
        } else if has(RecordKind::Failure) {
            Outcome::Failed
        } else if has(RecordKind::Skipped) || skip_attr {
            Outcome::Skipped
        } else {
            status_outcome.unwrap_or(Outcome::Passed)
        };
        let retries = test.records.iter().filter(|r| is_retry(r.kind)).count();
        test.retries = u16::try_from(retries).unwrap_or(u16::MAX);
        // A vector's first push reserves room for four; most tests have one record or none,
        // and a submit keeps every test until its results are posted.
        test.records.shrink_to_fit();
        if let Some(d) = &mut test.details {
            d.properties.shrink_to_fit();
        }
        self.tests.push(test);
    }

    fn open_record(
        &mut self,
        e: &BytesStart,
        kind: RecordKind,
        offset: u64,
    ) -> Result<Frame, Fail> {
        let mut record = Record {
            kind,
            kind_name: None,
            message: None,
            body: Default::default(),
        };
        let (mut file, mut line) = (None, None);
        // A huge `message=` is cut below quick-xml, then at the cap: the body's note counts both.
        let mut body = TextBuf::default();
        if self.tag_cut > 0 {
            body.mark_cut(self.tag_cut);
        }
        for attr in Attrs::new(e) {
            let attr = attr.map_err(|err| bad_attr(err, offset))?;
            match attr.key {
                b"type" => record.kind_name = Some(capped(self.value(&attr), &mut body)),
                b"message" => record.message = Some(capped(self.value(&attr), &mut body)),
                b"file" | b"filepath" => file = Some(self.value(&attr).into_owned()),
                b"line" | b"lineno" => line = self.value(&attr).trim().parse().ok(),
                _ => {}
            }
        }
        if let Some(case) = self.case.as_mut() {
            // Catch2 and some xunit outputs put the location on the failure, not the test.
            if file.is_some() || line.is_some() {
                let d = case.test.details_mut();
                d.source_file = d.source_file.take().or(file);
                d.line = d.line.or(line);
            }
            // Most testcases have one record: room for exactly one, not the four a first
            // push reserves. Later pushes grow as usual (exact growth would be quadratic).
            if case.test.records.is_empty() {
                case.test.records.reserve_exact(1);
            }
            case.test.records.push(record);
        }
        self.capture = Some(body);
        Ok(Frame::Record)
    }

    fn close_record(&mut self) {
        let body = self.take_capture(true, "a failure body");
        if let Some(record) = self.case.as_mut().and_then(|c| c.test.records.last_mut()) {
            record.body = body;
        }
    }

    fn open_property(&mut self, e: &BytesStart, offset: u64, suite: bool) -> Result<Frame, Fail> {
        let name = self.attr(e, b"name", offset)?.unwrap_or_default();
        let value = self.attr(e, b"value", offset)?;
        self.capture = Some(TextBuf::default());
        Ok(Frame::Property { name, value, suite })
    }

    fn close_property(&mut self, name: String, value: Option<String>, suite: bool) {
        let text = self.take_capture(true, "a property value");
        let value = value.unwrap_or(text.text);
        if name == suite_hint::PROPERTY {
            let hint = self.suite_hint(&value);
            match (suite, self.case.as_mut()) {
                (true, _) => {
                    if let Some(top) = self.suite_hints.last_mut() {
                        *top = hint.or(*top);
                    }
                    return;
                }
                (false, Some(case)) => case.test.suite_hint = hint.or(case.test.suite_hint),
                (false, None) => {}
            }
        }
        if suite {
            return;
        }
        if let Some(case) = self.case.as_mut() {
            case.test
                .details_mut()
                .properties
                .push(Property { name, value });
        }
    }

    /// A `testrail_suite_id` value (`2` or `S2`); anything else is noted and ignored.
    fn suite_hint(&mut self, value: &str) -> Option<NonZeroU32> {
        let hint = suite_hint::parse(value);
        if hint.is_none() {
            self.notes.push(suite_hint::not_a_suite(value));
        }
        hint
    }

    fn close_output(&mut self, err: bool) {
        let what = if err { "system-err" } else { "system-out" };
        let text = self.take_capture(false, what);
        if let Some(case) = self.case.as_mut() {
            let d = case.test.details_mut();
            let slot = if err {
                &mut d.system_err
            } else {
                &mut d.system_out
            };
            *slot = Some(text);
        }
    }

    fn close_time(&mut self) {
        let text = self.capture.take().unwrap_or_default().finish(true).text;
        let Some(mut case) = self.case.take() else {
            return;
        };
        if case.test.time.is_none() {
            case.test.time = self.parse_time(&text, &case.test);
        }
        self.case = Some(case);
    }

    fn take_capture(&mut self, trim: bool, what: &str) -> crate::report::model::Text {
        let text = self.capture.take().unwrap_or_default().finish(trim);
        if text.truncated {
            let test = self
                .case
                .as_ref()
                .map(|c| c.test.full_name())
                .unwrap_or_default();
            self.notes.truncated(|| format!("{what} of \"{test}\""));
        }
        text
    }

    /// One attribute's decoded value, if present. Every attribute of the tag is checked, so
    /// a malformed one is reported whichever is asked for.
    fn attr(&mut self, e: &BytesStart, key: &[u8], offset: u64) -> Result<Option<String>, Fail> {
        let mut found = None;
        for attr in Attrs::new(e) {
            let attr = attr.map_err(|err| bad_attr(err, offset))?;
            if attr.key == key && found.is_none() {
                found = Some(self.value(&attr).into_owned());
            }
        }
        Ok(found)
    }

    /// Decode, normalise and unescape an attribute value.
    fn value<'a>(&mut self, attr: &RawAttr<'a>) -> Cow<'a, str> {
        if let Some(plain) = attr.plain {
            return Cow::Borrowed(plain);
        }
        let decoded = self.enc.decode(attr.value, &mut self.notes.invalid_utf8);
        text::unescape(
            text::normalize_attr(decoded),
            &mut self.notes.unknown_entity,
        )
    }
}

/// The malformed-XML failure for an attribute that cannot be read.
fn bad_attr(err: BadAttr, offset: u64) -> Fail {
    match err {
        BadAttr::Syntax(err) => Fail::malformed(offset, format!("bad attribute: {err}")),
        BadAttr::LessThan(raw) => Fail::malformed(
            offset,
            format!(
                "'<' inside the attribute value \"{}\"",
                String::from_utf8_lossy(raw)
            ),
        ),
    }
}

/// An attribute value cut at the cap; what was cut is counted in `body`.
fn capped(s: Cow<'_, str>, body: &mut TextBuf) -> String {
    if s.len() <= TEXT_CAP {
        return s.into_owned();
    }
    let mut cut = TEXT_CAP;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    body.mark_cut((s.len() - cut) as u64);
    s[..cut].to_owned()
}

fn record_kind(name: &[u8]) -> Option<RecordKind> {
    Some(match name {
        b"failure" => RecordKind::Failure,
        b"error" => RecordKind::Error,
        b"skipped" => RecordKind::Skipped,
        b"rerunFailure" => RecordKind::RerunFailure,
        b"rerunError" => RecordKind::RerunError,
        b"flakyFailure" => RecordKind::FlakyFailure,
        b"flakyError" => RecordKind::FlakyError,
        _ => return None,
    })
}

fn is_retry(kind: RecordKind) -> bool {
    matches!(
        kind,
        RecordKind::RerunFailure
            | RecordKind::RerunError
            | RecordKind::FlakyFailure
            | RecordKind::FlakyError
    )
}
