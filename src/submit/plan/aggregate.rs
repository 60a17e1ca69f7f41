//! One result per case: several testcases can name the same case ID (parametrised tests, the
//! same test in two reports, a retried shard). TestRail would keep only the last result posted
//! for a case, so we merge them first and let the worst outcome win.

use crate::report::{Outcome, TestCase};

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
        worst_outcome(self.tests.iter().copied())
    }

    /// Failed attempts of tests that passed in the end (flaky retries).
    pub fn flaky_retries(&self) -> u32 {
        self.tests
            .iter()
            .filter(|t| t.is_flaky())
            .map(|t| u32::from(t.retries))
            .sum()
    }
}

/// The outcome of a case reported by these testcases: the worst of theirs, passed for none.
pub fn worst_outcome<'a>(tests: impl IntoIterator<Item = &'a TestCase>) -> Outcome {
    tests
        .into_iter()
        .map(|t| t.outcome)
        .max()
        .unwrap_or(Outcome::Passed)
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
        .iter()
        .map(|(case_id, members)| CaseGroup {
            case_id,
            tests: members.iter().map(|&i| tests[i]).collect(),
        })
        .collect()
}

/// Mapped testcases grouped by case ID, in the order case IDs first appear (so results land
/// in a predictable order): each case ID with the positions of its testcases among all the
/// reports' testcases. Positions, not references, let the submit plan a group at a time and
/// release each testcase's texts once no later group needs them. Flat, because a submit keeps
/// it to the end: a vector per case would cost about 70 bytes a case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Groups {
    case_ids: Vec<u64>,
    /// Group `i`'s positions are `positions[ends[i - 1]..ends[i]]` (from 0 for the first).
    ends: Vec<usize>,
    positions: Vec<usize>,
}

impl Groups {
    /// How many case IDs.
    pub fn len(&self) -> usize {
        self.case_ids.len()
    }

    /// Whether no test was mapped.
    pub fn is_empty(&self) -> bool {
        self.case_ids.is_empty()
    }

    /// The groups whose case ID `keep` accepts (one suite's cases, say), order kept.
    pub fn only(&self, keep: impl Fn(u64) -> bool) -> Groups {
        let mut out = Groups {
            case_ids: Vec::new(),
            ends: Vec::new(),
            positions: Vec::new(),
        };
        for (case_id, positions) in self.iter().filter(|(id, _)| keep(*id)) {
            out.case_ids.push(case_id);
            out.positions.extend_from_slice(positions);
            out.ends.push(out.positions.len());
        }
        out
    }

    /// The case IDs, in first-appearance order.
    pub fn case_ids(&self) -> &[u64] {
        &self.case_ids
    }

    /// Each case ID with the positions of its testcases, in report order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &[usize])> + '_ {
        self.case_ids.iter().enumerate().map(|(i, &case_id)| {
            let start = if i == 0 { 0 } else { self.ends[i - 1] };
            (case_id, &self.positions[start..self.ends[i]])
        })
    }
}

/// Group mapped testcases (`mapped[i]`: the case IDs of testcase `i`) by case ID. A test that
/// names the same case twice (`C1 C1`) still counts once.
pub fn group_indices(mapped: &[Vec<u64>]) -> Groups {
    let mut slots = std::collections::HashMap::new();
    let mut case_ids = Vec::new();
    // (group, test) pairs in report order; a stable sort by group then keeps report order
    // within each group (and is near-linear: groups mostly appear in order already).
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, ids) in mapped.iter().enumerate() {
        let first = pairs.len();
        for &case_id in ids {
            let slot = *slots.entry(case_id).or_insert_with(|| {
                case_ids.push(case_id);
                case_ids.len() - 1
            });
            if !pairs[first..].contains(&(slot, i)) {
                pairs.push((slot, i));
            }
        }
    }
    pairs.sort_by_key(|&(slot, _)| slot);
    let mut ends = vec![0; case_ids.len()];
    for &(slot, _) in &pairs {
        ends[slot] += 1;
    }
    let mut total = 0;
    for end in &mut ends {
        total += *end;
        *end = total;
    }
    Groups {
        case_ids,
        ends,
        positions: pairs.into_iter().map(|(_, i)| i).collect(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::{Record, RecordKind, Text};
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
    fn positions_are_flat_per_case_in_report_order() {
        let mapped = [vec![7], vec![], vec![3, 7, 3], vec![9], vec![7]];
        let groups = group_indices(&mapped);
        let got: Vec<(u64, Vec<usize>)> = groups.iter().map(|(c, p)| (c, p.to_vec())).collect();
        assert_eq!(got, [(7, vec![0, 2, 4]), (3, vec![2]), (9, vec![3])]);
        assert_eq!(groups.case_ids(), [7, 3, 9]);
        assert_eq!(groups.len(), 3);
        assert!(group_indices(&[vec![], vec![]]).is_empty());
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
