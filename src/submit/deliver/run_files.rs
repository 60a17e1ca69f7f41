//! `--attach-to-run`: files for the whole run (an HTML report, logs, a coverage summary).
//!
//! The patterns are expanded and every file's size checked against TestRail's 256 MB limit
//! before the first write, so a typo or an oversized file stops the submit with nothing
//! created. The uploads happen after the results are posted and before the run (or plan) is
//! closed: a closed run takes no attachments. A plan's run takes them through its entry
//! (`add_attachment_to_plan_entry`); a multi-suite submit uploads them to each suite's entry,
//! since a plan's own attachments (`add_attachment_to_plan`) show on the plan, not its runs. A failed upload is a warning, named in the summary; the
//! results matter more than their artifacts.

use std::path::PathBuf;

use crate::error::Error;
use crate::summary::RunAttachment;
use crate::testrail::attachments::MAX_ATTACHMENT_BYTES;
use crate::testrail::{Client, Run};

/// A file to attach, found and size-checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
}

/// Expand `--attach-to-run` patterns (files or globs). A pattern matching nothing, or a file
/// over TestRail's limit, is an input error naming it.
pub fn resolve(patterns: &[String]) -> anyhow::Result<Vec<RunFile>> {
    let mut files: Vec<RunFile> = Vec::new();
    for pattern in patterns.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let found = crate::report::files_matching(pattern, "--attach-to-run")?;
        if found.is_empty() {
            return Err(Error::Input(format!(
                "--attach-to-run: no file matches \"{pattern}\"; nothing was sent"
            ))
            .into());
        }
        for path in found {
            let size = std::fs::metadata(&path)
                .map_err(|e| Error::Input(format!("--attach-to-run: {}: {e}", path.display())))?
                .len();
            if size > MAX_ATTACHMENT_BYTES {
                return Err(Error::Input(format!(
                    "--attach-to-run: {} is {} MB; TestRail takes at most {} MB per \
                     attachment, so nothing was sent (compress or split it)",
                    path.display(),
                    size.div_ceil(1024 * 1024),
                    MAX_ATTACHMENT_BYTES / (1024 * 1024)
                ))
                .into());
            }
            if !files.iter().any(|f| f.path == path) {
                files.push(RunFile { path, size });
            }
        }
    }
    Ok(files)
}

/// Upload every file to the run (or its plan entry), one request each, in order.
pub async fn upload_all(client: &Client, run: &Run, files: &[RunFile]) -> Vec<RunAttachment> {
    let mut out = Vec::new();
    for file in files {
        let outcome = upload(client, run, file).await;
        if let Err(why) = &outcome {
            eprintln!(
                "warning: {} was not attached to run R{}: {why}",
                file.path.display(),
                run.id
            );
        }
        out.push(RunAttachment {
            file: file.path.display().to_string(),
            size: file.size,
            attachment_id: outcome.as_ref().ok().map(ToString::to_string),
            run_id: Some(run.id),
            error: outcome.err(),
        });
    }
    let done = out.iter().filter(|a| a.error.is_none()).count();
    if !files.is_empty() {
        crate::progress::note(&format!(
            "Attached {done} of {} file(s) to run R{}",
            files.len(),
            run.id
        ));
    }
    out
}

async fn upload(
    client: &Client,
    run: &Run,
    file: &RunFile,
) -> Result<crate::testrail::AttachmentId, String> {
    let bytes = tokio::fs::read(&file.path)
        .await
        .map_err(|e| e.to_string())?;
    let name = file
        .path
        .file_name()
        .map_or_else(|| "attachment".into(), |n| n.to_string_lossy().into_owned());
    let entry = run.extra.get("entry_id").and_then(|e| e.as_str());
    let answer = match (run.plan_id, entry) {
        (Some(plan_id), Some(entry_id)) => {
            client
                .add_attachment_to_plan_entry(plan_id, entry_id, &name, bytes)
                .await
        }
        _ => client.add_attachment_to_run(run.id, &name, bytes).await,
    };
    answer.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_expand_and_a_missing_or_oversized_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.log", "b.log", "report.html"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let pattern = |p: &str| dir.path().join(p).display().to_string();
        let files = resolve(&[pattern("*.log"), pattern("report.html"), pattern("a.log")]).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.log", "b.log", "report.html"]);
        assert_eq!(files[0].size, 1);

        let err = resolve(&[pattern("*.zip")]).unwrap_err();
        assert_eq!(crate::error::code_for(&err), crate::exit::INPUT);
        assert!(err.to_string().contains("*.zip"), "{err}");

        // A sparse file: over the limit without writing 256 MB.
        let big = dir.path().join("big.bin");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_ATTACHMENT_BYTES + 1)
            .unwrap();
        let err = resolve(&[big.display().to_string()]).unwrap_err();
        assert!(err.to_string().contains("257 MB"), "{err}");
    }
}
