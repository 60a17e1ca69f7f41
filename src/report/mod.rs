//! Reading JUnit XML reports: the many dialects test runners write, streamed with quick-xml.
//!
//! `read_report`/`read_bytes` read one file into a [`Report`]; `select` turns patterns into
//! files and `load` reads a whole selection, deciding what an unreadable file means.

mod attrs;
mod classnames;
mod error;
pub mod model;
mod notes;
mod parser;
mod read;
mod sniff;
mod split;
pub mod text;
mod time;

pub use error::{ReadError, ReadErrorKind};
pub use model::{Details, Outcome, Property, Record, RecordKind, Report, TestCase, Text};
pub use read::{read_bytes, read_report};
mod load;
mod select;

pub use load::{Loaded, load};
pub use select::{ReportSelection, Selected, select};

#[cfg(test)]
mod tests;
