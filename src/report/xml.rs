//! The XML plumbing the readers share. Every reader: a failure at a byte offset ([`Fail`]),
//! turned into a `ReadError` with a line and column only when the read has failed, and
//! quick-xml configured the way the parsers expect events. The .NET readers also share the
//! driver: the bytes of a whole file (UTF-16 transcoded, byte-order mark skipped), quick-xml's
//! events driven into a format's [`Handler`], the declared encoding, text decoded only where
//! a handler keeps it and never past the cap. JUnit and Robot Framework have their own
//! streaming parsers: their files can be large.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use std::io::BufRead;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::error::{ReadError, ReadErrorKind, line_column};
use super::format::Format;
use super::model::{Report, TestCase};
use super::notes::Notes;
use super::sniff;
use super::text::{self, Enc, TEXT_CAP, TextBuf};

/// A problem at a byte offset of the parsed input; the caller turns it into a `ReadError`.
#[derive(Debug)]
pub struct Fail {
    pub offset: u64,
    pub kind: ReadErrorKind,
    pub message: String,
    /// Whether line and column help (not for "this is NUnit").
    pub positioned: bool,
}

impl Fail {
    /// Broken XML (or an attribute no reader could use) at `offset`.
    pub fn malformed(offset: u64, message: impl Into<String>) -> Fail {
        Fail {
            offset,
            kind: ReadErrorKind::Malformed,
            message: message.into(),
            positioned: true,
        }
    }

    /// Well-formed input of another kind than the reader reads; no position helps.
    pub fn refused(message: String) -> Fail {
        Fail {
            offset: 0,
            kind: ReadErrorKind::NotJunit,
            message,
            positioned: false,
        }
    }
}

/// A start tag, as a handler sees it.
pub struct Tag<'a> {
    e: &'a BytesStart<'a>,
    enc: Enc,
    offset: u64,
}

impl Tag<'_> {
    /// The element's name without any namespace prefix.
    pub fn name(&self) -> &[u8] {
        let name = self.e.name().into_inner();
        match name.iter().position(|&b| b == b':') {
            Some(colon) => &name[colon + 1..],
            None => name,
        }
    }

    /// Every attribute as (local name, decoded value), in document order.
    pub fn attrs(
        &self,
        notes: &mut Notes,
        mut each: impl FnMut(&[u8], Cow<'_, str>),
    ) -> Result<(), Fail> {
        for attr in self.e.attributes().with_checks(false) {
            let attr =
                attr.map_err(|e| Fail::malformed(self.offset, format!("bad attribute: {e}")))?;
            if attr.value.contains(&b'<') {
                return Err(Fail::malformed(
                    self.offset,
                    format!(
                        "'<' inside the attribute value \"{}\"",
                        String::from_utf8_lossy(&attr.value)
                    ),
                ));
            }
            let raw = self.enc.decode(&attr.value, &mut notes.invalid_utf8);
            let value = text::unescape(text::normalize_attr(raw), &mut notes.unknown_entity);
            each(attr.key.local_name().into_inner(), capped(value));
        }
        Ok(())
    }
}

