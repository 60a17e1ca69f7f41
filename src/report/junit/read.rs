//! Entry points of the reader: a file (streamed through a fixed-size buffer, a large one
//! in parallel parts) or bytes in memory. UTF-16 input is transcoded to UTF-8 first;
//! everything else is parsed as bytes.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::error::{ReadError, ReadErrorKind, line_column};
use super::model::{Report, TestCase};
use super::notes::Notes;
use super::parser::{Fail, Parser};
use super::sniff;
use super::split;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Read buffer size for files: large enough that syscalls do not show in profiles.
pub(super) const FILE_BUFFER: usize = 256 * 1024;

/// A single text event larger than this is not kept in the reused event buffer afterwards.
const BUFFER_KEEP: usize = 1 << 20;

/// A file is read in parallel parts of at least this size, one per core. A single pass
/// over a smaller one takes about a tenth of a second, and parts cost memory: joining them
/// briefly holds the later parts' tests twice, and each reader thread allocates its tests'
/// texts from its own malloc arena, where a submit cannot reuse them once freed (the 100k
/// submit's 41 MB report peaked at 96 MB read in two parts, 83 MB in one).
const MIN_PART: u64 = 32 << 20;

/// Read and classify one JUnit XML report file.
pub fn read_report(path: &Path) -> Result<Report, ReadError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    read_report_in(path, |len| parts_for(len, cores))
}

/// How many parts to read a file of `len` bytes in, with `cores` cores to spare.
pub(super) fn parts_for(len: u64, cores: usize) -> usize {
    (len / MIN_PART).clamp(1, cores.max(1) as u64) as usize
}

/// Read a report in as many parts as `parts(file length)` says; one means a single pass.
pub(super) fn read_report_in(
    path: &Path,
    parts: impl FnOnce(u64) -> usize,
) -> Result<Report, ReadError> {
    let io_err =
        |e: std::io::Error| ReadError::new(path, ReadErrorKind::Io, format!("cannot read: {e}"));
    let file = File::open(path).map_err(io_err)?;
    let mut input = BufReader::with_capacity(FILE_BUFFER, file);
    let head = input.fill_buf().map_err(io_err)?;
    if sniff::utf16(head).is_some() {
        let mut bytes = Vec::new();
        input.read_to_end(&mut bytes).map_err(io_err)?;
        return read_bytes(path, &bytes);
    }
    let bom = if head.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    input.consume(bom);
    // Positions are only needed on failure: re-read the file to turn the offset into a line
    // and column instead of counting lines for every event.
    let located = |fail| locate(path, fail, &std::fs::read(path).unwrap_or_default(), bom);
    let len = input.get_ref().metadata().map_or(0, |m| m.len());
    let parts = parts(len);
    if parts > 1
        && let Some((result, _)) = split::read(path, bom as u64, parts)
    {
        return result.map_err(located);
    }
    parse(path, input, false).map_err(located)
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
    parse(path, &bytes[bom..], false).map_err(|f| locate(path, f, bytes, bom))
}

fn locate(path: &Path, fail: Fail, bytes: &[u8], base: usize) -> ReadError {
    let mut err = ReadError::new(path, fail.kind, fail.message);
    if fail.positioned {
        err.position = Some(line_column(bytes, base + fail.offset as usize));
    }
    err
}

fn parse<R: BufRead>(path: &Path, input: R, transcoded: bool) -> Result<Report, Fail> {
    let shared: Arc<Path> = Arc::from(path);
    let mut parser = Parser::new(shared.clone(), transcoded);
    let mut reader = xml_reader(input);
    drive(&mut reader, &mut parser, |_, _| false)?;
    Ok(finish(shared, parser.tests, parser.notes))
}

/// A quick-xml reader configured the way the parser expects its events.
pub(super) fn xml_reader<R: BufRead>(input: R) -> Reader<R> {
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = true;
    config.expand_empty_elements = false;
    reader
}

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
        tests,
        warnings,
    }
}
