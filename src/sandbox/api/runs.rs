//! Runs: get_run, get_runs, add_run, update_run, close_run, delete_run.

use super::lookup::{check_milestone, check_user, open_run, project, resolve_suite, run_for};
use super::params::{
    MAX_NAME, arg_id, filter_bool, filter_ids, filter_ts, object, opt_bool, opt_id, opt_id_list,
    opt_string, opt_timestamp,
};
use super::selection::{all_cases, set_selection, validate_case_ids};
use super::{ApiError, Body, Ctx, Outcome, Reply};
use crate::sandbox::pagination::paginate;
use crate::sandbox::render;
use crate::sandbox::route::ApiCall;
use crate::sandbox::store::{Project, Run, Store};
use serde_json::{Map, Value, json};
use std::collections::HashSet;

/// update_run / delete_run on a run that belongs to a plan (TestRail 7.5.3 wording).
const PLAN_RUN_EDIT: &str =
    "Field :run_id is part of a test run. Please use API endpoints for test plan entries.";
/// close_run on a run that belongs to a plan.
const PLAN_RUN_CLOSE: &str = "This operation is not allowed. The test run belongs to a test plan and cannot be closed independently.";

/// Where a new run belongs when it is part of a plan.
pub struct PlanSlot {
    pub plan_id: u64,
    pub entry_id: String,
    pub entry_index: u64,
}

/// Everything needed to create a run, validated.
pub struct RunSpec {
    pub suite_id: u64,
    pub name: String,
    pub description: Option<String>,
    pub milestone_id: Option<u64>,
    pub assignedto_id: Option<u64>,
    pub include_all: bool,
    pub case_ids: Vec<u64>,
    pub refs: Option<String>,
    pub start_on: Option<i64>,
    pub due_on: Option<i64>,
    pub config_ids: Vec<u64>,
    pub plan: Option<PlanSlot>,
}

/// Validate an add_run (or plan entry) body for a project.
pub fn parse_spec(
    store: &Store,
    project: &Project,
    obj: &Map<String, Value>,
) -> Result<RunSpec, ApiError> {
    let suite_id = resolve_suite(store, project, opt_id(obj, "suite_id", "suite_id")?)?;
    let name = match opt_string(obj, "name", "name", Some(MAX_NAME))? {
        Some(name) if !name.trim().is_empty() => name,
        _ => store.suites[&suite_id].name.clone(),
    };
    let milestone_id = opt_id(obj, "milestone_id", "milestone_id")?;
    check_milestone(store, project.id, milestone_id)?;
    let assignedto_id = opt_id(obj, "assignedto_id", "assignedto_id")?;
    check_user(store, assignedto_id)?;
    let include_all = opt_bool(obj, "include_all")?.unwrap_or(true);
    let raw_ids = opt_id_list(obj, "case_ids")?.unwrap_or_default();
    let case_ids = match include_all {
        true => Vec::new(),
        false => validate_case_ids(store, suite_id, &raw_ids)?,
    };
    Ok(RunSpec {
        suite_id,
        name,
        description: opt_string(obj, "description", "description", None)?,
        milestone_id,
        assignedto_id,
        include_all,
        case_ids,
        refs: opt_string(obj, "refs", "refs", Some(MAX_NAME))?,
        start_on: opt_timestamp(obj, "start_on")?,
        due_on: opt_timestamp(obj, "due_on")?,
        config_ids: Vec::new(),
        plan: None,
    })
}

