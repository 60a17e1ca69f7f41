//! The writing half of a submit: open the run, post the results, repair what a concurrent
//! writer removed, then close the run or save what could not be posted.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;
use crate::summary::{Summary, UnknownCase};
use crate::testrail::Client;

use super::already::{already_posted, earlier_run};
use super::close::close_plan;
use super::journal::Log;
use super::post::{Posted, cases_of, landed, post_all};
use super::refs::update_refs;
use super::run_files::upload_all;
use super::suites::write_by_suite;
use super::target::{OpenedRun, TargetSpec, ids, is_several_suites, open, recent};
use super::unsent::{Event, journal_path, pending_path};
use crate::report::{Outcome, TestCase};
use crate::submit::checks::fetch_statuses;
use crate::submit::options::SubmitOptions;
use crate::submit::outcome::{Submitted, count_posted};
use crate::submit::plan::aggregate::Groups;
use crate::submit::plan::results::{PlannedResult, ResultEntry, ResultPlan};
use crate::submit::plan::status::StatusPolicy;
use crate::submit::test_ref;

/// Open the run, post, and close it or save what is left. `log` is the journal of a larger
/// submit this is part of (one suite of several); without it, this submit keeps its own,
/// begun before the first write.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write(
    client: &Client,
    summary: Summary,
    tests: &[&TestCase],
    groups: &Groups,
    plan: ResultPlan,
    (policy, look_up): (&StatusPolicy, bool),
    opts: &SubmitOptions,
    log: Option<&Log>,
) -> anyhow::Result<Submitted> {
    let since = recent();
    let Some(log) = log else {
        let path = match (&opts.unsent_file, &opts.target) {
            (Some(path), _) => path.clone(),
            (None, TargetSpec::Existing { run_id }) => journal_path(*run_id, false),
            (None, _) => pending_path(),
        };
        let closing = (opts.close_run, opts.close_plan);
        let log = Log::start(path, &opts.target, closing, since, &plan.results);
        let (policy, ctx) = ((policy, look_up), Ctx { since, owner: true });
        let done = write_with(
            client, summary, tests, groups, plan, policy, opts, &log, ctx,
        );
        let done = done.await;
        let finished = match &done {
            Ok(done) => done.summary.resume_file.is_none(),
            Err(e) => nothing_written(e) && !log.made_anything(),
        };
        if finished {
            log.remove();
        }
        return done.map_err(|e| match log.path() {
            // Something was made: the journal finishes it without posting anything twice.
            path if path.is_file() => {
                let path = path.display();
                e.context(format!(
                    "the submit stopped; every result is saved in {path}; finish with:\n  \
                     testrail-report submit --resume {path}\n"
                ))
            }
            _ => e,
        });
    };
    let ctx = Ctx {
        since,
        owner: false,
    };
    let policy = (policy, look_up);
    write_with(client, summary, tests, groups, plan, policy, opts, log, ctx).await
}

/// Whether an error means nothing was made in TestRail (so the journal has nothing to finish).
fn nothing_written(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<Error>(),
        Some(Error::Usage(_) | Error::Rejected(_) | Error::Input(_))
    )
}

/// When the submit began, and whether it owns the journal (removes it, names it by the run).
#[derive(Clone, Copy)]
struct Ctx {
    since: i64,
    owner: bool,
}

