//! One large report read on several cores. The file is cut where a suite or testcase
//! appears to start, and each later part is read on a guess of what is open there: the
//! root alone before a `<testsuite>`; before a `<testcase>`, the root and the nearest suite
//! start tag before the cut (or the first suite: pytest writes all its tests into one).
//! The part's reader replays the file up to the end of the root's start tag and that suite's
//! start tag, then goes on from the cut. A part is used only if the reader of the part
//! before it arrives at exactly its first byte with exactly those elements open, the state
//! the guess assumed. A wrong guess (a cut inside CDATA, a suite tag inside a comment) costs
//! time, never a result: the report is the one a single pass gives.

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use quick_xml::Reader;
use quick_xml::events::Event;

use super::parser::{Fail, Parser};
use super::read::{self as single, FILE_BUFFER, Opened, drive, finish, xml_reader};
use crate::report::error::{ReadError, ReadErrorKind};
use crate::report::model::{Report, TestCase};
use crate::report::notes::Notes;
use crate::report::xml::bounded_reader;

/// A file is read in parallel parts of at least this size, one per core. A single pass
/// over a smaller one takes about a tenth of a second, and parts cost memory: joining them
/// briefly holds the later parts' tests twice, and each reader thread allocates its tests'
/// texts from its own malloc arena, where a submit cannot reuse them once freed (the 100k
/// submit's 41 MB report peaked at 96 MB read in two parts, 83 MB in one).
const MIN_PART: u64 = 32 << 20;

/// Read one JUnit XML report file, using up to `cores` cores for a large one.
pub fn read_report(path: &Path, cores: usize) -> Result<Report, ReadError> {
    read_report_in(path, |len| parts_for(len, cores))
}

/// How many parts to read a file of `len` bytes in, with `cores` cores to spare.
fn parts_for(len: u64, cores: usize) -> usize {
    (len / MIN_PART).clamp(1, cores.max(1) as u64) as usize
}

/// Read a report in as many parts as `parts(file length)` says; one means a single pass.
pub(super) fn read_report_in(
    path: &Path,
    parts: impl FnOnce(u64) -> usize,
) -> Result<Report, ReadError> {
    match single::open(path)? {
        Opened::Utf16(bytes) => single::read_bytes(path, &bytes),
        Opened::Stream { input, bom, len } => {
            let parts = parts(len);
            if parts > 1
                && let Some((result, _)) = read(path, bom as u64, parts)
            {
                return result.map_err(|fail| single::locate_in_file(path, fail, bom));
            }
            single::read_stream(path, input, bom)
        }
    }
}

/// The root's start tag must end within this many bytes for the file to be cut.
const HEAD: u64 = 64 * 1024;

/// How far past each even cut to look for a child's start tag.
const WINDOW: u64 = 1 << 20;

/// How far before a cut to look for the start tag of the suite it is in.
const LOOK_BACK: u64 = 8 << 20;

/// A suite's start tag must end within this many bytes of its `<`.
const TAG: u64 = 64 * 1024;

/// Where parts 1, 2, … start (increasing), and what each replays before its own bytes.
struct Plan {
    cuts: Vec<Cut>,
}

/// The start of a part, and the guess it is read on.
struct Cut {
    /// Input offset of the part's first byte.
    at: u64,
    /// The start tags of the guessed open elements, with what came before the root's.
    replay: Vec<u8>,
    /// Where the replayed pieces and then the part's own bytes sit in the input: (offset in
    /// the reader's stream, offset in the input), in stream order.
    pieces: Vec<(u64, u64)>,
    /// Where the guessed open elements start in the input, outermost first.
    open: Vec<u64>,
}

impl Cut {
    /// The input offset of a position in this part's stream.
    fn input_offset(&self, stream: u64) -> u64 {
        let (from, input) = self
            .pieces
            .iter()
            .rev()
            .find(|(from, _)| *from <= stream)
            .copied()
            .unwrap_or((0, 0));
        input + (stream - from)
    }
}

/// The elements a report opens before its first testcase that a cut may guess are open.
struct Head {
    /// The root's start offset and the end of its start tag.
    root: (u64, u64),
    /// Its children to cut before: `testsuite`, or `testcase` for a `<testsuite>` root.
    child: &'static [u8],
    /// The root's first suite (before any other suite or testcase): where it starts, and
    /// its start tag.
    first_suite: Option<(u64, Vec<u8>)>,
}

/// What one part's reader found, and which part follows (`None`: it read to the end).
struct Part {
    tests: Vec<TestCase>,
    notes: Notes,
    next: Option<usize>,
}

