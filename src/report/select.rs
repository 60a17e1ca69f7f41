//! Which report files a command reads: files, directories and glob patterns (`**` recurses)
//! from the command line and `--reports`/`TESTRAIL_REPORTS`, sorted and de-duplicated.
//!
//! Directories are walked by hand rather than by the glob crate, which follows symbolic links
//! without memory: `ln -s .. up` made it recurse until killed, and `ln -s . self` read each
//! report dozens of times. Here each directory and each file is visited once, by real path.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use super::format::Format;
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
    /// Read every file in this format instead of the one its first bytes show.
    pub format: Option<Format>,
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
    // The same file reached through a link counts once (the first name, in sorted order).
    let mut real = HashSet::new();
    out.files
        .retain(|f| real.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    Ok(out)
}

/// The files one pattern stands for. A literal path wins over glob syntax, so a file named
/// `report[1].xml` is still found; a directory means every `*.xml` and `*.trx` below it.
fn expand(pattern: &str) -> anyhow::Result<Vec<PathBuf>> {
    let literal = Path::new(pattern);
    if literal.is_file() {
        return Ok(vec![normalize(literal)]);
    }
    if literal.is_dir() {
        let files = walk(literal, pattern)?;
        let report = |f: &PathBuf| f.extension().is_some_and(|e| e == "xml" || e == "trx");
        return Ok(files
            .into_iter()
            .filter(report)
            .map(|f| normalize(&f))
            .collect());
    }
    if pattern.contains("**") {
        return recursive_glob(pattern);
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

const GLOB_OPTIONS: glob::MatchOptions = glob::MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

/// A `**` pattern: walk the directory before its first wildcard, keep what matches.
fn recursive_glob(pattern: &str) -> anyhow::Result<Vec<PathBuf>> {
    let compiled = glob::Pattern::new(pattern)
        .map_err(|e| crate::error::usage(format!("invalid report pattern \"{pattern}\": {e}")))?;
    let mut base = PathBuf::new();
    for part in Path::new(pattern).components() {
        let text = part.as_os_str().to_string_lossy();
        if text.contains(['*', '?', '[']) {
            break;
        }
        base.push(part);
    }
    if base.as_os_str().is_empty() {
        base.push(".");
    }
    if !base.is_dir() {
        return Ok(Vec::new());
    }
    let strip_dot = !pattern.starts_with("./") && base == Path::new(".");
    let mut files = Vec::new();
    for file in walk(&base, pattern)? {
        let shown = match strip_dot {
            true => file
                .strip_prefix(".")
                .map_or(file.clone(), Path::to_path_buf),
            false => file.clone(),
        };
        if compiled.matches_path_with(&shown, GLOB_OPTIONS) {
            files.push(normalize(&shown));
        }
    }
    Ok(files)
}

/// Every file below `root`, following links but entering each real directory once.
fn walk(root: &Path, shown: &str) -> anyhow::Result<Vec<PathBuf>> {
    let unreadable = |path: &Path, e: std::io::Error| {
        Error::Input(format!(
            "cannot read {} while expanding \"{shown}\": {e}",
            path.display()
        ))
    };
    let mut seen = HashSet::new();
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let real = std::fs::canonicalize(&dir).map_err(|e| unreadable(&dir, e))?;
        if !seen.insert(real) {
            continue;
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| unreadable(&dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        let mut subdirs = Vec::new();
        for path in entries {
            // `metadata` follows links; a dangling link is neither and is skipped.
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => subdirs.push(path),
                Ok(m) if m.is_file() => files.push(path),
                _ => {}
            }
        }
        stack.extend(subdirs.into_iter().rev());
    }
    Ok(files)
}

fn glob_files(pattern: &str, shown: &str, what: &str) -> anyhow::Result<Vec<PathBuf>> {
    let paths = glob::glob_with(pattern, GLOB_OPTIONS)
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
    fn a_directory_means_the_xml_and_trx_files_below_it() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "x/y/r.xml");
        touch(dir.path(), "x/r.txt");
        touch(dir.path(), "x/a.trx");
        let got = select(&selection(&[dir.path().display().to_string()])).unwrap();
        let want = [dir.path().join("x/a.trx"), dir.path().join("x/y/r.xml")];
        assert_eq!(got.files, want);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_end_and_each_report_is_read_once() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        touch(&a, "b/r.xml");
        touch(&a, "top.xml");
        symlink("..", a.join("b/up")).unwrap();
        symlink("../../a", a.join("b/self")).unwrap();
        symlink(".", a.join("here")).unwrap();
        symlink("missing", a.join("dangling.xml")).unwrap();
        for pattern in [a.display().to_string(), format!("{}/**/*.xml", a.display())] {
            let got = select(&selection(std::slice::from_ref(&pattern)))
                .unwrap()
                .files;
            assert_eq!(got, vec![a.join("b/r.xml"), a.join("top.xml")], "{pattern}");
        }
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
