//! An input below quick-xml that passes at most [`RUN_CAP`] bytes of each text run, CDATA
//! section, comment, processing instruction and attribute value, and drops the rest.
//! quick-xml hands every event over whole, so without it one 2 GB `<failure>` body is held in
//! memory at once; the parsers keep at most `TEXT_CAP` (half the run cap) of a field anyway.
//!
//! What is dropped is recorded: the parsers say how much of a field was cut, and an offset
//! quick-xml reports (in the filtered stream) is turned back into the input's, so errors after
//! a cut name the right line and column. A cut never splits a UTF-8 sequence or an entity
//! reference, and the terminator of what was cut (`<`, the closing quote, `]]>`, `-->`, `?>`)
//! always reaches quick-xml. Start tags themselves and a DOCTYPE are passed whole. The scan
//! mirrors quick-xml's own: a wrong guess about where a run starts only moves a cut, and a
//! run shorter than the cap is passed as it is.

use std::io::{self, BufRead, Read};

use super::text::TEXT_CAP;

/// The most bytes of one run passed on.
pub const RUN_CAP: usize = 2 * TEXT_CAP;

/// Where the scan is, relative to XML's syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// Just after `<`.
    Open,
    /// Just after `<!`.
    Bang,
    /// This many bytes of an opening (`CDATA[`, the second `-`) still to pass.
    Intro(u8, Section),
    /// Inside a start or end tag, outside quotes.
    Tag,
    /// Inside an attribute value quoted with this byte.
    Quoted(u8),
    /// Inside a section that ends with a fixed sequence.
    In(Section),
    /// Inside `<!DOCTYPE`, with this many `<` open in it.
    Doctype(u32),
}

/// The sections that end with a fixed sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    CData,
    Comment,
    Pi,
}

impl Section {
    fn end(self) -> &'static [u8] {
        match self {
            Section::CData => b"]]>",
            Section::Comment => b"-->",
            Section::Pi => b"?>",
        }
    }
}

/// Where the scan is, and what it remembers of the bytes before the current chunk.
#[derive(Debug)]
struct Scan {
    state: State,
    /// Bytes of the current run passed on.
    run: usize,
    /// The last two bytes scanned inside a section, for an end sequence split across reads.
    tail: [u8; 2],
    /// The last bytes of the current text run or attribute value (at most [`REF`]), for an
    /// entity reference split across reads.
    recent: Vec<u8>,
}

/// The longest entity reference the parsers resolve: `&`, up to 11 bytes, `;`.
const REF: usize = 13;

/// A [`BufRead`] that bounds every run of `inner` (see the module documentation).
pub struct Bounded<R> {
    inner: R,
    scan: Scan,
    /// Bytes at the front of `inner`'s buffer already scanned, to be passed as they are.
    ready: usize,
    /// The run at the front of `inner` is past the cap: drop until its end.
    dropping: bool,
    /// Input bytes dropped in the current cut so far.
    dropped_now: u64,
    /// A terminator to hand out after a cut section (whose own bytes were dropped with it).
    synth: &'static [u8],
    /// Bytes handed out so far: the position in the filtered stream.
    pos: u64,
    /// Every cut: (its filtered offset, input bytes dropped up to and including it).
    cuts: Vec<(u64, u64)>,
}

impl<R: BufRead> Bounded<R> {
    /// Bound the runs of `inner`.
    pub fn new(inner: R) -> Self {
        Bounded {
            inner,
            scan: Scan {
                state: State::Text,
                run: 0,
                tail: [0; 2],
                recent: Vec::with_capacity(REF),
            },
            ready: 0,
            dropping: false,
            dropped_now: 0,
            synth: b"",
            pos: 0,
            cuts: Vec::new(),
        }
    }
}

impl<R> Bounded<R> {
    /// The input offset of a filtered offset.
    pub fn original(&self, filtered: u64) -> u64 {
        filtered + self.dropped_before(filtered)
    }

    /// Input bytes dropped after filtered offset `from` (the cuts inside an event that
    /// started there, when asked right after reading it).
    pub fn dropped_since(&self, from: u64) -> u64 {
        match self.cuts.last() {
            Some(&(at, total)) if at > from => total - self.dropped_before(from),
            _ => 0,
        }
    }

    fn dropped_before(&self, filtered: u64) -> u64 {
        match self.cuts.last() {
            None => 0,
            Some(&(at, total)) if at <= filtered => total,
            Some(_) => {
                let i = self.cuts.partition_point(|&(at, _)| at <= filtered);
                i.checked_sub(1).map_or(0, |i| self.cuts[i].1)
            }
        }
    }

