//! Reading a whole selection of reports before anything is sent: by default one unreadable
//! report stops the command (nothing half-submitted); `--skip-invalid-reports` reads on and
//! warns about each bad file instead.

use super::model::Report;
use super::read::read_report;
use super::select::{ReportSelection, select};
use crate::error::Error;

/// Every report of a selection, read, plus the warnings of the selection and the reports.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Reports in file order (sorted paths).
    pub reports: Vec<Report>,
    /// Skipped files, patterns that matched nothing, and each report's own warnings.
    pub warnings: Vec<String>,
}

impl Loaded {
    /// Number of testcases across all reports.
    pub fn test_count(&self) -> usize {
        self.reports.iter().map(|r| r.tests.len()).sum()
    }
}

/// Expand the selection and read every report. Errors carry [`Error::Input`] (exit code 3)
/// and name every unreadable file, not just the first.
pub fn load(selection: &ReportSelection) -> anyhow::Result<Loaded> {
    let selected = select(selection)?;
    let mut loaded = Loaded {
        reports: Vec::new(),
        warnings: selected.warnings,
    };
    let mut failures = Vec::new();
    for path in &selected.files {
        match read_report(path) {
            Ok(report) => loaded.reports.push(report),
            Err(err) if selection.skip_invalid => {
                loaded
                    .warnings
                    .push(format!("skipped invalid report {err}"));
            }
            Err(err) => failures.push(err.to_string()),
        }
    }
    if !failures.is_empty() {
        let hint = "fix the report, or pass --skip-invalid-reports to continue without it";
        let msg = if failures.len() == 1 {
            format!("{} ({hint})", failures[0])
        } else {
            format!(
                "{} reports cannot be read ({hint}):\n  {}",
                failures.len(),
                failures.join("\n  ")
            )
        };
        return Err(Error::Input(msg).into());
    }
    for report in &loaded.reports {
        loaded.warnings.extend(report.warnings.iter().cloned());
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, ReportSelection) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("good.xml"),
            r#"<testsuite><testcase name="a"/></testsuite>"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("bad.xml"),
            "<testsuite><testcase name=\"b\">",
        )
        .unwrap();
        let sel = ReportSelection {
            patterns: vec![format!("{}/*.xml", dir.path().display())],
            ..Default::default()
        };
        (dir, sel)
    }

    #[test]
    fn one_bad_report_stops_everything_by_default() {
        let (_dir, sel) = setup();
        let err = load(&sel).unwrap_err();
        assert_eq!(crate::exit::code_for(&err), crate::exit::INPUT);
        assert!(err.to_string().contains("bad.xml:1:"), "{err}");
    }

    #[test]
    fn skip_invalid_reads_the_rest_and_warns() {
        let (_dir, mut sel) = setup();
        sel.skip_invalid = true;
        let loaded = load(&sel).unwrap();
        assert_eq!(loaded.test_count(), 1);
        assert!(
            loaded.warnings.iter().any(|w| w.contains("bad.xml")),
            "{:?}",
            loaded.warnings
        );
    }

    #[test]
    fn nothing_is_written_next_to_the_reports() {
        let (dir, mut sel) = setup();
        sel.skip_invalid = true;
        load(&sel).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