/// Create a run with its tests; returns the run ID.
pub fn create_run(
    store: &mut Store,
    user_id: u64,
    now: i64,
    project_id: u64,
    spec: RunSpec,
) -> u64 {
    let id = store.alloc("runs");
    let config = config_names(store, &spec.config_ids);
    let (plan_id, entry_id, entry_index) = match spec.plan {
        Some(slot) => (
            Some(slot.plan_id),
            Some(slot.entry_id),
            Some(slot.entry_index),
        ),
        None => (None, None, None),
    };
    let run = Run {
        id,
        project_id,
        suite_id: spec.suite_id,
        name: spec.name,
        description: spec.description,
        milestone_id: spec.milestone_id,
        assignedto_id: spec.assignedto_id,
        include_all: spec.include_all,
        is_completed: false,
        completed_on: None,
        created_on: now,
        created_by: user_id,
        updated_on: now,
        refs: spec.refs,
        start_on: spec.start_on,
        due_on: spec.due_on,
        plan_id,
        entry_id,
        entry_index,
        config_ids: spec.config_ids,
        config,
    };
    store.runs.insert(id, run);
    let wanted = match spec.include_all {
        true => all_cases(store, spec.suite_id),
        false => spec.case_ids,
    };
    set_selection(store, id, spec.suite_id, &wanted);
    id
}

