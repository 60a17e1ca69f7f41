//! Entry points of the reader: a file (streamed through a fixed-size buffer, a large one
//! in parallel parts) or bytes in memory. UTF-16 input is transcoded to UTF-8 first;
//! everything else is parsed as bytes.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::parser::{Fail, Parser};
use crate::report::Format;
use crate::report::error::{ReadError, ReadErrorKind};
use crate::report::model::{Report, TestCase};
use crate::report::notes::Notes;
use crate::report::sniff;
use crate::report::xml::locate;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Read buffer size for files: large enough that syscalls do not show in profiles.
pub(super) const FILE_BUFFER: usize = 256 * 1024;

/// A single text event larger than this is not kept in the reused event buffer afterwards.
const BUFFER_KEEP: usize = 1 << 20;

/// How a file opened for reading turned out: UTF-16 (transcoded, read from memory) or a
/// stream of UTF-8 or single-byte text whose byte-order mark, if any, is already skipped.
pub(super) enum Opened {
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
pub(super) fn open(path: &Path) -> Result<Opened, ReadError> {
    let io_err =
        |e: std::io::Error| ReadError::new(path, ReadErrorKind::Io, format!("cannot read: {e}"));
    let file = File::open(path).map_err(io_err)?;
    let mut input = BufReader::with_capacity(FILE_BUFFER, file);
    let head = input.fill_buf().map_err(io_err)?;
    if sniff::utf16(head).is_some() {
        let mut bytes = Vec::new();
        input.read_to_end(&mut bytes).map_err(io_err)?;
        return Ok(Opened::Utf16(bytes));
    }
    let bom = if head.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    if let Some(preview) = not_xml(&head[bom..]) {
        // Refused from its first bytes: parsing on would hold the whole text (gigabytes of a
        // log or binary) as one XML text event before finding out.
        return Err(ReadError::new(
            path,
            ReadErrorKind::NotJunit,
            format!("not an XML file (it starts with \"{preview}\")"),
        ));
    }
    input.consume(bom);
    let len = input.get_ref().metadata().map_or(0, |m| m.len());
    Ok(Opened::Stream { input, bom, len })
}

/// A preview of the start when the first non-blank byte cannot begin an XML document.
fn not_xml(head: &[u8]) -> Option<String> {
    let first = head.iter().position(|b| !b.is_ascii_whitespace())?;
    (head[first] != b'<').then(|| {
        sniff::preview(&String::from_utf8_lossy(
            &head[first..head.len().min(first + 200)],
        ))
    })
}

/// Read an opened stream in a single pass.
pub(super) fn read_stream(
    path: &Path,
    input: BufReader<File>,
    bom: usize,
) -> Result<Report, ReadError> {
    parse(path, input, false).map_err(|fail| locate_in_file(path, fail, bom))
}

/// The error for a failure in a file. Positions are only needed on failure: the file is read
/// again to turn the offset into a line and column instead of counting lines for every event;
/// streamed through a small buffer, so a huge file does not double the memory.
pub(super) fn locate_in_file(path: &Path, fail: Fail, bom: usize) -> ReadError {
    let mut err = ReadError::new(path, fail.kind, fail.message);
    if fail.positioned {
        let offset = bom as u64 + fail.offset;
        err.position = File::open(path)
            .and_then(|f| streamed_line_column(BufReader::with_capacity(FILE_BUFFER, f), offset))
            .ok();
    }
    err
}

/// [`line_column`](crate::report::error::line_column) over a stream, up to `offset` bytes.
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

/// Read a report held in memory; `path` is used for messages and `Report::path`.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<Report, ReadError> {
    if let Some(utf16) = sniff::utf16(bytes) {
        let text = utf16.transcode(bytes);
        return parse(path, text.as_bytes(), true).map_err(|f| locate(path, f, text.as_bytes(), 0));
    }
    let bom = if bytes.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    if let Some(preview) = not_xml(&bytes[bom..bytes.len().min(bom + FILE_BUFFER)]) {
        let message = format!("not an XML file (it starts with \"{preview}\")");
        return Err(ReadError::new(path, ReadErrorKind::NotJunit, message));
    }
    parse(path, &bytes[bom..], false).map_err(|f| locate(path, f, bytes, bom))
}

fn parse<R: BufRead>(path: &Path, input: R, transcoded: bool) -> Result<Report, Fail> {
    let shared: Arc<Path> = Arc::from(path);
    let mut parser = Parser::new(shared.clone(), transcoded);
    let mut reader = xml_reader(input);
    drive(&mut reader, &mut parser, |_, _| false)?;
    Ok(finish(shared, parser.tests, parser.notes))
}

pub(super) use crate::report::xml::reader as xml_reader;

/// Feed events to `parser` until the end of the input, or until `stop`, asked before each
/// event with the offset where it starts, says another reader takes over from there.
/// Returns whether it stopped early.
pub(super) fn drive<R: BufRead>(
    reader: &mut Reader<R>,
    parser: &mut Parser,
    mut stop: impl FnMut(u64, &Parser) -> bool,
) -> Result<bool, Fail> {
    let mut buf = Vec::with_capacity(64 * 1024);
    loop {
        let offset = reader.buffer_position();
        if stop(offset, parser) {
            return Ok(true);
        }
        let event = reader.read_event_into(&mut buf).map_err(|err| {
            Fail::malformed(reader.error_position(), format!("malformed XML: {err}"))
        })?;
        match event {
            Event::Start(e) => parser.start(&e, false, offset)?,
            Event::Empty(e) => parser.start(&e, true, offset)?,
            Event::End(_) => parser.end(),
            Event::Text(t) => parser.text(&t, true, offset)?,
            Event::CData(c) => parser.text(&c, false, offset)?,
            Event::Decl(d) => parser.decl(&d, offset)?,
            Event::DocType(_) => parser.doctype(),
            Event::Comment(_) | Event::PI(_) => parser.other(),
            Event::Eof => {
                parser.eof(reader.buffer_position())?;
                return Ok(false);
            }
        }
        buf.clear();
        if buf.capacity() > BUFFER_KEEP {
            // One huge system-out must not pin its size in memory for the rest of the file.
            buf = Vec::with_capacity(64 * 1024);
        }
    }
}

/// The report from what the parser collected.
pub(super) fn finish(path: Arc<Path>, mut tests: Vec<TestCase>, notes: Notes) -> Report {
    let warnings = notes.finish(&path);
    // Up to half the vector is growth room; large (mmap-backed) buffers shrink in place.
    tests.shrink_to_fit();
    Report {
        path,
        format: Format::Junit,
        tests,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::error::line_column;

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

    #[test]
    fn non_xml_is_recognised_from_the_first_bytes() {
        assert_eq!(not_xml(b"  \n{\"a\": 1}").as_deref(), Some("{\"a\": 1}"));
        assert_eq!(not_xml(b"\n <?xml?>"), None);
        assert_eq!(not_xml(b"   "), None);
    }
}
