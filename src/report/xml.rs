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

use std::fs::File;
use std::io::{BufRead, BufReader, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::bounded::Bounded;
use super::error::{ReadError, ReadErrorKind, line_column};
use super::format::Format;
use super::model::{Report, TestCase};
use super::notes::Notes;
use super::sniff;
use super::text::{self, Enc, TEXT_CAP, TextBuf};

/// Read buffer size for files: large enough that syscalls do not show in profiles.
pub const FILE_BUFFER: usize = 256 * 1024;

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

/// Where a report comes from: bytes in memory or the file at its path.
#[derive(Clone, Copy)]
pub enum Input<'a> {
    /// The report's bytes, already read.
    Bytes(&'a [u8]),
    /// Streamed from the file.
    File,
}

/// Read `input`, whose root must be one of `roots`, into `handler`.
pub fn read_input(
    path: &Path,
    input: Input,
    format: Format,
    roots: &[&str],
    handler: &mut impl Handler,
) -> Result<(), ReadError> {
    match input {
        Input::Bytes(bytes) => read(path, bytes, format, roots, handler),
        Input::File => read_file(path, format, roots, handler),
    }
}

/// Read `bytes`, whose root must be one of `roots`, into `handler`.
fn read(
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

/// Read the file at `path` like [`read`], streamed (only UTF-16 is read whole, to transcode
/// it), so that memory follows the tests kept, not the size of the file.
fn read_file(
    path: &Path,
    format: Format,
    roots: &[&str],
    handler: &mut impl Handler,
) -> Result<(), ReadError> {
    match open(path)? {
        Opened::Utf16(bytes) => read(path, &bytes, format, roots, handler),
        Opened::Stream { input, bom, .. } => {
            drive(input, false, format, roots, handler).map_err(|f| locate_in_file(path, f, bom))
        }
    }
}

/// How a file opened for reading turned out: UTF-16 (transcoded, read from memory) or a
/// stream of UTF-8 or single-byte text whose byte-order mark, if any, is already skipped.
pub enum Opened {
    /// The whole file, UTF-16, still to be transcoded.
    Utf16(Vec<u8>),
    /// The file positioned after its UTF-8 byte-order mark.
    Stream {
        /// The buffered file.
        input: BufReader<File>,
        /// Length of the skipped byte-order mark (0 or 3).
        bom: usize,
        /// The file's length in bytes.
        len: u64,
    },
}

/// Open a report file and look at its first bytes.
pub fn open(path: &Path) -> Result<Opened, ReadError> {
    let file = File::open(path).map_err(|e| io_error(path, &e))?;
    let mut input = BufReader::with_capacity(FILE_BUFFER, file);
    let head = input.fill_buf().map_err(|e| io_error(path, &e))?;
    if sniff::utf16(head).is_some() {
        let mut bytes = Vec::new();
        input
            .read_to_end(&mut bytes)
            .map_err(|e| io_error(path, &e))?;
        return Ok(Opened::Utf16(bytes));
    }
    let bom = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    input.consume(bom);
    let len = input.get_ref().metadata().map_or(0, |m| m.len());
    Ok(Opened::Stream { input, bom, len })
}

/// The error for a file that cannot be read.
pub fn io_error(path: &Path, err: &std::io::Error) -> ReadError {
    ReadError::new(path, ReadErrorKind::Io, format!("cannot read: {err}"))
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

/// The error for a failure in a file. Positions are only needed on failure: the file is read
/// again to turn the offset into a line and column instead of counting lines for every event;
/// streamed through a small buffer, so a huge file does not double the memory.
pub fn locate_in_file(path: &Path, fail: Fail, bom: usize) -> ReadError {
    let mut err = ReadError::new(path, fail.kind, fail.message);
    if fail.positioned {
        let offset = bom as u64 + fail.offset;
        err.position = File::open(path)
            .and_then(|f| streamed_line_column(BufReader::with_capacity(FILE_BUFFER, f), offset))
            .ok();
    }
    err
}

/// [`line_column`] over a stream, up to `offset` bytes.
fn streamed_line_column<R: BufRead>(mut input: R, offset: u64) -> std::io::Result<(usize, usize)> {
    let (mut line, mut column, mut read) = (1, 1, 0u64);
    while read < offset {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let take = chunk.len().min((offset - read) as usize);
        for &b in &chunk[..take] {
            if b == b'\n' {
                (line, column) = (line + 1, 1);
            } else if (b & 0xC0) != 0x80 {
                column += 1;
            }
        }
        input.consume(take);
        read += take as u64;
    }
    Ok((line, column))
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

/// [`reader`] over an input whose text runs and attribute values are bounded: the parsers'
/// reader, which ask its [`Bounded`] for input offsets and what was cut.
pub fn bounded_reader<R: Read>(input: R) -> Reader<Bounded<R>> {
    reader(Bounded::new(input))
}

/// Where the next event starts, in the filtered stream and in the input; called before each
/// event is read.
pub fn event_start<R>(reader: &mut Reader<Bounded<R>>) -> (u64, u64) {
    reader.get_mut().boundary();
    let filtered = reader.buffer_position();
    (filtered, reader.get_ref().original(filtered))
}

/// The input offset quick-xml is at.
pub fn input_position<R>(reader: &Reader<Bounded<R>>) -> u64 {
    reader.get_ref().original(reader.buffer_position())
}

/// The input offset of a failure quick-xml reports.
pub fn syntax_error<R>(reader: &Reader<Bounded<R>>, err: &quick_xml::Error) -> Fail {
    let at = reader.get_ref().original(reader.error_position());
    Fail::malformed(at, format!("malformed XML: {err}"))
}

/// Where the document is relative to its root element.
#[derive(PartialEq, Eq)]
enum Root {
    Before,
    /// Open, with this many elements below it open.
    Open(usize),
    Closed,
}

fn drive<R: Read>(
    input: R,
    transcoded: bool,
    format: Format,
    roots: &[&str],
    handler: &mut impl Handler,
) -> Result<(), Fail> {
    let mut reader = bounded_reader(input);
    let (mut root, mut enc, mut saw_content) = (Root::Before, Enc::Utf8, false);
    let mut buf = Vec::with_capacity(64 * 1024);
    loop {
        buf.clear();
        let (start, offset) = event_start(&mut reader);
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|err| syntax_error(&reader, &err))?;
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
                let dropped = reader.get_ref().dropped_since(start);
                text(&t, true, &root, enc, (offset, dropped), handler)?;
                continue;
            }
            Event::CData(t) => {
                let dropped = reader.get_ref().dropped_since(start);
                text(&t, false, &root, enc, (offset, dropped), handler)?;
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
                let offset = input_position(&reader);
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
    (offset, dropped): (u64, u64),
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
    if handler.capture().is_none() {
        return Ok(());
    }
    let mut notes = std::mem::take(handler.notes());
    if let Some(buf) = handler.capture() {
        buf.push_raw(raw, escaped, dropped, enc, &mut notes);
    }
    *handler.notes() = notes;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streamed_position_matches_the_in_memory_one() {
        let text = "ab\ncé<x\n\n  <y>".as_bytes();
        for offset in 0..=text.len() {
            let small = BufReader::with_capacity(3, text);
            assert_eq!(
                streamed_line_column(small, offset as u64).unwrap(),
                line_column(text, offset),
                "{offset}"
            );
        }
    }
}
