//! Plans: get_plan(s) (filters as get_runs), add_plan, add_plan_entry, close_plan. A plan entry holds one run per
//! configuration combination; those runs are refused by update_run/close_run/delete_run.

use super::lookup::project;
use super::params::{
    arg_id, filter_bool, filter_ids, filter_ts, object, opt_bool, opt_id, opt_id_list, opt_string,
    req_string,
};
use super::runs::{PlanSlot, RunSpec, create_run, parse_spec};
use super::selection::validate_case_ids;
use super::{ApiError, Body, Ctx, Outcome, Reply};
use crate::sandbox::pagination::paginate;
use crate::sandbox::render;
use crate::sandbox::route::ApiCall;
use crate::sandbox::store::{Plan, PlanEntry, Project, Store};
use serde_json::{Map, Value};

/// A validated plan entry: its name and one run spec per configuration run.
pub struct EntrySpec {
    name: String,
    description: Option<String>,
    include_all: bool,
    refs: Option<String>,
    suite_id: u64,
    runs: Vec<RunSpec>,
}

pub fn plan_of(store: &Store, plan_id: u64) -> Result<&Plan, ApiError> {
    store
        .plans
        .get(&plan_id)
        .ok_or_else(|| ApiError::bad("Field :plan_id is not a valid test plan."))
}

/// Validate an add_plan_entry body (also used for each of add_plan's `entries`).
pub fn parse_entry(
    store: &Store,
    project: &Project,
    obj: &Map<String, Value>,
) -> Result<EntrySpec, ApiError> {
    // Unlike add_run, a plan entry always needs its suite, even in single-suite projects.
    if opt_id(obj, "suite_id", "suite_id")?.is_none() {
        return Err(ApiError::bad("Field :suite_id is a required field."));
    }
    let base = parse_spec(store, project, obj)?;
    let mut runs = Vec::new();
    match obj.get("runs") {
        Some(Value::Array(items)) if !items.is_empty() => {
            for item in items {
                let run = item
                    .as_object()
                    .ok_or_else(|| ApiError::bad("Field :runs is not a valid array."))?;
                runs.push(run_spec(store, &base, run)?);
            }
        }
        _ => runs.push(run_spec(store, &base, obj)?),
    }
    Ok(EntrySpec {
        name: base.name,
        description: base.description,
        include_all: base.include_all,
        refs: base.refs,
        suite_id: base.suite_id,
        runs,
    })
}

/// One run of an entry: the entry's settings, overridden by the run's own fields.
fn run_spec(store: &Store, base: &RunSpec, obj: &Map<String, Value>) -> Result<RunSpec, ApiError> {
    let include_all = opt_bool(obj, "include_all")?.unwrap_or(base.include_all);
    let case_ids = match opt_id_list(obj, "case_ids")? {
        Some(raw) => validate_case_ids(store, base.suite_id, &raw)?,
        None => base.case_ids.clone(),
    };
    if !include_all && case_ids.is_empty() {
        return Err(ApiError::bad(
            "include_all is false but no tests were provided.",
        ));
    }
    let config_ids: Vec<u64> = opt_id_list(obj, "config_ids")?
        .unwrap_or_default()
        .into_iter()
        .map(|id| id.filter(|id| config_exists(store, *id)))
        .collect::<Option<_>>()
        .ok_or_else(|| ApiError::bad("Field :config_ids contains invalid configurations."))?;
    Ok(RunSpec {
        suite_id: base.suite_id,
        name: base.name.clone(),
        description: opt_string(obj, "description", "description", None)?
            .or_else(|| base.description.clone()),
        milestone_id: base.milestone_id,
        assignedto_id: opt_id(obj, "assignedto_id", "assignedto_id")?.or(base.assignedto_id),
        include_all,
        case_ids,
        refs: base.refs.clone(),
        start_on: base.start_on,
        due_on: base.due_on,
        config_ids,
        plan: None,
    })
}

fn config_exists(store: &Store, id: u64) -> bool {
    store
        .config_groups
        .values()
        .any(|g| g.configs.iter().any(|c| c.id == id))
}

/// Create a plan with its entries; returns the plan ID.
pub fn create_plan(
    store: &mut Store,
    user_id: u64,
    now: i64,
    project_id: u64,
    name: String,
    entries: Vec<EntrySpec>,
) -> u64 {
    let id = store.alloc("plans");
    let plan = Plan {
        id,
        project_id,
        name,
        description: None,
        milestone_id: None,
        is_completed: false,
        completed_on: None,
        created_on: now,
        created_by: user_id,
        entries: Vec::new(),
    };
    store.plans.insert(id, plan);
    for entry in entries {
        add_entry(store, user_id, now, id, entry);
    }
    id
}

/// Add an entry (and its runs) to a plan; returns the entry's UUID-style ID.
fn add_entry(store: &mut Store, user_id: u64, now: i64, plan_id: u64, spec: EntrySpec) -> String {
    let project_id = store.plans[&plan_id].project_id;
    let serial = store.alloc("plan_entries");
    let entry_id = format!("{plan_id:08x}-0000-4000-8000-{serial:012x}");
    let mut run_ids = Vec::new();
    for (index, mut run) in spec.runs.into_iter().enumerate() {
        run.plan = Some(PlanSlot {
            plan_id,
            entry_id: entry_id.clone(),
            entry_index: index as u64 + 1,
        });
        run_ids.push(create_run(store, user_id, now, project_id, run));
    }
    let entry = PlanEntry {
        id: entry_id.clone(),
        suite_id: spec.suite_id,
        name: spec.name,
        description: spec.description,
        include_all: spec.include_all,
        refs: spec.refs,
        run_ids,
    };
    store
        .plans
        .get_mut(&plan_id)
        .expect("plan exists")
        .entries
        .push(entry);
    entry_id
}

