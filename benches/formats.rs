//! Reader throughput per format, in two tables of 100,000 tests each, every file read three
//! times (best time) with the format sniffed as in a submit. Run with
//! `cargo bench --bench formats`.
//!
//! - JUnit XML, TRX, NUnit 3 and xUnit.net v2: a failure with a message and a stack trace
//!   every 50, a skip every 100, output every 20; every file stays under the size where the
//!   JUnit reader splits across cores, so all four are single passes.
//! - JUnit XML, a Robot Framework output.xml and Cucumber JSON: 90% passed, 5% failed with a
//!   short trace, 5% skipped, three steps each where the format has steps. CPU seconds are the
//!   fair comparison there: a large JUnit file is read on several cores.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use testrail_report::report::read_report;

mod common;

const TESTS: usize = 100_000;

fn main() {
    let dir = std::env::temp_dir().join("testrail-report-bench-formats");
    std::fs::create_dir_all(&dir).unwrap();
    dotnet(&dir);
    println!();
    steps::table(&dir);
}

/// JUnit and the .NET formats on the same tests.
fn dotnet(dir: &Path) {
    println!(
        "{:<8} {:>8} {:>8} {:>8} {:>8} {:>12}",
        "format", "tests", "MB", "best s", "MB/s", "vs JUnit"
    );
    let mut junit_rate = None;
    for (name, ext, write) in [
        ("junit", "xml", junit as fn(usize) -> String),
        ("trx", "trx", trx),
        ("nunit", "xml", nunit),
        ("xunit", "xml", xunit),
    ] {
        let path = dir.join(format!("{name}.{ext}"));
        if !path.exists() {
            std::fs::write(&path, write(TESTS)).unwrap();
        }
        let (mb, best) = time(&path);
        let rate = mb / best;
        let junit = *junit_rate.get_or_insert(rate);
        println!(
            "{name:<8} {TESTS:>8} {mb:>8.1} {best:>8.3} {rate:>8.0} {:>11.2}x",
            rate / junit
        );
    }
}

fn time(path: &Path) -> (f64, f64) {
    let mb = std::fs::metadata(path).unwrap().len() as f64 / 1e6;
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let report = read_report(path).unwrap();
        best = best.min(start.elapsed().as_secs_f64());
        assert_eq!(report.tests.len(), TESTS);
    }
    (mb, best)
}

/// What happened to test `i`: passed, failed or skipped, and whether it wrote output.
fn kind(i: usize) -> (&'static str, bool) {
    let outcome = match i {
        _ if i % 50 == 7 => "fail",
        _ if i % 100 == 3 => "skip",
        _ => "pass",
    };
    (outcome, i % 20 == 0)
}

const MESSAGE: &str = "Expected: 30\n  But was:  20";
const TRACE: &str = "at Shop.Tests.CartTests.Computes() in /src/CartTests.cs:line 42\n   at System.RuntimeMethodHandle.InvokeMethod(Object target, Span`1 arguments)";

fn junit(n: usize) -> String {
    let mut s =
        String::from("<?xml version=\"1.0\"?>\n<testsuites><testsuite name=\"Shop.Tests\">\n");
    for i in 0..n {
        let class = format!("Shop.Tests.Class{}", i / 100);
        let _ = write!(
            s,
            "<testcase classname=\"{class}\" name=\"Test{i}_C{}\" time=\"0.012\">",
            i + 1
        );
        let (outcome, output) = kind(i);
        match outcome {
            "fail" => {
                let _ = write!(
                    s,
                    "<failure message=\"{MESSAGE}\" type=\"AssertionException\">{TRACE}</failure>"
                );
            }
            "skip" => s.push_str("<skipped message=\"switched off\"/>"),
            _ => {}
        }
        if output {
            s.push_str("<system-out>cart has 2 items</system-out>");
        }
        s.push_str("</testcase>\n");
    }
    s.push_str("</testsuite></testsuites>\n");
    s
}

