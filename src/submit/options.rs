//! What a submit is asked to do besides the reports and the client: the pipeline's settings,
//! defined apart from the orchestrator so that every stage can read them.

use std::path::PathBuf;

use super::cases::create_cases::CreateOptions;
use super::deliver::post::PostOptions;
use super::deliver::refs::RefsChange;
use super::deliver::run_files::RunFile;
use super::deliver::target::TargetSpec;
use super::plan::comment::CommentOptions;
use super::plan::fields::ResultField;
use super::plan::status::StatusOverrides;

/// How tests find their case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// Case IDs the mapping module reads from the report (names, properties, a map file).
    Ids,
    /// The suite's `custom_automation_id` field (downloads the suite's cases once).
    AutomationId,
}

/// Everything a submit needs besides the reports and the client.
#[derive(Debug, Clone)]
pub struct SubmitOptions {
    /// Where results go.
    pub target: TargetSpec,
    /// How tests find their case.
    pub matching: Matching,
    /// `--status` overrides.
    pub status: StatusOverrides,
    /// Comment shape.
    pub comment: CommentOptions,
    /// `--elapsed-ms`.
    pub elapsed_ms: bool,
    /// `--result-field` values.
    pub fields: Vec<ResultField>,
    /// Batching and concurrency.
    pub post: PostOptions,
    /// `--close-run`.
    pub close_run: bool,
    /// `--close-plan`: close the plan (with all its runs) once every result was accepted.
    pub close_plan: bool,
    /// `--attach-to-run`: files for the run, found and size-checked.
    pub run_files: Vec<RunFile>,
    /// `--strict`: unmapped tests and unknown case IDs fail before anything is created.
    pub strict: bool,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--unsent-file`: where to save results that could not be posted.
    pub unsent_file: Option<PathBuf>,
    /// `--create-missing-cases` and where new cases go.
    pub create: CreateOptions,
    /// `--case-field` values for every case `--create-missing-cases` creates.
    pub case_fields: Vec<(String, serde_json::Value)>,
    /// `--refs` with `--refs-action` for an existing run.
    pub refs: Option<RefsChange>,
    /// `--assign`: the users failed results are assigned to, in turn.
    pub assignees: Vec<u64>,
    /// Before creating a run, look for one an earlier attempt of this report made (not with
    /// `--new-run`, nor when the run's name changes with every attempt).
    pub reuse_run: bool,
}

impl SubmitOptions {
    /// The defaults of `submit` for this target (what the command does without options).
    pub fn new(target: TargetSpec) -> SubmitOptions {
        SubmitOptions {
            target,
            matching: Matching::Ids,
            status: StatusOverrides::default(),
            comment: CommentOptions {
                test_names: true,
                ..CommentOptions::default()
            },
            elapsed_ms: false,
            fields: Vec::new(),
            post: PostOptions::default(),
            close_run: false,
            close_plan: false,
            run_files: Vec::new(),
            strict: false,
            dry_run: false,
            unsent_file: None,
            create: CreateOptions::default(),
            case_fields: Vec::new(),
            refs: None,
            assignees: Vec::new(),
            // Without --run-name or CI the name holds the time: no attempt repeats it.
            reuse_run: false,
        }
    }
}