#[allow(clippy::too_many_arguments)]
async fn write_with(
    client: &Client,
    mut summary: Summary,
    tests: &[&TestCase],
    groups: &Groups,
    mut plan: ResultPlan,
    (policy, look_up): (&StatusPolicy, bool),
    opts: &SubmitOptions,
    log: &Log,
    Ctx { since, owner }: Ctx,
) -> anyhow::Result<Submitted> {
    // A rerun of a submit whose earlier attempt died: finish in the run it made.
    let earlier = earlier_run(client, &summary, groups.case_ids(), opts).await;
    let target = match &earlier {
        Some((run, _)) => TargetSpec::Existing { run_id: run.id },
        None => opts.target.clone(),
    };
    let opening = open(client, &target, groups.case_ids());
    let (opened, statuses) = match look_up {
        true => {
            let (opened, statuses) = tokio::join!(opening, fetch_statuses(client));
            (opened, Some(statuses))
        }
        false => (opening.await, None),
    };
    let policy = match statuses {
        Some(statuses) => {
            let statuses = statuses.map_err(|e| match &opened {
                Ok(o) => e.context(format!(
                    "run R{} is open, but nothing was posted to it",
                    o.run.id
                )),
                Err(_) => e,
            })?;
            let policy = opts.status.resolve(Some(&statuses))?;
            if let Some(status_id) = restatus_skipped(&mut plan, &policy) {
                log.record(&Event::SkippedStatus { status_id });
            }
            policy
        }
        None => policy.clone(),
    };
    let policy = &policy;
    let opened = match opened {
        // Nothing was written: find each case's suite and report suite by suite.
        Err(e) if is_several_suites(&e) => {
            return write_by_suite(client, summary, tests, groups, (plan, policy), opts, log).await;
        }
        other => other?,
    };
    let run_id = opened.run.id;
    let suite_id = match &opts.target {
        TargetSpec::Plan { suite_id, .. } if !owner => *suite_id,
        _ => None,
    };
    let url = opened
        .run
        .url
        .clone()
        .unwrap_or_else(|| client.run_url(run_id));
    let unknown = opened.unknown.clone();
    log.record(&Event::Run {
        run_id,
        url: Some(url.clone()),
        suite_id,
        unknown,
    });
    if owner && opts.unsent_file.is_none() {
        log.rename(journal_path(run_id, opened.created));
    }
    if let Some(change) = &opts.refs {
        // The results matter more than the references: a refused change is reported, and
        // the results are still posted.
        if let Err(e) = update_refs(client, &opened.run, change).await {
            eprintln!(
                "warning: run {}: references not changed: {e:#}",
                opened.run.id
            );
        }
    }
    record_unknown(&mut summary, tests, groups, &opened.unknown);
    let done = match earlier {
        Some((_, done)) => done,
        None => already_posted(client, &opened, groups.case_ids(), &summary).await?,
    };
    summary.already_posted = done.len() as u64;
    if !done.is_empty() {
        // Planned in the journal but never to be sent: --resume must not post them either.
        let cases = done.iter().copied().collect();
        log.record(&Event::Acked { run_id, cases });
    }
    plan.results
        .retain(|r| !opened.unknown.contains(&r.entry.case_id) && !done.contains(&r.entry.case_id));
    if opts.close_run
        && let Some(plan_id) = opened.run.plan_id
    {
        // Known before the first result is posted: TestRail would refuse the close_run.
        return Err(Error::Usage(format!(
            "run R{run_id} belongs to test plan {plan_id}, and TestRail closes plan runs only \
             together with their plan: drop --close-run, and close the plan with \
             `testrail-report plan close {plan_id}` (or submit with --plan-id {plan_id} \
             --close-plan) once every entry is reported; nothing was posted"
        ))
        .into());
    }
    summary.run_id = Some(run_id);
    summary.plan_id = opened.run.plan_id;
    summary.run_url = Some(url);
    let verb = if opened.created { "Created" } else { "Using" };
    crate::progress::note(&format!("{verb} run R{run_id}: {}", opened.run.name));
    let results = Arc::new(plan.results);
    let mut posted = tokio::select! {
        posted = post_all(client, run_id, results.clone(), &opts.post, Some(log)) => posted,
        signal = interrupted() => {
            // Batches in flight may or may not land; the journal knows which were sent, and
            // --resume checks those.
            eprintln!("{signal}: stopping; every result not yet confirmed goes to the resume file");
            Posted {
                unsent: (0..results.len()).collect(),
                errors: vec![format!("interrupted by {signal} while posting")],
                ..Posted::default()
            }
        }
    };
    // In a run whose selection we checked (or extended), a case TestRail now calls "not in
    // the run" was removed by another job since: put it back rather than drop its result.
    let checked = !opened.created && !opened.run.include_all;
    if opened.extended || (checked && !posted.not_in_run.is_empty()) {
        repair(client, &opened, &results, &mut posted, since, opts, log).await;
    }
    crate::progress::note(&format!(
        "Posted {} of {} result(s)",
        posted.accepted.len(),
        results.len()
    ));
    let not_in_run: Vec<u64> = posted
        .not_in_run
        .iter()
        .map(|&i| results[i].entry.case_id)
        .collect();
    if !not_in_run.is_empty() {
        let cases = not_in_run.clone();
        log.record(&Event::Dropped { run_id, cases });
    }
    record_unknown(&mut summary, tests, groups, &not_in_run);
    count_posted(&mut summary, &results, &posted.accepted, policy);
    for w in &posted.warnings {
        eprintln!("warning: {w}");
    }
    summary.run_attachments = upload_all(client, &opened.run, &opts.run_files).await;
    let ctx = Ctx { since, owner };
    finish(client, summary, &results, posted, opts, log, ctx).await
}

