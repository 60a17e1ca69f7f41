//! Posting results: `add_results_for_cases` in batches, as many in flight and as big as the
//! server's speed and budget allow (`pace` decides; they share the client's rate limiter),
//! then attachments for the results that have files.
//!
//! A batch is all-or-nothing on the server. When its outcome is unknown (the connection dropped
//! after sending), re-sending could double every result, so we first read the run's results and
//! re-send only the entries that did not land. A batch that still fails is returned as unsent,
//! never dropped: the caller writes it to a resume file.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use tokio::task::JoinSet;
use tokio::time::{Duration, Instant};

use crate::testrail::{ApiError, Client, ResultForCase};

use super::batch::{MAX_BATCH_BYTES, batch_end};
use super::journal::Log;
use super::pace::{Concurrency, Sample, batch_size};
use super::target::recent;
use super::unsent::Event;
use crate::submit::plan::results::{PlannedResult, ResultEntry};

/// How results are posted.
#[derive(Debug, Clone)]
pub struct PostOptions {
    /// Results per request at most.
    pub batch_size: usize,
    /// Serialized request size at most.
    pub max_bytes: usize,
    /// Batches in flight: fixed at this (`--parallel-batches`), or found as it goes (`None`).
    pub in_flight: Option<usize>,
}

impl Default for PostOptions {
    fn default() -> Self {
        PostOptions {
            batch_size: super::batch::DEFAULT_BATCH_SIZE,
            max_bytes: MAX_BATCH_BYTES,
            in_flight: None,
        }
    }
}

/// What happened to the results.
#[derive(Debug, Default)]
pub struct Posted {
    /// Indexes (into the planned results) that TestRail accepted.
    pub accepted: Vec<usize>,
    /// Indexes that could not be posted.
    pub unsent: Vec<usize>,
    /// Indexes whose case is not in the run (TestRail named them when rejecting a batch).
    pub not_in_run: Vec<usize>,
    /// Why batches failed (TestRail's message or the network error).
    pub errors: Vec<String>,
    /// Attachments uploaded.
    pub attachments: usize,
    /// Attachments that could not be read or uploaded.
    pub warnings: Vec<String>,
}

/// The client's body type for one entry.
pub fn to_client(e: &ResultEntry) -> ResultForCase {
    ResultForCase {
        case_id: e.case_id,
        status_id: Some(e.status_id),
        comment: e.comment.as_deref().map(String::from),
        elapsed: e.elapsed.map(|t| t.to_string()),
        defects: e.defects.as_deref().map(String::from),
        extra: e.fields.clone().into_iter().collect(),
        ..ResultForCase::default()
    }
}

