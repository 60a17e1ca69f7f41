//! Reading test reports into one format-neutral test model, whatever wrote them.
//!
//! The top of this module knows no format: the model ([`Report`], [`TestCase`]), choosing
//! files (`select`), reading a whole selection (`load`), recognising what a file is
//! (`sniff`), the caps on kept text and the warnings. Each format has a sub-module that fills
//! the model; `read` picks the reader for a file.

pub(crate) mod bounded;
mod classnames;
pub mod cucumber;
mod dotnet;
mod error;
#[cfg(test)]
mod fixtures;
mod format;
pub mod junit;
mod load;
pub mod model;
mod notes;
mod read;
pub mod robot;
mod select;
mod sniff;
pub mod suite_hint;
pub mod text;
mod xml;

pub use error::{ReadError, ReadErrorKind};
pub use format::Format;
pub use load::{Loaded, load};
pub use model::{
    Details, Embedded, Outcome, Property, Record, RecordKind, Report, Step, TestCase, Text,
};
pub use read::{read_bytes, read_bytes_as, read_report};
pub use select::{ReportSelection, Selected, files_matching, select};
