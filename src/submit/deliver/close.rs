//! Closing a test plan: TestRail's `close_plan` closes every run of every entry, including
//! entries other jobs are still reporting into, so the closer first says which runs go with it.

use crate::testrail::{ApiError, Client, Plan};

use super::target::api;

/// Close `plan_id` (and all its runs), naming on stderr the open runs other than `ours` that
/// close with it. An unknown outcome is resolved by reading the plan back; a plan already
/// closed (a resume run twice) counts as closed.
pub async fn close_plan(client: &Client, plan_id: u64, ours: &[u64]) -> anyhow::Result<Plan> {
    let plan = client.get_plan(plan_id).await.map_err(api)?;
    if plan.is_completed {
        crate::progress::note(&format!("Plan {plan_id} was closed already"));
        return Ok(plan);
    }
    eprintln!("{}", closing_note(&plan, ours));
    match client.close_plan(plan_id).await {
        Err(err @ ApiError::OutcomeUnknown { .. }) => {
            eprintln!("warning: {err}; checking the plan before trying again");
            let plan = client.get_plan(plan_id).await.map_err(api)?;
            if plan.is_completed {
                return Ok(plan);
            }
            client.close_plan(plan_id).await.map_err(api)
        }
        other => other.map_err(api),
    }
}

/// "Closing plan P "name" with its N open run(s): …", listing the runs that are not ours.
pub fn closing_note(plan: &Plan, ours: &[u64]) -> String {
    let open: Vec<_> = plan.runs().filter(|r| !r.is_completed).collect();
    let others: Vec<String> = open
        .iter()
        .filter(|r| !ours.contains(&r.id))
        .map(|r| {
            let config = r
                .extra
                .get("config")
                .and_then(|c| c.as_str())
                .map(|c| format!(" [{c}]"))
                .unwrap_or_default();
            format!("R{} \"{}\"{config}", r.id, r.name)
        })
        .collect();
    let mut note = format!(
        "Closing plan {} \"{}\" with its {} open run(s)",
        plan.id,
        plan.name,
        open.len()
    );
    if !others.is_empty() {
        note.push_str(&format!(
            "; {} of them not reported by this job: {}",
            others.len(),
            others.join(", ")
        ));
    }
    note
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testrail::{PlanEntry, Run};

    #[test]
    fn the_note_names_the_runs_other_jobs_own() {
        let run = |id, done, config: &str| {
            let mut r = Run {
                id,
                name: format!("entry {id}"),
                is_completed: done,
                ..Run::default()
            };
            r.extra.insert("config".into(), config.into());
            r
        };
        let plan = Plan {
            id: 3,
            name: "Release".into(),
            entries: vec![PlanEntry {
                runs: vec![
                    run(7, false, "Chrome"),
                    run(8, false, "Firefox"),
                    run(9, true, ""),
                ],
                ..PlanEntry::default()
            }],
            ..Plan::default()
        };
        let note = closing_note(&plan, &[7]);
        assert_eq!(
            note,
            "Closing plan 3 \"Release\" with its 2 open run(s); 1 of them not reported by this \
             job: R8 \"entry 8\" [Firefox]"
        );
        assert!(!closing_note(&plan, &[7, 8]).contains("not reported"));
    }
}
