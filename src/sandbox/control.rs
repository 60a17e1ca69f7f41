//! The control endpoint, outside the API path and without auth, for tests and scripts:
//!
//! | route | effect |
//! |---|---|
//! | `GET /__sandbox/state` | the whole store as JSON |
//! | `GET /__sandbox/requests` | the request log (method, API method, path, status, body size) |
//! | `DELETE /__sandbox/requests` | clear the log |
//! | `GET /__sandbox/faults` | current faults, with counters |
//! | `POST /__sandbox/faults` | replace the faults (JSON `Faults`; `{}` clears them) |
//! | `DELETE /__sandbox/faults` | clear the faults |
//! | `POST /__sandbox/reset` | back to the seed; log and faults cleared |

use super::faults::Faults;
use super::respond::{json_error, json_response};
use super::state::Shared;
use axum::body::{Body, Bytes};
use axum::http::{Method, Response, StatusCode};
use serde_json::json;

/// Answer a `/__sandbox/<route>` request.
pub fn handle(shared: &Shared, method: &Method, route: &str, body: &Bytes) -> Response<Body> {
    let ok = |value| json_response(StatusCode::OK, &value);
    match (method.as_str(), route) {
        ("GET", "state") => ok(shared.state()),
        ("GET", "requests") => ok(json!(shared.requests())),
        ("DELETE", "requests") => {
            shared.clear_requests();
            ok(json!({}))
        }
        ("GET", "faults") => ok(json!(shared.faults().faults)),
        ("POST", "faults") => match parse_faults(body) {
            Ok(faults) => {
                shared.faults().set(faults.clone());
                ok(json!(faults))
            }
            Err(err) => json_error(StatusCode::BAD_REQUEST, &err),
        },
        ("DELETE", "faults") => {
            shared.faults().set(Faults::default());
            ok(json!({}))
        }
        ("POST", "reset") => match shared.reset() {
            Ok(()) => ok(json!({})),
            Err(err) => json_error(StatusCode::INTERNAL_SERVER_ERROR, &err),
        },
        _ => json_error(
            StatusCode::NOT_FOUND,
            &format!("no control route {method} /__sandbox/{route}"),
        ),
    }
}

fn parse_faults(body: &Bytes) -> Result<Faults, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Faults::default());
    }
    serde_json::from_slice(body).map_err(|e| format!("invalid faults: {e}"))
}
