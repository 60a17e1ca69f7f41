//! `inspect`: what the reports say and how they map to case IDs, computed without any
//! network access, as text for people or one JSON document for scripts.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

use serde::Serialize;

use crate::cli::OutputFormat;
use crate::cli::inspect::InspectArgs;
use crate::mapping::Mapper;
use crate::report::{self, Format, Loaded, Outcome, TestCase};

/// Longest list shown in text output; JSON always has everything.
const TEXT_LIST_LIMIT: usize = 20;

/// Testcase counts by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub tests: usize,
    pub passed: usize,
    pub failed: usize,
    pub error: usize,
    pub skipped: usize,
    /// Passed after failed attempts.
    pub flaky: usize,
}

impl Counts {
    fn add(&mut self, test: &TestCase) {
        self.tests += 1;
        match test.outcome {
            Outcome::Passed => self.passed += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Error => self.error += 1,
            Outcome::Skipped => self.skipped += 1,
        }
        self.flaky += usize::from(test.is_flaky());
    }
}

/// Counts for one report file.
#[derive(Debug, Serialize)]
pub struct FileCounts {
    pub path: String,
    /// The format the file was read as.
    pub format: Format,
    #[serde(flatten)]
    pub counts: Counts,
}

/// Counts over every report, plus how many tests have case IDs.
#[derive(Debug, Default, Serialize)]
pub struct Totals {
    #[serde(flatten)]
    pub counts: Counts,
    pub mapped: usize,
    pub unmapped: usize,
}

/// One testcase as `inspect` shows it.
#[derive(Debug, Serialize)]
pub struct TestRow<'a> {
    /// Shared by every test of a file.
    pub file: Arc<str>,
    /// The suite path joined with ` / `, shared by the tests of one suite.
    pub suite: Arc<str>,
    pub classname: &'a str,
    pub name: &'a str,
    pub outcome: Outcome,
    pub time: Option<f64>,
    pub case_ids: Vec<u64>,
    pub retries: u32,
    /// The TestRail suite the report names (`testrail_suite_id`), if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suite_id: Option<u32>,
}

/// A case ID claimed by more than one testcase (their results would be merged).
#[derive(Debug, Serialize)]
pub struct Duplicate {
    pub case_id: u64,
    /// Indexes into `tests`.
    pub tests: Vec<usize>,
}

/// Everything `inspect` reports.
#[derive(Debug, Serialize)]
pub struct Inventory<'a> {
    pub files: Vec<FileCounts>,
    pub totals: Totals,
    pub tests: Vec<TestRow<'a>>,
    pub duplicate_case_ids: Vec<Duplicate>,
    pub warnings: Vec<String>,
}

