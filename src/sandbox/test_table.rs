//! The sandbox's tests, found by ID and by (run, case).
//!
//! `add_results_for_cases` names tests by case. Building a case→test map of the whole run on
//! every call made a 100,000-case upload quadratic (400 batches × 100,000 inserts: 4 s of the
//! sandbox's 5 s), so the table keeps that index alongside the tests and updates both together.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A test: one case inside one run, carrying the case's current status in that run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Test {
    pub id: u64,
    pub run_id: u64,
    pub case_id: u64,
    pub status_id: u64,
    pub assignedto_id: Option<u64>,
}

/// Tests keyed by ID, plus an index from (run ID, case ID) to test ID.
#[derive(Clone, Debug, Default)]
pub struct TestTable {
    by_id: BTreeMap<u64, Test>,
    by_case: HashMap<(u64, u64), u64>,
}

impl TestTable {
    /// The test with this ID.
    pub fn get(&self, id: &u64) -> Option<&Test> {
        self.by_id.get(id)
    }

    /// The test with this ID, to change its status or assignee. Its run and case are part of
    /// the index and must not be changed through this reference.
    pub fn get_mut(&mut self, id: &u64) -> Option<&mut Test> {
        self.by_id.get_mut(id)
    }

    /// The ID of the test of `case_id` in `run_id`, if the run holds that case.
    pub fn of_case(&self, run_id: u64, case_id: u64) -> Option<u64> {
        self.by_case.get(&(run_id, case_id)).copied()
    }

    /// Add a test (replacing any test with the same ID).
    pub fn insert(&mut self, test: Test) {
        if let Some(old) = self.by_id.insert(test.id, test.clone()) {
            self.by_case.remove(&(old.run_id, old.case_id));
        }
        self.by_case.insert((test.run_id, test.case_id), test.id);
    }

    /// Remove the tests with these IDs.
    pub fn remove_all(&mut self, ids: &HashSet<u64>) {
        let by_case = &mut self.by_case;
        self.by_id.retain(|id, test| {
            let keep = !ids.contains(id);
            if !keep {
                by_case.remove(&(test.run_id, test.case_id));
            }
            keep
        });
    }

    /// All tests, in ID order.
    pub fn values(&self) -> impl Iterator<Item = &Test> {
        self.by_id.values()
    }

    /// The highest test ID, 0 when there are none.
    pub fn max_id(&self) -> u64 {
        self.by_id.keys().next_back().copied().unwrap_or(0)
    }
}

impl From<BTreeMap<u64, Test>> for TestTable {
    fn from(by_id: BTreeMap<u64, Test>) -> Self {
        let by_case = by_id
            .values()
            .map(|t| ((t.run_id, t.case_id), t.id))
            .collect();
        TestTable { by_id, by_case }
    }
}

// The state file and `/__sandbox/state` show tests as the plain ID-keyed map they always were.
impl Serialize for TestTable {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.by_id.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for TestTable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BTreeMap::deserialize(deserializer).map(TestTable::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(id: u64, run_id: u64, case_id: u64) -> Test {
        Test {
            id,
            run_id,
            case_id,
            status_id: 3,
            assignedto_id: None,
        }
    }

    #[test]
    fn the_case_index_follows_inserts_and_removals() {
        let mut table = TestTable::default();
        table.insert(test(1, 10, 100));
        table.insert(test(2, 10, 200));
        table.insert(test(3, 11, 100));
        assert_eq!(table.of_case(10, 100), Some(1));
        assert_eq!(table.of_case(11, 100), Some(3));
        assert_eq!(table.of_case(11, 200), None);
        table.remove_all(&HashSet::from([1, 3]));
        assert_eq!(table.of_case(10, 100), None);
        assert_eq!(table.of_case(11, 100), None);
        assert_eq!(table.of_case(10, 200), Some(2));
        assert_eq!(table.max_id(), 2);
    }

    #[test]
    fn a_state_round_trip_rebuilds_the_index() {
        let mut table = TestTable::default();
        table.insert(test(7, 1, 42));
        let json = serde_json::to_string(&table).unwrap();
        assert!(json.starts_with("{\"7\":{"), "{json}");
        let back: TestTable = serde_json::from_str(&json).unwrap();
        assert_eq!(back.of_case(1, 42), Some(7));
    }
}