fn trx(n: usize) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<TestRun id=\"1\" xmlns=\"http://microsoft.com/schemas/VisualStudio/TeamTest/2010\"><Results>\n",
    );
    for i in 0..n {
        let (outcome, output) = kind(i);
        let outcome = match outcome {
            "fail" => "Failed",
            "skip" => "NotExecuted",
            _ => "Passed",
        };
        let _ = write!(
            s,
            "<UnitTestResult executionId=\"e{i}\" testId=\"t{i}\" testName=\"Test{i}_C{}\" computerName=\"build\" duration=\"00:00:00.0120000\" outcome=\"{outcome}\" testListId=\"l\">",
            i + 1
        );
        if output || outcome != "Passed" {
            s.push_str("<Output>");
            if output {
                s.push_str("<StdOut>cart has 2 items</StdOut>");
            }
            if outcome == "Failed" {
                let _ = write!(
                    s,
                    "<ErrorInfo><Message>{MESSAGE}</Message><StackTrace>{TRACE}</StackTrace></ErrorInfo>"
                );
            } else if outcome == "NotExecuted" {
                s.push_str("<ErrorInfo><Message>switched off</Message></ErrorInfo>");
            }
            s.push_str("</Output>");
        }
        s.push_str("</UnitTestResult>\n");
    }
    s.push_str("</Results><TestDefinitions>\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "<UnitTest name=\"Test{i}_C{}\" storage=\"/b/shop.tests.dll\" id=\"t{i}\"><TestMethod codeBase=\"/b/Shop.Tests.dll\" className=\"Shop.Tests.Class{}\" name=\"Test{i}\" /></UnitTest>",
            i + 1,
            i / 100
        );
    }
    s.push_str("</TestDefinitions></TestRun>\n");
    s
}

fn nunit(n: usize) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<test-run id=\"2\"><test-suite type=\"Assembly\" name=\"Shop.Tests.dll\">\n",
    );
    for i in 0..n {
        if i % 100 == 0 {
            if i > 0 {
                s.push_str("</test-suite>\n");
            }
            let _ = writeln!(
                s,
                "<test-suite type=\"TestFixture\" name=\"Class{}\" fullname=\"Shop.Tests.Class{}\">",
                i / 100,
                i / 100
            );
        }
        let (outcome, output) = kind(i);
        let (result, label) = match outcome {
            "fail" => ("Failed", ""),
            "skip" => ("Skipped", " label=\"Ignored\""),
            _ => ("Passed", ""),
        };
        let _ = write!(
            s,
            "<test-case id=\"0-{i}\" name=\"Test{i}_C{}\" fullname=\"Shop.Tests.Class{}.Test{i}\" methodname=\"Test{i}\" classname=\"Shop.Tests.Class{}\" result=\"{result}\"{label} duration=\"0.012\">",
            i + 1,
            i / 100,
            i / 100
        );
        match outcome {
            "fail" => {
                let _ = write!(
                    s,
                    "<failure><message><![CDATA[{MESSAGE}]]></message><stack-trace><![CDATA[{TRACE}]]></stack-trace></failure>"
                );
            }
            "skip" => s.push_str("<reason><message><![CDATA[switched off]]></message></reason>"),
            _ => {}
        }
        if output {
            s.push_str("<output><![CDATA[cart has 2 items]]></output>");
        }
        s.push_str("</test-case>\n");
    }
    s.push_str("</test-suite></test-suite></test-run>\n");
    s
}

fn xunit(n: usize) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<assemblies><assembly name=\"/b/Shop.Tests.dll\"><collection name=\"Shop.Tests\">\n",
    );
    for i in 0..n {
        let (outcome, output) = kind(i);
        let result = match outcome {
            "fail" => "Fail",
            "skip" => "Skip",
            _ => "Pass",
        };
        let class = format!("Shop.Tests.Class{}", i / 100);
        let _ = write!(
            s,
            "<test name=\"{class}.Test{i}_C{}\" type=\"{class}\" method=\"Test{i}\" time=\"0.012\" result=\"{result}\">",
            i + 1
        );
        match outcome {
            "fail" => {
                let _ = write!(
                    s,
                    "<failure exception-type=\"Xunit.Sdk.EqualException\"><message><![CDATA[{MESSAGE}]]></message><stack-trace><![CDATA[{TRACE}]]></stack-trace></failure>"
                );
            }
            "skip" => s.push_str("<reason><![CDATA[switched off]]></reason>"),
            _ => {}
        }
        if output {
            s.push_str("<output><![CDATA[cart has 2 items]]></output>");
        }
        s.push_str("</test>\n");
    }
    s.push_str("</collection></assembly></assemblies>\n");
    s
}

/// The formats with steps: JUnit (none), Robot Framework and Cucumber.
mod steps {
    use std::io::{BufWriter, Write};
    use std::path::Path;
    use std::time::Instant;

    use testrail_report::report::read_report;

    use super::TESTS;
    use crate::common::cpu_seconds;

    /// Writes a report of that many tests in one format.
    type Writer = fn(&mut dyn Write, usize);

    /// JUnit, Robot Framework and Cucumber on the same tests, with steps.
    pub fn table(dir: &Path) {
        println!(
            "{:<10} {:>8} {:>8} {:>8} {:>8} {:>9} {:>10}",
            "format", "tests", "MB", "wall s", "MB/s", "cpu s", "MB/cpu-s"
        );
        let writers: [(&str, &str, Writer); 3] = [
            ("junit", "junit-steps.xml", junit),
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

    const TRACE: &str = "AssertionError: expected 1 but was 2\n\tat com.example.OrderTest.places(OrderTest.java:42)";

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
}
