//! GitHub Actions: step outputs (`$GITHUB_OUTPUT`), the job summary (`$GITHUB_STEP_SUMMARY`)
//! and `::warning` annotations for tests whose results could not be posted.
//!
//! The binary writes these itself (not the action's shell script), so the behaviour is the
//! same wherever the binary runs under `GITHUB_ACTIONS=true`, and tests can check the files.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;

use super::commands::{Location, warning};
use super::context::CiContext;
use super::step_summary;
use crate::summary::{Summary, TestRef};

/// Annotations beyond this many are summarised in one line: the UI shows only the first ten
/// warnings of a step, and hundreds of lines bury the log.
pub const MAX_ANNOTATIONS: usize = 50;

/// Write outputs, the step summary and annotations (to `commands`, normally stderr).
pub fn publish(summary: &Summary, ctx: &CiContext, commands: &mut dyn Write) -> anyhow::Result<()> {
    for line in annotations(summary) {
        writeln!(commands, "{line}").context("writing GitHub annotations")?;
    }
    if let Some(path) = &ctx.github_output {
        append(path, &format_outputs(summary), "GITHUB_OUTPUT")?;
    }
    if let Some(path) = &ctx.github_step_summary {
        append(path, &step_summary::render(summary), "GITHUB_STEP_SUMMARY")?;
    }
    Ok(())
}

/// The action's outputs, in the order action.yml declares them.
///
/// `passed`, `failed` and `skipped` count the testcases in the reports by outcome (`failed`
/// includes errors), whatever TestRail status they were posted as; `unmapped` counts tests
/// with no case ID. `run-id` and `run-url` are empty in a dry run that would create a run.
pub fn outputs(summary: &Summary) -> Vec<(&'static str, String)> {
    let outcome = |name: &str| summary.outcomes.get(name).copied().unwrap_or(0);
    vec![
        (
            "run-id",
            summary.run_id.map(|id| id.to_string()).unwrap_or_default(),
        ),
        ("run-url", summary.run_url.clone().unwrap_or_default()),
        ("results-posted", summary.results_posted.to_string()),
        ("passed", outcome("passed").to_string()),
        ("failed", (outcome("failed") + outcome("error")).to_string()),
        ("skipped", outcome("skipped").to_string()),
        ("unmapped", summary.unmapped.len().to_string()),
    ]
}

/// The `$GITHUB_OUTPUT` lines for every output.
pub fn format_outputs(summary: &Summary) -> String {
    outputs(summary)
        .iter()
        .map(|(name, value)| format_output(name, value))
        .collect()
}

/// One output in the file-command syntax: `name=value`, or the heredoc form
/// `name<<DELIM … DELIM` when the value has a line break (which would otherwise end the value
/// and let the rest be read as another output).
pub fn format_output(name: &str, value: &str) -> String {
    if !value.contains(['\n', '\r']) {
        return format!("{name}={value}\n");
    }
    let delimiter = delimiter_for(value);
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

/// A delimiter that does not occur in `value` (the runner ends the value at its first line
/// equal to the delimiter).
fn delimiter_for(value: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut delimiter = format!("ghadelimiter_{}_{nanos}", std::process::id());
    while value.contains(&delimiter) {
        delimiter.push('_');
    }
    delimiter
}

/// `::warning` commands for unmapped tests and unknown case IDs, capped at
/// [`MAX_ANNOTATIONS`] with a final line saying how many were left out.
pub fn annotations(summary: &Summary) -> Vec<String> {
    let unmapped = summary.unmapped.iter().map(|t| {
        let message = format!(
            "{} ({}) has no TestRail case ID; no result was posted",
            t.name, t.report
        );
        warning("Unmapped test", &location(t), &message)
    });
    let unknown = summary.unknown_case_ids.iter().flat_map(|u| {
        u.tests.iter().map(move |t| {
            let message = format!(
                "{} ({}) names case C{}, which TestRail does not have in this suite; no result was posted",
                t.name, t.report, u.case_id
            );
            warning("Unknown TestRail case", &location(t), &message)
        })
    });
    let all: Vec<String> = unmapped.chain(unknown).collect();
    let total = all.len();
    let mut shown: Vec<String> = all.into_iter().take(MAX_ANNOTATIONS).collect();
    if total > MAX_ANNOTATIONS {
        let rest = format!(
            "{} more tests were not reported to TestRail; see the job summary",
            total - MAX_ANNOTATIONS
        );
        shown.push(warning("testrail-report", &Location::default(), &rest));
    }
    shown
}

fn location(test: &TestRef) -> Location<'_> {
    Location {
        file: test.file.as_deref(),
        line: test.line,
    }
}

