//! Names instead of IDs, as trcli takes them: `--project NAME`, `--suite NAME` and
//! `--assign EMAIL`, resolved against TestRail before anything is written. A name must match
//! exactly; an unknown or ambiguous one is a usage error listing the close matches.

use crate::error::{Error, usage};
use crate::testrail::Client;

use super::deliver::target::api;

/// What the user named.
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    /// `--project NAME|ID`.
    pub project: Option<String>,
    /// `--project-id`.
    pub project_id: Option<u64>,
    /// `--suite NAME|ID`.
    pub suite: Option<String>,
    /// `--suite-id`.
    pub suite_id: Option<u64>,
    /// `--assign EMAIL[,EMAIL…]`.
    pub assign: Option<String>,
}

/// The IDs they stand for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    /// The project.
    pub project_id: Option<u64>,
    /// The suite.
    pub suite_id: Option<u64>,
    /// The users failed results are assigned to, in turn.
    pub assignees: Vec<u64>,
}

impl Wanted {
    /// Whether resolving needs the server (a name rather than an ID, or an e-mail address).
    pub fn needs_server(&self) -> bool {
        let named = |v: &Option<String>| v.as_deref().is_some_and(|n| as_id(n).is_none());
        named(&self.project) || named(&self.suite) || self.assign.is_some()
    }
}

/// Resolve every name; `client` may be `None` only when [`Wanted::needs_server`] is false.
pub async fn resolve(client: Option<&Client>, w: &Wanted) -> anyhow::Result<Resolved> {
    let server = || {
        client.ok_or_else(|| {
            usage(
                "--project / --suite names and --assign are looked up in TestRail, even in a dry \
                 run: set --url, --user and TESTRAIL_API_KEY (or give IDs)",
            )
        })
    };
    let project_id = match &w.project {
        None => w.project_id,
        Some(p) => Some(match as_id(p) {
            Some(id) => same(id, w.project_id, "--project", "--project-id")?,
            None => {
                let projects = server()?.get_projects().await.map_err(api)?;
                let list: Vec<(u64, &str)> =
                    projects.iter().map(|p| (p.id, p.name.as_str())).collect();
                pick("project", "--project-id", p, &list, w.project_id)?
            }
        }),
    };
    let suite_id = match &w.suite {
        None => w.suite_id,
        Some(s) => Some(match as_id(s) {
            Some(id) => same(id, w.suite_id, "--suite", "--suite-id")?,
            None => {
                let project_id = project_id.ok_or_else(|| {
                    usage("--suite NAME is looked up in a project: set --project or --project-id")
                })?;
                let suites = server()?.get_suites(project_id).await.map_err(api)?;
                let list: Vec<(u64, &str)> =
                    suites.iter().map(|s| (s.id, s.name.as_str())).collect();
                pick("suite", "--suite-id", s, &list, w.suite_id)?
            }
        }),
    };
    let mut assignees = Vec::new();
    for email in w.assign.iter().flat_map(|a| a.split(',')).map(str::trim) {
        if !email.is_empty() {
            assignees.push(assignee(server()?, email).await?);
        }
    }
    Ok(Resolved {
        project_id,
        suite_id,
        assignees,
    })
}

async fn assignee(client: &Client, email: &str) -> anyhow::Result<u64> {
    match client.get_user_by_email(email).await {
        Ok(user) => Ok(user.id),
        Err(e) if e.status() == Some(400) => Err(usage(format!(
            "--assign {email}: TestRail has no user with this e-mail address ({e})"
        ))),
        Err(e) => Err(api(e)),
    }
}

/// A name that is all digits is an ID.
fn as_id(value: &str) -> Option<u64> {
    let v = value.trim();
    v.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| v.parse().ok())
        .flatten()
        .filter(|&id| id > 0)
}

fn same(id: u64, other: Option<u64>, flag: &str, id_flag: &str) -> anyhow::Result<u64> {
    match other {
        Some(o) if o != id => Err(usage(format!("{flag} {id} and {id_flag} {o} disagree"))),
        _ => Ok(id),
    }
}

