//! Mapping each testcase to TestRail case IDs. Per test, the first source that yields IDs
//! wins: (1) a case-ID property, (2) the `--case-map` file, (3) `C<digits>` tokens in the
//! name, then the classname (or `--case-pattern` instead of the tokens). Mapping by
//! TestRail's `automation_id` needs the server and lives in the submit pipeline.

mod case_map;
mod ids;

use std::path::PathBuf;

use regex::Regex;
use serde::Serialize;

use crate::error::usage;
use crate::report::TestCase;

pub use ids::{parse_list, scan_tokens};

/// Property names read by default, in priority order.
pub const DEFAULT_PROPERTIES: &[&str] = &["test_id", "testrail_case_id", "case_id"];

/// How tests are mapped, as resolved from the command line.
#[derive(Debug, Clone, Default)]
pub struct MappingOptions {
    /// Property names holding case IDs; empty means [`DEFAULT_PROPERTIES`].
    pub case_properties: Vec<String>,
    /// A CSV or JSON file from `classname.name` or `name` to case IDs.
    pub case_map: Option<PathBuf>,
    /// A regex with one capture group (the digits) that replaces the `C<digits>` rule.
    pub case_pattern: Option<String>,
    /// Which rules may give IDs (`--case-matcher`).
    pub rules: Rules,
}

/// Which mapping rules are read. A matcher named on the command line reads only its own
/// source: with `name`, a `test_id` property does not hide `[C101]` in the name (as in trcli).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Rules {
    /// Every rule, in priority order.
    #[default]
    All,
    /// Only case-ID properties.
    Property,
    /// Only `--case-map` and the name and classname.
    Name,
    /// None: the server's automation IDs decide.
    Nothing,
}

/// Which rule produced a test's IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A case-ID property on the testcase.
    Property,
    /// The `--case-map` file.
    CaseMap,
    /// Tokens (or `--case-pattern` matches) in the test name.
    Name,
    /// Tokens (or `--case-pattern` matches) in the classname.
    Classname,
    /// No rule matched: the test is unmapped.
    None,
}

/// The case IDs of one test and where they came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapped {
    /// Case IDs in the order found, without repeats; empty when unmapped.
    pub ids: Vec<u64>,
    /// The rule that produced them.
    pub source: Source,
    /// `C…` tokens in the name that are no TestRail case ID (`C0`, `C-5`, too large): never
    /// sent, named in a warning.
    pub rejected: Vec<String>,
}

/// Maps testcases to case IDs; build once, use for every test.
#[derive(Debug)]
pub struct Mapper {
    rules: Rules,
    properties: Vec<String>,
    map: case_map::CaseMap,
    pattern: Option<Regex>,
}

impl Mapper {
    /// Validate the options and load the case map. A bad regex or property list is a usage
    /// error; an unreadable or invalid map file is an input error naming its line.
    pub fn new(options: &MappingOptions) -> anyhow::Result<Mapper> {
        let properties: Vec<String> = if options.case_properties.is_empty() {
            DEFAULT_PROPERTIES.iter().map(|s| s.to_string()).collect()
        } else {
            options
                .case_properties
                .iter()
                .map(|s| s.trim().to_owned())
                .collect()
        };
        if properties.iter().any(String::is_empty) {
            return Err(usage(
                "--case-property / TESTRAIL_CASE_PROPERTY has an empty name",
            ));
        }
        let pattern = options.case_pattern.as_deref().map(compile).transpose()?;
        let map = match &options.case_map {
            Some(path) => case_map::load(path)?,
            None => Default::default(),
        };
        Ok(Mapper {
            rules: options.rules,
            properties,
            map,
            pattern,
        })
    }

    /// The case IDs of one test.
    pub fn case_ids(&self, test: &TestCase) -> Mapped {
        let mut rejected = Vec::new();
        let found = |ids: Vec<u64>, source| {
            (!ids.is_empty()).then_some(Mapped {
                ids,
                source,
                rejected: Vec::new(),
            })
        };
        let (property, names) = match self.rules {
            Rules::All => (true, true),
            Rules::Property => (true, false),
            Rules::Name => (false, true),
            Rules::Nothing => (false, false),
        };
        let mut mapped = property
            .then(|| self.by_property(test))
            .flatten()
            .and_then(|ids| found(ids, Source::Property))
            .or_else(|| {
                names
                    .then(|| self.by_case_map(test))
                    .flatten()
                    .and_then(|ids| found(ids, Source::CaseMap))
            })
            .or_else(|| {
                names.then(|| found(self.by_text(&test.name, &mut rejected), Source::Name))?
            })
            .or_else(|| {
                names.then(|| {
                    found(
                        self.by_text(&test.classname, &mut rejected),
                        Source::Classname,
                    )
                })?
            })
            .unwrap_or(Mapped {
                ids: Vec::new(),
                source: Source::None,
                rejected: Vec::new(),
            });
        mapped.rejected = rejected;
        mapped
    }

    fn by_property(&self, test: &TestCase) -> Option<Vec<u64>> {
        if test.properties().is_empty() {
            return None;
        }
        self.properties.iter().find_map(|name| {
            let mut ids = Vec::new();
            for value in test.property_values(name) {
                for id in parse_list(value).unwrap_or_default() {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
            (!ids.is_empty()).then_some(ids)
        })
    }

    fn by_case_map(&self, test: &TestCase) -> Option<Vec<u64>> {
        if self.map.is_empty() {
            return None;
        }
        let full = (!test.classname.is_empty()).then(|| test.full_name());
        full.and_then(|key| self.map.get(&key))
            .or_else(|| self.map.get(&test.name))
            .cloned()
    }

    fn by_text(&self, text: &str, rejected: &mut Vec<String>) -> Vec<u64> {
        let mut ids = Vec::new();
        match &self.pattern {
            None => scan_tokens(text, &mut ids, rejected),
            Some(re) => {
                for caps in re.captures_iter(text) {
                    if let Some(m) = caps.get(1) {
                        let digits = m.as_str();
                        let digits = digits.strip_prefix(['C', 'c']).unwrap_or(digits);
                        if !ids::push_id(digits, &mut ids) {
                            rejected.push(m.as_str().to_string());
                        }
                    }
                }
            }
        }
        ids
    }
}

/// The warning for `C…` tokens that cannot be TestRail case IDs.
pub fn out_of_range(test: &str, tokens: &[String]) -> String {
    let (verb, what) = match tokens.len() {
        1 => ("is", "a TestRail case ID"),
        _ => ("are", "TestRail case IDs"),
    };
    format!(
        "test \"{test}\": {} {verb} not {what} (IDs run from C1 to C{}); not sent",
        tokens.join(", "),
        ids::MAX_CASE_ID
    )
}

fn compile(pattern: &str) -> anyhow::Result<Regex> {
    let re = Regex::new(pattern).map_err(|e| {
        usage(format!(
            "--case-pattern / TESTRAIL_CASE_PATTERN is not a valid regex: {e}"
        ))
    })?;
    if re.captures_len() != 2 {
        return Err(usage(format!(
            "--case-pattern \"{pattern}\" must have exactly one capture group (the case ID digits), \
             e.g. \"TR-(\\d+)\""
        )));
    }
    Ok(re)
}

#[cfg(test)]
mod tests;
