//! Turning a `Seed` into a `Store`: assign missing IDs, refuse duplicates, and create seeded
//! runs and plans through the API handlers themselves so they obey the same rules.

use super::api::{self, Body, Ctx, Reply};
use super::route::ApiCall;
use super::seed::{Seed, SeedProject, SeedSection};
use super::store::{Case, Config, ConfigGroup, Milestone, Project, Section, Status, Store};
use super::store::{Suite, User};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Why a seed could not be loaded.
pub type LoadError = String;

/// Take an explicit ID (refusing duplicates) or hand out the next one.
fn pick<T>(
    store: &mut Store,
    kind: &str,
    map: fn(&Store) -> &BTreeMap<u64, T>,
    id: Option<u64>,
) -> Result<u64, LoadError> {
    match id {
        Some(id) if map(store).contains_key(&id) => Err(format!("duplicate {kind} id {id}")),
        Some(0) => Err(format!("{kind} id 0 is not valid")),
        Some(id) => Ok(id),
        None => Ok(store.alloc(kind)),
    }
}

/// Build the starting store from a seed.
pub fn build(seed: &Seed, now: i64) -> Result<Store, LoadError> {
    let mut store = Store::default();
    for user in &seed.users {
        let id = pick(&mut store, "users", |s| &s.users, user.id)?;
        let user = User {
            id,
            name: user.name.clone(),
            email: user.email.clone(),
            is_active: true,
        };
        store.users.insert(id, user);
    }
    load_statuses(&mut store, seed)?;
    store.case_fields = seed
        .case_fields
        .clone()
        .unwrap_or_else(Seed::default_case_fields);
    store.result_fields = seed
        .result_fields
        .clone()
        .unwrap_or_else(Seed::default_result_fields);
    for project in &seed.projects {
        load_project(&mut store, project, now)?;
    }
    Ok(store)
}

fn load_statuses(store: &mut Store, seed: &Seed) -> Result<(), LoadError> {
    for status in Store::system_statuses() {
        store.statuses.insert(status.id, status);
    }
    for custom in &seed.statuses {
        let id = custom
            .id
            .unwrap_or_else(|| store.statuses.keys().last().map_or(6, |k| k + 1));
        if store.statuses.contains_key(&id) || !(6..=12).contains(&id) {
            return Err(format!(
                "custom status id {id}: must be unused and in 6..=12"
            ));
        }
        let status = Status {
            id,
            name: custom.name.clone(),
            label: custom
                .label
                .clone()
                .unwrap_or_else(|| capitalise(&custom.name)),
            is_system: false,
            is_untested: false,
            is_final: custom.is_final,
            is_active: true,
        };
        store.statuses.insert(id, status);
    }
    Ok(())
}

