//! `plan add-entry`: one suite, one run per configuration combination.
//!
//! TestRail makes one run per object in an entry's `runs`, each with its own `config_ids`;
//! an entry without `runs` gets a single run holding every configuration at once. So the
//! configurations given are grouped by configuration group (`get_configs`), and each
//! combination of one configuration per group becomes a run: Chrome, Firefox × Linux gives
//! "Chrome, Linux" and "Firefox, Linux".

use std::collections::BTreeMap;

use crate::cli::OutputFormat;
use crate::cli::plan::AddEntryArgs;
use crate::commands::run::create::selected_cases;
use crate::commands::run::show::{json, write_out};
use crate::error::usage;
use crate::submit::deliver::target::add_plan_entry_once;
use crate::testrail::{Client, ConfigGroup, EntryRun, NewPlanEntry};

use super::{api, show};

pub(super) async fn execute(
    client: &Client,
    out: OutputFormat,
    a: &AddEntryArgs,
) -> anyhow::Result<()> {
    let plan_id = a.plan.plan_id;
    let case_ids = selected_cases(&a.selection)?;
    let plan = client.get_plan(plan_id).await.map_err(api)?;
    let runs = if a.config_ids.is_empty() {
        Vec::new()
    } else {
        let groups = client
            .get_configs(plan.project_id.unwrap_or(0))
            .await
            .map_err(api)?;
        combinations(&groups, &a.config_ids)?
    };
    let body = NewPlanEntry {
        suite_id: a.suite_id,
        name: a.name.clone(),
        description: a.description.clone(),
        assignedto_id: a.assignedto_id,
        include_all: a.selection.include_all,
        case_ids,
        config_ids: a.config_ids.clone(),
        runs,
        refs: a.refs.clone(),
    };
    let entry = add_plan_entry_once(client, &plan, &body)
        .await
        .map_err(api)?;
    match out {
        OutputFormat::Json => json(&entry),
        OutputFormat::Text => {
            let mut text = format!(
                "Added entry \"{}\" to plan {plan_id} with {} run(s):\n",
                entry.name,
                entry.runs.len()
            );
            for run in &entry.runs {
                text.push_str(&format!("  {}\n", show::run_line(run)));
            }
            write_out(&text)
        }
    }
}

/// One run per combination of one configuration from each group the IDs come from, in the
/// groups' order; an ID in no group of the project is a usage error naming the known ones.
fn combinations(groups: &[ConfigGroup], config_ids: &[u64]) -> anyhow::Result<Vec<EntryRun>> {
    let group_of: BTreeMap<u64, (usize, u64)> = groups
        .iter()
        .enumerate()
        .flat_map(|(gi, g)| {
            g.configs
                .iter()
                .filter_map(|c| c["id"].as_u64())
                .map(move |id| (id, (gi, g.id)))
        })
        .collect();
    let mut chosen: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
    for &id in config_ids {
        let Some(&(gi, _)) = group_of.get(&id) else {
            let known: Vec<String> = group_of.keys().map(u64::to_string).collect();
            return Err(usage(format!(
                "--config-ids: configuration {id} is not one of the project's (known: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )));
        };
        let ids = chosen.entry(gi).or_default();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut combos: Vec<Vec<u64>> = vec![Vec::new()];
    for ids in chosen.values() {
        combos = combos
            .iter()
            .flat_map(|prefix| {
                ids.iter().map(move |id| {
                    let mut next = prefix.clone();
                    next.push(*id);
                    next
                })
            })
            .collect();
    }
    Ok(combos
        .into_iter()
        .map(|config_ids| EntryRun { config_ids })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn group(id: u64, configs: &[u64]) -> ConfigGroup {
        ConfigGroup {
            id,
            configs: configs.iter().map(|c| json!({ "id": c })).collect(),
            ..ConfigGroup::default()
        }
    }

    #[test]
    fn each_combination_of_one_config_per_group_is_a_run() {
        let groups = [group(1, &[1, 2, 3]), group(2, &[4, 5])];
        let runs: Vec<Vec<u64>> = combinations(&groups, &[1, 2, 5, 4])
            .unwrap()
            .into_iter()
            .map(|r| r.config_ids)
            .collect();
        assert_eq!(runs, [vec![1, 5], vec![1, 4], vec![2, 5], vec![2, 4]]);
        let one: Vec<_> = combinations(&groups, &[3]).unwrap();
        assert_eq!(
            one,
            [EntryRun {
                config_ids: vec![3]
            }]
        );
    }

    #[test]
    fn an_unknown_configuration_is_a_usage_error() {
        let err = combinations(&[group(1, &[1, 2])], &[9]).unwrap_err();
        assert_eq!(crate::error::code_for(&err), crate::exit::USAGE);
        assert!(err.to_string().contains("configuration 9") && err.to_string().contains("1, 2"));
    }
}
