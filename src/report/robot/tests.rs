//! The reader on the fixtures in `fixtures/robot/`: an RF 3.2 and an RF 7 output.xml with
//! every body item, status and metadata form, and broken input.

use std::path::{Path, PathBuf};

use crate::report::fixtures::{named as test, steps};

use super::read_report;
use crate::report::{Format, Outcome, ReadErrorKind, Report, TestCase};

fn fixture(name: &str) -> PathBuf {
    crate::report::fixtures::fixture("robot", name)
}

fn read(name: &str) -> Report {
    read_report(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn props(t: &TestCase) -> Vec<(&str, &str)> {
    t.properties()
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect()
}

#[test]
fn rf32_tests_suites_statuses_and_times() {
    let r = read("rf32.xml");
    assert_eq!(r.format, Format::Robot);
    assert_eq!(r.tests.len(), 2);
    let card = test(&r, "Pay By Card C101");
    assert_eq!(&*card.suite, ["Shop", "Checkout"]);
    assert_eq!(&*card.classname, "Shop.Checkout");
    assert_eq!(card.full_name(), "Shop.Checkout.Pay By Card C101");
    assert_eq!(card.outcome, Outcome::Failed);
    assert_eq!(
        card.first_problem().unwrap().message.as_deref(),
        Some("3.0 != 4.0")
    );
    assert!((card.time.unwrap() - 2.5).abs() < 1e-9);
    assert_eq!(test(&r, "Pay By Voucher").outcome, Outcome::Passed);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn rf32_top_level_keywords_are_the_steps() {
    let r = read("rf32.xml");
    assert_eq!(
        steps(test(&r, "Pay By Card C101")),
        [
            ("${total} =    Add To Cart    apple    2", Outcome::Passed),
            ("FOR    ${item} IN [ @{ITEMS} ]", Outcome::Passed),
            (
                "Should Be Equal As Numbers    ${total}    4",
                Outcome::Failed
            ),
            ("Log    never", Outcome::Skipped),
        ]
    );
    assert_eq!(
        steps(test(&r, "Pay By Voucher")),
        [("Redeem & Pay    code=<FREE>", Outcome::Passed)]
    );
}

#[test]
fn rf32_tags_and_doc_lines_become_properties() {
    let r = read("rf32.xml");
    assert_eq!(
        props(test(&r, "Pay By Card C101")),
        [
            ("testrail_attachment", "selenium-screenshot-1.png"),
            ("testrail_result_comment", "Card ending 4242")
        ]
    );
    assert_eq!(
        props(test(&r, "Pay By Voucher")),
        [
            ("testrail_case_id", "C102"),
            ("testrail_defects", "SHOP-7"),
            // A passed test's message goes to the comment, as trcli puts it there.
            ("testrail_result_comment", "Paid with voucher FREE"),
        ]
    );
}

#[test]
fn rf7_elapsed_skip_and_not_run() {
    let r = read("rf7.xml");
    assert_eq!(r.tests.len(), 4);
    let create = test(&r, "[C201] Create User");
    assert_eq!(create.outcome, Outcome::Passed);
    assert_eq!(create.time, Some(1.25));
    assert_eq!(create.line(), Some(10));
    assert_eq!(&*create.classname, "Api.Users");
    assert_eq!(create.source_file(), Some("/work/api/users.robot"));
    let skipped = test(&r, "Delete User");
    assert_eq!(skipped.outcome, Outcome::Skipped);
    assert_eq!(
        skipped.records[0].message.as_deref(),
        Some("not on staging")
    );
    assert_eq!(test(&r, "List Users").outcome, Outcome::Skipped);
    let failed = test(&r, "Update User");
    assert_eq!(failed.outcome, Outcome::Failed);
    assert_eq!(
        failed.first_problem().unwrap().message.as_deref(),
        Some("HTTPError: 500 Server Error\nfor url: /users/1")
    );
}

#[test]
fn rf7_control_structures_and_var_are_steps() {
    let r = read("rf7.xml");
    assert_eq!(
        steps(test(&r, "[C201] Create User")),
        [
            (
                "${resp} =    POST On Session    api    /users",
                Outcome::Passed
            ),
            ("VAR    ${expected}    201", Outcome::Passed),
            ("IF    $resp.status_code == 201", Outcome::Passed),
            ("FOR    ${i}    IN RANGE    1", Outcome::Passed),
            ("WHILE    $n < 1", Outcome::Passed),
            ("TRY", Outcome::Passed),
            ("GROUP    Clean up", Outcome::Passed),
        ]
    );
    assert_eq!(
        steps(test(&r, "List Users")),
        [("GET On Session    api    /users", Outcome::Skipped)]
    );
}

#[test]
fn rf7_tags_and_doc_lines_become_properties() {
    let r = read("rf7.xml");
    assert_eq!(
        props(test(&r, "[C201] Create User")),
        [
            ("testrail_case_id", "C202"),
            ("testrail_result_field", "custom_env:staging"),
            ("testrail_attachment", "shots/user.png"),
        ]
    );
    assert_eq!(
        props(test(&r, "Delete User")),
        [("testrail_case_id", "C203")]
    );
    // Screenshots in HTML messages at any depth; embedded data and plain text are not files.
    assert_eq!(
        props(test(&r, "Update User")),
        [("testrail_attachment", "shots/update.png")]
    );
}

#[test]
fn broken_xml_names_line_and_column() {
    let err = read_report(&fixture("malformed.xml")).unwrap_err();
    assert_eq!(err.kind, ReadErrorKind::Malformed);
    let shown = err.to_string();
    assert!(shown.contains("malformed.xml:5:"), "{shown}");
    let err = read_report(&fixture("truncated.xml")).unwrap_err();
    assert!(err.to_string().contains("truncated output.xml"), "{err}");
}

#[test]
fn other_xml_is_refused_by_name() {
    let err = super::read_bytes(Path::new("x.xml"), b"<testsuites/>").unwrap_err();
    assert!(
        err.to_string()
            .contains("not a Robot Framework output.xml: the root element is <testsuites>"),
        "{err}"
    );
    assert!(super::read_bytes(Path::new("x.xml"), b"").is_err());
    assert!(super::read_bytes(Path::new("x.xml"), b"<robot/><robot/>").is_err());
}
