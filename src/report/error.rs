//! Why a report could not be read, with the file, line and column a user needs to find it.

use std::fmt;
use std::path::{Path, PathBuf};

/// What kind of problem stopped the read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadErrorKind {
    /// The file could not be opened or read.
    Io,
    /// The XML is broken (truncated, unclosed CDATA, mismatched tags, `<` in an attribute).
    Malformed,
    /// Well-formed XML, or no XML at all, that is not a report in the format read (JUnit
    /// when sniffed; the forced one with `--format`).
    NotJunit,
    /// Declared in an encoding we do not decode.
    Encoding,
}

/// A report that could not be read. Displays as `FILE:LINE:COLUMN: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The report file.
    pub path: PathBuf,
    /// 1-based line and column (in characters) of the problem, when it has a position.
    pub position: Option<(usize, usize)>,
    /// What went wrong, in words.
    pub message: String,
    /// The class of problem.
    pub kind: ReadErrorKind,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ReadError {}

impl From<ReadError> for crate::error::Error {
    fn from(err: ReadError) -> Self {
        crate::error::Error::Input(err.to_string())
    }
}

impl ReadError {
    /// The error as `anyhow::Error` carrying [`crate::error::Error::Input`] (exit code 3).
    pub fn into_input(self) -> anyhow::Error {
        crate::error::Error::from(self).into()
    }

    pub(crate) fn new(path: &Path, kind: ReadErrorKind, message: impl Into<String>) -> Self {
        ReadError {
            path: path.to_path_buf(),
            position: None,
            message: message.into(),
            kind,
        }
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    // Count characters, not bytes: continuation bytes of UTF-8 do not start a character.
    let column = before[line_start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\ncé<x".as_bytes();
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, text.len() - 2), (2, 3));
        assert_eq!(line_column(text, 999), (2, 5));
    }

    #[test]
    fn display_names_file_line_and_column() {
        let mut err = ReadError::new(Path::new("r.xml"), ReadErrorKind::Malformed, "bad");
        err.position = Some((3, 7));
        assert_eq!(err.to_string(), "r.xml:3:7: bad");
    }
}
