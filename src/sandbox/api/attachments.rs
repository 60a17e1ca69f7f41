//! Files attached to runs and plan entries: add_attachment_to_run, add_attachment_to_plan_entry,
//! get_attachments_for_run, get_attachments_for_plan_entry. As for result attachments, the
//! sandbox keeps each file's name, size and type, not its bytes.

use serde_json::{Value, json};

use super::lookup::{open_run, run_for};
use super::params::arg_id;
use super::plans::{PLAN_COMPLETED, plan_of};
use super::{ApiError, Body, Ctx, Outcome, Part, Reply};
use crate::sandbox::pagination::paginate;
use crate::sandbox::route::ApiCall;
use crate::sandbox::store::Attachment;

/// What an attachment belongs to.
pub enum Owner {
    /// A result.
    Result(u64),
    /// A run.
    Run(u64),
    /// A plan entry (its UUID-style ID).
    Entry(String),
}

/// The multipart part named `attachment` every add_attachment_to_* call needs.
pub fn file_part(body: &Body) -> Result<&Part, ApiError> {
    let part = match body {
        Body::Multipart(parts) => parts.iter().find(|p| p.name == "attachment"),
        Body::Json(_) => None,
    };
    part.ok_or_else(|| ApiError::bad("Field :attachment is a required field."))
}

/// Store an uploaded file's metadata; answers TestRail's `{"attachment_id": …}`.
pub fn store(ctx: &mut Ctx, part: &Part, owner: Owner) -> Value {
    let id = ctx.store.alloc("attachments");
    let (result_id, run_id, entry_id) = match owner {
        Owner::Result(r) => (r, None, None),
        Owner::Run(r) => (0, Some(r), None),
        Owner::Entry(e) => (0, None, Some(e)),
    };
    let attachment = Attachment {
        id,
        result_id,
        run_id,
        entry_id,
        name: part
            .file_name
            .clone()
            .unwrap_or_else(|| "attachment".into()),
        size: part.size,
        content_type: part.content_type.clone(),
        created_on: ctx.now,
    };
    ctx.store.attachments.insert(id, attachment);
    json!({ "attachment_id": id })
}

/// POST `add_attachment_to_run/{run_id}`.
pub fn add_attachment_to_run(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let run_id = arg_id(call, 0, "run_id")?;
    open_run(ctx.store, run_id)?;
    let part = file_part(body)?;
    Ok(Reply::Json(store(ctx, part, Owner::Run(run_id))))
}

/// POST `add_attachment_to_plan_entry/{plan_id}/{entry_id}`.
pub fn add_attachment_to_plan_entry(ctx: &mut Ctx, call: &ApiCall, body: &Body) -> Outcome {
    let entry_id = entry_of(ctx, call)?;
    let plan_id = arg_id(call, 0, "plan_id")?;
    if plan_of(ctx.store, plan_id)?.is_completed {
        return Err(ApiError::forbidden(PLAN_COMPLETED));
    }
    let part = file_part(body)?;
    Ok(Reply::Json(store(ctx, part, Owner::Entry(entry_id))))
}

/// GET `get_attachments_for_run/{run_id}` (paginated `attachments`).
pub fn get_attachments_for_run(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let run_id = arg_id(call, 0, "run_id")?;
    run_for(ctx.store, run_id)?;
    let found: Vec<&Attachment> = ctx
        .store
        .attachments
        .values()
        .filter(|a| a.run_id == Some(run_id))
        .collect();
    Ok(Reply::Json(paginate(
        call,
        "attachments",
        found,
        render,
        ctx.legacy_arrays,
    )?))
}

/// GET `get_attachments_for_plan_entry/{plan_id}/{entry_id}` (a bare list, as clients expect).
pub fn get_attachments_for_plan_entry(ctx: &mut Ctx, call: &ApiCall, _: &Body) -> Outcome {
    let entry_id = entry_of(ctx, call)?;
    let found: Vec<Value> = ctx
        .store
        .attachments
        .values()
        .filter(|a| a.entry_id.as_deref() == Some(entry_id.as_str()))
        .map(render)
        .collect();
    Ok(Reply::Json(Value::Array(found)))
}

/// The entry a `…/{plan_id}/{entry_id}` call names, checked against its plan.
fn entry_of(ctx: &Ctx, call: &ApiCall) -> Result<String, ApiError> {
    let plan_id = arg_id(call, 0, "plan_id")?;
    let plan = plan_of(ctx.store, plan_id)?;
    let entry_id = call.args.get(1).cloned().unwrap_or_default();
    plan.entries
        .iter()
        .any(|e| e.id == entry_id)
        .then_some(entry_id)
        .ok_or_else(|| ApiError::bad("Field :entry_id is not a valid test plan entry."))
}

fn render(a: &Attachment) -> Value {
    json!({
        "id": a.id, "name": a.name, "filename": a.name, "size": a.size,
        "content_type": a.content_type, "created_on": a.created_on,
    })
}
