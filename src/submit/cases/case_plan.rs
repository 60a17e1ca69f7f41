//! Which unmapped tests already have a case, and which cases and sections must be created —
//! a pure function of the tests and the suite as downloaded once (cases, sections, fields).
//!
//! With the project's `custom_automation_id` field, a test's case is the one carrying its
//! automation ID anywhere in the suite (`classname.name`, like `--case-matcher automation-id`);
//! without it, the case with its title in the section it would be created in. Tests sharing
//! a key share one case, so a re-run finds exactly the cases the first run created.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::{Map, Value};

use crate::report::TestCase;
use crate::testrail::Case;

use super::automation::{self, AutomationIndex};
use super::case_fields::case_fields;
use super::case_title::title;
use super::sections::{NewSection, Place, SectionPlan, SectionTree};

/// The suite as downloaded: its cases indexed both ways, and its sections.
#[derive(Debug, Default)]
pub struct SuiteIndex {
    /// By automation ID, when the project has the field (`None` otherwise).
    pub automation: Option<AutomationIndex>,
    /// By (section, title).
    pub titles: HashMap<(u64, String), u64>,
    /// The section tree.
    pub sections: SectionTree,
    /// Every case ID of the suite.
    pub ids: HashSet<u64>,
}

impl SuiteIndex {
    /// Index a suite's cases; `automation` says whether the project has the field.
    pub fn new(cases: &[Case], sections: SectionTree, automation: bool) -> SuiteIndex {
        let mut titles = HashMap::new();
        for c in cases {
            let Some(section) = c.section_id else {
                continue;
            };
            let id: &mut u64 = titles
                .entry((section, c.title.trim().to_string()))
                .or_insert(c.id);
            *id = (*id).min(c.id);
        }
        SuiteIndex {
            automation: automation.then(|| AutomationIndex::new(cases)),
            titles,
            sections,
            ids: cases.iter().map(|c| c.id).collect(),
        }
    }
}

/// Where new cases go.
#[derive(Debug, Clone, Copy, Default)]
pub struct Placement {
    /// `--section-id`: the section for every case, or the parent of the suite sections.
    pub section_id: Option<u64>,
    /// `--sections-from suites`.
    pub from_suites: bool,
}

/// A case to create and the tests that map to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCase {
    /// Its section.
    pub place: Place,
    /// Its title.
    pub title: String,
    /// Its `custom_automation_id` (when the project has the field).
    pub automation_id: Option<String>,
    /// Fields from the first test's `testrail_case_field` properties.
    pub fields: Map<String, Value>,
    /// Indices of the tests mapped to it.
    pub tests: Vec<usize>,
}

/// What to do for the unmapped tests.
#[derive(Debug, Default)]
pub struct CasePlan {
    /// (test index, case ID) for tests whose case exists already.
    pub found: Vec<(usize, u64)>,
    /// Sections to create, parents first.
    pub sections: Vec<NewSection>,
    /// Cases to create, in test order.
    pub cases: Vec<PlannedCase>,
    /// Paths of the cases' sections, for messages (same order as `cases`).
    pub paths: Vec<String>,
}

/// Plan the unmapped tests (`unmapped` indexes `tests`).
pub fn plan(
    tests: &[&TestCase],
    unmapped: &[usize],
    suite: &SuiteIndex,
    placement: Placement,
) -> CasePlan {
    let mut sections = SectionPlan::new(&suite.sections, placement.section_id);
    let mut out = CasePlan::default();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for &i in unmapped {
        let t = tests[i];
        let place = match placement.from_suites {
            true => sections.place(&suite_path(t)),
            false => sections.place(&[]),
        };
        let name = title(if t.name.trim().is_empty() {
            &t.classname
        } else {
            &t.name
        });
        // TestRail requires a title; a test without any name stays unmapped.
        if name.is_empty() {
            continue;
        }
        let (key, existing) = match &suite.automation {
            Some(index) => (automation::key(t), index.case_for(t)),
            None => {
                let existing = match place {
                    Place::Existing(s) => suite.titles.get(&(s, name.clone())).copied(),
                    _ => None,
                };
                (format!("{place:?}\u{0}{name}"), existing)
            }
        };
        if let Some(case_id) = existing {
            out.found.push((i, case_id));
            continue;
        }
        if let Some(&n) = by_key.get(&key) {
            out.cases[n].tests.push(i);
            continue;
        }
        by_key.insert(key, out.cases.len());
        out.paths.push(sections.describe(place));
        out.cases.push(PlannedCase {
            place,
            title: name,
            automation_id: suite.automation.as_ref().map(|_| automation::key(t)),
            // Checked before planning (`create_missing`), so an error cannot reach here.
            fields: case_fields(t).unwrap_or_default(),
            tests: vec![i],
        });
    }
    out.sections = sections.new;
    out
}

