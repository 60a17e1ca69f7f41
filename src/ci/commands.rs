//! GitHub Actions workflow commands (`::warning …::`, `::add-mask::`), escaped the way the
//! runner unescapes them.
//!
//! Commands are written to **stderr**. The runner scans both streams of a step for commands
//! (actions/runner `ScriptHandler` attaches an `OutputManager` with the command manager to
//! stdout and to stderr), so stderr works, and it keeps stdout for `--output json`, which must
//! stay one valid JSON document for a later `jq` or `fromJSON`.

use std::io::{self, Write};

use crate::secret::Secret;

/// Escape a command's message: `%`, CR and LF, as `@actions/core` `escapeData` does.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value: like [`escape_data`], plus `:` and `,` which delimit properties
/// (`@actions/core` `escapeProperty`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Where a warning points in the source tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location<'a> {
    /// Path of the file, relative to the workspace for GitHub to link it.
    pub file: Option<&'a str>,
    /// 1-based line.
    pub line: Option<u32>,
}

/// Format a `::warning` command with an optional title and location.
pub fn warning(title: &str, at: &Location<'_>, message: &str) -> String {
    let mut props = Vec::new();
    if let Some(file) = at.file {
        props.push(format!("file={}", escape_property(file)));
        if let Some(line) = at.line {
            props.push(format!("line={line}"));
        }
    }
    if !title.is_empty() {
        props.push(format!("title={}", escape_property(title)));
    }
    let props = if props.is_empty() {
        String::new()
    } else {
        format!(" {}", props.join(","))
    };
    format!("::warning{props}::{}", escape_data(message))
}

/// Format an `::add-mask::` command, so the runner replaces the value with `***` in the log.
pub fn add_mask(secret: &Secret) -> String {
    format!("::add-mask::{}", escape_data(secret.expose()))
}

/// Ask the runner to mask `secret` in everything the job prints from now on.
///
/// Call it before echoing any configuration that could contain the secret.
pub fn mask(secret: &Secret) -> io::Result<()> {
    if secret.is_empty() {
        return Ok(());
    }
    writeln!(io::stderr().lock(), "{}", add_mask(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_first_then_newlines() {
        assert_eq!(escape_data("100%\r\nok"), "100%25%0D%0Aok");
        // An already-escaped-looking sequence must survive a round trip.
        assert_eq!(escape_data("%0A"), "%250A");
        // Colons and commas are fine in a message.
        assert_eq!(escape_data("a: b, c"), "a: b, c");
    }

    #[test]
    fn property_also_escapes_colon_and_comma() {
        assert_eq!(
            escape_property("C:\\src\\a,b.rs%\n"),
            "C%3A\\src\\a%2Cb.rs%25%0A"
        );
    }

    #[test]
    fn warning_with_file_line_and_title() {
        let at = Location {
            file: Some("tests/login,old.py"),
            line: Some(12),
        };
        assert_eq!(
            warning("Unmapped test", &at, "login::works\nhas no case ID"),
            "::warning file=tests/login%2Cold.py,line=12,title=Unmapped test::login::works%0Ahas no case ID"
        );
    }

    #[test]
    fn warning_without_location() {
        assert_eq!(
            warning("", &Location::default(), "plain"),
            "::warning::plain"
        );
        // A line without a file means nothing to GitHub, so it is left out.
        let at = Location {
            file: None,
            line: Some(3),
        };
        assert_eq!(warning("T", &at, "m"), "::warning title=T::m");
    }

    #[test]
    fn mask_escapes_the_value() {
        assert_eq!(add_mask(&Secret::new("k%e\ny")), "::add-mask::k%25e%0Ay");
    }
}