/// Give skipped results the status the look-up found (they were planned with the fallback);
/// answers that status when some result changed.
fn restatus_skipped(plan: &mut ResultPlan, policy: &StatusPolicy) -> Option<u64> {
    let status_id = policy.status_for(Outcome::Skipped)?;
    let mut changed = false;
    for r in plan
        .results
        .iter_mut()
        .filter(|r| r.outcome == Outcome::Skipped)
    {
        changed |= r.entry.status_id != status_id;
        r.entry.status_id = status_id;
    }
    changed.then_some(status_id)
}

/// Resolves on Ctrl-C or SIGTERM (what CI runners send on cancel), naming the signal.
async fn interrupted() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = tokio::signal::ctrl_c() => "Ctrl-C",
                _ = term.recv() => "SIGTERM",
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                "Ctrl-C"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

/// How often results removed by a concurrent writer are put back before giving up.
const REPAIR_ROUNDS: usize = 2;

/// After extending a run's selection, another job that read the selection before our write
/// may still replace it, deleting our tests together with their results. So once its
/// read-union-write must be over ([`settle_time`]), check that every
/// posted result is still there; put lost cases back, post their results again, and report
/// what still cannot be kept. A writer slower than that can still remove cases unseen: the
/// README's sharding recipe avoids extending altogether.
async fn repair(
    client: &Client,
    opened: &OpenedRun,
    results: &[PlannedResult],
    posted: &mut Posted,
    since: i64,
    opts: &SubmitOptions,
    log: &Log,
) {
    let run_id = opened.run.id;
    let settle = settle_time(opened.read_latency);
    // Results refused because their case had left the run: lost the same way.
    let mut pending = std::mem::take(&mut posted.not_in_run);
    for round in 0..=REPAIR_ROUNDS {
        tokio::time::sleep(settle).await;
        let entries: Vec<&ResultEntry> =
            posted.accepted.iter().map(|&i| &results[i].entry).collect();
        let kept = match landed(client, run_id, &entries, since).await {
            Ok(kept) => kept,
            Err(e) => {
                posted
                    .errors
                    .push(format!("could not verify run R{run_id} after posting: {e}"));
                move_to_unsent(posted, &pending);
                return;
            }
        };
        let mut lost: Vec<usize> = posted
            .accepted
            .iter()
            .copied()
            .filter(|&i| !kept.contains_key(&results[i].entry.case_id))
            .collect();
        lost.append(&mut pending);
        lost.sort_unstable();
        if lost.is_empty() {
            return;
        }
        // Accepted once, gone now: --resume must check them again.
        let cases: Vec<u64> = lost.iter().map(|&i| results[i].entry.case_id).collect();
        log.record(&Event::Unknown {
            run_id,
            cases: cases.clone(),
        });
        if round == REPAIR_ROUNDS {
            posted.errors.push(format!(
                "run R{run_id}: another job keeps removing {} from the run's selection; their \
                 results are lost from the run",
                ids(&cases)
            ));
            move_to_unsent(posted, &lost);
            return;
        }
        eprintln!(
            "warning: run R{run_id}: another job removed {} (with their results) from the run; \
             adding them back and posting again",
            ids(&cases)
        );
        if let Err(e) = open(client, &TargetSpec::Existing { run_id }, &cases).await {
            posted
                .errors
                .push(format!("could not add {} back: {e:#}", ids(&cases)));
            move_to_unsent(posted, &lost);
            return;
        }
        let again: Vec<PlannedResult> = lost.iter().map(|&i| results[i].clone()).collect();
        let redo = post_all(client, run_id, Arc::new(again), &opts.post, Some(log)).await;
        posted.accepted.retain(|i| !lost.contains(i));
        posted
            .accepted
            .extend(redo.accepted.iter().map(|&j| lost[j]));
        posted.accepted.sort_unstable();
        pending = redo.not_in_run.iter().map(|&j| lost[j]).collect();
        let failed: Vec<usize> = redo.unsent.iter().map(|&j| lost[j]).collect();
        move_to_unsent(posted, &failed);
        posted.errors.extend(redo.errors);
        posted.warnings.extend(redo.warnings);
    }
}

/// How long another job's read-union-write may still be under way after ours.
///
/// Its gap between reading and writing the selection is its read latency plus its own
/// scheduling and the write's trip. Our slowest read estimates the first; a loaded CI runner
/// (eight shard processes on two cores) stretches the rest, which is what made two reads'
/// worth of slack lose cases now and then. So: four reads' worth, never under one second,
/// never over ten. Only the extend-the-selection path pays this; the recipe never waits.
pub(crate) fn settle_time(read_latency: Duration) -> Duration {
    (read_latency * 4 + Duration::from_millis(500))
        .clamp(Duration::from_secs(1), Duration::from_secs(10))
}

