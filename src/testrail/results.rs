//! The results API: add_results_for_cases, get_results_for_run, add_attachment_to_result.

use serde::Serialize;

use super::answer::shape_error;
use super::client::Client;
use super::error::ApiError;
use super::models::{AttachmentId, PostedResult, ResultEntry, ResultForCase};
use super::retry::Verb;
use super::url::Filters;

impl Client {
    /// `add_results_for_cases/{run_id}`: all-or-nothing (one bad entry rejects the batch);
    /// answers the new results in request order. An `OutcomeUnknown` error means the batch
    /// may have been stored: read `get_results_for_run` before sending it again.
    pub async fn add_results_for_cases(
        &self,
        run_id: u64,
        results: &[ResultForCase],
    ) -> Result<Vec<PostedResult>, ApiError> {
        let endpoint = format!("add_results_for_cases/{run_id}");
        let bytes = results_json(&endpoint, results)?;
        self.post_json(&endpoint, &Filters::new(), bytes).await
    }

    /// [`Client::add_results_for_cases`], dropping `results` once they are serialized, before
    /// the request goes out: a submit has dozens of batches in flight, and each would hold
    /// its entries twice until answered.
    pub async fn add_results_for_cases_owned(
        &self,
        run_id: u64,
        results: Vec<ResultForCase>,
    ) -> Result<Vec<PostedResult>, ApiError> {
        let endpoint = format!("add_results_for_cases/{run_id}");
        let bytes = results_json(&endpoint, &results)?;
        drop(results);
        self.post_json(&endpoint, &Filters::new(), bytes).await
    }

    /// `get_results_for_run/{run_id}`, every page, newest first.
    pub async fn get_results_for_run(&self, run_id: u64) -> Result<Vec<ResultEntry>, ApiError> {
        self.get_list(
            &format!("get_results_for_run/{run_id}"),
            &Filters::new(),
            "results",
            None,
        )
        .await
    }

    /// One page (250) of `get_results_for_run/{run_id}`, newest first, created at or after
    /// `created_after`, from `offset` on.
    pub async fn get_results_for_run_page(
        &self,
        run_id: u64,
        created_after: i64,
        offset: usize,
    ) -> Result<Vec<ResultEntry>, ApiError> {
        let filters = Filters::new()
            .add("created_after", created_after)
            .add("offset", offset);
        self.get_list(
            &format!("get_results_for_run/{run_id}"),
            &filters,
            "results",
            Some(super::client::PAGE_SIZE),
        )
        .await
    }

    /// `add_attachment_to_result/{result_id}`: one multipart part named `attachment`.
    pub async fn add_attachment_to_result(
        &self,
        result_id: u64,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<AttachmentId, ApiError> {
        self.upload(
            &format!("add_attachment_to_result/{result_id}"),
            file_name,
            bytes,
        )
        .await
    }
}

/// The body of `add_results_for_cases`.
fn results_json(endpoint: &str, results: &[ResultForCase]) -> Result<Vec<u8>, ApiError> {
    #[derive(Serialize)]
    struct Results<'a> {
        results: &'a [ResultForCase],
    }
    serde_json::to_vec(&Results { results })
        .map_err(|e| shape_error(Verb::Post, endpoint, e.to_string()))
}
