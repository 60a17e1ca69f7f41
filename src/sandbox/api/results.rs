//! Tests and results: get_test(s), get_results*, add_result*, add_results*, and
//! add_attachment_to_result.
//!
//! Bulk calls are all-or-nothing: every entry is validated before anything is stored, so one
//! case outside the run rejects the whole batch, as on a real server.

use super::attachments::{Owner, file_part, store};
use super::lookup::{check_user, open_run, run_for};
use super::params::{arg_id, filter_ids, filter_ts, object, opt_id, opt_string, value_id};
use super::step_results;
use super::{ApiError, Body, Ctx, Outcome, Reply};
use crate::sandbox::elapsed::{self, SpanError};
use crate::sandbox::pagination::paginate;
use crate::sandbox::render;
use crate::sandbox::route::ApiCall;
use crate::sandbox::store::{Store, Test, TestResult};
use serde_json::{Map, Value};
use std::collections::HashSet;

const NO_TEST_FOR_CASE: &str = "No (active) test found for the run/case combination.";

/// A validated result, not yet stored.
struct NewResult {
    test_id: u64,
    status_id: Option<u64>,
    assignedto_id: Option<u64>,
    comment: Option<String>,
    version: Option<String>,
    elapsed: Option<String>,
    defects: Option<String>,
    extra: Map<String, Value>,
}

/// How messages name fields: `:status_id` for single calls, `:results.status_id` in bulk.
#[derive(Clone, Copy)]
enum Scope {
    Single,
    Bulk,
}

impl Scope {
    fn field(self, name: &str) -> String {
        match self {
            Scope::Single => name.to_owned(),
            Scope::Bulk => format!("results.{name}"),
        }
    }
}

fn validate_status(store: &Store, status: u64, scope: Scope) -> Result<(), ApiError> {
    let field = scope.field("status_id");
    match store.statuses.get(&status) {
        None => Err(ApiError::bad(format!(
            "Field :{field} is not a valid status."
        ))),
        Some(s) if s.is_untested => Err(ApiError::bad(format!(
            "Field :{field} uses an invalid status (Untested)."
        ))),
        Some(s) if !s.is_active => Err(ApiError::bad(format!(
            "Field :{field} uses an inactive status."
        ))),
        Some(_) => Ok(()),
    }
}

fn validate_elapsed(value: Option<String>, scope: Scope) -> Result<Option<String>, ApiError> {
    let Some(text) = value else { return Ok(None) };
    let field = scope.field("elapsed");
    match elapsed::parse(&text) {
        Ok(seconds) => Ok(Some(elapsed::format(seconds))),
        Err(SpanError::Format) => Err(ApiError::bad(format!(
            "Field :{field} is not in a valid time span format."
        ))),
        Err(SpanError::BelowMillisecond) => Err(ApiError::bad(format!(
            "Field :{field} is less than a millisecond."
        ))),
    }
}

