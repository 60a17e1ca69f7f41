//! Which suite each case is in, in a multi-suite project without `--suite-id`: read-only
//! look-ups that come before any write (the multi-suite submit, its dry run, `--strict` and
//! `--case-matcher automation-id` all need them).
//!
//! A report may say a test's suite (`testrail_suite_id`, carried as the test's suite hint).
//! A hinted suite's cases are read once to check the hints; only the cases without a hint
//! (or with a wrong one) are looked for in the other suites, and that search stops once every
//! case is found. A hint TestRail contradicts stops the submit before anything is written.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::error::Error;
use crate::report::TestCase;
use crate::testrail::{Case, Client};

use super::target::{api, ids, is_several_suites};
use crate::submit::plan::aggregate::{Groups, group_indices};

/// What the report says about one case's suite, and a test that says it (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hint {
    /// The suite the report names.
    pub suite: u64,
    /// `classname.name` of a test that names it.
    pub test: String,
}

/// Each hinted case's [`Hint`], by case ID.
pub(crate) type Hints = BTreeMap<u64, Hint>;

/// The report's suite for each case that has one. Two tests of one case naming different
/// suites is an input error: one of them is wrong, and which cannot be guessed.
pub(crate) fn hints(tests: &[&TestCase], groups: &Groups) -> anyhow::Result<Hints> {
    let mut out = Hints::new();
    for (case_id, positions) in groups.iter() {
        for &i in positions {
            let Some(suite) = tests[i].suite_hint else {
                continue;
            };
            let hint = Hint {
                suite: u64::from(suite.get()),
                test: tests[i].full_name(),
            };
            match out.get(&case_id) {
                Some(first) if first.suite != hint.suite => {
                    return Err(Error::Input(format!(
                        "C{case_id} is put in suite S{} by test \"{}\" and in S{} by test \
                         \"{}\" (testrail_suite_id); a case is in one suite: fix the reports; \
                         nothing was written",
                        first.suite, first.test, hint.suite, hint.test
                    ))
                    .into());
                }
                Some(_) => {}
                None => {
                    out.insert(case_id, hint);
                }
            }
        }
    }
    Ok(out)
}

/// Before any write: the hints of one case agree, and with a suite named on the command line
/// (`--suite-id`) they name it. Free for reports without hints.
pub(crate) fn check_hints(
    tests: &[&TestCase],
    mapped: &[Vec<u64>],
    named_suite: Option<u64>,
) -> anyhow::Result<()> {
    if !tests.iter().any(|t| t.suite_hint.is_some()) {
        return Ok(());
    }
    let hints = hints(tests, &group_indices(mapped))?;
    match named_suite {
        Some(suite_id) => check_against(&hints, suite_id),
        None => Ok(()),
    }
}

/// With a suite named on the command line (`--suite-id`), every hint must name it too: the
/// run holds that suite's cases only, so a test the report puts elsewhere would be dropped.
fn check_against(hints: &Hints, suite_id: u64) -> anyhow::Result<()> {
    let other: Vec<String> = hints
        .iter()
        .filter(|(_, h)| h.suite != suite_id)
        .take(5)
        .map(|(c, h)| format!("C{c} in S{} (test \"{}\")", h.suite, h.test))
        .collect();
    if other.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "--suite-id {suite_id} names one suite, but the report's testrail_suite_id puts {} \
         elsewhere; drop --suite-id to report each suite to its own run (one plan, an entry \
         per suite), or fix the property; nothing was written",
        other.join(", ")
    ))
    .into())
}

/// The mapped cases by suite. Cases in no suite of the project are left out (they surface as
/// unknown, as with one suite); a hinted suite that is not the project's, or a case TestRail
/// keeps in another suite than the hint says, is an error before any write.
pub(crate) async fn sort_by_suite(
    client: &Client,
    project_id: u64,
    case_ids: &[u64],
    hints: &Hints,
) -> anyhow::Result<BTreeMap<u64, Vec<u64>>> {
    let suites = client.get_suites(project_id).await.map_err(api)?;
    let names: BTreeMap<u64, &str> = suites.iter().map(|s| (s.id, s.name.as_str())).collect();
    let wanted: HashSet<u64> = case_ids.iter().copied().collect();
    let hinted: BTreeSet<u64> = hints
        .iter()
        .filter(|(c, _)| wanted.contains(c))
        .map(|(_, h)| h.suite)
        .collect();
    if let Some(bad) = hinted.iter().find(|s| !names.contains_key(s)) {
        return Err(not_a_suite(*bad, project_id, hints, &names));
    }
    let mut suite_of: HashMap<u64, u64> = HashMap::new();
    let order = hinted
        .iter()
        .copied()
        .chain(names.keys().copied().filter(|s| !hinted.contains(s)));
    for (n, suite) in order.enumerate() {
        // Hinted suites are all read (to check the hints); the others only while some case
        // is still unplaced.
        if n >= hinted.len() && suite_of.len() == wanted.len() {
            break;
        }
        let cases = client
            .get_cases(project_id, Some(suite), None)
            .await
            .map_err(api)?;
        suite_of.extend(
            cases
                .iter()
                .filter(|c| wanted.contains(&c.id))
                .map(|c| (c.id, suite)),
        );
    }
    contradictions(case_ids, hints, &suite_of, &names)?;
    let mut by_suite: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for id in case_ids {
        if let Some(suite) = suite_of.get(id) {
            by_suite.entry(*suite).or_default().push(*id);
        }
    }
    if by_suite.is_empty() {
        return Err(Error::Rejected(format!(
            "none of the mapped case IDs ({}) is in a suite of project {project_id}; nothing \
             was created",
            ids(case_ids)
        ))
        .into());
    }
    Ok(by_suite)
}

