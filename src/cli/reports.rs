//! Which reports a command reads (shared by `inspect` and `submit`).

use clap::{ArgAction, Args, builder::BoolishValueParser};

use crate::report::ReportSelection;

/// Report files and what to do when some are missing or unreadable.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Reports")]
pub struct ReportArgs {
    /// JUnit XML report files, directories (every *.xml below) or glob patterns such as
    /// 'build/test-results/**/TEST-*.xml' (quote them so the shell does not expand them).
    #[arg(value_name = "REPORT")]
    pub paths: Vec<String>,

    /// More reports or patterns, separated by commas or newlines (handy in CI variables).
    #[arg(long = "reports", env = "TESTRAIL_REPORTS", value_name = "PATTERNS", action = ArgAction::Append)]
    pub reports: Vec<String>,

    /// Continue when a pattern matches no file (a warning instead of an error).
    #[arg(long, action = ArgAction::SetTrue, env = "TESTRAIL_ALLOW_MISSING_REPORTS", value_parser = BoolishValueParser::new())]
    pub allow_missing_reports: bool,

    /// Continue without reports that cannot be read or parsed, with a warning for each.
    /// By default one bad report stops the command before anything is sent.
    #[arg(long, action = ArgAction::SetTrue, env = "TESTRAIL_SKIP_INVALID_REPORTS", value_parser = BoolishValueParser::new())]
    pub skip_invalid_reports: bool,
}

impl ReportArgs {
    /// The validated, clap-free selection the reader works from.
    pub fn selection(&self) -> ReportSelection {
        let mut selection = ReportSelection {
            patterns: self.paths.clone(),
            allow_missing: self.allow_missing_reports,
            skip_invalid: self.skip_invalid_reports,
        };
        for list in &self.reports {
            selection.add_list(list);
        }
        selection
    }
}
