//! Cucumber JSON, as cucumber-jvm, cucumber-js, cucumber-ruby and Behave write it. A scenario
//! (each example row of an outline, which every writer expands) is a test, its feature the
//! suite, its steps the test's steps; a failing step's `error_message` is the failure and
//! embedded files (`embeddings`) are attached to the result.
//!
//! Features are deserialized one at a time from the top-level array and turned into tests
//! before the next is read, so a report's embedded screenshots are never held twice.

mod convert;
mod json;
mod read;

pub use read::{read_bytes, read_report};

#[cfg(test)]
mod tests;
