//! How tests map to TestRail case IDs (shared by `inspect` and `submit`).

use std::path::PathBuf;

use clap::{ArgAction, Args};

use crate::mapping::MappingOptions;

/// Case-ID mapping options.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Case-ID mapping")]
pub struct MappingArgs {
    /// Testcase property holding case IDs (repeat or separate with commas). Default:
    /// test_id, testrail_case_id, case_id.
    #[arg(long, env = "TESTRAIL_CASE_PROPERTY", value_name = "NAME", action = ArgAction::Append, value_delimiter = ',')]
    pub case_property: Vec<String>,

    /// CSV (`key,case_ids`) or JSON (`{"key": ["C1"]}`) file mapping `classname.name` or
    /// `name` to case IDs; used for tests without a case-ID property.
    #[arg(long, env = "TESTRAIL_CASE_MAP", value_name = "FILE")]
    pub case_map: Option<PathBuf>,

    /// Regex with one capture group (the digits) to find case IDs in test names and
    /// classnames, instead of the default `C<digits>` tokens, e.g. 'TR-(\d+)'.
    #[arg(long, env = "TESTRAIL_CASE_PATTERN", value_name = "REGEX")]
    pub case_pattern: Option<String>,
}

impl MappingArgs {
    /// The clap-free options the mapper is built from.
    pub fn options(&self) -> MappingOptions {
        MappingOptions {
            case_properties: self
                .case_property
                .iter()
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
            case_map: self.case_map.clone(),
            case_pattern: self.case_pattern.clone(),
            rules: Default::default(),
        }
    }
}
