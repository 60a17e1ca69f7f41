//! The event-driven core: quick-xml events in, [`TestCase`]s out. Only the open test, its
//! open step and the stack of open elements are held; keyword bodies below a test's top
//! level (nested keywords, messages) are skipped without decoding their text.

use std::path::Path;
use std::sync::Arc;

use quick_xml::events::BytesStart;

use super::meta::{doc_properties, tag_property};
use super::step::{Kind, StepBuilder, outcome};
use super::time;
use crate::report::model::{Outcome, Property, Record, RecordKind, TestCase, Text};
use crate::report::notes::Notes;
use crate::report::text::{self, Enc, TextBuf};

pub use crate::report::xml::Fail;

/// An open element and what its content means to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum El {
    Robot,
    Suite,
    Test,
    /// RF 3.2's `<tags>` around the `<tag>`s.
    Tags,
    Tag,
    Doc,
    /// The test's own `<status>`; its text is the message.
    Status,
    /// A top-level body item of the test.
    Step,
    /// RF 3.2–6's `<assign>` around a keyword's assigned `<var>`s, and RF 3.2's
    /// `<arguments>` around its `<arg>`s.
    Wrap,
    /// `<arg>` or `<value>` of the step.
    StepArg,
    /// `<var>` of the step.
    StepVar,
    /// An HTML log message anywhere in a test: screenshots are `<img src>` in one.
    HtmlMsg,
    Ignore,
}

impl El {
    fn captures(self) -> bool {
        matches!(
            self,
            El::Tag | El::Doc | El::Status | El::StepArg | El::StepVar | El::HtmlMsg
        )
    }
}

/// The test being read and what its `<status>` said.
struct Pending {
    test: TestCase,
    status: Option<String>,
    message: Option<Text>,
    doc: Option<String>,
}

/// Reader state for one output.xml.
pub struct Parser {
    path: Arc<Path>,
    root: bool,
    closed: bool,
    stack: Vec<El>,
    suites: Vec<String>,
    /// Each open suite's `source`, for the tests' source file.
    sources: Vec<Option<String>>,
    suite_arc: Option<(Arc<[String]>, Arc<str>)>,
    test: Option<Pending>,
    step: Option<StepBuilder>,
    capture: Option<TextBuf>,
    pub tests: Vec<TestCase>,
    pub notes: Notes,
}

impl Parser {
    /// A parser for one file.
    pub fn new(path: Arc<Path>) -> Parser {
        Parser {
            path,
            root: false,
            closed: false,
            stack: Vec::with_capacity(32),
            suites: Vec::new(),
            sources: Vec::new(),
            suite_arc: None,
            test: None,
            step: None,
            capture: None,
            tests: Vec::new(),
            notes: Notes::default(),
        }
    }

    /// A start tag; `empty` for `<x/>`.
    pub fn start(&mut self, e: &BytesStart, empty: bool, offset: u64) -> Result<(), Fail> {
        if self.closed {
            return Err(Fail::malformed(
                offset,
                "a second root element: two documents concatenated in one file?",
            ));
        }
        let el = if self.root {
            self.child(e, offset)?
        } else {
            self.open_root(e, offset)?
        };
        if el.captures() {
            self.capture = Some(TextBuf::default());
        }
        self.stack.push(el);
        if empty {
            self.end();
        }
        Ok(())
    }

    fn open_root(&mut self, e: &BytesStart, _offset: u64) -> Result<El, Fail> {
        let name = e.name();
        if name.as_ref() != b"robot" {
            let shown = String::from_utf8_lossy(name.as_ref());
            return Err(Fail::refused(format!(
                "not a Robot Framework output.xml: the root element is <{shown}> (expected <robot>)"
            )));
        }
        self.root = true;
        Ok(El::Robot)
    }

