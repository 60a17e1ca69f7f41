//! `--create-missing-cases`: give every unmapped test a TestRail case before the run is
//! opened, so it gets its result like any mapped test.
//!
//! Cost: one `get_case_fields`, one paginated `get_cases` and one `get_sections` for the suite,
//! then one `add_section` per missing section and one `add_case` per missing case (TestRail has
//! no bulk add). Lookups are hash maps, so a re-run creates nothing and costs only the
//! downloads. The writes themselves are in `case_writes`.

use std::collections::HashSet;

use serde_json::Value;

use crate::error::Error;
use crate::report::TestCase;
use crate::summary::{CaseCreation, NewCase, Summary};
use crate::testrail::{CaseField, Client};

use super::automation::FIELD;
use super::case_fields::case_fields;
use super::case_plan::{CasePlan, Placement, SuiteIndex, plan};
use super::case_writes;
use super::sections::SectionTree;
use crate::submit::deliver::target::api;
use crate::submit::options::SubmitOptions;
use crate::submit::test_ref;

/// How `--create-missing-cases` was asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct CreateOptions {
    /// `--create-missing-cases`.
    pub enabled: bool,
    /// `--section-id` and `--sections-from suites`.
    pub placement: Placement,
}

impl CreateOptions {
    /// Check the combination; cases need a section to go in.
    pub fn validate(self) -> anyhow::Result<CreateOptions> {
        let p = self.placement;
        if self.enabled && p.section_id.is_none() && !p.from_suites {
            return Err(crate::error::usage(
                "--create-missing-cases needs a place for the new cases: --section-id / \
                 TESTRAIL_SECTION_ID, or --sections-from suites / TESTRAIL_SECTIONS_FROM",
            ));
        }
        Ok(self)
    }
}

/// Find or create a case for every unmapped test and map the test to it (in a dry run, only
/// list what would be created). Without the flag, count what could be created.
pub(crate) async fn create_missing(
    client: Option<&Client>,
    tests: &[&TestCase],
    mapped: &mut [Vec<u64>],
    summary: &mut Summary,
    opts: &SubmitOptions,
) -> anyhow::Result<()> {
    let unmapped: Vec<usize> = (0..tests.len()).filter(|&i| mapped[i].is_empty()).collect();
    if unmapped.is_empty() {
        return Ok(());
    }
    if !opts.create.enabled {
        summary.case_creation = Some(CaseCreation {
            mode: "off".into(),
            missing: unmapped.len() as u64,
            ..CaseCreation::default()
        });
        return Ok(());
    }
    for &i in &unmapped {
        case_fields(tests[i]).map_err(Error::Input)?;
    }
    let client = client.ok_or_else(|| {
        Error::Usage(
            "--create-missing-cases reads the suite's cases from TestRail, even in a dry run: \
             set --url, --user and TESTRAIL_API_KEY"
                .into(),
        )
    })?;
    let (project_id, suite_id) = crate::submit::checks::suite_of(client, opts).await?;
    let suite = download(client, project_id, suite_id, opts.create.placement).await?;
    if opts.strict {
        strict_ids(mapped, &suite)?;
    }
    let mut plan = plan(tests, &unmapped, &suite, opts.create.placement);
    // `--case-field` for every new case; a test's own testrail_case_field wins.
    for case in &mut plan.cases {
        for (name, value) in &opts.case_fields {
            case.fields
                .entry(name.clone())
                .or_insert_with(|| value.clone());
        }
    }
    for &(i, case_id) in &plan.found {
        mapped[i] = vec![case_id];
    }
    let ids = match opts.dry_run {
        true => vec![None; plan.cases.len()],
        false => case_writes::create(client, project_id, suite_id, &plan).await?,
    };
    record(tests, mapped, summary, &plan, &ids, opts.dry_run);
    Ok(())
}

/// Map the tests to their new cases and account for it in the summary; in a dry run, tests
/// that would get a case do not count as unmapped.
fn record(
    tests: &[&TestCase],
    mapped: &mut [Vec<u64>],
    summary: &mut Summary,
    plan: &CasePlan,
    ids: &[Option<u64>],
    dry_run: bool,
) {
    for (case, id) in plan.cases.iter().zip(ids) {
        for &i in &case.tests {
            mapped[i] = id.iter().copied().collect();
        }
    }
    let planned: HashSet<usize> = plan.cases.iter().flat_map(|c| c.tests.clone()).collect();
    summary.unmapped = (0..tests.len())
        .filter(|&i| mapped[i].is_empty() && !(dry_run && planned.contains(&i)))
        .map(|i| test_ref(tests[i]))
        .collect();
    let mode = if dry_run { "dry-run" } else { "created" };
    let creation = describe(mode, plan, ids, summary.unmapped.len());
    let verb = if dry_run { "Would create" } else { "Created" };
    crate::progress::note(&format!(
        "{verb} {} section(s) and {} case(s); {} test(s) matched existing cases",
        creation.sections.len(),
        creation.cases.len(),
        creation.found
    ));
    summary.case_creation = Some(creation);
}

/// `--strict` promises nothing is created when a case ID is unknown: check the IDs from the
/// report against the download before creating anything (the later check would be too late).
fn strict_ids(mapped: &[Vec<u64>], suite: &SuiteIndex) -> anyhow::Result<()> {
    crate::submit::checks::refuse_unknown(mapped.iter().flatten().copied(), |id| {
        suite.ids.contains(id)
    })
}

