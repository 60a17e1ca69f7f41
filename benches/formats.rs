//! Reader throughput per format: the same 100,000 tests (90% passed, 5% failed with a short
//! trace, 5% skipped, three steps each where the format has steps) written as JUnit XML,
//! a Robot Framework output.xml and Cucumber JSON, each read three times (best time).
//! Run with `cargo bench --bench formats`.
//!
//! CPU seconds are the fair comparison: a large JUnit file is read on several cores.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use testrail_report::report::read_report;

mod common;
use common::cpu_seconds;

const TESTS: usize = 100_000;

/// Writes a report of that many tests in one format.
type Writer = fn(&mut dyn Write, usize);

fn main() {
    let dir = std::env::temp_dir().join("testrail-report-bench-formats");
    std::fs::create_dir_all(&dir).unwrap();
    println!(
        "{:<10} {:>8} {:>8} {:>8} {:>8} {:>9} {:>10}",
        "format", "tests", "MB", "wall s", "MB/s", "cpu s", "MB/cpu-s"
    );
    let writers: [(&str, &str, Writer); 3] = [
        ("junit", "junit.xml", junit),
        ("robot", "output.xml", robot),
        ("cucumber", "cucumber.json", cucumber),
    ];
    for (label, file, write) in writers {
        let path = dir.join(file);
        let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&path).unwrap());
        write(&mut out, TESTS);
        out.flush().unwrap();
        drop(out);
        run(label, &path);
    }
}

fn run(label: &str, path: &Path) {
    let mb = std::fs::metadata(path).unwrap().len() as f64 / 1e6;
    let (mut wall, mut cpu, mut tests) = (f64::MAX, f64::MAX, 0);
    for _ in 0..3 {
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        let report = read_report(path).unwrap();
        wall = wall.min(start.elapsed().as_secs_f64());
        cpu = cpu.min(cpu_seconds() - cpu_start);
        tests = report.tests.len();
    }
    assert_eq!(tests, TESTS, "{label}");
    println!(
        "{label:<10} {tests:>8} {mb:>8.1} {wall:>8.3} {:>8.0} {cpu:>9.3} {:>10.0}",
        mb / wall,
        mb / cpu
    );
}

/// 0 passed, 1 failed, 2 skipped, by the 90/5/5 split.
fn kind(i: usize) -> u8 {
    match i % 20 {
        1 => 1,
        2 => 2,
        _ => 0,
    }
}

const TRACE: &str =
    "AssertionError: expected 1 but was 2\n\tat com.example.OrderTest.places(OrderTest.java:42)";

fn junit(out: &mut dyn Write, tests: usize) {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?><testsuites>"#).unwrap();
    for i in 0..tests {
        if i % 1000 == 0 {
            if i > 0 {
                writeln!(out, "</testsuite>").unwrap();
            }
            writeln!(out, r#"<testsuite name="Orders{}">"#, i / 1000).unwrap();
        }
        let attrs = format!(
            r#"classname="com.example.OrderTest{}" name="places order C{} variant {i}" time="0.{:03}""#,
            i % 97,
            i + 1,
            i % 1000
        );
        match kind(i) {
            1 => writeln!(out, r#"<testcase {attrs}><failure message="expected 1 but was 2">{TRACE}</failure></testcase>"#),
            2 => writeln!(out, r#"<testcase {attrs}><skipped message="disabled"/></testcase>"#),
            _ => writeln!(out, r#"<testcase {attrs}/>"#),
        }
        .unwrap();
    }
    writeln!(out, "</testsuite></testsuites>").unwrap();
}

fn robot(out: &mut dyn Write, tests: usize) {
    writeln!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<robot generator="Robot 7.0" generated="2024-01-01T00:00:00.000000" schemaversion="5">"#
    )
    .unwrap();
    for i in 0..tests {
        if i % 1000 == 0 {
            if i > 0 {
                writeln!(out, "</suite>").unwrap();
            }
            writeln!(
                out,
                r#"<suite id="s1-s{0}" name="Orders{0}" source="/work/orders{0}.robot">"#,
                i / 1000
            )
            .unwrap();
        }
        let (status, message) = match kind(i) {
            1 => ("FAIL", TRACE),
            2 => ("SKIP", "disabled"),
            _ => ("PASS", ""),
        };
        writeln!(
            out,
            r#"<test id="t{i}" name="Places Order C{} Variant {i}" line="{}">"#,
            i + 1,
            i % 500
        )
        .unwrap();
        for (n, step) in ["Open Orders", "Place Order", "Check Total"]
            .iter()
            .enumerate()
        {
            let s = if n == 2 { status } else { "PASS" };
            writeln!(out, r#"<kw name="{step}" owner="Orders"><arg>item {n}</arg><msg time="2024-01-01T00:00:00.000000" level="INFO">done</msg><status status="{s}" start="2024-01-01T00:00:00.000000" elapsed="0.010"/></kw>"#).unwrap();
        }
        writeln!(out, r#"<tag>orders</tag><status status="{status}" start="2024-01-01T00:00:00.000000" elapsed="0.{:03}">{}</status></test>"#, i % 1000, message).unwrap();
    }
    writeln!(out, "</suite></robot>").unwrap();
}

fn cucumber(out: &mut dyn Write, tests: usize) {
    write!(out, "[").unwrap();
    for f in 0..tests / 1000 {
        if f > 0 {
            write!(out, ",").unwrap();
        }
        write!(out, r#"{{"uri":"features/orders{f}.feature","keyword":"Feature","name":"Orders {f}","elements":["#).unwrap();
        for j in 0..1000 {
            let i = f * 1000 + j;
            if j > 0 {
                write!(out, ",").unwrap();
            }
            let last = match kind(i) {
                1 => format!(
                    r#"{{"status":"failed","duration":10000000,"error_message":{:?}}}"#,
                    TRACE
                ),
                2 => r#"{"status":"skipped"}"#.to_owned(),
                _ => r#"{"status":"passed","duration":10000000}"#.to_owned(),
            };
            write!(out, r#"{{"keyword":"Scenario","type":"scenario","name":"Places order C{} variant {i}","line":{},"tags":[{{"name":"@orders"}}],"steps":[{{"keyword":"Given ","name":"the orders page","line":4,"match":{{"location":"steps.Orders.open()"}},"result":{{"status":"passed","duration":10000000}}}},{{"keyword":"When ","name":"I place an order","line":5,"match":{{"location":"steps.Orders.place()"}},"result":{{"status":"passed","duration":10000000}}}},{{"keyword":"Then ","name":"the total is right","line":6,"match":{{"location":"steps.Orders.check()"}},"result":{last}}}]}}"#, i + 1, j + 3).unwrap();
        }
        write!(out, "]}}").unwrap();
    }
    writeln!(out, "]").unwrap();
}
