//! The pieces every page shares: escaping, the page shell, and the status chart.

use crate::sandbox::store::{Status, Store};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Text made safe for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: title, a header linking home, and the body. `base` makes links absolute so
/// a page works under a sub-path install.
pub fn page(base: &str, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <base href=\"{base}\"><title>{t} - TestRail sandbox</title>\
         <style>body{{font-family:sans-serif;margin:2em;color:#222}}\
         table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;\
         padding:4px 8px;text-align:left;vertical-align:top}}pre{{white-space:pre-wrap;\
         margin:0;font-size:90%}}.chart{{display:flex;height:18px;width:480px;\
         border:1px solid #999}}.legend span{{margin-right:1em}}\
         .swatch{{display:inline-block;width:10px;height:10px;margin-right:4px}}\
         td.status{{white-space:nowrap}}</style>\
         </head><body><p><a href=\"index.php?/dashboard\">TestRail sandbox</a></p>\
         <h1>{t}</h1>{body}</body></html>",
        base = esc(base),
        t = esc(title),
    )
}

/// The colour TestRail gives a status; custom statuses get a neutral one of their own.
fn colour(status_id: u64) -> &'static str {
    match status_id {
        1 => "#3cb850",
        2 => "#474747",
        3 => "#c4c4c4",
        4 => "#f0b400",
        5 => "#e2362c",
        6 => "#7e57c2",
        7 => "#29b6f6",
        _ => "#8d6e63",
    }
}

/// The display name of a status ID (its label, as TestRail's UI shows it).
pub fn status_label(store: &Store, status_id: u64) -> String {
    store.statuses.get(&status_id).map_or_else(
        || format!("Status {status_id}"),
        |s: &Status| s.label.clone(),
    )
}

/// A status cell: a swatch and the label.
pub fn status_cell(store: &Store, status_id: u64) -> String {
    format!(
        "<span class=\"swatch\" style=\"background:{}\"></span>{}",
        colour(status_id),
        esc(&status_label(store, status_id))
    )
}

/// Counts of tests by status: a stacked bar and a legend naming every status that has tests,
/// so the numbers always add up to the total (custom statuses included).
pub fn chart(store: &Store, counts: &BTreeMap<u64, u64>) -> String {
    let total: u64 = counts.values().sum();
    let mut bar = String::new();
    let mut legend = String::new();
    for (&status, &count) in counts.iter().filter(|(_, c)| **c > 0) {
        let width = count as f64 * 100.0 / total.max(1) as f64;
        let label = esc(&status_label(store, status));
        let _ = write!(
            bar,
            "<div title=\"{label}: {count}\" style=\"width:{width:.2}%;background:{}\"></div>",
            colour(status)
        );
        let _ = write!(
            legend,
            "<span class=\"count\" data-status=\"{label}\">{} {count}</span>",
            status_cell(store, status)
        );
    }
    format!(
        "<div class=\"chart\">{bar}</div><p class=\"legend\">{legend}\
         <span class=\"total\">Total {total}</span></p>"
    )
}
