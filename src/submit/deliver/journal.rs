//! Writing the journal (format: `unsent.rs`): the header before the first write to TestRail,
//! then one appended line per step.
//!
//! What reaches the disk when, and why:
//! - the header is written to a temporary name, synced and renamed (and the directory synced),
//!   so a crash leaves either no journal or a whole one;
//! - a `sent` line is synced before its batch goes out (by the batch's task, off the posting
//!   loop, so concurrent batches share the wait): after a power loss, a batch that may have
//!   landed is always known (and checked), never posted twice;
//! - every other line is only written (it survives `kill -9`, which does not lose what the
//!   kernel holds). An `acked` line lost to a power cut costs a check on `--resume`, not a
//!   duplicate, so it does not pay for a sync.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;

use super::target::TargetSpec;
use super::unsent::{Entries, Event, Header, VERSION};
use crate::submit::plan::results::PlannedResult;

/// An open journal. A journal that could not be written is `dead`: the submit goes on (a
/// read-only directory must not stop it), it only loses the crash safety net.
pub struct Log {
    inner: Mutex<Inner>,
}

struct Inner {
    path: PathBuf,
    file: Option<std::fs::File>,
    /// A run or plan was recorded: something exists in TestRail for `--resume` to finish.
    made: bool,
}

impl Log {
    /// Write the header (every planned result and where they go) before anything is written
    /// to TestRail.
    pub fn start(
        path: PathBuf,
        target: &TargetSpec,
        (close_run, close_plan): (bool, bool),
        since: i64,
        results: &[PlannedResult],
    ) -> Log {
        let header = Header {
            version: VERSION,
            since,
            close_run,
            close_plan,
            target: target.clone(),
            results: Entries(results),
        };
        let file = match create(&path, &header) {
            Ok(file) => Some(file),
            Err(e) => {
                eprintln!("warning: {e:#}; if this job dies now, only a new submit can finish it");
                None
            }
        };
        Log {
            inner: Mutex::new(Inner {
                path,
                file,
                made: false,
            }),
        }
    }

    /// Go on appending to an existing journal (`--resume`).
    pub fn reopen(path: &Path) -> anyhow::Result<Log> {
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .with_context(|| format!("cannot write to {}", path.display()))?;
        Ok(Log {
            inner: Mutex::new(Inner {
                path: path.to_path_buf(),
                file: Some(file),
                made: true,
            }),
        })
    }

    /// Append a line (written, not synced: see [`Log::syncer`]).
    pub fn record(&self, event: &Event) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        inner.made |= matches!(event, Event::Run { .. } | Event::Plan { .. });
        let Some(file) = inner.file.as_mut() else {
            return;
        };
        let mut line = serde_json::to_vec(event).unwrap_or_default();
        line.push(b'\n');
        // One write call per line: a crash leaves whole lines, or a cut last one the reader
        // ignores.
        if let Err(e) = file.write_all(&line) {
            eprintln!(
                "warning: cannot write the journal {}: {e}; if this job dies now, only a new \
                 submit can finish it",
                inner.path.display()
            );
            inner.file = None;
        }
    }

    /// A handle that syncs what was written so far, for batch tasks to call before sending.
    pub fn syncer(&self) -> Option<Syncer> {
        let inner = self.inner.lock().ok()?;
        let file = inner.file.as_ref()?.try_clone().ok()?;
        Some(Syncer(Arc::new(file)))
    }

    /// Whether a run or plan was recorded (made, found or named).
    pub fn made_anything(&self) -> bool {
        self.inner.lock().is_ok_and(|i| i.made)
    }

    /// Whether the journal is being written.
    pub fn is_live(&self) -> bool {
        self.inner.lock().is_ok_and(|i| i.file.is_some())
    }

    /// Where it is.
    pub fn path(&self) -> PathBuf {
        self.inner
            .lock()
            .map(|i| i.path.clone())
            .unwrap_or_default()
    }

    /// Give it the name of the run (or plan) it now belongs to; appending goes on.
    pub fn rename(&self, to: PathBuf) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.file.is_none() || inner.path == to {
            inner.path = to;
            return;
        }
        match std::fs::rename(&inner.path, &to) {
            Ok(()) => inner.path = to,
            Err(e) => eprintln!(
                "warning: cannot rename the journal {} to {}: {e}",
                inner.path.display(),
                to.display()
            ),
        }
    }

    /// Every result was accepted: the journal has done its job.
    pub fn remove(&self) -> bool {
        let Ok(mut inner) = self.inner.lock() else {
            return false;
        };
        inner.file = None;
        match std::fs::remove_file(&inner.path) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => {
                eprintln!(
                    "warning: cannot remove the journal {}: {e}",
                    inner.path.display()
                );
                false
            }
        }
    }
}

/// Syncs the journal to disk (see [`Log::syncer`]).
#[derive(Clone)]
pub struct Syncer(Arc<std::fs::File>);

impl Syncer {
    /// Wait until everything written so far is on disk. A failure is warned about once: the
    /// submit goes on, without the power-loss guarantee.
    pub async fn sync(&self) {
        static WARNED: AtomicBool = AtomicBool::new(false);
        let file = self.0.clone();
        let done = tokio::task::spawn_blocking(move || file.sync_data()).await;
        if let Ok(Err(e)) = done
            && !WARNED.swap(true, Ordering::Relaxed)
        {
            eprintln!("warning: cannot sync the journal to disk: {e}");
        }
    }
}

/// Stream the header to a temporary name, sync, rename, and open the result for appending.
fn create(path: &Path, header: &Header<Entries>) -> anyhow::Result<std::fs::File> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let write = || -> std::io::Result<std::fs::File> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        serde_json::to_writer(&mut out, header)?;
        out.write_all(b"\n")?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        sync_dir(path);
        Ok(file)
    };
    write().with_context(|| format!("cannot write the journal {}", path.display()))
}

/// Sync the directory holding `path`, so the rename itself survives a power cut (Unix; a
/// failure only weakens that guarantee, so it is not an error).
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}
