//! Building HTTP answers the way TestRail writes them: JSON with its content type (and PHP's
//! escaped slashes), `{"error": ...}` refusals, and HTML pages.

use axum::body::Body as HttpBody;
use axum::http::header::CONTENT_TYPE;
use axum::http::{Response, StatusCode};
use serde_json::{Value, json};

/// JSON as TestRail's PHP writes it: `/` escaped as `\/` (`"url":"http:\/\/…"`). A `/` can
/// only occur inside JSON strings, so escaping every one keeps the document valid.
pub fn php_json(value: &Value) -> Vec<u8> {
    let text = serde_json::to_string(value).unwrap_or_default();
    text.replace('/', "\\/").into_bytes()
}

/// A JSON answer with TestRail's content type (control endpoint: plain serde output).
pub fn json_response(status: StatusCode, value: &Value) -> Response<HttpBody> {
    json_bytes(status, serde_json::to_vec(value).unwrap_or_default())
}

/// A JSON body as it is, with TestRail's content type.
pub fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response<HttpBody> {
    let mut response = Response::new(HttpBody::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        "application/json; charset=utf-8"
            .parse()
            .expect("valid header"),
    );
    response
}

/// `{"error": "..."}` with a status.
pub fn json_error(status: StatusCode, message: &str) -> Response<HttpBody> {
    json_response(status, &json!({ "error": message }))
}

/// An HTML page with a status.
pub fn html(status: StatusCode, body: &str) -> Response<HttpBody> {
    let mut response = Response::new(HttpBody::from(body.to_owned()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        "text/html; charset=utf-8".parse().expect("valid header"),
    );
    response
}
