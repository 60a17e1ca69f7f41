//! After a results write whose outcome is unknown (the connection dropped after sending):
//! which entries of *that batch* landed, at a cost that does not grow with every drop.
//!
//! Reading the whole run per drop made recovery cost more than the failure (21 drops at 20,000
//! results: 2,700 extra reads). Here the run's test → case map is read once per process and
//! run, and only the newest results are read: `get_results_for_run` answers newest first, so a
//! batch that landed is on the first page or two, and reading stops once every entry of the
//! batch is accounted for (or the results since the batch was sent are exhausted).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::submit::plan::results::ResultEntry;
use crate::testrail::{ApiError, Client};

/// Each run's case → test map, read once (tests of a run keep their IDs).
static TESTS: Mutex<Option<HashMap<u64, HashMap<u64, u64>>>> = Mutex::new(None);

/// Result IDs of the entries that already landed in the run: same case, status and comment,
/// created since `since`, and with an ID above `after` when given (the highest result ID
/// TestRail had answered before the batch was sent: IDs only grow, so nothing at or below it
/// can be the batch's, and reading stops there).
pub async fn landed_batch(
    client: &Client,
    run_id: u64,
    entries: &[&ResultEntry],
    since: i64,
    after: Option<u64>,
) -> Result<HashMap<u64, u64>, ApiError> {
    let test_of = tests_of(client, run_id, entries).await?;
    let wanted: HashMap<u64, &ResultEntry> = entries
        .iter()
        .filter_map(|e| test_of.get(&e.case_id).map(|&t| (t, *e)))
        .collect();
    let mut found = HashMap::new();
    let mut offset = 0;
    loop {
        let page = client
            .get_results_for_run_page(run_id, since, offset)
            .await?;
        for r in &page {
            let Some(e) = wanted.get(&r.test_id) else {
                continue;
            };
            if r.status_id == Some(e.status_id) && r.comment.as_deref() == e.comment.as_deref() {
                found.entry(e.case_id).or_insert(r.id);
            }
        }
        let older = after.is_some_and(|a| page.iter().any(|r| r.id <= a));
        if page.len() < crate::testrail::PAGE_SIZE || found.len() == wanted.len() || older {
            return Ok(found);
        }
        offset += page.len();
    }
}

/// The run's case → test map, from the cache unless a case of `entries` is not in it.
async fn tests_of(
    client: &Client,
    run_id: u64,
    entries: &[&ResultEntry],
) -> Result<HashMap<u64, u64>, ApiError> {
    if let Some(known) = cached(run_id) {
        if entries.iter().all(|e| known.contains_key(&e.case_id)) {
            return Ok(known);
        }
    }
    let map: HashMap<u64, u64> = client
        .get_tests(run_id)
        .await?
        .into_iter()
        .map(|t| (t.case_id, t.id))
        .collect();
    if let Ok(mut cache) = TESTS.lock() {
        cache
            .get_or_insert_with(HashMap::new)
            .insert(run_id, map.clone());
    }
    Ok(map)
}

fn cached(run_id: u64) -> Option<HashMap<u64, u64>> {
    TESTS.lock().ok()?.as_ref()?.get(&run_id).cloned()
}
