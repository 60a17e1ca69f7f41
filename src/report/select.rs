//! Which report files a command reads: files, directories and glob patterns (`**` recurses)
//! from the command line and `--reports`/`TESTRAIL_REPORTS`, sorted and de-duplicated.

use std::path::{Component, Path, PathBuf};

use crate::error::Error;

/// The reports a command was asked to read, and what to do about missing or bad ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportSelection {
    /// Files, directories or glob patterns, in the order given.
    pub patterns: Vec<String>,
    /// A pattern that matches nothing is a warning instead of an error.
    pub allow_missing: bool,
    /// An unreadable report is a warning instead of stopping everything.
    pub skip_invalid: bool,
}

impl ReportSelection {
    /// Add patterns from a `--reports` value or `TESTRAIL_REPORTS`: one per line or comma.
    pub fn add_list(&mut self, list: &str) {
        let parts = list
            .split(['\n', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty());
        self.patterns.extend(parts.map(str::to_owned));
    }
}

/// The files a selection names, plus a warning for each pattern that matched nothing when
/// that is allowed.
#[derive(Debug, Default)]
pub struct Selected {
    /// Sorted, de-duplicated report files.
    pub files: Vec<PathBuf>,
    /// Patterns that matched nothing (only when `allow_missing`).
    pub warnings: Vec<String>,
}

/// Expand every pattern. A pattern matching nothing is an input error naming it, unless
/// `allow_missing`.
pub fn select(selection: &ReportSelection) -> anyhow::Result<Selected> {
    if selection.patterns.is_empty() {
        return Err(crate::error::usage(
            "no reports given: pass REPORT... or set --reports / TESTRAIL_REPORTS",
        ));
    }
    let mut out = Selected::default();
    for pattern in &selection.patterns {
        let found = expand(pattern)?;
        if found.is_empty() {
            let msg = format!("no report matches \"{pattern}\"");
            if !selection.allow_missing {
                return Err(Error::Input(format!(
                    "{msg} (pass --allow-missing-reports to continue without it)"
                ))
                .into());
            }
            out.warnings.push(msg);
        }
        out.files.extend(found);
    }
    out.files.sort();
    out.files.dedup();
    Ok(out)
}

/// The files one pattern stands for. A literal path wins over glob syntax, so a file named
/// `report[1].xml` is still found; a directory means every `*.xml` below it.
fn expand(pattern: &str) -> anyhow::Result<Vec<PathBuf>> {
    let literal = Path::new(pattern);
    if literal.is_file() {
        return Ok(vec![normalize(literal)]);
    }
    if literal.is_dir() {
        let below = format!(
            "{}/**/*.xml",
            glob::Pattern::escape(pattern.trim_end_matches('/'))
        );
        return glob_files(&below, pattern, "report");
    }
    glob_files(pattern, pattern, "report")
}

/// The files a glob pattern (or literal path) names, sorted as the file system lists them;
/// `what` names the option in the error for a bad pattern.
pub fn files_matching(pattern: &str, what: &str) -> anyhow::Result<Vec<PathBuf>> {
    let literal = Path::new(pattern);
    if literal.is_file() {
        return Ok(vec![normalize(literal)]);
    }
    glob_files(pattern, pattern, what)
}

fn glob_files(pattern: &str, shown: &str, what: &str) -> anyhow::Result<Vec<PathBuf>> {
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: false,
    };
    let paths = glob::glob_with(pattern, options)
        .map_err(|e| crate::error::usage(format!("invalid {what} pattern \"{shown}\": {e}")))?;
    let mut files = Vec::new();
    for entry in paths {
        match entry {
            Ok(path) if path.is_file() => files.push(normalize(&path)),
            Ok(_) => {}
            Err(e) => {
                return Err(Error::Input(format!(
                    "cannot read {} while expanding \"{shown}\": {}",
                    e.path().display(),
                    e.error()
                ))
                .into());
            }
        }
    }
    Ok(files)
}

/// Drop `.` components so `./a.xml` and `a.xml` count as one file.
fn normalize(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| *c != Component::CurDir)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, rel: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "<testsuite/>").unwrap();
    }

    fn selection(patterns: &[String]) -> ReportSelection {
        ReportSelection {
            patterns: patterns.to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn globs_recurse_sort_and_deduplicate() {
        let dir = tempfile::tempdir().unwrap();
        for rel in [
            "b/TEST-2.xml",
            "a/TEST-1.xml",
            "a/deep/er/TEST-3.xml",
            "a/notes.txt",
        ] {
            touch(dir.path(), rel);
        }
        let d = dir.path().display();
        let patterns = [format!("{d}/**/TEST-*.xml"), format!("{d}/a/TEST-1.xml")];
        let got = select(&selection(&patterns)).unwrap().files;
        let rel: Vec<_> = got
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap())
            .collect();
        let want = ["a/TEST-1.xml", "a/deep/er/TEST-3.xml", "b/TEST-2.xml"];
        assert_eq!(rel, want.iter().map(Path::new).collect::<Vec<_>>());
    }

    #[test]
    fn a_directory_means_the_xml_files_below_it() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "x/y/r.xml");
        touch(dir.path(), "x/r.txt");
        let got = select(&selection(&[dir.path().display().to_string()])).unwrap();
        assert_eq!(got.files, vec![dir.path().join("x/y/r.xml")]);
    }

    #[test]
    fn a_pattern_matching_nothing_is_an_input_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let pattern = format!("{}/nothing-*.xml", dir.path().display());
        let err = select(&selection(std::slice::from_ref(&pattern))).unwrap_err();
        assert!(err.to_string().contains(&pattern), "{err}");
        assert_eq!(crate::error::code_for(&err), crate::exit::INPUT);
    }

    #[test]
    fn allow_missing_turns_the_error_into_a_warning() {
        let mut sel = selection(&["/definitely/not/here-*.xml".into()]);
        sel.allow_missing = true;
        let got = select(&sel).unwrap();
        assert!(got.files.is_empty());
        assert_eq!(got.warnings.len(), 1);
    }

    #[test]
    fn lists_split_on_newlines_and_commas() {
        let mut sel = ReportSelection::default();
        sel.add_list("a.xml, b/*.xml\n\nc.xml\n");
        assert_eq!(sel.patterns, ["a.xml", "b/*.xml", "c.xml"]);
    }

    #[test]
    fn no_pattern_at_all_is_a_usage_error() {
        let err = select(&ReportSelection::default()).unwrap_err();
        assert_eq!(crate::error::code_for(&err), crate::exit::USAGE);
    }
}