/// Post every result into `run_id`, as fast as the server takes them (see `pace`), recording
/// each batch in the journal before it is sent and once it is accepted.
pub async fn post_all(
    client: &Client,
    run_id: u64,
    results: Arc<Vec<PlannedResult>>,
    opts: &PostOptions,
    log: Option<&Log>,
) -> Posted {
    let entries: Vec<&ResultEntry> = results.iter().map(|r| &r.entry).collect();
    let total = results.len();
    let mut level = Concurrency::new(opts.in_flight);
    let mut budget = client.budget();
    let mut size = batch_size(total, opts.batch_size, budget);
    let mut retries_seen = client.stats().retries;
    let mut tasks = JoinSet::new();
    // Each task's batch, so a task that panics still accounts for its results.
    let mut ranges = HashMap::new();
    // The highest result ID answered so far: a batch sent now gets higher ones.
    let mut after = None;
    let syncer = log.and_then(Log::syncer);
    let mut next = 0;
    let mut posted = Posted::default();
    let mut uploads = Vec::new();
    let mut clock = Eta::new(total);
    loop {
        if client.budget() != budget {
            // A budget learned from a 429: fit what is left into it.
            budget = client.budget();
            size = batch_size(total - next, opts.batch_size, budget);
        }
        while tasks.len() < level.limit() && next < total {
            let end = batch_end(&entries, next, size, opts.max_bytes);
            let range = next..end;
            let full = end < total || range.len() == size;
            next = end;
            if let Some(log) = log {
                let cases = cases_of(&results[range.clone()]);
                log.record(&Event::Sent {
                    run_id,
                    cases,
                    after,
                });
            }
            let (client, results, epoch) = (client.clone(), results.clone(), level.epoch());
            let batch = range.clone();
            let syncer = syncer.clone();
            let task = tasks.spawn(async move {
                // The batch's `sent` line reaches the disk before the batch leaves (a sync in
                // each task, off the posting loop: concurrent batches share one sync's wait).
                if let Some(syncer) = syncer {
                    syncer.sync().await;
                }
                let sent = Instant::now();
                let outcome = post_batch(&client, run_id, &results[batch.clone()]).await;
                (batch, outcome, sent.elapsed(), epoch, full)
            });
            ranges.insert(task.id(), range);
        }
        let saturated = tasks.len() >= level.limit();
        let Some(joined) = tasks.join_next_with_id().await else {
            break;
        };
        let (range, outcome, latency, epoch, full) = match joined {
            Ok((id, done)) => {
                ranges.remove(&id);
                done
            }
            // A panicking batch is a failed batch: its results go to the resume file.
            Err(e) => {
                let range = ranges.remove(&e.id()).unwrap_or(0..0);
                let why = format!("a batch of {} result(s) failed: {e}", range.len());
                (range, Err(why), Duration::ZERO, level.epoch(), false)
            }
        };
        if let (Some(log), Ok(ids)) = (log, &outcome) {
            let batch = &results[range.clone()];
            let cases: Vec<u64> = batch
                .iter()
                .zip(ids)
                .filter(|(_, id)| id.is_some())
                .map(|(r, _)| r.entry.case_id)
                .collect();
            log.record(&Event::Acked { run_id, cases });
        }
        if let Ok(ids) = &outcome {
            after = after.max(ids.iter().flatten().copied().max());
        }
        let retries = client.stats().retries;
        level.observe(Sample {
            latency,
            congested: retries > retries_seen || outcome.is_err(),
            epoch,
            full,
            saturated,
        });
        retries_seen = retries;
        let batches_left = tasks.len() + (total - next).div_ceil(size.max(1));
        collect(&mut posted, &mut uploads, &results, range, outcome);
        clock.progress(&posted, batches_left, budget);
    }
    posted.accepted.sort_unstable();
    posted.unsent.sort_unstable();
    posted.not_in_run.sort_unstable();
    upload_all(client, &results, &uploads, &mut posted).await;
    posted
}

fn collect(
    posted: &mut Posted,
    uploads: &mut Vec<(usize, u64)>,
    results: &[PlannedResult],
    range: Range<usize>,
    outcome: Result<Vec<Option<u64>>, String>,
) {
    match outcome {
        Ok(ids) => {
            for (i, result_id) in range.zip(ids) {
                match result_id {
                    Some(id) => {
                        posted.accepted.push(i);
                        if !results[i].attachments.is_empty() {
                            uploads.push((i, id));
                        }
                    }
                    None => posted.not_in_run.push(i),
                }
            }
        }
        Err(why) => {
            posted.unsent.extend(range);
            posted.errors.push(why);
        }
    }
}

/// Progress of the posting, with an estimate of the time left.
struct Eta {
    started: Instant,
    results: usize,
    done: usize,
}

impl Eta {
    fn new(results: usize) -> Self {
        Eta {
            started: Instant::now(),
            results,
            done: 0,
        }
    }

