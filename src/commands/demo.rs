//! `testrail-report demo`: see the whole job work without a TestRail instance. Starts the
//! sandbox in-process with its demo project, submits the demo reports (embedded in the
//! binary, so it works from any directory) exactly as `submit` would, and reads the run back.

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use crate::cli::demo::DemoArgs;
use crate::cli::{GlobalArgs, OutputFormat};
use crate::commands::block_on;
use crate::commands::submit::render;
use crate::config::ConnectionConfig;
use crate::mapping::{Mapper, MappingOptions};
use crate::report::{Report, read_bytes};
use crate::sandbox::{DEFAULT_API_KEY, DEFAULT_USER, Sandbox, SandboxOptions};
use crate::secret::Secret;
use crate::submit::deliver::target::{TargetSpec, api};
use crate::submit::execute::submit;
use crate::submit::options::SubmitOptions;
use crate::submit::outcome::Submitted;
use crate::testrail::{Client, ClientOptions, NewRun, Run};

/// The demo reports, as `fixtures/demo/` holds them (they match the sandbox's demo seed).
const REPORTS: &[(&str, &str)] = &[
    (
        "fixtures/demo/pytest-auth.xml",
        include_str!("../../fixtures/demo/pytest-auth.xml"),
    ),
    (
        "fixtures/demo/surefire-cart.xml",
        include_str!("../../fixtures/demo/surefire-cart.xml"),
    ),
];

/// Run the demo and answer the exit code.
pub fn run(global: &GlobalArgs, args: &DemoArgs) -> anyhow::Result<i32> {
    let opts = SandboxOptions {
        bind: ([127, 0, 0, 1], args.port).into(),
        ..SandboxOptions::default()
    };
    let sandbox = Sandbox::spawn(opts)
        .map_err(|e| anyhow::anyhow!("cannot start the sandbox on port {}: {e}", args.port))?;
    crate::progress::note(&format!(
        "Sandbox TestRail at {} (user {DEFAULT_USER})",
        sandbox.base_url()
    ));
    let mut reports = reports()?;
    let (submitted, run) = block_on(demo_submit(&sandbox, &mut reports))??;
    print(global.output, &submitted, &run)?;
    let page = format!("{}index.php?/runs/view/{}", sandbox.base_url(), run.id);
    if args.keep {
        keep_running(&sandbox, &page)?;
    } else if global.output != OutputFormat::Json {
        eprintln!("\nThe sandbox stops with the demo; `demo --keep` keeps it up to open {page}");
    }
    Ok(crate::exit::SUCCESS)
}

/// The embedded reports, read by the same reader as files on disk.
fn reports() -> anyhow::Result<Vec<Report>> {
    REPORTS
        .iter()
        .map(|(path, xml)| read_bytes(Path::new(path), xml.as_bytes()).map_err(|e| e.into_input()))
        .collect()
}

async fn demo_submit(
    sandbox: &Sandbox,
    reports: &mut [Report],
) -> anyhow::Result<(Submitted, Run)> {
    let cfg = ConnectionConfig {
        url: sandbox.base_url(),
        user: DEFAULT_USER.into(),
        api_key: Secret::new(DEFAULT_API_KEY),
        timeout: Duration::from_secs(10),
        ca_cert: None,
        insecure: false,
        proxy: None,
    };
    let client = Client::new(&cfg, &ClientOptions::default())?;
    let opts = SubmitOptions::new(TargetSpec::New {
        project_id: 1,
        run: NewRun {
            suite_id: Some(1),
            name: Some("Demo: nightly regression".into()),
            description: Some("Created by `testrail-report demo` from fixtures/demo/*.xml.".into()),
            ..NewRun::default()
        },
    });
    let mapper = Mapper::new(&MappingOptions::default())?;
    let map = |t: &crate::report::TestCase| mapper.case_ids(t).ids;
    let submitted = submit(Some(&client), reports, &map, &opts).await?;
    let run_id = submitted.summary.run_id.unwrap_or(0);
    let run = client.get_run(run_id).await.map_err(api)?;
    Ok((submitted, run))
}

fn print(format: OutputFormat, submitted: &Submitted, run: &Run) -> anyhow::Result<()> {
    if format == OutputFormat::Json {
        let doc = json!({ "summary": submitted.summary, "run": run });
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(());
    }
    print!("{}", render::text(&submitted.summary));
    println!();
    println!("The run, read back with get_run:");
    println!("  R{}  {}", run.id, run.name);
    println!(
        "  passed {}, failed {}, retest {}, blocked {}, untested {}, custom skipped {}",
        run.passed_count,
        run.failed_count,
        run.retest_count,
        run.blocked_count,
        run.untested_count,
        run.extra
            .get("custom_status1_count")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0)
    );
    println!(
        "  include_all {}, completed {}",
        run.include_all, run.is_completed
    );
    Ok(())
}

fn keep_running(sandbox: &Sandbox, page: &str) -> anyhow::Result<()> {
    eprintln!(
        // The sandbox's key is a public default (see `testrail-sandbox --help`), not a secret.
        "\nThe sandbox keeps running. Open the run in a browser:\n  {page}\n\
         or use the API:\n  TESTRAIL_URL={url} TESTRAIL_USER={DEFAULT_USER} \
         TESTRAIL_API_KEY={DEFAULT_API_KEY} testrail-report run list --project-id 1\n\
         Press Ctrl-C to stop.",
        url = sandbox.base_url()
    );
    block_on(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
