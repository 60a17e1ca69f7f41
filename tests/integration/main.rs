//! End-to-end tests: the real binaries against the project's TestRail sandbox.
//! One module per area; shared set-up lives in `common`.
mod action;
mod corpus;

mod common;
mod runs;
mod inspect;
