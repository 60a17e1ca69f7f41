//! One result per case: several testcases can name the same case ID (parametrised tests, the
//! same test in two reports, a retried shard). TestRail would keep only the last result posted
//! for a case, so we merge them first and let the worst outcome win.

use crate::junit::{Outcome, TestCase};

/// The testcases reported against one case ID.
#[derive(Debug, Clone)]
pub struct CaseGroup<'a> {
    /// The TestRail case ID (without the `C`).
    pub case_id: u64,
    /// Every testcase mapped to it, in report order.
    pub tests: Vec<&'a TestCase>,
}

impl CaseGroup<'_> {
    /// The aggregate outcome: error/failed > skipped > passed (the order of [`Outcome`]).
    pub fn outcome(&self) -> Outcome {
        self.tests
            .iter()
            .map(|t| t.outcome)
            .max()
            .unwrap_or(Outcome::Passed)
    }

    /// Failed attempts of tests that passed in the end (flaky retries).
    pub fn flaky_retries(&self) -> u32 {
        self.tests
            .iter()
            .filter(|t| t.is_flaky())
            .map(|t| t.retries)
            .sum()
    }
}

/// [`group_indices`] over (testcase, case IDs) pairs, as groups of testcases: how unit tests
/// build the groups the pipeline builds from positions.
#[cfg(test)]
pub(crate) fn group<'a, I, C>(mapped: I) -> Vec<CaseGroup<'a>>
where
    I: IntoIterator<Item = (&'a TestCase, C)>,
    C: IntoIterator<Item = u64>,
{
    let (tests, ids): (Vec<&TestCase>, Vec<Vec<u64>>) = mapped
        .into_iter()
        .map(|(t, c)| (t, c.into_iter().collect()))
        .unzip();
    group_indices(&ids)
        .into_iter()
        .map(|(case_id, members)| CaseGroup {
            case_id,
            tests: members.into_iter().map(|i| tests[i]).collect(),
        })
        .collect()
}

/// Group mapped testcases by case ID, keeping the order in which case IDs first appear so
/// results land in a predictable order: each case ID with the indices (into `mapped`) of its
/// testcases. Positions, not references, let the submit plan a group at a time and release
/// each testcase's texts once no later group needs them.
pub fn group_indices(mapped: &[Vec<u64>]) -> Vec<(u64, Vec<usize>)> {
    let mut groups: Vec<(u64, Vec<usize>)> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (i, case_ids) in mapped.iter().enumerate() {
        for &case_id in case_ids {
            let slot = *index.entry(case_id).or_insert_with(|| {
                groups.push((case_id, Vec::new()));
                groups.len() - 1
            });
            let members = &mut groups[slot].1;
            // A test naming the same case twice (`C1 C1`) still counts once.
            if members.last() != Some(&i) {
                members.push(i);
            }
        }
    }
    groups
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::junit::{Record, RecordKind, Text};
    use std::path::Path;
    use std::sync::Arc;

    /// A hand-built testcase for unit tests across the submit pipeline.
    pub(crate) fn test(name: &str, outcome: Outcome) -> TestCase {
        TestCase {
            outcome,
            ..TestCase::new(
                Arc::from(Path::new("reports/junit.xml")),
                Arc::from(vec!["suite".to_string()]),
                "pkg.Class".into(),
                name.into(),
            )
        }
    }

    /// A failing testcase with a failure record.
    pub(crate) fn failing(name: &str, kind: &str, message: &str, body: &str) -> TestCase {
        let mut t = test(name, Outcome::Failed);
        t.records.push(Record {
            kind: RecordKind::Failure,
            kind_name: Some(kind.into()),
            message: Some(message.into()),
            body: Text {
                text: body.into(),
                truncated: false,
            },
        });
        t
    }

    #[test]
    fn groups_by_case_in_first_appearance_order() {
        let a = test("a", Outcome::Passed);
        let b = test("b", Outcome::Failed);
        let c = test("c", Outcome::Skipped);
        let groups = group([(&a, vec![7]), (&b, vec![3, 7]), (&c, vec![3])]);
        let ids: Vec<_> = groups.iter().map(|g| g.case_id).collect();
        assert_eq!(ids, [7, 3]);
        assert_eq!(groups[0].tests.len(), 2);
        assert_eq!(groups[0].outcome(), Outcome::Failed);
        assert_eq!(groups[1].outcome(), Outcome::Failed);
    }

    #[test]
    fn worst_outcome_wins() {
        let p = test("p", Outcome::Passed);
        let s = test("s", Outcome::Skipped);
        let e = test("e", Outcome::Error);
        assert_eq!(group([(&p, [1]), (&s, [1])])[0].outcome(), Outcome::Skipped);
        assert_eq!(group([(&e, [1]), (&s, [1])])[0].outcome(), Outcome::Error);
        assert_eq!(group([(&p, [1])])[0].outcome(), Outcome::Passed);
    }

    #[test]
    fn a_test_naming_a_case_twice_counts_once() {
        let a = test("a", Outcome::Passed);
        let groups = group([(&a, vec![5, 5])]);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].tests.len(), 1);
    }

    #[test]
    fn flaky_retries_count_only_tests_that_passed() {
        let mut flaky = test("f", Outcome::Passed);
        flaky.retries = 2;
        let mut broken = test("b", Outcome::Failed);
        broken.retries = 3;
        let groups = group([(&flaky, [1]), (&broken, [1])]);
        assert_eq!(groups[0].flaky_retries(), 2);
    }
}
