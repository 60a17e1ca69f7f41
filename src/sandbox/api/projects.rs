//! Projects, suites and the lookup lists: statuses, users, milestones, configurations, case and
//! result fields, priorities, case types, templates. The documented bare arrays stay bare
//! (get_suites, get_statuses, get_configs, get_*_fields); the others are paginated.

use super::lookup::project;
use super::params::{arg_id, filter_bool};
use super::{ApiError, Body, Ctx, Outcome, Reply};
use crate::sandbox::pagination::paginate;
use crate::sandbox::render;
use crate::sandbox::route::ApiCall;
use serde_json::{Value, json};

/// GET `get_project/{project_id}`.
pub fn get_project(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let project_id = arg_id(call, 0, "project_id")?;
    let project = project(ctx.store, project_id)?;
    Ok(Reply::Json(render::project(ctx.base_url, project)))
}

/// GET `get_projects`.
pub fn get_projects(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let completed = filter_bool(call, "is_completed")?;
    let projects: Vec<Value> = ctx
        .store
        .projects
        .values()
        .filter(|p| completed.is_none_or(|c| p.is_completed == c))
        .map(|p| render::project(ctx.base_url, p))
        .collect();
    Ok(Reply::Json(paginate(
        call,
        "projects",
        projects,
        std::convert::identity,
        ctx.legacy_arrays,
    )?))
}

/// GET `get_suite/{suite_id}`.
pub fn get_suite(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let suite_id = arg_id(call, 0, "suite_id")?;
    let suite = ctx
        .store
        .suites
        .get(&suite_id)
        .ok_or_else(|| ApiError::bad("Field :suite_id is not a valid test suite."))?;
    Ok(Reply::Json(render::suite(ctx.base_url, suite)))
}

/// GET `get_suites/{project_id}`.
pub fn get_suites(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let project_id = arg_id(call, 0, "project_id")?;
    project(ctx.store, project_id)?;
    let suites = ctx
        .store
        .suites
        .values()
        .filter(|s| s.project_id == project_id)
        .map(|s| render::suite(ctx.base_url, s))
        .collect();
    Ok(Reply::Json(Value::Array(suites)))
}

/// get_statuses takes no argument in the docs; trcli sends a project ID, so accept both.
pub fn get_statuses(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    if !call.args.is_empty() {
        let project_id = arg_id(call, 0, "project_id")?;
        project(ctx.store, project_id)?;
    }
    let statuses = ctx
        .store
        .statuses
        .values()
        .filter(|s| s.is_active)
        .map(render::status)
        .collect();
    Ok(Reply::Json(Value::Array(statuses)))
}

/// GET `get_user/{user_id}`.
pub fn get_user(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let user_id = arg_id(call, 0, "user_id")?;
    let user = ctx
        .store
        .users
        .get(&user_id)
        .ok_or_else(|| ApiError::bad("Field :user_id is not a valid user."))?;
    Ok(Reply::Json(render::user(user)))
}

/// get_users with or without a project; answered as a bare list, as the docs show it.
pub fn get_users(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    if !call.args.is_empty() {
        let project_id = arg_id(call, 0, "project_id")?;
        project(ctx.store, project_id)?;
    }
    let users = ctx.store.users.values().map(render::user).collect();
    Ok(Reply::Json(Value::Array(users)))
}

/// GET `get_user_by_email&email=…`.
pub fn get_user_by_email(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let email = call.filter("email").unwrap_or_default();
    let user = ctx
        .store
        .users
        .values()
        .find(|u| u.email.eq_ignore_ascii_case(email))
        .ok_or_else(|| ApiError::bad("Field :email is not a valid email address."))?;
    Ok(Reply::Json(render::user(user)))
}

/// The caller; the docs print `get_current_user/{user_id}`, so an argument is tolerated.
pub fn get_current_user(ctx: &mut Ctx, _: &ApiCall, _: &Body) -> Outcome {
    let user = ctx
        .store
        .users
        .get(&ctx.user_id)
        .ok_or_else(|| ApiError::bad("Field :user_id is not a valid user."))?;
    Ok(Reply::Json(render::user(user)))
}

/// GET `get_milestone/{milestone_id}`.
pub fn get_milestone(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let id = arg_id(call, 0, "milestone_id")?;
    let milestone = ctx
        .store
        .milestones
        .get(&id)
        .ok_or_else(|| ApiError::bad("Field :milestone_id is not a valid milestone."))?;
    Ok(Reply::Json(render::milestone(ctx.base_url, milestone)))
}

/// GET `get_milestones/{project_id}`.
pub fn get_milestones(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let project_id = arg_id(call, 0, "project_id")?;
    project(ctx.store, project_id)?;
    let completed = filter_bool(call, "is_completed")?;
    let milestones = ctx
        .store
        .milestones
        .values()
        .filter(|m| m.project_id == project_id)
        .filter(|m| completed.is_none_or(|c| m.is_completed == c))
        .map(|m| render::milestone(ctx.base_url, m))
        .collect();
    Ok(Reply::Json(paginate(
        call,
        "milestones",
        milestones,
        std::convert::identity,
        ctx.legacy_arrays,
    )?))
}

/// GET `get_configs/{project_id}`.
pub fn get_configs(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let project_id = arg_id(call, 0, "project_id")?;
    project(ctx.store, project_id)?;
    let groups = ctx
        .store
        .config_groups
        .values()
        .filter(|g| g.project_id == project_id)
        .map(render::config_group)
        .collect();
    Ok(Reply::Json(Value::Array(groups)))
}

/// GET `get_case_fields`.
pub fn get_case_fields(ctx: &mut Ctx, _: &ApiCall, _: &Body) -> Outcome {
    Ok(Reply::Json(Value::Array(ctx.store.case_fields.clone())))
}

/// GET `get_result_fields`.
pub fn get_result_fields(ctx: &mut Ctx, _: &ApiCall, _: &Body) -> Outcome {
    Ok(Reply::Json(Value::Array(ctx.store.result_fields.clone())))
}

/// GET `get_priorities`.
pub fn get_priorities(_: &mut Ctx, _: &ApiCall, _: &Body) -> Outcome {
    let names = ["Low", "Medium", "High", "Critical"];
    let list = names
        .iter()
        .zip(1u64..)
        .map(|(name, id)| {
            json!({"id": id, "name": name, "short_name": name, "priority": id, "is_default": id == 2})
        })
        .collect();
    Ok(Reply::Json(Value::Array(list)))
}

/// GET `get_case_types`.
pub fn get_case_types(_: &mut Ctx, _: &ApiCall, _: &Body) -> Outcome {
    let names = [
        "Acceptance",
        "Accessibility",
        "Automated",
        "Compatibility",
        "Destructive",
    ];
    let list = names
        .iter()
        .zip(1u64..)
        .map(|(name, id)| json!({"id": id, "name": name, "is_default": id == 7}))
        .collect();
    Ok(Reply::Json(Value::Array(list)))
}

/// GET `get_templates/{project_id}`.
pub fn get_templates(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let project_id = arg_id(call, 0, "project_id")?;
    project(ctx.store, project_id)?;
    Ok(Reply::Json(json!([
        {"id": 1, "name": "Test Case (Text)", "is_default": true},
        {"id": 2, "name": "Test Case (Steps)", "is_default": false},
        {"id": 3, "name": "Exploratory Session", "is_default": false},
    ])))
}
