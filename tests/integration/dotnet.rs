//! TRX, NUnit and xUnit.net reports submitted to the sandbox: each test reaches its case
//! with the right status, comment and attachment, the summary says which format each file
//! was read as, and `--format` forces one.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{bare_cmd, json_of, sandbox};
use crate::submit::{entities, run_id, run_tests, submit};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A TRX file: C1 passes (its name), C2 fails (a category), C3 is not run (a property).
const TRX: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<TestRun id="1" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
  <Results>
    <UnitTestResult testId="a" testName="Adds_C1" duration="00:00:02.0000000" outcome="Passed" />
    <UnitTestResult testId="b" testName="Totals" duration="00:00:00.5000000" outcome="Failed">
      <Output><ErrorInfo><Message>expected 30, got 20</Message><StackTrace>at Cart.Totals()</StackTrace></ErrorInfo></Output>
    </UnitTestResult>
    <UnitTestResult testId="c" testName="Coupons" outcome="NotExecuted" />
  </Results>
  <TestDefinitions>
    <UnitTest id="b" name="Totals"><TestCategory><TestCategoryItem TestCategory="testrail_case_id:C2" /></TestCategory><TestMethod className="Shop.Cart" name="Totals" /></UnitTest>
    <UnitTest id="c" name="Coupons"><Properties><Property><Key>test_id</Key><Value>C3</Value></Property></Properties><TestMethod className="Shop.Cart" name="Coupons" /></UnitTest>
  </TestDefinitions>
</TestRun>"#;

/// An NUnit 3 file: C4 passes (a property), C5 errors (its name), C6 is ignored (a category),
/// and C4's test attaches a file.
fn nunit(attachment: &Path) -> String {
    format!(
        r#"<test-run id="2"><test-suite type="Assembly" name="/b/Shop.Tests.dll">
  <test-case name="Pays" classname="Shop.Pay" result="Passed" duration="1.2">
    <properties><property name="testrail_case_id" value="C4" /></properties>
    <attachments><attachment><filePath>{}</filePath></attachment></attachments>
  </test-case>
  <test-case name="Refunds C5" classname="Shop.Pay" result="Failed" label="Error" duration="0.1">
    <failure><message>no database</message><stack-trace>at Db.Open()</stack-trace></failure>
  </test-case>
  <test-case name="Ships" classname="Shop.Pay" result="Skipped" label="Ignored">
    <properties><property name="Category" value="case_id:C6" /></properties>
    <reason><message>carrier down</message></reason>
  </test-case>
</test-suite></test-run>"#,
        attachment.display()
    )
}

/// An xUnit.net v2 file: C7 passes (a trait), C8 fails (its name), C9 is skipped (a trait).
const XUNIT: &str = r#"<assemblies><assembly name="Shop.Tests.dll"><collection name="Cart">
  <test name="Shop.Cart.Lists" type="Shop.Cart" method="Lists" time="0.3" result="Pass">
    <traits><trait name="testrail_case_id" value="C7" /></traits>
  </test>
  <test name="Shop.Cart.Sorts_C8" type="Shop.Cart" method="Sorts_C8" time="0.2" result="Fail">
    <failure exception-type="Xunit.Sdk.EqualException"><message>Assert.Equal() Failure</message><stack-trace>at Shop.Cart.Sorts()</stack-trace></failure>
  </test>
  <test name="Shop.Cart.Filters" type="Shop.Cart" method="Filters" time="0" result="Skip">
    <traits><trait name="Category" value="test_id:C9" /></traits>
    <reason>not on CI</reason>
  </test>
</collection></assembly></assemblies>"#;

#[test]
fn each_dotnet_format_posts_its_results() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let shot = write(dir.path(), "pay.png", "png bytes");
    let files = [
        write(dir.path(), "cart.trx", TRX),
        write(dir.path(), "nunit.xml", &nunit(&shot)),
        write(dir.path(), "xunit.xml", XUNIT),
    ];
    let s = json_of(submit(&sb).args(["--project-id", "1"]).args(&files));
    let formats: Vec<(&str, &str, u64)> = s["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let path = r["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap();
            (
                name,
                r["format"].as_str().unwrap(),
                r["tests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        formats,
        [
            ("cart.trx", "trx", 3),
            ("nunit.xml", "nunit", 3),
            ("xunit.xml", "xunit", 3)
        ]
    );
    let tests = run_tests(&sb, run_id(&s));
    let status = |case: u64| tests[&case].0;
    // passed 1, failed 5, the demo seed's custom skipped 6.
    let want = [
        (1, 1),
        (2, 5),
        (3, 6),
        (4, 1),
        (5, 5),
        (6, 6),
        (7, 1),
        (8, 5),
        (9, 6),
    ];
    for (case, id) in want {
        assert_eq!(status(case), id, "C{case}");
    }
    let comment = |case: u64| -> String {
        let result: &Value = &tests[&case].1[0];
        result["comment"].as_str().unwrap_or_default().to_owned()
    };
    assert!(comment(2).contains("expected 30, got 20"), "{}", comment(2));
    assert!(comment(2).contains("at Cart.Totals()"), "{}", comment(2));
    assert!(comment(5).contains("no database"), "{}", comment(5));
    assert!(
        comment(8).contains("Assert.Equal() Failure"),
        "{}",
        comment(8)
    );
    assert_eq!(tests[&1].1[0]["elapsed"], "2s");
    let state = sb.state();
    let attachments: Vec<&Value> = entities(&state, "attachments").collect();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0]["name"], "pay.png");
    assert_eq!(attachments[0]["result_id"], tests[&4].1[0]["id"]);
}

#[test]
fn the_text_summary_and_inspect_say_which_format_each_file_was_read_as() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let trx = write(dir.path(), "cart.trx", TRX);
    let xunit = write(dir.path(), "xunit.xml", XUNIT);
    let out = submit(&sb)
        .args(["--project-id", "1"])
        .arg(&trx)
        .arg(&xunit)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let want = format!(
        "Reports read as: trx ({}), xunit ({})",
        trx.display(),
        xunit.display()
    );
    assert!(text.contains(&want), "{text}");
    let out = bare_cmd().arg("inspect").arg(&trx).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("cart.trx (trx): 3 tests: 1 passed, 1 failed"),
        "{text}"
    );
}

#[test]
fn format_forces_one_reader_and_a_wrong_one_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // A TRX file with an .xml name: found by its content, or by --format.
    let trx = write(dir.path(), "results.xml", TRX);
    for format in [None, Some("trx")] {
        let mut cmd = bare_cmd();
        cmd.arg("inspect").arg(&trx);
        if let Some(f) = format {
            cmd.args(["--format", f]);
        }
        let doc = json_of(&mut cmd);
        assert_eq!(doc["files"][0]["format"], "trx");
        assert_eq!(doc["totals"]["tests"], 3);
    }
    let out = bare_cmd()
        .args(["inspect", "--format", "nunit"])
        .arg(&trx)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("results.xml: not an NUnit result file"),
        "{err}"
    );
    assert!(err.contains("root element is <TestRun>"), "{err}");
    let out = bare_cmd()
        .args(["inspect", "--format", "testng"])
        .arg(&trx)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("junit, robot, cucumber, trx, nunit, xunit"),
        "{err}"
    );
}
