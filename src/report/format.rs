//! The report formats, by the name `--format` takes and the name output shows.

use std::fmt;

use serde::Serialize;

/// A report format: sniffed from a file's first bytes, or forced with `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JUnit XML in any of its dialects.
    #[default]
    Junit,
    /// Robot Framework `output.xml` (RF 3.2–7).
    Robot,
    /// Cucumber JSON (cucumber-jvm, cucumber-js, cucumber-ruby, Behave).
    Cucumber,
    /// Visual Studio TRX.
    Trx,
    /// NUnit 3 result XML (and NUnit 2's `<test-results>`).
    Nunit,
    /// xUnit.net v2 XML (and v1's `<assembly>` root).
    Xunit,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 6] = [
        Format::Junit,
        Format::Robot,
        Format::Cucumber,
        Format::Trx,
        Format::Nunit,
        Format::Xunit,
    ];

    /// The name `--format` takes and output shows.
    pub fn name(self) -> &'static str {
        match self {
            Format::Junit => "junit",
            Format::Robot => "robot",
            Format::Cucumber => "cucumber",
            Format::Trx => "trx",
            Format::Nunit => "nunit",
            Format::Xunit => "xunit",
        }
    }

    /// The format with this name (`--format` value), case-insensitively.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name.trim()))
    }

    /// What a person calls files of this format, for messages.
    pub fn description(self) -> &'static str {
        match self {
            Format::Junit => "a JUnit XML report",
            Format::Robot => "a Robot Framework output.xml",
            Format::Cucumber => "a Cucumber JSON report",
            Format::Trx => "a Visual Studio TRX file",
            Format::Nunit => "an NUnit result file",
            Format::Xunit => "an xUnit.net result file",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()), Some(format));
        }
        assert_eq!(Format::from_name(" TRX "), Some(Format::Trx));
        assert_eq!(Format::from_name("testng"), None);
    }
}
