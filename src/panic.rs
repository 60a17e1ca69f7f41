//! What a user sees if the program has a bug: a short report instead of Rust's default panic
//! text, with any credential we can know of blanked out, and exit code 101 (`exit::BUG`).

use std::panic::PanicHookInfo;

/// Variables whose values must never appear in output, even in a bug report.
const SECRET_VARS: [&str; 4] = [
    "TESTRAIL_API_KEY",
    "TESTRAIL_PASSWORD",
    "TESTRAIL_PROXY",
    "HTTPS_PROXY",
];

/// Replace the default panic hook with one that prints a redacted bug report.
pub fn install_hook() {
    let secrets: Vec<String> = SECRET_VARS
        .iter()
        .filter_map(|name| crate::env::non_empty(name))
        .collect();
    std::panic::set_hook(Box::new(move |info| {
        if is_broken_pipe(info) {
            // The reader went away (`... | head`): like ripgrep, stop quietly and successfully.
            // `println!` panics on a closed stdout; catching it here covers every print site.
            std::process::exit(0);
        }
        eprintln!("{}", report(info, &secrets));
    }));
}

/// Panic on purpose when `TESTRAIL_INTERNAL_FORCE_PANIC` is set, with the API key in the
/// message, so the leak tests can prove the hook blanks it out. Hidden: not a user feature.
pub fn force_for_tests() {
    if crate::env::non_empty("TESTRAIL_INTERNAL_FORCE_PANIC").is_some() {
        let key = crate::env::non_empty("TESTRAIL_API_KEY").unwrap_or_default();
        panic!("forced panic for the leak tests; the key was {key}");
    }
}

/// Whether the panic is `println!` failing because stdout was closed.
fn is_broken_pipe(info: &PanicHookInfo<'_>) -> bool {
    let message = payload(info);
    message.starts_with("failed printing to stdout") && message.contains("Broken pipe")
}

fn payload(info: &PanicHookInfo<'_>) -> String {
    info.payload()
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

fn report(info: &PanicHookInfo<'_>, secrets: &[String]) -> String {
    let payload = payload(info);
    let location = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    let text = format!(
        "error: internal bug in testrail-report {}: {payload}{location}\n\
         Please report it with the command you ran (leave out your API key).",
        env!("CARGO_PKG_VERSION")
    );
    // The Basic token and `user:key` too, once the transport has registered them.
    crate::redact::text(&redact(text, secrets))
}

/// Blank out every secret value that occurs in `text`.
fn redact(mut text: String, secrets: &[String]) -> String {
    for secret in secrets {
        text = text.replace(secret.as_str(), "[redacted]");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_blanks_every_occurrence() {
        let out = redact("key=abc123 again abc123".into(), &["abc123".into()]);
        assert_eq!(out, "key=[redacted] again [redacted]");
    }
}
