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

/// The journal and resume file of this process: [`default_path`] for a run it created, with
/// the process ID added for a run others may be reporting into too (shards in one
/// directory must not overwrite, or remove, each other's journals).
pub fn journal_path(run_id: u64, created: bool) -> PathBuf {
    match created {
        true => default_path(run_id),
        false => PathBuf::from(format!(
            "testrail-unsent-{run_id}-{}.json",
            std::process::id()
        )),
    }
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

/// The journal: the resume file's format, written from the planned results themselves (a
/// million of them must not be copied to be saved).
#[derive(Serialize)]
pub struct Journal<'a> {
    version: u32,
    run_id: u64,
    run_url: Option<&'a str>,
    since: i64,
    close_run: bool,
    results: Entries<'a>,
}

struct Entries<'a>(&'a [PlannedResult]);

#[derive(Serialize)]
struct EntryRef<'a> {
    #[serde(flatten)]
    entry: &'a ResultEntry,
    #[serde(with = "outcome_name")]
    outcome: Outcome,
    #[serde(skip_serializing_if = "<[PathBuf]>::is_empty")]
    attachments: &'a [PathBuf],
}

impl Serialize for Entries<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|r| EntryRef {
            entry: &r.entry,
            outcome: r.outcome,
            attachments: &r.attachments,
        }))
    }
}

impl<'a> Journal<'a> {
    /// The journal of these results, to be posted to `run_id`.
    pub fn new(
        run_id: u64,
        run_url: Option<&'a str>,
        since: i64,
        close_run: bool,
        results: &'a [PlannedResult],
    ) -> Self {
        Journal {
            version: VERSION,
            run_id,
            run_url,
            since,
            close_run,
            results: Entries(results),
        }
    }

    /// Write it before the first result is sent: streamed to a temporary name, flushed to
    /// disk, then renamed, so a crash at any moment (kill -9, power loss) leaves either no
    /// journal or a whole one, never half of one.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(format!(".{}.tmp", std::process::id()));
        let tmp = PathBuf::from(tmp);
        let write = || -> std::io::Result<()> {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            serde_json::to_writer(&mut out, self)?;
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            std::fs::rename(&tmp, path)
        };
        write().with_context(|| format!("cannot write the journal {}", path.display()))
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

    #[test]
    fn a_journal_reads_back_as_a_resume_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.json");
        let planned = UnsentFile {
            version: VERSION,
            run_id: 4,
            run_url: Some("u".into()),
            since: 9,
            close_run: true,
            close_plan: None,
            results: vec![UnsentResult {
                entry: serde_json::from_value(serde_json::json!({"case_id": 3, "status_id": 5}))
                    .unwrap(),
                outcome: Outcome::Failed,
                attachments: vec![PathBuf::from("shot.png")],
            }],
        }
        .planned();
        Journal::new(4, Some("u"), 9, true, &planned)
            .write(&path)
            .unwrap();
        let back = UnsentFile::read(&path).unwrap();
        assert_eq!(back.planned()[0].entry, planned[0].entry);
        assert_eq!((back.run_id, back.since, back.close_run), (4, 9, true));
        assert_eq!(back.results[0].attachments, [PathBuf::from("shot.png")]);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
    }
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
