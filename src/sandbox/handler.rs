//! One request, start to finish: classify it, apply injected faults, check auth, verb and
//! content type, decode the body, run the method under the store lock, log it, answer — or,
//! for a scripted "drop after write", apply it and then kill the connection.

use super::api::{self, ApiError, Body, Ctx, Part, Reply};
use super::auth::{AUTH_FAILED, is_authorized};
use super::control;
use super::faults::Injected;
use super::respond::{html, json_bytes, json_error, php_json};
use super::route::{ApiCall, Target, classify};
use super::state::{LoggedRequest, Shared};
use super::web;
use axum::body::{Body as HttpBody, Bytes};
use axum::extract::{FromRequest, Multipart};
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, Method, Request, Response, StatusCode, request::Parts};
use serde_json::json;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Notify;

/// Largest accepted request body (attachments included).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Entry point for every HTTP request.
pub async fn handle(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<HttpBody>, Infallible> {
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(HttpBody::new(body), MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return Ok(json_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request too large.",
            ));
        }
    };
    let target = classify(&shared.path_prefix, parts.uri.path(), parts.uri.query());
    let call = match target {
        Target::Control(rest) => return Ok(control::handle(&shared, &parts.method, &rest, &bytes)),
        Target::Page(page) => return Ok(web::page(&shared.store(), &shared.base_url, &page)),
        Target::NotFound => return Ok(web::not_found()),
        Target::Api(call) => call,
    };
    let mut entry = LoggedRequest {
        method: parts.method.to_string(),
        api_method: Some(call.method.clone()),
        path: parts
            .uri
            .path_and_query()
            .map_or_else(String::new, |p| p.to_string()),
        status: 0,
        body_size: bytes.len(),
        injected: false,
        dropped: false,
        in_flight: 0,
    };
    let (_inside, in_flight) = shared.arrive();
    entry.in_flight = in_flight;
    let injected = shared.faults().error_for(&call.method, Instant::now());
    if let Some(injected) = injected {
        entry.injected = true;
        let response = injected_response(&injected, &parts.headers);
        entry.status = response.status().as_u16();
        shared.log(entry);
        return Ok(response);
    }
    // A real server has a few workers; a request waits for one, then holds it for its delay
    // and for the time its results take to write.
    let workers = shared.faults().workers();
    let _worker = match workers {
        Some(gate) => gate.acquire_owned().await.ok(),
        None => None,
    };
    let delay = shared.faults().delay_for(&call.method);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut outcome = answer(&shared, &parts, &call, bytes).await;
    let cost = shared
        .faults()
        .result_cost(results_written(&call.method, &outcome));
    if !cost.is_zero() {
        tokio::time::sleep(cost).await;
    }
    let next_origin = shared.faults().faults.next_origin.clone();
    if let (Some(origin), Ok(Reply::Json(value))) = (next_origin, &mut outcome) {
        move_next_link(value, &origin);
    }
    let banner = shared.auth_banner && outcome.is_ok();
    let response = respond(outcome, banner);
    entry.status = response.status().as_u16();
    let write_ok = response.status().is_success() && api::is_write(&call.method);
    if write_ok && shared.faults().take_drop(&call.method) {
        entry.dropped = true;
        shared.log(entry);
        // The write is applied; now make the client see a dead connection instead of the
        // answer, as when a proxy or network drops it after the server committed.
        kill.notify_one();
        let never: Infallible = std::future::pending().await;
        match never {}
    }
    if write_ok && shared.faults().take_garble(&call.method) {
        // Applied, but what comes back is a proxy's page, not TestRail's answer.
        shared.log(entry);
        return Ok(html(StatusCode::OK, "<html><body>Gateway</body></html>"));
    }
    shared.log(entry);
    Ok(response)
}

/// Checks and dispatch for an API call that no fault intercepted.
async fn answer(
    shared: &Shared,
    parts: &Parts,
    call: &ApiCall,
    bytes: Bytes,
) -> Result<Reply, ApiError> {
    if !is_authorized(&parts.headers, &shared.user, &shared.api_key) {
        return Err(ApiError {
            status: StatusCode::UNAUTHORIZED,
            message: AUTH_FAILED.into(),
        });
    }
    if !api::is_known(&call.method) {
        return Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!("Unknown method '{}'", call.method),
        });
    }
    check_verb(&parts.method, &call.method)?;
    let body = decode_body(parts, call, bytes).await?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let mut store = shared.store();
    // Looked up per request: a reset or a loaded state file may number users differently.
    let user_id = store
        .users
        .values()
        .find(|u| u.email == shared.user)
        .map_or(0, |u| u.id);
    let mut ctx = Ctx {
        store: &mut store,
        base_url: &shared.base_url,
        user_id,
        now,
        legacy_arrays: shared.legacy_arrays,
    };
    api::dispatch(&mut ctx, call, &body)
}

/// How many results a successful answer wrote (the server's work grows with them).
fn results_written(method: &str, outcome: &Result<Reply, ApiError>) -> usize {
    if !method.starts_with("add_result") {
        return 0;
    }
    match outcome {
        Ok(Reply::Json(serde_json::Value::Array(results))) => results.len(),
        Ok(Reply::Json(_)) => 1,
        _ => 0,
    }
}

