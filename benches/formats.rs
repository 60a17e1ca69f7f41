//! Reader throughput per format: the same 100k tests (a failure with a message and a stack
//! trace every 50, a skip every 100, output every 20) written as JUnit XML, TRX, NUnit 3 and
//! xUnit.net v2, each read three times (best time) with the format sniffed as in a submit.
//! Run with `cargo bench --bench formats`; every file stays under the size where the JUnit
//! reader splits across cores, so all four are single passes.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use testrail_report::report::read_report;

const TESTS: usize = 100_000;

fn main() {
    let dir = std::env::temp_dir().join("testrail-report-bench-formats");
    std::fs::create_dir_all(&dir).unwrap();
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
