//! update_plan_entry: rename an entry or change its case selection. As with update_run, a new
//! `case_ids` list replaces the selection of every run in the entry; tests whose case stays
//! keep their results.

use super::params::{MAX_NAME, arg_id, object, opt_bool, opt_id_list, opt_string};
use super::plans::{PLAN_COMPLETED, plan_of, rendered_entry};
use super::selection::{all_cases, set_selection, validate_case_ids};
use super::{ApiError, Body, Ctx, Outcome, Reply};
use crate::sandbox::route::ApiCall;

/// POST `update_plan_entry/{plan_id}/{entry_id}`.
pub fn update_plan_entry(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let plan_id = arg_id(call, 0, "plan_id")?;
    let plan = plan_of(ctx.store, plan_id)?;
    if plan.is_completed {
        return Err(ApiError::forbidden(PLAN_COMPLETED));
    }
    let entry_id = call.args.get(1).cloned().unwrap_or_default();
    let entry = plan
        .entries
        .iter()
        .find(|e| e.id == entry_id)
        .ok_or_else(|| ApiError::bad("Field :entry_id is not a valid test plan entry."))?
        .clone();
    let obj = object(body)?;
    let name = opt_string(obj, "name", "name", Some(MAX_NAME))?;
    let description = opt_string(obj, "description", "description", None)?;
    let refs = opt_string(obj, "refs", "refs", Some(MAX_NAME))?;
    let include_all = opt_bool(obj, "include_all")?.unwrap_or(entry.include_all);
    let wanted = match (include_all, opt_id_list(obj, "case_ids")?) {
        (true, _) => Some(all_cases(ctx.store, entry.suite_id)),
        (false, Some(raw)) => Some(validate_case_ids(ctx.store, entry.suite_id, &raw)?),
        (false, None) => None,
    };
    if wanted.as_ref().is_some_and(Vec::is_empty) {
        return Err(ApiError::bad(
            "include_all is false but no tests were provided.",
        ));
    }
    for run_id in &entry.run_ids {
        if let Some(run) = ctx.store.runs.get_mut(run_id) {
            run.name = name.clone().unwrap_or_else(|| run.name.clone());
            run.description = description.clone().or_else(|| run.description.clone());
            run.refs = refs.clone().or_else(|| run.refs.clone());
            run.include_all = include_all;
            run.updated_on = ctx.now;
        }
        if let Some(wanted) = &wanted {
            set_selection(ctx.store, *run_id, entry.suite_id, wanted);
        }
    }
    let plan = ctx.store.plans.get_mut(&plan_id).expect("checked above");
    let stored = plan
        .entries
        .iter_mut()
        .find(|e| e.id == entry_id)
        .expect("checked above");
    stored.name = name.unwrap_or_else(|| stored.name.clone());
    stored.description = description.or_else(|| stored.description.clone());
    stored.refs = refs.or_else(|| stored.refs.clone());
    stored.include_all = include_all;
    Ok(Reply::Json(rendered_entry(ctx, plan_id, &entry_id)))
}
