//! The runs API: get_run, get_runs, add_run, update_run, close_run, delete_run, get_tests.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::Client;
use super::error::ApiError;
use super::models::{Run, Test};
use super::url::Filters;

/// Filters of `get_runs` (all optional; lists mean "any of").
#[derive(Debug, Clone, Default)]
pub struct RunFilters {
    /// Created at or after this UNIX time.
    pub created_after: Option<i64>,
    /// Created at or before this UNIX time.
    pub created_before: Option<i64>,
    /// Created by any of these users.
    pub created_by: Vec<u64>,
    /// Completed (true) or active (false) runs only.
    pub is_completed: Option<bool>,
    /// In any of these milestones.
    pub milestone_id: Vec<u64>,
    /// Carrying this reference.
    pub refs_filter: Option<String>,
    /// Of any of these suites.
    pub suite_id: Vec<u64>,
    /// Skip this many runs (newest first).
    pub offset: Option<usize>,
    /// Return at most this many runs; `None` reads every page.
    pub limit: Option<usize>,
}

impl RunFilters {
    fn to_filters(&self) -> Filters {
        Filters::new()
            .opt("created_after", self.created_after)
            .opt("created_before", self.created_before)
            .list("created_by", &self.created_by)
            .flag("is_completed", self.is_completed)
            .list("milestone_id", &self.milestone_id)
            .opt("refs_filter", self.refs_filter.as_deref())
            .list("suite_id", &self.suite_id)
            .opt("offset", self.offset)
    }
}

/// The body of `add_run`. TestRail's `include_all` defaults to *true*, so we always send it.
/// (Deserialize: the submit's journal keeps it, to make or find the run on `--resume`.)
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NewRun {
    /// The suite (required in multi-suite projects).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suite_id: Option<u64>,
    /// The name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The milestone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone_id: Option<u64>,
    /// The assignee (user ID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignedto_id: Option<u64>,
    /// Every case of the suite (true) or only `case_ids`.
    pub include_all: bool,
    /// The cases to include; replaces the selection on update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_ids: Option<Vec<u64>>,
    /// References, comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refs: Option<String>,
}

/// The body of `update_run`: only what is set changes. `case_ids` *replaces* the selection.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunUpdate {
    /// The name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The milestone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone_id: Option<u64>,
    /// References, comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refs: Option<String>,
    /// Every case of the suite (true) or only `case_ids`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_all: Option<bool>,
    /// The cases to include; replaces the selection on update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_ids: Option<Vec<u64>>,
}

impl RunUpdate {
    /// Whether the update would change nothing.
    pub fn is_empty(&self) -> bool {
        serde_json::to_value(self).is_ok_and(|v| v.as_object().is_some_and(|m| m.is_empty()))
    }
}

impl Client {
    /// `get_run/{id}`. An unknown ID is a 400 `Field :run is not a valid test run.`
    pub async fn get_run(&self, run_id: u64) -> Result<Run, ApiError> {
        self.get(&format!("get_run/{run_id}"), &Filters::new())
            .await
    }

    /// `get_runs/{project_id}` with filters; only runs outside plans, newest first.
    pub async fn get_runs(
        &self,
        project_id: u64,
        filters: &RunFilters,
    ) -> Result<Vec<Run>, ApiError> {
        let endpoint = format!("get_runs/{project_id}");
        self.get_list(&endpoint, &filters.to_filters(), "runs", filters.limit)
            .await
    }

    /// `add_run/{project_id}`; answers the whole new run.
    pub async fn add_run(&self, project_id: u64, run: &NewRun) -> Result<Run, ApiError> {
        self.post(&format!("add_run/{project_id}"), &Filters::new(), run)
            .await
    }

    /// `update_run/{run_id}`; answers the updated run.
    pub async fn update_run(&self, run_id: u64, update: &RunUpdate) -> Result<Run, ApiError> {
        self.post(&format!("update_run/{run_id}"), &Filters::new(), update)
            .await
    }