    /// Report a finished batch: a redrawn bar on a terminal, plain lines in CI logs (where a
    /// bar redrawn with carriage returns turns into noise).
    fn progress(&mut self, posted: &Posted, batches_left: usize, budget: Option<u32>) {
        use std::io::IsTerminal as _;
        self.done += 1;
        if crate::progress::quiet() {
            return;
        }
        let settled = posted.accepted.len() + posted.unsent.len() + posted.not_in_run.len();
        let (total, done) = (self.done + batches_left, self.done);
        if total <= 1 {
            return;
        }
        let accepted = posted.accepted.len();
        let results = self.results;
        let left = self.left(settled, batches_left, budget);
        let left = match left {
            Some(secs) if secs >= 5 => format!(", about {secs} s left"),
            _ => String::new(),
        };
        if std::io::stderr().is_terminal() {
            let width = 30;
            let filled = width * done / total;
            let bar = format!("{}{}", "#".repeat(filled), "-".repeat(width - filled));
            let end = if done == total { "\n" } else { "" };
            eprint!(
                "\r  [{bar}] batch {done}/{total}, {accepted}/{results} result(s) accepted{left}\x1b[K{end}"
            );
        } else {
            eprintln!("  batch {done}/{total}: {accepted} of {results} result(s) accepted{left}");
        }
    }

    /// Seconds left: the pace so far, or the budget's pace when that is slower.
    fn left(&self, settled: usize, batches_left: usize, budget: Option<u32>) -> Option<u64> {
        let elapsed = self.started.elapsed().as_secs_f64();
        let rate = settled as f64 / elapsed.max(0.001);
        let by_rate = (self.results - settled.min(self.results)) as f64 / rate.max(0.001);
        let by_budget = budget.map_or(0.0, |b| batches_left as f64 * 60.0 / f64::from(b.max(1)));
        (settled > 0).then(|| by_rate.max(by_budget).ceil() as u64)
    }
}

/// The case IDs of these results.
pub fn cases_of(results: &[PlannedResult]) -> Vec<u64> {
    results.iter().map(|r| r.entry.case_id).collect()
}

/// How many cases one batch may shed (one per rejection) before it counts as failed.
const MAX_DROPS: usize = 20;

/// Post one batch; answers each entry's new result ID in request order, `None` for an entry
/// whose case is not in the run.
///
/// TestRail rejects the whole batch when one case is not in the run and names only that one
/// (`case C12 unknown or not part of the test run`), so such cases are dropped one by one.
async fn post_batch(
    client: &Client,
    run_id: u64,
    batch: &[PlannedResult],
) -> Result<Vec<Option<u64>>, String> {
    #[cfg(test)]
    tests::maybe_panic(batch);
    let mut out = vec![None; batch.len()];
    let mut live: Vec<usize> = (0..batch.len()).collect();
    for _ in 0..=MAX_DROPS {
        let entries: Vec<&ResultEntry> = live.iter().map(|&j| &batch[j].entry).collect();
        match send(client, run_id, &entries).await {
            Ok(ids) => {
                for (&j, id) in live.iter().zip(ids) {
                    out[j] = Some(id);
                }
                return Ok(out);
            }
            Err(e) => {
                let Some(case) = not_in_run(&e) else {
                    return Err(e.to_string());
                };
                let before = live.len();
                live.retain(|&j| batch[j].entry.case_id != case);
                if live.len() == before {
                    return Err(e.to_string());
                }
                eprintln!(
                    "warning: case C{case} is not in run R{run_id}; posting the batch without it"
                );
                if live.is_empty() {
                    return Ok(out);
                }
            }
        }
    }
    Err(format!(
        "more than {MAX_DROPS} cases of one batch are not in run R{run_id}"
    ))
}

