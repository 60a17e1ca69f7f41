//! The format-neutral entry points: read one file or one buffer with the reader its format
//! needs, as `sniff` tells it from the file's first bytes. Formats no reader knows go to the
//! JUnit reader, which refuses them with a message naming what the file looks like.

use std::io::Read;
use std::path::Path;

use super::error::{ReadError, ReadErrorKind};
use super::model::{Format, Report};
use super::{cucumber, junit, robot, sniff};

/// Read one report file, using every core for a large one.
pub fn read_report(path: &Path) -> Result<Report, ReadError> {
    read_report_with(path, available_cores())
}

/// Read one report file, using up to `cores` cores for a large one.
pub(super) fn read_report_with(path: &Path, cores: usize) -> Result<Report, ReadError> {
    match sniff::format(&head(path)?) {
        Format::Junit => junit::read_report(path, cores),
        Format::Robot => robot::read_report(path),
        Format::Cucumber => cucumber::read_report(path),
    }
}

/// The first bytes of a file, enough to tell its format.
fn head(path: &Path) -> Result<Vec<u8>, ReadError> {
    let io_err =
        |e: std::io::Error| ReadError::new(path, ReadErrorKind::Io, format!("cannot read: {e}"));
    let mut head = Vec::with_capacity(sniff::HEAD);
    std::fs::File::open(path)
        .map_err(io_err)?
        .take(sniff::HEAD as u64)
        .read_to_end(&mut head)
        .map_err(io_err)?;
    Ok(head)
}

/// Read a report held in memory; `path` is used for messages and `Report::path`.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<Report, ReadError> {
    match sniff::format(&bytes[..bytes.len().min(sniff::HEAD)]) {
        Format::Junit => junit::read_bytes(path, bytes),
        Format::Robot => robot::read_bytes(path, bytes),
        Format::Cucumber => cucumber::read_bytes(path, bytes),
    }
}

/// The cores this process may use.
pub(super) fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
