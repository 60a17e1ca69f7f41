//! The config file and `TR_CLI_*` variables against the real command definitions.

use std::io::Write;

use clap::CommandFactory;

use super::*;
use crate::cli::Cli;

fn index() -> OptionIndex {
    OptionIndex::new(&Cli::command())
}

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

fn argv(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

fn vars(g: &Gathered) -> HashMap<&str, &str> {
    g.vars
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[test]
fn a_trcli_config_file_reads_as_it_is() {
    let f = file(
        "host: https://x.testrail.io\nproject: Shop\nusername: qa@example.com\nkey: s3cret\n\
         title: Nightly\nsuite_name: Master\nclose_run: true\ncase_matcher: auto\nbatch_size: 20\n\
         result_fields:\n  - custom_env:3\n  - version:1.2\nconfig_ids: [1, 2]\n",
    );
    let path = f.path().to_str().unwrap();
    let g = gather(
        &argv(&["t", "submit", "--config", path]),
        &|_| None,
        &index(),
    )
    .unwrap();
    let v = vars(&g);
    assert_eq!(v["TESTRAIL_URL"], "https://x.testrail.io");
    assert_eq!(v["TESTRAIL_PROJECT"], "Shop");
    assert_eq!(v["TESTRAIL_USER"], "qa@example.com");
    assert_eq!(v["TESTRAIL_API_KEY"], "s3cret");
    assert_eq!(v["TESTRAIL_RUN_NAME"], "Nightly");
    assert_eq!(v["TESTRAIL_SUITE"], "Master");
    assert_eq!(v["TESTRAIL_CLOSE_RUN"], "true");
    assert_eq!(v["TESTRAIL_CASE_MATCHER"], "automation-id");
    assert_eq!(v["TESTRAIL_BATCH_SIZE"], "20");
    assert_eq!(v["TESTRAIL_RESULT_FIELDS"], "custom_env=3\nversion=1.2");
    assert_eq!(v["TESTRAIL_CONFIG_IDS"], "1,2");
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
}

#[test]
fn our_option_names_work_and_unknown_keys_are_named() {
    let f = file("run-name: Ours\nsuite_id: 4\nspecial_parser: saucectl\nbogus: 1\n");
    let path = f.path().to_str().unwrap();
    let env = |k: &str| (k == "TESTRAIL_CONFIG").then(|| path.to_string());
    let g = gather(&argv(&["t", "submit"]), &env, &index()).unwrap();
    let v = vars(&g);
    assert_eq!(v["TESTRAIL_RUN_NAME"], "Ours");
    assert_eq!(v["TESTRAIL_SUITE_ID"], "4");
    assert_eq!(g.warnings.len(), 1);
    assert!(
        g.warnings[0].contains("special_parser, bogus"),
        "{}",
        g.warnings[0]
    );
}

#[test]
fn command_line_beats_environment_beats_tr_cli_beats_file() {
    let f = file("title: From file\nsuite_id: 9\nhost: https://file\n");
    let path = f.path().to_str().unwrap();
    let env = |k: &str| match k {
        "TESTRAIL_RUN_NAME" => Some("From env".to_string()),
        "TR_CLI_SUITE_ID" => Some("7".to_string()),
        "TR_CLI_HOST" => Some("https://trcli".to_string()),
        "TESTRAIL_URL" => Some("https://ours".to_string()),
        "TR_CLI_PARSE_JUNIT_TITLE" => Some("From TR_CLI".to_string()),
        _ => None,
    };
    let g = gather(&argv(&["t", "-c", path, "submit"]), &env, &index()).unwrap();
    let v = vars(&g);
    // Set already: nothing offered, so clap reads the user's own variable.
    assert!(!v.contains_key("TESTRAIL_RUN_NAME"));
    assert!(!v.contains_key("TESTRAIL_URL"));
    assert_eq!(v["TESTRAIL_SUITE_ID"], "7");
    // The command line beats all of these through clap itself (see tests/integration).
}

#[test]
fn config_path_forms_and_errors() {
    let path = |args: &[&str]| config_path(&argv(args), &index());
    assert_eq!(path(&["t", "--config=a.yml"]), Some("a.yml".into()));
    assert_eq!(path(&["t", "-c", "b.yml", "submit"]), Some("b.yml".into()));
    assert_eq!(path(&["t", "submit", "--", "--config"]), None);
    // An option's value is not an option, even when it reads like one.
    assert_eq!(path(&["t", "submit", "--run-name", "-c", "r.xml"]), None);
    assert_eq!(
        path(&["t", "submit", "--run-name", "-c", "-c", "x.yml"]),
        Some("x.yml".into())
    );
    let err = gather(&argv(&["t", "-c", "/no/such.yml"]), &|_| None, &index()).unwrap_err();
    assert_eq!(crate::error::code_for(&err), crate::exit::USAGE);
    assert!(err.to_string().contains("/no/such.yml"), "{err}");
    let bad = file("host: [\n");
    let err = gather(
        &argv(&["t", "-c", bad.path().to_str().unwrap()]),
        &|_| None,
        &index(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains(&format!("{}:", bad.path().display())), "{err}");
}