/// The test's testsuite path; a test outside any testsuite goes in a section named after its
/// report file.
fn suite_path(t: &TestCase) -> Vec<String> {
    let path: Vec<String> = t
        .suite
        .iter()
        .filter(|s| !s.trim().is_empty())
        .cloned()
        .collect();
    if !path.is_empty() {
        return path;
    }
    let stem = Path::new(&*t.file)
        .file_stem()
        .map_or_else(|| "Tests".into(), |s| s.to_string_lossy().into_owned());
    vec![stem]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Outcome;
    use crate::submit::plan::aggregate::tests::test;
    use crate::testrail::Section;
    use serde_json::json;
    use std::sync::Arc;

    fn in_suite(name: &str, suite: &[&str]) -> TestCase {
        let mut t = test(name, Outcome::Passed);
        t.suite = Arc::from(suite.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        t
    }

    fn case(id: u64, section: u64, title: &str, auto: Option<&str>) -> Case {
        let mut c = Case {
            id,
            title: title.into(),
            section_id: Some(section),
            ..Case::default()
        };
        if let Some(a) = auto {
            c.custom_automation_id = Some(json!(a));
        }
        c
    }

    fn tree() -> SectionTree {
        SectionTree::new(&[Section {
            id: 5,
            name: "unit".into(),
            ..Section::default()
        }])
    }

    const SUITES: Placement = Placement {
        section_id: None,
        from_suites: true,
    };

    #[test]
    fn by_automation_id_existing_cases_are_found_anywhere_and_new_ones_deduplicated() {
        let tests = [
            in_suite("a", &["unit"]),
            in_suite("b", &["unit"]),
            in_suite("b", &["unit"]),
            in_suite("c", &["api", "v2"]),
        ];
        let refs: Vec<&TestCase> = tests.iter().collect();
        let cases = [case(9, 77, "other title", Some(&tests[0].full_name()))];
        let suite = SuiteIndex::new(&cases, tree(), true);
        let p = plan(&refs, &[0, 1, 2, 3], &suite, SUITES);
        assert_eq!(p.found, [(0, 9)]);
        assert_eq!(p.cases.len(), 2);
        assert_eq!(p.cases[0].tests, [1, 2]);
        assert_eq!(p.cases[0].place, Place::Existing(5));
        assert_eq!(
            p.cases[0].automation_id.as_deref(),
            Some(tests[1].full_name().as_str())
        );
        assert_eq!(p.cases[1].place, Place::New(1));
        let paths: Vec<&str> = p.sections.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(paths, ["api", "api > v2"]);
        assert_eq!(p.paths, ["unit", "api > v2"]);
    }

    #[test]
    fn without_the_field_cases_are_found_by_title_in_their_section() {
        let tests = [in_suite("a", &["unit"]), in_suite("a", &["other"])];
        let refs: Vec<&TestCase> = tests.iter().collect();
        let cases = [case(3, 5, "a", None)];
        let suite = SuiteIndex::new(&cases, tree(), false);
        let p = plan(&refs, &[0, 1], &suite, SUITES);
        assert_eq!(p.found, [(0, 3)]);
        assert_eq!(p.cases.len(), 1);
        assert_eq!(p.cases[0].automation_id, None);
        assert_eq!(p.cases[0].place, Place::New(0));
    }

    #[test]
    fn nameless_tests_stay_unmapped() {
        let mut t = in_suite(" ", &["unit"]);
        t.classname = "".into();
        let suite = SuiteIndex::new(&[], tree(), true);
        let p = plan(&[&t], &[0], &suite, SUITES);
        assert!(p.cases.is_empty() && p.found.is_empty());
    }

    #[test]
    fn one_section_for_all_and_report_stems_for_suiteless_tests() {
        let tests = [in_suite("a", &[])];
        let refs: Vec<&TestCase> = tests.iter().collect();
        let suite = SuiteIndex::new(&[], tree(), true);
        let one = Placement {
            section_id: Some(5),
            from_suites: false,
        };
        assert_eq!(
            plan(&refs, &[0], &suite, one).cases[0].place,
            Place::Existing(5)
        );
        let p = plan(&refs, &[0], &suite, SUITES);
        let stem = Path::new(&*tests[0].file).file_stem().unwrap();
        assert_eq!(p.sections[0].name, stem.to_string_lossy());
    }
}
