//! What a submit did: the summary every output renders, the dry run's plan and the errors
//! that decide the exit code. Stages fill it; commands render it.

use serde::Serialize;
use serde_json::Value;

use super::plan::results::{PlannedResult, ResultEntry};
use super::plan::status::StatusPolicy;
use crate::summary::Summary;

/// What a submit did, for printing and exit codes.
#[derive(Debug)]
pub struct Submitted {
    /// The summary every output renders.
    pub summary: Summary,
    /// In a dry run: the request that would open the run, and the results.
    pub dry_run: Option<(serde_json::Value, Vec<PlannedResult>)>,
    /// Why some results were not posted (empty when all were).
    pub errors: Vec<String>,
    /// Every result is in, but closing the run failed: the error and the command that
    /// finishes the job. Reported after every summary and output is written.
    pub close_failed: Option<crate::error::Error>,
}

impl Submitted {
    /// A real submit's outcome, with the client's request and retry counts in the summary.
    pub fn written(
        client: &crate::testrail::Client,
        mut summary: Summary,
        errors: Vec<String>,
        close_failed: Option<crate::error::Error>,
    ) -> Submitted {
        let stats = client.stats();
        summary.api_calls = stats.requests;
        summary.retries = stats.retries;
        Submitted {
            summary,
            dry_run: None,
            errors,
            close_failed,
        }
    }

    /// The dry run's document (`None` for a real submit).
    pub fn dry_run_doc(&self) -> Option<DryRunDoc<'_>> {
        self.dry_run.as_ref().map(|(run, results)| DryRunDoc {
            summary: &self.summary,
            run: run.clone(),
            results: results.iter().map(|r| &r.entry).collect(),
        })
    }
}

/// The `--dry-run --output json` document: the summary plus what would be sent.
#[derive(Debug, Serialize)]
pub struct DryRunDoc<'a> {
    /// What the submit would report.
    #[serde(flatten)]
    pub summary: &'a Summary,
    /// The `add_run` / `update_run` / `add_plan_entry` the submit would send.
    pub run: Value,
    /// The `add_results_for_cases` entries, in order.
    pub results: Vec<&'a ResultEntry>,
}

/// Count the accepted results into the summary, by status name.
pub fn count_posted(
    summary: &mut Summary,
    results: &[PlannedResult],
    accepted: &[usize],
    policy: &StatusPolicy,
) {
    summary.results_posted = accepted.len() as u64;
    for &i in accepted {
        *summary
            .statuses
            .entry(policy.name(results[i].entry.status_id))
            .or_insert(0) += 1;
    }
}
