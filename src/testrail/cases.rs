//! The cases API: cases, sections and case fields.

use serde_json::{Value, json};

use super::client::Client;
use super::error::ApiError;
use super::models::{Case, CaseField, Section};
use super::url::Filters;

impl Client {
    /// `get_cases/{project_id}`, every page. `suite_id` is required in multi-suite projects.
    pub async fn get_cases(
        &self,
        project_id: u64,
        suite_id: Option<u64>,
        section_id: Option<u64>,
    ) -> Result<Vec<Case>, ApiError> {
        let filters = Filters::new()
            .opt("suite_id", suite_id)
            .opt("section_id", section_id);
        self.get_list(&format!("get_cases/{project_id}"), &filters, "cases", None)
            .await
    }

    /// `get_case/{case_id}`.
    pub async fn get_case(&self, case_id: u64) -> Result<Case, ApiError> {
        self.get(&format!("get_case/{case_id}"), &Filters::new())
            .await
    }

    /// `add_case/{section_id}` with a title and any extra fields (`refs`, `custom_*` ...).
    pub async fn add_case(
        &self,
        section_id: u64,
        title: &str,
        fields: &serde_json::Map<String, Value>,
    ) -> Result<Case, ApiError> {
        let mut body = fields.clone();
        body.insert("title".into(), json!(title));
        self.post(&format!("add_case/{section_id}"), &Filters::new(), &body)
            .await
    }

    /// `get_sections/{project_id}`, every page.
    pub async fn get_sections(
        &self,
        project_id: u64,
        suite_id: Option<u64>,
    ) -> Result<Vec<Section>, ApiError> {
        let filters = Filters::new().opt("suite_id", suite_id);
        self.get_list(
            &format!("get_sections/{project_id}"),
            &filters,
            "sections",
            None,
        )
        .await
    }

    /// `add_section/{project_id}`.
    pub async fn add_section(
        &self,
        project_id: u64,
        suite_id: Option<u64>,
        name: &str,
        parent_id: Option<u64>,
    ) -> Result<Section, ApiError> {
        let mut body = json!({ "name": name });
        if let Some(id) = suite_id {
            body["suite_id"] = json!(id);
        }
        if let Some(id) = parent_id {
            body["parent_id"] = json!(id);
        }
        self.post(&format!("add_section/{project_id}"), &Filters::new(), &body)
            .await
    }

    /// `get_case_fields` (a bare array).
    pub async fn get_case_fields(&self) -> Result<Vec<CaseField>, ApiError> {
        self.get_list("get_case_fields", &Filters::new(), "case_fields", None)
            .await
    }
}
