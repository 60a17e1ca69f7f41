//! The resume file: results that could not be posted, saved so nothing is lost.
//!
//! Written when batches still fail after the client's retries (TestRail down, a deadline hit).
//! `submit --resume FILE` reads it, checks which of its results reached the run after all, and
//! posts only the rest. The run is never deleted: results already posted stay.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::report::Outcome;

use crate::submit::plan::results::{PlannedResult, ResultEntry};

/// The format version, bumped on incompatible changes.
const VERSION: u32 = 1;

/// Where unsent results go unless `--unsent-file` says otherwise.
pub fn default_path(run_id: u64) -> PathBuf {
    PathBuf::from(format!("testrail-unsent-{run_id}.json"))
}

/// One saved result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnsentResult {
    /// The entry exactly as it was to be posted.
    #[serde(flatten)]
    pub entry: ResultEntry,
    /// The outcome behind it (for the summary).
    #[serde(with = "outcome_name")]
    pub outcome: Outcome,
    /// Files to attach once posted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<PathBuf>,
}

/// The resume file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnsentFile {
    /// Format version.
    pub version: u32,
    /// The run the results belong to.
    pub run_id: u64,
    /// Its web page.
    pub run_url: Option<String>,
    /// UNIX time just before the first attempt: results created since then may be ours.
    pub since: i64,
    /// Close the run once everything is posted (`--close-run` was given).
    pub close_run: bool,
    /// Close this plan once everything is posted (`--close-plan` was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_plan: Option<u64>,
    /// The results to post.
    pub results: Vec<UnsentResult>,
}

impl UnsentFile {
    /// Save these planned results.
    pub fn new(
        run_id: u64,
        run_url: Option<String>,
        since: i64,
        close_run: bool,
        results: &[&PlannedResult],
    ) -> Self {
        UnsentFile {
            version: VERSION,
            run_id,
            run_url,
            since,
            close_run,
            close_plan: None,
            results: results
                .iter()
                .map(|r| UnsentResult {
                    entry: r.entry.clone(),
                    outcome: r.outcome,
                    attachments: r.attachments.to_vec(),
                })
                .collect(),
        }
    }

    /// The results back as planned results.
    pub fn planned(&self) -> Vec<PlannedResult> {
        self.results
            .iter()
            .map(|r| PlannedResult {
                entry: r.entry.clone(),
                outcome: r.outcome,
                attachments: r.attachments.clone().into(),
            })
            .collect()
    }

    /// Write the file (pretty JSON, so it can be inspected and edited).
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Read a resume file, with a clear input error when it is not one.
    pub fn read(path: &Path) -> anyhow::Result<UnsentFile> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Input(format!("cannot read resume file {}: {e}", path.display()))
        })?;
        let file: UnsentFile = serde_json::from_str(&text).map_err(|e| {
            Error::Input(format!(
                "{} is not a testrail-report resume file: {e}",
                path.display()
            ))
        })?;
        if file.version != VERSION {
            return Err(Error::Input(format!(
                "{} has format version {}, this testrail-report reads version {VERSION}",
                path.display(),
                file.version
            ))
            .into());
        }
        Ok(file)
    }
}

/// `Outcome` as its lower-case name (the reader's model only serializes).
mod outcome_name {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::report::Outcome;

    pub fn serialize<S: Serializer>(o: &Outcome, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(o.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Outcome, D::Error> {
        let name = String::deserialize(d)?;
        [
            Outcome::Passed,
            Outcome::Skipped,
            Outcome::Failed,
            Outcome::Error,
        ]
        .into_iter()
        .find(|o| o.as_str() == name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown outcome `{name}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_through_a_file() {
        let planned = PlannedResult {
            entry: ResultEntry {
                case_id: 3,
                status_id: 5,
                comment: Some("boom".into()),
                elapsed: None,
                defects: None,
                fields: [("version".to_string(), json!("1"))].into_iter().collect(),
            },
            outcome: Outcome::Failed,
            attachments: Box::new([PathBuf::from("shot.png")]),
        };
        let file = UnsentFile::new(7, Some("u".into()), 100, true, &[&planned]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(default_path(7));
        file.write(&path).unwrap();
        let back = UnsentFile::read(&path).unwrap();
        assert_eq!(back, file);
        assert_eq!(back.planned(), vec![planned]);
    }

    #[test]
    fn a_foreign_file_is_an_input_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, "{}").unwrap();
        let err = UnsentFile::read(&path).unwrap_err();
        assert_eq!(crate::error::code_for(&err), crate::exit::INPUT);
        assert!(
            err.to_string()
                .contains("not a testrail-report resume file")
        );
    }
}
