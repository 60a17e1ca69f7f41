//! The `testrail-report` binary: parse, run, map the outcome to an exit code.

fn main() {
    testrail_report::env::started();
    testrail_report::env::drop_empty_vars();
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
