//! A strict TestRail-compatible HTTP server for tests, the demo, and trying pipelines without a
//! TestRail instance.
//!
//! It speaks the API at `<base>index.php?/api/v2/<method>/<ids>&filters` with TestRail's status
//! codes and exact error texts (from the project's API notes, `../shared/testrail-api.md`,
//! which win whenever they and the sandbox disagree), keeps its data in memory
//! behind one lock (each request is atomic), injects faults on demand, and exposes a control
//! endpoint under `/__sandbox/` so tests can assert exactly which calls were made and what the
//! server ended up holding. Start it in-process with [`Sandbox::start`] / [`Sandbox::spawn`] or
//! as the `testrail-sandbox` binary.

mod api;
mod auth;
mod control;
mod demo;
mod elapsed;
mod faults;
mod handler;
mod load;
mod options;
mod pagination;
mod render;
mod respond;
mod route;
mod seed;
mod server;
mod state;
mod store;
mod test_table;
mod web;

pub use auth::AUTH_FAILED;
pub use demo::DEMO_CASES;
pub use faults::{DelayFault, DropFault, ErrorFault, Faults, RateLimit, RetryFormat};
pub use options::SandboxOptions;
pub use seed::{
    Seed, SeedCase, SeedConfig, SeedConfigGroup, SeedMilestone, SeedProject, SeedSection,
    SeedStatus, SeedSuite, SeedUser,
};
pub use server::Sandbox;
pub use state::LoggedRequest;

/// The login the sandbox accepts unless told otherwise.
pub const DEFAULT_USER: &str = "demo@example.com";
/// The API key the sandbox accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "sandbox-api-key";
