//! Attachments of runs and plan entries, and the one multipart upload every
//! `add_attachment_to_*` method shares (TestRail allows 256 MB per file).

use std::sync::Arc;

use serde::Deserialize;

use super::client::Client;
use super::error::ApiError;
use super::models::AttachmentId;
use super::transport::Body;
use super::url::Filters;

/// TestRail's upload limit per attachment.
pub const MAX_ATTACHMENT_BYTES: u64 = 256 * 1024 * 1024;

impl Client {
    /// `add_attachment_to_run/{run_id}` (a run outside plans).
    pub async fn add_attachment_to_run(
        &self,
        run_id: u64,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<AttachmentId, ApiError> {
        self.upload(&format!("add_attachment_to_run/{run_id}"), file_name, bytes)
            .await
    }

    /// `add_attachment_to_plan_entry/{plan_id}/{entry_id}`: how a plan's run gets a file.
    pub async fn add_attachment_to_plan_entry(
        &self,
        plan_id: u64,
        entry_id: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<AttachmentId, ApiError> {
        let endpoint = format!("add_attachment_to_plan_entry/{plan_id}/{entry_id}");
        self.upload(&endpoint, file_name, bytes).await
    }

    /// POST one multipart part named `attachment`; TestRail answers `{"attachment_id": …}`.
    pub(crate) async fn upload(
        &self,
        endpoint: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<AttachmentId, ApiError> {
        #[derive(Deserialize)]
        struct Answer {
            attachment_id: AttachmentId,
        }
        let body = Body::File {
            field: "attachment",
            file_name: file_name.to_string(),
            bytes: Arc::new(bytes),
        };
        let value = self.post_raw(endpoint, &Filters::new(), &body).await?;
        let answer: Answer = serde_json::from_value(value).map_err(|e| ApiError::Shape {
            verb: "POST",
            endpoint: endpoint.to_string(),
            detail: e.to_string(),
        })?;
        Ok(answer.attachment_id)
    }
}
