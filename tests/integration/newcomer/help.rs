//! Point 6: `--help` that tells the truth, connection options only where they work (and last),
//! `--quiet`, completions and a man page from the clap definitions, `--version` with the commit.

use super::*;

fn help(args: &[&str]) -> String {
    let out = bare_cmd().args(args).arg("--help").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// Whether a help line is a section heading ("Target run:").
fn is_heading(line: &str) -> bool {
    !line.starts_with(' ') && line.ends_with(':')
}

/// The section headings of a help text, in order.
fn headings(text: &str) -> Vec<&str> {
    text.lines().filter(|l| is_heading(l)).collect()
}

#[test]
fn connection_options_come_last_and_only_where_they_do_something() {
    for command in [
        &["submit"][..],
        &["run", "get"],
        &["run", "create"],
        &["run"],
        &["plan", "get"],
        &["plan", "add-entry"],
        &["plan"],
        &["rerun"],
    ] {
        let text = help(command);
        let heads = headings(&text);
        assert_eq!(heads.last(), Some(&"Connection:"), "{command:?}: {heads:?}");
        let section = text.split("\nConnection:\n").nth(1).unwrap();
        for flag in ["--url", "--api-key", "--timeout", "--retries", "--proxy"] {
            assert!(section.contains(flag), "{command:?} {flag}");
        }
    }
    for command in ["inspect", "demo"] {
        let text = help(&[command]);
        assert!(
            !text.contains("--url") && !text.contains("--retries"),
            "{command}: {text}"
        );
    }
}

#[test]
fn demo_refuses_url_instead_of_ignoring_it() {
    for args in [
        &["demo", "--url", "http://x"][..],
        &["--url", "http://x", "demo"],
    ] {
        let out = bare_cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("unexpected argument '--url'"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn connection_options_before_the_command_still_work() {
    let sb = sandbox();
    let out = bare_cmd()
        .env("TESTRAIL_USER", testrail_report::sandbox::DEFAULT_USER)
        .env(
            "TESTRAIL_API_KEY",
            testrail_report::sandbox::DEFAULT_API_KEY,
        )
        .args(["--url", &sb.base_url(), "--retries=1", "run", "list"])
        .args(["--project-id", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("run(s)"), "{}", stdout(&out));
}

#[test]
fn a_missing_run_id_does_not_claim_the_connection_options_are_required() {
    // In CI the connection options come from the environment, and clap listed every option
    // with a value in its usage line: `run get --url <URL> --user <USER> --api-key <KEY> <RUN_ID>`.
    let out = bare_cmd()
        .env("TESTRAIL_URL", "http://127.0.0.1:9/")
        .env("TESTRAIL_USER", "u")
        .env("TESTRAIL_API_KEY", "k")
        .args(["run", "get"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("Usage: testrail-report run get [OPTIONS] <RUN_ID>"),
        "{err}"
    );
    assert!(!err.contains("--url <URL>"), "{err}");
}

#[test]
fn summaries_are_whole_sentences_and_defaults_are_shown() {
    let top = help(&[]);
    let submit = top
        .lines()
        .find(|l| l.trim_start().starts_with("submit "))
        .unwrap();
    assert!(submit.ends_with("exactly the executed cases"), "{submit}");
    let text = help(&["submit"]);
    let timeout = text.split("--timeout").nth(1).unwrap();
    let timeout = timeout.split("\n\n").next().unwrap();
    assert!(timeout.contains("[default: 60]"), "{timeout}");
}

#[test]
fn quiet_leaves_only_the_result() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let report = junit(dir.path(), &["a_C1", "b_C2"]);
    let out = cmd(&sb)
        .current_dir(dir.path())
        .args(["submit", "-q", "--project-id", "1"])
        .arg(&report)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert!(stdout(&out).starts_with("Run R"), "{}", stdout(&out));
    // Without it, the same submit tells what it does.
    let out = cmd(&sb)
        .current_dir(dir.path())
        .args(["submit", "--project-id", "1"])
        .arg(&report)
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("Read 1 report(s)"),
        "{}",
        stderr(&out)
    );
    let both = bare_cmd().args(["-q", "-v", "inspect"]).output().unwrap();
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn completions_and_man_pages_come_from_the_command_line_definitions() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = bare_cmd().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(
            script.contains("testrail-report") && script.contains("case-map"),
            "{shell}"
        );
    }
    let man = stdout(&bare_cmd().arg("man").output().unwrap());
    assert!(
        man.starts_with(".ie") || man.contains(".TH testrail-report"),
        "{man}"
    );
    assert!(
        man.contains("submit") && man.contains("completions"),
        "{man}"
    );
    let page = stdout(&bare_cmd().args(["man", "run-get"]).output().unwrap());
    assert!(page.contains(".TH testrail-report-run-get"), "{page}");
    assert!(page.contains("RUN_ID"), "{page}");
    let out = bare_cmd().args(["man", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("run-get"), "{}", stderr(&out));
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = bare_cmd().arg("--version").output().unwrap();
    let version = stdout(&out);
    let expected = format!("testrail-report {}", env!("CARGO_PKG_VERSION"));
    assert!(version.starts_with(&expected), "{version}");
    let head = std::process::Command::new("git")
        .args(["log", "-1", "--format=%h", "--abbrev=12"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    match head {
        Ok(h) if h.status.success() => {
            let commit = String::from_utf8_lossy(&h.stdout).trim().to_string();
            assert!(
                version.contains(&format!("({commit} ")),
                "{version} vs {commit}"
            );
        }
        _ => eprintln!("git is not available here: only the version is checked"),
    }
}

/// The lines under one heading of a help text.
fn section(text: &str, heading: &str) -> String {
    let title = format!("{heading}:");
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != title)
        .skip(1)
        .take_while(|l| !is_heading(l))
        .collect();
    assert!(!lines.is_empty(), "no {title} in {text}");
    lines.join("\n")
}

#[test]
fn every_submit_option_sits_under_the_heading_of_its_task() {
    let text = help(&["submit"]);
    assert_eq!(
        headings(&text),
        [
            "Options:",
            "Reports:",
            "Case-ID mapping:",
            "Target run:",
            "Results:",
            "Checks:",
            "Creating missing cases:",
            "Files for later steps:",
            "Delivery:",
            "Connection:"
        ]
    );
    let expected = [
        ("Case-ID mapping", &["--case-matcher", "--case-map"][..]),
        (
            "Target run",
            &[
                "--project-id",
                "--project ",
                "--suite ",
                "--run-id",
                "--refs-action",
                "--close-run",
                "--close-plan",
                "--attach-to-run",
            ],
        ),
        (
            "Results",
            &["--assign", "--result-version", "--result-field"],
        ),
        (
            "Checks",
            &["--dry-run", "--strict", "--fail-on-test-failure"],
        ),
        ("Creating missing cases", &["--section-id", "--case-field"]),
        ("Files for later steps", &["--dotenv", "--summary-json"]),
        ("Delivery", &["--batch-size", "--resume"]),
    ];
    for (heading, flags) in expected {
        let options = section(&text, heading);
        for flag in flags {
            assert!(
                options.contains(flag),
                "{flag} not under {heading}: {options}"
            );
        }
    }
    assert!(!section(&text, "Case-ID mapping").contains("--project-id"));
    // Under the plain "Options:" only what every command takes.
    let general = section(&text, "Options");
    for flag in ["--config", "--output", "--verbose", "--quiet", "--help"] {
        assert!(general.contains(flag), "{flag} not general: {general}");
    }
    // Option lines are indented 2 (short form) or 6 (long only); their help text 10.
    let flag_lines = general
        .lines()
        .filter(|l| l.starts_with("  -") || l.starts_with("      -"));
    for line in flag_lines {
        let flag = line.trim_start();
        assert!(
            ["-c,", "--output", "-v,", "-q,", "-h,"]
                .iter()
                .any(|f| flag.starts_with(f)),
            "{flag} has no task heading"
        );
    }
}
