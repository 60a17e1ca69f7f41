//! Printing runs: a summary or a table for people, JSON for scripts.

use std::io::Write as _;

use serde::Serialize;

use crate::testrail::{Client, Run, Status};
use crate::timestamp::format_utc;

/// Print any API object(s) as one JSON document on stdout.
pub fn json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    write_out(&format!("{text}\n"))
}

/// The summary text of a run. Custom statuses are counted by number; their names cost one
/// more call, made only when the run has tests in them (without the names, the counts still
/// add up).
pub async fn summary(run: &Run, client: &Client) -> String {
    let has_custom = custom_counts(run).any(|(_, n)| n > 0);
    let statuses = if has_custom {
        client.get_statuses().await.unwrap_or_default()
    } else {
        Vec::new()
    };
    summary_with(run, &statuses, client)
}

/// `custom_status1_count`..`custom_status7_count` as (status ID, count): TestRail numbers
/// custom statuses 6 to 12.
fn custom_counts(run: &Run) -> impl Iterator<Item = (u64, u64)> + '_ {
    (1..=7u64).map(|i| {
        let key = format!("custom_status{i}_count");
        let n = run.extra.get(&key).and_then(serde_json::Value::as_u64);
        (i + 5, n.unwrap_or(0))
    })
}

/// Every status that has tests, so the counts add up to the total: `passed 5, skipped 2`.
pub fn counts(run: &Run, statuses: &[Status]) -> String {
    let name = |id: u64| {
        statuses
            .iter()
            .find(|s| s.id == id && !s.name.is_empty())
            .map_or_else(|| format!("custom_status{}", id - 5), |s| s.name.clone())
    };
    let mut parts: Vec<(String, u64)> = vec![
        ("passed".into(), run.passed_count),
        ("failed".into(), run.failed_count),
        ("blocked".into(), run.blocked_count),
        ("retest".into(), run.retest_count),
    ];
    parts.extend(custom_counts(run).map(|(id, n)| (name(id), n)));
    parts.push(("untested".into(), run.untested_count));
    let shown: Vec<String> = parts
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    if shown.is_empty() {
        format!("tests {}", run.test_count())
    } else {
        format!("tests {}: {}", run.test_count(), shown.join(", "))
    }
}

fn summary_with(run: &Run, statuses: &[Status], client: &Client) -> String {
    let opt = |v: Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
    let state = match (run.is_completed, run.completed_on) {
        (true, Some(t)) => format!("completed {}", format_utc(t)),
        (true, None) => "completed".to_string(),
        (false, _) => "active".to_string(),
    };
    let url = run.url.clone().unwrap_or_else(|| client.run_url(run.id));
    format!(
        "Run R{id}: {name}\n  project {p}, suite {s}, milestone {m}, refs {r}\n  {state}, {sel}\n  \
         {counts}\n  {url}\n",
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
        counts = counts(run, statuses),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_name_custom_statuses_and_add_up() {
        let run: Run = serde_json::from_value(json!({
            "id": 1, "name": "r", "passed_count": 5, "failed_count": 1, "untested_count": 2,
            "custom_status1_count": 3, "custom_status4_count": 0,
        }))
        .unwrap();
        let skipped = Status {
            id: 6,
            name: "skipped".into(),
            ..Status::default()
        };
        assert_eq!(
            counts(&run, &[skipped]),
            "tests 11: passed 5, failed 1, skipped 3, untested 2"
        );
        assert_eq!(
            counts(&run, &[]),
            "tests 11: passed 5, failed 1, custom_status1 3, untested 2"
        );
        assert_eq!(counts(&Run::default(), &[]), "tests 0");
    }
}