/// The case TestRail names when it rejects a batch for a case outside the run.
fn not_in_run(e: &ApiError) -> Option<u64> {
    let msg = e.message().filter(|_| e.status() == Some(400))?;
    if !msg.contains("not part of the test run") {
        return None;
    }
    let start = msg.find("case C")? + "case C".len();
    let digits: String = msg[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// One `add_results_for_cases`; when its outcome is unknown, re-send only what did not land.
async fn send(
    client: &Client,
    run_id: u64,
    entries: &[&ResultEntry],
) -> Result<Vec<u64>, ApiError> {
    let body: Vec<ResultForCase> = entries.iter().map(|e| to_client(e)).collect();
    let since = recent();
    match client.add_results_for_cases_owned(run_id, body).await {
        Ok(answer) => Ok(answer.into_iter().map(|r| r.id).collect()),
        Err(ApiError::OutcomeUnknown { reason, .. }) => {
            eprintln!(
                "add_results_for_cases: outcome unknown ({reason}); reading the run's results \
                 before re-sending"
            );
            resend_missing(client, run_id, entries, since).await
        }
        Err(e) => Err(e),
    }
}

/// Find which entries already landed (since `since`), post the others, and answer every
/// entry's result ID in order.
pub async fn resend_missing(
    client: &Client,
    run_id: u64,
    entries: &[&ResultEntry],
    since: i64,
) -> Result<Vec<u64>, ApiError> {
    // Only this batch's cases, from the newest results: see `check`.
    let landed = super::check::landed_batch(client, run_id, entries, since, None).await?;
    let missing: Vec<ResultForCase> = entries
        .iter()
        .filter(|e| !landed.contains_key(&e.case_id))
        .map(|e| to_client(e))
        .collect();
    eprintln!(
        "run {run_id}: {} of {} results had landed; sending the other {}",
        entries.len() - missing.len(),
        entries.len(),
        missing.len()
    );
    let mut new_ids = HashMap::new();
    if !missing.is_empty() {
        let answer = client.add_results_for_cases(run_id, &missing).await?;
        for (e, r) in missing.iter().zip(answer) {
            new_ids.insert(e.case_id, r.id);
        }
    }
    Ok(entries
        .iter()
        .map(|e| {
            landed
                .get(&e.case_id)
                .or(new_ids.get(&e.case_id))
                .copied()
                .unwrap_or(0)
        })
        .collect())
}

/// Result IDs of entries already in the run: same case, same status and comment, created
/// since `since`.
pub async fn landed(
    client: &Client,
    run_id: u64,
    entries: &[&ResultEntry],
    since: i64,
) -> Result<HashMap<u64, u64>, ApiError> {
    let tests = client.get_tests(run_id).await?;
    let case_of: HashMap<u64, u64> = tests.into_iter().map(|t| (t.id, t.case_id)).collect();
    let wanted: HashMap<u64, &ResultEntry> = entries.iter().map(|e| (e.case_id, *e)).collect();
    let mut found = HashMap::new();
    for r in client.get_results_for_run(run_id).await? {
        let Some(case_id) = case_of.get(&r.test_id) else {
            continue;
        };
        let Some(e) = wanted.get(case_id) else {
            continue;
        };
        let recent = r.created_on.is_none_or(|t| t >= since);
        if recent
            && r.status_id == Some(e.status_id)
            && r.comment.as_deref() == e.comment.as_deref()
        {
            found.entry(*case_id).or_insert(r.id);
        }
    }
    Ok(found)
}

/// Upload every attachment of the accepted results (one request per file).
async fn upload_all(
    client: &Client,
    results: &[PlannedResult],
    uploads: &[(usize, u64)],
    posted: &mut Posted,
) {
    let mut done: HashSet<(u64, &Path)> = HashSet::new();
    for (i, result_id) in uploads {
        for path in &results[*i].attachments {
            if *result_id == 0 || !done.insert((*result_id, path.as_path())) {
                continue;
            }
            match upload(client, *result_id, path).await {
                Ok(()) => posted.attachments += 1,
                Err(why) => posted.warnings.push(format!(
                    "attachment {} for case C{} not uploaded: {why}",
                    path.display(),
                    results[*i].entry.case_id
                )),
            }
        }
    }
}

async fn upload(client: &Client, result_id: u64, path: &Path) -> Result<(), String> {
    let bytes = tokio::fs::read(path).await.map_err(|e| e.to_string())?;
    let name = path
        .file_name()
        .map_or_else(|| "attachment".into(), |n| n.to_string_lossy().into_owned());
    client
        .add_attachment_to_result(result_id, &name, bytes)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submit::plan::elapsed::Timespan;
    use serde_json::json;

    /// A comment that makes the batch holding it panic (tests only: the hook is compiled out
    /// of every other build).
    const PANIC: &str = "test hook: panic in this batch";

    pub(super) fn maybe_panic(batch: &[PlannedResult]) {
        if batch
            .iter()
            .any(|r| r.entry.comment.as_deref() == Some(PANIC))
        {
            panic!("{PANIC}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_that_panics_is_a_failed_batch_not_a_lost_one() {
        use crate::sandbox::{DEFAULT_API_KEY, DEFAULT_USER, Sandbox, SandboxOptions};
        use crate::submit::deliver::{target::TargetSpec, unsent::Journal};
        // What broke: a panicking batch task was skipped by `join_next`, so its results were
        // neither accepted nor unsent: not saved, and the submit could exit 0.
        let sb = Sandbox::spawn(SandboxOptions::default()).unwrap();
        let cfg = crate::config::ConnectionConfig {
            url: sb.base_url(),
            user: DEFAULT_USER.into(),
            api_key: crate::secret::Secret::new(DEFAULT_API_KEY),
            timeout: std::time::Duration::from_secs(10),
            ca_cert: None,
            insecure: false,
            proxy: None,
        };
        let client = Client::new(&cfg, &crate::testrail::ClientOptions::default()).unwrap();
        let body = crate::testrail::NewRun {
            suite_id: Some(1),
            name: Some("panics".into()),
            case_ids: Some(vec![1, 2, 3]),
            ..crate::testrail::NewRun::default()
        };
        let run_id = client.add_run(1, &body).await.unwrap().id;
        let results: Vec<PlannedResult> = (1..=3)
            .map(|case_id| PlannedResult {
                entry: ResultEntry {
                    case_id,
                    status_id: 1,
                    comment: (case_id == 2).then(|| PANIC.into()),
                    elapsed: None,
                    defects: None,
                    fields: Default::default(),
                },
                outcome: crate::report::Outcome::Passed,
                attachments: Box::new([]),
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.json");
        let target = TargetSpec::Existing { run_id };
        let log = Log::start(path.clone(), &target, (false, false), 0, &results);
        let opts = PostOptions {
            batch_size: 1,
            in_flight: Some(1),
            ..PostOptions::default()
        };
        let posted = post_all(&client, run_id, Arc::new(results), &opts, Some(&log)).await;
        assert_eq!(posted.accepted, [0, 2]);
        assert_eq!(posted.unsent, [1], "the panicking batch's result is unsent");
        assert!(posted.errors[0].contains("panicked"), "{:?}", posted.errors);
        let journal = Journal::read(&path).unwrap();
        assert!(
            journal.unknown.contains_key(&(run_id, 2)),
            "checked on --resume"
        );
        assert!(journal.acked.contains(&(run_id, 1)) && journal.acked.contains(&(run_id, 3)));
    }

    #[test]
    fn reads_the_case_testrail_names_in_a_rejected_batch() {
        let e = |status, message: &str| ApiError::Status {
            verb: "POST",
            endpoint: "add_results_for_cases/1".into(),
            status,
            message: message.into(),
        };
        let msg = "Field :results contains one or more invalid results (case C347875 unknown or not part of the test run)";
        assert_eq!(not_in_run(&e(400, msg)), Some(347875));
        assert_eq!(not_in_run(&e(403, msg)), None);
        assert_eq!(
            not_in_run(&e(
                400,
                "Field :results.elapsed is not in a valid time span format."
            )),
            None
        );
    }

    #[test]
    fn client_body_matches_our_entry() {
        let e = ResultEntry {
            case_id: 4,
            status_id: 5,
            comment: Some("boom".into()),
            elapsed: Some(Timespan::Seconds(2)),
            defects: None,
            fields: [
                ("version".to_string(), json!("1.0")),
                ("custom_x".to_string(), json!(3)),
            ]
            .into_iter()
            .collect(),
        };
        assert_eq!(
            serde_json::to_value(to_client(&e)).unwrap(),
            serde_json::to_value(&e).unwrap()
        );
    }
}