/// Validate the result fields of one entry (the test it goes to is already known).
fn parse_result(
    store: &Store,
    obj: &Map<String, Value>,
    test_id: u64,
    scope: Scope,
) -> Result<NewResult, ApiError> {
    let status_id = opt_id(obj, "status_id", &scope.field("status_id"))?;
    let assignedto_id = opt_id(obj, "assignedto_id", &scope.field("assignedto_id"))?;
    let comment = opt_string(obj, "comment", &scope.field("comment"), None)?;
    if status_id.is_none() && assignedto_id.is_none() && comment.is_none() {
        let why = "One of Status ID, Assigned To or Comment is required";
        return Err(ApiError::bad(match scope {
            Scope::Single => why.to_owned(),
            Scope::Bulk => format!(
                "Field :results contains one or more invalid results ({})",
                why.replacen('O', "o", 1)
            ),
        }));
    }
    if let Some(status) = status_id {
        validate_status(store, status, scope)?;
    }
    check_user(store, assignedto_id).map_err(|_| {
        let field = scope.field("assignedto_id");
        ApiError::bad(format!("Field :{field} is not a valid active user."))
    })?;
    let elapsed_raw = match obj.get("elapsed") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    if let Some(steps) = obj.get(step_results::FIELD) {
        step_results::check(store, steps, &scope.field(step_results::FIELD))?;
    }
    let extra = obj
        .iter()
        .filter(|(k, _)| k.starts_with("custom_"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(NewResult {
        test_id,
        status_id,
        assignedto_id,
        comment,
        version: opt_string(obj, "version", &scope.field("version"), Some(250))?,
        elapsed: validate_elapsed(elapsed_raw, scope)?,
        defects: opt_string(obj, "defects", &scope.field("defects"), Some(250))?,
        extra,
    })
}

/// Store a validated result and move its test to the new status.
fn store_result(ctx: &mut Ctx, new: NewResult) -> Value {
    let id = ctx.store.alloc("results");
    if let Some(test) = ctx.store.tests.get_mut(&new.test_id) {
        if let Some(status) = new.status_id {
            test.status_id = status;
        }
        if new.assignedto_id.is_some() {
            test.assignedto_id = new.assignedto_id;
        }
    }
    let result = TestResult {
        id,
        test_id: new.test_id,
        status_id: new.status_id,
        created_on: ctx.now,
        created_by: ctx.user_id,
        assignedto_id: new.assignedto_id,
        comment: new.comment,
        version: new.version,
        elapsed: new.elapsed,
        defects: new.defects,
        attachment_ids: Vec::new(),
        extra: new.extra,
    };
    let rendered = render::result(&result);
    ctx.store.results.insert(id, result);
    rendered
}

/// The `results` array of a bulk body.
fn entries(body: &Body) -> Result<&Vec<Value>, ApiError> {
    match object(body)?.get("results") {
        None | Some(Value::Null) => Err(ApiError::bad("Field :results is a required field.")),
        Some(Value::Array(items)) if items.is_empty() => Err(ApiError::bad(
            "Field :results cannot be empty (one result is required)",
        )),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(ApiError::bad("Field :results is not a valid array.")),
    }
}

fn entry_object(value: &Value) -> Result<&Map<String, Value>, ApiError> {
    value
        .as_object()
        .ok_or_else(|| ApiError::bad("Field :results is not a valid array."))
}

/// POST `add_results_for_cases/{run_id}`.
pub fn add_results_for_cases(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let run_id = arg_id(call, 0, "run_id")?;
    open_run(ctx.store, run_id)?;
    let mut batch = Vec::new();
    for entry in entries(body)? {
        let obj = entry_object(entry)?;
        let case_id = match obj.get("case_id").filter(|v| !v.is_null()) {
            None => return Err(ApiError::bad("Field :results.case_id is a required field.")),
            Some(v) => value_id(v)
                .ok_or_else(|| ApiError::bad("Field :results.case_id is not a valid ID."))?,
        };
        let test_id = ctx.store.tests.of_case(run_id, case_id).ok_or_else(|| {
            ApiError::bad(format!(
                "Field :results contains one or more invalid results (case C{case_id} unknown or not part of the test run)"
            ))
        })?;
        batch.push(parse_result(ctx.store, obj, test_id, Scope::Bulk)?);
    }
    let stored: Vec<Value> = batch.into_iter().map(|r| store_result(ctx, r)).collect();
    Ok(Reply::Json(Value::Array(stored)))
}

/// POST `add_results/{run_id}`.
pub fn add_results(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let run_id = arg_id(call, 0, "run_id")?;
    open_run(ctx.store, run_id)?;
    let mut batch = Vec::new();
    for entry in entries(body)? {
        let obj = entry_object(entry)?;
        let test_id = match obj.get("test_id").filter(|v| !v.is_null()) {
            None => return Err(ApiError::bad("Field :results.test_id is a required field.")),
            Some(v) => value_id(v)
                .ok_or_else(|| ApiError::bad("Field :results.test_id is not a valid ID."))?,
        };
        let in_run = ctx.store.tests.get(&test_id).map(|t| t.run_id) == Some(run_id);
        if !in_run {
            return Err(ApiError::bad(format!(
                "Field :results contains one or more invalid results (test T{test_id} unknown or not part of the test run)"
            )));
        }
        batch.push(parse_result(ctx.store, obj, test_id, Scope::Bulk)?);
    }
    let stored: Vec<Value> = batch.into_iter().map(|r| store_result(ctx, r)).collect();
    Ok(Reply::Json(Value::Array(stored)))
}

/// POST `add_result_for_case/{run_id}/{case_id}`.
pub fn add_result_for_case(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let run_id = arg_id(call, 0, "run_id")?;
    let case_id = arg_id(call, 1, "case_id")?;
    open_run(ctx.store, run_id)?;
    let test_id = ctx
        .store
        .tests
        .of_case(run_id, case_id)
        .ok_or_else(|| ApiError::bad(NO_TEST_FOR_CASE))?;
    let new = parse_result(ctx.store, object(body)?, test_id, Scope::Single)?;
    Ok(Reply::Json(store_result(ctx, new)))
}

/// The test named by the call's first argument, or TestRail's "not a valid test" error.
fn test_arg<'a>(store: &'a Store, call: &ApiCall) -> Result<(u64, &'a Test), ApiError> {
    let test_id = arg_id(call, 0, "test_id")?;
    let test = store
        .tests
        .get(&test_id)
        .ok_or_else(|| ApiError::bad("Field :test_id is not a valid test."))?;
    Ok((test_id, test))
}

/// POST `add_result/{test_id}`.
pub fn add_result(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let (test_id, test) = test_arg(ctx.store, call)?;
    open_run(ctx.store, test.run_id)?;
    let new = parse_result(ctx.store, object(body)?, test_id, Scope::Single)?;
    Ok(Reply::Json(store_result(ctx, new)))
}

/// GET `get_test/{test_id}`.
pub fn get_test(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let (_, test) = test_arg(ctx.store, call)?;
    Ok(Reply::Json(render::test(ctx.store, test)))
}

/// GET `get_tests/{run_id}`.
pub fn get_tests(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let run_id = arg_id(call, 0, "run_id")?;
    run_for(ctx.store, run_id)?;
    let statuses = filter_ids(call, "status_id")?;
    let tests: Vec<_> = ctx
        .store
        .tests_of_run(run_id)
        .filter(|t| statuses.as_ref().is_none_or(|s| s.contains(&t.status_id)))
        .collect();
    let render = |t| render::test(ctx.store, t);
    Ok(Reply::Json(paginate(
        call,
        "tests",
        tests,
        render,
        ctx.legacy_arrays,
    )?))
}

/// Results of the given tests, newest first, with the common result filters applied.
fn list_results(ctx: &Ctx, call: &ApiCall, tests: &HashSet<u64>) -> Outcome {
    let statuses = filter_ids(call, "status_id")?;
    let by = filter_ids(call, "created_by")?;
    let after = filter_ts(call, "created_after")?;
    let before = filter_ts(call, "created_before")?;
    let results: Vec<_> = ctx
        .store
        .results
        .values()
        .rev()
        .filter(|r| tests.contains(&r.test_id))
        .filter(|r| {
            statuses
                .as_ref()
                .is_none_or(|s| r.status_id.is_some_and(|id| s.contains(&id)))
        })
        .filter(|r| by.as_ref().is_none_or(|b| b.contains(&r.created_by)))
        .filter(|r| after.is_none_or(|t| r.created_on >= t))
        .filter(|r| before.is_none_or(|t| r.created_on <= t))
        .collect();
    let page = paginate(call, "results", results, render::result, ctx.legacy_arrays)?;
    Ok(Reply::Json(page))
}

/// GET `get_results/{test_id}`.
pub fn get_results(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let (test_id, _) = test_arg(ctx.store, call)?;
    list_results(ctx, call, &HashSet::from([test_id]))
}

/// GET `get_results_for_case/{run_id}/{case_id}`.
pub fn get_results_for_case(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let run_id = arg_id(call, 0, "run_id")?;
    let case_id = arg_id(call, 1, "case_id")?;
    run_for(ctx.store, run_id)?;
    let test_id = ctx
        .store
        .tests
        .of_case(run_id, case_id)
        .ok_or_else(|| ApiError::bad(NO_TEST_FOR_CASE))?;
    list_results(ctx, call, &HashSet::from([test_id]))
}

/// GET `get_results_for_run/{run_id}`.
pub fn get_results_for_run(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let run_id = arg_id(call, 0, "run_id")?;
    run_for(ctx.store, run_id)?;
    let tests: HashSet<u64> = ctx.store.tests_of_run(run_id).map(|t| t.id).collect();
    list_results(ctx, call, &tests)
}

/// POST `add_attachment_to_result/{result_id}`.
pub fn add_attachment_to_result(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let result_id = arg_id(call, 0, "result_id")?;
    let result = ctx
        .store
        .results
        .get(&result_id)
        .ok_or_else(|| ApiError::bad("Field :result_id is not a valid result."))?;
    // Removing a test removes its results, so a stored result always has its test.
    let run_id = ctx.store.tests.get(&result.test_id).map_or(0, |t| t.run_id);
    open_run(ctx.store, run_id)?;
    let part = file_part(body)?;
    let answer = store(ctx, part, Owner::Result(result_id));
    if let (Some(result), Some(id)) = (
        ctx.store.results.get_mut(&result_id),
        answer["attachment_id"].as_u64(),
    ) {
        result.attachment_ids.push(id);
    }
    Ok(Reply::Json(answer))
}
