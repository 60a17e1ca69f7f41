//! One large report read on several cores. The file is cut where a suite or testcase
//! appears to start, and each later part is read on a guess of what is open there: the
//! root alone before a `<testsuite>`, or the root and its first suite before a `<testcase>`
//! (pytest writes all its tests into one suite). The part's reader replays the file up to
//! the end of those start tags, then goes on from the cut. A part is used only if the reader
//! of the part before it arrives at exactly its first byte with exactly those elements open,
//! the state the guess assumed. A wrong guess (a cut inside CDATA, or in a later suite)
//! costs time, never a result: the report is the one a single pass gives.

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use quick_xml::events::Event;

use super::error::ReadErrorKind;
use super::model::{Report, TestCase};
use super::notes::Notes;
use super::parser::{Fail, Parser};
use super::read::{FILE_BUFFER, drive, finish, xml_reader};

/// The root's start tag must end within this many bytes for the file to be cut.
const HEAD: u64 = 64 * 1024;

/// How far past each even cut to look for a child's start tag.
const WINDOW: u64 = 1 << 20;

/// Where the parts start, and what every part after the first replays before its own bytes.
struct Plan {
    /// The start of the input (after any BOM): at least up to the end of the longest replay.
    head: Vec<u8>,
    /// Where parts 1, 2, … start; increasing.
    cuts: Vec<Cut>,
}

/// The start of a part, and the guess it is read on.
struct Cut {
    /// Input offset of the part's first byte.
    at: u64,
    /// How much of `Plan::head` to replay first: up to the end of the guessed open elements.
    replay: usize,
    /// Where the guessed open elements start, outermost first.
    open: Vec<u64>,
}

/// The elements a report opens before its first testcase that a cut may guess are open.
struct Head {
    /// The root's start offset and the end of its start tag.
    root: (u64, u64),
    /// Its children to cut before: `testsuite`, or `testcase` for a `<testsuite>` root.
    child: &'static [u8],
    /// The root's first child, when that is a `<testsuite>`: its start and the end of its tag.
    first_suite: Option<(u64, u64)>,
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
    file.seek(SeekFrom::Start(bom))?;
    let mut head = Vec::new();
    file.by_ref().take(HEAD).read_to_end(&mut head)?;
    let Some(opening) = opening(&head) else {
        return Ok(None);
    };
    let root_end = opening.root.1;
    let mut cuts: Vec<Cut> = Vec::new();
    let mut window = Vec::new();
    for k in 1..parts as u64 {
        let target = root_end + (len - root_end) * k / parts as u64;
        if cuts.last().is_some_and(|last| target <= last.at) {
            continue;
        }
        file.seek(SeekFrom::Start(bom + target))?;
        window.clear();
        file.by_ref().take(WINDOW).read_to_end(&mut window)?;
        let cut = if let Some(at) = find_start_tag(&window, opening.child) {
            Cut {
                at: target + at as u64,
                replay: root_end as usize,
                open: vec![opening.root.0],
            }
        } else if let Some((suite, suite_end)) = opening.first_suite
            && let Some(at) = find_start_tag(&window, b"testcase")
        {
            Cut {
                at: target + at as u64,
                replay: suite_end as usize,
                open: vec![opening.root.0, suite],
            }
        } else {
            continue;
        };
        cuts.push(cut);
    }
    let replay = cuts.iter().map(|c| c.replay).max().unwrap_or(0);
    head.truncate(replay);
    Ok((!cuts.is_empty()).then_some(Plan { head, cuts }))
}

/// The root element and, when the root holds suites, its first suite.
fn opening(head: &[u8]) -> Option<Head> {
    let mut reader = xml_reader(head);
    let mut buf = Vec::new();
    let mut root: Option<((u64, u64), &'static [u8])> = None;
    // Elements open inside the root, while looking for its first suite.
    let mut depth = 0usize;
    loop {
        let offset = reader.buffer_position();
        let Ok(event) = reader.read_event_into(&mut buf) else {
            // The head may end inside a tag: the root alone is still a guess to cut on.
            let (root, child) = root?;
            return Some(Head {
                root,
                child,
                first_suite: None,
            });
        };
        let end = reader.buffer_position();
        match (event, root) {
            (Event::Start(e), None) => {
                let child: &'static [u8] = match e.name().as_ref() {
                    b"testsuite" => b"testcase",
                    b"testsuites" | b"testrun" => b"testsuite",
                    _ => return None,
                };
                if child == b"testcase" {
                    return Some(Head {
                        root: (offset, end),
                        child,
                        first_suite: None,
                    });
                }
                root = Some(((offset, end), child));
            }
            (Event::Empty(_) | Event::Eof, None) => return None,
            (Event::Start(e), Some((root, child))) => {
                if depth == 0 && e.name().as_ref() == b"testsuite" {
                    let first_suite = Some((offset, end));
                    return Some(Head {
                        root,
                        child,
                        first_suite,
                    });
                }
                depth += 1;
            }
            (Event::End(_), Some((root, child))) if depth == 0 => {
                return Some(Head {
                    root,
                    child,
                    first_suite: None,
                });
            }
            (Event::End(_), Some(_)) => depth -= 1,
            (Event::Eof, Some((root, child))) => {
                return Some(Head {
                    root,
                    child,
                    first_suite: None,
                });
            }
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
        matches!(
            window.get(at + needle.len()),
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
        )
    })
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
    let start = if k == 0 { 0 } else { plan.cuts[k - 1].at };
    file.seek(SeekFrom::Start(bom + start)).map_err(io)?;
    let body = BufReader::with_capacity(FILE_BUFFER, file);
    // Part 0 reads the head itself; the others replay it in front of their own bytes.
    let replay: &[u8] = if k == 0 {
        &[]
    } else {
        &plan.head[..plan.cuts[k - 1].replay]
    };
    let replayed = replay.len() as u64;
    let mut reader = xml_reader(Cursor::new(replay).chain(body));
    let mut parser = Parser::new(shared, false);
    let input_offset = |offset: u64| {
        if offset < replayed {
            offset
        } else {
            offset - replayed + start
        }
    };
    if k > 0 {
        drive(&mut reader, &mut parser, |offset, _| offset >= replayed)?;
        // Part 0 reports whatever the replayed part holds.
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
            // What this reader has open started either in the replay (where offsets are the
            // input's) or after it.
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
