//! Reading a whole selection of reports before anything is sent: by default one unreadable
//! report stops the command (nothing half-submitted); `--skip-invalid-reports` reads on and
//! warns about each bad file instead.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::error::ReadError;
use super::format::Format;
use super::model::Report;
use super::read::{available_cores, read_report_with};
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
    for result in read_all(&selected.files, selection.format) {
        match result {
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
        if report.tests.is_empty() {
            // Valid but empty: usually a runner that crashed early or a wrong glob.
            let path = report.path.display();
            loaded
                .warnings
                .push(format!("{path}: no testcases in this report"));
        }
    }
    Ok(loaded)
}

/// Read files on all cores (sharded CI jobs often leave dozens of reports), keeping order.
fn read_all(files: &[PathBuf], format: Option<Format>) -> Vec<Result<Report, ReadError>> {
    let cores = available_cores();
    let workers = cores.min(files.len());
    if workers <= 1 {
        return files
            .iter()
            .map(|f| read_report_with(f, cores, format))
            .collect();
    }
    // Reading several files at once already uses the cores: a big file is cut only into as
    // many parts as there are cores per reader.
    let cores_each = cores / workers;
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<Report, ReadError>>>> =
        files.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    let result = read_report_with(file, cores_each, format);
                    *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            let value = slot.into_inner().unwrap_or_else(|e| e.into_inner());
            value.expect("every file was read")
        })
        .collect()
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
        assert_eq!(crate::error::code_for(&err), crate::exit::INPUT);
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

    #[test]
    fn many_reports_come_back_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..25 {
            let xml = format!(r#"<testsuite><testcase name="t{i:02}"/></testsuite>"#);
            std::fs::write(dir.path().join(format!("r{i:02}.xml")), xml).unwrap();
        }
        let sel = ReportSelection {
            patterns: vec![format!("{}/r*.xml", dir.path().display())],
            ..Default::default()
        };
        let names: Vec<String> = load(&sel)
            .unwrap()
            .reports
            .iter()
            .map(|r| r.tests[0].name.clone())
            .collect();
        let want: Vec<String> = (0..25).map(|i| format!("t{i:02}")).collect();
        assert_eq!(names, want);
    }

    #[test]
    fn an_empty_report_is_read_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("empty.xml"), "<testsuites/>").unwrap();
        let sel = ReportSelection {
            patterns: vec![format!("{}/empty.xml", dir.path().display())],
            ..Default::default()
        };
        let loaded = load(&sel).unwrap();
        assert_eq!(loaded.reports.len(), 1);
        assert!(
            loaded.warnings[0].ends_with("empty.xml: no testcases in this report"),
            "{:?}",
            loaded.warnings
        );
    }
}
