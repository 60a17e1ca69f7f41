//! The format-neutral entry points: read one file or one buffer with the reader its format
//! needs. JUnit XML is the one format read today; other formats are recognised by `sniff`
//! and refused with a message naming what the file looks like.

use std::path::Path;

use super::error::ReadError;
use super::junit;
use super::model::Report;

/// Read one report file, using every core for a large one.
pub fn read_report(path: &Path) -> Result<Report, ReadError> {
    read_report_with(path, available_cores())
}

/// Read one report file, using up to `cores` cores for a large one.
pub(super) fn read_report_with(path: &Path, cores: usize) -> Result<Report, ReadError> {
    junit::read_report(path, cores)
}

/// Read a report held in memory; `path` is used for messages and `Report::path`.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<Report, ReadError> {
    junit::read_bytes(path, bytes)
}

/// The cores this process may use.
pub(super) fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
