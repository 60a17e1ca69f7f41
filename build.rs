//! Puts the git commit into `--version` (see `src/version.rs`). Git is optional: without it,
//! or outside a checkout of this package (a source archive), the version is the package's.

use std::path::Path;
use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let long = match commit() {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo:rustc-env=TESTRAIL_REPORT_VERSION={long}");
    println!("cargo:rerun-if-changed=build.rs");
    // A new commit or checkout moves HEAD (or its reflog); only then is the commit re-read.
    // Only existing files are named: a missing one would make cargo rerun this every build.
    for file in ["HEAD", "logs/HEAD"] {
        if let Some(path) = git(&["rev-parse", "--git-path", file]) {
            if Path::new(&path).exists() {
                println!("cargo:rerun-if-changed={path}");
            }
        }
    }
}

/// `a1b2c3d4e5f6 2026-12-06` for HEAD, when this package is the top of a git checkout.
fn commit() -> Option<String> {
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let here = std::env::var("CARGO_MANIFEST_DIR").ok()?;
    // A source archive unpacked inside some other repository must not take its commit.
    let same =
        |a: &str, b: &str| Path::new(a).canonicalize().ok() == Path::new(b).canonicalize().ok();
    if !same(&top, &here) {
        return None;
    }
    git(&["log", "-1", "--format=%h %cs", "--abbrev=12"])
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}
