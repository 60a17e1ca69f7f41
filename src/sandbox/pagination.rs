//! TestRail's bulk-GET envelope (6.7+): `{offset, limit, size, _links: {next, prev}, <key>: [...]}`
//! with at most 250 entries per page. `_links.next` is relative to the API root *without*
//! `index.php?` and keeps the request's filters, e.g. `/api/v2/get_runs/1&limit=250&offset=250`.
//! Servers before 6.7 answered with a bare array; the `legacy_arrays` knob reproduces that.

use super::api::ApiError;
use super::route::ApiCall;
use serde_json::{Value, json};

/// Default and maximum page size.
pub const MAX_LIMIT: usize = 250;

/// Read and validate `limit` and `offset`.
fn window(call: &ApiCall) -> Result<(usize, usize), ApiError> {
    let limit = match call.filter("limit") {
        None => MAX_LIMIT,
        Some(raw) => {
            // Inferred wording for non-numbers and too-small values; the maximum message
            // follows TestRail's `validation_number_max` template.
            let n: i64 = raw
                .parse()
                .map_err(|_| ApiError::bad("Field :limit is not a valid integer."))?;
            if n < 1 {
                return Err(ApiError::bad("Field :limit is too small (minimum 1)."));
            }
            if n > MAX_LIMIT as i64 {
                return Err(ApiError::bad("Field :limit is too large (maximum 250)."));
            }
            n as usize
        }
    };
    let offset = match call.filter("offset") {
        None => 0,
        Some(raw) => raw
            .parse::<usize>()
            .map_err(|_| ApiError::bad("Field :offset is not a valid integer."))?,
    };
    Ok((limit, offset))
}

/// A link to another page: the call's path and filters with `limit`/`offset` replaced.
fn link(call: &ApiCall, limit: usize, offset: usize) -> String {
    let mut link = call.api_path();
    for (k, v) in &call.filters {
        if k != "limit" && k != "offset" {
            link.push_str(&format!("&{k}={v}"));
        }
    }
    link.push_str(&format!("&limit={limit}&offset={offset}"));
    link
}

/// Page `items` under `key`, or return the page as a bare array in legacy mode. Only the page
/// is rendered: listing the tests of a 100 000-case run must not render all of them.
pub fn paginate<T>(
    call: &ApiCall,
    key: &str,
    items: Vec<T>,
    render: impl Fn(T) -> Value,
    legacy: bool,
) -> Result<Value, ApiError> {
    let (limit, offset) = window(call)?;
    let total = items.len();
    let page: Vec<Value> = items
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(render)
        .collect();
    if legacy {
        return Ok(Value::Array(page));
    }
    let end = offset.saturating_add(limit);
    let next = (end < total).then(|| link(call, limit, end));
    let prev = (offset > 0).then(|| link(call, limit, offset.saturating_sub(limit)));
    let mut envelope = json!({
        "offset": offset,
        "limit": limit,
        "size": page.len(),
        "_links": {"next": next, "prev": prev},
    });
    envelope[key] = Value::Array(page);
    Ok(envelope)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::route::{Target, classify};

    fn call(query: &str) -> ApiCall {
        match classify("", "/index.php", Some(query)) {
            Target::Api(call) => call,
            _ => unreachable!(),
        }
    }

    fn numbers(n: u64) -> Vec<Value> {
        (1..=n).map(|i| json!(i)).collect()
    }

    #[test]
    fn first_page_links_to_the_next_with_filters_kept() {
        let page = paginate(
            &call("/api/v2/get_runs/1&suite_id=2"),
            "runs",
            numbers(300),
            std::convert::identity,
            false,
        );
        let page = page.unwrap();
        assert_eq!(page["size"], 250);
        assert_eq!(
            page["_links"]["next"],
            "/api/v2/get_runs/1&suite_id=2&limit=250&offset=250"
        );
        assert_eq!(page["_links"]["prev"], Value::Null);
        assert_eq!(page["runs"][0], 1);
    }

    #[test]
    fn last_page_has_no_next() {
        let c = call("/api/v2/get_runs/1&limit=250&offset=250");
        let page = paginate(&c, "runs", numbers(300), std::convert::identity, false).unwrap();
        assert_eq!(page["size"], 50);
        assert_eq!(page["_links"]["next"], Value::Null);
        assert_eq!(
            page["_links"]["prev"],
            "/api/v2/get_runs/1&limit=250&offset=0"
        );
    }

    #[test]
    fn limit_is_bounded() {
        let err = paginate(
            &call("/api/v2/get_runs/1&limit=251"),
            "runs",
            vec![],
            std::convert::identity,
            false,
        );
        assert_eq!(
            err.unwrap_err().message,
            "Field :limit is too large (maximum 250)."
        );
        assert!(
            paginate(
                &call("/api/v2/get_runs/1&limit=0"),
                "runs",
                vec![],
                std::convert::identity,
                false
            )
            .is_err()
        );
    }

    #[test]
    fn a_huge_offset_is_an_empty_page_not_a_panic() {
        let c = call(&format!("/api/v2/get_runs/1&offset={}", usize::MAX));
        let page = paginate(&c, "runs", numbers(3), std::convert::identity, false).unwrap();
        assert_eq!(page["size"], 0);
        assert_eq!(page["_links"]["next"], Value::Null);
    }

    #[test]
    fn legacy_mode_returns_a_bare_array() {
        let page = paginate(
            &call("/api/v2/get_runs/1&limit=2"),
            "runs",
            numbers(5),
            std::convert::identity,
            true,
        );
        assert_eq!(page.unwrap(), json!([1, 2]));
    }
}
