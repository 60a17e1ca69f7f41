//! The GitHub Action (action.yml + action/run.sh), run the way the runner runs it: the step's
//! `env:` mapping is read from action.yml and resolved from the test's inputs (as the runner
//! resolves `${{ inputs.* }}`), `GITHUB_*`/`RUNNER_*` variables are set, and `GITHUB_OUTPUT`
//! and `GITHUB_STEP_SUMMARY` point at temporary files.
//!
//! Installing: `download` is exercised against a fake release served from `file://` URLs
//! (curl reads them like https), `build` with a fake `cargo` on PATH that records its command
//! line. The end-to-end test against the sandbox points the script at the already-built binary
//! through `ACTION_BINARY` instead of spending minutes in `cargo build --release`.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The parts of action.yml the runner uses: inputs with defaults, the step's env mapping,
/// its `run:` line and the outputs. action.yml is written in a fixed layout (two-space
/// indents, one key per line), so a line reader is enough and no YAML crate is needed.
struct ActionYml {
    inputs: BTreeMap<String, String>,
    env: Vec<(String, String)>,
    run: Vec<String>,
    outputs: BTreeMap<String, String>,
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn action_yml() -> ActionYml {
    let text = std::fs::read_to_string(repo_root().join("action.yml")).unwrap();
    let mut yml = ActionYml {
        inputs: BTreeMap::new(),
        env: Vec::new(),
        run: Vec::new(),
        outputs: BTreeMap::new(),
    };
    let (mut section, mut current) = ("", String::new());
    for line in text.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            section = line.trim_end_matches(':');
            continue;
        }
        let trimmed = line.trim();
        if section == "inputs" || section == "outputs" {
            if let Some(name) = line.strip_prefix("  ").filter(|l| !l.starts_with(' ')) {
                current = name.trim_end_matches(':').to_string();
                if section == "inputs" {
                    yml.inputs.insert(current.clone(), String::new());
                }
            } else if let Some(value) = trimmed.strip_prefix("default: ") {
                assert!(
                    !value.starts_with(['|', '>']),
                    "{current}: block defaults unsupported"
                );
                yml.inputs
                    .insert(current.clone(), value.trim_matches('"').to_string());
            } else if let Some(value) = trimmed.strip_prefix("value: ") {
                yml.outputs.insert(current.clone(), value.to_string());
            }
        } else if section == "runs" {
            if let Some(run) = trimmed.strip_prefix("run: ") {
                yml.run.push(run.to_string());
            } else if line.starts_with("        ") && !trimmed.starts_with('#') {
                let (k, v) = trimmed.split_once(": ").unwrap();
                yml.env.push((k.to_string(), v.to_string()));
            }
        }
    }
    yml
}

/// The environment the runner gives the step for these inputs (`${{ inputs.x }}` resolved,
/// defaults applied; `github.action_*` empty, as the runner leaves them in composite actions).
fn step_env(yml: &ActionYml, inputs: &[(&str, &str)]) -> Vec<(String, String)> {
    let given: BTreeMap<&str, &str> = inputs.iter().copied().collect();
    for name in given.keys() {
        assert!(
            yml.inputs.contains_key(*name),
            "test uses undeclared input {name}"
        );
    }
    let mut env = Vec::new();
    for (var, expr) in &yml.env {
        let inner = expr
            .strip_prefix("${{ ")
            .and_then(|e| e.strip_suffix(" }}"))
            .unwrap_or_else(|| panic!("{var}: not a plain expression: {expr}"));
        let value = match inner.strip_prefix("inputs.") {
            Some(name) => given
                .get(name)
                .map(|v| v.to_string())
                .unwrap_or_else(|| yml.inputs[name].clone()),
            None => String::new(),
        };
        env.push((var.clone(), value));
    }
    // The runner also exports each input as INPUT_<NAME> for JavaScript and Docker actions;
    // set them too, so nothing here depends on their absence.
    for (name, default) in &yml.inputs {
        let value = given.get(name.as_str()).map_or(default.as_str(), |v| v);
        env.push((format!("INPUT_{}", name.to_uppercase()), value.to_string()));
    }
    env
}

/// A job's workspace: temp files for GITHUB_OUTPUT/GITHUB_STEP_SUMMARY and RUNNER_TEMP.
struct Job {
    dir: tempfile::TempDir,
}

