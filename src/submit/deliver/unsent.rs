//! The journal, which is also the resume file: its format and how it reads back.
//!
//! Its first line holds every planned result and where they go; it is on disk before the
//! first write to TestRail (`add_run`, `add_plan`, `add_plan_entry`). Each later line records
//! one step: the run (or plan) made, a batch about to be sent, a batch accepted. So after any
//! crash `submit --resume FILE` knows which results landed (acknowledged), which to check
//! (sent, not acknowledged) and which to post (never sent), and where. The writer is
//! `journal.rs`; the run is never deleted.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::target::TargetSpec;

use crate::error::Error;
use crate::report::Outcome;

use crate::submit::plan::results::{PlannedResult, ResultEntry};

/// The format version, bumped on incompatible changes. 2: a line-per-record journal begun
/// before the run is made, with a line per batch sent and acknowledged (1 was one JSON
/// document written once the run existed).
pub const VERSION: u32 = 2;

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

/// The journal's name before the run (or plan) exists; renamed once it does.
pub fn pending_path() -> PathBuf {
    PathBuf::from(format!("testrail-unsent-new-{}.json", std::process::id()))
}

/// The journal's name for a submit spread over a plan's entries.
pub fn plan_path(plan_id: u64) -> PathBuf {
    PathBuf::from(format!("testrail-unsent-plan-{plan_id}.json"))
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

/// The journal's first line: everything `--resume` needs to finish without the reports.
#[derive(Debug, Serialize, Deserialize)]
pub struct Header<R> {
    /// Format version.
    pub version: u32,
    /// UNIX time just before the first write: runs and results created since may be ours.
    pub since: i64,
    /// Close the run once everything is posted (`--close-run`).
    pub close_run: bool,
    /// Close the plan once everything is posted (`--close-plan`).
    pub close_plan: bool,
    /// Where the results go, as the options asked (a run to make, a run, a plan).
    pub target: TargetSpec,
    /// Every planned result.
    pub results: R,
}

/// One line after the header: what was made or sent, in the order it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The run results go to (made, found or named), before anything is posted to it.
    Run {
        /// The run.
        run_id: u64,
        /// Its web page.
        url: Option<String>,
        /// In a plan spread over suites: the suite whose results go here.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        suite_id: Option<u64>,
        /// Cases TestRail did not know, left out of the run: never posted.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unknown: Vec<u64>,
    },
    /// The plan a multi-suite submit reports into, with each suite's cases.
    Plan {
        /// The plan.
        plan_id: u64,
        /// Made by this submit (then `--close-run` closes it too).
        created: bool,
        /// Suite → its mapped cases.
        suites: BTreeMap<u64, Vec<u64>>,
    },
    /// A batch about to be sent (on disk before it goes out): its outcome is unknown until
    /// acknowledged.
    Sent {
        /// The run.
        run_id: u64,
        /// The batch's cases.
        cases: Vec<u64>,
        /// The highest result ID TestRail had answered before: the batch's results, if it
        /// landed, have higher ones.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<u64>,
    },
    /// A batch TestRail accepted.
    Acked {
        /// The run.
        run_id: u64,
        /// The cases whose results it holds.
        cases: Vec<u64>,
    },
    /// Results that must be checked again (another job removed their case after they were
    /// accepted, or the submit stopped without knowing).
    Unknown {
        /// The run.
        run_id: u64,
        /// The cases.
        cases: Vec<u64>,
    },
    /// Skipped results get this status (looked up while the run was made; the header holds
    /// the fallback).
    SkippedStatus {
        /// The status.
        status_id: u64,
    },
    /// Cases TestRail refused as not in the run: reported, never posted again.
    Dropped {
        /// The run.
        run_id: u64,
        /// The cases.
        cases: Vec<u64>,
    },
}

/// A journal read back: the header, and the state its records add up to.
#[derive(Debug)]
pub struct Journal {
    /// The header, with the results.
    pub header: Header<Vec<UnsentResult>>,
    /// Runs in the order they were recorded.
    pub runs: Vec<Event>,
    /// The plan of a multi-suite submit: (plan, made by it, suite → cases).
    pub plan: Option<(u64, bool, BTreeMap<u64, Vec<u64>>)>,
    /// (run, case) whose result TestRail accepted.
    pub acked: HashSet<(u64, u64)>,
    /// (run, case) sent and not acknowledged: check before posting again; with the highest
    /// result ID answered before it was sent, when known.
    pub unknown: HashMap<(u64, u64), Option<u64>>,
    /// (run, case) never to post.
    pub dropped: HashSet<(u64, u64)>,
}

