//! The `testrail-report` binary: parse, run, map the outcome to an exit code.

use clap::CommandFactory as _;

fn main() {
    testrail_report::env::started();
    testrail_report::env::drop_empty_vars();
    // The config file and trcli's variables become environment defaults before parsing.
    if let Err(err) = testrail_report::settings::apply(&testrail_report::cli::Cli::command()) {
        eprintln!("error: {err:#}");
        std::process::exit(testrail_report::error::code_for(&err));
    }
    testrail_report::panic::install_hook();
    testrail_report::panic::force_for_tests();
    let cli = testrail_report::cli::Cli::parse_args();
    let output = cli.global.output;
    let code = match testrail_report::run(cli) {
        Ok(code) => code,
        Err(err) => testrail_report::failure::report(&err, output),
    };
    std::process::exit(code);
}
