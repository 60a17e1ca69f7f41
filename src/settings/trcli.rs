//! trcli's names for the settings we share: its config-file keys and its `TR_CLI_*`
//! variables (click's `auto_envvar_prefix`: `TR_CLI_HOST` for a global option,
//! `TR_CLI_PARSE_JUNIT_TITLE` for one of `parse_junit`), and how its values read in our terms.

/// (trcli's key, our long option) for every trcli setting we have an equivalent of.
pub const ALIASES: &[(&str, &str)] = &[
    ("host", "url"),
    ("project", "project"),
    ("project_id", "project-id"),
    ("username", "user"),
    ("password", "api-key"),
    ("key", "api-key"),
    ("title", "run-name"),
    ("run_description", "run-description"),
    ("suite_id", "suite-id"),
    ("suite_name", "suite"),
    ("run_id", "run-id"),
    ("plan_id", "plan-id"),
    ("config_ids", "config-ids"),
    ("milestone_id", "milestone-id"),
    ("section_id", "section-id"),
    ("close_run", "close-run"),
    ("case_matcher", "case-matcher"),
    ("batch_size", "batch-size"),
    ("timeout", "timeout"),
    ("result_fields", "result-field"),
    ("case_fields", "case-field"),
    ("allow_ms", "elapsed-ms"),
    ("insecure", "insecure"),
    ("verbose", "verbose"),
    ("file", "reports"),
    ("assign_failed_to", "assign"),
    ("test_run_ref", "refs"),
];

/// Our option for a trcli key.
pub fn ours(trcli_key: &str) -> Option<&'static str> {
    ALIASES
        .iter()
        .find(|(t, _)| *t == trcli_key)
        .map(|(_, o)| *o)
}

/// The `TR_CLI_*` variables trcli reads for a key, global spelling first.
pub fn variables(trcli_key: &str) -> [String; 2] {
    let upper = trcli_key.to_ascii_uppercase();
    [
        format!("TR_CLI_{upper}"),
        format!("TR_CLI_PARSE_JUNIT_{upper}"),
    ]
}

/// A trcli value in our terms: its `auto` matcher is our `automation-id`, its result fields
/// are `name:value`, its timeout may have decimals.
pub fn value(trcli_key: &str, value: &str) -> String {
    match trcli_key {
        "case_matcher" if value.trim().eq_ignore_ascii_case("auto") => "automation-id".into(),
        "case_matcher" => value.trim().to_ascii_lowercase(),
        "result_fields" | "case_fields" => value
            .lines()
            .map(|f| match f.split_once(['=', ':']) {
                Some((name, v)) => format!("{}={}", name.trim(), v.trim()),
                None => f.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        "timeout" => match value.trim().parse::<f64>() {
            Ok(secs) if secs > 0.0 && secs.fract() != 0.0 => (secs.ceil() as u64).to_string(),
            Ok(secs) if secs > 0.0 => (secs as u64).to_string(),
            _ => value.to_string(),
        },
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trcli_values_read_in_our_terms() {
        assert_eq!(value("case_matcher", "auto"), "automation-id");
        assert_eq!(value("case_matcher", "NAME"), "name");
        assert_eq!(
            value("result_fields", "custom_env:3\nversion: 1.2"),
            "custom_env=3\nversion=1.2"
        );
        assert_eq!(value("timeout", "30.5"), "31");
        assert_eq!(value("timeout", "30"), "30");
        assert_eq!(value("title", "Nightly: run"), "Nightly: run");
    }

    #[test]
    fn variables_follow_clicks_prefixes() {
        assert_eq!(
            variables("suite_id"),
            ["TR_CLI_SUITE_ID", "TR_CLI_PARSE_JUNIT_SUITE_ID"]
        );
        assert_eq!(ours("host"), Some("url"));
        assert_eq!(ours("special_parser"), None);
    }
}
