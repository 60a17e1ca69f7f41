//! The outcome of a `submit`, as every consumer sees it: the text summary, `--output json`,
//! `--summary-json`, GitHub step outputs and the step summary all render this one value.

use std::collections::BTreeMap;

use serde::Serialize;

/// What a `submit` did, in the shape of its `--output json` document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// The run results went to (`None` in a dry run that would create one).
    pub run_id: Option<u64>,
    /// The run's page in the TestRail web UI.
    pub run_url: Option<String>,
    /// Whether this was a `--dry-run` (nothing was written).
    pub dry_run: bool,
    /// Results accepted by TestRail (or, in a dry run, that would be posted).
    pub results_posted: u64,
    /// Results posted per TestRail status name, e.g. `{"passed": 10, "failed": 2}`.
    pub statuses: BTreeMap<String, u64>,
    /// Each report read, with the format it was read as.
    pub reports: Vec<ReportRead>,
    /// Testcases read, by outcome in the report (`passed|failed|error|skipped`).
    pub outcomes: BTreeMap<String, u64>,
    /// Tests that mapped to no case ID.
    pub unmapped: Vec<TestRef>,
    /// Case IDs TestRail does not know, with the tests that named them.
    pub unknown_case_ids: Vec<UnknownCase>,
    /// Failed or errored tests, for the step summary (first ones first).
    pub failed_tests: Vec<FailedTest>,
    /// Whether the run was closed after posting.
    pub closed: bool,
    /// The test plan the run belongs to, when it is a plan run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<u64>,
    /// Whether the plan (with every run in it) was closed after posting (`--close-plan`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub plan_closed: bool,
    /// With cases from several suites: one run per suite, entries of the plan `plan_id`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<SuiteRun>,
    /// Files attached to the run (`--attach-to-run`), uploaded or not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub run_attachments: Vec<RunAttachment>,
    /// HTTP requests made to TestRail, retries included.
    pub api_calls: u64,
    /// Requests that were retried (429, 409, 5xx, timeouts).
    pub retries: u64,
    /// Where unsent results were saved, if any could not be posted.
    pub resume_file: Option<String>,
    /// The report's identity, carried on each result's first comment line (16 hex digits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_id: Option<String>,
    /// Results an earlier attempt of this report had posted to the run already: not posted again.
    pub already_posted: u64,
    /// Cases created for unmapped tests (`--create-missing-cases`), or that could be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_creation: Option<CaseCreation>,
}

impl Summary {
    /// Which format the reports were read as: `junit (2 files), trx (a.trx)`, the file
    /// itself when a format has one, so a user sees what was read as what in one line.
    pub fn formats_read(&self) -> String {
        let mut by_format: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for r in &self.reports {
            by_format.entry(&r.format).or_default().push(&r.path);
        }
        let parts: Vec<String> = by_format
            .into_iter()
            .map(|(format, paths)| match paths.as_slice() {
                [one] => format!("{format} ({one})"),
                many => format!("{format} ({} files)", many.len()),
            })
            .collect();
        parts.join(", ")
    }
}

/// One report file a submit read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReportRead {
    /// The file.
    pub path: String,
    /// The format it was read as (`junit`, `trx`, `nunit`, `xunit`, …).
    pub format: String,
    /// Testcases in it.
    pub tests: u64,
}

/// What `--create-missing-cases` did (or would do, or could do when not asked).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CaseCreation {
    /// `created`, `dry-run` (what would be created), or `off` (the flag was not given).
    pub mode: String,
    /// Sections created (or that would be), as paths like `Parent > Child`.
    pub sections: Vec<String>,
    /// Cases created (or that would be).
    pub cases: Vec<NewCase>,
    /// Unmapped tests whose case already existed (found by automation ID or title).
    pub found: u64,
    /// Unmapped tests that still have no case (could be created, when `mode` is `off`).
    pub missing: u64,
}

/// A case created for tests that had none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NewCase {
    /// The new case's ID (`None` in a dry run).
    pub case_id: Option<u64>,
    /// Its title.
    pub title: String,
    /// Its section, as a path.
    pub section: String,
    /// Its `custom_automation_id`, when the project has that field.
    pub automation_id: Option<String>,
    /// How many tests map to it.
    pub tests: u64,
}

/// One suite's run, when a report's cases span suites.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SuiteRun {
    /// The suite.
    pub suite_id: u64,
    /// Its run (an entry of the plan).
    pub run_id: u64,
    /// The run's page.
    pub run_url: Option<String>,
    /// Results TestRail accepted into it.
    pub results_posted: u64,
}

/// A file attached to the run with `--attach-to-run`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunAttachment {
    /// The file, as found.
    pub file: String,
    /// Its size in bytes.
    pub size: u64,
    /// TestRail's attachment ID, once uploaded.
    pub attachment_id: Option<String>,
    /// The run it was attached to (a multi-suite submit attaches every file to each run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<u64>,
    /// Why the upload failed (the results were posted either way).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A test, as named in messages and annotations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TestRef {
    /// `classname.name`.
    pub name: String,
    /// The report file.
    pub report: String,
    /// The source file, when the report gives it (for annotations).
    pub file: Option<String>,
    /// The source line, when the report gives it.
    pub line: Option<u32>,
}

/// A case ID TestRail rejected as unknown, and who asked for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnknownCase {
    /// The case ID (without the `C`).
    pub case_id: u64,
    /// The tests that mapped to it.
    pub tests: Vec<TestRef>,
}

/// A test that failed, with its case and the start of its message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FailedTest {
    /// The test.
    pub test: TestRef,
    /// The case it was reported against, if mapped.
    pub case_id: Option<u64>,
    /// The failure message (first line, short).
    pub message: String,
}
