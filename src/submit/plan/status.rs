//! Which TestRail status each outcome is posted with.
//!
//! Defaults follow the official CLI: passed → Passed (1), failed and error → Failed (5),
//! skipped → a custom status named "skipped" when the instance has one, else Retest (4).
//! `--status passed=…,failed=…,error=…,skipped=…` overrides any of them by status name or ID;
//! `skipped=none` posts nothing for skipped tests, so they stay Untested.
//!
//! `get_statuses` is only called when a name must be resolved (a `--status` name, or the
//! default for skipped tests); numeric options cost no request.

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::error::usage;
use crate::report::Outcome;

/// TestRail's system status IDs.
pub const PASSED: u64 = 1;
/// Blocked.
pub const BLOCKED: u64 = 2;
/// Untested: TestRail refuses it in a result ("not allowed when adding a result").
pub const UNTESTED: u64 = 3;
/// Retest: the official CLI's status for skipped tests.
pub const RETEST: u64 = 4;
/// Failed.
pub const FAILED: u64 = 5;

/// A status as `get_statuses` describes it (the fields resolution needs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusInfo {
    /// The status ID.
    pub id: u64,
    /// The system name, e.g. `passed` or `custom_status1`.
    pub name: String,
    /// The label shown in the UI, e.g. `Skipped`.
    pub label: String,
    /// Whether this is the "untested" status, which cannot be posted.
    pub is_untested: bool,
}

/// What the user asked for one outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusChoice {
    /// A status ID.
    Id(u64),
    /// A status name or label, resolved with `get_statuses`.
    Name(String),
    /// Post nothing (only for skipped).
    Nothing,
}

/// The parsed `--status` option: an override per outcome, `None` for the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusOverrides {
    /// Status for passed (and flaky) tests.
    pub passed: Option<StatusChoice>,
    /// Status for failed tests.
    pub failed: Option<StatusChoice>,
    /// Status for tests with an error.
    pub error: Option<StatusChoice>,
    /// Status for skipped tests.
    pub skipped: Option<StatusChoice>,
}

impl FromStr for StatusOverrides {
    type Err = String;

