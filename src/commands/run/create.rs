//! `run create`: add_run, then tell CI where the run is (dotenv file, GitHub step outputs).

use std::io::Write as _;
use std::path::Path;

use crate::cli::OutputFormat;
use crate::cli::ids::case_id;
use crate::cli::run::{CreateArgs, SelectionArgs};
use crate::error::{Error, usage};
use crate::testrail::{Client, NewRun};

use super::{show, verify};

pub(super) async fn execute(
    client: &Client,
    out: OutputFormat,
    a: &CreateArgs,
) -> anyhow::Result<()> {
    let case_ids = selected_cases(&a.selection)?;
    let new = NewRun {
        suite_id: a.suite_id,
        name: a.name.clone(),
        description: a.description.clone(),
        milestone_id: a.milestone_id,
        assignedto_id: a.assignedto_id,
        include_all: a.selection.include_all,
        case_ids,
        refs: a.refs.clone(),
    };
    let run = verify::add_run(client, a.project_id, &new).await?;
    let url = run.url.clone().unwrap_or_else(|| client.run_url(run.id));
    if let Some(path) = &a.dotenv {
        append(path, &format!("TESTRAIL_RUN_ID={}\n", run.id), "--dotenv")?;
    }
    write_github_outputs(&[("run-id", &run.id.to_string()), ("run-url", &url)])?;
    match out {
        OutputFormat::Json => show::json(&run),
        OutputFormat::Text => show::write_out(&format!(
            "Created run R{} \"{}\" with {} test(s): {url}\n",
            run.id,
            run.name,
            run.test_count()
        )),
    }
}

/// The case IDs a selection names (`None`: every case, `--include-all`).
pub(crate) fn selected_cases(s: &SelectionArgs) -> anyhow::Result<Option<Vec<u64>>> {
    Ok(match &s.case_ids_file {
        Some(path) => Some(read_case_ids(path)?),
        None if s.include_all => None,
        None => Some(sorted_unique(s.case_ids.clone())),
    })
}

/// Read case IDs separated by commas, spaces or new lines; `#` starts a comment.
fn read_case_ids(path: &Path) -> anyhow::Result<Vec<u64>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        usage(format!(
            "cannot read --case-ids-file {}: {e}",
            path.display()
        ))
    })?;
    let mut ids = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default();
        for token in line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            let id = case_id(token).map_err(|e| {
                Error::Input(format!("--case-ids-file {}:{}: {e}", path.display(), n + 1))
            })?;
            ids.push(id);
        }
    }
    Ok(sorted_unique(ids))
}

fn sorted_unique(mut ids: Vec<u64>) -> Vec<u64> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Under GitHub Actions, expose these step outputs (e.g. `run-id`, `run-url`).
pub(crate) fn write_github_outputs(outputs: &[(&str, &str)]) -> anyhow::Result<()> {
    if crate::env::non_empty("GITHUB_ACTIONS").is_none() {
        return Ok(());
    }
    let Some(file) = crate::env::non_empty("GITHUB_OUTPUT") else {
        return Ok(());
    };
    let text: String = outputs
        .iter()
        .map(|(name, value)| crate::ci::github::format_output(name, value))
        .collect();
    append(Path::new(&file), &text, "$GITHUB_OUTPUT")
}

pub(crate) fn append(path: &Path, text: &str, what: &str) -> anyhow::Result<()> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| usage(format!("cannot write {what} file {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_id_files_allow_separators_prefixes_and_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ids.txt");
        std::fs::write(&path, "# smoke set\nC3, 1\n2 c3\n\n").unwrap();
        assert_eq!(read_case_ids(&path).unwrap(), vec![1, 2, 3]);
        std::fs::write(&path, "1\n2\nthree\n").unwrap();
        let err = read_case_ids(&path).unwrap_err().to_string();
        assert!(err.contains("ids.txt:3") && err.contains("three"), "{err}");
    }
}
