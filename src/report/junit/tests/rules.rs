//! Outcome precedence, times, properties, locations and suite-level results.

use super::*;

#[test]
fn outcome_precedence() {
    let r = read("properties-and-text.xml");
    let outcome = |name| test(&r, name).outcome;
    assert_eq!(outcome("skipped with error and failure"), Outcome::Error);
    assert_eq!(outcome("status fail wins over nothing"), Outcome::Failed);
    assert_eq!(outcome("status error"), Outcome::Error);
    assert_eq!(outcome("disabled"), Outcome::Skipped);
    assert_eq!(outcome("skipped beats status fail"), Outcome::Skipped);
    assert_eq!(outcome("failure beats skip attribute"), Outcome::Failed);
}

#[test]
fn count_attributes_are_ignored() {
    // "empty suite" claims tests="7" failures="3" but holds nothing.
    let r = read("properties-and-text.xml");
    assert_eq!(r.tests.len(), 9);
}

#[test]
fn suite_level_errors_are_warnings_not_tests() {
    let r = read("properties-and-text.xml");
    assert!(
        r.tests
            .iter()
            .all(|t| *t.suite != ["broken setup".to_owned()])
    );
    let warning = r
        .warnings
        .iter()
        .find(|w| w.contains("broken setup"))
        .expect("a warning");
    assert!(warning.contains("NoClassDefFoundError"), "{warning}");
    assert!(warning.contains("properties-and-text.xml"), "{warning}");
}

#[test]
fn properties_after_failure_in_both_forms() {
    let r = read("properties-and-text.xml");
    let t = test(&r, "after failure");
    let names: Vec<&str> = t.properties().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["test_id", "comment", "case_id", "attachment", "attachment"]
    );
    assert_eq!(
        t.property_values("comment").next(),
        Some("line one\nline two")
    );
    assert_eq!(t.property_values("case_id").next(), Some("C12"));
    assert_eq!(
        t.property_values("attachment").collect::<Vec<_>>(),
        ["a.png", "b.png"]
    );
}

#[test]
fn suite_and_root_properties_do_not_leak_into_testcases() {
    let r = read("properties-and-text.xml");
    assert!(test(&r, "lineno spelling").properties().is_empty());
}

#[test]
fn cdata_mixed_with_text_and_entities() {
    let r = read("properties-and-text.xml");
    let record = &test(&r, "after failure").records[0];
    assert_eq!(
        record.body.text,
        "before <first> middle <second> after <end>"
    );
    assert_eq!(record.message.as_deref(), Some("m\ntwo & \"three\""));
}

#[test]
fn file_and_line_on_testcase_or_failure() {
    let r = read("properties-and-text.xml");
    let on_case = test(&r, "after failure");
    assert_eq!(
        (on_case.source_file(), on_case.line()),
        (Some("p/q.py"), Some(7))
    );
    let on_failure = test(&r, "location on failure");
    assert_eq!(
        (on_failure.source_file(), on_failure.line()),
        (Some("src/q.cpp"), Some(42))
    );
    let lineno = test(&r, "lineno spelling");
    assert_eq!(
        (lineno.source_file(), lineno.line()),
        (Some("test/q_test.rb"), Some(9))
    );
}

#[test]
fn lenient_times() {
    let r = read("lenient-times.xml");
    let time = |name| test(&r, name).time;
    assert_eq!(time("plain"), Some(1.5));
    assert_eq!(time("thousands"), Some(1234.5));
    assert_eq!(time("trailing-dot"), Some(0.0));
    assert_eq!(time("exponent"), Some(1.7e-5));
    assert_eq!(time("nanoseconds"), Some(1.967986371));
    assert_eq!(time("duration-only"), Some(2.5));
    for unknown in ["missing", "empty", "negative", "garbage", "absurd"] {
        assert_eq!(time(unknown), None, "{unknown}");
    }
    let warning = r
        .warnings
        .iter()
        .find(|w| w.contains("unusable time"))
        .expect("a warning");
    assert!(
        warning.starts_with(&format!(
            "{}: 3 unusable",
            fixture("lenient-times.xml").display()
        )),
        "{warning}"
    );
}

#[test]
fn file_path_and_suite_path_are_shared_between_tests() {
    let r = read("go-junit-report.xml");
    assert!(std::sync::Arc::ptr_eq(&r.tests[0].file, &r.tests[3].file));
    assert!(std::sync::Arc::ptr_eq(&r.tests[0].suite, &r.tests[3].suite));
    assert!(std::sync::Arc::ptr_eq(&r.tests[0].file, &r.path));
}

#[test]
fn antunit_time_child_element() {
    let xml = "<testsuite><testcase name=\"a\"><time>1.25</time></testcase><testcase name=\"b\" time=\"2\"><time>9</time></testcase></testsuite>";
    let r = crate::report::read_bytes(Path::new("antunit.xml"), xml.as_bytes()).unwrap();
    assert_eq!((r.tests[0].time, r.tests[1].time), (Some(1.25), Some(2.0)));
}