    /// Parse `passed=1,failed=Failed,skipped=none`.
    fn from_str(spec: &str) -> Result<Self, String> {
        let mut out = StatusOverrides::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}` is not OUTCOME=STATUS (e.g. skipped=4)"))?;
            let choice = parse_choice(key.trim(), value.trim())?;
            let slot = match key.trim().to_ascii_lowercase().as_str() {
                "passed" => &mut out.passed,
                "failed" => &mut out.failed,
                "error" => &mut out.error,
                "skipped" => &mut out.skipped,
                other => {
                    return Err(format!(
                        "unknown outcome `{other}`: use passed, failed, error or skipped"
                    ));
                }
            };
            *slot = Some(choice);
        }
        Ok(out)
    }
}

fn parse_choice(key: &str, value: &str) -> Result<StatusChoice, String> {
    if value.is_empty() {
        return Err(format!("no status given for `{key}`"));
    }
    if value.eq_ignore_ascii_case("none") {
        return if key.eq_ignore_ascii_case("skipped") {
            Ok(StatusChoice::Nothing)
        } else {
            Err(format!(
                "`{key}=none` is not allowed: only skipped tests can be left out"
            ))
        };
    }
    match value.parse::<u64>() {
        Ok(UNTESTED) => Err(untested_refused(key)),
        Ok(0) => Err(format!("`{key}=0` is not a status ID")),
        Ok(id) => Ok(StatusChoice::Id(id)),
        Err(_) => Ok(StatusChoice::Name(value.to_string())),
    }
}

fn untested_refused(key: &str) -> String {
    format!("`{key}` cannot be Untested (3): TestRail does not accept it in a result")
}

impl StatusOverrides {
    /// Whether resolving needs `get_statuses` (names, or the default for skipped tests).
    pub fn needs_lookup(&self, has_skipped: bool) -> bool {
        let named = [&self.passed, &self.failed, &self.error, &self.skipped]
            .iter()
            .any(|c| matches!(c, Some(StatusChoice::Name(_))));
        named || (has_skipped && self.skipped.is_none())
    }

    /// Resolve to status IDs. `statuses` is the instance's list when [`needs_lookup`] said
    /// so, else `None`.
    ///
    /// [`needs_lookup`]: StatusOverrides::needs_lookup
    pub fn resolve(&self, statuses: Option<&[StatusInfo]>) -> anyhow::Result<StatusPolicy> {
        let pick = |key: &str, choice: &Option<StatusChoice>, default: u64| match choice {
            None => Ok(Some(default)),
            Some(c) => resolve_choice(key, c, statuses),
        };
        let skipped = match &self.skipped {
            None => Some(statuses.and_then(custom_skipped).unwrap_or(RETEST)),
            Some(c) => resolve_choice("skipped", c, statuses)?,
        };
        let names = statuses
            .map(|s| s.iter().map(|s| (s.id, s.name.clone())).collect())
            .unwrap_or_default();
        Ok(StatusPolicy {
            passed: pick("passed", &self.passed, PASSED)?.unwrap_or(PASSED),
            failed: pick("failed", &self.failed, FAILED)?.unwrap_or(FAILED),
            error: pick("error", &self.error, FAILED)?.unwrap_or(FAILED),
            skipped,
            names,
        })
    }
}

/// A custom status whose name or label is "skipped", if the instance has one.
fn custom_skipped(statuses: &[StatusInfo]) -> Option<u64> {
    statuses
        .iter()
        .find(|s| {
            !s.is_untested
                && (s.name.eq_ignore_ascii_case("skipped")
                    || s.label.eq_ignore_ascii_case("skipped"))
        })
        .map(|s| s.id)
}

fn resolve_choice(
    key: &str,
    choice: &StatusChoice,
    statuses: Option<&[StatusInfo]>,
) -> anyhow::Result<Option<u64>> {
    let name = match choice {
        StatusChoice::Nothing => return Ok(None),
        StatusChoice::Id(id) => return Ok(Some(*id)),
        StatusChoice::Name(name) => name,
    };
    let statuses = statuses.unwrap_or_default();
    let found = statuses
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(name) || s.label.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            let known: Vec<_> = statuses.iter().map(|s| s.label.as_str()).collect();
            usage(format!(
                "--status {key}={name}: this TestRail has no such status (it has: {})",
                known.join(", ")
            ))
        })?;
    if found.is_untested || found.id == UNTESTED {
        return Err(usage(format!("--status: {}", untested_refused(key))));
    }
    Ok(Some(found.id))
}

/// TestRail's five system statuses, for a dry run that cannot ask the server.
pub fn system_statuses() -> Vec<StatusInfo> {
    [
        (PASSED, "passed"),
        (BLOCKED, "blocked"),
        (UNTESTED, "untested"),
        (RETEST, "retest"),
        (FAILED, "failed"),
    ]
    .into_iter()
    .map(|(id, name)| StatusInfo {
        id,
        name: name.into(),
        label: format!("{}{}", name[..1].to_uppercase(), &name[1..]),
        is_untested: id == UNTESTED,
    })
    .collect()
}

/// Resolved status IDs per outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPolicy {
    /// Passed and flaky tests.
    pub passed: u64,
    /// Failed tests.
    pub failed: u64,
    /// Tests with an error.
    pub error: u64,
    /// Skipped tests; `None` posts nothing.
    pub skipped: Option<u64>,
    /// Status names from `get_statuses`, when it was called.
    names: BTreeMap<u64, String>,
}

impl StatusPolicy {
    /// The status to post for an (aggregate) outcome; `None` means post nothing.
    pub fn status_for(&self, outcome: Outcome) -> Option<u64> {
        match outcome {
            Outcome::Passed => Some(self.passed),
            Outcome::Failed => Some(self.failed),
            Outcome::Error => Some(self.error),
            Outcome::Skipped => self.skipped,
        }
    }

    /// A status's name for summaries: from `get_statuses` when known, else the system name.
    pub fn name(&self, id: u64) -> String {
        if let Some(name) = self.names.get(&id) {
            return name.clone();
        }
        match id {
            PASSED => "passed".into(),
            BLOCKED => "blocked".into(),
            UNTESTED => "untested".into(),
            RETEST => "retest".into(),
            FAILED => "failed".into(),
            other => format!("status_{other}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statuses(with_skipped: bool) -> Vec<StatusInfo> {
        let mut list = vec![
            info(1, "passed", "Passed"),
            info(2, "blocked", "Blocked"),
            StatusInfo {
                is_untested: true,
                ..info(3, "untested", "Untested")
            },
            info(4, "retest", "Retest"),
            info(5, "failed", "Failed"),
        ];
        if with_skipped {
            list.push(info(6, "custom_status1", "Skipped"));
        }
        list
    }

    fn info(id: u64, name: &str, label: &str) -> StatusInfo {
        StatusInfo {
            id,
            name: name.into(),
            label: label.into(),
            is_untested: false,
        }
    }

    #[test]
    fn defaults_need_no_lookup_without_skipped_tests() {
        let o = StatusOverrides::default();
        assert!(!o.needs_lookup(false));
        let p = o.resolve(None).unwrap();
        assert_eq!(p.status_for(Outcome::Passed), Some(1));
        assert_eq!(p.status_for(Outcome::Failed), Some(5));
        assert_eq!(p.status_for(Outcome::Error), Some(5));
    }

    #[test]
    fn skipped_uses_a_custom_skipped_status_else_retest() {
        let o = StatusOverrides::default();
        assert!(o.needs_lookup(true));
        let with = o.resolve(Some(&statuses(true))).unwrap();
        assert_eq!(with.status_for(Outcome::Skipped), Some(6));
        assert_eq!(with.name(6), "custom_status1");
        let without = o.resolve(Some(&statuses(false))).unwrap();
        assert_eq!(without.status_for(Outcome::Skipped), Some(4));
    }

    #[test]
    fn overrides_by_id_and_by_name() {
        let o: StatusOverrides = "passed=2, failed=retest,error=Blocked,skipped=none"
            .parse()
            .unwrap();
        assert!(o.needs_lookup(false));
        let p = o.resolve(Some(&statuses(false))).unwrap();
        assert_eq!((p.passed, p.failed, p.error, p.skipped), (2, 4, 2, None));
        let numeric: StatusOverrides = "skipped=4".parse().unwrap();
        assert!(!numeric.needs_lookup(true));
    }

    #[test]
    fn untested_is_refused_by_id_and_by_name() {
        assert!(
            "failed=3"
                .parse::<StatusOverrides>()
                .unwrap_err()
                .contains("Untested")
        );
        let o: StatusOverrides = "skipped=untested".parse().unwrap();
        let err = o.resolve(Some(&statuses(false))).unwrap_err();
        assert!(err.to_string().contains("Untested"), "{err}");
        assert_eq!(crate::error::code_for(&err), crate::exit::USAGE);
    }

    #[test]
    fn bad_specs_name_the_problem() {
        assert!(
            "passed"
                .parse::<StatusOverrides>()
                .unwrap_err()
                .contains("OUTCOME=STATUS")
        );
        assert!(
            "flaky=1"
                .parse::<StatusOverrides>()
                .unwrap_err()
                .contains("unknown outcome")
        );
        assert!(
            "passed=none"
                .parse::<StatusOverrides>()
                .unwrap_err()
                .contains("only skipped")
        );
        let o: StatusOverrides = "failed=Exploded".parse().unwrap();
        let err = o.resolve(Some(&statuses(false))).unwrap_err().to_string();
        assert!(err.contains("Exploded") && err.contains("Retest"), "{err}");
    }
}
