//! What the tool says on stderr while it works: one-line notes (waits, counts) and progress
//! meters for long work (case creation, result posting, paging).
//!
//! On a terminal a meter is one line redrawn in place; in a CI log, where carriage returns
//! turn into noise, it is a plain line every [`LOG_EVERY`]. Short work shows nothing: a meter
//! first appears after [`SHOW_AFTER`]. `--quiet` silences all of it (warnings and errors are
//! not progress and still print). Everything goes to stderr; stdout is for results.
//!
//! The settings are process-wide because the transport and the pipeline stages report from
//! deep inside async tasks; they are set once, by `crate::run`, before any work starts.

use std::io::{IsTerminal as _, Write as _};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long work runs before its meter appears (and the shortest wait worth a note).
pub const SHOW_AFTER: Duration = Duration::from_secs(2);
/// How often a meter prints a line in a log (not a terminal).
pub const LOG_EVERY: Duration = Duration::from_secs(10);
/// How often a meter is redrawn on a terminal.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

static QUIET: AtomicBool = AtomicBool::new(false);
/// Milliseconds between log lines and before a meter shows; `u64::MAX` means the defaults.
static INTERVAL_MS: AtomicU64 = AtomicU64::new(u64::MAX);
/// The meter line currently drawn on the terminal, so a note can clear and redraw it.
static LIVE: Mutex<Option<String>> = Mutex::new(None);

/// Set once at start-up: `quiet` silences notes and meters; `interval` (tests) replaces both
/// [`SHOW_AFTER`] and [`LOG_EVERY`].
pub fn configure(quiet: bool, interval: Option<Duration>) {
    QUIET.store(quiet, Ordering::Relaxed);
    if let Some(i) = interval {
        INTERVAL_MS.store(i.as_millis() as u64, Ordering::Relaxed);
    }
}

/// Whether `--quiet` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

fn show_after() -> Duration {
    match INTERVAL_MS.load(Ordering::Relaxed) {
        u64::MAX => SHOW_AFTER,
        ms => Duration::from_millis(ms),
    }
}

fn log_every() -> Duration {
    match INTERVAL_MS.load(Ordering::Relaxed) {
        u64::MAX => LOG_EVERY,
        ms => Duration::from_millis(ms),
    }
}

/// Print one line on stderr unless `--quiet`, keeping a live meter intact below it.
pub fn note(line: &str) {
    if !quiet() {
        print_line(line);
    }
}

/// Print a line on stderr whatever `--quiet` says (warnings), keeping a live meter intact.
pub fn print_line(line: &str) {
    let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    let mut err = std::io::stderr().lock();
    let _ = match live.as_deref() {
        Some(bar) => write!(err, "\r\x1b[K{line}\n{bar}"),
        None => writeln!(err, "{line}"),
    };
    let _ = err.flush();
}

/// Progress of one piece of long work. Cheap to update from many tasks at once.
pub struct Meter {
    label: String,
    total: Option<u64>,
    done: AtomicU64,
    started: Instant,
    /// When the meter was last shown.
    last: Mutex<Option<Instant>>,
    finished: AtomicBool,
    terminal: bool,
}

impl Meter {
    /// Start a meter for `total` items (`None` when the total is unknown, as when paging).
    pub fn new(label: impl Into<String>, total: Option<u64>) -> Meter {
        Meter {
            label: label.into(),
            total,
            done: AtomicU64::new(0),
            started: Instant::now(),
            last: Mutex::new(None),
            finished: AtomicBool::new(false),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Count `n` more items done, and show the meter when it is due.
    pub fn add(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        self.show(done, false);
    }

    /// Finish: a terminal's meter line stays with its final count; a log gets a last line
    /// only when it showed the meter before.
    pub fn finish(&self) {
        if !self.finished.swap(true, Ordering::Relaxed) {
            self.show(self.done.load(Ordering::Relaxed), true);
        }
    }

    fn show(&self, done: u64, last: bool) {
        if quiet() || self.started.elapsed() < show_after() {
            return;
        }
        let mut shown = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let every = if self.terminal {
            REDRAW_EVERY
        } else {
            log_every()
        };
        let due = shown.is_none_or(|t| t.elapsed() >= every);
        if !(due || last && shown.is_some()) {
            return;
        }
        *shown = Some(Instant::now());
        let text = self.text(done);
        if !self.terminal {
            print_line(&text);
            return;
        }
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = std::io::stderr().lock();
        if last {
            let _ = writeln!(err, "\r\x1b[K{text}");
            *live = None;
        } else {
            let _ = write!(err, "\r\x1b[K{text}");
            *live = Some(text);
        }
        let _ = err.flush();
    }

    /// `Creating cases: [####------] 120/1000 (12%), 40 s` or `Reading cases: 750, 4 s`.
    fn text(&self, done: u64) -> String {
        let secs = self.started.elapsed().as_secs();
        match self.total {
            Some(total) if total > 0 => {
                let done = done.min(total);
                let pct = done * 100 / total;
                let bar = if self.terminal {
                    let filled = (done * 20 / total) as usize;
                    format!("[{}{}] ", "#".repeat(filled), "-".repeat(20 - filled))
                } else {
                    String::new()
                };
                format!("{}: {bar}{done}/{total} ({pct}%), {secs} s", self.label)
            }
            _ => format!("{}: {done}, {secs} s", self.label),
        }
    }
}

impl Drop for Meter {
    /// Work that ended early (an error) still leaves the terminal's line finished.
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meter_text_shows_counts_percent_and_time() {
        let mut m = Meter::new("Creating cases", Some(8));
        m.terminal = false;
        assert_eq!(m.text(2), "Creating cases: 2/8 (25%), 0 s");
        m.terminal = true;
        assert_eq!(
            m.text(4),
            "Creating cases: [##########----------] 4/8 (50%), 0 s"
        );
        let open = Meter::new("Reading cases", None);
        assert_eq!(open.text(750), "Reading cases: 750, 0 s");
    }
}
