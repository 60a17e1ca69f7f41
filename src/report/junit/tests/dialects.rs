//! One fixture per producer: counts, and the fields each dialect is known for.

use super::*;
use crate::report::RecordKind;

#[test]
fn surefire_rerun_and_flaky_records() {
    let r = read("surefire-rerun.xml");
    assert_eq!(counts(&r), [4, 2, 1, 0, 1, 1]);
    let flaky = test(&r, "removesItem");
    assert_eq!((flaky.outcome, flaky.retries), (Outcome::Passed, 2));
    assert!(
        flaky.records[0].body.text.contains("CartTest.java:31"),
        "stackTrace child is the body"
    );
    assert_eq!(
        flaky.records[0].message.as_deref(),
        Some("expected: <1> but was: <0>")
    );
    let failed = test(&r, "totalsC42");
    assert_eq!((failed.outcome, failed.retries), (Outcome::Failed, 2));
    assert_eq!(failed.first_problem().unwrap().kind, RecordKind::Failure);
    assert_eq!(failed.system_out().unwrap().text, "computing totals\n");
    assert_eq!(*r.tests[0].suite, ["com.example.CartTest".to_owned()]);
}

#[test]
fn gradle() {
    let r = read("gradle.xml");
    assert_eq!(counts(&r), [3, 2, 1, 0, 0, 0]);
    let t = test(&r, "rejects bad password()");
    assert!(
        t.records[0]
            .body
            .text
            .starts_with("org.opentest4j.AssertionFailedError: expected: <401>")
    );
    assert_eq!(
        t.records[0].kind_name.as_deref(),
        Some("org.opentest4j.AssertionFailedError")
    );
}

#[test]
fn pytest() {
    let r = read("pytest.xml");
    assert_eq!(counts(&r), [5, 2, 1, 1, 1, 0]);
    let t = test(&r, "test_create_user[admin]");
    assert_eq!(t.source_file(), Some("tests/test_api.py"));
    assert_eq!(t.line(), Some(20));
    assert_eq!(
        t.property_values("test_id").collect::<Vec<_>>(),
        ["C102, C103"]
    );
    assert!(
        t.records[0]
            .body
            .text
            .contains(">       assert resp.status == 201")
    );
    assert_eq!(
        test(&r, "test_migrate").records[0].message.as_deref(),
        Some("failed on setup with \"ConnectionError\"")
    );
    assert_eq!(
        test(&r, "test_rollback").system_out().unwrap().text,
        "rolled back"
    );
}

#[test]
fn jest() {
    let r = read("jest.xml");
    assert_eq!(counts(&r), [3, 1, 1, 0, 1, 0]);
    assert_eq!(&*r.tests[0].classname, "Checkout › applies coupon C55");
    assert!(
        test(&r, "Checkout › rejects expired card").records[0]
            .body
            .text
            .contains("Object.<anonymous>")
    );
}

#[test]
fn mocha_and_cypress_root_suites_hold_no_tests() {
    let r = read("mocha.xml");
    assert_eq!(counts(&r), [3, 2, 1, 0, 0, 0]);
    assert_eq!(*r.tests[0].suite, ["Array".to_owned()]);
    let c = read("cypress.xml");
    assert_eq!(counts(&c), [2, 1, 1, 0, 0, 0]);
    assert!(
        c.tests[1].records[0]
            .body
            .text
            .contains("login.cy.ts:12:30")
    );
}

#[test]
fn go_junit_report_and_gotestsum() {
    let r = read("go-junit-report.xml");
    assert_eq!(counts(&r), [4, 2, 1, 0, 1, 0]);
    assert_eq!(
        test(&r, "TestTotal/C12_with_tax").records[0].body.text,
        "cart_test.go:40: got 9, want 10"
    );
    let g = read("gotestsum.xml");
    assert_eq!(counts(&g), [2, 1, 1, 0, 0, 0]);
    let main = test(&g, "TestMain");
    assert_eq!(&*main.classname, "");
    assert_eq!(main.records[0].body.text, "=== RUN   TestMain\npanic: boom");
}

#[test]
fn phpunit_nested_suites() {
    let r = read("phpunit-nested.xml");
    assert_eq!(counts(&r), [4, 2, 1, 1, 0, 0]);
    let t = test(&r, "testDivide with data set #1");
    assert_eq!(
        *t.suite,
        [
            "Project Test Suite",
            "App\\Tests\\MathTest",
            "App\\Tests\\MathTest::testDivide"
        ]
        .map(String::from)
    );
    assert_eq!(&*t.classname, "App.Tests.MathTest");
    assert_eq!(
        *test(&r, "testSqrt").suite,
        ["Project Test Suite", "App\\Tests\\MathTest"].map(String::from)
    );
}

