//! `--refs` on an existing run (`--run-id`): trcli's `--refs-action` semantics. TestRail keeps a
//! run's references as one comma-separated string and `update_run` replaces it, so adding or
//! removing one means reading the run, editing the list and writing it back.

use crate::testrail::{Client, Run, RunUpdate};

use super::target::api;

/// What to do with the run's references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefsAction {
    /// Append the given references the run lacks.
    Add,
    /// Replace the run's references with the given ones.
    Update,
    /// Remove the given references.
    Delete,
}

/// `--refs` with its `--refs-action`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefsChange {
    /// Comma-separated references, as given.
    pub refs: String,
    /// What to do with them.
    pub action: RefsAction,
}

impl RefsChange {
    /// The run's new references, or `None` when they stay as they are.
    pub fn apply_to(&self, current: Option<&str>) -> Option<String> {
        let now = split(current.unwrap_or_default());
        let given = split(&self.refs);
        let next: Vec<&str> = match self.action {
            RefsAction::Update => given,
            RefsAction::Add => {
                let mut all = now.clone();
                all.extend(given.into_iter().filter(|r| !now.contains(r)));
                all
            }
            RefsAction::Delete => now.iter().copied().filter(|r| !given.contains(r)).collect(),
        };
        (next != now).then(|| next.join(","))
    }
}

fn split(refs: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in refs.split(',').map(str::trim).filter(|r| !r.is_empty()) {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// Change the run's references when `change` alters them.
pub async fn update_refs(client: &Client, run: &Run, change: &RefsChange) -> anyhow::Result<()> {
    let Some(refs) = change.apply_to(run.refs.as_deref()) else {
        return Ok(());
    };
    let update = RunUpdate {
        refs: Some(refs),
        ..RunUpdate::default()
    };
    client.update_run(run.id, &update).await.map_err(api)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(refs: &str, action: RefsAction) -> RefsChange {
        RefsChange {
            refs: refs.into(),
            action,
        }
    }

    #[test]
    fn add_appends_what_is_missing() {
        let c = change("JIRA-2, JIRA-3", RefsAction::Add);
        assert_eq!(
            c.apply_to(Some("JIRA-1,JIRA-2")).as_deref(),
            Some("JIRA-1,JIRA-2,JIRA-3")
        );
        assert_eq!(c.apply_to(None).as_deref(), Some("JIRA-2,JIRA-3"));
        assert_eq!(c.apply_to(Some("JIRA-3, JIRA-2")), None);
    }

    #[test]
    fn update_replaces_and_delete_removes() {
        let u = change("B", RefsAction::Update);
        assert_eq!(u.apply_to(Some("A")).as_deref(), Some("B"));
        assert_eq!(u.apply_to(Some("B")), None);
        let d = change("A,C", RefsAction::Delete);
        assert_eq!(d.apply_to(Some("A,B,C")).as_deref(), Some("B"));
        assert_eq!(d.apply_to(Some("B")), None);
        assert_eq!(d.apply_to(Some("A")).as_deref(), Some(""));
    }
}
