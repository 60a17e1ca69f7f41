//! Several suites in one report. A multi-suite project keeps cases in several suites, and one
//! run holds one suite's cases, so when no `--suite-id` is given and TestRail asks for one, the
//! submit finds each case's suite (`get_cases` per suite), and:
//!
//! - all cases in one suite: the run is made in that suite, as if `--suite-id` had named it;
//! - cases in several suites: one plan (a new one named like the run, or `--plan-id`) with one
//!   entry per suite, each suite's results posted to its entry's run, one summary (`runs`).
//!
//! Nothing is written before the suites are known. A new plan is closed with `--close-run` (all
//! its runs are this submit's) only after every result of every entry was accepted; an existing
//! plan only with `--close-plan`. `--attach-to-run` files go to every suite's run (through its
//! entry), so each run of the plan shows them.

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::pin::Pin;

use crate::report::TestCase;
use crate::summary::{SuiteRun, Summary};
use crate::testrail::{Client, NewPlan, NewPlanEntry};
use serde_json::{Value, json};

use super::case_suites::{hints, sort_by_suite};
use super::close::close_plan;
use super::journal::Log;
use super::target::{TargetSpec, api, ids};
use super::unsent::{Event, plan_path};
use super::write::write;
use crate::submit::options::SubmitOptions;
use crate::submit::outcome::Submitted;
use crate::submit::plan::aggregate::Groups;
use crate::submit::plan::results::{PlannedResult, ResultPlan};
use crate::submit::plan::status::StatusPolicy;

type Boxed<'a> = Pin<Box<dyn Future<Output = anyhow::Result<Submitted>> + Send + 'a>>;

