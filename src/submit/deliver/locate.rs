//! What a stopped submit made, for `--resume`: the run or plan its journal recorded, else the
//! one it made without recording it (found by name, creator, time and cases, the way an
//! `add_run` with a lost answer is found), else one made now; each is recorded before
//! anything is posted to it.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Error;
use crate::testrail::{Client, PlanFilters};

use super::case_suites::{Hints, sort_by_suite};
use super::journal::Log;
use super::suites::{entry_template, new_plan};
use super::target::{OpenedRun, TargetSpec, api, created_run, is_several_suites, open, run_cases};
use super::unsent::{Event, Journal};
use crate::submit::plan::results::PlannedResult;

/// A run to finish: its ID, page, and the cases it never held.
pub type RunRef = (u64, Option<String>, Vec<u64>);

/// Where the journal's results go.
pub enum Where {
    /// One run.
    Run(RunRef),
    /// A plan across suites: (plan, made by the submit, suite → cases).
    Plan(u64, bool, BTreeMap<u64, Vec<u64>>),
}

/// The run or plan: as recorded, else found or made now.
pub async fn locate(
    client: &Client,
    journal: &Journal,
    planned: &[PlannedResult],
    log: &Log,
) -> anyhow::Result<Where> {
    if let Some((plan_id, created, suites)) = &journal.plan {
        return Ok(Where::Plan(*plan_id, *created, suites.clone()));
    }
    if let Some(run) = journal.run_for(None) {
        return Ok(Where::Run(run));
    }
    match first_run(client, journal, planned, log).await {
        // The submit stopped before it recorded the plan its cases need.
        Err(e) if is_several_suites(&e) => plan_of(client, journal, planned, log).await,
        other => other.map(Where::Run),
    }
}

/// A multi-suite submit that stopped before recording its plan: sort the cases by suite
/// again, and find the plan it made (ours by name, creator and time, still without entries,
/// since entries come only after the record) or make it.
async fn plan_of(
    client: &Client,
    journal: &Journal,
    planned: &[PlannedResult],
    log: &Log,
) -> anyhow::Result<Where> {
    let target = &journal.header.target;
    let TargetSpec::New { project_id, run } = target else {
        unreachable!("only a new run becomes a plan")
    };
    // The journal keeps results, not tests, so no suite hints: each case is looked up.
    let suites = sort_by_suite(client, *project_id, &distinct(planned), &Hints::new()).await?;
    if let [(suite, cases)] = suites.iter().collect::<Vec<_>>()[..] {
        // One suite after all: the run goes there, as the submit would have made it.
        let mut one = run.clone();
        one.suite_id = Some(*suite);
        let target = TargetSpec::New {
            project_id: *project_id,
            run: one,
        };
        let opened = open(client, &target, cases).await?;
        return Ok(Where::Run(record(log, run_ref(client, opened), None)));
    }
    let name = run.name.as_deref().unwrap_or("Automated test run");
    let plan_id = match found_plan(client, *project_id, name, journal.header.since).await? {
        Some(id) => {
            eprintln!("plan {id} was created before the submit stopped; using it");
            id
        }
        None => new_plan(client, *project_id, target).await?,
    };
    let (created, recorded) = (true, suites.clone());
    log.record(&Event::Plan {
        plan_id,
        created,
        suites: recorded,
    });
    Ok(Where::Plan(plan_id, created, suites))
}

/// The newest plan named `name` that this user created since `since` and that has no entries.
async fn found_plan(
    client: &Client,
    project_id: u64,
    name: &str,
    since: i64,
) -> anyhow::Result<Option<u64>> {
    let me = client.get_current_user().await.map_err(api)?;
    let filters = PlanFilters {
        created_after: Some(since),
        created_by: vec![me.id],
        ..PlanFilters::default()
    };
    let plans = client.get_plans(project_id, &filters).await.map_err(api)?;
    for plan in plans.iter().filter(|p| p.name == name && !p.is_completed) {
        if client
            .get_plan(plan.id)
            .await
            .map_err(api)?
            .entries
            .is_empty()
        {
            return Ok(Some(plan.id));
        }
    }
    Ok(None)
}

/// The distinct case IDs of these results, in order.
fn distinct(results: &[PlannedResult]) -> Vec<u64> {
    let set: BTreeSet<u64> = results.iter().map(|r| r.entry.case_id).collect();
    set.into_iter().collect()
}

