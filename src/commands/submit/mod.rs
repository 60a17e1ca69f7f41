//! `testrail-report submit`: load and map the reports, run the pipeline on an async runtime,
//! print the summary, leave CI outputs, and pick the exit code.

mod args;
pub mod render;

use std::path::Path;

use crate::ci::{self, CiContext, PublishOptions};
use crate::cli::submit::SubmitArgs;
use crate::cli::{GlobalArgs, OutputFormat};
use crate::commands::block_on;
use crate::error::Error;
use crate::mapping::{Mapper, MappingOptions};
use crate::report::{TestCase, load};
use crate::summary::Summary;
use crate::testrail::Client;

use crate::submit::deliver::post::PostOptions;
use crate::submit::deliver::resume::resume as resume_journal;
use crate::submit::deliver::target::TargetSpec;
use crate::submit::execute::submit;
use crate::submit::lookup::{Wanted, resolve};
use crate::submit::options::Matching;
use crate::submit::outcome::Submitted;
use args::{rules, submit_options};

/// Run `submit` and answer the exit code.
pub fn run(global: &GlobalArgs, args: &SubmitArgs) -> anyhow::Result<i32> {
    let ctx = CiContext::detect();
    if let Some(file) = &args.resume {
        return resume(global, args, file, &ctx);
    }
    let wanted = Wanted {
        project: args.project.clone(),
        project_id: args.project_id,
        suite: args.suite.clone(),
        suite_id: args.suite_id,
        assign: args.assign.clone(),
    };
    // Names become IDs (read-only look-ups) before the options are checked.
    let named = match wanted.needs_server() {
        true => Some(client(global, args)?),
        false => None,
    };
    let resolved = block_on(resolve(named.as_ref(), &wanted))??;
    let mut args = args.clone();
    args.project_id = resolved.project_id;
    args.suite_id = resolved.suite_id;
    let mut opts = submit_options(&args, &ctx)?;
    opts.assignees = resolved.assignees;
    warn_about_journals(&opts);
    let mut loaded = load(&args.reports.selection())?;
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    crate::progress::note(&format!(
        "Read {} report(s): {} test(s)",
        loaded.reports.len(),
        loaded.test_count()
    ));
    let mapper = Mapper::new(&MappingOptions {
        rules: rules(args.case_matcher),
        ..args.mapping.options()
    })?;
    // A dry run touches no server unless mapping itself needs the suite's cases.
    let client = match named {
        Some(c) => Some(c),
        None if opts.dry_run && opts.matching == Matching::Ids && !opts.create.enabled => None,
        None => Some(client(global, &args)?),
    };
    let map = move |t: &TestCase| {
        let m = mapper.case_ids(t);
        if !m.rejected.is_empty() {
            eprintln!(
                "warning: {}",
                crate::mapping::out_of_range(&t.name, &m.rejected)
            );
        }
        m.ids
    };
    let submitted = block_on(submit(client.as_ref(), &mut loaded.reports, &map, &opts))??;
    print(global.output, &submitted)?;
    if !opts.dry_run {
        publish(&submitted.summary, &ctx, &args)?;
    }
    exit(submitted, args.fail_on_test_failure)
}

/// An unfinished earlier submit leaves its journal behind. Submitting the same report again
/// skips what it finds posted, but a changed report (or a closed run) is posted in full;
/// `--resume` finishes exactly what was planned. Say so before anything is sent.
fn warn_about_journals(opts: &crate::submit::options::SubmitOptions) {
    let found: Vec<std::path::PathBuf> = match (&opts.unsent_file, &opts.target) {
        (Some(file), _) => vec![file.clone()],
        (None, target) => std::fs::read_dir(".")
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| std::path::PathBuf::from(e.file_name())))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| is_journal_name(n, target))
            })
            .collect(),
    };
    for file in found.iter().filter(|f| f.is_file()) {
        eprintln!(
            "warning: {} exists: if the submit that wrote it did not finish, \
             `testrail-report submit --resume {}` finishes it without posting anything twice \
             (this submit skips only results of the same report that it finds in TestRail)",
            file.display(),
            file.display()
        );
    }
}

