//! delete_section, delete_case and delete_plan. Deleting a section takes its child sections and cases with
//! it; tests of deleted cases leave open runs (closed runs keep their archived copies).
//! trcli calls delete_section to remove sections it created but did not need.

use super::params::{arg_id, filter_bool, opt_bool};
use super::{ApiError, Body, Ctx, Outcome, Reply};
use crate::sandbox::route::ApiCall;
use crate::sandbox::store::Store;
use serde_json::{Value, json};
use std::collections::HashSet;

/// A section and all its descendants.
fn section_tree(store: &Store, root: u64) -> Vec<u64> {
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            store
                .sections
                .values()
                .filter(|s| s.parent_id == Some(parent))
                .map(|s| s.id),
        );
        i += 1;
    }
    tree
}

/// Remove cases and their tests in open runs.
fn remove_cases(store: &mut Store, cases: &HashSet<u64>) {
    let doomed: HashSet<u64> = store
        .tests
        .values()
        .filter(|t| cases.contains(&t.case_id))
        .filter(|t| store.runs.get(&t.run_id).is_some_and(|r| !r.is_completed))
        .map(|t| t.id)
        .collect();
    store.remove_tests(&doomed);
    store.cases.retain(|id, _| !cases.contains(id));
}

/// `soft=1` in the URL or the body: report what would go, delete nothing.
fn is_soft(call: &ApiCall, body: &Body) -> Result<bool, ApiError> {
    let in_body = match body {
        Body::Json(Value::Object(obj)) => opt_bool(obj, "soft")?.unwrap_or(false),
        _ => false,
    };
    Ok(filter_bool(call, "soft")?.unwrap_or(false) || in_body)
}

/// POST `delete_section/{section_id}`.
pub fn delete_section(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let section_id = arg_id(call, 0, "section_id")?;
    if !ctx.store.sections.contains_key(&section_id) {
        return Err(ApiError::bad("Field :section_id is not a valid section."));
    }
    let sections = section_tree(ctx.store, section_id);
    let cases: HashSet<u64> = ctx
        .store
        .cases
        .values()
        .filter(|c| sections.contains(&c.section_id))
        .map(|c| c.id)
        .collect();
    if is_soft(call, body)? {
        // Shape inferred, like delete_run's soft answer.
        return Ok(Reply::Json(
            json!({"sections": sections.len(), "cases": cases.len()}),
        ));
    }
    remove_cases(ctx.store, &cases);
    ctx.store.sections.retain(|id, _| !sections.contains(id));
    Ok(Reply::Empty)
}

/// POST `delete_case/{case_id}`.
pub fn delete_case(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let case_id = arg_id(call, 0, "case_id")?;
    if !ctx.store.cases.contains_key(&case_id) {
        return Err(ApiError::bad("Field :case_id is not a valid test case."));
    }
    if is_soft(call, body)? {
        let tests = ctx
            .store
            .tests
            .values()
            .filter(|t| t.case_id == case_id)
            .count();
        return Ok(Reply::Json(json!({"cases": 1, "tests": tests})));
    }
    remove_cases(ctx.store, &HashSet::from([case_id]));
    Ok(Reply::Empty)
}

/// POST `delete_plan/{plan_id}`: the plan with every run of its entries, their tests and
/// results (closed or not: deleting is not editing).
pub fn delete_plan(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let plan_id = arg_id(call, 0, "plan_id")?;
    let plan = ctx
        .store
        .plans
        .remove(&plan_id)
        .ok_or_else(|| ApiError::bad("Field :plan_id is not a valid test plan."))?;
    let runs: HashSet<u64> = plan
        .entries
        .iter()
        .flat_map(|e| e.run_ids.clone())
        .collect();
    let tests: HashSet<u64> = runs
        .iter()
        .flat_map(|&run| ctx.store.tests_of_run(run).map(|t| t.id))
        .collect();
    ctx.store.remove_tests(&tests);
    ctx.store.runs.retain(|id, _| !runs.contains(id));
    let entries: HashSet<String> = plan.entries.into_iter().map(|e| e.id).collect();
    ctx.store.attachments.retain(|_, a| {
        !a.run_id.is_some_and(|r| runs.contains(&r))
            && !a.entry_id.as_ref().is_some_and(|e| entries.contains(e))
    });
    Ok(Reply::Empty)
}
