//! TestRail's two shapes of list answers, and walking through pages.
//!
//! Since TestRail 6.7 bulk GETs answer `{offset, limit, size, _links: {next, prev}, <key>: [...]}`
//! with at most 250 items; older servers (and a few endpoints even today, e.g. `get_statuses`)
//! answer a bare array holding the whole list. `_links.next` is relative to the API root
//! without `index.php?` and is `null` on the last page. Pages can overlap when items are added
//! while we read, so items are de-duplicated by `id`.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use serde_json::value::RawValue;

/// One page of a list answer, its items not yet decoded (each is decoded straight into the
/// caller's type: a page of 250 cases never becomes a tree of `Value`s).
#[derive(Debug, Default)]
pub struct Page<'a> {
    /// The items on this page, as the server wrote them.
    pub items: Vec<&'a RawValue>,
    /// The relative link to the next page, if any.
    pub next: Option<String>,
}

#[derive(Deserialize)]
struct Links {
    #[serde(default)]
    next: Option<String>,
}

/// Read a list answer: a bare array, or an envelope holding `key`.
pub fn parse_page<'a>(body: &'a RawValue, key: &str) -> Result<Page<'a>, String> {
    let text = body.get();
    match text.as_bytes().first() {
        Some(b'[') => {
            let items = serde_json::from_str(text).map_err(|e| e.to_string())?;
            Ok(Page { items, next: None })
        }
        Some(b'{') => {
            let map: BTreeMap<String, &RawValue> =
                serde_json::from_str(text).map_err(|e| e.to_string())?;
            let items = match map.get(key) {
                Some(list) if list.get().starts_with('[') => {
                    serde_json::from_str(list.get()).map_err(|e| e.to_string())?
                }
                Some(_) => return Err(format!("`{key}` is not a list")),
                None => return Err(format!("neither a list nor an object holding `{key}`")),
            };
            let next = map
                .get("_links")
                .and_then(|l| serde_json::from_str::<Links>(l.get()).ok())
                .and_then(|l| l.next)
                .filter(|s| !s.is_empty());
            Ok(Page { items, next })
        }
        _ => Err(format!("expected a list, got {}", kind(text))),
    }
}

/// The `id` of a list item, as written, for spotting repeats across pages.
pub fn item_id(item: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct Id<'a> {
        #[serde(borrow, default)]
        id: Option<&'a RawValue>,
    }
    serde_json::from_str::<Id>(item.get())
        .ok()
        .and_then(|i| i.id)
        .map(|id| id.get().to_string())
}

/// Collects items across pages, dropping repeats of an `id` already seen.
#[derive(Debug)]
pub struct Collector<T> {
    seen: HashSet<String>,
    items: Vec<T>,
    visited: HashSet<String>,
}

impl<T> Default for Collector<T> {
    fn default() -> Self {
        Collector {
            seen: HashSet::new(),
            items: Vec::new(),
            visited: HashSet::new(),
        }
    }
}

impl<T> Collector<T> {
    /// Whether an item with this `id` (or without one) is new; remembers the ID.
    pub fn is_new(&mut self, id: Option<String>) -> bool {
        match id {
            Some(id) => self.seen.insert(id),
            None => true,
        }
    }

    /// Keep an item (after [`Collector::is_new`] said it is new).
    pub fn push(&mut self, item: T) {
        self.items.push(item);
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
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
}

fn kind(text: &str) -> &'static str {
    match text.as_bytes().first() {
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        Some(b'"') => "a string",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_string()).unwrap()
    }

    fn texts(page: &Page<'_>) -> Vec<String> {
        page.items.iter().map(|i| i.get().to_string()).collect()
    }

    #[test]
    fn reads_envelopes_and_bare_arrays() {
        let body = raw(r#"{"offset": 0, "limit": 250, "size": 1,
                   "_links": {"next": "/api/v2/get_runs/1&limit=250&offset=250", "prev": null},
                   "runs": [{"id": 1}]}"#);
        let page = parse_page(&body, "runs").unwrap();
        assert_eq!(texts(&page), [r#"{"id": 1}"#]);
        assert_eq!(
            page.next.as_deref(),
            Some("/api/v2/get_runs/1&limit=250&offset=250")
        );

        let body = raw(r#"{"_links": {"next": null}, "runs": []}"#);
        let last = parse_page(&body, "runs").unwrap();
        assert!(last.items.is_empty() && last.next.is_none());

        let body = raw(r#"[{"id": 2}, {"id": 3}]"#);
        let legacy = parse_page(&body, "runs").unwrap();
        assert_eq!(legacy.items.len(), 2);
        assert_eq!(legacy.next, None);
    }

    #[test]
    fn wrong_shapes_say_what_they_are() {
        let err = |text: &str| parse_page(&raw(text), "runs").unwrap_err();
        assert!(err(r#"{"cases": []}"#).contains("`runs`"));
        assert!(err(r#"{"runs": 3}"#).contains("not a list"));
        assert!(err("null").contains("null"));
        assert!(err(r#""x""#).contains("a string"));
    }

    #[test]
    fn overlapping_pages_are_deduplicated_by_id() {
        let mut c = Collector::default();
        let page = raw(r#"[{"id": 1}, {"id": 2}, {"id": 2}, {"id": "2"}, {"name": "no id"}]"#);
        for item in parse_page(&page, "runs").unwrap().items {
            if c.is_new(item_id(item)) {
                c.push(item.get().to_string());
            }
        }
        assert_eq!(
            c.len(),
            4,
            "the second {{\"id\": 2}} is a repeat; \"2\" is another ID"
        );
        assert!(c.should_follow("/a&offset=250"));
        assert!(!c.should_follow("/a&offset=250"));
        assert_eq!(c.into_items()[..2], [r#"{"id": 1}"#, r#"{"id": 2}"#]);
    }
}
