//! Warnings collected while reading one report. Repetitive ones (a bad time on every test,
//! text cut at the cap) are counted and reported once, so a million-test report cannot
//! produce a million warnings.

use std::path::Path;

/// At most this many individual warnings per report; the rest are counted.
const MAX_LISTED: usize = 50;

/// Warnings for one report, in the order first seen.
#[derive(Debug, Default)]
pub struct Notes {
    listed: Vec<String>,
    unlisted: usize,
    bad_time: Counted,
    truncated: Counted,
    pub unknown_entity: bool,
    pub invalid_utf8: bool,
    pub doctype: bool,
}

/// A kind of warning that is counted, with its first occurrence as the example.
#[derive(Debug, Default)]
struct Counted {
    count: usize,
    first: Option<String>,
}

impl Counted {
    fn add(&mut self, example: impl FnOnce() -> String) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some(example());
        }
    }

    fn append(&mut self, later: Counted) {
        self.count += later.count;
        self.first = self.first.take().or(later.first);
    }
}

impl Notes {
    /// A warning worth listing on its own (a suite-level error, say).
    pub fn push(&mut self, message: String) {
        if self.listed.len() < MAX_LISTED {
            self.listed.push(message);
        } else {
            self.unlisted += 1;
        }
    }

    /// A time value that could not be used.
    pub fn bad_time(&mut self, example: impl FnOnce() -> String) {
        self.bad_time.add(example);
    }

    /// A text field cut at the cap.
    pub fn truncated(&mut self, example: impl FnOnce() -> String) {
        self.truncated.add(example);
    }

    /// Add the warnings of the next part of the same report, as if read in one go.
    pub fn append(&mut self, later: Notes) {
        for message in later.listed {
            self.push(message);
        }
        self.unlisted += later.unlisted;
        self.bad_time.append(later.bad_time);
        self.truncated.append(later.truncated);
        self.unknown_entity |= later.unknown_entity;
        self.invalid_utf8 |= later.invalid_utf8;
        self.doctype |= later.doctype;
    }

    /// Every warning as a line starting with the report path.
    pub fn finish(self, path: &Path) -> Vec<String> {
        let p = path.display();
        let mut out: Vec<String> = self.listed.iter().map(|m| format!("{p}: {m}")).collect();
        if self.unlisted > 0 {
            out.push(format!(
                "{p}: {} more warnings like the above",
                self.unlisted
            ));
        }
        if let Some(first) = self.bad_time.first {
            let n = self.bad_time.count;
            out.push(format!(
                "{p}: {n} unusable time value(s) treated as unknown (first: {first})"
            ));
        }
        if let Some(first) = self.truncated.first {
            let n = self.truncated.count;
            out.push(format!(
                "{p}: {n} text field(s) longer than 64 KiB were cut (first: {first})"
            ));
        }
        if self.doctype {
            out.push(format!(
                "{p}: DOCTYPE ignored (entities are never expanded or fetched)"
            ));
        }
        if self.unknown_entity {
            out.push(format!(
                "{p}: undefined entity references were kept as literal text"
            ));
        }
        if self.invalid_utf8 {
            out.push(format!("{p}: invalid UTF-8 replaced with U+FFFD"));
        }
        out
    }
}
