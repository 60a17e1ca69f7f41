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
    if !s.runs.is_empty() {
        writeln!(
            out,
            "Plan {}, one run per suite:",
            s.plan_id.unwrap_or_default()
        )
        .ok();
        for r in &s.runs {
            writeln!(
                out,
                "  - S{}: run R{}, {} result(s){}",
                r.suite_id,
                r.run_id,
                r.results_posted,
                r.run_url
                    .as_deref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default()
            )
            .ok();
        }
    }
    if s.already_posted > 0 {
        let run = match (s.run_id, s.runs.is_empty()) {
            (Some(id), true) => format!("R{id}"),
            _ => "TestRail".to_string(),
        };
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
        let several = !s.runs.is_empty();
        let head = if several { "each run" } else { "the run" };
        writeln!(out, "Attached to {head}:").ok();
        for a in &s.run_attachments {
            let to = match (several, a.run_id) {
                (true, Some(r)) => format!(" to R{r}"),
                _ => String::new(),
            };
            match &a.error {
                None => writeln!(out, "  - {} ({} bytes){to}", a.file, a.size),
                Some(why) => writeln!(out, "  - {}: not attached{to} ({why})", a.file),
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
    match doc.run["entries"].as_array() {
        Some(entries) => out.push_str(&plan_text(&doc.run, entries)),
        None => {
            let run = serde_json::to_string_pretty(&doc.run).unwrap_or_default();
            writeln!(out, "Would open the run:\n{run}").ok();
        }
    }
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

/// A multi-suite dry run's plan: the plan, then one line per entry (suite, cases, results).
fn plan_text(plan: &serde_json::Value, entries: &[serde_json::Value]) -> String {
    let mut out = match (plan["add_plan"].as_u64(), plan["plan_id"].as_u64()) {
        (Some(project), _) => format!(
            "Would create plan \"{}\" in project {project}, one entry per suite:\n",
            plan["body"]["name"].as_str().unwrap_or_default()
        ),
        (None, plan_id) => format!(
            "Would add to plan {} one entry per suite:\n",
            plan_id.unwrap_or_default()
        ),
    };
    for e in entries {
        let cases: Vec<String> = e["body"]["case_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_u64().map(|c| format!("C{c}")))
            .collect();
        let statuses: Vec<String> = e["statuses"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        writeln!(
            out,
            "  S{}: {} case(s) ({}); {} result(s): {}",
            e["suite_id"],
            cases.len(),
            cases.join(", "),
            e["results"],
            statuses.join(", ")
        )
        .ok();
    }
    if let Some(nowhere) = plan["not_in_any_suite"].as_array() {
        let ids: Vec<String> = nowhere.iter().map(|c| format!("C{c}")).collect();
        writeln!(out, "  in no suite (not posted): {}", ids.join(", ")).ok();
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
