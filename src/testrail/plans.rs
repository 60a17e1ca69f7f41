//! Plans: get_plan(s), add_plan, add_plan_entry, close_plan, delete_plan.

use serde::{Deserialize, Serialize};

use super::client::Client;
use super::error::ApiError;
use super::models::{Plan, PlanEntry};
use super::url::Filters;

/// The body of `add_plan_entry`. `include_all` defaults to true on the server, so it is sent.
/// (Deserialize: the submit's journal keeps it, to make the entry on `--resume`.)
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
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
    /// The entry's runs, one per configuration combination; without them TestRail makes one
    /// run holding every configuration in `config_ids`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<EntryRun>,
    /// References, comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refs: Option<String>,
}

/// One run of a plan entry: its configurations (one per configuration group).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EntryRun {
    /// The configurations of this run.
    pub config_ids: Vec<u64>,
}

/// The body of `add_plan`; entries are added one by one with `add_plan_entry`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewPlan {
    /// The name (required).
    pub name: String,
    /// The description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The milestone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone_id: Option<u64>,
}

/// Filters of `get_plans` (all optional; lists mean "any of").
#[derive(Debug, Clone, Default)]
pub struct PlanFilters {
    /// Created at or after this UNIX time.
    pub created_after: Option<i64>,
    /// Created at or before this UNIX time.
    pub created_before: Option<i64>,
    /// Created by any of these users.
    pub created_by: Vec<u64>,
    /// Completed (true) or active (false) plans only.
    pub is_completed: Option<bool>,
    /// In any of these milestones.
    pub milestone_id: Vec<u64>,
    /// Skip this many plans (newest first).
    pub offset: Option<usize>,
    /// Return at most this many plans; `None` reads every page.
    pub limit: Option<usize>,
}

impl PlanFilters {
    fn to_filters(&self) -> Filters {
        Filters::new()
            .opt("created_after", self.created_after)
            .opt("created_before", self.created_before)
            .list("created_by", &self.created_by)
            .flag("is_completed", self.is_completed)
            .list("milestone_id", &self.milestone_id)
            .opt("offset", self.offset)
    }
}

impl Client {
    /// `get_plan/{plan_id}` with its entries and their runs.
    pub async fn get_plan(&self, plan_id: u64) -> Result<Plan, ApiError> {
        self.get(&format!("get_plan/{plan_id}"), &Filters::new())
            .await
    }

    /// `get_plans/{project_id}` with filters, newest first; plans come without their entries.
    pub async fn get_plans(
        &self,
        project_id: u64,
        filters: &PlanFilters,
    ) -> Result<Vec<Plan>, ApiError> {
        let endpoint = format!("get_plans/{project_id}");
        self.get_list(&endpoint, &filters.to_filters(), "plans", filters.limit)
            .await
    }

    /// `add_plan/{project_id}`; answers the new plan.
    pub async fn add_plan(&self, project_id: u64, plan: &NewPlan) -> Result<Plan, ApiError> {
        self.post(&format!("add_plan/{project_id}"), &Filters::new(), plan)
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

    /// `close_plan/{plan_id}`: closes every run of the plan too; irreversible.
    pub async fn close_plan(&self, plan_id: u64) -> Result<Plan, ApiError> {
        self.post(
            &format!("close_plan/{plan_id}"),
            &Filters::new(),
            &serde_json::json!({}),
        )
        .await
    }

    /// `delete_plan/{plan_id}`: the plan, its runs, tests and results; answers an empty 200.
    pub async fn delete_plan(&self, plan_id: u64) -> Result<(), ApiError> {
        let body = super::transport::Body::Empty;
        self.post_raw(&format!("delete_plan/{plan_id}"), &Filters::new(), &body)
            .await
            .map(drop)
    }

    /// Plans of a project created by `user_id` at or after `since` with this exact name,
    /// newest first: how to check whether an `add_plan` with an unknown outcome took effect.
    pub async fn find_plans_created(
        &self,
        project_id: u64,
        name: &str,
        user_id: u64,
        since: i64,
    ) -> Result<Vec<Plan>, ApiError> {
        let filters = PlanFilters {
            created_after: Some(since),
            created_by: vec![user_id],
            ..PlanFilters::default()
        };
        let plans = self.get_plans(project_id, &filters).await?;
        Ok(plans.into_iter().filter(|p| p.name == name).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plan_filter_reaches_the_query() {
        let f = PlanFilters {
            created_after: Some(10),
            created_before: Some(20),
            created_by: vec![1, 2],
            is_completed: Some(false),
            milestone_id: vec![3],
            offset: Some(7),
            limit: Some(9),
        };
        assert_eq!(
            f.to_filters().as_str(),
            "&created_after=10&created_before=20&created_by=1,2&is_completed=0&milestone_id=3&offset=7"
        );
    }

    #[test]
    fn an_entry_sends_its_runs_only_when_there_are_combinations() {
        let mut entry = NewPlanEntry {
            suite_id: 1,
            config_ids: vec![1, 2],
            ..NewPlanEntry::default()
        };
        let body = serde_json::to_value(&entry).unwrap();
        assert!(body.get("runs").is_none(), "{body}");
        entry.runs = vec![EntryRun {
            config_ids: vec![1],
        }];
        let body = serde_json::to_value(&entry).unwrap();
        assert_eq!(body["runs"], serde_json::json!([{"config_ids": [1]}]));
    }
}