impl Journal {
    /// Read a journal, with a clear input error when it is not one (or an older format).
    pub fn read(path: &Path) -> anyhow::Result<Journal> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Input(format!("cannot read resume file {}: {e}", path.display()))
        })?;
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("");
        let header: Header<Vec<UnsentResult>> = match serde_json::from_str(first) {
            Ok(h) => h,
            Err(e) => return Err(not_a_journal(path, &text, e).into()),
        };
        if header.version != VERSION {
            return Err(old_version(path, header.version).into());
        }
        let mut journal = Journal {
            header,
            runs: Vec::new(),
            plan: None,
            acked: HashSet::new(),
            unknown: HashMap::new(),
            dropped: HashSet::new(),
        };
        let rest: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
        for (n, line) in rest.iter().enumerate() {
            match serde_json::from_str::<Event>(line) {
                Ok(event) => journal.apply(event),
                // A crash can cut the last line short; what it said was not yet done.
                Err(_) if n + 1 == rest.len() => {}
                Err(e) => {
                    return Err(Error::Input(format!(
                        "{} line {}: not a journal record: {e}",
                        path.display(),
                        n + 2
                    ))
                    .into());
                }
            }
        }
        Ok(journal)
    }

    fn apply(&mut self, event: Event) {
        fn pairs(run: u64, cases: &[u64]) -> impl Iterator<Item = (u64, u64)> + '_ {
            cases.iter().map(move |&c| (run, c))
        }
        match &event {
            Event::Run { .. } => self.runs.push(event),
            Event::Plan {
                plan_id,
                created,
                suites,
            } => self.plan = Some((*plan_id, *created, suites.clone())),
            Event::Sent {
                run_id,
                cases,
                after,
            } => {
                for p in pairs(*run_id, cases) {
                    self.acked.remove(&p);
                    self.unknown.insert(p, *after);
                }
            }
            Event::Unknown { run_id, cases } => {
                for p in pairs(*run_id, cases) {
                    self.acked.remove(&p);
                    self.unknown.insert(p, None);
                }
            }
            Event::Acked { run_id, cases } => {
                for p in pairs(*run_id, cases) {
                    self.unknown.remove(&p);
                    self.acked.insert(p);
                }
            }
            Event::Dropped { run_id, cases } => self.dropped.extend(pairs(*run_id, cases)),
            Event::SkippedStatus { status_id } => {
                let skipped = self.header.results.iter_mut();
                for r in skipped.filter(|r| r.outcome == Outcome::Skipped) {
                    r.entry.status_id = *status_id;
                }
            }
        }
    }

    /// The results back as planned results.
    pub fn planned(&self) -> Vec<PlannedResult> {
        self.header
            .results
            .iter()
            .map(|r| PlannedResult {
                entry: r.entry.clone(),
                outcome: r.outcome,
                attachments: r.attachments.clone().into(),
            })
            .collect()
    }

    /// The recorded run for this suite (`None`: a single-run submit's run).
    pub fn run_for(&self, suite: Option<u64>) -> Option<(u64, Option<String>, Vec<u64>)> {
        self.runs.iter().rev().find_map(|e| match e {
            Event::Run {
                run_id,
                url,
                suite_id,
                unknown,
            } if suite.is_none() || *suite_id == suite => {
                Some((*run_id, url.clone(), unknown.clone()))
            }
            _ => None,
        })
    }
}

fn not_a_journal(path: &Path, text: &str, e: serde_json::Error) -> Error {
    // Format 1 was one pretty-printed document: name it rather than fail on its first line.
    let version = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("version").and_then(serde_json::Value::as_u64));
    match version {
        Some(v) => old_version(path, v as u32),
        None => Error::Input(format!(
            "{} is not a testrail-report resume file: {e}",
            path.display()
        )),
    }
}

fn old_version(path: &Path, version: u32) -> Error {
    Error::Input(format!(
        "{} has format version {version}, this testrail-report reads version {VERSION}: \
         finish it with the testrail-report that wrote it",
        path.display()
    ))
}

/// The results as the header holds them, serialized from the planned results themselves (a
/// million of them must not be copied to be saved).
pub struct Entries<'a>(pub &'a [PlannedResult]);

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
    use crate::submit::deliver::journal::Log;
    use serde_json::json;

    fn planned(case_id: u64) -> PlannedResult {
        PlannedResult {
            entry: ResultEntry {
                case_id,
                status_id: 5,
                comment: Some("boom".into()),
                elapsed: None,
                defects: None,
                fields: [("version".to_string(), json!("1"))].into_iter().collect(),
            },
            outcome: Outcome::Failed,
            attachments: Box::new([PathBuf::from("shot.png")]),
        }
    }

    #[test]
    fn a_journal_reads_back_with_what_each_batch_became() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.json");
        let results: Vec<PlannedResult> = (1..=4).map(planned).collect();
        let target = TargetSpec::Existing { run_id: 7 };
        let log = Log::start(path.clone(), &target, (true, false), 9, &results);
        let url = Some("u".to_string());
        log.record(&Event::Run {
            run_id: 7,
            url,
            suite_id: None,
            unknown: vec![],
        });
        let sent = |cases: Vec<u64>, after| Event::Sent {
            run_id: 7,
            cases,
            after,
        };
        log.record(&sent(vec![1, 2], None));
        log.record(&sent(vec![3], Some(40)));
        log.record(&Event::Acked {
            run_id: 7,
            cases: vec![1, 2],
        });
        // A crash cut the last line short: ignored.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"acked\":{\"run"))
            .unwrap();
        let back = Journal::read(&path).unwrap();
        assert_eq!(back.planned(), results);
        assert_eq!((back.header.since, back.header.close_run), (9, true));
        assert_eq!(back.run_for(None).map(|r| r.0), Some(7));
        assert!(back.acked.contains(&(7, 1)) && back.acked.contains(&(7, 2)));
        assert_eq!(back.unknown, [((7, 3), Some(40))].into_iter().collect());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
    }

    #[test]
    fn a_foreign_file_is_an_input_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, "{}").unwrap();
        let err = Journal::read(&path).unwrap_err();
        assert_eq!(crate::error::code_for(&err), crate::exit::INPUT);
        assert!(
            err.to_string()
                .contains("not a testrail-report resume file")
        );
    }

    #[test]
    fn a_format_1_file_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.json");
        std::fs::write(
            &path,
            "{\n  \"version\": 1,\n  \"run_id\": 3,\n  \"results\": []\n}",
        )
        .unwrap();
        let err = Journal::read(&path).unwrap_err().to_string();
        assert!(err.contains("format version 1"), "{err}");
        assert!(err.contains("reads version 2"), "{err}");
    }
}
