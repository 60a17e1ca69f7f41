//! The typed TestRail client and its transport.
//!
//! `Client` is cheap to clone; clones share one connection pool, one rate limiter and one pair
//! of counters, so a whole process (a submit with parallel batches, say) behaves as one polite
//! API user. The API is split by area (`runs`, `results`, `cases`, `projects`, `plans`); the
//! transport policy (retries, 429 handling, POSTs with an unknown outcome) lives in `retry`,
//! `limiter` and `transport`, and nowhere else.

mod answer;
pub mod attachments;
mod cases;
mod client;
pub mod error;
mod http;
pub mod limiter;
pub mod models;
pub mod options;
pub mod paging;
mod plans;
mod projects;
mod results;
pub mod retry;
mod runs;
pub mod transport;
pub mod url;

pub use client::{Client, PAGE_SIZE};
pub use error::ApiError;
pub use models::*;
pub use options::ClientOptions;
pub use plans::{EntryRun, NewPlan, NewPlanEntry, PlanFilters};
pub use runs::{NewRun, RunFilters, RunUpdate};
pub use transport::Stats;
