//! The API methods: one file per area, all running against the store under one lock, so each
//! request is atomic. Errors carry TestRail's status code and its exact `error` text.

mod attachments;
mod cases;
mod deletes;
mod lookup;
mod params;
mod plan_entries;
mod plans;
mod projects;
mod results;
mod runs;
mod selection;
mod step_results;

use super::route::ApiCall;
use super::store::Store;
use axum::http::StatusCode;
use serde_json::Value;

/// A TestRail error answer: status code and the `error` text.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    /// 400 with the given text (TestRail answers unknown IDs and bad fields with 400).
    pub fn bad(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// 403: the operation is refused for this entity (closed run, plan run).
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            message: message.into(),
        }
    }
}

/// A successful answer.
#[derive(Debug, PartialEq)]
pub enum Reply {
    /// A JSON body.
    Json(Value),
    /// 200 with an empty body (delete_* methods).
    Empty,
}

/// An uploaded multipart part.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size: usize,
}

/// A request body, already decoded.
#[derive(Debug)]
pub enum Body {
    Json(Value),
    Multipart(Vec<Part>),
}

/// What a handler can see: the store, the caller and how to build URLs.
pub struct Ctx<'a> {
    pub store: &'a mut Store,
    pub base_url: &'a str,
    pub user_id: u64,
    pub now: i64,
    pub legacy_arrays: bool,
}

type Outcome = Result<Reply, ApiError>;

/// Whether a method is a write (POST); everything that is not `get_*` is.
pub fn is_write(method: &str) -> bool {
    !method.starts_with("get_")
}

/// Whether a method takes a multipart body instead of JSON.
pub fn is_multipart(method: &str) -> bool {
    method.starts_with("add_attachment_to_")
}

/// Whether the sandbox knows the method.
pub fn is_known(method: &str) -> bool {
    route(method).is_some()
}

/// Run one API call.
pub fn dispatch(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    match route(&call.method) {
        Some(handler) => handler(ctx, call, body),
        None => Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!("Unknown method '{}'", call.method),
        }),
    }
}

type Handler = fn(&mut Ctx, &ApiCall, &Body) -> Outcome;

fn route(method: &str) -> Option<Handler> {
    let handler: Handler = match method {
        "get_run" => runs::get_run,
        "get_runs" => runs::get_runs,
        "add_run" => runs::add_run,
        "update_run" => runs::update_run,
        "close_run" => runs::close_run,
        "delete_run" => runs::delete_run,
        "get_test" => results::get_test,
        "get_tests" => results::get_tests,
        "get_results" => results::get_results,
        "get_results_for_case" => results::get_results_for_case,
        "get_results_for_run" => results::get_results_for_run,
        "add_result" => results::add_result,
        "add_result_for_case" => results::add_result_for_case,
        "add_results" => results::add_results,
        "add_results_for_cases" => results::add_results_for_cases,
        "add_attachment_to_result" => results::add_attachment_to_result,
        "add_attachment_to_run" => attachments::add_attachment_to_run,
        "add_attachment_to_plan_entry" => attachments::add_attachment_to_plan_entry,
        "get_attachments_for_run" => attachments::get_attachments_for_run,
        "get_attachments_for_plan_entry" => attachments::get_attachments_for_plan_entry,
        "get_case" => cases::get_case,
        "get_cases" => cases::get_cases,
        "add_case" => cases::add_case,
        "get_section" => cases::get_section,
        "get_sections" => cases::get_sections,
        "add_section" => cases::add_section,
        "delete_section" => deletes::delete_section,
        "delete_case" => deletes::delete_case,
        "get_project" => projects::get_project,
        "get_projects" => projects::get_projects,
        "get_suite" => projects::get_suite,
        "get_suites" => projects::get_suites,
        "get_statuses" => projects::get_statuses,
        "get_user" => projects::get_user,
        "get_users" => projects::get_users,
        "get_user_by_email" => projects::get_user_by_email,
        "get_current_user" => projects::get_current_user,
        "get_milestone" => projects::get_milestone,
        "get_milestones" => projects::get_milestones,
        "get_configs" => projects::get_configs,
        "get_case_fields" => projects::get_case_fields,
        "get_result_fields" => projects::get_result_fields,
        "get_priorities" => projects::get_priorities,
        "get_case_types" => projects::get_case_types,
        "get_templates" => projects::get_templates,
        "get_plan" => plans::get_plan,
        "get_plans" => plans::get_plans,
        "add_plan" => plans::add_plan,
        "add_plan_entry" => plans::add_plan_entry,
        "update_plan_entry" => plan_entries::update_plan_entry,
        "close_plan" => plans::close_plan,
        "delete_plan" => deletes::delete_plan,
        _ => return None,
    };
    Some(handler)
}