#[test]
fn dotnet_with_bom_and_character_references() {
    let r = read("dotnet.xml");
    assert_eq!(counts(&r), [3, 1, 1, 0, 1, 0]);
    let message = test(&r, "Discount_C77_applies").records[0]
        .message
        .clone()
        .unwrap();
    assert_eq!(
        message,
        "Assert.Equal() Failure\r\nExpected: 90\r\nActual:   100"
    );
}

#[test]
fn googletest_status_and_result_attributes() {
    let r = read("googletest.xml");
    assert_eq!(counts(&r), [5, 2, 1, 0, 2, 0]);
    assert_eq!(test(&r, "DISABLED_Overflows").outcome, Outcome::Skipped);
    assert_eq!(test(&r, "Adds").time, Some(0.0));
    assert_eq!(&*test(&r, "Values/0").classname, "Inst/ParamTest");
    assert_eq!(test(&r, "Divides").source_file(), Some("math_test.cc"));
}

#[test]
fn xctest_converter_single_quotes_and_several_failures() {
    let r = read("xctest-trainer.xml");
    assert_eq!(counts(&r), [3, 2, 1, 0, 0, 0]);
    let t = test(&r, "testLoginFails()");
    assert_eq!(t.records.len(), 2);
    assert_eq!(
        t.records[0].message.as_deref(),
        Some("XCTAssertEqual failed: (\"1\") is not equal to (\"2\")")
    );
    assert_eq!(t.suite.len(), 2);
}

#[test]
fn karma() {
    let r = read("karma.xml");
    assert_eq!(counts(&r), [3, 1, 1, 0, 1, 0]);
}

#[test]
fn playwright_properties_and_output() {
    let r = read("playwright.xml");
    assert_eq!(counts(&r), [3, 1, 1, 0, 1, 0]);
    let t = test(&r, "cart › adds an item");
    assert_eq!(
        t.property_values("testrail_case_id").collect::<Vec<_>>(),
        ["C900"]
    );
    let out = &test(&r, "cart › checks out").system_out().unwrap().text;
    assert!(out.contains("[[ATTACHMENT|test-results/cart-checks-out/trace.zip]]"));
}

#[test]
fn nextest_flaky_and_rerun() {
    let r = read("nextest.xml");
    assert_eq!(counts(&r), [3, 2, 1, 0, 0, 1]);
    assert_eq!(test(&r, "db::migrates").retries, 1);
    assert!(
        test(&r, "net::retries_on_timeout").records[0]
            .body
            .text
            .contains("src/net.rs:88:9")
    );
}

#[test]
fn bazel_text_and_cdata_mixed_in_system_out() {
    let r = read("bazel.xml");
    assert_eq!(counts(&r), [1, 0, 0, 1, 0, 0]);
    assert_eq!(r.tests[0].time, Some(12.0));
    assert_eq!(&*r.tests[0].classname, "");
}

#[test]
fn ctest_status_attribute_alone_decides() {
    let r = read("ctest.xml");
    assert_eq!(counts(&r), [3, 1, 1, 0, 1, 0]);
    assert_eq!(test(&r, "unit_network").outcome, Outcome::Failed);
    assert_eq!(
        test(&r, "unit_parser")
            .property_values("cmake_labels")
            .next(),
        Some("unit;fast")
    );
}

#[test]
fn eclipse_testrun_root_and_ignored_attribute() {
    let r = read("eclipse-testrun.xml");
    assert_eq!(counts(&r), [3, 1, 1, 0, 1, 0]);
}

#[test]
fn testcases_directly_under_testsuites() {
    let r = read("testcases-under-testsuites.xml");
    assert_eq!(counts(&r), [2, 1, 1, 0, 0, 0]);
    assert!(r.tests[0].suite.is_empty());
}

#[test]
fn a_testsuite_names_its_testrail_suite_for_every_test_inside() {
    let r = read("suite-hints.xml");
    let hint = |name| test(&r, name).suite_hint.map(u32::from);
    assert_eq!(hint("valid_C13"), Some(2));
    assert_eq!(hint("invalid_C14"), Some(2));
    // `S3` in the element's text, inherited by a nested testsuite.
    assert_eq!(hint("one_C15"), Some(3));
    // A testcase's own property wins over its testsuite's.
    assert_eq!(hint("remove_C16"), Some(2));
    // Not a suite ID: noted, and the test is looked up as if it had no hint.
    assert_eq!(hint("plain_C1"), None);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("testrail_suite_id \"cart\" is not a TestRail suite ID")),
        "{:?}",
        r.warnings
    );
    // Suite properties are not the test's own.
    assert!(test(&r, "valid_C13").properties().is_empty());
}
