//! A newcomer's first ten minutes (issue #20): errors that come at once and name the fix,
//! no silent waits, progress for long work, `--help` that tells the truth, IDs written the way
//! the tool prints them, and failures a script can read.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{bare_cmd, cmd, sandbox, sandbox_with};

mod consistency;
mod feedback;
mod help;

/// A JUnit report of `<testcase>` elements named `names` (a `skip:` prefix makes one skipped).
fn junit(dir: &Path, names: &[&str]) -> PathBuf {
    let cases: String = names
        .iter()
        .map(|n| match n.strip_prefix("skip:") {
            Some(n) => format!("<testcase classname=\"k\" name=\"{n}\"><skipped/></testcase>"),
            None => format!("<testcase classname=\"k\" name=\"{n}\"/>"),
        })
        .collect();
    let path = dir.join("report.xml");
    std::fs::write(&path, format!("<testsuite name=\"s\">{cases}</testsuite>")).unwrap();
    path
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