fn move_to_unsent(posted: &mut Posted, which: &[usize]) {
    posted.accepted.retain(|i| !which.contains(i));
    posted.unsent.extend_from_slice(which);
    posted.unsent.sort_unstable();
}

/// Close the run, or leave the journal for `--resume`; record the API calls.
async fn finish(
    client: &Client,
    mut summary: Summary,
    results: &[PlannedResult],
    posted: Posted,
    opts: &SubmitOptions,
    log: &Log,
    Ctx { since, owner }: Ctx,
) -> anyhow::Result<Submitted> {
    let run_id = summary.run_id.unwrap_or(0);
    let mut errors = posted.errors;
    let mut close_failed = None;
    if posted.unsent.is_empty() {
        if owner {
            // Every result was accepted: the journal has done its job.
            log.remove();
        }
        // Close only after full success: a failed verification is not one.
        if opts.close_run && errors.is_empty() {
            match close(client, run_id).await {
                Ok(()) => summary.closed = true,
                Err(e) => close_failed = Some(e),
            }
        }
        if let (true, true, Some(plan_id)) = (opts.close_plan, errors.is_empty(), summary.plan_id) {
            close_plan(client, plan_id, &[run_id]).await?;
            summary.plan_closed = true;
            eprintln!("Closed plan {plan_id}");
        }
    } else {
        if !log.is_live() {
            // The journal could not be written at the start: try once more with what is left.
            let left: Vec<PlannedResult> =
                posted.unsent.iter().map(|&i| results[i].clone()).collect();
            let target = TargetSpec::Existing { run_id };
            let closing = (opts.close_run, opts.close_plan);
            let again = Log::start(log.path(), &target, closing, since, &left);
            let url = summary.run_url.clone();
            let unknown = Vec::new();
            again.record(&Event::Run {
                run_id,
                url,
                suite_id: None,
                unknown,
            });
            let cases = cases_of(&left);
            again.record(&Event::Unknown { run_id, cases });
            if !again.is_live() {
                errors.push(format!(
                    "could not save the unsent results to {}",
                    log.path().display()
                ));
            }
        }
        if log.path().is_file() {
            summary.resume_file = Some(log.path().display().to_string());
        }
    }
    Ok(Submitted::written(client, summary, errors, close_failed))
}

/// Close the run. A failure here comes after every result was accepted, so it must not lose
/// the account of them: a close whose answer was lost may have worked (look before calling
/// it a failure), and one that did not names the command that finishes the job.
pub(crate) async fn close(client: &Client, run_id: u64) -> Result<(), crate::error::Error> {
    let e = match client.close_run(run_id).await {
        Ok(_) => {
            eprintln!("Closed run R{run_id}");
            return Ok(());
        }
        Err(e) => e,
    };
    if let Ok(run) = client.get_run(run_id).await {
        if run.is_completed {
            eprintln!("Closed run R{run_id} (its answer was lost; the run is closed)");
            return Ok(());
        }
    }
    let hint = format!(
        "every result was posted, but closing run R{run_id} failed: {e}\nthe run is still \
         open; close it with:\n  testrail-report run close {run_id}"
    );
    Err(match e.class() {
        crate::error::Error::Unreachable(_) => crate::error::Error::Unreachable(hint),
        _ => crate::error::Error::Rejected(hint),
    })
}

/// Record dropped case IDs with the tests that named them (`groups`: each case ID with the
/// positions of its tests in `tests`), and warn about each.
fn record_unknown(summary: &mut Summary, tests: &[&TestCase], groups: &Groups, case_ids: &[u64]) {
    let unknown: BTreeSet<u64> = case_ids.iter().copied().collect();
    for (case_id, positions) in groups.iter().filter(|(id, _)| unknown.contains(id)) {
        let tests: Vec<_> = positions.iter().map(|&i| test_ref(tests[i])).collect();
        let names: Vec<&str> = tests.iter().map(|t| t.name.as_str()).collect();
        eprintln!(
            "warning: case C{} (named by {}) is unknown to TestRail or not in the run; its \
             result is not posted",
            case_id,
            names.join(", ")
        );
        summary
            .unknown_case_ids
            .push(UnknownCase { case_id, tests });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settle_time_has_a_floor_headroom_and_a_ceiling() {
        assert_eq!(settle_time(Duration::ZERO), Duration::from_secs(1));
        assert_eq!(
            settle_time(Duration::from_millis(300)),
            Duration::from_millis(1700)
        );
        assert_eq!(settle_time(Duration::from_secs(5)), Duration::from_secs(10));
    }
}
