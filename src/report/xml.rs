//! What the XML readers (JUnit, Robot Framework) share: quick-xml configured the way their
//! parsers expect events, and a failure at a byte offset, turned into a `ReadError` with a
//! line and column only when the read has failed.

use std::io::BufRead;
use std::path::Path;

use quick_xml::Reader;

use super::error::{ReadError, ReadErrorKind, line_column};

/// A problem at a byte offset of the parsed input; the caller turns it into a `ReadError`.
#[derive(Debug)]
pub struct Fail {
    pub offset: u64,
    pub kind: ReadErrorKind,
    pub message: String,
    /// Whether line and column help (not for "this is NUnit").
    pub positioned: bool,
}

impl Fail {
    /// Broken XML at `offset`.
    pub fn malformed(offset: u64, message: impl Into<String>) -> Fail {
        Fail {
            offset,
            kind: ReadErrorKind::Malformed,
            message: message.into(),
            positioned: true,
        }
    }

    /// Well-formed input of another kind than the reader reads; no position helps.
    pub fn refused(message: String) -> Fail {
        Fail {
            offset: 0,
            kind: ReadErrorKind::NotJunit,
            message,
            positioned: false,
        }
    }
}

/// A quick-xml reader configured the way the parsers expect their events.
pub fn reader<R: BufRead>(input: R) -> Reader<R> {
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = true;
    config.expand_empty_elements = false;
    reader
}

/// The error for a failure in `bytes`, the input whose parsed part started at `base`.
pub fn locate(path: &Path, fail: Fail, bytes: &[u8], base: usize) -> ReadError {
    let mut err = ReadError::new(path, fail.kind, fail.message);
    if fail.positioned {
        err.position = Some(line_column(bytes, base + fail.offset as usize));
    }
    err
}
