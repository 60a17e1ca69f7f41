//! End-to-end tests: the real binaries against the project's TestRail sandbox.
//! One module per area; shared set-up lives in `common`.
mod action;
mod ci;
mod client;
mod common;
mod corpus;
mod create_cases;
mod deliver;
mod dotnet;
mod formats;
mod formats_corpus;
mod inspect;
mod newcomer;
mod panic;
mod plans;
mod reliability;
mod rerun;
mod result_version;
mod run_attachments;
mod runs;
mod sandbox;
mod submit;
mod suites;
mod trcli_fixtures;
mod trcli_migration;
mod web_view;