/// The suite's cases, sections and whether the project has the automation-ID field.
async fn download(
    client: &Client,
    project_id: u64,
    suite_id: Option<u64>,
    placement: Placement,
) -> anyhow::Result<SuiteIndex> {
    let fields = client.get_case_fields().await.map_err(api)?;
    let automation = has_field(&fields, FIELD, project_id);
    let cases = client
        .get_cases(project_id, suite_id, None)
        .await
        .map_err(api)?;
    let sections = SectionTree::new(
        &client
            .get_sections(project_id, suite_id)
            .await
            .map_err(api)?,
    );
    if let Some(id) = placement.section_id.filter(|id| !sections.contains(*id)) {
        return Err(Error::Usage(format!(
            "--section-id {id} is not a section of the suite the run uses (project \
             {project_id}{}); pick a section of that suite, or set --suite-id",
            suite_id.map(|s| format!(", suite {s}")).unwrap_or_default()
        ))
        .into());
    }
    crate::progress::note(&format!(
        "Read {} case(s) and the suite's sections; the project {} a `{FIELD}` field",
        cases.len(),
        if automation { "has" } else { "has no" }
    ));
    let index = SuiteIndex::new(&cases, sections, automation);
    for d in index.automation.iter().flat_map(|a| &a.duplicates) {
        eprintln!(
            "warning: automation ID `{d}` is used by several cases; using the lowest case ID"
        );
    }
    Ok(index)
}

/// Whether the project has an active case field with this API name: TestRail lists every
/// case field, and a field's `configs[].context` says which projects use it.
pub fn has_field(fields: &[CaseField], system_name: &str, project_id: u64) -> bool {
    fields.iter().any(|f| {
        f.system_name == system_name
            && f.extra.get("is_active").and_then(Value::as_bool) != Some(false)
            && f.extra
                .get("configs")
                .and_then(Value::as_array)
                .is_some_and(|configs| configs.iter().any(|c| covers(c, project_id)))
    })
}

fn covers(config: &Value, project_id: u64) -> bool {
    let ctx = &config["context"];
    ctx["is_global"].as_bool() == Some(true)
        || ctx["project_ids"]
            .as_array()
            .is_some_and(|ids| ids.iter().any(|id| id.as_u64() == Some(project_id)))
}

fn describe(mode: &str, plan: &CasePlan, ids: &[Option<u64>], missing: usize) -> CaseCreation {
    CaseCreation {
        mode: mode.into(),
        sections: plan.sections.iter().map(|s| s.path.clone()).collect(),
        cases: plan
            .cases
            .iter()
            .zip(ids)
            .zip(&plan.paths)
            .map(|((c, id), path)| NewCase {
                case_id: *id,
                title: c.title.clone(),
                section: path.clone(),
                automation_id: c.automation_id.clone(),
                tests: c.tests.len() as u64,
            })
            .collect(),
        found: plan.found.len() as u64,
        missing: missing as u64,
    }
}

/// The text summary's lines about created cases.
pub fn text(c: &CaseCreation) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if c.mode == "off" {
        writeln!(
            out,
            "{} unmapped test(s) could get new cases: add --create-missing-cases with \
             --sections-from suites (one section per testsuite) or --section-id ID",
            c.missing
        )
        .ok();
        return out;
    }
    let verb = if c.mode == "dry-run" {
        "Would create"
    } else {
        "Created"
    };
    writeln!(
        out,
        "{verb} {} section(s) and {} case(s) for unmapped tests ({} found existing)",
        c.sections.len(),
        c.cases.len(),
        c.found
    )
    .ok();
    for s in &c.sections {
        writeln!(out, "  section {s}").ok();
    }
    let shown = if c.mode == "dry-run" { usize::MAX } else { 20 };
    for case in c.cases.iter().take(shown) {
        let id = case.case_id.map(|id| format!("C{id} ")).unwrap_or_default();
        writeln!(out, "  case {id}\"{}\" in {}", case.title, case.section).ok();
    }
    if c.cases.len() > shown {
        writeln!(out, "  … and {} more", c.cases.len() - shown).ok();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(name: &str, extra: Value) -> CaseField {
        CaseField {
            system_name: name.into(),
            extra: serde_json::from_value(extra).unwrap(),
            ..CaseField::default()
        }
    }

    #[test]
    fn the_field_counts_when_active_and_global_or_for_the_project() {
        let global = json!({"is_active": true, "configs": [{"context": {"is_global": true}}]});
        let for_2 = json!({"configs": [{"context": {"is_global": false, "project_ids": [2]}}]});
        let inactive = json!({"is_active": false, "configs": [{"context": {"is_global": true}}]});
        assert!(has_field(&[field(FIELD, global.clone())], FIELD, 1));
        assert!(has_field(&[field(FIELD, for_2.clone())], FIELD, 2));
        assert!(!has_field(&[field(FIELD, for_2)], FIELD, 1));
        assert!(!has_field(&[field(FIELD, inactive)], FIELD, 1));
        assert!(!has_field(&[field("custom_other", global)], FIELD, 1));
        assert!(!has_field(&[], FIELD, 1));
    }

    #[test]
    fn creation_needs_a_place() {
        let bare = CreateOptions {
            enabled: true,
            ..CreateOptions::default()
        };
        assert!(bare.validate().is_err());
        let mut ok = bare;
        ok.placement.from_suites = true;
        assert!(ok.validate().is_ok());
        assert!(CreateOptions::default().validate().is_ok());
    }
}