    fn child(&mut self, e: &BytesStart, offset: u64) -> Result<El, Fail> {
        let top = *self.stack.last().unwrap_or(&El::Ignore);
        let name = e.name();
        Ok(match (top, name.as_ref()) {
            (El::Robot | El::Suite, b"suite") => {
                let name = self.attr(e, b"name", offset)?.unwrap_or_default();
                let source = self.attr(e, b"source", offset)?;
                self.suites.push(name);
                self.sources.push(source);
                self.suite_arc = None;
                El::Suite
            }
            (El::Suite, b"test") => self.open_test(e, offset)?,
            (El::Test, b"tags") => El::Tags,
            (El::Test | El::Tags, b"tag") => El::Tag,
            (El::Test, b"doc") => El::Doc,
            (El::Test, b"status") => self.test_status(e, offset)?,
            (El::Test, step) => match step_kind(step) {
                Some(kind) => self.open_step(e, step, kind, offset)?,
                None => El::Ignore,
            },
            (El::Step | El::Wrap, b"arg") | (El::Step, b"value") => El::StepArg,
            (El::Step | El::Wrap, b"var") => El::StepVar,
            (El::Step, b"assign" | b"arguments") => El::Wrap,
            (El::Step, b"status") => {
                let status = self.attr(e, b"status", offset)?;
                if let Some(step) = self.step.as_mut() {
                    step.outcome = status.as_deref().and_then(outcome);
                }
                El::Ignore
            }
            (El::Step, b"branch") => {
                if let Some(condition) = self.attr(e, b"condition", offset)? {
                    if let Some(step) = self.step.as_mut() {
                        step.condition(&condition);
                    }
                }
                El::Ignore
            }
            (_, b"msg") if self.test.is_some() && self.is_html(e, offset)? => El::HtmlMsg,
            _ => El::Ignore,
        })
    }

    /// Whether a `<msg>` is HTML (`html="true"` up to RF 6, `html="yes"` in RF 7).
    fn is_html(&mut self, e: &BytesStart, offset: u64) -> Result<bool, Fail> {
        // Most messages are plain: a byte search spares parsing their attributes.
        if memchr::memmem::find(e.attributes_raw(), b"html=").is_none() {
            return Ok(false);
        }
        let html = self.attr(e, b"html", offset)?;
        Ok(matches!(html.as_deref(), Some("true" | "yes")))
    }

    fn open_test(&mut self, e: &BytesStart, offset: u64) -> Result<El, Fail> {
        let name = self.attr(e, b"name", offset)?.unwrap_or_default();
        let (suite, classname) = self.suite_path();
        let mut test = TestCase::new(self.path.clone(), suite, classname, name);
        if let Some(line) = self.attr(e, b"line", offset)? {
            test.details_mut().line = line.trim().parse().ok();
        }
        if let Some(Some(source)) = self.sources.last() {
            test.details_mut().source_file = Some(source.clone());
        }
        self.test = Some(Pending {
            test,
            status: None,
            message: None,
            doc: None,
        });
        Ok(El::Test)
    }

    /// The suite path, and the dotted classname trcli uses for automation IDs
    /// (`Top.Sub.Test name` is the test's full name), shared by the suite's tests.
    fn suite_path(&mut self) -> (Arc<[String]>, Arc<str>) {
        self.suite_arc
            .get_or_insert_with(|| {
                let path: Arc<[String]> = Arc::from(self.suites.as_slice());
                let dotted: Arc<str> = Arc::from(self.suites.join("."));
                (path, dotted)
            })
            .clone()
    }

    fn test_status(&mut self, e: &BytesStart, offset: u64) -> Result<El, Fail> {
        let status = self.attr(e, b"status", offset)?;
        let seconds = match self.attr(e, b"elapsed", offset)? {
            Some(elapsed) => time::elapsed(&elapsed),
            None => {
                let start = self.attr(e, b"starttime", offset)?;
                let end = self.attr(e, b"endtime", offset)?;
                start.zip(end).and_then(|(s, e)| time::between(&s, &e))
            }
        };
        if let Some(p) = self.test.as_mut() {
            p.status = status;
            p.test.time = seconds;
        }
        Ok(El::Status)
    }

