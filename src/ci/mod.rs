//! CI integration: which CI system we run under (run names, links back to the job), and what
//! a `submit` leaves behind for later steps: GitHub step outputs, job summary and annotations;
//! a dotenv file for GitLab; a JSON summary for any CI.
//!
//! The submit pipeline calls [`publish`] once, after it has a [`Summary`].

pub mod commands;
pub mod context;
pub mod dotenv;
pub mod github;
pub mod step_summary;
mod utc;
pub mod version;

use std::path::PathBuf;

use anyhow::Context;

pub use context::{CiContext, CiKind};

use crate::summary::Summary;

/// The files the user asked for on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishOptions {
    /// `--dotenv FILE`: `TESTRAIL_RUN_ID=…` for GitLab's dotenv artifacts.
    pub dotenv: Option<PathBuf>,
    /// `--summary-json FILE`: the JSON summary.
    pub summary_json: Option<PathBuf>,
}

/// Leave the submit's outcome where CI can use it: the requested files, and under GitHub
/// Actions the step outputs, job summary and annotations (annotations go to stderr, keeping
/// stdout for `--output json`; see [`commands`]).
pub fn publish(summary: &Summary, ctx: &CiContext, opts: &PublishOptions) -> anyhow::Result<()> {
    write_all(summary, ctx, opts).with_context(|| match summary.run_id {
        // The results are in TestRail by now: say so, so nobody re-runs the whole report.
        Some(id) if !summary.dry_run => {
            format!("the results are in run R{id}, but the CI files could not be written")
        }
        _ => "the CI files could not be written".to_string(),
    })
}

fn write_all(summary: &Summary, ctx: &CiContext, opts: &PublishOptions) -> anyhow::Result<()> {
    if let Some(path) = &opts.dotenv {
        dotenv::write_dotenv(path, summary)?;
    }
    if let Some(path) = &opts.summary_json {
        dotenv::write_summary_json(path, summary)?;
    }
    if ctx.kind == CiKind::GitHub {
        github::publish(summary, ctx, &mut std::io::stderr().lock())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_writes_requested_files_outside_github() {
        let dir = tempfile::tempdir().unwrap();
        let opts = PublishOptions {
            dotenv: Some(dir.path().join("t.env")),
            summary_json: Some(dir.path().join("s.json")),
        };
        let ctx = CiContext::from_vars(|k| (k == "GITLAB_CI").then(|| "true".into()));
        let summary = Summary {
            run_id: Some(5),
            ..Summary::default()
        };
        publish(&summary, &ctx, &opts).unwrap();
        let env = std::fs::read_to_string(dir.path().join("t.env")).unwrap();
        assert_eq!(env, "TESTRAIL_RUN_ID=5\n");
        assert!(dir.path().join("s.json").exists());
    }

    #[test]
    fn a_failed_write_says_the_results_are_already_posted() {
        let opts = PublishOptions {
            dotenv: Some("/nonexistent-dir/t.env".into()),
            summary_json: None,
        };
        let ctx = CiContext::from_vars(|_| None);
        let summary = Summary {
            run_id: Some(12),
            ..Summary::default()
        };
        let err = format!("{:#}", publish(&summary, &ctx, &opts).unwrap_err());
        assert!(
            err.starts_with("the results are in run R12, but the CI files could not be written: ")
                && err.contains("--dotenv file /nonexistent-dir/t.env"),
            "{err}"
        );
    }

    #[test]
    fn publish_writes_github_files_under_github_actions() {
        let dir = tempfile::tempdir().unwrap();
        let (out, sum) = (dir.path().join("out"), dir.path().join("sum"));
        let vars = [
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_OUTPUT", out.to_str().unwrap()),
            ("GITHUB_STEP_SUMMARY", sum.to_str().unwrap()),
        ];
        let ctx = CiContext::from_vars(|k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        });
        let summary = Summary {
            run_id: Some(8),
            ..Summary::default()
        };
        publish(&summary, &ctx, &PublishOptions::default()).unwrap();
        assert!(std::fs::read_to_string(out).unwrap().contains("run-id=8\n"));
        assert!(std::fs::read_to_string(sum).unwrap().contains("R8"));
    }
}
