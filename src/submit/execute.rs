//! The submit, start to finish: map every test, validate, then (and only then) write to
//! TestRail — open the run, post the results, close it if asked — and account for it all in a
//! [`Summary`].
//!
//! Nothing is written before every report is read and mapped and every option is resolved, so
//! bad input never leaves a half-made run. Results that cannot be posted are saved to a resume
//! file; the run is never deleted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;

use crate::error::Error;
use crate::junit::{Outcome, Report, TestCase};
use crate::summary::{FailedTest, Summary, UnknownCase};
use crate::testrail::Client;

use super::aggregate::{CaseGroup, group};
use super::automation::AutomationIndex;
use super::comment::CommentOptions;
use super::fields::ResultField;
use super::post::{PostOptions, Posted, post_all};
use super::render::DryRunDoc;
use super::results::{PlannedResult, ResultOptions, ResultPlan, plan_results};
use super::status::{StatusInfo, StatusOverrides, StatusPolicy};
use super::target::{OpenedRun, TargetSpec, api, ids, now, open, suite_case_ids};
use super::test_ref;
use super::unsent::{UnsentFile, default_path};

/// How tests find their case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// Case IDs the mapping module reads from the report (names, properties, a map file).
    Ids,
    /// The suite's `custom_automation_id` field (downloads the suite's cases once).
    AutomationId,
}