fn capitalise(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn load_project(store: &mut Store, seed: &SeedProject, now: i64) -> Result<(), LoadError> {
    if ![1, 2, 3].contains(&seed.suite_mode) {
        return Err(format!(
            "project {:?}: suite_mode must be 1, 2 or 3",
            seed.name
        ));
    }
    let id = pick(store, "projects", |s| &s.projects, seed.id)?;
    let project = Project {
        id,
        name: seed.name.clone(),
        suite_mode: seed.suite_mode,
        is_completed: false,
        announcement: None,
    };
    store.projects.insert(id, project);
    for milestone in &seed.milestones {
        let mid = pick(store, "milestones", |s| &s.milestones, milestone.id)?;
        let m = Milestone {
            id: mid,
            project_id: id,
            name: milestone.name.clone(),
            is_completed: milestone.is_completed,
        };
        store.milestones.insert(mid, m);
    }
    load_configs(store, seed, id)?;
    for suite in &seed.suites {
        let sid = pick(store, "suites", |s| &s.suites, suite.id)?;
        let s = Suite {
            id: sid,
            project_id: id,
            name: suite.name.clone(),
            description: suite.description.clone(),
        };
        store.suites.insert(sid, s);
        for section in &suite.sections {
            load_section(store, section, sid, None, 0, now)?;
        }
    }
    for run in &seed.runs {
        create_via_api(store, "add_run", "close_run", id, run, now)?;
    }
    for plan in &seed.plans {
        create_via_api(store, "add_plan", "close_plan", id, plan, now)?;
    }
    Ok(())
}

fn load_configs(store: &mut Store, seed: &SeedProject, project_id: u64) -> Result<(), LoadError> {
    let mut next_config = store
        .config_groups
        .values()
        .flat_map(|g| g.configs.iter().map(|c| c.id))
        .max()
        .unwrap_or(0);
    for group in &seed.configs {
        let gid = pick(store, "config_groups", |s| &s.config_groups, group.id)?;
        let configs = group
            .configs
            .iter()
            .map(|c| {
                let id = c.id.unwrap_or(next_config + 1);
                next_config = next_config.max(id);
                Config {
                    id,
                    name: c.name.clone(),
                }
            })
            .collect();
        let g = ConfigGroup {
            id: gid,
            project_id,
            name: group.name.clone(),
            configs,
        };
        store.config_groups.insert(gid, g);
    }
    Ok(())
}

fn load_section(
    store: &mut Store,
    seed: &SeedSection,
    suite_id: u64,
    parent_id: Option<u64>,
    depth: u32,
    now: i64,
) -> Result<(), LoadError> {
    let id = pick(store, "sections", |s| &s.sections, seed.id)?;
    let section = Section {
        id,
        suite_id,
        name: seed.name.clone(),
        description: seed.description.clone(),
        parent_id,
        depth,
        display_order: id,
    };
    store.sections.insert(id, section);
    for case in &seed.cases {
        let cid = pick(store, "cases", |s| &s.cases, case.id)?;
        let c = Case {
            id: cid,
            suite_id,
            section_id: id,
            title: case.title.clone(),
            custom_automation_id: case.custom_automation_id.clone(),
            refs: case.refs.clone(),
            created_on: now,
            created_by: 1,
            extra: case.custom.clone(),
        };
        store.cases.insert(cid, c);
    }
    for child in &seed.sections {
        load_section(store, child, suite_id, Some(id), depth + 1, now)?;
    }
    Ok(())
}

/// Create a seeded run or plan with the real handler, then close it if asked.
fn create_via_api(
    store: &mut Store,
    add: &str,
    close: &str,
    project_id: u64,
    body: &Value,
    now: i64,
) -> Result<(), LoadError> {
    let user_id = store.users.keys().next().copied().unwrap_or(1);
    let mut ctx = Ctx {
        store,
        base_url: "",
        user_id,
        now,
        legacy_arrays: false,
    };
    let call = |method: &str, id: u64| ApiCall {
        method: method.to_owned(),
        args: vec![id.to_string()],
        filters: Vec::new(),
    };
    let created = api::dispatch(&mut ctx, &call(add, project_id), &Body::Json(body.clone()))
        .map_err(|e| format!("seeded {add} failed: {}", e.message))?;
    let Reply::Json(created) = created else {
        return Err(format!("seeded {add} returned nothing"));
    };
    if body.get("is_completed") == Some(&json!(true)) {
        let id = created["id"].as_u64().unwrap_or_default();
        api::dispatch(&mut ctx, &call(close, id), &Body::Json(json!({})))
            .map_err(|e| format!("seeded {close} failed: {}", e.message))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn demo_seed_has_twelve_cases_in_one_suite() {
        let store = build(&Seed::demo(), 0).unwrap();
        assert_eq!(store.projects[&1].suite_mode, 1);
        assert_eq!(store.cases.len(), 12);
        assert!(store.cases.values().all(|c| c.suite_id == 1));
        assert_eq!(
            store.cases[&5].custom_automation_id.as_deref(),
            Some("com.example.shop.CartTest.addsItem")
        );
        assert_eq!(store.statuses[&6].name, "skipped");
        assert_eq!(store.statuses[&6].label, "Skipped");
    }

    #[test]
    fn seeded_closed_run_and_plan_are_created_through_the_api() {
        let mut seed = Seed::demo();
        seed.projects[0]
            .run(json!({"name": "old", "include_all": false, "case_ids": [1, 2], "is_completed": true}))
            .plan(json!({"name": "P", "entries": [{"suite_id": 1, "include_all": false, "case_ids": [3]}]}));
        let store = build(&seed, 0).unwrap();
        assert!(store.runs[&1].is_completed);
        assert_eq!(store.tests_of_run(1).count(), 2);
        assert_eq!(store.runs[&2].plan_id, Some(1));
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let seed: Seed = serde_json::from_value(json!({
            "projects": [{"name": "A", "suites": [{"name": "S", "sections": [{"name": "x",
                "cases": [{"id": 4, "title": "a"}, {"id": 4, "title": "b"}]}]}]}]
        }))
        .unwrap();
        assert_eq!(build(&seed, 0).unwrap_err(), "duplicate cases id 4");
    }
}