    /// `update_run/{run_id}` sent at most once: a refusal (429, 409, 503, a connection that
    /// never opened) is waited out as usual, then returned as [`ApiError::Deferred`] instead
    /// of re-sent. For selection writes, whose body is only right for the selection read
    /// just before: after a wait, other jobs may have changed it, and re-sending the old
    /// union would remove what they added (with their results).
    pub async fn update_run_once(&self, run_id: u64, update: &RunUpdate) -> Result<Run, ApiError> {
        self.post_once(&format!("update_run/{run_id}"), update)
            .await
    }

    /// `close_run/{run_id}`: irreversible; later writes fail with "already completed".
    pub async fn close_run(&self, run_id: u64) -> Result<Run, ApiError> {
        self.post(
            &format!("close_run/{run_id}"),
            &Filters::new(),
            &serde_json::json!({}),
        )
        .await
    }

    /// `delete_run/{run_id}`. With `soft`, TestRail deletes nothing and answers the counts of
    /// what would go; a real delete answers an empty 200 (`Null`).
    pub async fn delete_run(&self, run_id: u64, soft: bool) -> Result<Value, ApiError> {
        let filters = if soft {
            Filters::new().add("soft", 1)
        } else {
            Filters::new()
        };
        let body = super::transport::Body::Empty;
        self.post_raw(&format!("delete_run/{run_id}"), &filters, &body)
            .await
    }

    /// `get_tests/{run_id}`, every page: the cases a run holds (get_run does not list them).
    pub async fn get_tests(&self, run_id: u64) -> Result<Vec<Test>, ApiError> {
        self.get_list(
            &format!("get_tests/{run_id}"),
            &Filters::new(),
            "tests",
            None,
        )
        .await
    }

    /// `get_tests/{run_id}&status_id=…`, every page: the run's tests whose status is one of
    /// these (all of them when the list is empty).
    pub async fn get_tests_with_status(
        &self,
        run_id: u64,
        status_ids: &[u64],
    ) -> Result<Vec<Test>, ApiError> {
        let filters = Filters::new().list("status_id", status_ids);
        self.get_list(&format!("get_tests/{run_id}"), &filters, "tests", None)
            .await
    }

    /// Find runs in a project created by `user_id` at or after `since` with this exact name,
    /// newest first: how to check whether an `add_run` with an unknown outcome took effect.
    pub async fn find_runs_created(
        &self,
        project_id: u64,
        name: &str,
        user_id: u64,
        since: i64,
    ) -> Result<Vec<Run>, ApiError> {
        let filters = RunFilters {
            created_after: Some(since),
            created_by: vec![user_id],
            ..RunFilters::default()
        };
        let runs = self.get_runs(project_id, &filters).await?;
        Ok(runs.into_iter().filter(|r| r.name == name).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_filter_reaches_the_query() {
        let f = RunFilters {
            created_after: Some(10),
            created_before: Some(20),
            created_by: vec![1, 2],
            is_completed: Some(true),
            milestone_id: vec![3],
            refs_filter: Some("R-1".into()),
            suite_id: vec![4, 5],
            offset: Some(7),
            limit: Some(9),
        };
        assert_eq!(
            f.to_filters().as_str(),
            "&created_after=10&created_before=20&created_by=1,2&is_completed=1&milestone_id=3&refs_filter=R-1&suite_id=4,5&offset=7"
        );
    }

    #[test]
    fn add_run_always_states_include_all() {
        let body = serde_json::to_value(NewRun {
            case_ids: Some(vec![]),
            ..NewRun::default()
        })
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({"include_all": false, "case_ids": []})
        );
        assert!(RunUpdate::default().is_empty());
        assert!(
            !RunUpdate {
                refs: Some(String::new()),
                ..RunUpdate::default()
            }
            .is_empty()
        );
    }
}