/// Read `path` (not UTF-16; its first `bom` bytes skipped) in up to `parts` parts: what a
/// single pass would have given, and how many parts it was put together from. `None` when
/// the file offers no place to cut or cannot be planned: the caller reads it in one go.
pub(super) fn read(path: &Path, bom: u64, parts: usize) -> Option<(Result<Report, Fail>, usize)> {
    let plan = plan(path, bom, parts).ok()??;
    let shared: Arc<Path> = Arc::from(path);
    // Only the first part's reader is known to be right from the start, so only it may
    // declare a later part unneeded; that part's reader then stops early.
    let unneeded: Vec<AtomicBool> = (0..=plan.cuts.len())
        .map(|_| AtomicBool::new(false))
        .collect();
    let mut results: Vec<Option<Result<Part, Fail>>> = std::thread::scope(|scope| {
        // A part whose thread cannot be started is simply missing; if it is needed, the
        // caller reads the file in one go.
        let workers: Vec<_> = (1..=plan.cuts.len())
            .map(|k| {
                let (plan, shared, unneeded) = (&plan, shared.clone(), &unneeded);
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || {
                        read_part(path, shared, bom, plan, k, unneeded)
                    })
                    .ok()
            })
            .collect();
        let first = read_part(path, shared.clone(), bom, &plan, 0, &unneeded);
        if first.is_err() {
            // The report is unreadable whatever the other parts hold.
            unneeded
                .iter()
                .for_each(|u| u.store(true, Ordering::Relaxed));
        }
        let mut results = vec![first.transpose()];
        results.extend(workers.into_iter().map(|w| w?.join().ok()?.transpose()));
        results
    });
    let mut tests = Vec::new();
    let mut notes = Notes::default();
    let (mut k, mut parts_used) = (0, 0);
    loop {
        parts_used += 1;
        // A part on the chain was never declared unneeded (only parts the first reader
        // passed over are), so it is always here; anything else means read it in one go.
        let mut part = match results.get_mut(k)?.take()? {
            Ok(part) => part,
            Err(fail) => {
                return Some((Err(fail), parts_used));
            }
        };
        if tests.is_empty() {
            tests = part.tests;
        } else {
            tests.append(&mut part.tests);
        }
        notes.append(part.notes);
        match part.next {
            Some(next) => k = next,
            None => {
                return Some((Ok(finish(shared, tests, notes)), parts_used));
            }
        }
    }
}

/// Find the opening elements and a cut near each even share of the rest.
fn plan(path: &Path, bom: u64, parts: usize) -> std::io::Result<Option<Plan>> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len().saturating_sub(bom);
    let head = read_at(&mut file, bom, HEAD)?;
    let Some(opening) = opening(&head) else {
        return Ok(None);
    };
    let (root, root_end) = opening.root;
    let prologue = &head[..root_end as usize];
    let mut cuts: Vec<Cut> = Vec::new();
    for k in 1..parts as u64 {
        let target = root_end + (len - root_end) * k / parts as u64;
        if cuts.last().is_some_and(|last| target <= last.at) {
            continue;
        }
        let window = read_at(&mut file, bom + target, WINDOW)?;
        let cut = if let Some(at) = find_start_tag(&window, opening.child) {
            let at = target + at as u64;
            Cut {
                at,
                replay: prologue.to_vec(),
                pieces: vec![(0, 0), (root_end, at)],
                open: vec![root],
            }
        } else if opening.child == b"testsuite"
            && let Some(at) = find_start_tag(&window, b"testcase")
        {
            let at = target + at as u64;
            let Some((suite, tag)) =
                suite_before(&mut file, bom, root_end, at)?.or_else(|| opening.first_suite.clone())
            else {
                continue;
            };
            let mut replay = prologue.to_vec();
            replay.extend_from_slice(&tag);
            let replayed = replay.len() as u64;
            Cut {
                at,
                replay,
                pieces: vec![(0, 0), (root_end, suite), (replayed, at)],
                open: vec![root, suite],
            }
        } else {
            continue;
        };
        cuts.push(cut);
    }
    Ok((!cuts.is_empty()).then_some(Plan { cuts }))
}

/// Up to `max` bytes of the file from `offset`.
fn read_at(file: &mut File, offset: u64, max: u64) -> std::io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(offset))?;
    let mut bytes = Vec::new();
    file.by_ref().take(max).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The last suite start tag in the [`LOOK_BACK`] bytes before input offset `before` (and
/// after `floor`): where it starts, and its bytes.
fn suite_before(
    file: &mut File,
    bom: u64,
    floor: u64,
    before: u64,
) -> std::io::Result<Option<(u64, Vec<u8>)>> {
    let from = before.saturating_sub(LOOK_BACK).max(floor);
    let window = read_at(file, bom + from, before - from)?;
    let needle = b"<testsuite";
    let found = memchr::memmem::rfind_iter(&window, needle)
        .find(|&at| name_ends(window.get(at + needle.len())));
    let Some(at) = found else {
        return Ok(None);
    };
    let start = from + at as u64;
    let bytes = read_at(file, bom + start, TAG)?;
    let mut reader = xml_reader(bytes.as_slice());
    let mut buf = Vec::new();
    Ok(match reader.read_event_into(&mut buf) {
        Ok(Event::Start(_)) => {
            let end = reader.buffer_position() as usize;
            Some((start, bytes[..end].to_vec()))
        }
        _ => None,
    })
}

/// The root element and, when the root holds suites, its first suite.
fn opening(head: &[u8]) -> Option<Head> {
    let mut reader = xml_reader(head);
    let mut buf = Vec::new();
    let (root, child) = loop {
        let offset = reader.buffer_position();
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) => {
                let child: &'static [u8] = match e.name().as_ref() {
                    b"testsuite" => b"testcase",
                    b"testsuites" | b"testrun" => b"testsuite",
                    _ => return None,
                };
                break ((offset, reader.buffer_position()), child);
            }
            Event::Empty(_) | Event::Eof => return None,
            _ => buf.clear(),
        }
    };
    let first_suite = if child == b"testsuite" {
        first_suite(&mut reader, head)
    } else {
        None
    };
    Some(Head {
        root,
        child,
        first_suite,
    })
}

