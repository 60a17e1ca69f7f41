//! Printing runs: a summary or a table for people, JSON for scripts.

use std::io::Write as _;

use serde::Serialize;

use crate::testrail::{Client, Run};
use crate::timestamp::format_utc;

/// Print any API object(s) as one JSON document on stdout.
pub fn json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    write_out(&format!("{text}\n"))
}

/// Print one run as a short summary.
pub fn run(run: &Run, client: &Client) -> anyhow::Result<()> {
    write_out(&summary(run, client))
}

/// The summary text of a run.
pub fn summary(run: &Run, client: &Client) -> String {
    let opt = |v: Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
    let state = match (run.is_completed, run.completed_on) {
        (true, Some(t)) => format!("completed {}", format_utc(t)),
        (true, None) => "completed".to_string(),
        (false, _) => "active".to_string(),
    };
    let url = run.url.clone().unwrap_or_else(|| client.run_url(run.id));
    format!(
        "Run {id}: {name}\n  project {p}, suite {s}, milestone {m}, refs {r}\n  {state}, {sel}\n  \
         tests {total}: passed {pa}, failed {fa}, blocked {bl}, retest {re}, untested {un}\n  {url}\n",
        id = run.id,
        name = run.name,
        p = opt(run.project_id),
        s = opt(run.suite_id),
        m = opt(run.milestone_id),
        r = run.refs.as_deref().filter(|r| !r.is_empty()).unwrap_or("-"),
        sel = if run.include_all {
            "all cases of the suite"
        } else {
            "selected cases"
        },
        total = run.test_count(),
        pa = run.passed_count,
        fa = run.failed_count,
        bl = run.blocked_count,
        re = run.retest_count,
        un = run.untested_count,
    )
}

/// Print runs as a table, newest first as TestRail lists them.
pub fn table(runs: &[Run]) -> anyhow::Result<()> {
    let mut text = format!(
        "{:>8}  {:<9}  {:<16}  {:>6}  {:>6}  {:>6}  {}\n",
        "ID", "STATE", "CREATED (UTC)", "TESTS", "PASSED", "FAILED", "NAME"
    );
    for r in runs {
        let state = if r.is_completed {
            "completed"
        } else {
            "active"
        };
        let created = r.created_on.map_or("-".to_string(), format_utc);
        text.push_str(&format!(
            "{:>8}  {:<9}  {:<16}  {:>6}  {:>6}  {:>6}  {}\n",
            r.id,
            state,
            created,
            r.test_count(),
            r.passed_count,
            r.failed_count,
            r.name
        ));
    }
    text.push_str(&format!("{} run(s)\n", runs.len()));
    write_out(&text)
}

/// Write to stdout; a closed pipe (`| head`) is not an error worth a message.
pub fn write_out(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
