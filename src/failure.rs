//! How a failure reaches the user: the message on stderr, the documented exit code, and with
//! `--output json` an error document on stdout, so a script that parses stdout learns what
//! went wrong instead of reading nothing:
//!
//! ```json
//! {"error": {"kind": "rejected", "message": "TestRail rejected …"}, "exit_code": 4}
//! ```
//!
//! `partial` (6) and `test_failures` (1) are the exception: they come after the command has
//! printed its summary document, which already says what happened, and a second document
//! would break `jq`.

use std::ffi::OsString;

use serde_json::{Value, json};

use crate::cli::OutputFormat;
use crate::exit;

/// Report a failed command; answers the exit code.
pub fn report(err: &anyhow::Error, output: OutputFormat) -> i32 {
    if exit::is_broken_pipe(err) {
        return exit::SUCCESS;
    }
    let code = crate::error::code_for(err);
    // Errors quote servers' answers, which may echo our credentials.
    let message = crate::redact::text(&format!("{err:#}"));
    crate::progress::print_line(&format!("error: {message}"));
    let summarised = code == exit::PARTIAL || code == exit::TEST_FAILURES;
    if output == OutputFormat::Json && !summarised {
        print_document(&document(&message, code));
    }
    code
}

/// A command line clap refused: its message (and the JSON document when asked for), then
/// clap's own exit (2 for usage errors, 0 for `--help` and `--version`).
pub fn parse_error(err: &clap::Error, args: &[OsString]) -> ! {
    if err.use_stderr() && json_requested(args) {
        let text = err.to_string();
        let first = text.lines().next().unwrap_or_default();
        let message = first.strip_prefix("error: ").unwrap_or(first);
        print_document(&document(message, exit::USAGE));
    }
    err.exit()
}

/// The error document for a message and its exit code.
pub fn document(message: &str, code: i32) -> Value {
    json!({
        "error": { "kind": kind(code), "message": message },
        "exit_code": code,
    })
}

/// The failure class's name, as the exit-code table calls it.
fn kind(code: i32) -> &'static str {
    match code {
        exit::TEST_FAILURES => "test_failures",
        exit::USAGE => "usage",
        exit::INPUT => "input",
        exit::REJECTED => "rejected",
        exit::UNREACHABLE => "unreachable",
        exit::PARTIAL => "partial",
        _ => "bug",
    }
}

fn print_document(doc: &Value) {
    use std::io::Write as _;
    let text = serde_json::to_string_pretty(doc).unwrap_or_default();
    // A closed stdout leaves nobody to read it; the exit code still tells.
    let _ = writeln!(std::io::stdout(), "{text}");
}

/// Whether `--output json` (or `TESTRAIL_OUTPUT=json`) was asked for, read from the raw
/// arguments because clap could not parse them.
fn json_requested(args: &[OsString]) -> bool {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let flag = args.iter().enumerate().rev().find_map(|(i, a)| {
        if a == "--output" {
            args.get(i + 1).cloned()
        } else {
            a.strip_prefix("--output=").map(str::to_string)
        }
    });
    let wanted = flag.or_else(|| crate::env::non_empty("TESTRAIL_OUTPUT"));
    wanted.is_some_and(|v| v.eq_ignore_ascii_case("json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_name_the_class_and_code() {
        let doc = document("no TestRail address", exit::USAGE);
        assert_eq!(doc["error"]["kind"], "usage");
        assert_eq!(doc["error"]["message"], "no TestRail address");
        assert_eq!(doc["exit_code"], 2);
        assert_eq!(
            document("x", exit::UNREACHABLE)["error"]["kind"],
            "unreachable"
        );
    }

    #[test]
    fn json_is_found_in_either_spelling_of_the_flag() {
        let args = |line: &str| -> Vec<OsString> { line.split(' ').map(OsString::from).collect() };
        assert!(json_requested(&args("tr run get --output json")));
        assert!(json_requested(&args("tr --output=json run")));
        assert!(!json_requested(&args("tr --output json --output text run")));
    }
}
