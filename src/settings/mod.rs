//! Settings that arrive before the command line: a YAML config file (`--config FILE` /
//! `TESTRAIL_CONFIG`) and trcli's `TR_CLI_*` variables.
//!
//! Both become `TESTRAIL_*` environment variables, set before clap parses and only where the
//! user set none, so clap's own flag > environment > default order gives command line >
//! environment (`TESTRAIL_*`, then `TR_CLI_*`) > file > default, and every option that reads
//! a variable can come from the file without a line of code per option. Which variable an
//! option reads is taken from the clap definitions themselves.

mod trcli;
mod yaml;

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::PathBuf;

/// The variable each long option reads, and how it separates several values.
#[derive(Debug, Default)]
pub struct OptionIndex {
    vars: HashMap<String, Vec<(String, Option<char>)>>,
    /// `--long` and `-s` spellings of options that take a value, so the pre-scan for
    /// `--config` skips values: `--run-name -c` names a run, not a config file.
    valued: HashSet<String>,
}

impl OptionIndex {
    /// Index every long option with an `env` of a command and its subcommands.
    pub fn new(command: &clap::Command) -> OptionIndex {
        let mut index = OptionIndex::default();
        index.add(command);
        index
    }

    fn add(&mut self, command: &clap::Command) {
        for arg in command.get_arguments() {
            if arg.get_action().takes_values() {
                self.valued.extend(arg.get_long().map(|l| format!("--{l}")));
                self.valued.extend(arg.get_short().map(|s| format!("-{s}")));
            }
            let (Some(long), Some(env)) = (arg.get_long(), arg.get_env()) else {
                continue;
            };
            let entry = (
                env.to_string_lossy().into_owned(),
                arg.get_value_delimiter(),
            );
            let vars = self.vars.entry(long.to_string()).or_default();
            if !vars.contains(&entry) {
                vars.push(entry);
            }
        }
        for sub in command.get_subcommands() {
            self.add(sub);
        }
    }

    fn get(&self, long: &str) -> Option<&[(String, Option<char>)]> {
        self.vars.get(long).map(Vec::as_slice)
    }
}

/// Variables to set (name, value) and warnings for the user.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Gathered {
    /// Variables the user did not set, in the order they were found.
    pub vars: Vec<(String, String)>,
    /// Unknown keys and the like.
    pub warnings: Vec<String>,
}

impl Gathered {
    /// Set `value` for every variable `long` reads, unless it is set already.
    fn offer(
        &mut self,
        index: &OptionIndex,
        env: &dyn Fn(&str) -> Option<String>,
        long: &str,
        value: &str,
    ) -> bool {
        let Some(vars) = index.get(long) else {
            return false;
        };
        for (var, delimiter) in vars {
            // List values travel one per line; an option split on commas takes commas.
            let value = match delimiter {
                Some(',') => value.replace('\n', ","),
                _ => value.to_string(),
            };
            let taken = env(var).is_some() || self.vars.iter().any(|(v, _)| v == var);
            if !taken {
                self.vars.push((var.clone(), value));
            }
        }
        true
    }
}

/// What the config file and `TR_CLI_*` variables add. `argv` is the command line (for
/// `--config`), `env` reads a variable (empty counts as unset).
pub fn gather(
    argv: &[OsString],
    env: &dyn Fn(&str) -> Option<String>,
    index: &OptionIndex,
) -> anyhow::Result<Gathered> {
    let mut out = Gathered::default();
    for (key, ours) in trcli::ALIASES {
        for var in trcli::variables(key) {
            if let Some(value) = env(&var) {
                out.offer(index, env, ours, &trcli::value(key, &value));
            }
        }
    }
    let Some(path) = config_path(argv, index).or_else(|| {
        env("TESTRAIL_CONFIG")
            .or_else(|| env("TR_CLI_CONFIG"))
            .map(PathBuf::from)
    }) else {
        return Ok(out);
    };
    let mut unknown = Vec::new();
    for entry in yaml::read(&path)? {
        // trcli's spelling (`suite_id`, `title`) first: its values may need translating
        // (`case_matcher: auto`); otherwise our option name, with `_` or `-`.
        let known = match trcli::ours(&entry.key) {
            Some(ours) => out.offer(index, env, ours, &trcli::value(&entry.key, &entry.value)),
            None => out.offer(index, env, &entry.key.replace('_', "-"), &entry.value),
        };
        if !known {
            unknown.push(entry.key);
        }
    }
    if !unknown.is_empty() {
        out.warnings.push(format!(
            "{}: ignoring unknown key(s): {} (keys are our option names without `--`, e.g. \
             run-name, or trcli's, e.g. title)",
            path.display(),
            unknown.join(", ")
        ));
    }
    Ok(out)
}

/// `--config FILE`, `--config=FILE` or `-c FILE` on the command line (the last one wins).
fn config_path(argv: &[OsString], index: &OptionIndex) -> Option<PathBuf> {
    let mut found = None;
    let mut args = argv.iter().skip(1);
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if text == "--" {
            break;
        }
        if text == "--config" || text == "-c" {
            found = args.next().map(PathBuf::from);
        } else if let Some(path) = text.strip_prefix("--config=") {
            found = Some(PathBuf::from(path));
        } else if index.valued.contains(text.as_ref()) {
            args.next();
        }
    }
    found
}

/// Read the config file and `TR_CLI_*` variables into the environment, printing warnings.
/// Must run first thing in `main` (see [`crate::env::set_if_unset`]).
pub fn apply(command: &clap::Command) -> anyhow::Result<()> {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let gathered = gather(&argv, &crate::env::non_empty, &OptionIndex::new(command))?;
    for w in &gathered.warnings {
        eprintln!("warning: {w}");
    }
    crate::env::set_if_unset(&gathered.vars);
    Ok(())
}

#[cfg(test)]
mod tests;
