//! Plans: get_plan and add_plan_entry (reporting into a plan instead of a standalone run).

use serde::Serialize;

use super::client::Client;
use super::error::ApiError;
use super::models::{Plan, PlanEntry};
use super::url::Filters;

/// The body of `add_plan_entry`. `include_all` defaults to true on the server, so it is sent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewPlanEntry {
    /// The suite (required in multi-suite projects).
    pub suite_id: u64,
    /// The name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The assignee (user ID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignedto_id: Option<u64>,
    /// Every case of the suite (true) or only `case_ids`.
    pub include_all: bool,
    /// The cases to include; replaces the selection on update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_ids: Option<Vec<u64>>,
    /// Configurations (one run per combination).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub config_ids: Vec<u64>,
    /// References, comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refs: Option<String>,
}

impl Client {
    /// `get_plan/{plan_id}` with its entries and their runs.
    pub async fn get_plan(&self, plan_id: u64) -> Result<Plan, ApiError> {
        self.get(&format!("get_plan/{plan_id}"), &Filters::new())
            .await
    }

    /// `add_plan_entry/{plan_id}`; the new entry's `runs[0].id` is the run to report into.
    pub async fn add_plan_entry(
        &self,
        plan_id: u64,
        entry: &NewPlanEntry,
    ) -> Result<PlanEntry, ApiError> {
        self.post(&format!("add_plan_entry/{plan_id}"), &Filters::new(), entry)
            .await
    }
}
