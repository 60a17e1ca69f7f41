//! `--config-ids` with `--plan-id`: a submit's results belong to one configuration
//! combination (one run of the entry), so at most one configuration per group. Checked
//! against the project's configurations (`get_configs`) before anything is written.

use std::collections::BTreeMap;

use crate::error::Error;
use crate::testrail::{Client, ConfigGroup};

use crate::submit::deliver::target::{TargetSpec, api};
use crate::submit::options::SubmitOptions;

/// Refuse unknown configurations and two of one group; `client` is `None` only in a dry run
/// without a server, which cannot check.
pub(crate) async fn check_configs(
    client: Option<&Client>,
    opts: &SubmitOptions,
) -> anyhow::Result<()> {
    let TargetSpec::Plan { plan_id, entry, .. } = &opts.target else {
        return Ok(());
    };
    if entry.config_ids.is_empty() {
        return Ok(());
    }
    let Some(client) = client else {
        eprintln!("note: a dry run without a server cannot check --config-ids");
        return Ok(());
    };
    let plan = client.get_plan(*plan_id).await.map_err(api)?;
    let project_id = plan.project_id.unwrap_or(0);
    let groups = client.get_configs(project_id).await.map_err(api)?;
    one_combination(&groups, &entry.config_ids, project_id)
}

/// The verdict on `config_ids` against the project's configuration groups.
fn one_combination(
    groups: &[ConfigGroup],
    config_ids: &[u64],
    project_id: u64,
) -> anyhow::Result<()> {
    let mut chosen: BTreeMap<usize, Vec<(u64, String)>> = BTreeMap::new();
    for &id in config_ids {
        let found = groups.iter().enumerate().find_map(|(gi, g)| {
            g.configs
                .iter()
                .find(|c| c["id"].as_u64() == Some(id))
                .map(|c| (gi, c["name"].as_str().unwrap_or_default().to_string()))
        });
        let Some((gi, name)) = found else {
            let known: Vec<String> = groups
                .iter()
                .flat_map(|g| &g.configs)
                .filter_map(|c| c["id"].as_u64().map(|id| id.to_string()))
                .collect();
            return Err(Error::Usage(format!(
                "--config-ids: configuration {id} is not one of project {project_id}'s (known: \
                 {}); nothing was written",
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            ))
            .into());
        };
        let ids = chosen.entry(gi).or_default();
        if !ids.iter().any(|(c, _)| *c == id) {
            ids.push((id, name));
        }
    }
    if let Some((gi, ids)) = chosen.iter().find(|(_, ids)| ids.len() > 1) {
        let group = &groups[*gi];
        let named: Vec<String> = ids.iter().map(|(id, n)| format!("{id} \"{n}\"")).collect();
        return Err(Error::Usage(format!(
            "--config-ids: {} are all in configuration group \"{}\" ({}); one submit's results \
             belong to one combination, so give at most one configuration per group (submit \
             once per configuration; `plan add-entry --config-ids` makes a run for each); \
             nothing was written",
            named.join(" and "),
            group.name,
            group.id
        ))
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn groups() -> Vec<ConfigGroup> {
        let group = |id, name: &str, configs: serde_json::Value| ConfigGroup {
            id,
            name: name.into(),
            configs: configs.as_array().unwrap().clone(),
            ..ConfigGroup::default()
        };
        vec![
            group(
                1,
                "Browsers",
                json!([{"id": 1, "name": "Chrome"}, {"id": 2, "name": "Firefox"}]),
            ),
            group(2, "OS", json!([{"id": 3, "name": "Linux"}])),
        ]
    }

    #[test]
    fn one_configuration_per_group_is_one_combination() {
        assert!(one_combination(&groups(), &[1, 3], 1).is_ok());
        assert!(one_combination(&groups(), &[2, 2], 1).is_ok());
        let err = one_combination(&groups(), &[1, 3, 2], 1).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("1 \"Chrome\" and 2 \"Firefox\"") && msg.contains("\"Browsers\" (1)"),
            "{msg}"
        );
        assert_eq!(crate::error::code_for(&err), crate::exit::USAGE);
        let err = one_combination(&groups(), &[9], 1).unwrap_err();
        assert!(err.to_string().contains("configuration 9"), "{err}");
        assert!(err.to_string().contains("known: 1, 2, 3"), "{err}");
    }
}