/// The one `(id, name)` named exactly `name`; `prefer` (the `--…-id`) picks among several.
fn pick(
    kind: &str,
    id_flag: &str,
    name: &str,
    list: &[(u64, &str)],
    prefer: Option<u64>,
) -> anyhow::Result<u64> {
    let exact: Vec<u64> = list
        .iter()
        .filter(|(_, n)| *n == name)
        .map(|(id, _)| *id)
        .collect();
    match (exact.as_slice(), prefer) {
        ([id], None) => Ok(*id),
        (ids, Some(p)) if ids.contains(&p) => Ok(p),
        ([id], Some(p)) => Err(usage(format!(
            "the {kind} named \"{name}\" has ID {id}, but {id_flag} says {p}"
        ))),
        ([], _) => Err(Error::Usage(format!(
            "no {kind} is named exactly \"{name}\"{}",
            close_matches(name, list)
        ))
        .into()),
        (ids, _) => Err(usage(format!(
            "{} {kind}s are named \"{name}\" (IDs {}): add {id_flag} to pick one",
            ids.len(),
            ids.iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// "; close matches: A (ID 1), B (ID 2)", by case-insensitive containment either way, else
/// every name when there are few.
fn close_matches(name: &str, list: &[(u64, &str)]) -> String {
    let wanted = name.trim().to_lowercase();
    let close: Vec<String> = list
        .iter()
        .filter(|(_, n)| {
            let n = n.to_lowercase();
            !wanted.is_empty() && (n.contains(&wanted) || wanted.contains(&n))
        })
        .map(|(id, n)| format!("\"{n}\" (ID {id})"))
        .take(10)
        .collect();
    match (close.is_empty(), list.len()) {
        (false, _) => format!("; close matches: {}", close.join(", ")),
        (true, 1..=10) => {
            let all: Vec<String> = list
                .iter()
                .map(|(id, n)| format!("\"{n}\" (ID {id})"))
                .collect();
            format!("; there are: {}", all.join(", "))
        }
        (true, _) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &[(u64, &str)] = &[(1, "Shop"), (2, "Shop Mobile"), (3, "Billing"), (4, "Shop")];

    fn msg(r: anyhow::Result<u64>) -> String {
        let err = r.unwrap_err();
        assert_eq!(crate::error::code_for(&err), crate::exit::USAGE);
        err.to_string()
    }

    #[test]
    fn exact_names_resolve_and_ids_pick_among_namesakes() {
        assert_eq!(
            pick("project", "--project-id", "Billing", LIST, None).unwrap(),
            3
        );
        assert_eq!(
            pick("project", "--project-id", "Shop", LIST, Some(4)).unwrap(),
            4
        );
        let m = msg(pick("project", "--project-id", "Shop", LIST, None));
        assert!(
            m.contains("2 projects") && m.contains("1, 4") && m.contains("--project-id"),
            "{m}"
        );
        let m = msg(pick("project", "--project-id", "Billing", LIST, Some(1)));
        assert!(m.contains("has ID 3"), "{m}");
    }

    #[test]
    fn unknown_names_list_close_matches() {
        let m = msg(pick("suite", "--suite-id", "shop", LIST, None));
        assert!(
            m.contains("\"Shop\" (ID 1)") && m.contains("\"Shop Mobile\" (ID 2)"),
            "{m}"
        );
        assert!(!m.contains("Billing"), "{m}");
        let m = msg(pick("suite", "--suite-id", "Nothing", LIST, None));
        assert!(m.contains("there are:") && m.contains("Billing"), "{m}");
    }

    #[test]
    fn digits_are_ids_and_must_agree() {
        assert_eq!(as_id(" 12 "), Some(12));
        assert_eq!(as_id("0"), None);
        assert_eq!(as_id("Team 1"), None);
        let w = Wanted {
            project: Some("7".into()),
            suite: Some("Master".into()),
            ..Wanted::default()
        };
        assert!(w.needs_server());
        let ids = Wanted {
            project: Some("7".into()),
            suite: Some("2".into()),
            ..Wanted::default()
        };
        assert!(!ids.needs_server());
        assert!(same(7, Some(8), "--project", "--project-id").is_err());
    }
}
