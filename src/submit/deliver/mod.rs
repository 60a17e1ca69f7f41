//! Delivery: the run results go to, the batches, their pace and their posting, the resume
//! file for what could not be posted, closing a plan, and the writing half of a submit that
//! ties them together.

pub mod already;
pub mod batch;
pub mod case_suites;
pub mod check;
pub mod close;
pub mod journal;
pub mod locate;
pub mod pace;
pub mod post;
pub mod refs;
pub mod resume;
pub mod run_files;
pub mod suites;
pub mod target;
pub mod unsent;
pub mod write;