/// `get_*` methods are GET, everything else POST (TestRail has no PUT/DELETE).
fn check_verb(verb: &Method, method: &str) -> Result<(), ApiError> {
    let (wanted, name) = match api::is_write(method) {
        true => (Method::POST, "POST"),
        false => (Method::GET, "GET"),
    };
    if *verb == wanted {
        return Ok(());
    }
    // The wording of this refusal was not captured from a real server (inferred).
    Err(ApiError::bad(format!(
        "Invalid request method: {method} requires {name}."
    )))
}

/// Decode a POST body: multipart for attachments, JSON (with its Content-Type) otherwise.
async fn decode_body(parts: &Parts, call: &ApiCall, bytes: Bytes) -> Result<Body, ApiError> {
    if parts.method != Method::POST {
        return Ok(Body::Json(json!({})));
    }
    let content_type = header(&parts.headers, CONTENT_TYPE.as_str());
    if api::is_multipart(&call.method) {
        return read_multipart(parts, content_type, bytes).await;
    }
    match content_type {
        None => Err(ApiError::bad(
            "Content-Type header missing (use Content-Type: application/json)",
        )),
        Some(ct) if !ct.to_ascii_lowercase().starts_with("application/json") => Err(ApiError::bad(
            "Content-Type header invalid (use Content-Type: application/json)",
        )),
        Some(_) if bytes.iter().all(u8::is_ascii_whitespace) => Ok(Body::Json(json!({}))),
        // Inferred wording: TestRail's text for an unparsable body was not captured.
        Some(_) => serde_json::from_slice(&bytes)
            .map(Body::Json)
            .map_err(|_| ApiError::bad("Invalid JSON in request body.")),
    }
}

async fn read_multipart(
    parts: &Parts,
    content_type: Option<&str>,
    bytes: Bytes,
) -> Result<Body, ApiError> {
    if !content_type.is_some_and(|ct| ct.starts_with("multipart/form-data")) {
        return Err(ApiError::bad(
            "Content-Type header invalid (use Content-Type: multipart/form-data)",
        ));
    }
    let mut req = Request::new(HttpBody::from(bytes));
    *req.headers_mut() = parts.headers.clone();
    let bad = |_| ApiError::bad("Invalid multipart/form-data body.");
    let mut multipart = Multipart::from_request(req, &())
        .await
        .map_err(|_| ApiError::bad("Invalid multipart/form-data body."))?;
    let mut out = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let data = field.bytes().await.map_err(bad)?;
        out.push(Part {
            name,
            file_name,
            content_type,
            size: data.len(),
        });
    }
    Ok(Body::Multipart(out))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Turn a handler outcome into an HTTP response, with the legacy banner if asked.
fn respond(outcome: Result<Reply, ApiError>, banner: bool) -> Response<HttpBody> {
    let mut body = match &outcome {
        Ok(Reply::Json(value)) => php_json(value),
        // Successful deletes answer 200 with an empty body.
        Ok(Reply::Empty) => Vec::new(),
        Err(err) => php_json(&json!({ "error": err.message })),
    };
    if banner {
        body.splice(0..0, b"USER AUTHENTICATION SUCCESSFUL!\n".iter().copied());
    }
    let status = outcome.err().map_or(StatusCode::OK, |e| e.status);
    json_bytes(status, body)
}

/// Make a page's relative `_links.next` absolute on another origin (the `next_origin` fault).
fn move_next_link(value: &mut serde_json::Value, origin: &str) {
    if let Some(next) = value.pointer_mut("/_links/next") {
        if let Some(link) = next.as_str() {
            *next = json!(format!("{}/index.php?{link}", origin.trim_end_matches('/')));
        }
    }
}

/// Every request header on its own line, as a debug page would show them.
fn dump_headers(headers: &HeaderMap) -> String {
    headers
        .iter()
        .map(|(name, value)| format!("{name}: {}", String::from_utf8_lossy(value.as_bytes())))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The answer for an injected fault. 502/503/504 come from proxies in real life, so their
/// body is HTML; TestRail's own 409/429/500 answers are JSON.
fn injected_response(injected: &Injected, headers: &HeaderMap) -> Response<HttpBody> {
    let status = StatusCode::from_u16(injected.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if injected.echo {
        let message = format!("Bad request. Request headers:\n{}", dump_headers(headers));
        return json_error(status, &message);
    }
    let mut response = match injected.status {
        429 => json_error(status, "API rate limit reached"),
        409 => json_error(status, "Account is undergoing daily maintenance."),
        502..=504 => html(
            status,
            &format!("<html><body><h1>{status}</h1></body></html>"),
        ),
        _ => json_error(
            status,
            "Internal server error (injected by testrail-sandbox).",
        ),
    };
    if let Some(retry) = &injected.retry_after {
        if let Ok(value) = retry.parse() {
            response.headers_mut().insert(RETRY_AFTER, value);
        }
    }
    response
}
