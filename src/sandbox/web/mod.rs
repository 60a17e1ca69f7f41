//! A small read-only web view at TestRail's own UI addresses, so the run URL a submit prints
//! opens something a person can check: the dashboard (projects), a project's overview and runs
//! list, and a run with its status chart and every test's latest result. Server-rendered HTML
//! with inline styles: no JavaScript and nothing fetched from the network.

mod layout;
mod project;
mod run;

use super::store::Store;
use axum::body::Body as HttpBody;
use axum::http::{Response, StatusCode};

use super::respond::html;

/// The page at `index.php?/<page>` (`page` is the query without its leading slash).
pub fn page(store: &Store, base: &str, page: &str) -> Response<HttpBody> {
    let mut parts = page.split(['/', '&']).filter(|p| !p.is_empty());
    let (area, view, id) = (parts.next(), parts.next(), parts.next());
    let id = id.and_then(|id| id.parse::<u64>().ok());
    let body = match (area, view, id) {
        (None, _, _) | (Some("dashboard"), None, _) => Some(project::dashboard(store, base)),
        (Some("projects"), Some("overview"), Some(id)) => project::overview(store, base, id),
        (Some("runs"), Some("overview"), Some(id)) => project::runs(store, base, id),
        (Some("runs"), Some("view"), Some(id)) => run::view(store, base, id),
        _ => None,
    };
    match body {
        Some(body) => html(StatusCode::OK, &body),
        None => html(
            StatusCode::NOT_FOUND,
            &layout::page(
                base,
                "Not found",
                "<p>There is no such page in the sandbox. Try the <a href=\"index.php?/dashboard\">dashboard</a>.</p>",
            ),
        ),
    }
}

/// What a web server answers for a path outside the installation: a wrong base URL.
pub fn not_found() -> Response<HttpBody> {
    html(
        StatusCode::NOT_FOUND,
        "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>\
         <h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>",
    )
}
