//! JUnit XML, in the many dialects test runners write, streamed with quick-xml. A single
//! pass (`read`) is the reader; `split` sits above it and reads a large file on several
//! cores with the single pass's result.

mod attrs;
mod parser;
mod read;
mod split;
mod time;

pub use read::read_bytes;
pub use split::read_report;

#[cfg(test)]
mod tests;
