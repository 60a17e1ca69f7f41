//! Environment handling that has to happen before argument parsing.

/// Prefix of every variable this tool reads.
const PREFIX: &str = "TESTRAIL_";

/// Remove `TESTRAIL_*` variables whose value is empty, so clap sees them as unset.
///
/// GitHub composite actions pass every declared input, and an input the user did not set
/// arrives as an empty string. clap would reject `TESTRAIL_TIMEOUT=""` as "cannot parse
/// integer"; users expect it to mean "not set".
///
/// Must run first thing in `main`, while the process has one thread: changing the
/// environment is only sound when no other thread can read it at the same time.
#[allow(unsafe_code)]
pub fn drop_empty_vars() {
    let empty: Vec<_> = std::env::vars_os()
        .filter(|(k, v)| v.is_empty() && k.to_string_lossy().starts_with(PREFIX))
        .map(|(k, _)| k)
        .collect();
    for key in empty {
        // SAFETY: called at the top of `main`, before the async runtime or any other thread
        // exists, so nothing can read the environment concurrently.
        unsafe { std::env::remove_var(key) };
    }
}

/// When the command started (the first call, made first thing in `main`): `--deadline`
/// counts from here.
pub fn started() -> std::time::Instant {
    static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *STARTED.get_or_init(std::time::Instant::now)
}

/// A variable's value, treating empty as unset (for fallbacks clap cannot express).
pub fn non_empty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Set each variable that is not set yet (the config file's and trcli's settings, which the
/// user's own variables override).
///
/// Must run first thing in `main`, while the process has one thread (see
/// [`drop_empty_vars`]).
#[allow(unsafe_code)]
pub fn set_if_unset(vars: &[(String, String)]) {
    for (key, value) in vars {
        if non_empty(key).is_none() {
            // SAFETY: called at the top of `main`, before any other thread exists.
            unsafe { std::env::set_var(key, value) };
        }
    }
}