    fn open_step(
        &mut self,
        e: &BytesStart,
        element: &[u8],
        kind: Kind,
        offset: u64,
    ) -> Result<El, Fail> {
        let word = String::from_utf8_lossy(element).to_ascii_uppercase();
        let step = match element {
            b"kw" => {
                let name = self.attr(e, b"name", offset)?.unwrap_or_default();
                let kw_type = self.attr(e, b"type", offset)?.unwrap_or_default();
                // RF 3.2 wrote a FOR loop as a keyword of type "for" named after its header.
                let name = if kw_type.eq_ignore_ascii_case("for") {
                    format!("FOR    {name}")
                } else {
                    name
                };
                StepBuilder::new(kind, name, None)
            }
            b"for" => StepBuilder::new(kind, word, self.attr(e, b"flavor", offset)?),
            b"var" => {
                let name = self.attr(e, b"name", offset)?.unwrap_or_default();
                StepBuilder::new(kind, format!("VAR    {name}"), None)
            }
            b"while" => {
                let head = match self.attr(e, b"condition", offset)? {
                    Some(c) => format!("WHILE    {c}"),
                    None => word,
                };
                StepBuilder::new(kind, head, None)
            }
            b"group" => {
                let head = match self.attr(e, b"name", offset)? {
                    Some(n) => format!("GROUP    {n}"),
                    None => word,
                };
                StepBuilder::new(kind, head, None)
            }
            _ => StepBuilder::new(kind, word, None),
        };
        self.step = Some(step);
        Ok(El::Step)
    }

    /// Character data; `escaped` is false for CDATA; `cut` bytes of it were dropped below
    /// quick-xml (`report::bounded`).
    pub fn text(&mut self, raw: &[u8], escaped: bool, offset: u64, cut: u64) -> Result<(), Fail> {
        if !self.root || self.closed {
            if raw.iter().all(u8::is_ascii_whitespace) {
                return Ok(());
            }
            if self.closed {
                return Err(Fail::malformed(
                    offset,
                    "text after the end of the root element",
                ));
            }
            return Err(Fail::refused(
                "not an XML file: not a Robot Framework output.xml".into(),
            ));
        }
        let capturing = self.stack.last().is_some_and(|el| el.captures());
        if let Some(buf) = self.capture.as_mut().filter(|_| capturing) {
            buf.push_raw(raw, escaped, cut, Enc::Utf8, &mut self.notes);
        }
        Ok(())
    }

    /// An end tag (quick-xml has already checked that it matches).
    pub fn end(&mut self) {
        let Some(el) = self.stack.pop() else { return };
        let text = if el.captures() {
            self.capture.take().unwrap_or_default().finish(true)
        } else {
            Text::default()
        };
        match el {
            El::Suite => {
                self.suites.pop();
                self.sources.pop();
                self.suite_arc = None;
            }
            El::Test => self.close_test(),
            El::Tag => {
                if let (Some(p), Some(prop)) = (self.test.as_mut(), tag_property(&text.text)) {
                    p.test.details_mut().properties.push(prop);
                }
            }
            El::Doc => {
                if let Some(p) = self.test.as_mut() {
                    p.doc = Some(text.text);
                }
            }
            El::Status => {
                if text.truncated {
                    self.note_truncated();
                }
                if let Some(p) = self.test.as_mut() {
                    p.message = Some(text);
                }
            }
            El::StepArg => {
                if let Some(step) = self.step.as_mut() {
                    step.arg(text.text);
                }
            }
            El::StepVar => {
                if let Some(step) = self.step.as_mut() {
                    step.var(text.text);
                }
            }
            El::Step => {
                if let (Some(p), Some(step)) = (self.test.as_mut(), self.step.take()) {
                    p.test.details_mut().steps.push(step.finish());
                }
            }
            El::HtmlMsg => {
                if let Some(p) = self.test.as_mut() {
                    for path in screenshots(&text.text) {
                        let props = &mut p.test.details_mut().properties;
                        if !props.iter().any(|q| q.value == path) {
                            props.push(Property {
                                name: "testrail_attachment".into(),
                                value: path,
                            });
                        }
                    }
                }
            }
            El::Robot => self.closed = true,
            _ => {}
        }
    }