    fn record_cut(&mut self, dropped: u64) {
        if dropped > 0 {
            let total = self.cuts.last().map_or(0, |c| c.1) + dropped;
            self.cuts.push((self.pos, total));
        }
    }
}

impl<R: BufRead> Read for Bounded<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let chunk = self.fill_buf()?;
        let n = chunk.len().min(out.len());
        out[..n].copy_from_slice(&chunk[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Bounded<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        loop {
            if !self.synth.is_empty() {
                return Ok(self.synth);
            }
            if self.ready > 0 {
                let ready = self.ready;
                return Ok(&self.inner.fill_buf()?[..ready]);
            }
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                return Ok(&[]);
            }
            if self.dropping {
                let (used, done) = drop_run(self.scan.state, chunk, &mut self.scan.tail);
                self.inner.consume(used);
                self.dropped_now += used as u64;
                if let Some(synth) = done {
                    self.finish_cut(synth);
                }
                continue;
            }
            let (keep, cut) = self.scan.chunk(chunk);
            self.ready = keep;
            self.dropping = cut;
        }
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt as u64;
        if !self.synth.is_empty() {
            self.synth = &self.synth[amt.min(self.synth.len())..];
            return;
        }
        self.ready -= amt.min(self.ready);
        self.inner.consume(amt);
    }
}

impl<R> Bounded<R> {
    /// A dropped run ended; `synth` is the end sequence of a section, whose last
    /// `synth.len()` input bytes were consumed with the dropped ones.
    fn finish_cut(&mut self, synth: &'static [u8]) {
        let consumed = self.dropped_now;
        self.dropped_now = 0;
        self.dropping = false;
        self.scan.new_run();
        let end = synth.len() as u64;
        if consumed < end {
            // The end sequence began among the bytes passed on: hand out only its rest.
            self.synth = &synth[(end - consumed) as usize..];
        } else {
            self.synth = synth;
            self.record_cut(consumed - end);
        }
        if !synth.is_empty() {
            self.scan.state = State::Text;
        }
    }
}

impl Scan {
    fn new_run(&mut self) {
        self.run = 0;
        self.recent.clear();
    }

    /// Scan `chunk` from the start: how many bytes to pass on, and whether a cut starts
    /// after them (the run in progress reached the cap).
    fn chunk(&mut self, chunk: &[u8]) -> (usize, bool) {
        let mut i = 0;
        while i < chunk.len() {
            match self.state {
                State::Text | State::Quoted(_) => {
                    let end = match self.state {
                        State::Quoted(q) => q,
                        _ => b'<',
                    };
                    let limit = chunk.len().min(i + RUN_CAP.saturating_sub(self.run));
                    if let Some(at) = memchr::memchr(end, &chunk[i..limit]) {
                        i += at + 1;
                        self.new_run();
                        self.state = if end == b'<' { State::Open } else { State::Tag };
                        continue;
                    }
                    let keep = if limit == chunk.len() {
                        limit
                    } else {
                        self.whole_at(chunk, i, limit, end)
                    };
                    if keep < chunk.len() {
                        return (keep, true);
                    }
                    self.run += keep - i;
                    self.remember_recent(&chunk[i..]);
                    return (keep, false);
                }
                State::Open => {
                    self.state = match chunk[i] {
                        b'!' => State::Bang,
                        b'?' => State::Intro(0, Section::Pi),
                        _ => State::Tag,
                    };
                    if self.state == State::Tag {
                        continue;
                    }
                    i += 1;
                }
                State::Bang => {
                    self.state = match chunk[i] {
                        b'[' => State::Intro(7, Section::CData),
                        b'-' => State::Intro(2, Section::Comment),
                        _ => State::Doctype(0),
                    };
                }
                State::Intro(left, section) => {
                    let n = (left as usize).min(chunk.len() - i);
                    i += n;
                    self.state = if n == left as usize {
                        self.tail = [0; 2];
                        self.new_run();
                        State::In(section)
                    } else {
                        State::Intro(left - n as u8, section)
                    };
                }
                State::Tag => match memchr::memchr3(b'>', b'"', b'\'', &chunk[i..]) {
                    Some(at) => {
                        let b = chunk[i + at];
                        i += at + 1;
                        self.state = if b == b'>' {
                            State::Text
                        } else {
                            State::Quoted(b)
                        };
                    }
                    None => return (chunk.len(), false),
                },
                State::In(section) => {
                    let limit = chunk.len().min(i + RUN_CAP.saturating_sub(self.run));
                    if let Some(at) = find_end(section.end(), &chunk[i..limit], &self.tail) {
                        i += at + 1;
                        self.new_run();
                        self.state = State::Text;
                        continue;
                    }
                    let keep = if limit == chunk.len() {
                        limit
                    } else {
                        utf8_whole(chunk, limit)
                    };
                    remember_tail(&mut self.tail, &chunk[i..keep]);
                    self.run += keep - i;
                    return (keep, keep < chunk.len());
                }
                State::Doctype(depth) => match memchr::memchr2(b'<', b'>', &chunk[i..]) {
                    Some(at) => {
                        i += at + 1;
                        self.state = match (chunk[i - 1], depth) {
                            (b'<', d) => State::Doctype(d + 1),
                            (_, 0) => State::Text,
                            (_, d) => State::Doctype(d - 1),
                        };
                    }
                    None => return (chunk.len(), false),
                },
            }
        }
        (chunk.len(), false)
    }

