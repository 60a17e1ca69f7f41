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
use crate::report::bounded::Bounded;
use crate::report::error::{ReadError, ReadErrorKind};
use crate::report::model::{Report, TestCase};
use crate::report::notes::Notes;
use crate::report::sniff;
use crate::report::xml;
use crate::report::xml::{bounded_reader, event_start, input_position, locate, syntax_error};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

pub(super) use crate::report::xml::FILE_BUFFER;

/// A single text event larger than this is not kept in the reused event buffer afterwards.
const BUFFER_KEEP: usize = 1 << 20;

pub(super) use crate::report::xml::Opened;

/// Open a report file and look at its first bytes.
pub(super) fn open(path: &Path) -> Result<Opened, ReadError> {
    let mut opened = xml::open(path)?;
    if let Opened::Stream { input, .. } = &mut opened {
        let head = input.fill_buf().map_err(|e| xml::io_error(path, &e))?;
        if let Some(preview) = not_xml(head) {
            // Refused from its first bytes: parsing on would hold the whole text (gigabytes
            // of a log or binary) as one XML text event before finding out.
            return Err(ReadError::new(
                path,
                ReadErrorKind::NotJunit,
                format!("not an XML file (it starts with \"{preview}\")"),
            ));
        }
    }
    Ok(opened)
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

fn parse<R: Read>(path: &Path, input: R, transcoded: bool) -> Result<Report, Fail> {
    let shared: Arc<Path> = Arc::from(path);
    let mut parser = Parser::new(shared.clone(), transcoded);
    let mut reader = bounded_reader(input);
    drive(&mut reader, &mut parser, |_, _| false)?;
    Ok(finish(shared, parser.tests, parser.notes))
}

pub(super) use crate::report::xml::{locate_in_file, reader as xml_reader};

/// Feed events to `parser` until the end of the input, or until `stop`, asked before each
/// event with the input offset where it starts, says another reader takes over from there.
/// Returns whether it stopped early.
pub(super) fn drive<R: Read>(
    reader: &mut Reader<Bounded<R>>,
    parser: &mut Parser,
    mut stop: impl FnMut(u64, &Parser) -> bool,
) -> Result<bool, Fail> {
    let mut buf = Vec::with_capacity(64 * 1024);
    loop {
        let (start, offset) = event_start(reader);
        if stop(offset, parser) {
            return Ok(true);
        }
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|err| syntax_error(reader, &err))?;
        // What the bounded input cut from this event (a huge body, attribute or CDATA).
        let cut = || reader.get_ref().dropped_since(start);
        match event {
            Event::Start(e) => parser.start(&e, false, offset, cut())?,
            Event::Empty(e) => parser.start(&e, true, offset, cut())?,
            Event::End(_) => parser.end(),
            Event::Text(t) => parser.text(&t, true, offset, cut())?,
            Event::CData(c) => parser.text(&c, false, offset, cut())?,
            Event::Decl(d) => parser.decl(&d, offset)?,
            Event::DocType(_) => parser.doctype(),
            Event::Comment(_) | Event::PI(_) => parser.other(),
            Event::Eof => {
                parser.eof(input_position(reader))?;
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

    #[test]
    fn non_xml_is_recognised_from_the_first_bytes() {
        assert_eq!(not_xml(b"  \n{\"a\": 1}").as_deref(), Some("{\"a\": 1}"));
        assert_eq!(not_xml(b"\n <?xml?>"), None);
        assert_eq!(not_xml(b"   "), None);
    }
}
