//! Cases and sections: get_case(s), add_case, get_section(s), add_section.

use super::lookup::{project, resolve_suite};
use super::params::{
    MAX_NAME, arg_id, filter_ids, filter_ts, object, opt_id, opt_string, req_string,
};
use super::selection::add_test;
use super::{ApiError, Body, Ctx, Outcome, Reply};
use crate::sandbox::pagination::paginate;
use crate::sandbox::render;
use crate::sandbox::route::ApiCall;
use crate::sandbox::store::{Case, Section, Store};
use serde_json::{Map, Value};

/// The automation-ID case field, stored in its own column of the sandbox's cases.
const AUTOMATION_ID: &str = "custom_automation_id";

/// A case in get_case format: `custom_automation_id` only on projects that have the field.
fn case_json(store: &Store, case: &Case) -> Value {
    let mut obj = render::case(case);
    if !store.has_case_field(store.project_of_suite(case.suite_id), AUTOMATION_ID) {
        if let Value::Object(map) = &mut obj {
            map.remove(AUTOMATION_ID);
        }
    }
    obj
}

/// GET `get_case/{case_id}`.
pub fn get_case(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let case_id = arg_id(call, 0, "case_id")?;
    let case = ctx
        .store
        .cases
        .get(&case_id)
        .ok_or_else(|| ApiError::bad("Field :case_id is not a valid test case."))?;
    Ok(Reply::Json(case_json(ctx.store, case)))
}

/// GET `get_cases/{project_id}`.
pub fn get_cases(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let project_id = arg_id(call, 0, "project_id")?;
    let project = project(ctx.store, project_id)?.clone();
    let given = filter_ids(call, "suite_id")?.and_then(|ids| ids.first().copied());
    let suite_id = resolve_suite(ctx.store, &project, given)?;
    let sections = filter_ids(call, "section_id")?;
    let title = call.filter("filter").map(str::to_lowercase);
    let after = filter_ts(call, "created_after")?;
    let before = filter_ts(call, "created_before")?;
    let refs = call.filter("refs");
    let cases: Vec<_> = ctx
        .store
        .cases_of_suite(suite_id)
        .into_iter()
        .filter(|c| sections.as_ref().is_none_or(|s| s.contains(&c.section_id)))
        .filter(|c| {
            title
                .as_ref()
                .is_none_or(|t| c.title.to_lowercase().contains(t))
        })
        .filter(|c| after.is_none_or(|t| c.created_on >= t))
        .filter(|c| before.is_none_or(|t| c.created_on <= t))
        .filter(|c| refs.is_none_or(|r| c.refs.as_deref().is_some_and(|cr| cr.contains(r))))
        .collect();
    let store = &*ctx.store;
    let page = paginate(
        call,
        "cases",
        cases,
        |c| case_json(store, c),
        ctx.legacy_arrays,
    )?;
    Ok(Reply::Json(page))
}

/// POST `add_case/{section_id}`.
pub fn add_case(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let section_id = arg_id(call, 0, "section_id")?;
    let suite_id = ctx
        .store
        .sections
        .get(&section_id)
        .map(|s| s.suite_id)
        .ok_or_else(|| ApiError::bad("Field :section_id is not a valid section."))?;
    let obj = object(body)?;
    let title = req_string(obj, "title")?;
    // Like TestRail, a custom field the project does not have is ignored, not stored.
    let automation_id = opt_string(obj, AUTOMATION_ID, AUTOMATION_ID, None)?.filter(|_| {
        ctx.store
            .has_case_field(ctx.store.project_of_suite(suite_id), AUTOMATION_ID)
    });
    let mut extra: Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| k.starts_with("custom_") && *k != AUTOMATION_ID)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // The system fields a case may set, checked against get_priorities, get_case_types and
    // get_templates (IDs 1..=4, 1..=5, 1..=3); kept with the custom ones, which render last.
    for (field, max, what) in [
        ("priority_id", 4, "priority"),
        ("type_id", 5, "case type"),
        ("template_id", 3, "template"),
    ] {
        if let Some(id) = opt_id(obj, field, field)? {
            if !(1..=max).contains(&id) {
                return Err(ApiError::bad(format!(
                    "Field :{field} is not a valid {what}."
                )));
            }
            extra.insert(field.to_string(), Value::from(id));
        }
    }
    let id = ctx.store.alloc("cases");
    let case = Case {
        id,
        suite_id,
        section_id,
        title,
        custom_automation_id: automation_id,
        refs: opt_string(obj, "refs", "refs", Some(MAX_NAME))?,
        created_on: ctx.now,
        created_by: ctx.user_id,
        extra,
    };
    let rendered = case_json(ctx.store, &case);
    ctx.store.cases.insert(id, case);
    // Open runs with include_all pick up new cases of their suite automatically.
    let runs: Vec<u64> = ctx
        .store
        .runs
        .values()
        .filter(|r| r.suite_id == suite_id && r.include_all && !r.is_completed)
        .map(|r| r.id)
        .collect();
    for run_id in runs {
        add_test(ctx.store, run_id, id);
    }
    Ok(Reply::Json(rendered))
}

/// GET `get_section/{section_id}`.
pub fn get_section(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let section_id = arg_id(call, 0, "section_id")?;
    let section = ctx
        .store
        .sections
        .get(&section_id)
        .ok_or_else(|| ApiError::bad("Field :section_id is not a valid section."))?;
    Ok(Reply::Json(render::section(section)))
}

/// GET `get_sections/{project_id}`.
pub fn get_sections(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let project_id = arg_id(call, 0, "project_id")?;
    let project = project(ctx.store, project_id)?.clone();
    let given = filter_ids(call, "suite_id")?.and_then(|ids| ids.first().copied());
    let suite_id = resolve_suite(ctx.store, &project, given)?;
    let sections: Vec<Value> = ctx
        .store
        .sections
        .values()
        .filter(|s| s.suite_id == suite_id)
        .map(render::section)
        .collect();
    Ok(Reply::Json(paginate(
        call,
        "sections",
        sections,
        std::convert::identity,
        ctx.legacy_arrays,
    )?))
}

/// POST `add_section/{project_id}`.
pub fn add_section(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let project_id = arg_id(call, 0, "project_id")?;
    let project = project(ctx.store, project_id)?.clone();
    let obj = object(body)?;
    let name = req_string(obj, "name")?;
    let suite_id = resolve_suite(ctx.store, &project, opt_id(obj, "suite_id", "suite_id")?)?;
    let parent_id = opt_id(obj, "parent_id", "parent_id")?;
    let depth = match parent_id {
        None => 0,
        Some(parent) => match ctx.store.sections.get(&parent) {
            Some(p) if p.suite_id == suite_id => p.depth + 1,
            _ => return Err(ApiError::bad("Field :parent_id is not a valid section.")),
        },
    };
    let id = ctx.store.alloc("sections");
    let section = Section {
        id,
        suite_id,
        name,
        description: opt_string(obj, "description", "description", None)?,
        parent_id,
        depth,
        display_order: id,
    };
    let rendered = render::section(&section);
    ctx.store.sections.insert(id, section);
    Ok(Reply::Json(rendered))
}