    /// Where to cut a text run or attribute value that reaches the cap at `limit`: moved on
    /// past an entity reference or UTF-8 sequence in progress, never past the run's `end`
    /// byte. The chunk's length when that needs more input.
    fn whole_at(&self, chunk: &[u8], start: usize, limit: usize, end: u8) -> usize {
        let mut window = self.recent.clone();
        window.extend_from_slice(&chunk[start..limit]);
        let window = &window[window.len().saturating_sub(REF)..];
        let mut at = limit;
        if let Some(amp) = window.iter().rposition(|&b| b == b'&')
            && !window[amp..].contains(&b';')
        {
            let stop = limit + (REF - (window.len() - amp));
            match memchr::memchr2(b';', end, &chunk[limit..stop.min(chunk.len())]) {
                Some(k) if chunk[limit + k] == b';' => at = limit + k + 1,
                Some(k) => at = limit + k,
                None if stop > chunk.len() => return chunk.len(),
                None => {}
            }
        }
        utf8_whole(chunk, at)
    }

    fn remember_recent(&mut self, seen: &[u8]) {
        let seen = &seen[seen.len().saturating_sub(REF)..];
        let keep = (REF - seen.len()).min(self.recent.len());
        self.recent.drain(..self.recent.len() - keep);
        self.recent.extend_from_slice(seen);
    }
}

/// `at`, moved past the continuation bytes of a UTF-8 sequence that started before it.
fn utf8_whole(chunk: &[u8], mut at: usize) -> usize {
    while at < chunk.len() && (chunk[at] & 0xC0) == 0x80 {
        at += 1;
    }
    at
}

/// The index of the `>` that completes `end` in `bytes`, `tail` holding the two bytes
/// before them.
fn find_end(end: &[u8], bytes: &[u8], tail: &[u8; 2]) -> Option<usize> {
    let before = &end[..end.len() - 1];
    memchr::memchr_iter(b'>', bytes).find(|&at| {
        (0..before.len()).all(|k| {
            // The byte `k + 1` places before the `>`.
            let back = k + 1;
            let byte = if at >= back {
                bytes[at - back]
            } else {
                tail[2 - (back - at)]
            };
            byte == before[before.len() - 1 - k]
        })
    })
}

fn remember_tail(tail: &mut [u8; 2], seen: &[u8]) {
    match seen {
        [] => {}
        [b] => *tail = [tail[1], *b],
        [.., a, b] => *tail = [*a, *b],
    }
}

/// Drop the front of a cut run in `chunk`: how many bytes to drop and, when the run ends
/// in it, the end sequence to hand out (empty for a text run or attribute value, whose end
/// byte is left in the input).
fn drop_run(state: State, chunk: &[u8], tail: &mut [u8; 2]) -> (usize, Option<&'static [u8]>) {
    match state {
        State::In(section) => match find_end(section.end(), chunk, tail) {
            Some(at) => (at + 1, Some(section.end())),
            None => {
                remember_tail(tail, chunk);
                (chunk.len(), None)
            }
        },
        State::Quoted(q) => match memchr::memchr(q, chunk) {
            Some(at) => (at, Some(b"")),
            None => (chunk.len(), None),
        },
        _ => match memchr::memchr(b'<', chunk) {
            Some(at) => (at, Some(b"")),
            None => (chunk.len(), None),
        },
    }
}

#[cfg(test)]
mod tests;
