//! The run results go to: a new run holding exactly the mapped cases, an existing run whose
//! selection is extended, or a new entry in a test plan.
//!
//! TestRail quirks handled here:
//! - `add_run` defaults to `include_all: true`; we always send `false` with the case IDs, so a
//!   run never silently holds the whole suite.
//! - unknown case IDs reject the whole `add_run` with `Field :case_ids contains unrecognized
//!   case IDs.` without saying which; only then do we download the suite's cases (the happy path
//!   costs no lookup), drop the unknown ones with a warning, and retry once.
//! - `update_run` *replaces* the selection, and another shard may be writing at the same time,
//!   so extending a run is read → union → write → read back, retried when a case went missing.
//!   Every write is built from a read made after the last wait: a refused write (429, 503) is
//!   never re-sent as it was, since other shards may have extended the selection meanwhile and
//!   the stale union would remove their cases, results and all.
//! - an `add_run` whose outcome is unknown (timeout after sending) is not re-sent blindly: we
//!   look for a run with that name, our cases and description, created by us recently.

use std::collections::BTreeSet;

use crate::error::Error;
use crate::testrail::{
    ApiError, Client, NewPlanEntry, NewRun, Plan, PlanEntry, Run, RunUpdate, Test,
};

/// TestRail's answer when `case_ids` holds IDs it does not know (or from another suite).
const UNRECOGNIZED: &str = "contains unrecognized case IDs";

/// How many times extending a run's selection is retried when a concurrent writer undid it.
const UNION_ATTEMPTS: u32 = 8;

/// How many refused or unanswered selection writes are waited out and rebuilt before giving
/// up (the transport's own bound on 429 waits for one call).
const REFUSED_WRITES: u32 = 50;

/// Where results go, as the options asked (kept in the journal, for `--resume`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TargetSpec {
    /// `add_run` on a project (`case_ids` are filled in when the run is opened).
    New {
        /// The project.
        project_id: u64,
        /// Name, description, suite, milestone, assignee, refs.
        run: NewRun,
    },
    /// `--run-id`: an existing open run.
    Existing {
        /// The run.
        run_id: u64,
    },
    /// `--plan-id`: a new entry in a plan.
    Plan {
        /// The plan.
        plan_id: u64,
        /// The suite (`None`: the project's only suite).
        suite_id: Option<u64>,
        /// Name, description, configurations, refs.
        entry: NewPlanEntry,
    },
}

/// The run that was opened, and the case IDs TestRail did not know.
#[derive(Debug, Clone)]
pub struct OpenedRun {
    /// The run, as TestRail answered.
    pub run: Run,
    /// Case IDs dropped because TestRail does not know them.
    pub unknown: Vec<u64>,
    /// Whether the run was created by this submit.
    pub created: bool,
    /// Whether this submit added cases to an existing run's selection (and so must check
    /// after posting that no concurrent writer removed them).
    pub extended: bool,
    /// The slowest selection read seen while extending: how long another job's
    /// read-union-write may take, so how long to wait before checking again.
    pub read_latency: std::time::Duration,
    /// The tests of our cases (with their statuses) as last read while opening the run.
    pub tests: Option<Vec<Test>>,
}

impl OpenedRun {
    /// A run (or plan entry's run) this submit created; `unknown` names the dropped cases.
    pub(crate) fn created(run: Run, unknown: Vec<u64>) -> OpenedRun {
        OpenedRun {
            run,
            unknown,
            created: true,
            extended: false,
            read_latency: std::time::Duration::ZERO,
            tests: None,
        }
    }
}

/// Open the target for these (distinct) case IDs.
pub async fn open(
    client: &Client,
    spec: &TargetSpec,
    case_ids: &[u64],
) -> anyhow::Result<OpenedRun> {
    match spec {
        TargetSpec::New { project_id, run } => new_run(client, *project_id, run, case_ids).await,
        TargetSpec::Existing { run_id } => extend_run(client, *run_id, case_ids).await,
        TargetSpec::Plan {
            plan_id,
            suite_id,
            entry,
        } => plan_entry(client, *plan_id, *suite_id, entry, case_ids).await,
    }
}

/// Whether TestRail rejected case IDs it does not know.
fn is_unrecognized(e: &ApiError) -> bool {
    e.status() == Some(400) && e.message().is_some_and(|m| m.contains(UNRECOGNIZED))
}

