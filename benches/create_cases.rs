//! `--create-missing-cases` planning benchmark: 10k and 100k unmapped tests against a suite
//! already holding a case for half of them, timed in release. Planning is hash lookups, so
//! the time per test should stay flat as the counts grow (the official CLI compares every
//! test with every case). Run with `cargo bench --bench create_cases`.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use serde_json::json;
use testrail_report::report::TestCase;
use testrail_report::submit::cases::case_plan::{Placement, SuiteIndex, plan};
use testrail_report::submit::cases::sections::SectionTree;
use testrail_report::testrail::{Case, Section};

fn tests(n: usize) -> Vec<TestCase> {
    let file: Arc<Path> = Arc::from(Path::new("bench.xml"));
    (0..n)
        .map(|i| {
            TestCase::new(
                file.clone(),
                Arc::from(vec![format!("suite_{}", i % 100)]),
                format!("pkg.suite_{}.Tests", i % 100).into(),
                format!("test number {i} does something"),
            )
        })
        .collect()
}

/// Cases for every other test, in sections 1..=50 (the other 50 suites have no section yet).
fn suite(tests: &[TestCase], automation: bool) -> SuiteIndex {
    let sections: Vec<Section> = (0..50)
        .map(|s| Section {
            id: s + 1,
            name: format!("suite_{s}"),
            ..Section::default()
        })
        .collect();
    let cases: Vec<Case> = tests
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(i, t)| {
            let mut c = Case {
                id: i as u64 + 1,
                title: t.name.clone(),
                section_id: Some((i % 100) as u64 + 1),
                ..Case::default()
            };
            c.custom_automation_id = Some(json!(t.full_name()));
            c
        })
        .collect();
    SuiteIndex::new(&cases, SectionTree::new(&sections), automation)
}

fn main() {
    println!(
        "{:<8} {:>10} {:>8} {:>10} {:>8} {:>10}",
        "tests", "matching", "index s", "plan s", "found", "ns/test"
    );
    for n in [10_000, 100_000] {
        let all = tests(n);
        let refs: Vec<&TestCase> = all.iter().collect();
        let unmapped: Vec<usize> = (0..n).collect();
        for automation in [true, false] {
            let started = Instant::now();
            let index = suite(&all, automation);
            let indexed = started.elapsed().as_secs_f64();
            let placement = Placement {
                section_id: None,
                from_suites: true,
            };
            let started = Instant::now();
            let p = plan(&refs, &unmapped, &index, placement);
            let planned = started.elapsed().as_secs_f64();
            let matching = if automation { "auto-id" } else { "title" };
            println!(
                "{n:<8} {matching:>10} {indexed:>8.3} {planned:>10.3} {:>8} {:>10.0}",
                p.found.len(),
                planned * 1e9 / n as f64
            );
        }
    }
}