/// GET `get_plan/{plan_id}`.
pub fn get_plan(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let plan_id = arg_id(call, 0, "plan_id")?;
    let plan = plan_of(ctx.store, plan_id)?;
    Ok(Reply::Json(render::plan(ctx.store, ctx.base_url, plan)))
}

/// GET `get_plans/{project_id}`.
pub fn get_plans(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let project_id = arg_id(call, 0, "project_id")?;
    project(ctx.store, project_id)?;
    let completed = filter_bool(call, "is_completed")?;
    let after = filter_ts(call, "created_after")?;
    let before = filter_ts(call, "created_before")?;
    let by = filter_ids(call, "created_by")?;
    let milestones = filter_ids(call, "milestone_id")?;
    let in_list = |list: &Option<Vec<u64>>, v: Option<u64>| {
        list.as_ref()
            .is_none_or(|l| v.is_some_and(|v| l.contains(&v)))
    };
    let plans = ctx
        .store
        .plans
        .values()
        .rev()
        .filter(|p| p.project_id == project_id)
        .filter(|p| completed.is_none_or(|c| p.is_completed == c))
        .filter(|p| after.is_none_or(|t| p.created_on >= t))
        .filter(|p| before.is_none_or(|t| p.created_on <= t))
        .filter(|p| in_list(&by, Some(p.created_by)))
        .filter(|p| in_list(&milestones, p.milestone_id))
        .map(|p| {
            let mut v = render::plan(ctx.store, ctx.base_url, p);
            // get_plans lists plans without their entries.
            v.as_object_mut().map(|o| o.remove("entries"));
            v
        })
        .collect();
    Ok(Reply::Json(paginate(
        call,
        "plans",
        plans,
        std::convert::identity,
        ctx.legacy_arrays,
    )?))
}

/// POST `add_plan/{project_id}`.
pub fn add_plan(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let project_id = arg_id(call, 0, "project_id")?;
    let project = project(ctx.store, project_id)?.clone();
    let obj = object(body)?;
    let name = req_string(obj, "name")?;
    let description = opt_string(obj, "description", "description", None)?;
    let milestone_id = opt_id(obj, "milestone_id", "milestone_id")?;
    let mut entries = Vec::new();
    if let Some(items) = obj.get("entries").and_then(Value::as_array) {
        for item in items {
            let entry = item
                .as_object()
                .ok_or_else(|| ApiError::bad("Field :entries is not a valid array."))?;
            entries.push(parse_entry(ctx.store, &project, entry)?);
        }
    }
    let id = create_plan(ctx.store, ctx.user_id, ctx.now, project_id, name, entries);
    let plan = ctx.store.plans.get_mut(&id).expect("just created");
    plan.description = description;
    plan.milestone_id = milestone_id;
    let plan = &ctx.store.plans[&id];
    Ok(Reply::Json(render::plan(ctx.store, ctx.base_url, plan)))
}

/// POST `add_plan_entry/{plan_id}`.
pub fn add_plan_entry(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let plan_id = arg_id(call, 0, "plan_id")?;
    let plan = plan_of(ctx.store, plan_id)?;
    if plan.is_completed {
        return Err(ApiError::forbidden(PLAN_COMPLETED));
    }
    let project = project(ctx.store, plan.project_id)?.clone();
    let spec = parse_entry(ctx.store, &project, object(body)?)?;
    let entry_id = add_entry(ctx.store, ctx.user_id, ctx.now, plan_id, spec);
    Ok(Reply::Json(rendered_entry(ctx, plan_id, &entry_id)))
}

/// One entry of a plan in add_plan_entry format (with its runs).
pub fn rendered_entry(ctx: &Ctx, plan_id: u64, entry_id: &str) -> Value {
    let rendered = render::plan(ctx.store, ctx.base_url, &ctx.store.plans[&plan_id]);
    rendered["entries"]
        .as_array()
        .and_then(|entries| entries.iter().find(|e| e["id"] == entry_id))
        .cloned()
        .unwrap_or(Value::Null)
}

/// Wording inferred from the run message (`runs_denied_completed`).
pub const PLAN_COMPLETED: &str =
    "This operation is not allowed. The test plan is already completed.";

/// POST `close_plan/{plan_id}`.
pub fn close_plan(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let plan_id = arg_id(call, 0, "plan_id")?;
    if plan_of(ctx.store, plan_id)?.is_completed {
        return Err(ApiError::forbidden(PLAN_COMPLETED));
    }
    let now = ctx.now;
    let plan = ctx.store.plans.get_mut(&plan_id).expect("checked above");
    plan.is_completed = true;
    plan.completed_on = Some(now);
    let run_ids: Vec<u64> = plan
        .entries
        .iter()
        .flat_map(|e| e.run_ids.clone())
        .collect();
    for id in run_ids {
        if let Some(run) = ctx.store.runs.get_mut(&id) {
            run.is_completed = true;
            run.completed_on.get_or_insert(now);
        }
    }
    let plan = &ctx.store.plans[&plan_id];
    Ok(Reply::Json(render::plan(ctx.store, ctx.base_url, plan)))
}
