//! The results API: add_results_for_cases, get_results_for_run, add_attachment_to_result.

use serde::Serialize;

use super::client::Client;
use super::error::ApiError;
use super::models::{AttachmentId, PostedResult, ResultEntry, ResultForCase};
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
        #[derive(Serialize)]
        struct Results<'a> {
            results: &'a [ResultForCase],
        }
        let body = Results { results };
        self.post(
            &format!("add_results_for_cases/{run_id}"),
            &Filters::new(),
            &body,
        )
        .await
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
