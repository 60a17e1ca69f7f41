//! Which cases a run holds. TestRail quirks live here: `include_all` defaults to true, and a
//! new `case_ids` list *replaces* the selection — tests of removed cases disappear together
//! with their results, which is how naive parallel shards lose each other's data.

use super::ApiError;
use crate::sandbox::store::{Store, Test};
use std::collections::{HashMap, HashSet};

/// Check `case_ids` against the run's suite and collapse duplicates (first occurrence wins).
pub fn validate_case_ids(
    store: &Store,
    suite_id: u64,
    raw: &[Option<u64>],
) -> Result<Vec<u64>, ApiError> {
    let mut ids = Vec::with_capacity(raw.len());
    let mut seen = HashSet::with_capacity(raw.len());
    for id in raw {
        let known = id.filter(|id| store.cases.get(id).is_some_and(|c| c.suite_id == suite_id));
        let id = known
            .ok_or_else(|| ApiError::bad("Field :case_ids contains unrecognized case IDs."))?;
        if seen.insert(id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Every case of a suite, in display order.
pub fn all_cases(store: &Store, suite_id: u64) -> Vec<u64> {
    store
        .cases_of_suite(suite_id)
        .iter()
        .map(|c| c.id)
        .collect()
}

/// Make the run hold exactly `wanted`: tests whose case stays keep their status and results,
/// the others are deleted with their results, new cases get an untested test.
pub fn set_selection(store: &mut Store, run_id: u64, suite_id: u64, wanted: &[u64]) {
    let wanted: HashSet<u64> = wanted.iter().copied().collect();
    let existing: HashMap<u64, u64> = store
        .tests_of_run(run_id)
        .map(|t| (t.case_id, t.id))
        .collect();
    let removed: HashSet<u64> = existing
        .iter()
        .filter(|(case_id, _)| !wanted.contains(case_id))
        .map(|(_, test_id)| *test_id)
        .collect();
    store.remove_tests(&removed);
    let added: Vec<u64> = all_cases(store, suite_id)
        .into_iter()
        .filter(|id| wanted.contains(id) && !existing.contains_key(id))
        .collect();
    for case_id in added {
        add_test(store, run_id, case_id);
    }
}

/// Add an untested test for a case to a run.
pub fn add_test(store: &mut Store, run_id: u64, case_id: u64) {
    let id = store.alloc("tests");
    let test = Test {
        id,
        run_id,
        case_id,
        status_id: 3,
        assignedto_id: None,
    };
    store.tests.insert(test);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::load::build;
    use crate::sandbox::seed::Seed;

    fn cases_of(store: &Store, run_id: u64) -> Vec<(u64, u64)> {
        store
            .tests_of_run(run_id)
            .map(|t| (t.case_id, t.status_id))
            .collect()
    }

    #[test]
    fn duplicates_collapse_and_foreign_ids_are_refused() {
        let store = build(&Seed::demo(), 0).unwrap();
        let ids = validate_case_ids(&store, 1, &[Some(3), Some(1), Some(3)]).unwrap();
        assert_eq!(ids, [3, 1]);
        let err = validate_case_ids(&store, 1, &[Some(1), None]).unwrap_err();
        assert_eq!(
            err.message,
            "Field :case_ids contains unrecognized case IDs."
        );
        assert!(validate_case_ids(&store, 2, &[Some(1)]).is_err());
    }

    #[test]
    fn a_new_selection_keeps_staying_tests_and_drops_the_rest() {
        let mut store = build(&Seed::demo(), 0).unwrap();
        set_selection(&mut store, 1, 1, &[4, 2]);
        assert_eq!(
            cases_of(&store, 1),
            [(2, 3), (4, 3)],
            "suite order, untested"
        );
        let ids: Vec<u64> = store.tests.values().map(|t| t.id).collect();
        for id in ids {
            store.tests.get_mut(&id).unwrap().status_id = 1;
        }
        set_selection(&mut store, 1, 1, &[4, 5]);
        assert_eq!(cases_of(&store, 1), [(4, 1), (5, 3)]);
    }
}