/// `"Chrome, Linux"` for a run's configurations.
fn config_names(store: &Store, ids: &[u64]) -> Option<String> {
    let names: Vec<String> = ids
        .iter()
        .filter_map(|id| {
            store
                .config_groups
                .values()
                .flat_map(|g| &g.configs)
                .find(|c| c.id == *id)
                .map(|c| c.name.clone())
        })
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

fn reply_run(ctx: &Ctx, run_id: u64) -> Outcome {
    let run = &ctx.store.runs[&run_id];
    Ok(Reply::Json(render::run(ctx.store, ctx.base_url, run)))
}

/// GET `get_run/{run_id}`.
pub fn get_run(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let run_id = arg_id(call, 0, "run_id")?;
    // get_run names the field `:run`, unlike every other run-scoped method.
    if !ctx.store.runs.contains_key(&run_id) {
        return Err(ApiError::bad("Field :run is not a valid test run."));
    }
    reply_run(ctx, run_id)
}

/// GET `get_runs/{project_id}`.
pub fn get_runs(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let project_id = arg_id(call, 0, "project_id")?;
    project(ctx.store, project_id)?;
    let after = filter_ts(call, "created_after")?;
    let before = filter_ts(call, "created_before")?;
    let by = filter_ids(call, "created_by")?;
    let completed = filter_bool(call, "is_completed")?;
    let milestones = filter_ids(call, "milestone_id")?;
    let suites = filter_ids(call, "suite_id")?;
    let refs = call.filter("refs_filter");
    let in_list = |list: &Option<Vec<u64>>, v: Option<u64>| {
        list.as_ref()
            .is_none_or(|l| v.is_some_and(|v| l.contains(&v)))
    };
    // Standalone runs, newest first; plan runs only with `include_plan_runs=1` (newer servers).
    let plan_runs = filter_bool(call, "include_plan_runs")?.unwrap_or(false);
    let runs: Vec<_> = ctx
        .store
        .runs
        .values()
        .rev()
        .filter(|r| r.project_id == project_id && (plan_runs || r.plan_id.is_none()))
        .filter(|r| after.is_none_or(|t| r.created_on >= t))
        .filter(|r| before.is_none_or(|t| r.created_on <= t))
        .filter(|r| in_list(&by, Some(r.created_by)))
        .filter(|r| completed.is_none_or(|c| r.is_completed == c))
        .filter(|r| in_list(&milestones, r.milestone_id))
        .filter(|r| in_list(&suites, Some(r.suite_id)))
        .filter(|r| refs.is_none_or(|f| has_ref(r.refs.as_deref(), f)))
        .collect();
    let render = |r| render::run(ctx.store, ctx.base_url, r);
    Ok(Reply::Json(paginate(
        call,
        "runs",
        runs,
        render,
        ctx.legacy_arrays,
    )?))
}

/// Whether a comma-separated refs string contains one reference.
fn has_ref(refs: Option<&str>, wanted: &str) -> bool {
    refs.is_some_and(|r| r.split(',').any(|one| one.trim() == wanted))
}

/// POST `add_run/{project_id}`.
pub fn add_run(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let project_id = arg_id(call, 0, "project_id")?;
    let project = project(ctx.store, project_id)?.clone();
    let spec = parse_spec(ctx.store, &project, object(body)?)?;
    let id = create_run(ctx.store, ctx.user_id, ctx.now, project_id, spec);
    reply_run(ctx, id)
}

/// POST `update_run/{run_id}`.
pub fn update_run(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let run_id = arg_id(call, 0, "run_id")?;
    let run = open_run(ctx.store, run_id)?.clone();
    if run.plan_id.is_some() {
        return Err(ApiError::forbidden(PLAN_RUN_EDIT));
    }
    let obj = object(body)?;
    let mut updated = run.clone();
    if let Some(name) = opt_string(obj, "name", "name", Some(MAX_NAME))? {
        updated.name = name;
    }
    if obj.contains_key("description") {
        updated.description = opt_string(obj, "description", "description", None)?;
    }
    if obj.contains_key("refs") {
        updated.refs = opt_string(obj, "refs", "refs", Some(MAX_NAME))?;
    }
    if obj.contains_key("milestone_id") {
        updated.milestone_id = opt_id(obj, "milestone_id", "milestone_id")?;
        check_milestone(ctx.store, run.project_id, updated.milestone_id)?;
    }
    updated.start_on = opt_timestamp(obj, "start_on")?.or(run.start_on);
    updated.due_on = opt_timestamp(obj, "due_on")?.or(run.due_on);
    let include_all = opt_bool(obj, "include_all")?.unwrap_or(run.include_all);
    let raw_ids = opt_id_list(obj, "case_ids")?;
    let wanted = match (include_all, raw_ids) {
        (true, _) => Some(all_cases(ctx.store, run.suite_id)),
        (false, Some(raw)) => Some(validate_case_ids(ctx.store, run.suite_id, &raw)?),
        (false, None) => None,
    };
    updated.include_all = include_all;
    updated.updated_on = ctx.now;
    ctx.store.runs.insert(run_id, updated);
    if let Some(wanted) = wanted {
        set_selection(ctx.store, run_id, run.suite_id, &wanted);
    }
    reply_run(ctx, run_id)
}

/// POST `close_run/{run_id}`.
pub fn close_run(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let run_id = arg_id(call, 0, "run_id")?;
    let run = open_run(ctx.store, run_id)?;
    if run.plan_id.is_some() {
        return Err(ApiError::forbidden(PLAN_RUN_CLOSE));
    }
    let now = ctx.now;
    let run = ctx.store.runs.get_mut(&run_id).expect("checked above");
    run.is_completed = true;
    run.completed_on = Some(now);
    run.updated_on = now;
    reply_run(ctx, run_id)
}

/// POST `delete_run/{run_id}`.
pub fn delete_run(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let run_id = arg_id(call, 0, "run_id")?;
    let run = run_for(ctx.store, run_id)?;
    if run.plan_id.is_some() {
        return Err(ApiError::forbidden(PLAN_RUN_EDIT));
    }
    // `soft` may come in the URL (`&soft=1`) or the body (`{"soft": 1}`); clients do both.
    let soft_url = filter_bool(call, "soft")?.unwrap_or(false);
    let soft_body = match body {
        Body::Json(Value::Object(obj)) => opt_bool(obj, "soft")?.unwrap_or(false),
        _ => false,
    };
    let tests: HashSet<u64> = ctx.store.tests_of_run(run_id).map(|t| t.id).collect();
    if soft_url || soft_body {
        // The soft-delete answer's shape was not captured; counts of what would go (inferred).
        let results = ctx
            .store
            .results
            .values()
            .filter(|r| tests.contains(&r.test_id))
            .count();
        return Ok(Reply::Json(
            json!({"tests": tests.len(), "results": results}),
        ));
    }
    ctx.store.remove_tests(&tests);
    ctx.store.runs.remove(&run_id);
    ctx.store
        .attachments
        .retain(|_, a| a.run_id != Some(run_id));
    Ok(Reply::Empty)
}