impl<'a> Inventory<'a> {
    /// Count and map every test of the loaded reports.
    pub fn build(loaded: &'a Loaded, mapper: &Mapper) -> Inventory<'a> {
        let mut inv = Inventory {
            files: Vec::with_capacity(loaded.reports.len()),
            totals: Totals::default(),
            tests: Vec::with_capacity(loaded.test_count()),
            duplicate_case_ids: Vec::new(),
            warnings: loaded.warnings.clone(),
        };
        let mut by_case: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        let mut suite_cache: Option<(Arc<[String]>, Arc<str>)> = None;
        for report in &loaded.reports {
            let path: Arc<str> = Arc::from(report.path.display().to_string());
            let mut counts = Counts::default();
            for test in &report.tests {
                let suite = match &suite_cache {
                    Some((key, joined)) if Arc::ptr_eq(key, &test.suite) => joined.clone(),
                    _ => {
                        let joined: Arc<str> = Arc::from(test.suite.join(" / "));
                        suite_cache = Some((test.suite.clone(), joined.clone()));
                        joined
                    }
                };
                counts.add(test);
                let mapped = mapper.case_ids(test);
                if !mapped.rejected.is_empty() {
                    let warning = crate::mapping::out_of_range(&test.name, &mapped.rejected);
                    inv.warnings.push(warning);
                }
                let ids = mapped.ids;
                for &id in &ids {
                    by_case.entry(id).or_default().push(inv.tests.len());
                }
                inv.tests.push(TestRow {
                    file: path.clone(),
                    suite,
                    classname: &test.classname,
                    name: &test.name,
                    outcome: test.outcome,
                    time: test.time,
                    case_ids: ids,
                    retries: u32::from(test.retries),
                    suite_id: test.suite_hint.map(u32::from),
                });
            }
            inv.add_file(path.to_string(), report.format, counts);
        }
        inv.duplicate_case_ids = by_case
            .into_iter()
            .filter(|(_, tests)| tests.len() > 1)
            .map(|(case_id, tests)| Duplicate { case_id, tests })
            .collect();
        inv.totals.mapped = inv.tests.iter().filter(|t| !t.case_ids.is_empty()).count();
        inv.totals.unmapped = inv.tests.len() - inv.totals.mapped;
        inv
    }

    fn add_file(&mut self, path: String, format: Format, counts: Counts) {
        let t = &mut self.totals.counts;
        t.tests += counts.tests;
        t.passed += counts.passed;
        t.failed += counts.failed;
        t.error += counts.error;
        t.skipped += counts.skipped;
        t.flaky += counts.flaky;
        self.files.push(FileCounts {
            path,
            format,
            counts,
        });
    }
}

/// Run `inspect`: read, map, print. Exit code 0 whatever the test outcomes.
pub fn run(args: &InspectArgs, output: OutputFormat) -> anyhow::Result<i32> {
    let mapper = Mapper::new(&args.mapping.options())?;
    let loaded = report::load(&args.reports.selection())?;
    let inventory = Inventory::build(&loaded, &mapper);
    let mut out = io::BufWriter::new(io::stdout().lock());
    match output {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &inventory)?;
            writeln!(out)?;
        }
        OutputFormat::Text => write_text(&mut out, &inventory)?,
    }
    out.flush()?;
    Ok(crate::exit::SUCCESS)
}

fn summary(c: &Counts) -> String {
    let mut s = format!(
        "{} tests: {} passed, {} failed, {} error, {} skipped",
        c.tests, c.passed, c.failed, c.error, c.skipped
    );
    if c.flaky > 0 {
        s.push_str(&format!(" ({} flaky)", c.flaky));
    }
    s
}

fn label(t: &TestRow) -> String {
    let name = if t.name.is_empty() {
        "(no name)"
    } else {
        t.name
    };
    if t.classname.is_empty() {
        name.to_owned()
    } else {
        format!("{}.{name}", t.classname)
    }
}

/// The human-readable form.
pub fn write_text(out: &mut impl Write, inv: &Inventory) -> io::Result<()> {
    for file in &inv.files {
        let (path, format) = (&file.path, file.format);
        writeln!(out, "{path} ({format}): {}", summary(&file.counts))?;
    }
    let t = &inv.totals;
    writeln!(
        out,
        "total: {} file(s), {}",
        inv.files.len(),
        summary(&t.counts)
    )?;
    writeln!(
        out,
        "mapped to case IDs: {}, unmapped: {}",
        t.mapped, t.unmapped
    )?;
    let unmapped: Vec<String> = inv
        .tests
        .iter()
        .filter(|t| t.case_ids.is_empty())
        .map(|t| format!("{}  ({})", label(t), t.file))
        .collect();
    list(out, "unmapped tests", &unmapped)?;
    let duplicates: Vec<String> = inv
        .duplicate_case_ids
        .iter()
        .map(|d| {
            let tests: Vec<String> = d.tests.iter().map(|&i| label(&inv.tests[i])).collect();
            format!("C{}: {}", d.case_id, tests.join(", "))
        })
        .collect();
    list(out, "case IDs claimed by several tests", &duplicates)?;
    list(out, "warnings", &inv.warnings)
}

fn list(out: &mut impl Write, title: &str, items: &[String]) -> io::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{title} ({}):", items.len())?;
    for item in items.iter().take(TEXT_LIST_LIMIT) {
        writeln!(out, "  {item}")?;
    }
    if items.len() > TEXT_LIST_LIMIT {
        let more = items.len() - TEXT_LIST_LIMIT;
        writeln!(out, "  … and {more} more (--output json lists all)")?;
    }
    Ok(())
}
