//! Robot Framework `output.xml`, RF 3.2 through 7.x, streamed with quick-xml. A `<test>` is a
//! test, the nested `<suite>`s its suite path, its top-level keywords and control structures
//! its steps. Case IDs and trcli's documentation lines (`- testrail_case_id: C1`) and tags
//! become the same properties the JUnit reader gives, so mapping and planning need nothing
//! Robot-specific.

mod meta;
mod parser;
mod read;
mod step;
mod time;

pub use read::{read_bytes, read_report};

#[cfg(test)]
mod tests;