fn append(path: &Path, text: &str, var: &str) -> anyhow::Result<()> {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening {var} file {}", path.display()))?;
    file.write_all(crate::redact::text(text).as_bytes())
        .with_context(|| format!("writing {var} file {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ci::context::CiKind;
    use crate::summary::UnknownCase;

    fn test_ref(name: &str, file: Option<&str>, line: Option<u32>) -> TestRef {
        TestRef {
            name: name.into(),
            report: "junit.xml".into(),
            file: file.map(Into::into),
            line,
        }
    }

    fn sample() -> Summary {
        Summary {
            run_id: Some(17),
            run_url: Some("http://127.0.0.1:1/index.php?/runs/view/17".into()),
            results_posted: 6,
            outcomes: [("passed", 4), ("failed", 1), ("error", 2), ("skipped", 3)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            unmapped: vec![test_ref("a.b", Some("tests/a.py"), Some(9))],
            unknown_case_ids: vec![UnknownCase {
                case_id: 404,
                tests: vec![test_ref("c,d", None, None)],
            }],
            ..Summary::default()
        }
    }

    #[test]
    fn outputs_count_outcomes() {
        assert_eq!(
            format_outputs(&sample()),
            "run-id=17\nrun-url=http://127.0.0.1:1/index.php?/runs/view/17\nresults-posted=6\n\
             passed=4\nfailed=3\nskipped=3\nunmapped=1\n"
        );
    }

    #[test]
    fn dry_run_outputs_are_empty_not_missing() {
        let text = format_outputs(&Summary {
            dry_run: true,
            ..Summary::default()
        });
        assert!(
            text.starts_with("run-id=\nrun-url=\nresults-posted=0\n"),
            "{text}"
        );
    }

    #[test]
    fn multiline_value_uses_a_heredoc() {
        let text = format_output("run-url", "line1\nline2");
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        let delimiter = lines[0].strip_prefix("run-url<<").unwrap();
        assert!(delimiter.starts_with("ghadelimiter_"));
        assert_eq!(&lines[1..3], ["line1", "line2"]);
        assert_eq!(lines[3], delimiter);
    }

    #[test]
    fn heredoc_delimiter_never_occurs_in_the_value() {
        let probe = delimiter_for("");
        let value = format!("x\n{probe}\n{probe}_");
        let delimiter = delimiter_for(&value);
        assert!(!value.contains(&delimiter));
    }

    #[test]
    fn annotations_name_file_line_and_case() {
        assert_eq!(
            annotations(&sample()),
            [
                "::warning file=tests/a.py,line=9,title=Unmapped test::a.b (junit.xml) has no TestRail case ID; no result was posted",
                "::warning title=Unknown TestRail case::c,d (junit.xml) names case C404, which TestRail does not have in this suite; no result was posted",
            ]
        );
    }

    #[test]
    fn annotations_are_capped() {
        let s = Summary {
            unmapped: (0..60)
                .map(|i| test_ref(&format!("t{i}"), None, None))
                .collect(),
            ..Summary::default()
        };
        let lines = annotations(&s);
        assert_eq!(lines.len(), MAX_ANNOTATIONS + 1);
        assert!(lines[MAX_ANNOTATIONS].contains("10 more tests"));
    }

    #[test]
    fn publish_appends_to_both_files() {
        let dir = tempfile::tempdir().unwrap();
        let (out, sum) = (dir.path().join("out"), dir.path().join("summary.md"));
        std::fs::write(&out, "earlier=1\n").unwrap();
        let ctx = CiContext {
            kind: CiKind::GitHub,
            default_run_name: "x".into(),
            job_url: None,
            commit: None,
            build_version: None,
            github_output: Some(out.clone()),
            github_step_summary: Some(sum.clone()),
        };
        let mut commands = Vec::new();
        publish(&sample(), &ctx, &mut commands).unwrap();
        let out = std::fs::read_to_string(out).unwrap();
        assert!(out.starts_with("earlier=1\nrun-id=17\n"), "{out}");
        assert!(
            std::fs::read_to_string(sum)
                .unwrap()
                .contains("## TestRail: run [R17]")
        );
        assert_eq!(String::from_utf8(commands).unwrap().lines().count(), 2);
    }

    #[test]
    fn unwritable_output_file_is_an_error_naming_the_variable() {
        let ctx = CiContext {
            kind: CiKind::GitHub,
            default_run_name: "x".into(),
            job_url: None,
            commit: None,
            build_version: None,
            github_output: Some("/nonexistent-dir/out".into()),
            github_step_summary: None,
        };
        let err = publish(&sample(), &ctx, &mut Vec::new()).unwrap_err();
        assert!(format!("{err:#}").contains("GITHUB_OUTPUT file /nonexistent-dir/out"));
    }
}
