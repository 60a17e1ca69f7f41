//! Which reports a command reads (shared by `inspect` and `submit`).

use clap::builder::{BoolishValueParser, PossibleValuesParser, TypedValueParser};
use clap::{ArgAction, Args};

use crate::report::{Format, ReportSelection};

/// Report files and what to do when some are missing or unreadable.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Reports")]
pub struct ReportArgs {
    /// Report files (JUnit XML, TRX, NUnit or xUnit.net XML), directories (every *.xml and
    /// *.trx below) or glob patterns such as 'build/test-results/**/TEST-*.xml' (quote them
    /// so the shell does not expand them).
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

    /// Read every report as this format. By default each file's format is told from its
    /// first bytes (its root element, or JSON).
    #[arg(long = "format", env = "TESTRAIL_REPORT_FORMAT", value_name = "FORMAT", value_parser = format_parser())]
    pub format: Option<Format>,
}

/// `--format` takes the formats' names; clap lists them in `--help` and in its errors.
fn format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(Format::ALL.map(Format::name))
        .map(|name| Format::from_name(&name).unwrap_or_default())
}

impl ReportArgs {
    /// The validated, clap-free selection the reader works from.
    pub fn selection(&self) -> ReportSelection {
        let mut selection = ReportSelection {
            patterns: self.paths.clone(),
            allow_missing: self.allow_missing_reports,
            skip_invalid: self.skip_invalid_reports,
            format: self.format,
        };
        for list in &self.reports {
            selection.add_list(list);
        }
        selection
    }
}
