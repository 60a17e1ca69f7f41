//! Writing what `--create-missing-cases` planned: sections one by one (parents first), then
//! cases a few at a time under the client's shared rate limiter.
//!
//! TestRail has no bulk `add_case`, and a write whose answer is lost cannot be safely re-sent
//! (it may have been applied), so the first failure stops new requests; what was created stays
//! and the next submit finds it by automation ID or title instead of creating it again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::json;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::error::Error;
use crate::progress::Meter;
use crate::testrail::{ApiError, Client};

use super::automation::FIELD;
use super::case_plan::CasePlan;
use super::sections::Place;

/// `add_case` requests in flight at once. A few hide a self-hosted server's latency; more would
/// only meet TestRail Cloud's rate limit (~180 requests a minute) sooner, since they all share
/// the client's limiter.
const IN_FLIGHT: usize = 4;

/// Create the planned sections (in order, parents first) and cases (a few at a time);
/// answers each planned case's new ID.
pub async fn create(
    client: &Client,
    project_id: u64,
    suite_id: Option<u64>,
    plan: &CasePlan,
) -> anyhow::Result<Vec<Option<u64>>> {
    let mut section_ids: Vec<u64> = Vec::with_capacity(plan.sections.len());
    for s in &plan.sections {
        let parent = resolve(s.parent, &section_ids);
        // `suite_id` is required in multi-suite projects and ignored in single-suite ones;
        // a section whose answer is lost is found by name on the next run, not re-created.
        match client
            .add_section(project_id, suite_id, &s.name, parent)
            .await
        {
            Ok(created) => section_ids.push(created.id),
            Err(e) => return Err(stopped(e, section_ids.len(), 0, plan)),
        }
    }
    let (ids, error) = add_cases(client, plan, &section_ids).await;
    match error {
        Some(e) => {
            let created = ids.iter().flatten().count();
            Err(stopped(e, section_ids.len(), created, plan))
        }
        None => Ok(ids),
    }
}

fn resolve(place: Place, created: &[u64]) -> Option<u64> {
    match place {
        Place::Root => None,
        Place::Existing(id) => Some(id),
        Place::New(n) => created.get(n).copied(),
    }
}

/// `add_case` for every planned case, at most [`IN_FLIGHT`] at once: each case's new ID, and
/// the first error, after which no new request starts (`None` marks a case not created).
async fn add_cases(
    client: &Client,
    plan: &CasePlan,
    section_ids: &[u64],
) -> (Vec<Option<u64>>, Option<ApiError>) {
    let gate = Arc::new(Semaphore::new(IN_FLIGHT));
    let failed = Arc::new(AtomicBool::new(false));
    // At TestRail Cloud's 180 requests a minute, 1,000 cases take minutes: show it moving.
    let meter = Arc::new(Meter::new("Creating cases", Some(plan.cases.len() as u64)));
    let mut tasks = JoinSet::new();
    for (n, case) in plan.cases.iter().enumerate() {
        let section = resolve(case.place, section_ids).unwrap_or(0);
        let title = case.title.clone();
        let mut fields = case.fields.clone();
        if let Some(a) = &case.automation_id {
            fields.insert(FIELD.into(), json!(a));
        }
        // Taking the permit before spawning starts the requests in report order, so the new
        // cases' IDs (TestRail's display order) follow the report closely.
        let Ok(permit) = gate.clone().acquire_owned().await else {
            break;
        };
        if failed.load(Ordering::SeqCst) {
            break;
        }
        let (client, failed, meter) = (client.clone(), failed.clone(), meter.clone());
        tasks.spawn(async move {
            let _permit = permit;
            if failed.load(Ordering::SeqCst) {
                return (n, Ok(None));
            }
            let out = client.add_case(section, &title, &fields).await;
            meter.add(1);
            if out.is_err() {
                failed.store(true, Ordering::SeqCst);
            }
            (n, out.map(|c| Some(c.id)))
        });
    }
    let mut ids = vec![None; plan.cases.len()];
    let mut error = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((n, Ok(id))) => ids[n] = id,
            Ok((_, Err(e))) => {
                error.get_or_insert(e);
            }
            Err(_) => {}
        }
    }
    meter.finish();
    (ids, error)
}

/// The error for a creation that stopped part way: what exists now, and how to finish.
fn stopped(e: ApiError, sections: usize, cases: usize, plan: &CasePlan) -> anyhow::Error {
    let msg = format!(
        "creating missing cases stopped: {e}\ncreated {sections} of {} section(s) and {cases} of \
         {} case(s) before that; they stay in TestRail and the next submit of the same reports \
         reuses them instead of creating them again. No run was opened and no result was \
         posted: run the same command again",
        plan.sections.len(),
        plan.cases.len()
    );
    if sections + cases > 0 {
        Error::Partial(msg).into()
    } else {
        match e.class() {
            Error::Unreachable(_) => Error::Unreachable(msg).into(),
            _ => Error::Rejected(msg).into(),
        }
    }
}
