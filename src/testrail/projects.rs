//! Projects, suites, statuses, users and result fields: what a submit checks before writing.

use super::client::Client;
use super::error::ApiError;
use super::models::{ConfigGroup, Milestone, Project, ResultField, Status, Suite, User};
use super::url::Filters;

impl Client {
    /// `get_project/{id}`. Unknown: 400 `Field :project_id is not a valid or accessible project.`
    pub async fn get_project(&self, project_id: u64) -> Result<Project, ApiError> {
        self.get(&format!("get_project/{project_id}"), &Filters::new())
            .await
    }

    /// `get_projects`, every page.
    pub async fn get_projects(&self) -> Result<Vec<Project>, ApiError> {
        self.get_list("get_projects", &Filters::new(), "projects", None)
            .await
    }

    /// `get_suites/{project_id}` (documented as a bare array; newer servers may page).
    pub async fn get_suites(&self, project_id: u64) -> Result<Vec<Suite>, ApiError> {
        self.get_list(
            &format!("get_suites/{project_id}"),
            &Filters::new(),
            "suites",
            None,
        )
        .await
    }

    /// `get_statuses` (a bare array; custom statuses included).
    pub async fn get_statuses(&self) -> Result<Vec<Status>, ApiError> {
        self.get_list("get_statuses", &Filters::new(), "statuses", None)
            .await
    }

    /// `get_current_user`: who the credentials belong to (TestRail 6.6+).
    pub async fn get_current_user(&self) -> Result<User, ApiError> {
        self.get("get_current_user", &Filters::new()).await
    }

    /// `get_user_by_email&email=…`. Unknown: 400 `Field :email is not a valid email address.`
    pub async fn get_user_by_email(&self, email: &str) -> Result<User, ApiError> {
        self.get("get_user_by_email", &Filters::new().add("email", email))
            .await
    }

    /// `get_result_fields` (a bare array).
    pub async fn get_result_fields(&self) -> Result<Vec<ResultField>, ApiError> {
        self.get_list("get_result_fields", &Filters::new(), "result_fields", None)
            .await
    }

    /// `get_milestones/{project_id}`, every page.
    pub async fn get_milestones(&self, project_id: u64) -> Result<Vec<Milestone>, ApiError> {
        self.get_list(
            &format!("get_milestones/{project_id}"),
            &Filters::new(),
            "milestones",
            None,
        )
        .await
    }

    /// `get_configs/{project_id}`: configuration groups for plan entries (a bare array).
    pub async fn get_configs(&self, project_id: u64) -> Result<Vec<ConfigGroup>, ApiError> {
        let endpoint = format!("get_configs/{project_id}");
        self.get_list(&endpoint, &Filters::new(), "configs", None)
            .await
    }
}