/// The run of a journal that recorded none: the submit stopped between making it (or
/// asking TestRail to) and writing it down.
async fn first_run(
    client: &Client,
    journal: &Journal,
    planned: &[PlannedResult],
    log: &Log,
) -> anyhow::Result<RunRef> {
    let since = journal.header.since;
    let case_ids = distinct(planned);
    let target = &journal.header.target;
    let opened = match target {
        TargetSpec::Existing { run_id } => {
            let url = Some(client.run_url(*run_id));
            return Ok(record(log, (*run_id, url, Vec::new()), None));
        }
        TargetSpec::New { project_id, run } => {
            let mut body = run.clone();
            body.include_all = false;
            body.case_ids = Some(case_ids.clone());
            match created_run(client, *project_id, &body, since)
                .await
                .map_err(api)?
            {
                Some(run) => {
                    eprintln!(
                        "run R{} was created before the submit stopped; using it",
                        run.id
                    );
                    OpenedRun::created(run, Vec::new())
                }
                None => open(client, target, &case_ids).await?,
            }
        }
        TargetSpec::Plan {
            plan_id,
            suite_id,
            entry,
        } => {
            let name = entry.name.as_deref();
            match found_entry_run(client, (*plan_id, *suite_id, name), &case_ids, journal).await? {
                Some(run) => OpenedRun::created(run, Vec::new()),
                None => open(client, target, &case_ids).await?,
            }
        }
    };
    Ok(record(log, run_ref(client, opened), None))
}

/// The run of `suite`'s entry in a multi-suite submit's plan: found, or made now.
pub async fn entry_run(
    client: &Client,
    journal: &Journal,
    plan_id: u64,
    suite: u64,
    cases: &[u64],
    log: &Log,
) -> anyhow::Result<RunRef> {
    let entry = entry_template(&journal.header.target);
    let name = entry.name.clone();
    let found = found_entry_run(
        client,
        (plan_id, Some(suite), name.as_deref()),
        cases,
        journal,
    )
    .await?;
    let opened = match found {
        Some(run) => OpenedRun::created(run, Vec::new()),
        None => {
            let target = TargetSpec::Plan {
                plan_id,
                suite_id: Some(suite),
                entry,
            };
            open(client, &target, cases).await?
        }
    };
    Ok(record(log, run_ref(client, opened), Some(suite)))
}

/// A run of the plan that an unrecorded `add_plan_entry` made: in `suite` (`None`: the
/// project's only one), named `name`, not recorded for another suite, created by this user
/// since the submit began, holding exactly `cases`.
async fn found_entry_run(
    client: &Client,
    (plan_id, suite, name): (u64, Option<u64>, Option<&str>),
    cases: &[u64],
    journal: &Journal,
) -> anyhow::Result<Option<crate::testrail::Run>> {
    let plan = client.get_plan(plan_id).await.map_err(api)?;
    if plan.is_completed {
        return Err(Error::Rejected(format!(
            "plan {plan_id} is closed: TestRail accepts no results for it"
        ))
        .into());
    }
    let wanted: BTreeSet<u64> = cases.iter().copied().collect();
    let recorded: BTreeSet<u64> = journal.runs.iter().filter_map(run_id_of).collect();
    let since = journal.header.since;
    let me = client.get_current_user().await.map_err(api)?.id;
    let candidates = plan.runs().filter(|r| {
        suite.is_none_or(|s| r.suite_id == Some(s))
            && name.is_none_or(|n| n == r.name)
            && !recorded.contains(&r.id)
            && r.created_on.is_none_or(|t| t >= since)
            && r.created_by.is_none_or(|u| u == me)
    });
    for run in candidates.cloned().collect::<Vec<_>>() {
        if run_cases(client, run.id).await.map_err(api)? == wanted {
            return Ok(Some(run));
        }
    }
    Ok(None)
}

fn run_id_of(e: &Event) -> Option<u64> {
    match e {
        Event::Run { run_id, .. } => Some(*run_id),
        _ => None,
    }
}

/// An opened run as the journal names it.
fn run_ref(client: &Client, opened: OpenedRun) -> RunRef {
    let url = opened
        .run
        .url
        .or_else(|| Some(client.run_url(opened.run.id)));
    (opened.run.id, url, opened.unknown)
}

/// Write the run down before posting to it, and answer it.
fn record(log: &Log, run: RunRef, suite_id: Option<u64>) -> RunRef {
    let (run_id, url, unknown) = run.clone();
    log.record(&Event::Run {
        run_id,
        url,
        suite_id,
        unknown,
    });
    run
}
