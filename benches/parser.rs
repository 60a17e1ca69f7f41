//! Reader benchmark: generated JUnit reports of 10k, 100k and 1M testcases (with failures,
//! skips, long failure bodies and system-out beyond the 64 KiB cap), timed in release, with
//! peak memory per scenario. Run with `cargo bench --bench parser`.
//!
//! Each scenario runs in a child process of its own so its peak RSS (VmHWM) is its own.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use testrail_report::mapping::{Mapper, MappingOptions};
use testrail_report::report::read_report;

mod common;
use common::cpu_seconds;

/// (label, testcases, bytes of the long failure bodies and system-out, every how many tests).
const SCENARIOS: &[(&str, usize, usize, usize)] = &[
    ("10k", 10_000, 256 << 10, 1_000),
    ("100k", 100_000, 256 << 10, 10_000),
    ("1M", 1_000_000, 256 << 10, 100_000),
    // Same test count, bodies 16x longer: peak memory must not follow the body size.
    ("10k-big-bodies", 10_000, 4 << 20, 1_000),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--scenario") {
        return run_one(Path::new(&args[i + 1]));
    }
    let dir = std::env::temp_dir().join("testrail-report-bench");
    std::fs::create_dir_all(&dir).unwrap();
    println!(
        "{:<16} {:>9} {:>9} {:>8} {:>9} {:>8} {:>9} {:>10} {:>10}",
        "scenario", "tests", "MB", "wall s", "MB/s", "cpu s", "MB/cpu-s", "+map s", "peak RSS"
    );
    for &(label, tests, long, every) in SCENARIOS {
        let path = dir.join(format!("{label}.xml"));
        if !path.exists() {
            generate(&path, tests, long, every);
        }
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--scenario", &path.display().to_string()])
            .output()
            .unwrap();
        let line = String::from_utf8_lossy(&out.stdout);
        print!("{label:<16} {line}");
    }
}

/// Parse one file three times (best time), map every test, print one table row.
fn run_one(path: &Path) {
    let bytes = std::fs::metadata(path).unwrap().len() as f64 / 1e6;
    let mapper = Mapper::new(&MappingOptions::default()).unwrap();
    let (mut best_parse, mut best_total, mut best_cpu, mut tests) =
        (f64::MAX, f64::MAX, f64::MAX, 0);
    for _ in 0..3 {
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        let report = read_report(path).unwrap();
        let parsed = start.elapsed().as_secs_f64();
        best_cpu = best_cpu.min(cpu_seconds() - cpu_start);
        let mapped = report
            .tests
            .iter()
            .filter(|t| !mapper.case_ids(t).ids.is_empty())
            .count();
        let total = start.elapsed().as_secs_f64();
        assert!(mapped > 0);
        tests = report.tests.len();
        best_parse = best_parse.min(parsed);
        best_total = best_total.min(total);
        drop(report);
    }
    let mut row = String::new();
    let _ = writeln!(
        row,
        "{tests:>9} {bytes:>9.1} {best_parse:>8.3} {:>9.0} {best_cpu:>8.3} {:>9.0} {best_total:>10.3} {:>7} MB",
        bytes / best_parse,
        bytes / best_cpu,
        peak_rss_mb()
    );
    print!("{row}");
}

fn peak_rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// A Surefire-style report: 90% passed, 5% failed with a 1 KiB trace, 5% skipped, every
/// `every`-th test failing with a `long`-byte body and `long`-byte system-out.
fn generate(path: &PathBuf, tests: usize, long: usize, every: usize) {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    let trace = "\tat com.example.service.OrderService.place(OrderService.java:123)\n".repeat(16);
    let long_text = "x".repeat(long);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#).unwrap();
    writeln!(out, r#"<testsuites name="bench" tests="{tests}">"#).unwrap();
    for i in 0..tests {
        if i % 1000 == 0 {
            if i > 0 {
                writeln!(out, "  </testsuite>").unwrap();
            }
            writeln!(
                out,
                r#"  <testsuite name="com.example.suite{}" tests="1000" time="12.5">"#,
                i / 1000
            )
            .unwrap();
        }
        let attrs = format!(
            r#"classname="com.example.service.OrderServiceTest{}" name="places_order_C{}_variant_{i}" time="0.{:03}""#,
            i % 97,
            i + 1,
            i % 1000
        );
        if i % every == every / 2 {
            writeln!(out, r#"    <testcase {attrs}><failure message="long" type="java.lang.AssertionError"><![CDATA[{long_text}]]></failure><system-out><![CDATA[{long_text}]]></system-out></testcase>"#).unwrap();
        } else if i % 20 == 1 {
            writeln!(out, r#"    <testcase {attrs}><failure message="expected &lt;1&gt; but was &lt;2&gt;" type="java.lang.AssertionError">java.lang.AssertionError: expected &lt;1&gt; but was &lt;2&gt;
{trace}</failure></testcase>"#).unwrap();
        } else if i % 20 == 2 {
            writeln!(
                out,
                r#"    <testcase {attrs}><skipped message="disabled"/></testcase>"#
            )
            .unwrap();
        } else {
            writeln!(out, r#"    <testcase {attrs}/>"#).unwrap();
        }
    }
    writeln!(out, "  </testsuite>\n</testsuites>").unwrap();
    out.flush().unwrap();
}
