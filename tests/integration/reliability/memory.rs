//! (5) Memory is bounded by the tests kept, not by the size of the input.

use super::*;
use std::io::Write as _;

/// `testrail-report inspect PATH` with an empty environment.
fn inspect(path: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_testrail-report"));
    c.env_clear().arg("inspect").arg(path);
    c
}

/// Peak resident memory of the command in MiB, and its exit code. Linux only: polls the
/// child's `VmHWM` (its own high-water mark; `wait4`'s `ru_maxrss` would also count this test
/// process's, inherited through the exec). Polling can only miss a peak, never invent one.
#[cfg(target_os = "linux")]
pub(super) fn peak_mib(mut command: std::process::Command) -> (u64, Option<i32>) {
    command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = command.spawn().unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    loop {
        let hwm = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            })
            .unwrap_or(0);
        peak_kib = peak_kib.max(hwm);
        if let Some(status) = child.try_wait().unwrap() {
            return (peak_kib / 1024, status.code());
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// A file of `mib` MiB: `head`, then `line` repeated, then `tail`.
pub(super) fn big_file(
    dir: &Path,
    name: &str,
    head: &str,
    line: &str,
    tail: &str,
    mib: usize,
) -> PathBuf {
    let path = dir.join(name);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    out.write_all(head.as_bytes()).unwrap();
    let block = line.repeat(64 * 1024 / line.len());
    for _ in 0..(mib * 1024 * 1024 / block.len()) {
        out.write_all(block.as_bytes()).unwrap();
    }
    out.write_all(tail.as_bytes()).unwrap();
    path
}

#[cfg(target_os = "linux")]
#[test]
fn big_bad_files_are_refused_without_holding_them_in_memory() {
    const MIB: usize = 64;
    let dir = tempfile::tempdir().unwrap();
    let small = report(dir.path(), "small.xml", [1]);
    let (baseline, code) = peak_mib(inspect(&small));
    assert_eq!(code, Some(0));
    // What broke: a non-XML file was read whole (2 GB file: 2.1 GB of memory)...
    let text = big_file(
        dir.path(),
        "log.xml",
        "",
        "not xml at all, a log line\n",
        "",
        MIB,
    );
    // ...and a malformed one was read whole a second time to find the line and column.
    let broken = big_file(
        dir.path(),
        "broken.xml",
        "<testsuite>\n",
        "<!-- padding -->\n",
        "</testsuites>\n",
        MIB,
    );
    for path in [text, broken] {
        let (peak, code) = peak_mib(inspect(&path));
        assert_eq!(code, Some(3), "{}", path.display());
        eprintln!(
            "{}: peak {peak} MiB (baseline {baseline} MiB)",
            path.display()
        );
        assert!(
            peak < baseline + 24,
            "{}: {peak} MiB for a {MIB} MiB file (baseline {baseline} MiB)",
            path.display()
        );
    }
}

#[test]
fn an_api_answer_above_the_cap_is_refused_with_a_clear_error() {
    // The cap is 256 MiB; the hidden variable lowers it so the test needs no huge answer.
    let sb = crate::common::sandbox();
    let out = cmd(&sb)
        .env("TESTRAIL_INTERNAL_MAX_ANSWER", "50")
        .args(["run", "list", "--project-id", "1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("is larger than 50 bytes"), "{err}");
    let fine = cmd(&sb)
        .args(["run", "list", "--project-id", "1"])
        .output()
        .unwrap();
    assert!(fine.status.success());
}