/// Everything a submit needs besides the reports and the client.
#[derive(Debug, Clone)]
pub struct SubmitOptions {
    /// Where results go.
    pub target: TargetSpec,
    /// The project (for automation-ID matching and `--strict` checks).
    pub project_id: Option<u64>,
    /// The suite (likewise).
    pub suite_id: Option<u64>,
    /// How tests find their case.
    pub matching: Matching,
    /// `--status` overrides.
    pub status: StatusOverrides,
    /// Comment shape.
    pub comment: CommentOptions,
    /// `--elapsed-ms`.
    pub elapsed_ms: bool,
    /// `--result-field` values.
    pub fields: Vec<ResultField>,
    /// Batching and concurrency.
    pub post: PostOptions,
    /// `--close-run`.
    pub close_run: bool,
    /// `--strict`: unmapped tests and unknown case IDs fail before anything is created.
    pub strict: bool,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--unsent-file`: where to save results that could not be posted.
    pub unsent_file: Option<PathBuf>,
}

/// What a submit did, for printing and exit codes.
#[derive(Debug)]
pub struct Submitted {
    /// The summary every output renders.
    pub summary: Summary,
    /// In a dry run: the request that would open the run, and the results.
    pub dry_run: Option<(serde_json::Value, Vec<PlannedResult>)>,
    /// Why some results were not posted (empty when all were).
    pub errors: Vec<String>,
}

impl Submitted {
    /// The dry run's document (`None` for a real submit).
    pub fn dry_run_doc(&self) -> Option<DryRunDoc<'_>> {
        self.dry_run.as_ref().map(|(run, results)| DryRunDoc {
            summary: &self.summary,
            run: run.clone(),
            results: results.iter().map(|r| &r.entry).collect(),
        })
    }
}

/// Report these tests. `map_ids` gives a test's case IDs (for [`Matching::Ids`]); `client`
/// is `None` only for a dry run without credentials.
pub async fn submit(
    client: Option<&Client>,
    reports: &[Report],
    map_ids: &dyn Fn(&TestCase) -> Vec<u64>,
    opts: &SubmitOptions,
) -> anyhow::Result<Submitted> {
    let tests: Vec<&TestCase> = reports.iter().flat_map(|r| &r.tests).collect();
    let mut summary = Summary {
        dry_run: opts.dry_run,
        outcomes: count_outcomes(&tests),
        ..Summary::default()
    };
    let mapped = map_tests(client, &tests, map_ids, opts).await?;
    summary.unmapped = tests
        .iter()
        .zip(&mapped)
        .filter(|(_, ids)| ids.is_empty())
        .map(|(t, _)| test_ref(t))
        .collect();
    check_unmapped(&summary, tests.len(), opts)?;
    summary.failed_tests = failed_tests(&tests, &mapped);
    let groups = group(tests.iter().copied().zip(mapped.iter().cloned()));
    let policy = resolve_statuses(client, &groups, opts).await?;
    let plan = plan_results(&groups, &result_options(&policy, opts))?;
    for w in &plan.warnings {
        eprintln!("warning: {w}");
    }
    let case_ids: Vec<u64> = groups.iter().map(|g| g.case_id).collect();
    eprintln!(
        "Mapped {} of {} test(s) to {} case(s)",
        tests.len() - summary.unmapped.len(),
        tests.len(),
        case_ids.len()
    );
    if opts.strict {
        strict_check(client, &case_ids, opts).await?;
    }
    if opts.dry_run {
        return Ok(dry_run(summary, &plan, &policy, &case_ids, opts));
    }
    let client = client.ok_or_else(|| Error::Usage("no TestRail connection".into()))?;
    write(client, summary, &groups, plan, &policy, &case_ids, opts).await
}

fn count_outcomes(tests: &[&TestCase]) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for t in tests {
        *out.entry(t.outcome.as_str().to_string()).or_insert(0) += 1;
    }
    out
}

/// Each test's case IDs, in test order (empty when unmapped).
async fn map_tests(
    client: Option<&Client>,
    tests: &[&TestCase],
    map_ids: &dyn Fn(&TestCase) -> Vec<u64>,
    opts: &SubmitOptions,
) -> anyhow::Result<Vec<Vec<u64>>> {
    if opts.matching == Matching::Ids {
        return Ok(tests.iter().map(|t| map_ids(t)).collect());
    }
    let client = client.ok_or_else(|| {
        Error::Usage(
            "--case-matcher automation-id reads the suite's cases from TestRail, even in a dry \
             run: set --url, --user and TESTRAIL_API_KEY"
                .into(),
        )
    })?;
    let project_id = opts.project_id.ok_or_else(|| {
        Error::Usage("--case-matcher automation-id needs --project-id / TESTRAIL_PROJECT_ID".into())
    })?;
    let cases = client
        .get_cases(project_id, opts.suite_id, None)
        .await
        .map_err(api)?;
    let index = AutomationIndex::new(&cases);
    eprintln!(
        "Read {} case(s), {} with an automation ID",
        cases.len(),
        index.len()
    );
    for d in &index.duplicates {
        eprintln!(
            "warning: automation ID `{d}` is used by several cases; using the lowest case ID"
        );
    }
    Ok(tests
        .iter()
        .map(|t| index.case_for(t).into_iter().collect())
        .collect())
}

/// Fail before any write when nothing maps, or when `--strict` and something does not.
fn check_unmapped(summary: &Summary, total: usize, opts: &SubmitOptions) -> anyhow::Result<()> {
    let unmapped = summary.unmapped.len();
    if total == 0 {
        return Err(
            Error::Input("the reports hold no testcases; nothing was created".into()).into(),
        );
    }
    if unmapped == total {
        return Err(Error::Input(format!(
            "none of the {total} test(s) maps to a TestRail case, so nothing was created. Put \
             case IDs in test names (e.g. `test_login_C123`), a `testrail_case_id` property, \
             or use --case-map / --case-matcher automation-id"
        ))
        .into());
    }
    if opts.strict && unmapped > 0 {
        let names: Vec<&str> = summary
            .unmapped
            .iter()
            .take(10)
            .map(|t| t.name.as_str())
            .collect();
        return Err(Error::Input(format!(
            "--strict: {unmapped} test(s) map to no case (first: {}); nothing was created",
            names.join(", ")
        ))
        .into());
    }
    Ok(())
}

/// Resolve statuses, calling `get_statuses` only when a name must be looked up.
async fn resolve_statuses(
    client: Option<&Client>,
    groups: &[CaseGroup<'_>],
    opts: &SubmitOptions,
) -> anyhow::Result<StatusPolicy> {
    let has_skipped = groups.iter().any(|g| g.outcome() == Outcome::Skipped);
    if !opts.status.needs_lookup(has_skipped) {
        return opts.status.resolve(None);
    }
    let statuses = match client {
        Some(c) => c
            .get_statuses()
            .await
            .map_err(api)?
            .into_iter()
            .map(|s| StatusInfo {
                id: s.id,
                name: s.name,
                label: s.label,
                is_untested: s.is_untested,
            })
            .collect(),
        // A dry run without a server knows the system statuses only.
        None => super::status::system_statuses(),
    };
    opts.status.resolve(Some(&statuses))
}

fn result_options(policy: &StatusPolicy, opts: &SubmitOptions) -> ResultOptions {
    ResultOptions {
        status: policy.clone(),
        comment: opts.comment.clone(),
        elapsed_ms: opts.elapsed_ms,
        fields: opts.fields.clone(),
    }
}

/// `--strict`: every case ID must exist before anything is created (one `get_cases`).
async fn strict_check(
    client: Option<&Client>,
    case_ids: &[u64],
    opts: &SubmitOptions,
) -> anyhow::Result<()> {
    let Some(client) = client else {
        eprintln!("note: --strict cannot check case IDs in a dry run without a server");
        return Ok(());
    };
    let (project_id, suite_id) = match (&opts.target, opts.project_id) {
        (TargetSpec::Existing { run_id }, _) => {
            let run = client.get_run(*run_id).await.map_err(api)?;
            (run.project_id.unwrap_or(0), run.suite_id)
        }
        (_, Some(p)) => (p, opts.suite_id),
        (_, None) => return Ok(()),
    };
    let known = suite_case_ids(client, project_id, suite_id).await?;
    let unknown: Vec<u64> = case_ids
        .iter()
        .copied()
        .filter(|id| !known.contains(id))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(Error::Input(format!(
        "--strict: TestRail does not know {}; nothing was created",
        ids(&unknown)
    ))
    .into())
}

fn dry_run(
    mut summary: Summary,
    plan: &ResultPlan,
    policy: &StatusPolicy,
    case_ids: &[u64],
    opts: &SubmitOptions,
) -> Submitted {
    let run = match &opts.target {
        TargetSpec::New { project_id, run } => {
            let mut body = run.clone();
            body.include_all = false;
            body.case_ids = Some(case_ids.to_vec());
            json!({ "add_run": project_id, "body": body })
        }
        TargetSpec::Existing { run_id } => json!({ "run_id": run_id, "ensure_case_ids": case_ids }),
        TargetSpec::Plan {
            plan_id,
            suite_id,
            entry,
        } => {
            let mut body = entry.clone();
            body.suite_id = suite_id.unwrap_or(0);
            body.include_all = false;
            body.case_ids = Some(case_ids.to_vec());
            json!({ "add_plan_entry": plan_id, "body": body })
        }
    };
    let all: Vec<usize> = (0..plan.results.len()).collect();
    count_posted(&mut summary, &plan.results, &all, policy);
    Submitted {
        summary,
        dry_run: Some((run, plan.results.clone())),
        errors: Vec::new(),
    }
}

fn count_posted(
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

async fn write(
    client: &Client,
    mut summary: Summary,
    groups: &[CaseGroup<'_>],
    mut plan: ResultPlan,
    policy: &StatusPolicy,
    case_ids: &[u64],
    opts: &SubmitOptions,
) -> anyhow::Result<Submitted> {
    let opened = open(client, &opts.target, case_ids).await?;
    report_unknown(&mut summary, groups, &opened);
    plan.results
        .retain(|r| !opened.unknown.contains(&r.entry.case_id));
    let run_id = opened.run.id;
    summary.run_id = Some(run_id);
    summary.run_url = Some(
        opened
            .run
            .url
            .clone()
            .unwrap_or_else(|| client.run_url(run_id)),
    );
    let verb = if opened.created { "Created" } else { "Using" };
    eprintln!("{verb} run R{run_id}: {}", opened.run.name);
    let since = now() - 60;
    let results = Arc::new(plan.results);
    let posted = post_all(client, run_id, results.clone(), &opts.post).await;
    eprintln!(
        "Posted {} of {} result(s)",
        posted.accepted.len(),
        results.len()
    );
    count_posted(&mut summary, &results, &posted.accepted, policy);
    for w in &posted.warnings {
        eprintln!("warning: {w}");
    }
    finish(client, summary, &results, posted, since, opts).await
}

/// Close the run or save what was not posted; record the API calls.
async fn finish(
    client: &Client,
    mut summary: Summary,
    results: &[PlannedResult],
    posted: Posted,
    since: i64,
    opts: &SubmitOptions,
) -> anyhow::Result<Submitted> {
    let run_id = summary.run_id.unwrap_or(0);
    let mut errors = posted.errors;
    if posted.unsent.is_empty() {
        if opts.close_run {
            client.close_run(run_id).await.map_err(api)?;
            summary.closed = true;
            eprintln!("Closed run R{run_id}");
        }
    } else {
        let unsent: Vec<&PlannedResult> = posted.unsent.iter().map(|&i| &results[i]).collect();
        let path = opts
            .unsent_file
            .clone()
            .unwrap_or_else(|| default_path(run_id));
        let file = UnsentFile::new(
            run_id,
            summary.run_url.clone(),
            since,
            opts.close_run,
            &unsent,
        );
        match file.write(&path) {
            Ok(()) => summary.resume_file = Some(path.display().to_string()),
            Err(e) => errors.push(format!("could not save the unsent results: {e:#}")),
        }
    }
    let stats = client.stats();
    summary.api_calls = stats.requests;
    summary.retries = stats.retries;
    Ok(Submitted {
        summary,
        dry_run: None,
        errors,
    })
}

/// Record dropped case IDs with the tests that named them, and warn about each.
fn report_unknown(summary: &mut Summary, groups: &[CaseGroup<'_>], opened: &OpenedRun) {
    let unknown: BTreeSet<u64> = opened.unknown.iter().copied().collect();
    for g in groups.iter().filter(|g| unknown.contains(&g.case_id)) {
        let tests: Vec<_> = g.tests.iter().map(|t| test_ref(t)).collect();
        let names: Vec<&str> = tests.iter().map(|t| t.name.as_str()).collect();
        eprintln!(
            "warning: TestRail does not know case C{} (named by {}); its result is not posted",
            g.case_id,
            names.join(", ")
        );
        summary.unknown_case_ids.push(UnknownCase {
            case_id: g.case_id,
            tests,
        });
    }
}

fn failed_tests(tests: &[&TestCase], mapped: &[Vec<u64>]) -> Vec<FailedTest> {
    let mut out = Vec::new();
    for (t, ids) in tests.iter().zip(mapped) {
        if t.outcome < Outcome::Failed {
            continue;
        }
        let message = t
            .first_problem()
            .and_then(|r| r.message.clone())
            .unwrap_or_default();
        out.push(FailedTest {
            test: test_ref(t),
            case_id: ids.first().copied(),
            message: message
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect(),
        });
    }
    out
}