fn not_a_suite(
    suite: u64,
    project_id: u64,
    hints: &Hints,
    names: &BTreeMap<u64, &str>,
) -> anyhow::Error {
    let test = hints
        .values()
        .find(|h| h.suite == suite)
        .map(|h| h.test.as_str())
        .unwrap_or_default();
    let known: Vec<String> = names
        .iter()
        .map(|(id, name)| format!("S{id} \"{name}\""))
        .collect();
    Error::Input(format!(
        "the report's testrail_suite_id names S{suite} (test \"{test}\"), which is not a suite \
         of project {project_id} (its suites: {}); nothing was written",
        known.join(", ")
    ))
    .into()
}

/// Fail naming every case whose hint TestRail contradicts: the case, the hinted suite and
/// the one TestRail keeps it in.
fn contradictions(
    case_ids: &[u64],
    hints: &Hints,
    suite_of: &HashMap<u64, u64>,
    names: &BTreeMap<u64, &str>,
) -> anyhow::Result<()> {
    let name = |s: u64| names.get(&s).copied().unwrap_or_default();
    let wrong: Vec<String> = case_ids
        .iter()
        .filter_map(|c| {
            let hint = hints.get(c)?;
            let real = *suite_of.get(c)?;
            (real != hint.suite).then(|| {
                format!(
                    "C{c} is in suite S{real} \"{}\", not S{} \"{}\" (test \"{}\")",
                    name(real),
                    hint.suite,
                    name(hint.suite),
                    hint.test
                )
            })
        })
        .collect();
    if wrong.is_empty() {
        return Ok(());
    }
    let shown = wrong.len().min(10);
    Err(Error::Input(format!(
        "the report's testrail_suite_id contradicts TestRail: {}{}; fix the property (or \
         drop it and let the suites be looked up); nothing was written",
        wrong[..shown].join("; "),
        if wrong.len() > shown {
            format!("; and {} more", wrong.len() - shown)
        } else {
            String::new()
        }
    ))
    .into())
}

/// Every case of the suite, or with no suite named in a multi-suite project, of every suite
/// (`get_suites`, then `get_cases` per suite, every page): what `--strict` and
/// `--case-matcher automation-id` check against.
pub(crate) async fn project_cases(
    client: &Client,
    project_id: u64,
    suite_id: Option<u64>,
) -> anyhow::Result<Vec<Case>> {
    let e = match client.get_cases(project_id, suite_id, None).await {
        Ok(cases) => return Ok(cases),
        Err(e) => api(e),
    };
    if suite_id.is_some() || !is_several_suites(&e) {
        return Err(e);
    }
    let mut all = Vec::new();
    for suite in client.get_suites(project_id).await.map_err(api)? {
        let cases = client
            .get_cases(project_id, Some(suite.id), None)
            .await
            .map_err(api)?;
        all.extend(cases);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Outcome;
    use crate::submit::plan::aggregate::tests::test;
    use std::num::NonZeroU32;

    fn hinted(name: &str, suite: Option<u32>) -> TestCase {
        let mut t = test(name, Outcome::Passed);
        t.suite_hint = suite.and_then(NonZeroU32::new);
        t
    }

    #[test]
    fn each_case_takes_its_tests_hint_and_two_suites_for_one_case_are_refused() {
        let (a, b, c) = (
            hinted("a", Some(2)),
            hinted("b", None),
            hinted("c", Some(3)),
        );
        let tests = [&a, &b, &c];
        let found = hints(&tests, &group_indices(&[vec![7], vec![7], vec![8]])).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!((found[&7].suite, found[&8].suite), (2, 3));
        assert_eq!(found[&7].test, "pkg.Class.a");

        let err = hints(&tests, &group_indices(&[vec![7], vec![], vec![7]])).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("C7") && msg.contains("S2") && msg.contains("S3"),
            "{msg}"
        );
        assert_eq!(crate::error::code_for(&err), crate::exit::INPUT);
    }

    #[test]
    fn a_hint_must_agree_with_suite_id() {
        let mut h = Hints::new();
        h.insert(
            5,
            Hint {
                suite: 2,
                test: "t".into(),
            },
        );
        assert!(check_against(&h, 2).is_ok());
        let err = check_against(&h, 3).unwrap_err();
        assert!(err.to_string().contains("C5 in S2"), "{err}");
        assert_eq!(crate::error::code_for(&err), crate::exit::USAGE);
    }
}
