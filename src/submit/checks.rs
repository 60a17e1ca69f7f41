//! Everything checked before the first write: each test's case IDs (by automation ID, this
//! reads the suite's cases), unmapped tests, statuses, and with `--strict` the case IDs
//! themselves. A failure here leaves TestRail untouched.

use crate::error::Error;
use crate::report::TestCase;
use crate::summary::Summary;
use crate::testrail::Client;

use crate::submit::cases::automation::{self, AutomationIndex};
use std::collections::{BTreeSet, HashMap};

use crate::submit::deliver::case_suites::project_cases;
use crate::submit::deliver::target::{TargetSpec, api, ids};
use crate::submit::options::{Matching, SubmitOptions};
use crate::submit::plan::status::{StatusInfo, StatusPolicy};

/// Each test's case IDs, in test order (empty when unmapped).
pub(crate) async fn map_tests(
    client: Option<&Client>,
    tests: &[&TestCase],
    map_ids: &dyn Fn(&TestCase) -> Vec<u64>,
    opts: &SubmitOptions,
) -> anyhow::Result<Vec<Vec<u64>>> {
    // With --create-missing-cases, matching by automation ID happens there, on the one
    // download of the suite's cases it needs anyway.
    if opts.matching == Matching::Ids || opts.create.enabled {
        return Ok(tests.iter().map(|t| map_ids(t)).collect());
    }
    let client = client.ok_or_else(|| {
        Error::Usage(
            "--case-matcher automation-id reads the suite's cases from TestRail, even in a dry \
             run: set --url, --user and TESTRAIL_API_KEY"
                .into(),
        )
    })?;
    let (project_id, suite_id) = suite_of(client, opts).await?;
    // Without --suite-id in a multi-suite project: every suite's cases.
    let cases = project_cases(client, project_id, suite_id).await?;
    let index = AutomationIndex::new(&cases);
    crate::progress::note(&format!(
        "Read {} case(s), {} with an automation ID",
        cases.len(),
        index.len()
    ));
    // Across suites, a test whose report names its suite is matched in that suite: two suites
    // may use one automation ID.
    let mut in_suite: HashMap<u64, AutomationIndex> = HashMap::new();
    if suite_id.is_none() && tests.iter().any(|t| t.suite_hint.is_some()) {
        let suites: BTreeSet<u64> = cases.iter().filter_map(|c| c.suite_id).collect();
        for s in suites {
            let index = AutomationIndex::new(cases.iter().filter(|c| c.suite_id == Some(s)));
            in_suite.insert(s, index);
        }
    }
    // Only an ID a test was matched by is worth a warning: one its suite settles, or that no
    // test of these reports uses, is not.
    let mut ambiguous = BTreeSet::new();
    let mapped = tests
        .iter()
        .map(|t| {
            let hinted = t.suite_hint.and_then(|h| in_suite.get(&u64::from(h.get())));
            let chosen = hinted.unwrap_or(&index);
            let case = chosen.case_for(t);
            if case.is_some() && !chosen.duplicates.is_empty() {
                let key = automation::key(t);
                if chosen.duplicates.contains(&key) {
                    ambiguous.insert(key);
                }
            }
            case.into_iter().collect()
        })
        .collect();
    for d in ambiguous {
        eprintln!(
            "warning: automation ID `{d}` is used by several cases; using the lowest case ID"
        );
    }
    Ok(mapped)
}

/// Fail before any write when nothing maps, or when `--strict` and something does not.
pub(crate) fn check_unmapped(
    summary: &Summary,
    total: usize,
    opts: &SubmitOptions,
) -> anyhow::Result<()> {
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
             or use --case-map / --case-matcher automation-id, or let --create-missing-cases \
             create the cases"
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
pub(crate) async fn resolve_statuses(
    client: Option<&Client>,
    has_skipped: bool,
    opts: &SubmitOptions,
) -> anyhow::Result<StatusPolicy> {
    if !opts.status.needs_lookup(has_skipped) {
        return opts.status.resolve(None);
    }
    let statuses = match client {
        Some(c) => fetch_statuses(c).await?,
        // A dry run without a server knows the system statuses only.
        None => {
            eprintln!(
                "note: a dry run without a server knows only TestRail's system statuses; a \
                 custom \"skipped\" status would be used for skipped tests if the instance has one"
            );
            crate::submit::plan::status::system_statuses()
        }
    };
    opts.status.resolve(Some(&statuses))
}

/// The instance's statuses, as status resolution reads them.
pub(crate) async fn fetch_statuses(client: &Client) -> anyhow::Result<Vec<StatusInfo>> {
    Ok(client
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
        .collect())
}

/// Whether the status look-up can wait until the run is being opened: it is needed only for
/// the default status of skipped tests, which it cannot reject (without a custom "skipped"
/// status, Retest is used), so nothing it answers could fail the submit's validation.
pub(crate) fn lookup_can_overlap(
    client: Option<&Client>,
    has_skipped: bool,
    opts: &SubmitOptions,
) -> bool {
    client.is_some()
        && !opts.dry_run
        && opts.status.needs_lookup(has_skipped)
        && !opts.status.needs_lookup(false)
}

/// `--strict`: every case ID must exist before anything is created (one `get_cases`, or
/// one per suite in a multi-suite project without `--suite-id`).
pub(crate) async fn strict_check(
    client: Option<&Client>,
    case_ids: &[u64],
    opts: &SubmitOptions,
) -> anyhow::Result<()> {
    let Some(client) = client else {
        eprintln!("note: --strict cannot check case IDs in a dry run without a server");
        return Ok(());
    };
    if opts.matching == Matching::AutomationId || opts.create.enabled {
        // Every ID came from the suite's own cases, or case creation already checked them
        // against its download of the suite: no second download.
        return Ok(());
    }
    let (project_id, suite_id) = suite_of(client, opts).await?;
    let known: BTreeSet<u64> = project_cases(client, project_id, suite_id)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    refuse_unknown(case_ids.iter().copied(), |id| known.contains(id))
}

/// `--strict`'s verdict: fail before anything is created, naming every case ID TestRail
/// does not know.
pub(super) fn refuse_unknown(
    case_ids: impl IntoIterator<Item = u64>,
    known: impl Fn(&u64) -> bool,
) -> anyhow::Result<()> {
    let mut unknown: Vec<u64> = case_ids.into_iter().filter(|id| !known(id)).collect();
    unknown.sort_unstable();
    unknown.dedup();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(Error::Input(format!(
        "--strict: TestRail does not know {}; nothing was created",
        ids(&unknown)
    ))
    .into())
}

/// The project and suite the target run lives in: from the options for a new run, from the
/// run or the plan otherwise (one read).
/// Case creation uses it too: new cases go in the same suite.
pub(super) async fn suite_of(
    client: &Client,
    opts: &SubmitOptions,
) -> anyhow::Result<(u64, Option<u64>)> {
    match &opts.target {
        TargetSpec::New { project_id, run } => Ok((*project_id, run.suite_id)),
        TargetSpec::Existing { run_id } => {
            let run = client.get_run(*run_id).await.map_err(api)?;
            Ok((run.project_id.unwrap_or(0), run.suite_id))
        }
        TargetSpec::Plan {
            plan_id, suite_id, ..
        } => {
            let plan = client.get_plan(*plan_id).await.map_err(api)?;
            Ok((plan.project_id.unwrap_or(0), *suite_id))
        }
    }
}