fn capped(s: Cow<'_, str>) -> Cow<'_, str> {
    if s.len() <= TEXT_CAP {
        return s;
    }
    let mut cut = TEXT_CAP;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    Cow::Owned(s[..cut].to_owned())
}

/// A format's reader: events in, tests out. The driver has checked the root element.
pub trait Handler {
    /// A start tag below the root; an empty element (`<x/>`) is followed by [`Handler::end`].
    fn start(&mut self, tag: &Tag) -> Result<(), Fail>;
    /// The end of the innermost open element below the root.
    fn end(&mut self);
    /// Where the text of the innermost open element goes, when it is one the format keeps.
    fn capture(&mut self) -> Option<&mut TextBuf>;
    /// The report's warnings, which the driver adds to.
    fn notes(&mut self) -> &mut Notes;
}

/// Read `bytes`, whose root must be one of `roots`, into `handler`.
pub fn read(
    path: &Path,
    bytes: &[u8],
    format: Format,
    roots: &[&str],
    handler: &mut impl Handler,
) -> Result<(), ReadError> {
    if let Some(utf16) = sniff::utf16(bytes) {
        let text = utf16.transcode(bytes);
        let input = text.as_bytes();
        return drive(input, true, format, roots, handler).map_err(|f| locate(path, f, input, 0));
    }
    let input = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bom = bytes.len() - input.len();
    drive(input, false, format, roots, handler).map_err(|f| locate(path, f, bytes, bom))
}

/// The report from the tests a handler collected.
pub fn finish(path: Arc<Path>, format: Format, mut tests: Vec<TestCase>, notes: Notes) -> Report {
    let warnings = notes.finish(&path);
    tests.shrink_to_fit();
    Report {
        path,
        format,
        tests,
        warnings,
    }
}

/// The error for a failure in `bytes`, the input whose parsed part started at `base`.
pub fn locate(path: &Path, fail: Fail, bytes: &[u8], base: usize) -> ReadError {
    let mut err = ReadError::new(path, fail.kind, fail.message);
    if fail.positioned {
        err.position = Some(line_column(bytes, base + fail.offset as usize));
    }
    err
}

/// A quick-xml reader configured the way the parsers expect their events.
pub fn reader<R: BufRead>(input: R) -> Reader<R> {
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = true;
    config.expand_empty_elements = false;
    reader
}

/// Where the document is relative to its root element.
#[derive(PartialEq, Eq)]
enum Root {
    Before,
    /// Open, with this many elements below it open.
    Open(usize),
    Closed,
}

fn drive(
    input: &[u8],
    transcoded: bool,
    format: Format,
    roots: &[&str],
    handler: &mut impl Handler,
) -> Result<(), Fail> {
    let mut reader = reader(input);
    let (mut root, mut enc, mut saw_content) = (Root::Before, Enc::Utf8, false);
    loop {
        let offset = reader.buffer_position();
        let event = reader.read_event().map_err(|err| {
            Fail::malformed(reader.error_position(), format!("malformed XML: {err}"))
        })?;
        let (start, empty) = match event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                root = match root {
                    Root::Open(0) => Root::Closed,
                    Root::Open(depth) => {
                        handler.end();
                        Root::Open(depth - 1)
                    }
                    other => other,
                };
                continue;
            }
            Event::Text(t) => {
                text(&t, true, &root, enc, offset, handler)?;
                continue;
            }
            Event::CData(t) => {
                text(&t, false, &root, enc, offset, handler)?;
                continue;
            }
            Event::Decl(decl) => {
                if root != Root::Before {
                    return Err(Fail::malformed(
                        offset,
                        "a second XML declaration: two documents concatenated in one file?",
                    ));
                }
                saw_content = true;
                if let Some(Ok(label)) = decl.encoding()
                    && !transcoded
                {
                    let label = String::from_utf8_lossy(&label).into_owned();
                    enc = Enc::from_label(&label).ok_or_else(|| Fail {
                        offset,
                        kind: ReadErrorKind::Encoding,
                        message: format!(
                            "declares encoding \"{label}\", which is not supported; write the \
                             report as UTF-8, UTF-16 or ISO-8859-1"
                        ),
                        positioned: true,
                    })?;
                }
                continue;
            }
            Event::DocType(_) => {
                saw_content = true;
                handler.notes().doctype = true;
                continue;
            }
            Event::Comment(_) | Event::PI(_) => {
                saw_content = true;
                continue;
            }
            Event::Eof => {
                return match root {
                    Root::Closed => Ok(()),
                    Root::Open(_) => Err(Fail::malformed(
                        offset,
                        "unexpected end of file: elements are still open (truncated report?)",
                    )),
                    Root::Before if saw_content => Err(Fail::refused(format!(
                        "no root element: not {}",
                        format.description()
                    ))),
                    Root::Before => Err(Fail::refused(format!(
                        "the file is empty (or only whitespace): not {}",
                        format.description()
                    ))),
                };
            }
        };
        let tag = Tag {
            e: &start,
            enc,
            offset,
        };
        root = match root {
            Root::Before => {
                check_root(&tag, format, roots)?;
                if empty { Root::Closed } else { Root::Open(0) }
            }
            Root::Open(depth) => {
                handler.start(&tag)?;
                if empty {
                    handler.end();
                    Root::Open(depth)
                } else {
                    Root::Open(depth + 1)
                }
            }
            Root::Closed => {
                return Err(Fail::malformed(
                    offset,
                    "a second root element: two documents concatenated in one file?",
                ));
            }
        };
    }
}

fn check_root(tag: &Tag, format: Format, roots: &[&str]) -> Result<(), Fail> {
    let name = String::from_utf8_lossy(tag.e.name().into_inner()).into_owned();
    if roots.contains(&name.as_str()) {
        return Ok(());
    }
    let mut namespace = None;
    tag.attrs(&mut Notes::default(), |key, value| {
        if key == b"xmlns" {
            namespace = Some(value.into_owned());
        }
    })?;
    let expected: Vec<String> = roots.iter().map(|r| format!("<{r}>")).collect();
    Err(Fail::refused(format!(
        "not {}: the root element is <{name}>, which looks like {} (expected {})",
        format.description(),
        sniff::looks_like(&name, namespace.as_deref()),
        expected.join(" or ")
    )))
}

fn text(
    raw: &[u8],
    escaped: bool,
    root: &Root,
    enc: Enc,
    offset: u64,
    handler: &mut impl Handler,
) -> Result<(), Fail> {
    match root {
        Root::Open(depth) if *depth > 0 => {}
        Root::Open(_) => return Ok(()),
        _ if raw.iter().all(u8::is_ascii_whitespace) => return Ok(()),
        Root::Closed => {
            return Err(Fail::malformed(
                offset,
                "text after the end of the root element",
            ));
        }
        Root::Before => {
            let shown = sniff::preview(&String::from_utf8_lossy(raw));
            return Err(Fail::refused(format!(
                "not an XML file (it starts with \"{shown}\")"
            )));
        }
    }
    let room = match handler.capture() {
        Some(buf) if !buf.is_full() => buf.remaining(),
        _ => return Ok(()),
    };
    // Decode only what can be kept: a 50 MB log costs no more than the cap.
    let take = text::keepable_prefix(raw, room + 16, escaped);
    let notes = handler.notes();
    let mut decoded = enc.decode(&raw[..take], &mut notes.invalid_utf8);
    if escaped {
        decoded = text::unescape(decoded, &mut notes.unknown_entity);
    }
    if let Some(buf) = handler.capture() {
        buf.push(decoded);
        if take < raw.len() {
            buf.mark_truncated();
        }
    }
    Ok(())
}
