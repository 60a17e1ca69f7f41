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
mod formats_corpus;
mod inspect;
mod newcomer;
mod panic;
mod reliability;
mod runs;
mod sandbox;
mod submit;
mod web_view;
