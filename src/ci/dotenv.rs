//! Files any CI system can pick up after the step: a dotenv file with the run ID (GitLab's
//! `artifacts:reports:dotenv` turns it into variables for later jobs) and the JSON summary.

use std::path::Path;

use anyhow::{Context, bail};

use crate::summary::Summary;

/// The dotenv lines for `summary`: `TESTRAIL_RUN_ID` and `TESTRAIL_RUN_URL` when known (a dry
/// run that would create a run has neither, and writes an empty file).
pub fn dotenv_text(summary: &Summary) -> anyhow::Result<String> {
    let mut text = String::new();
    let vars = [
        ("TESTRAIL_RUN_ID", summary.run_id.map(|id| id.to_string())),
        ("TESTRAIL_RUN_URL", summary.run_url.clone()),
    ];
    for (name, value) in vars {
        let Some(value) = value else { continue };
        // GitLab's dotenv parser takes one line per variable and has no quoting or escapes.
        if value.contains(['\n', '\r']) {
            bail!("cannot write {name} to a dotenv file: its value has a line break");
        }
        text.push_str(&format!("{name}={value}\n"));
    }
    Ok(text)
}

/// Write the dotenv file (`--dotenv FILE`), replacing any previous content.
pub fn write_dotenv(path: &Path, summary: &Summary) -> anyhow::Result<()> {
    std::fs::write(path, crate::redact::text(&dotenv_text(summary)?))
        .with_context(|| format!("writing the --dotenv file {}", path.display()))
}

/// Write the summary as pretty JSON (`--summary-json FILE`), the same document as
/// `--output json`.
pub fn write_summary_json(path: &Path, summary: &Summary) -> anyhow::Result<()> {
    let mut json = serde_json::to_string_pretty(summary).context("serialising the summary")?;
    json.push('\n');
    std::fs::write(path, crate::redact::text(&json))
        .with_context(|| format!("writing the --summary-json file {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted() -> Summary {
        Summary {
            run_id: Some(31),
            run_url: Some("https://t.example/index.php?/runs/view/31".into()),
            results_posted: 2,
            statuses: [("passed".to_string(), 2)].into_iter().collect(),
            ..Summary::default()
        }
    }

    #[test]
    fn dotenv_has_id_and_url() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("testrail.env");
        std::fs::write(&path, "STALE=1\n").unwrap();
        write_dotenv(&path, &posted()).unwrap();
        assert_eq!(
            std::fs::read_to_string(path).unwrap(),
            "TESTRAIL_RUN_ID=31\nTESTRAIL_RUN_URL=https://t.example/index.php?/runs/view/31\n"
        );
    }

    #[test]
    fn dry_run_dotenv_is_empty() {
        assert_eq!(dotenv_text(&Summary::default()).unwrap(), "");
    }

    #[test]
    fn line_break_in_a_value_is_refused() {
        let s = Summary {
            run_url: Some("a\nINJECTED=1".into()),
            ..posted()
        };
        let err = dotenv_text(&s).unwrap_err().to_string();
        assert!(err.contains("TESTRAIL_RUN_URL"), "{err}");
    }

    #[test]
    fn summary_json_round_trips_the_documented_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.json");
        write_summary_json(&path, &posted()).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(v["run_id"], 31);
        assert_eq!(v["results_posted"], 2);
        assert_eq!(v["statuses"]["passed"], 2);
        assert_eq!(v["unmapped"], serde_json::json!([]));
        assert_eq!(v["unknown_case_ids"], serde_json::json!([]));
        assert_eq!(v["api_calls"], 0);
    }

    #[test]
    fn unwritable_path_names_the_flag() {
        let err = write_summary_json(Path::new("/nonexistent-dir/s.json"), &posted()).unwrap_err();
        assert!(format!("{err:#}").contains("--summary-json file /nonexistent-dir/s.json"));
    }
}
