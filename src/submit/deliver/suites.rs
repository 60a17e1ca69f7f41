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
//! plan only with `--close-plan`. `--attach-to-run` files go to the first suite's run.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;

use crate::error::Error;
use crate::report::TestCase;
use crate::summary::{SuiteRun, Summary};
use crate::testrail::{Client, NewPlan, NewPlanEntry};

use super::close::close_plan;
use super::journal::Log;
use super::target::{TargetSpec, api, ids};
use super::unsent::{Event, plan_path};
use super::write::write;
use crate::submit::options::SubmitOptions;
use crate::submit::outcome::Submitted;
use crate::submit::plan::aggregate::Groups;
use crate::submit::plan::results::ResultPlan;
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
        let by_suite = sort_by_suite(client, project_id, groups.case_ids()).await?;
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
        let mut done = per_suite(
            client, summary, tests, groups, plan, policy, opts, plan_id, by_suite, log,
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

/// Each mapped case's suite, suite by suite; cases in no suite of the project are left out
/// (they surface as unknown when posting, as with one suite).
pub(crate) async fn sort_by_suite(
    client: &Client,
    project_id: u64,
    case_ids: &[u64],
) -> anyhow::Result<BTreeMap<u64, Vec<u64>>> {
    let mut suite_of: HashMap<u64, u64> = HashMap::new();
    for suite in client.get_suites(project_id).await.map_err(api)? {
        let cases = client
            .get_cases(project_id, Some(suite.id), None)
            .await
            .map_err(api)?;
        suite_of.extend(cases.into_iter().map(|c| (c.id, suite.id)));
    }
    let mut by_suite: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for id in case_ids {
        if let Some(suite) = suite_of.get(id) {
            by_suite.entry(*suite).or_default().push(*id);
        }
    }
    if by_suite.is_empty() {
        return Err(Error::Rejected(format!(
            "none of the mapped case IDs ({}) is in a suite of project {project_id}; nothing \
             was created",
            ids(case_ids)
        ))
        .into());
    }
    Ok(by_suite)
}

/// `add_plan` named like the run would have been.
pub(crate) async fn new_plan(
    client: &Client,
    project_id: u64,
    target: &TargetSpec,
) -> anyhow::Result<u64> {
    let TargetSpec::New { run, .. } = target else {
        unreachable!("only a new run becomes a new plan")
    };
    let body = NewPlan {
        name: run
            .name
            .clone()
            .unwrap_or_else(|| "Automated test run".into()),
        description: run.description.clone(),
        milestone_id: run.milestone_id,
    };
    let plan = client.add_plan(project_id, &body).await.map_err(api)?;
    crate::progress::note(&format!("Created plan {}: {}", plan.id, plan.name));
    Ok(plan.id)
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
    let mut first = true;
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
        if !first {
            one.run_files.clear();
        }
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
        first = false;
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
            total.run_attachments = s.run_attachments.clone();
        }
        total.results_posted += s.results_posted;
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
