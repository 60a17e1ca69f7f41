//! Look-ups every API area shares: the project, suite, user, milestone and run a call names,
//! each with TestRail's own refusal when it names nothing valid.

use super::ApiError;
use crate::sandbox::store::{Project, Run, Store};

/// TestRail's refusal for any write to a closed run.
pub const RUN_COMPLETED: &str = "This operation is not allowed. The test run is already completed.";
/// The project of a path argument, or TestRail's 400.
pub fn project(store: &Store, project_id: u64) -> Result<&Project, ApiError> {
    store
        .projects
        .get(&project_id)
        .ok_or_else(|| ApiError::bad("Field :project_id is not a valid or accessible project."))
}

/// The suite a run/section/case call targets, applying the suite-mode rules: optional in a
/// single-suite project (its one suite is used), required in a multi-suite one.
pub fn resolve_suite(
    store: &Store,
    project: &Project,
    given: Option<u64>,
) -> Result<u64, ApiError> {
    let suites: Vec<u64> = store
        .suites
        .values()
        .filter(|s| s.project_id == project.id)
        .map(|s| s.id)
        .collect();
    match given {
        Some(id) if suites.contains(&id) => Ok(id),
        Some(_) => Err(ApiError::bad("Field :suite_id is not a valid test suite.")),
        None if project.suite_mode == 1 || (project.suite_mode == 2 && suites.len() == 1) => suites
            .first()
            .copied()
            .ok_or_else(|| ApiError::bad("Field :suite_id is a required field.")),
        None => Err(ApiError::bad("Field :suite_id is a required field.")),
    }
}

/// A `milestone_id` must name a milestone of the project.
pub fn check_milestone(store: &Store, project_id: u64, id: Option<u64>) -> Result<(), ApiError> {
    match id {
        Some(id) if store.milestones.get(&id).map(|m| m.project_id) != Some(project_id) => Err(
            ApiError::bad("Field :milestone_id is not a valid milestone."),
        ),
        _ => Ok(()),
    }
}

/// An `assignedto_id` must name an active user.
pub fn check_user(store: &Store, id: Option<u64>) -> Result<(), ApiError> {
    match id {
        Some(id) if !store.users.get(&id).is_some_and(|u| u.is_active) => Err(ApiError::bad(
            "Field :assignedto_id is not a valid active user.",
        )),
        _ => Ok(()),
    }
}

/// A run addressed by a run-scoped method (`Field :run_id is not a valid test run.`).
pub fn run_for(store: &Store, run_id: u64) -> Result<&Run, ApiError> {
    store
        .runs
        .get(&run_id)
        .ok_or_else(|| ApiError::bad("Field :run_id is not a valid test run."))
}

/// A run that accepts writes: it exists and is not completed.
pub fn open_run(store: &Store, run_id: u64) -> Result<&Run, ApiError> {
    let run = run_for(store, run_id)?;
    if run.is_completed {
        return Err(ApiError::forbidden(RUN_COMPLETED));
    }
    Ok(run)
}
