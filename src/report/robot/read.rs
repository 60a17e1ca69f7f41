//! Entry points: a file (streamed through a fixed-size buffer) or bytes in memory.
//! Robot Framework always writes UTF-8; a byte-order mark is skipped.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

use quick_xml::events::Event;

use super::parser::{Fail, Parser};
use crate::report::Format;
use crate::report::error::{ReadError, ReadErrorKind};
use crate::report::model::Report;
use crate::report::xml::{self, FILE_BUFFER, locate};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Read one output.xml file.
pub fn read_report(path: &Path) -> Result<Report, ReadError> {
    let io_err =
        |e: std::io::Error| ReadError::new(path, ReadErrorKind::Io, format!("cannot read: {e}"));
    let file = File::open(path).map_err(io_err)?;
    let mut input = BufReader::with_capacity(FILE_BUFFER, file);
    let bom = if input.fill_buf().map_err(io_err)?.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    input.consume(bom);
    parse(path, input).map_err(|fail| xml::locate_in_file(path, fail, bom))
}

/// Read an output.xml held in memory; `path` is used for messages and `Report::path`.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<Report, ReadError> {
    let bom = if bytes.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    parse(path, &bytes[bom..]).map_err(|fail| locate(path, fail, bytes, bom))
}

fn parse<R: std::io::Read>(path: &Path, input: R) -> Result<Report, Fail> {
    let shared: Arc<Path> = Arc::from(path);
    let mut parser = Parser::new(shared.clone());
    let mut reader = xml::bounded_reader(input);
    let mut buf = Vec::with_capacity(64 * 1024);
    loop {
        let (start, offset) = xml::event_start(&mut reader);
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|err| xml::syntax_error(&reader, &err))?;
        let cut = || reader.get_ref().dropped_since(start);
        match event {
            Event::Start(e) => parser.start(&e, false, offset)?,
            Event::Empty(e) => parser.start(&e, true, offset)?,
            Event::End(_) => parser.end(),
            Event::Text(t) => parser.text(&t, true, offset, cut())?,
            Event::CData(c) => parser.text(&c, false, offset, cut())?,
            Event::Eof => {
                parser.eof(xml::input_position(&reader))?;
                break;
            }
            Event::Decl(_) | Event::DocType(_) | Event::Comment(_) | Event::PI(_) => {}
        }
        buf.clear();
        if buf.capacity() > 1 << 20 {
            // One huge message must not pin its size in memory for the rest of the file.
            buf = Vec::with_capacity(64 * 1024);
        }
    }
    let mut tests = parser.tests;
    tests.shrink_to_fit();
    Ok(Report {
        warnings: parser.notes.finish(&shared),
        path: shared,
        format: Format::Robot,
        tests,
    })
}
