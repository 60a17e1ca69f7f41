//! Turning `submit`'s command-line arguments into validated [`SubmitOptions`], in one place:
//! the pipeline never sees clap types, and every mistake is a usage error naming its option.

use crate::ci::CiContext;
use crate::cli::submit::{CaseMatcher, RefsAction, SectionsFrom, SubmitArgs};
use crate::error::usage;
use crate::mapping::Rules;
use crate::testrail::{NewPlanEntry, NewRun};

use crate::submit::cases::case_fields::parse_option;
use crate::submit::cases::case_plan::Placement;
use crate::submit::cases::create_cases::CreateOptions;
use crate::submit::deliver::post::PostOptions;
use crate::submit::deliver::refs::{self, RefsChange};
use crate::submit::deliver::target::TargetSpec;
use crate::submit::options::{Matching, SubmitOptions};
use crate::submit::plan::comment::CommentOptions;
use crate::submit::plan::fields::ResultField;
use crate::submit::plan::status::StatusOverrides;

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
    let fields = with_version(fields, args.result_version.as_deref(), ctx)?;
    if args.batch_size == 0 || args.parallel_batches == Some(0) {
        return Err(usage(
            "--batch-size and --parallel-batches must be at least 1",
        ));
    }
    if let (true, Some(plan_id)) = (args.close_run, args.plan_id) {
        // TestRail refuses close_run on plan runs; finding out after posting would fail a
        // submit whose results all landed.
        return Err(usage(format!(
            "--close-run / TESTRAIL_CLOSE_RUN cannot be used with --plan-id: TestRail closes a \
             plan's runs only together with the plan. Use --close-plan to close plan {plan_id} \
             (and every run in it) once every result is accepted, or close it later with \
             `testrail-report plan close {plan_id}`"
        )));
    }
    if args.comment_limit < 100 {
        return Err(usage(
            "--comment-limit / TESTRAIL_COMMENT_LIMIT must be at least 100",
        ));
    }
    if args.refs_action.is_some() && args.run_id.is_none() {
        return Err(usage(
            "--refs-action / TESTRAIL_REFS_ACTION changes an existing run's references: it \
             needs --run-id (a new run simply gets --refs)",
        ));
    }
    let case_fields = args
        .case_fields
        .iter()
        .filter(|f| !f.trim().is_empty())
        .map(|f| {
            parse_option(f).map_err(|e| usage(format!("--case-field / TESTRAIL_CASE_FIELDS: {e}")))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(SubmitOptions {
        case_fields,
        refs: refs_change(args),
        assignees: Vec::new(),
        target: target(args, ctx)?,
        matching: match args.case_matcher {
            CaseMatcher::AutomationId => Matching::AutomationId,
            _ => Matching::Ids,
        },
        status,
        comment: CommentOptions {
            limit: args.comment_limit,
            include_output: args.comment_output,
            job_url: ctx.job_url.clone(),
            test_names: true,
        },
        elapsed_ms: args.elapsed_ms,
        fields,
        post: PostOptions {
            batch_size: args.batch_size,
            in_flight: args.parallel_batches,
            ..PostOptions::default()
        },
        close_run: args.close_run,
        close_plan: args.close_plan,
        run_files: crate::submit::deliver::run_files::resolve(&args.attach_to_run)?,
        strict: args.strict,
        dry_run: args.dry_run,
        unsent_file: args.unsent_file.clone(),
        create: CreateOptions {
            enabled: args.create_missing_cases,
            placement: Placement {
                section_id: args.section_id,
                from_suites: args.sections_from == Some(SectionsFrom::Suites),
            },
        }
        .validate()?,
        // A name with the time in it (no --run-name, no CI) never matches an earlier
        // attempt's run, so looking for one would be a wasted call.
        reuse_run: !args.new_run
            && (args.run_name.is_some()
                || !ctx
                    .default_run_name
                    .starts_with(crate::ci::context::FALLBACK_RUN_NAME)),
    })
}

/// `--refs` for an existing run: appended by default, as trcli does.
fn refs_change(args: &SubmitArgs) -> Option<RefsChange> {
    args.run_id?;
    Some(RefsChange {
        refs: args.refs.clone()?,
        action: match args.refs_action.unwrap_or(RefsAction::Add) {
            RefsAction::Add => refs::RefsAction::Add,
            RefsAction::Update => refs::RefsAction::Update,
            RefsAction::Delete => refs::RefsAction::Delete,
        },
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
            "no target run: set --project / --project-id (TESTRAIL_PROJECT / TESTRAIL_PROJECT_ID) \
             to create a run, or \
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

/// Add `--result-version` to the result fields; `auto` asks the CI for the build's version.
fn with_version(
    mut fields: Vec<ResultField>,
    version: Option<&str>,
    ctx: &CiContext,
) -> anyhow::Result<Vec<ResultField>> {
    let Some(version) = version.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(fields);
    };
    if fields.iter().any(|f| f.name == "version") {
        return Err(usage(
            "--result-version and --result-field version=… both set the version; keep one",
        ));
    }
    let value = if version == "auto" {
        ctx.build_version.clone().ok_or_else(|| {
            usage(
                "--result-version auto: this CI does not say which tag or commit it builds \
                 (GitHub Actions, GitLab CI and Jenkins with the Git plugin do); pass the \
                 version itself, e.g. --result-version 1.4.2",
            )
        })?
    } else {
        version.to_string()
    };
    fields.push(ResultField {
        name: "version".into(),
        value: serde_json::Value::String(value),
    });
    Ok(fields)
}

/// The mapping rules `--case-matcher` reads: a named matcher reads only its own source.
pub fn rules(matcher: CaseMatcher) -> Rules {
    match matcher {
        CaseMatcher::Auto => Rules::All,
        CaseMatcher::Property => Rules::Property,
        CaseMatcher::Name => Rules::Name,
        CaseMatcher::AutomationId => Rules::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn args(extra: &[&str]) -> SubmitArgs {
        let argv = ["testrail-report", "submit"].iter().chain(extra).copied();
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Submit(a) => *a,
            _ => unreachable!(),
        }
    }

    fn ctx() -> CiContext {
        CiContext::from_vars(|_| None)
    }

    #[test]
    fn the_target_follows_run_plan_then_project() {
        let o = submit_options(&args(&["--run-id", "4", "r.xml"]), &ctx()).unwrap();
        assert!(matches!(o.target, TargetSpec::Existing { run_id: 4 }));
        let o = submit_options(
            &args(&["--plan-id", "2", "--config-ids", "1,2", "r.xml"]),
            &ctx(),
        )
        .unwrap();
        match o.target {
            TargetSpec::Plan { plan_id, entry, .. } => {
                assert_eq!((plan_id, entry.config_ids), (2, vec![1, 2]));
            }
            other => panic!("{other:?}"),
        }
        let o = submit_options(
            &args(&["--project-id", "1", "--run-name", "N", "r.xml"]),
            &ctx(),
        )
        .unwrap();
        match o.target {
            TargetSpec::New { project_id, run } => {
                assert_eq!((project_id, run.name.as_deref()), (1, Some("N")));
                assert!(!run.include_all);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn mistakes_are_usage_errors_naming_the_option() {
        let code = |a: &[&str]| {
            let err = submit_options(&args(a), &ctx()).unwrap_err();
            (crate::error::code_for(&err), err.to_string())
        };
        let (c, msg) = code(&["r.xml"]);
        assert_eq!(c, crate::exit::USAGE);
        assert!(
            msg.contains("--project-id") && msg.contains("--run-id"),
            "{msg}"
        );
        let (c, msg) = code(&["--project-id", "1", "--status", "failed=3", "r.xml"]);
        assert_eq!(c, crate::exit::USAGE);
        assert!(msg.contains("--status"), "{msg}");
        let (_, msg) = code(&["--project-id", "1", "--result-field", "novalue", "r.xml"]);
        assert!(msg.contains("--result-field"), "{msg}");
        let (_, msg) = code(&["--project-id", "1", "--batch-size", "0", "r.xml"]);
        assert!(msg.contains("--batch-size"), "{msg}");
    }

    #[test]
    fn case_matcher_limits_the_mapping_rules() {
        assert_eq!(rules(CaseMatcher::Auto), Rules::All);
        assert_eq!(rules(CaseMatcher::Property), Rules::Property);
        assert_eq!(rules(CaseMatcher::Name), Rules::Name);
        assert_eq!(rules(CaseMatcher::AutomationId), Rules::Nothing);
    }
}
