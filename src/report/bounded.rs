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

/// Bytes of one event handed out before it is scanned. Events are almost always shorter, and
/// scanning every byte cost a fifth of the reader's time; a longer event is scanned from its
/// start (kept in the buffer for that) and from then on as it is handed out.
const LAZY: usize = 64 * 1024;

/// Bytes read from the input at a time.
const READ: usize = 256 * 1024;

/// Bytes kept before the next one to hand out when the buffer is refilled: room to put back
/// the end sequence of a cut section.
const BACK: usize = 3;

/// A [`BufRead`] that bounds every run of `inner` (see the module documentation).
pub struct Bounded<R> {
    inner: R,
    /// Input read and not yet discarded; `buf[at..end]` may be handed out as it is.
    buf: Vec<u8>,
    at: usize,
    end: usize,
    filled: usize,
    /// The filtered offset of `buf[0]`: input offsets shifted by what was dropped.
    shift: i64,
    /// Where the current event started in `buf`, and whether it is still unscanned.
    event: usize,
    lazy: bool,
    scan: Scan,
    /// The run at `at` is past the cap: drop until its end.
    dropping: bool,
    /// Input bytes dropped in the current cut so far.
    dropped_now: u64,
    /// Every cut: (its filtered offset, input bytes dropped up to and including it).
    cuts: Vec<(u64, u64)>,
}

impl<R: Read> Bounded<R> {
    /// Bound the runs of `inner`.
    pub fn new(inner: R) -> Self {
        Bounded {
            inner,
            buf: Vec::new(),
            at: 0,
            end: 0,
            filled: 0,
            shift: 0,
            event: 0,
            lazy: true,
            scan: Scan {
                state: State::Text,
                run: 0,
                tail: [0; 2],
                recent: Vec::with_capacity(REF),
            },
            dropping: false,
            dropped_now: 0,
            cuts: Vec::new(),
        }
    }
}

impl<R> Bounded<R> {
    /// A new event starts at the next byte (quick-xml is between events): it is handed out
    /// unscanned until it grows long.
    #[inline]
    pub fn boundary(&mut self) {
        if !self.dropping {
            self.lazy = true;
            self.event = self.at;
            self.end = self.filled.min(self.at + LAZY);
        }
    }

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

    /// Bytes handed out so far: the position in the filtered stream.
    fn pos(&self) -> u64 {
        (self.shift + self.at as i64) as u64
    }

    /// A dropped run ended; `end` is the end sequence of a section, the last input bytes
    /// dropped (empty for a text run or attribute value, whose end byte is still ahead).
    fn finish_cut(&mut self, end: &'static [u8]) {
        let consumed = std::mem::take(&mut self.dropped_now);
        self.dropping = false;
        self.scan.new_run();
        let len = end.len() as u64;
        if consumed < len {
            // The end sequence began among the bytes passed on: hand out its rest, as read.
            self.at -= consumed as usize;
            self.shift += consumed as i64;
        } else {
            // Hand it out again, from the room kept before `at`.
            self.at -= end.len();
            self.shift += end.len() as i64;
            self.buf[self.at..self.at + end.len()].copy_from_slice(end);
            let dropped = consumed - len;
            if dropped > 0 {
                let total = self.cuts.last().map_or(0, |c| c.1) + dropped;
                self.cuts.push((self.pos(), total));
            }
        }
        self.end = self.at + (len.min(consumed) as usize);
        if !end.is_empty() {
            self.scan.state = State::Text;
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let chunk = self.fill_buf()?;
        let n = chunk.len().min(out.len());
        out[..n].copy_from_slice(&chunk[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Bounded<R> {
    // quick-xml asks several times per event: the common case must cost next to nothing.
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.at < self.end {
            return Ok(&self.buf[self.at..self.end]);
        }
        self.fill_slow()
    }

    #[inline]
    fn consume(&mut self, amt: usize) {
        self.at += amt;
    }
}

impl<R: Read> Bounded<R> {
    /// Read more, scan (or drop) the next bytes; see [`BufRead::fill_buf`].
    #[inline(never)]
    fn fill_slow(&mut self) -> io::Result<&[u8]> {
        loop {
            if self.lazy {
                self.end = self.filled.min(self.event + LAZY);
                if self.at < self.end {
                    return Ok(&self.buf[self.at..self.end]);
                }
                if self.at < self.event + LAZY {
                    if !self.refill()? {
                        return Ok(&[]);
                    }
                    continue;
                }
                // A long event: where is it now? Its start is in the buffer, and too short
                // to hold a cut.
                self.lazy = false;
                let open = self.event > 0 && self.buf[self.event - 1] == b'<';
                self.scan
                    .restart(if open { State::Open } else { State::Text });
                self.scan.chunk(&self.buf[self.event..self.at]);
                self.end = self.at;
                continue;
            }
            if self.at < self.end {
                return Ok(&self.buf[self.at..self.end]);
            }
            if self.at == self.filled && !self.refill()? {
                return Ok(&[]);
            }
            let chunk = &self.buf[self.at..self.filled];
            if self.dropping {
                let (used, done) = drop_run(self.scan.state, chunk, &mut self.scan.tail);
                self.at += used;
                self.shift -= used as i64;
                self.dropped_now += used as u64;
                if let Some(end) = done {
                    self.finish_cut(end);
                }
                continue;
            }
            let (keep, cut) = self.scan.chunk(chunk);
            self.end = self.at + keep;
            self.dropping = cut;
        }
    }

    /// Read more input once everything read is handed out, keeping the current event while
    /// it is unscanned, and a few bytes before it (a `<` that quick-xml took with a text; room
    /// for an end sequence).
    fn refill(&mut self) -> io::Result<bool> {
        let from = if self.lazy { self.event } else { self.at };
        let from = from.saturating_sub(BACK);
        self.buf.copy_within(from..self.filled, 0);
        (self.at, self.filled) = (self.at - from, self.filled - from);
        self.end = self.end.saturating_sub(from);
        self.event = self.event.saturating_sub(from);
        self.shift += from as i64;
        if self.buf.len() < self.filled + READ {
            self.buf.resize(self.filled + READ, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.filled..]) {
                Ok(n) => {
                    self.filled += n;
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

impl Scan {
    fn restart(&mut self, state: State) {
        self.state = state;
        self.tail = [0; 2];
        self.new_run();
    }

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
