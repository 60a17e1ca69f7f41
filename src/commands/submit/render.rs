//! Printing a submit: the text summary for people, one JSON document for scripts, and the dry
//! run's plan (the run that would be created, the results that would be posted).

use crate::submit::outcome::DryRunDoc;
use std::fmt::Write as _;

use crate::summary::Summary;

/// The summary as text, one fact per line.
pub fn text(s: &Summary) -> String {
    let mut out = String::new();
    match (&s.run_id, &s.run_url) {
        (Some(id), Some(url)) => writeln!(out, "Run R{id}: {url}"),
        (Some(id), None) => writeln!(out, "Run R{id}"),
        (None, _) if s.dry_run => writeln!(out, "Dry run: nothing was sent to TestRail"),
        (None, _) => writeln!(out, "No run"),
    }
    .ok();
    let verb = if s.dry_run { "Would post" } else { "Posted" };
    writeln!(
        out,
        "{verb} {} result(s){}",
        s.results_posted,
        counts(&s.statuses)
    )
    .ok();
    writeln!(out, "Tests read: {}", counts_plain(&s.outcomes)).ok();
    if !s.reports.is_empty() {
        writeln!(out, "Reports read as: {}", s.formats_read()).ok();
    }
    if let Some(c) = &s.case_creation {
        out.push_str(&crate::submit::cases::create_cases::text(c));
    }
    if !s.unmapped.is_empty() {
        writeln!(out, "Not mapped to a case ({}):", s.unmapped.len()).ok();
        for t in s.unmapped.iter().take(20) {
            writeln!(out, "  - {} ({})", t.name, t.report).ok();
        }
        if s.unmapped.len() > 20 {
            writeln!(out, "  … and {} more", s.unmapped.len() - 20).ok();
        }
    }
    if !s.unknown_case_ids.is_empty() {
        writeln!(out, "Case IDs TestRail does not know (dropped):").ok();
        for u in &s.unknown_case_ids {
            let names: Vec<&str> = u.tests.iter().map(|t| t.name.as_str()).collect();
            writeln!(out, "  - C{}: {}", u.case_id, names.join(", ")).ok();
        }
    }
    if s.already_posted > 0 {
        let run = s.run_id.map(|id| format!("R{id}")).unwrap_or_default();
        writeln!(
            out,
            "{} result(s) already in {run} from this report: skipped",
            s.already_posted
        )
        .ok();
    }
    if s.closed {
        writeln!(out, "Run closed").ok();
    }
    if let (true, Some(plan_id)) = (s.plan_closed, s.plan_id) {
        writeln!(out, "Plan {plan_id} closed, with every run in it").ok();
    }
    if !s.run_attachments.is_empty() {
        writeln!(out, "Attached to the run:").ok();
        for a in &s.run_attachments {
            match &a.error {
                None => writeln!(out, "  - {} ({} bytes)", a.file, a.size),
                Some(why) => writeln!(out, "  - {}: not attached ({why})", a.file),
            }
            .ok();
        }
    }
    if let Some(file) = &s.resume_file {
        writeln!(out, "Unsent results saved to {file}").ok();
    }
    if !s.dry_run {
        writeln!(out, "API calls: {} ({} retried)", s.api_calls, s.retries).ok();
    }
    out
}

fn counts(map: &std::collections::BTreeMap<String, u64>) -> String {
    if map.is_empty() {
        String::new()
    } else {
        format!(": {}", counts_plain(map))
    }
}

fn counts_plain(map: &std::collections::BTreeMap<String, u64>) -> String {
    let parts: Vec<String> = map.iter().map(|(k, v)| format!("{k} {v}")).collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

/// The dry run's plan as text: the run request, then one line per result.
pub fn dry_run_text(doc: &DryRunDoc<'_>) -> String {
    let mut out = String::new();
    let run = serde_json::to_string_pretty(&doc.run).unwrap_or_default();
    writeln!(out, "Would open the run:\n{run}").ok();
    writeln!(out, "Results, in posting order ({}):", doc.results.len()).ok();
    for r in &doc.results {
        let first = r
            .comment
            .as_deref()
            .and_then(|c| c.lines().next())
            .map(|l| format!(" — {l}"))
            .unwrap_or_default();
        let elapsed = r.elapsed.map(|e| format!(" ({e})")).unwrap_or_default();
        writeln!(
            out,
            "  C{} status {}{elapsed}{first}",
            r.case_id, r.status_id
        )
        .ok();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::TestRef;

    #[test]
    fn text_names_run_counts_and_problems() {
        let s = Summary {
            run_id: Some(12),
            run_url: Some("http://h/index.php?/runs/view/12".into()),
            results_posted: 3,
            statuses: [("passed".to_string(), 2), ("failed".to_string(), 1)].into(),
            outcomes: [("passed".to_string(), 2), ("failed".to_string(), 1)].into(),
            unmapped: vec![TestRef {
                name: "a.b".into(),
                report: "r.xml".into(),
                ..TestRef::default()
            }],
            api_calls: 2,
            ..Summary::default()
        };
        let t = text(&s);
        assert!(
            t.starts_with("Run R12: http://h/index.php?/runs/view/12\n"),
            "{t}"
        );
        assert!(
            t.contains("Posted 3 result(s): failed 1, passed 2\n"),
            "{t}"
        );
        assert!(t.contains("  - a.b (r.xml)\n"), "{t}");
        assert!(t.contains("API calls: 2 (0 retried)"), "{t}");
    }

    #[test]
    fn text_says_which_format_each_report_was_read_as() {
        let read = |path: &str, format: &str| crate::summary::ReportRead {
            path: path.into(),
            format: format.into(),
            tests: 1,
        };
        let s = Summary {
            reports: vec![
                read("a.xml", "junit"),
                read("b.trx", "trx"),
                read("c.xml", "junit"),
            ],
            ..Summary::default()
        };
        let t = text(&s);
        assert!(
            t.contains("Reports read as: junit (2 files), trx (b.trx)\n"),
            "{t}"
        );
    }
}
