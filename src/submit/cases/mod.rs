//! `--create-missing-cases` and `--case-matcher automation-id`: finding the cases a suite
//! already has, planning the sections and cases to create, and writing them.

pub mod automation;
pub mod case_fields;
pub mod case_plan;
pub mod case_title;
pub mod case_writes;
pub mod create_cases;
pub mod sections;
