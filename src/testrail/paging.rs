//! TestRail's two shapes of list answers, and walking through pages.
//!
//! Since TestRail 6.7 bulk GETs answer `{offset, limit, size, _links: {next, prev}, <key>: [...]}`
//! with at most 250 items; older servers (and a few endpoints even today, e.g. `get_statuses`)
//! answer a bare array holding the whole list. `_links.next` is relative to the API root
//! without `index.php?` and is `null` on the last page. Pages can overlap when items are added
//! while we read, so items are de-duplicated by `id`.

use std::collections::HashSet;

use serde_json::Value;

/// One page of a list answer.
#[derive(Debug, Default, PartialEq)]
pub struct Page {
    /// The items on this page.
    pub items: Vec<Value>,
    /// The relative link to the next page, if any.
    pub next: Option<String>,
}

/// Read a list answer: a bare array, or an envelope holding `key`.
pub fn parse_page(body: Value, key: &str) -> Result<Page, String> {
    match body {
        Value::Array(items) => Ok(Page { items, next: None }),
        Value::Object(mut map) => {
            let items = match map.remove(key) {
                Some(Value::Array(items)) => items,
                Some(_) => return Err(format!("`{key}` is not a list")),
                None => return Err(format!("neither a list nor an object holding `{key}`")),
            };
            let next = map
                .get("_links")
                .and_then(|l| l.get("next"))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            Ok(Page { items, next })
        }
        other => Err(format!("expected a list, got {}", kind(&other))),
    }
}

/// Collects items across pages, dropping repeats of an `id` already seen.
#[derive(Debug, Default)]
pub struct Collector {
    seen: HashSet<String>,
    items: Vec<Value>,
    visited: HashSet<String>,
}

impl Collector {
    /// Add a page's items; returns how many were new.
    pub fn extend(&mut self, items: Vec<Value>) -> usize {
        let before = self.items.len();
        for item in items {
            let fresh = match item.get("id") {
                Some(id) => self.seen.insert(id.to_string()),
                None => true,
            };
            if fresh {
                self.items.push(item);
            }
        }
        self.items.len() - before
    }

    /// Whether to follow `next`: false when it repeats a link already followed (a loop).
    pub fn should_follow(&mut self, next: &str) -> bool {
        self.visited.insert(next.to_string())
    }

    /// Items collected so far.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// All items, in first-seen order.
    pub fn into_items(self) -> Vec<Value> {
        self.items
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_envelopes_and_bare_arrays() {
        let page = parse_page(
            json!({"offset": 0, "limit": 250, "size": 1,
                   "_links": {"next": "/api/v2/get_runs/1&limit=250&offset=250", "prev": null},
                   "runs": [{"id": 1}]}),
            "runs",
        )
        .unwrap();
        assert_eq!(page.items, vec![json!({"id": 1})]);
        assert_eq!(
            page.next.as_deref(),
            Some("/api/v2/get_runs/1&limit=250&offset=250")
        );

        let last = parse_page(json!({"_links": {"next": null}, "runs": []}), "runs").unwrap();
        assert_eq!(last, Page::default());

        let legacy = parse_page(json!([{"id": 2}, {"id": 3}]), "runs").unwrap();
        assert_eq!(legacy.items.len(), 2);
        assert_eq!(legacy.next, None);
    }

    #[test]
    fn wrong_shapes_say_what_they_are() {
        assert!(
            parse_page(json!({"cases": []}), "runs")
                .unwrap_err()
                .contains("`runs`")
        );
        assert!(parse_page(json!({"runs": 3}), "runs").is_err());
        assert!(
            parse_page(Value::Null, "runs")
                .unwrap_err()
                .contains("null")
        );
    }

    #[test]
    fn overlapping_pages_are_deduplicated_by_id() {
        let mut c = Collector::default();
        assert_eq!(c.extend(vec![json!({"id": 1}), json!({"id": 2})]), 2);
        assert_eq!(c.extend(vec![json!({"id": 2}), json!({"id": 3})]), 1);
        assert_eq!(c.extend(vec![json!({"name": "no id"})]), 1);
        assert_eq!(c.len(), 4);
        assert!(c.should_follow("/a&offset=250"));
        assert!(!c.should_follow("/a&offset=250"));
        let ids: Vec<_> = c
            .into_items()
            .iter()
            .map(|v| v.get("id").cloned())
            .collect();
        assert_eq!(ids[..3], [Some(json!(1)), Some(json!(2)), Some(json!(3))]);
    }
}