/// Whether `name` is a journal this submit should know about: one of its `--run-id`, or any
/// when it creates a run.
fn is_journal_name(name: &str, target: &TargetSpec) -> bool {
    let Some(rest) = name
        .strip_prefix("testrail-unsent-")
        .and_then(|r| r.strip_suffix(".json"))
    else {
        return false;
    };
    match target {
        TargetSpec::Existing { run_id } => {
            let run = run_id.to_string();
            rest == run || rest.strip_prefix(&run).is_some_and(|r| r.starts_with('-'))
        }
        _ => true,
    }
}

/// A client from the connection options.
pub fn client(global: &GlobalArgs, args: &SubmitArgs) -> anyhow::Result<Client> {
    crate::commands::connect(&args.remote, global)
}

/// Print the summary (and a dry run's plan): text for people, one JSON document for scripts.
pub fn print(format: OutputFormat, submitted: &Submitted) -> anyhow::Result<()> {
    let text = match (format, submitted.dry_run_doc()) {
        (OutputFormat::Json, Some(doc)) => serde_json::to_string_pretty(&doc)? + "\n",
        (OutputFormat::Json, None) => serde_json::to_string_pretty(&submitted.summary)? + "\n",
        (OutputFormat::Text, doc) => {
            let plan = doc.map(|d| render::dry_run_text(&d)).unwrap_or_default();
            plan + &render::text(&submitted.summary)
        }
    };
    // The summary quotes servers' error texts, which may echo our credentials.
    print!("{}", crate::redact::text(&text));
    Ok(())
}

fn publish(summary: &Summary, ctx: &CiContext, args: &SubmitArgs) -> anyhow::Result<()> {
    let opts = PublishOptions {
        dotenv: args.dotenv.clone(),
        summary_json: args.summary_json.clone(),
    };
    ci::publish(summary, ctx, &opts)
}

/// Partial (6) beats a failed close (4 or 5) beats test failures (1, when asked for) beats
/// success.
fn exit(submitted: Submitted, fail_on_test_failure: bool) -> anyhow::Result<i32> {
    let s = &submitted.summary;
    if !submitted.errors.is_empty() {
        let mut msg = format!(
            "some results were not posted: {}",
            submitted.errors.join("; ")
        );
        if let Some(file) = &s.resume_file {
            msg.push_str(&format!(
                "\nthey are saved in {file}; finish with:\n  testrail-report submit --resume {file}"
            ));
        }
        return Err(Error::Partial(msg).into());
    }
    if let Some(e) = submitted.close_failed {
        return Err(e.into());
    }
    let failed = ["failed", "error"]
        .iter()
        .filter_map(|k| s.outcomes.get(*k))
        .sum::<u64>();
    if fail_on_test_failure && failed > 0 {
        return Err(Error::TestFailures(format!(
            "{failed} test(s) failed (--fail-on-test-failure)"
        ))
        .into());
    }
    Ok(crate::exit::SUCCESS)
}

/// `--resume FILE`: post the saved results that did not reach the run, then close it if the
/// original submit asked to.
fn resume(
    global: &GlobalArgs,
    args: &SubmitArgs,
    path: &Path,
    ctx: &CiContext,
) -> anyhow::Result<i32> {
    // A file that is not a journal is refused before any connection is made.
    let journal = crate::submit::deliver::unsent::Journal::read(path)?;
    let client = client(global, args)?;
    let post = PostOptions {
        batch_size: args.batch_size.max(1),
        in_flight: args.parallel_batches.map(|n| n.max(1)),
        ..PostOptions::default()
    };
    let submitted = block_on(resume_journal(&client, path, journal, &post))??;
    print(global.output, &submitted)?;
    publish(&submitted.summary, ctx, args)?;
    exit(submitted, false)
}