/// The root's first child suite, skipping whole elements before it; `None` when the root
/// ends first, or the head ends (perhaps inside a tag) before it is found.
fn first_suite(reader: &mut Reader<&[u8]>, head: &[u8]) -> Option<(u64, Vec<u8>)> {
    let mut buf = Vec::new();
    // Elements open inside the root.
    let mut depth = 0usize;
    loop {
        let offset = reader.buffer_position();
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) if depth == 0 && e.name().as_ref() == b"testsuite" => {
                let end = reader.buffer_position() as usize;
                return Some((offset, head[offset as usize..end].to_vec()));
            }
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return None,
            Event::End(_) => depth -= 1,
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// The first `<name` followed by whitespace, `>` or `/` in `window`.
fn find_start_tag(window: &[u8], name: &[u8]) -> Option<usize> {
    let mut needle = Vec::with_capacity(name.len() + 1);
    needle.push(b'<');
    needle.extend_from_slice(name);
    memchr::memmem::find_iter(window, &needle).find(|&at| {
        let next = window.get(at + needle.len());
        name_ends(next) || next == Some(&b'/')
    })
}

/// Whether the byte after a tag name (`None`: the window ended) ends it with whitespace
/// or `>`, so `<testsuite` is not taken for `<testsuites`.
fn name_ends(next: Option<&u8>) -> bool {
    matches!(next, Some(b' ' | b'\t' | b'\r' | b'\n' | b'>'))
}

/// Read part `k`; `Ok(None)` when it was declared unneeded before it finished.
fn read_part(
    path: &Path,
    shared: Arc<Path>,
    bom: u64,
    plan: &Plan,
    k: usize,
    unneeded: &[AtomicBool],
) -> Result<Option<Part>, Fail> {
    let io = |e: std::io::Error| Fail {
        offset: 0,
        kind: ReadErrorKind::Io,
        message: format!("cannot read: {e}"),
        positioned: false,
    };
    let mut file = File::open(path).map_err(io)?;
    // Part 0 reads the file from its start; the others replay their guess first.
    let first = Cut {
        at: 0,
        replay: Vec::new(),
        pieces: vec![(0, 0)],
        open: Vec::new(),
    };
    let this = if k == 0 { &first } else { &plan.cuts[k - 1] };
    file.seek(SeekFrom::Start(bom + this.at)).map_err(io)?;
    let body = BufReader::with_capacity(FILE_BUFFER, file);
    let replayed = this.replay.len() as u64;
    let mut reader = bounded_reader(Cursor::new(this.replay.as_slice()).chain(body));
    let mut parser = Parser::new(shared, false);
    let input_offset = |offset: u64| this.input_offset(offset);
    if k > 0 {
        drive(&mut reader, &mut parser, |offset, _| offset >= replayed)?;
        // Part 0 reports whatever the replayed tags hold.
        parser.notes = Notes::default();
        parser.tests.clear();
    }
    let (mut next, mut stopped, mut dropped) = (k, None, false);
    let result = drive(&mut reader, &mut parser, |offset, parser| {
        if unneeded[k].load(Ordering::Relaxed) {
            dropped = true;
            return true;
        }
        let at = input_offset(offset);
        while let Some(cut) = plan.cuts.get(next)
            && cut.at <= at
        {
            let same_open = parser.open_containers().is_some_and(|open| {
                open.len() == cut.open.len()
                    && open
                        .iter()
                        .zip(&cut.open)
                        .all(|(&o, &c)| input_offset(o) == c)
            });
            if cut.at == at && same_open {
                stopped = Some(next + 1);
                return true;
            }
            next += 1;
            if k == 0 {
                unneeded[next].store(true, Ordering::Relaxed);
            }
        }
        false
    });
    if let Err(mut fail) = result {
        fail.offset = input_offset(fail.offset);
        return Err(fail);
    }
    Ok((!dropped).then_some(Part {
        tests: parser.tests,
        notes: parser.notes,
        next: stopped,
    }))
}
