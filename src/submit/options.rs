//! Turning `submit`'s command-line arguments into validated [`SubmitOptions`], in one place:
//! the pipeline never sees clap types, and every mistake is a usage error naming its option.

use crate::ci::CiContext;
use crate::cli::submit::{CaseMatcher, SubmitArgs};
use crate::error::usage;
use crate::mapping::Source;
use crate::testrail::{NewPlanEntry, NewRun};

use super::comment::CommentOptions;
use super::execute::{Matching, SubmitOptions};
use super::fields::ResultField;
use super::post::PostOptions;
use super::status::StatusOverrides;
use super::target::TargetSpec;

/// Validate the arguments; `ctx` gives the default run name, description and job link.
pub fn submit_options(args: &SubmitArgs, ctx: &CiContext) -> anyhow::Result<SubmitOptions> {
    let status = match &args.status {
        Some(spec) => spec
            .parse::<StatusOverrides>()
            .map_err(|e| usage(format!("--status / TESTRAIL_STATUS: {e}")))?,
        None => StatusOverrides::default(),
    };
    let fields = args
        .result_fields
        .iter()
        .map(|f| f.trim())
        .filter(|f| !f.is_empty())
        .map(|f| {
            f.parse::<ResultField>()
                .map_err(|e| usage(format!("--result-field / TESTRAIL_RESULT_FIELDS: {e}")))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if args.batch_size == 0 || args.parallel_batches == 0 {
        return Err(usage(
            "--batch-size and --parallel-batches must be at least 1",
        ));
    }
    if args.comment_limit < 100 {
        return Err(usage(
            "--comment-limit / TESTRAIL_COMMENT_LIMIT must be at least 100",
        ));
    }
    Ok(SubmitOptions {
        target: target(args, ctx)?,
        project_id: args.project_id,
        suite_id: args.suite_id,
        matching: match args.case_matcher {
            CaseMatcher::AutomationId => Matching::AutomationId,
            _ => Matching::Ids,
        },
        status,
        comment: CommentOptions {
            limit: args.comment_limit,
            include_output: args.comment_output,
            job_url: ctx.job_url.clone(),
        },
        elapsed_ms: args.elapsed_ms,
        fields,
        post: PostOptions {
            batch_size: args.batch_size,
            in_flight: args.parallel_batches,
            ..PostOptions::default()
        },
        close_run: args.close_run,
        strict: args.strict,
        dry_run: args.dry_run,
        unsent_file: args.unsent_file.clone(),
    })
}

fn target(args: &SubmitArgs, ctx: &CiContext) -> anyhow::Result<TargetSpec> {
    if let Some(run_id) = args.run_id {
        return Ok(TargetSpec::Existing { run_id });
    }
    let name = Some(
        args.run_name
            .clone()
            .unwrap_or_else(|| ctx.default_run_name.clone()),
    );
    let description = args
        .run_description
        .clone()
        .or_else(|| ctx.default_description());
    if let Some(plan_id) = args.plan_id {
        return Ok(TargetSpec::Plan {
            plan_id,
            suite_id: args.suite_id,
            entry: NewPlanEntry {
                name,
                description,
                assignedto_id: args.assignedto_id,
                config_ids: args.config_ids.clone(),
                refs: args.refs.clone(),
                ..NewPlanEntry::default()
            },
        });
    }
    let project_id = args.project_id.ok_or_else(|| {
        usage(
            "no target run: set --project-id / TESTRAIL_PROJECT_ID to create a run, or \
             --run-id / TESTRAIL_RUN_ID, or --plan-id / TESTRAIL_PLAN_ID",
        )
    })?;
    Ok(TargetSpec::New {
        project_id,
        run: NewRun {
            suite_id: args.suite_id,
            name,
            description,
            milestone_id: args.milestone_id,
            assignedto_id: args.assignedto_id,
            refs: args.refs.clone(),
            ..NewRun::default()
        },
    })
}

/// Whether a mapping rule counts under `--case-matcher`.
pub fn accepts(matcher: CaseMatcher, source: Source) -> bool {
    match matcher {
        CaseMatcher::Auto => source != Source::None,
        CaseMatcher::Property => source == Source::Property,
        CaseMatcher::Name => matches!(source, Source::Name | Source::Classname | Source::CaseMap),
        CaseMatcher::AutomationId => false,
    }
}