impl Job {
    fn new() -> Job {
        let job = Job {
            dir: tempfile::tempdir().unwrap(),
        };
        for sub in ["runner-temp", "workspace"] {
            std::fs::create_dir(job.path(sub)).unwrap();
        }
        job
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_default()
    }

    /// Run action/run.sh as the runner runs the composite step (`bash …/action/run.sh`).
    fn run(&self, inputs: &[(&str, &str)], extra: &[(&str, &str)]) -> Output {
        self.run_in_job(&[], inputs, extra)
    }

    /// Like `run`, under a workflow/job `env:` that the step's own `env:` (the inputs) overrides.
    fn run_in_job(
        &self,
        job_env: &[(&str, &str)],
        inputs: &[(&str, &str)],
        extra: &[(&str, &str)],
    ) -> Output {
        let yml = action_yml();
        assert_eq!(yml.run, [r#"bash "$GITHUB_ACTION_PATH/action/run.sh""#]);
        let mut cmd = Command::new("bash");
        cmd.arg(repo_root().join("action/run.sh"))
            .current_dir(self.path("workspace"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap())
            .env("HOME", self.dir.path())
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", repo_root())
            .env("GITHUB_OUTPUT", self.path("output"))
            .env("GITHUB_STEP_SUMMARY", self.path("summary.md"))
            .env("GITHUB_WORKSPACE", self.path("workspace"))
            .env("GITHUB_WORKFLOW", "Tests")
            .env("GITHUB_RUN_NUMBER", "12")
            .env("GITHUB_RUN_ID", "4242")
            .env("GITHUB_REF_NAME", "main")
            .env("GITHUB_REPOSITORY", "acme/shop")
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", self.path("runner-temp"));
        cmd.envs(job_env.iter().copied());
        cmd.envs(step_env(&yml, inputs));
        cmd.envs(extra.iter().copied());
        cmd.output().unwrap()
    }
}

fn write_executable(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A stand-in binary that records how it was started (to `$RECORD`).
const RECORDER: &str = r#"#!/bin/sh
if [ "$1" = --version ]; then echo "testrail-report 0.0.0-fake"; exit 0; fi
{ echo "args=$*"; echo "cwd=$(pwd)"; echo "url=$TESTRAIL_URL"; echo "reports=$TESTRAIL_REPORTS"; } > "$RECORD"
"#;

/// Lay out a fake release of `asset` (with its `.sha256`) under a `file://` server root.
fn fake_release(job: &Job, tag: &str, checksum: Option<&str>) -> String {
    let asset = "testrail-report-x86_64-unknown-linux-musl";
    let dir = job.path(&format!(
        "server/acme/testrail-report/releases/download/{tag}"
    ));
    write_executable(&dir.join(asset), RECORDER);
    let digest = Command::new("sha256sum")
        .arg(dir.join(asset))
        .output()
        .unwrap();
    let real = String::from_utf8(digest.stdout).unwrap();
    let sum = checksum.map_or_else(|| real.split(' ').next().unwrap().to_string(), String::from);
    std::fs::write(
        dir.join(format!("{asset}.sha256")),
        format!("{sum}  {asset}\n"),
    )
    .unwrap();
    format!("file://{}", job.path("server").display())
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn every_input_reaches_the_binary_through_its_environment_variable() {
    let yml = action_yml();
    let script_vars = ["working-directory", "install", "version"];
    // Each binary input arrives as ACTION_INPUT_<NAME>; run.sh exports it as TESTRAIL_<NAME>,
    // which must be a variable the binary reads (clap lists them in `submit --help`).
    let help = Command::new(env!("CARGO_BIN_EXE_testrail-report"))
        .args(["submit", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for name in yml.inputs.keys() {
        let upper = name.to_uppercase().replace('-', "_");
        let var = if script_vars.contains(&name.as_str()) {
            format!("ACTION_{upper}")
        } else {
            let binary_var = format!("TESTRAIL_{upper}");
            assert!(
                help.contains(&format!("[env: {binary_var}=]"))
                    || help.contains(&format!("[env: {binary_var}]")),
                "input {name}: `submit` reads no {binary_var}"
            );
            format!("ACTION_INPUT_{upper}")
        };
        let expr = format!("${{{{ inputs.{name} }}}}");
        let mapped: Vec<_> = yml.env.iter().filter(|(_, e)| *e == expr).collect();
        assert_eq!(mapped.len(), 1, "input {name} must be mapped exactly once");
        assert_eq!(mapped[0].0, var, "input {name}");
    }
    assert_eq!(yml.inputs.len(), 42, "inputs: {:?}", yml.inputs.keys());
    for run in &yml.run {
        assert!(!run.contains("${{"), "expression in a run: line: {run}");
    }
}

/// A stand-in binary that records every TESTRAIL_* variable it was started with.
const ENV_RECORDER: &str = r#"#!/bin/sh
if [ "$1" = --version ]; then echo "testrail-report 0.0.0-fake"; exit 0; fi
env | grep '^TESTRAIL_' | sort > "$RECORD"
"#;

#[test]
fn an_input_left_empty_does_not_override_a_variable_set_for_the_job() {
    let job = Job::new();
    let (binary, record) = (job.path("fake-bin/testrail-report"), job.path("record"));
    write_executable(&binary, ENV_RECORDER);
    let job_env = [
        ("TESTRAIL_URL", "https://job.example"),
        ("TESTRAIL_PROJECT_ID", "7"),
        ("TESTRAIL_CLOSE_RUN", "true"),
        ("TESTRAIL_SUITE_ID", "3"),
    ];
    let out = job.run_in_job(
        &job_env,
        // suite-id given: it wins over the job's value, as the runner's step env: does.
        &[("reports", "reports/*.xml"), ("suite-id", "4"), ("url", "")],
        &[
            ("ACTION_BINARY", binary.to_str().unwrap()),
            ("RECORD", record.to_str().unwrap()),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&record).unwrap(),
        "TESTRAIL_CLOSE_RUN=true\nTESTRAIL_PROJECT_ID=7\nTESTRAIL_REPORTS=reports/*.xml\n\
         TESTRAIL_SUITE_ID=4\nTESTRAIL_URL=https://job.example\n",
        "no input may reach the binary as an empty TESTRAIL_* variable"
    );
}

#[test]
fn a_key_set_for_the_job_is_masked_too() {
    let job = Job::new();
    let out = job.run_in_job(
        &[("TESTRAIL_API_KEY", "job-level-key")],
        &[("install", "pip")],
        &[],
    );
    assert!(
        stderr(&out).starts_with("::add-mask::job-level-key\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn new_inputs_reach_submit_as_its_options() {
    use testrail_report::sandbox::{DEFAULT_API_KEY, DEFAULT_USER, Sandbox, SandboxOptions};

    let sandbox = Sandbox::spawn(SandboxOptions::default()).unwrap();
    let job = Job::new();
    std::fs::create_dir(job.path("workspace/reports")).unwrap();
    std::fs::write(
        job.path("workspace/reports/junit.xml"),
        crate::ci::AUTH_REPORT,
    )
    .unwrap();
    let out = job.run_in_job(
        &[("TESTRAIL_OUTPUT", "json")],
        &[
            ("url", &sandbox.base_url()),
            ("user", DEFAULT_USER),
            ("api-key", DEFAULT_API_KEY),
            ("project-id", "1"),
            ("reports", "reports/*.xml\nmissing/*.xml"),
            ("allow-missing-reports", "true"),
            ("dry-run", "true"),
            ("create-missing-cases", "true"),
            ("section-id", "1"),
        ],
        &[("ACTION_BINARY", env!("CARGO_BIN_EXE_testrail-report"))],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("missing/*.xml"),
        "a warning names the glob: {err}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let creation = &doc["case_creation"];
    assert_eq!(creation["mode"], "dry-run", "{doc}");
    assert_eq!(creation["cases"][0]["title"], "test_not_in_testrail");
    // Section 1 of the demo project: the section-id input arrived.
    assert_eq!(creation["cases"][0]["section"], "Authentication");
    assert!(sandbox.state()["runs"].as_object().unwrap().is_empty());
}

#[test]
fn outputs_come_from_the_submit_step() {
    let yml = action_yml();
    let names: Vec<_> = yml.outputs.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "failed",
            "passed",
            "results-posted",
            "run-id",
            "run-url",
            "skipped",
            "unmapped"
        ]
    );
    for (name, value) in &yml.outputs {
        assert_eq!(value, &format!("${{{{ steps.submit.outputs.{name} }}}}"));
    }
}

#[test]
fn download_verifies_the_checksum_then_runs_submit_in_the_working_directory() {
    let job = Job::new();
    let server = fake_release(&job, "v1.2.0", None);
    std::fs::create_dir(job.path("workspace/sub")).unwrap();
    let record = job.path("record");
    // An input that would run a command if it were ever spliced into shell code.
    let url = "https://t.example/$(touch pwned)`touch pwned2`";
    let out = job.run(
        &[
            ("install", "download"),
            ("version", "v1.2.0"),
            ("url", url),
            ("working-directory", "sub"),
            ("reports", "reports/*.xml\nmore reports/TEST-*.xml\n"),
        ],
        &[
            ("GITHUB_SERVER_URL", &server),
            ("ACTION_REPOSITORY", "acme/testrail-report"),
            ("RECORD", record.to_str().unwrap()),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let got = std::fs::read_to_string(&record).unwrap();
    let sub = job.path("workspace/sub");
    assert_eq!(
        got,
        format!(
            "args=submit\ncwd={}\nurl={url}\nreports=reports/*.xml\nmore reports/TEST-*.xml\n\n",
            sub.display()
        )
    );
    assert!(!sub.join("pwned").exists() && !job.path("workspace/pwned").exists());
    assert!(stderr(&out).contains("testrail-report 0.0.0-fake"));
}

#[test]
fn download_refuses_a_binary_whose_checksum_does_not_match() {
    let job = Job::new();
    let server = fake_release(&job, "v1.2.0", Some(&"0".repeat(64)));
    let record = job.path("record");
    let out = job.run(
        &[("install", "download"), ("version", "v1.2.0")],
        &[
            ("GITHUB_SERVER_URL", &server),
            ("ACTION_REPOSITORY", "acme/testrail-report"),
            ("RECORD", record.to_str().unwrap()),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("::error title=testrail-report action::SHA-256 mismatch"));
    assert!(!record.exists(), "the unverified binary must not run");
}

#[test]
fn auto_takes_repository_and_ref_from_the_action_path_and_downloads() {
    let job = Job::new();
    let server = fake_release(&job, "v2.0.1", None);
    let record = job.path("record");
    // The runner checks actions out at _actions/<owner>/<repo>/<ref>; github.action_ref is
    // empty inside composite actions, so the script reads the path.
    let checkout = job.path("_actions/acme/testrail-report/v2.0.1");
    std::fs::create_dir_all(&checkout).unwrap();
    let out = job.run(
        &[],
        &[
            ("GITHUB_SERVER_URL", &server),
            ("GITHUB_ACTION_PATH", checkout.to_str().unwrap()),
            ("RECORD", record.to_str().unwrap()),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(
        "downloading testrail-report-x86_64-unknown-linux-musl (v2.0.1) from acme/testrail-report"
    ));
    assert!(
        std::fs::read_to_string(record)
            .unwrap()
            .starts_with("args=submit\n")
    );
}

#[test]
fn auto_builds_with_cargo_when_there_is_no_release() {
    let job = Job::new();
    let server = fake_release(&job, "v1.0.0", None);
    // A fake cargo: records its arguments and "builds" the recorder into --target-dir.
    let bin = job.path("fake-bin");
    write_executable(
        &bin.join("cargo"),
        &format!(
            "#!/bin/sh\necho \"$*\" > \"$CARGO_RECORD\"\nwhile [ \"$1\" != --target-dir ]; do shift; done\n\
             mkdir -p \"$2/release\" && cat > \"$2/release/testrail-report\" <<'EOF'\n{RECORDER}EOF\n\
             chmod +x \"$2/release/testrail-report\"\n"
        ),
    );
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let (record, cargo_record) = (job.path("record"), job.path("cargo-record"));
    let out = job.run(
        &[("version", "main")],
        &[
            ("PATH", &path),
            ("GITHUB_SERVER_URL", &server),
            ("ACTION_REPOSITORY", "acme/testrail-report"),
            ("RECORD", record.to_str().unwrap()),
            ("CARGO_RECORD", cargo_record.to_str().unwrap()),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("no release for 'main'; building"));
    assert_eq!(
        std::fs::read_to_string(cargo_record).unwrap().trim(),
        format!(
            "build --release --locked --manifest-path {}/Cargo.toml --target-dir {}/testrail-report-target",
            repo_root().display(),
            job.path("runner-temp").display()
        )
    );
    assert!(
        std::fs::read_to_string(record)
            .unwrap()
            .starts_with("args=submit\n")
    );
}

#[test]
fn unknown_install_mode_is_a_usage_error() {
    let job = Job::new();
    let out = job.run(&[("install", "pip")], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("install must be auto, download or build, not 'pip'"));
}

#[test]
fn the_api_key_is_masked_before_anything_else_is_printed() {
    let job = Job::new();
    let out = job.run(&[("api-key", "k%y\nz"), ("install", "pip")], &[]);
    let err = stderr(&out);
    assert!(err.starts_with("::add-mask::k%25y%0Az\n"), "{err}");
}

#[test]
fn action_reports_to_the_sandbox_and_sets_outputs_and_summary() {
    use testrail_report::sandbox::{DEFAULT_API_KEY, DEFAULT_USER, Sandbox, SandboxOptions};

    let sandbox = Sandbox::spawn(SandboxOptions::default()).unwrap();
    let job = Job::new();
    std::fs::create_dir(job.path("workspace/reports")).unwrap();
    std::fs::write(
        job.path("workspace/reports/junit.xml"),
        crate::ci::AUTH_REPORT,
    )
    .unwrap();
    let url = sandbox.base_url();
    let out = job.run(
        &[
            ("url", &url),
            ("user", DEFAULT_USER),
            ("api-key", DEFAULT_API_KEY),
            ("project-id", "1"),
            ("suite-id", "1"),
            ("reports", "reports/*.xml\n"),
            ("case-matcher", "automation-id"),
            ("close-run", "true"),
            ("install", "build"),
        ],
        &[("ACTION_BINARY", env!("CARGO_BIN_EXE_testrail-report"))],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");

    let state = sandbox.state();
    let runs = state["runs"].as_object().unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    let (run_id, run) = runs.iter().next().unwrap();
    let run_id: u64 = run_id.parse().unwrap();
    assert_eq!(run["name"], "Tests #12 (main)");
    assert!(
        run["description"]
            .as_str()
            .unwrap()
            .contains("https://github.com/acme/shop/actions/runs/4242")
    );
    assert_eq!(run["is_completed"], true);
    let mut cases: Vec<u64> = state["tests"]
        .as_object()
        .unwrap()
        .values()
        .filter(|t| t["run_id"] == run_id)
        .map(|t| t["case_id"].as_u64().unwrap())
        .collect();
    cases.sort();
    assert_eq!(cases, [1, 2, 3], "the run holds exactly the executed cases");

    let outputs = job.read("output");
    let lines: Vec<&str> = outputs.lines().collect();
    assert_eq!(
        lines,
        [
            format!("run-id={run_id}").as_str(),
            &format!("run-url={url}index.php?/runs/view/{run_id}"),
            "results-posted=3",
            "passed=2",
            "failed=1",
            "skipped=1",
            "unmapped=1",
        ]
    );
    let summary = job.read("summary.md");
    assert!(
        summary.starts_with(&format!("## TestRail: run [R{run_id}](")),
        "{summary}"
    );
    assert!(summary.contains("```mermaid\npie showData\n"), "{summary}");
    assert!(
        summary.contains(
            "| tests.test\\_auth.test\\_login\\_wrong\\_password | C2 | expected 401, got 200 |"
        ),
        "{summary}"
    );
    assert!(summary.contains("### Unmapped tests (1)"), "{summary}");
    assert!(
        err.contains("::warning file=tests/test_auth.py,line=40,title=Unmapped test::"),
        "{err}"
    );
    // The key shows up only in the mask commands that hide it (and `user:key`, and the Basic
    // token a server's error page may echo) from the rest of the log.
    assert!(err.starts_with(&format!("::add-mask::{DEFAULT_API_KEY}\n")));
    let token = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .encode(format!("{DEFAULT_USER}:{DEFAULT_API_KEY}"))
    };
    let masks: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("::add-mask::"))
        .collect();
    assert!(masks.contains(&format!("::add-mask::{DEFAULT_USER}:{DEFAULT_API_KEY}").as_str()));
    assert!(
        masks.contains(&format!("::add-mask::{token}").as_str()),
        "{err}"
    );
    for line in err.lines().filter(|l| !l.starts_with("::add-mask::")) {
        assert!(
            !line.contains(DEFAULT_API_KEY) && !line.contains(&token),
            "{line}"
        );
    }
}

#[test]
fn a_windows_style_action_path_names_the_release_too() {
    let job = Job::new();
    let server = fake_release(&job, "v3.1.0", None);
    let record = job.path("record");
    let out = job.run(
        &[],
        &[
            ("GITHUB_SERVER_URL", &server),
            (
                "GITHUB_ACTION_PATH",
                r"D:\a\_actions\acme\testrail-report\v3.1.0",
            ),
            ("RECORD", record.to_str().unwrap()),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("(v3.1.0) from acme/testrail-report"));
}
