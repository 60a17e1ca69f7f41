//! Files to attach to a result: testcase properties whose name starts with
//! `testrail_attachment` (the value is a path), and Jenkins-style `[[ATTACHMENT|path]]` lines
//! in system-out or system-err (the JUnit Attachments plugin convention).
//!
//! Relative paths are tried against the working directory, then against the report's own
//! directory. A missing file is a warning, not a failure: the result matters more than its
//! screenshot.
//!
//! Files embedded in the report itself (Cucumber's `embeddings`) are written once to
//! `<temp dir>/testrail-report-embedded/`, named by a hash of their content, and attached
//! from there like any other file: uploads and the resume file only ever deal in paths, and
//! a re-run or `--resume` finds the same file again.

use std::path::{Path, PathBuf};

use crate::report::{Embedded, TestCase};

use super::aggregate::CaseGroup;

/// The attachments of one result, and warnings for the files that do not exist.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Attachments {
    /// Existing files, de-duplicated, in report order.
    pub files: Vec<PathBuf>,
    /// One line per missing file.
    pub warnings: Vec<String>,
}

/// Collect and resolve every attachment named by the group's tests.
pub fn attachments(group: &CaseGroup<'_>) -> Attachments {
    let mut out = Attachments::default();
    for t in &group.tests {
        for e in t.embedded() {
            match materialize(e) {
                Ok(path) if !out.files.contains(&path) => out.files.push(path),
                Ok(_) => {}
                Err(err) => out.warnings.push(format!(
                    "{}: embedded file `{}` could not be written for upload ({err}); the \
                     result is posted without it",
                    t.full_name(),
                    e.name
                )),
            }
        }
        for raw in named(t) {
            match resolve(&raw, &t.file) {
                Some(path) if !out.files.contains(&path) => out.files.push(path),
                Some(_) => {}
                None => out.warnings.push(format!(
                    "{}: attachment `{raw}` not found (looked in the working directory and \
                     beside {}); the result is posted without it",
                    t.full_name(),
                    t.file.display()
                )),
            }
        }
    }
    out
}

/// The raw paths a test names, in order.
fn named(t: &TestCase) -> Vec<String> {
    let mut paths: Vec<String> = t
        .properties()
        .iter()
        .filter(|p| p.name.starts_with("testrail_attachment"))
        .map(|p| p.value.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    for text in [t.system_out(), t.system_err()].into_iter().flatten() {
        paths.extend(jenkins_markers(&text.text));
    }
    paths
}

/// Paths from `[[ATTACHMENT|path]]` markers (one per line, surrounding text allowed).
fn jenkins_markers(text: &str) -> impl Iterator<Item = String> + '_ {
    const OPEN: &str = "[[ATTACHMENT|";
    text.lines().filter_map(|line| {
        let start = line.find(OPEN)? + OPEN.len();
        let len = line[start..].find("]]")?;
        let path = line[start..start + len].trim();
        (!path.is_empty()).then(|| path.to_string())
    })
}

/// The file holding an embedded attachment, written unless it is there already.
fn materialize(e: &Embedded) -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join("testrail-report-embedded");
    std::fs::create_dir_all(&dir)?;
    let safe: String = e
        .name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let path = dir.join(format!("{:016x}-{safe}", fnv1a(&e.data)));
    let written = std::fs::metadata(&path).is_ok_and(|m| m.len() == e.data.len() as u64);
    if !written {
        // Written beside and renamed, so a concurrent submit never uploads half a file.
        let partial = dir.join(format!(".{}-{safe}", std::process::id()));
        std::fs::write(&partial, &e.data)?;
        std::fs::rename(&partial, &path)?;
    }
    Ok(path)
}

/// FNV-1a: stable across runs and versions, unlike the standard library's hasher.
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn resolve(raw: &str, report: &Path) -> Option<PathBuf> {
    let path = Path::new(raw);
    if path.is_absolute() {
        return path.is_file().then(|| path.to_path_buf());
    }
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    let beside = report.parent()?.join(path);
    beside.is_file().then_some(beside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Outcome, Property, Text};
    use crate::submit::plan::aggregate::group;
    use crate::submit::plan::aggregate::tests::test;
    use std::sync::Arc;

    #[test]
    fn reads_markers_with_surrounding_text() {
        let found: Vec<_> = jenkins_markers(
            "x\n  [[ATTACHMENT|/tmp/a.png]] saved\n[[ATTACHMENT|]]\n[[ATTACHMENT|b",
        )
        .collect();
        assert_eq!(found, ["/tmp/a.png"]);
    }

    #[test]
    fn finds_files_beside_the_report_and_warns_about_missing_ones() {
        let dir = tempfile::tempdir().unwrap();
        let shot = dir.path().join("shot.png");
        std::fs::write(&shot, b"png").unwrap();
        let mut t = test("a", Outcome::Failed);
        t.file = Arc::from(dir.path().join("junit.xml").as_path());
        t.details_mut().properties.push(Property {
            name: "testrail_attachment_1".into(),
            value: "shot.png".into(),
        });
        t.details_mut().properties.push(Property {
            name: "testrail_attachment".into(),
            value: "missing.log".into(),
        });
        t.details_mut().system_out = Some(Text {
            text: format!("[[ATTACHMENT|{}]]", shot.display()),
            truncated: false,
        });
        let g = group([(&t, [1])]);
        let a = attachments(&g[0]);
        assert_eq!(a.files, [shot]);
        assert_eq!(a.warnings.len(), 1);
        assert!(a.warnings[0].contains("missing.log"), "{:?}", a.warnings);
    }

    #[test]
    fn embedded_files_are_written_once_by_content_and_attached() {
        let mut t = test("a", Outcome::Failed);
        let data: Arc<[u8]> =
            Arc::from(format!("png {:?}", std::time::SystemTime::now()).as_bytes());
        t.details_mut().embedded.push(Embedded {
            name: "shot 1/../x.png".into(),
            media_type: "image/png".into(),
            data: data.clone(),
        });
        let g = group([(&t, [1])]);
        let first = attachments(&g[0]);
        assert!(first.warnings.is_empty(), "{:?}", first.warnings);
        let path = &first.files[0];
        assert_eq!(std::fs::read(path).unwrap(), &*data);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.ends_with("-shot_1_.._x.png"), "{name}");
        assert_eq!(attachments(&g[0]).files, first.files);
        std::fs::remove_file(path).unwrap();
    }
}
