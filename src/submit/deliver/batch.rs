//! Splitting results into `add_results_for_cases` calls.
//!
//! Fewer calls matter (TestRail Cloud allows ~180 requests a minute), but a batch is
//! all-or-nothing on the server and a too-big body gets a 413 from the proxy in front of it.
//! So a batch is bounded both by count and by its serialized size. How many results go in one
//! request within those bounds is `pace::batch_size`'s choice.

use std::ops::Range;

use serde::Serialize;

/// Default `--batch-size`: TestRail's page size, and what one request comfortably carries.
pub const DEFAULT_BATCH_SIZE: usize = 250;

/// Serialized body limit per request, well below common proxy limits (nginx's default
/// `client_max_body_size` is 1 MiB on some installs, so keep this configurable in code).
pub const MAX_BATCH_BYTES: usize = 2 * 1024 * 1024;

/// `{"results":[` + `]}`.
const ENVELOPE: usize = 14;

/// Split `items` into consecutive ranges of at most `max_count` items whose JSON body stays
/// within `max_bytes`. An item bigger than `max_bytes` on its own still gets a batch of one.
pub fn batches<T: Serialize>(items: &[T], max_count: usize, max_bytes: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < items.len() {
        let end = batch_end(items, start, max_count, max_bytes);
        out.push(start..end);
        start = end;
    }
    out
}

/// Where the batch starting at `start` ends: at most `max_count` items and `max_bytes` of
/// JSON, and always at least one item.
pub fn batch_end<T: Serialize>(
    items: &[T],
    start: usize,
    max_count: usize,
    max_bytes: usize,
) -> usize {
    let max_count = max_count.max(1);
    let mut size = ENVELOPE;
    for (i, item) in items.iter().enumerate().skip(start) {
        let item_size = json_len(item) + 1;
        if i - start >= max_count || (i > start && size + item_size > max_bytes) {
            return i;
        }
        size += item_size;
    }
    items.len()
}

/// The length of an item's JSON, counted as it is written rather than built in memory (a
/// copy of every comment only to measure it was a tenth of a 10,000-result submit's CPU).
fn json_len<T: Serialize>(item: &T) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Serializing our own plain structs cannot fail; count a failure as huge to be safe.
    match serde_json::to_writer(&mut count, item) {
        Ok(()) => count.0,
        Err(_) => usize::MAX / 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_by_count() {
        let items: Vec<u32> = (0..601).collect();
        let b = batches(&items, 250, MAX_BATCH_BYTES);
        assert_eq!(b, vec![0..250, 250..500, 500..601]);
        assert!(batches::<u32>(&[], 250, MAX_BATCH_BYTES).is_empty());
    }

    #[test]
    fn bounded_by_size() {
        let big = "x".repeat(1000);
        let items = vec![big.clone(); 10];
        let b = batches(&items, 250, 3500);
        assert_eq!(b, vec![0..3, 3..6, 6..9, 9..10]);
        for r in &b {
            let body = serde_json::json!({ "results": &items[r.clone()] }).to_string();
            assert!(body.len() <= 3500, "{}", body.len());
        }
    }

    #[test]
    fn the_counted_length_is_the_serialized_length() {
        let item = serde_json::json!({"comment": "line 1\n\"quoted\" \u{1b}[31m é", "case_id": 7});
        assert_eq!(json_len(&item), serde_json::to_vec(&item).unwrap().len());
    }

    #[test]
    fn an_oversized_item_goes_alone() {
        let items = vec!["a".to_string(), "x".repeat(5000), "b".to_string()];
        assert_eq!(batches(&items, 250, 1000), vec![0..1, 1..2, 2..3]);
    }
}