/// Sort the cases by suite and report each suite's results to its own run.
pub(crate) fn write_by_suite<'a>(
    client: &'a Client,
    summary: Summary,
    tests: &'a [&'a TestCase],
    groups: &'a Groups,
    (plan, policy): (ResultPlan, &'a StatusPolicy),
    opts: &'a SubmitOptions,
    log: &'a Log,
) -> Boxed<'a> {
    Box::pin(async move {
        let (project_id, existing_plan) = match &opts.target {
            TargetSpec::New { project_id, .. } => (*project_id, None),
            TargetSpec::Plan { plan_id, .. } => {
                let plan = client.get_plan(*plan_id).await.map_err(api)?;
                (plan.project_id.unwrap_or(0), Some(*plan_id))
            }
            TargetSpec::Existing { .. } => unreachable!("a run has its suite"),
        };
        let hints = hints(tests, groups)?;
        let by_suite = sort_by_suite(client, project_id, groups.case_ids(), &hints).await?;
        crate::progress::note(&format!(
            "Project {project_id} has several suites; the mapped cases are in {}",
            by_suite
                .keys()
                .map(|s| format!("S{s}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        if by_suite.len() == 1 && existing_plan.is_none() {
            let suite = *by_suite.keys().next().expect("one suite");
            let mut one = opts.clone();
            if let TargetSpec::New { run, .. } = &mut one.target {
                run.suite_id = Some(suite);
            }
            let policy = (policy, false);
            return write(
                client,
                summary,
                tests,
                groups,
                plan,
                policy,
                &one,
                Some(log),
            )
            .await;
        }
        let plan_id = match existing_plan {
            Some(id) => id,
            None => new_plan(client, project_id, &opts.target).await?,
        };
        // The journal learns the plan and each suite's cases, so --resume can make the entries
        // still missing and close the plan as this submit would have.
        let (created, suites) = (existing_plan.is_none(), by_suite.clone());
        log.record(&Event::Plan {
            plan_id,
            created,
            suites,
        });
        if opts.unsent_file.is_none() {
            log.rename(plan_path(plan_id));
        }
        // A plan made just now holds no run of an earlier attempt: no look-up per suite.
        let fresh;
        let entries_opts = match existing_plan {
            Some(_) => opts,
            None => {
                fresh = SubmitOptions {
                    reuse_run: false,
                    ..opts.clone()
                };
                &fresh
            }
        };
        let mut done = per_suite(
            client,
            summary,
            tests,
            groups,
            plan,
            policy,
            entries_opts,
            plan_id,
            by_suite,
            log,
        )
        .await?;
        done.summary.plan_id = Some(plan_id);
        let close = if existing_plan.is_some() {
            opts.close_plan
        } else {
            opts.close_run || opts.close_plan
        };
        let all_in = done.errors.is_empty() && done.summary.resume_file.is_none();
        if close && all_in {
            let ours: Vec<u64> = done.summary.runs.iter().map(|r| r.run_id).collect();
            close_plan(client, plan_id, &ours).await?;
            done.summary.plan_closed = true;
            crate::progress::note(&format!("Closed plan {plan_id}"));
        }
        Ok(done)
    })
}

/// `add_plan` named like the run would have been.
pub(crate) async fn new_plan(
    client: &Client,
    project_id: u64,
    target: &TargetSpec,
) -> anyhow::Result<u64> {
    let plan = client
        .add_plan(project_id, &plan_body(target))
        .await
        .map_err(api)?;
    crate::progress::note(&format!("Created plan {}: {}", plan.id, plan.name));
    Ok(plan.id)
}

/// The new plan's body: named, described and scheduled like the run would have been.
fn plan_body(target: &TargetSpec) -> NewPlan {
    let TargetSpec::New { run, .. } = target else {
        unreachable!("only a new run becomes a new plan")
    };
    NewPlan {
        name: run
            .name
            .clone()
            .unwrap_or_else(|| "Automated test run".into()),
        description: run.description.clone(),
        milestone_id: run.milestone_id,
    }
}

/// What a dry run that may read the server shows instead of one `add_run`, when no suite is
/// named and the project has several: the plan a submit would make, one entry per suite with
/// its cases and result counts (or the one run, when every case is in one suite). `None`
/// when a suite is named or the project has one. Read-only: `get_suites`, `get_cases`.
pub(crate) async fn dry_run_plan(
    client: &Client,
    tests: &[&TestCase],
    groups: &Groups,
    results: &[PlannedResult],
    policy: &StatusPolicy,
    opts: &SubmitOptions,
) -> anyhow::Result<Option<Value>> {
    let (project_id, plan_id) = match &opts.target {
        TargetSpec::New { project_id, run } if run.suite_id.is_none() => (*project_id, None),
        TargetSpec::Plan {
            plan_id,
            suite_id: None,
            ..
        } => {
            let plan = client.get_plan(*plan_id).await.map_err(api)?;
            (plan.project_id.unwrap_or(0), Some(*plan_id))
        }
        _ => return Ok(None),
    };
    if client.get_suites(project_id).await.map_err(api)?.len() < 2 {
        return Ok(None);
    }
    let hints = hints(tests, groups)?;
    let by_suite = sort_by_suite(client, project_id, groups.case_ids(), &hints).await?;
    if let (None, TargetSpec::New { run, .. }, [(suite, cases)]) = (
        plan_id,
        &opts.target,
        by_suite.iter().collect::<Vec<_>>().as_slice(),
    ) {
        let mut body = run.clone();
        body.suite_id = Some(**suite);
        body.include_all = false;
        body.case_ids = Some(cases.to_vec());
        return Ok(Some(json!({ "add_run": project_id, "body": body })));
    }
    let entries: Vec<Value> = by_suite
        .iter()
        .map(|(suite, cases)| {
            let mut body = entry_template(&opts.target);
            body.suite_id = *suite;
            body.include_all = false;
            body.case_ids = Some(cases.clone());
            let mine: HashSet<u64> = cases.iter().copied().collect();
            let mut statuses: BTreeMap<String, u64> = BTreeMap::new();
            for r in results.iter().filter(|r| mine.contains(&r.entry.case_id)) {
                *statuses.entry(policy.name(r.entry.status_id)).or_insert(0) += 1;
            }
            let posted: u64 = statuses.values().sum();
            json!({ "suite_id": suite, "body": body, "results": posted, "statuses": statuses })
        })
        .collect();
    let mut doc = match plan_id {
        Some(id) => json!({ "plan_id": id }),
        None => json!({ "add_plan": project_id, "body": plan_body(&opts.target) }),
    };
    doc["entries"] = Value::Array(entries);
    let placed: HashSet<u64> = by_suite.values().flatten().copied().collect();
    let nowhere: Vec<u64> = groups
        .case_ids()
        .iter()
        .copied()
        .filter(|c| !placed.contains(c))
        .collect();
    if !nowhere.is_empty() {
        // As in a real submit: in no suite of the project, so their results would be dropped.
        doc["not_in_any_suite"] = json!(nowhere);
    }
    Ok(Some(doc))
}

/// One entry (and run) per suite, each given its own share of the results; one summary.
#[allow(clippy::too_many_arguments)]
async fn per_suite(
    client: &Client,
    summary: Summary,
    tests: &[&TestCase],
    groups: &Groups,
    mut plan: ResultPlan,
    policy: &StatusPolicy,
    opts: &SubmitOptions,
    plan_id: u64,
    by_suite: BTreeMap<u64, Vec<u64>>,
    log: &Log,
) -> anyhow::Result<Submitted> {
    let mut total = summary.clone();
    let mut errors = Vec::new();
    let mut close_failed = None;
    let in_some_suite: Vec<u64> = by_suite.values().flatten().copied().collect();
    let outside = groups.only(|id| !in_some_suite.contains(&id));
    if !outside.is_empty() {
        eprintln!(
            "warning: {} is in no suite of the project; its result is not posted",
            ids(outside.case_ids())
        );
    }
    for (suite, case_ids) in by_suite {
        let part = groups.only(|id| case_ids.contains(&id));
        let mut share = ResultPlan::default();
        plan.results.retain(|r| {
            let mine = case_ids.contains(&r.entry.case_id);
            if mine {
                share.results.push(r.clone());
            }
            !mine
        });
        let mut one = opts.clone();
        one.close_run = false;
        one.close_plan = false;
        one.target = TargetSpec::Plan {
            plan_id,
            suite_id: Some(suite),
            entry: entry_template(&opts.target),
        };
        let base = Summary {
            results_posted: 0,
            statuses: BTreeMap::new(),
            unknown_case_ids: Vec::new(),
            ..summary.clone()
        };
        let policy = (policy, false);
        let done = write(client, base, tests, &part, share, policy, &one, Some(log)).await?;
        let s = done.summary;
        close_failed = close_failed.or(done.close_failed);
        total.runs.push(SuiteRun {
            suite_id: suite,
            run_id: s.run_id.unwrap_or(0),
            run_url: s.run_url.clone(),
            results_posted: s.results_posted,
        });
        if total.run_id.is_none() {
            total.run_id = s.run_id;
            total.run_url = s.run_url.clone();
        }
        total.run_attachments.extend(s.run_attachments);
        total.results_posted += s.results_posted;
        total.already_posted += s.already_posted;
        for (name, n) in s.statuses {
            *total.statuses.entry(name).or_insert(0) += n;
        }
        total.unknown_case_ids.extend(s.unknown_case_ids);
        if let Some(file) = &s.resume_file {
            errors.push(format!(
                "suite S{suite}: unsent results saved in {file}; finish with: testrail-report \
                 submit --resume {file}"
            ));
            total.resume_file = Some(file.clone());
        }
        errors.extend(
            done.errors
                .into_iter()
                .map(|e| format!("suite S{suite}: {e}")),
        );
    }
    Ok(Submitted::written(client, total, errors, close_failed))
}

/// The plan entry each suite gets: the new run's name, description, assignee and references.
pub(crate) fn entry_template(target: &TargetSpec) -> NewPlanEntry {
    match target {
        TargetSpec::New { run, .. } => NewPlanEntry {
            name: run.name.clone(),
            description: run.description.clone(),
            assignedto_id: run.assignedto_id,
            refs: run.refs.clone(),
            ..NewPlanEntry::default()
        },
        TargetSpec::Plan { entry, .. } => entry.clone(),
        TargetSpec::Existing { .. } => NewPlanEntry::default(),
    }
}