    fn note_truncated(&mut self) {
        let name = self
            .test
            .as_ref()
            .map(|p| p.test.full_name())
            .unwrap_or_default();
        self.notes
            .truncated(|| format!("the status message of \"{name}\""));
    }

    fn close_test(&mut self) {
        let Some(Pending {
            mut test,
            status,
            message,
            doc,
        }) = self.test.take()
        else {
            return;
        };
        if let Some(doc) = doc {
            let props: Vec<_> = doc_properties(&doc).collect();
            if !props.is_empty() {
                test.details_mut().properties.extend(props);
            }
        }
        let message = message.unwrap_or_default();
        let status = status.unwrap_or_default();
        let (outcome, kind) = match status.trim() {
            "PASS" => (Outcome::Passed, None),
            "FAIL" => (Outcome::Failed, Some(RecordKind::Failure)),
            "SKIP" | "NOT RUN" | "NOT_RUN" => (Outcome::Skipped, Some(RecordKind::Skipped)),
            other => {
                let name = test.full_name();
                self.notes.push(format!(
                    "test \"{name}\" has status \"{other}\", which Robot Framework does not \
                     write; read as an error"
                ));
                (Outcome::Error, Some(RecordKind::Error))
            }
        };
        test.outcome = outcome;
        // A passed test's message (`Set Test Message`) is for whoever reads the result, as
        // trcli also puts it in the comment.
        if outcome == Outcome::Passed && !message.text.is_empty() {
            test.details_mut().properties.push(Property {
                name: "testrail_result_comment".into(),
                value: message.text.clone(),
            });
        }
        if let Some(kind) = kind {
            let text = message.text;
            test.records.push(Record {
                kind,
                kind_name: None,
                message: (!text.is_empty()).then_some(text),
                body: Text::default(),
            });
        }
        if let Some(d) = &mut test.details {
            d.properties.shrink_to_fit();
            d.steps.shrink_to_fit();
        }
        self.tests.push(test);
    }

    /// End of input: complain about anything left open or missing.
    pub fn eof(&mut self, offset: u64) -> Result<(), Fail> {
        if self.closed {
            Ok(())
        } else if self.root {
            Err(Fail::malformed(
                offset,
                "unexpected end of file: elements are still open (truncated output.xml?)",
            ))
        } else {
            Err(Fail::refused(
                "no root element: not a Robot Framework output.xml".into(),
            ))
        }
    }

    /// One attribute's decoded value, if present.
    fn attr(&mut self, e: &BytesStart, key: &[u8], offset: u64) -> Result<Option<String>, Fail> {
        let mut found = None;
        for attr in e.attributes() {
            let attr =
                attr.map_err(|err| Fail::malformed(offset, format!("bad attribute: {err}")))?;
            if attr.key.as_ref() == key && found.is_none() {
                let decoded = Enc::Utf8.decode(&attr.value, &mut self.notes.invalid_utf8);
                let value = text::unescape(
                    text::normalize_attr(decoded),
                    &mut self.notes.unknown_entity,
                );
                found = Some(value.into_owned());
            }
        }
        Ok(found)
    }
}

/// The files an HTML log message shows as images (SeleniumLibrary's and Browser's
/// screenshots: `<img src="selenium-screenshot-1.png">`), relative to the output.xml.
/// Embedded `data:` images are not kept: log messages are capped at 64 KiB.
fn screenshots(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<img ") {
        rest = &rest[at + 5..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        let Some(src) = tag.find("src=\"").map(|i| &tag[i + 5..]) else {
            continue;
        };
        let src = &src[..src.find('"').unwrap_or(src.len())];
        if !src.is_empty() && !src.starts_with("data:") && !out.iter().any(|s| s == src) {
            out.push(src.to_owned());
        }
    }
    out
}

/// Which body items of a test are steps, by element name.
fn step_kind(name: &[u8]) -> Option<Kind> {
    Some(match name {
        b"kw" => Kind::Keyword,
        b"for" => Kind::For,
        b"var" => Kind::Var,
        b"while" | b"if" | b"try" | b"return" | b"break" | b"continue" | b"group" | b"error" => {
            Kind::Other
        }
        _ => return None,
    })
}
