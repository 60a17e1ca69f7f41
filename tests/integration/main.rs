//! End-to-end tests: the real binaries against the project's TestRail sandbox.
//! One module per area; shared set-up lives in `common`.
mod action;
mod ci;
mod corpus;
mod panic;

mod client;
mod common;
mod runs;
mod inspect;
mod sandbox;
mod submit;