/// The IDs of the suite's cases (every page).
pub async fn suite_case_ids(
    client: &Client,
    project_id: u64,
    suite_id: Option<u64>,
) -> anyhow::Result<BTreeSet<u64>> {
    let cases = client
        .get_cases(project_id, suite_id, None)
        .await
        .map_err(api)?;
    Ok(cases.into_iter().map(|c| c.id).collect())
}

/// Split `case_ids` into (known, unknown) against the suite.
async fn drop_unknown(
    client: &Client,
    project_id: u64,
    suite_id: Option<u64>,
    case_ids: &[u64],
) -> anyhow::Result<(Vec<u64>, Vec<u64>)> {
    let known = suite_case_ids(client, project_id, suite_id).await?;
    Ok(case_ids.iter().partition(|id| known.contains(id)))
}

/// Classify a client error for the exit code, keeping TestRail's message.
pub fn api(e: ApiError) -> anyhow::Error {
    anyhow::Error::new(e.class())
}

fn nothing_known(unknown: &[u64]) -> anyhow::Error {
    Error::Rejected(format!(
        "TestRail knows none of the mapped case IDs ({}); nothing was created. Check the \
         case IDs in the report and --project-id / --suite-id",
        ids(unknown)
    ))
    .into()
}

/// `C1, C2, C3` for messages.
pub fn ids(ids: &[u64]) -> String {
    ids.iter()
        .map(|id| format!("C{id}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn new_run(
    client: &Client,
    project_id: u64,
    template: &NewRun,
    case_ids: &[u64],
) -> anyhow::Result<OpenedRun> {
    let mut body = template.clone();
    body.include_all = false;
    body.case_ids = Some(case_ids.to_vec());
    let mut unknown = Vec::new();
    let run = match add_run_once(client, project_id, &body).await {
        Err(e) if is_unrecognized(&e) => {
            let (known, dropped) =
                drop_unknown(client, project_id, body.suite_id, case_ids).await?;
            if known.is_empty() {
                return Err(nothing_known(&dropped));
            }
            unknown = dropped;
            body.case_ids = Some(known);
            add_run_once(client, project_id, &body).await.map_err(api)?
        }
        other => other.map_err(api)?,
    };
    Ok(OpenedRun::created(run, unknown))
}

/// What an error says when the project has several suites and the options name none; the
/// submit then sorts the cases by suite (`suites.rs`) instead of failing. TestRail's
/// ":suite_id is a required field" carries it too: `ApiError`'s hint for that message.
pub const SEVERAL_SUITES: &str = "this project has several suites";

/// Whether opening the target failed only because the project has several suites.
pub fn is_several_suites(e: &anyhow::Error) -> bool {
    e.to_string().contains(SEVERAL_SUITES)
}

/// `add_run`, checking before re-sending when the first attempt's outcome is unknown.
async fn add_run_once(client: &Client, project_id: u64, body: &NewRun) -> Result<Run, ApiError> {
    let since = recent();
    match client.add_run(project_id, body).await {
        Err(ApiError::OutcomeUnknown { reason, .. }) => {
            eprintln!("add_run: outcome unknown ({reason}); checking whether the run was created");
            match created_run(client, project_id, body, since).await? {
                Some(run) => {
                    eprintln!("add_run: run {} was created; using it", run.id);
                    Ok(run)
                }
                None => client.add_run(project_id, body).await,
            }
        }
        // A 2xx whose body we cannot read: the run was probably made. Find it and use it,
        // or a rerun would leave it behind as a stray second run.
        Err(
            e @ (ApiError::NotJson { .. } | ApiError::Shape { .. } | ApiError::TooLarge { .. }),
        ) => {
            eprintln!("add_run: the answer was unreadable ({e}); looking for the run it made");
            match created_run(client, project_id, body, since).await? {
                Some(run) => {
                    eprintln!("add_run: run {} was created; using it", run.id);
                    Ok(run)
                }
                None => Err(e),
            }
        }
        other => other,
    }
}

/// The run an `add_run` with a lost answer created, if any: ours by name, creator and time,
/// and — since a re-run CI job may have made one of the same name minutes ago — by holding
/// exactly our cases with our description.
pub(crate) async fn created_run(
    client: &Client,
    project_id: u64,
    body: &NewRun,
    since: i64,
) -> Result<Option<Run>, ApiError> {
    let name = body.name.clone().unwrap_or_default();
    let me = client.get_current_user().await?;
    let wanted: BTreeSet<u64> = body.case_ids.iter().flatten().copied().collect();
    for run in client
        .find_runs_created(project_id, &name, me.id, since)
        .await?
    {
        if run.include_all || run.description != body.description {
            continue;
        }
        if run_cases(client, run.id).await? == wanted {
            return Ok(Some(run));
        }
    }
    Ok(None)
}

/// The case IDs a run holds (every page of `get_tests`).
pub(crate) async fn run_cases(client: &Client, run_id: u64) -> Result<BTreeSet<u64>, ApiError> {
    let tests = client.get_tests(run_id).await?;
    Ok(tests.into_iter().map(|t| t.case_id).collect())
}

/// How far back "created by this attempt" reaches: server clocks drift from ours, and a
/// generous window is safe because every match is also checked by content.
pub const CLOCK_SLACK: i64 = 600;

/// The earliest creation time an object made from now on can show, allowing for clock drift.
pub fn recent() -> i64 {
    now() - CLOCK_SLACK
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

async fn extend_run(client: &Client, run_id: u64, case_ids: &[u64]) -> anyhow::Result<OpenedRun> {
    let run = client.get_run(run_id).await.map_err(api)?;
    if run.is_completed {
        return Err(Error::Rejected(format!(
            "run {run_id} ({}) is closed: TestRail accepts no results for it; report into a new \
             run or another --run-id",
            run.name
        ))
        .into());
    }
    let mut opened = OpenedRun {
        run,
        unknown: Vec::new(),
        created: false,
        extended: false,
        read_latency: std::time::Duration::ZERO,
        tests: None,
    };
    if opened.run.include_all {
        // The run holds every case of its suite already; unknown IDs surface when posting.
        return Ok(opened);
    }
    let mut wanted: Vec<u64> = case_ids.to_vec();
    let (mut attempt, mut refused) = (0, 0);
    while attempt < UNION_ATTEMPTS {
        if attempt > 0 {
            // Back off *before* reading: the read-to-write window must stay short, or this
            // shard's write would erase cases others added meanwhile.
            back_off(attempt).await;
        }
        let started = std::time::Instant::now();
        let tests = client.get_tests(run_id).await.map_err(api)?;
        let present: BTreeSet<u64> = tests.iter().map(|t| t.case_id).collect();
        opened.read_latency = opened.read_latency.max(started.elapsed());
        let missing: Vec<u64> = wanted
            .iter()
            .copied()
            .filter(|id| !present.contains(id))
            .collect();
        if missing.is_empty() {
            // Our tests, kept for `already.rs`: their statuses say whether any result needs
            // reading. Only what it uses, not every field of every test of a large run.
            let ours: BTreeSet<u64> = wanted.iter().copied().collect();
            let kept = tests.into_iter().filter(|t| ours.contains(&t.case_id));
            opened.tests = Some(
                kept.map(|t| Test {
                    extra: Default::default(),
                    title: None,
                    ..t
                })
                .collect(),
            );
            return Ok(opened);
        }
        if attempt > 0 {
            eprintln!(
                "run {run_id}: {} case(s) missing after extending the selection (another job \
                 replaced it?); extending again",
                missing.len()
            );
        }
        if opened.run.plan_id.is_some() {
            return Err(Error::Rejected(format!(
                "run {run_id} belongs to a test plan and lacks {}; TestRail only lets plan \
                 entries change a plan run's cases: add them to the plan entry, or use --plan-id",
                ids(&missing)
            ))
            .into());
        }
        // update_run replaces the selection: send what is there plus what we need.
        let union: Vec<u64> = present.iter().copied().chain(missing).collect();
        let update = RunUpdate {
            include_all: Some(false),
            case_ids: Some(union),
            ..RunUpdate::default()
        };
        match client.update_run_once(run_id, &update).await {
            Ok(_) => opened.extended = true,
            // Refused (and already waited out) or unanswered: read again, then write a union
            // of what is there *now*. The read-back decides whether an unanswered write held.
            Err(e @ (ApiError::Deferred { .. } | ApiError::OutcomeUnknown { .. })) => {
                refused += 1;
                if refused > REFUSED_WRITES {
                    return Err(api(e));
                }
                opened.extended = true;
                continue;
            }
            Err(e) if is_unrecognized(&e) && opened.unknown.is_empty() => {
                let (project, suite) = (opened.run.project_id.unwrap_or(0), opened.run.suite_id);
                let (known, dropped) = drop_unknown(client, project, suite, &wanted).await?;
                if known.is_empty() {
                    return Err(nothing_known(&dropped));
                }
                opened.unknown = dropped;
                wanted = known;
            }
            Err(e) => return Err(api(e)),
        }
        attempt += 1;
    }
    Err(Error::Rejected(format!(
        "run {run_id}: the cases this job needs kept disappearing from the run's selection \
         ({UNION_ATTEMPTS} attempts); another job is replacing it. Create the run with all cases \
         first (see docs/RELIABILITY.md, \"Sharded CI without races\")"
    ))
    .into())
}

/// Wait a random while before extending again, so racing shards stop writing in lockstep.
async fn back_off(attempt: u32) {
    // No RNG crate for this: the clock's nanoseconds and the process ID vary enough.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let seed = u64::from(nanos ^ std::process::id().wrapping_mul(2_654_435_761));
    let ceiling = 100u64 << attempt.min(5);
    tokio::time::sleep(std::time::Duration::from_millis(seed % ceiling)).await;
}

async fn plan_entry(
    client: &Client,
    plan_id: u64,
    suite_id: Option<u64>,
    template: &NewPlanEntry,
    case_ids: &[u64],
) -> anyhow::Result<OpenedRun> {
    let plan = client.get_plan(plan_id).await.map_err(api)?;
    let project_id = plan.project_id.unwrap_or(0);
    let suite_id = match suite_id {
        Some(id) => id,
        None => only_suite(client, project_id).await?,
    };
    let mut body = template.clone();
    body.suite_id = suite_id;
    body.include_all = false;
    body.case_ids = Some(case_ids.to_vec());
    let mut unknown = Vec::new();
    let entry = match add_plan_entry_once(client, &plan, &body).await {
        Err(e) if is_unrecognized(&e) => {
            let (known, dropped) =
                drop_unknown(client, project_id, Some(suite_id), case_ids).await?;
            if known.is_empty() {
                return Err(nothing_known(&dropped));
            }
            unknown = dropped;
            body.case_ids = Some(known);
            add_plan_entry_once(client, &plan, &body)
                .await
                .map_err(api)?
        }
        other => other.map_err(api)?,
    };
    let run = entry.runs.into_iter().next().ok_or_else(|| {
        Error::Rejected(format!(
            "add_plan_entry on plan {plan_id} answered an entry without runs"
        ))
    })?;
    Ok(OpenedRun::created(run, unknown))
}

/// `add_plan_entry`, checking before re-sending when the first attempt's outcome is unknown:
/// an entry of this suite (and name) that the plan did not have `before` is ours.
pub async fn add_plan_entry_once(
    client: &Client,
    before: &Plan,
    body: &NewPlanEntry,
) -> Result<PlanEntry, ApiError> {
    let plan_id = before.id;
    let reason = match client.add_plan_entry(plan_id, body).await {
        Err(ApiError::OutcomeUnknown { reason, .. }) => reason,
        other => return other,
    };
    eprintln!("add_plan_entry: outcome unknown ({reason}); checking whether the entry was added");
    let known: BTreeSet<&str> = before.entries.iter().map(|e| e.id.as_str()).collect();
    let now = client.get_plan(plan_id).await?;
    let ours = now.entries.into_iter().find(|e| {
        !known.contains(e.id.as_str())
            && e.suite_id == Some(body.suite_id)
            && body.name.as_ref().is_none_or(|n| *n == e.name)
    });
    match ours {
        Some(entry) => {
            eprintln!("add_plan_entry: the entry was added; using it");
            Ok(entry)
        }
        None => client.add_plan_entry(plan_id, body).await,
    }
}

/// The suite of a single-suite project (a plan entry always needs one).
async fn only_suite(client: &Client, project_id: u64) -> anyhow::Result<u64> {
    let suites = client.get_suites(project_id).await.map_err(api)?;
    match suites.as_slice() {
        [one] => Ok(one.id),
        _ => Err(Error::Usage(format!(
            "project {project_id} has {} suites ({SEVERAL_SUITES}): set --suite-id / \
             TESTRAIL_SUITE_ID for the plan entry",
            suites.len()
        ))
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad_request(message: &str) -> anyhow::Error {
        api(ApiError::Status {
            verb: "POST",
            endpoint: "add_run/1".into(),
            status: 400,
            message: message.into(),
        })
    }

    #[test]
    fn only_a_missing_suite_sorts_cases_by_suite() {
        // The hint `ApiError` adds to TestRail's text is what marks it.
        assert!(is_several_suites(&bad_request(
            "Field :suite_id is a required field."
        )));
        for other in [
            "Field :suite_id is not a valid test suite.",
            "Field :case_ids contains an invalid case.",
            "Field :milestone_id is not a valid milestone.",
        ] {
            assert!(!is_several_suites(&bad_request(other)), "{other}");
        }
    }
}
