//! The reader on the fixtures in `fixtures/cucumber/`: cucumber-jvm (background, outline rows,
//! hooks with a screenshot, pending and undefined steps), cucumber-js (hidden hooks, `media`),
//! Behave (bare tags, seconds, message lines), and broken input.

use std::path::{Path, PathBuf};

use crate::report::fixtures::{named as test, steps};

use super::read_report;
use crate::report::{Format, Outcome, ReadErrorKind, Report, TestCase};

fn fixture(name: &str) -> PathBuf {
    crate::report::fixtures::fixture("cucumber", name)
}

fn read(name: &str) -> Report {
    read_report(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn case_tags(t: &TestCase) -> Vec<&str> {
    t.property_values("testrail_case_id").collect()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn jvm_scenarios_with_background_hooks_and_failure() {
    let r = read("jvm.json");
    assert_eq!(r.format, Format::Cucumber);
    let names: Vec<&str> = r.tests.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Pay by card",
            "Pay with <method> (example 1)",
            "Pay with <method> (example 2)",
            "Refund C304",
            "Gift wrap"
        ]
    );
    let card = test(&r, "Pay by card");
    assert_eq!(&*card.suite, ["Checkout"]);
    assert_eq!(card.full_name(), "Checkout.Pay by card");
    assert_eq!(
        card.source_file(),
        Some("classpath:features/checkout.feature")
    );
    assert_eq!(card.line(), Some(7));
    assert_eq!(card.outcome, Outcome::Failed);
    // Background 1 ms + hooks 0.5 s and 0.25 s + steps 1.25 s and 2 ms, in nanoseconds.
    assert!(close(card.time, 2.003), "{:?}", card.time);
    assert_eq!(
        steps(card),
        [
            ("Given the shop is open", Outcome::Passed),
            ("When I add 2 apples", Outcome::Passed),
            ("Then the total is 4", Outcome::Failed),
            ("And I get a receipt", Outcome::Skipped),
        ]
    );
    let problem = card.first_problem().unwrap();
    assert_eq!(
        problem.message.as_deref(),
        Some(
            "org.opentest4j.AssertionFailedError: expected: <4> but was: <3>: \
             failed at Then the total is 4"
        )
    );
    assert!(problem.body.text.contains("CartSteps.java:31"));
    assert_eq!(case_tags(card), ["C301"]);
}

#[test]
fn jvm_embeddings_are_decoded_with_their_names() {
    let r = read("jvm.json");
    let shot = &test(&r, "Pay by card").embedded()[0];
    assert_eq!(shot.name, "checkout.png");
    assert_eq!(shot.media_type, "image/png");
    assert_eq!(&*shot.data, b"\x89PNG\r\n\x1a\nfake-image");
}

#[test]
fn outline_rows_undefined_pending_and_skipped() {
    let r = read("jvm.json");
    let first = test(&r, "Pay with <method> (example 1)");
    assert_eq!(first.outcome, Outcome::Passed);
    assert_eq!(case_tags(first), ["C302"]);
    assert_eq!(steps(first)[0], ("Given the shop is open", Outcome::Passed));
    let undefined = test(&r, "Pay with <method> (example 2)");
    assert_eq!(undefined.outcome, Outcome::Failed);
    assert_eq!(
        undefined.first_problem().unwrap().message.as_deref(),
        Some("failed at When I pay with bitcoin (undefined)")
    );
    assert_eq!(undefined.time, None);
    let pending = test(&r, "Refund C304");
    assert_eq!(pending.outcome, Outcome::Failed);
    assert!(
        pending
            .first_problem()
            .unwrap()
            .message
            .as_deref()
            .unwrap()
            .contains("(pending)")
    );
    assert_eq!(test(&r, "Gift wrap").outcome, Outcome::Skipped);
}

#[test]
fn js_hidden_hooks_are_not_steps_and_media_types_are_read() {
    let r = read("js.json");
    let t = test(&r, "Find a product");
    assert_eq!(
        steps(t),
        [
            ("Given I search for \"lamp\"", Outcome::Passed),
            ("Then I see 3 results", Outcome::Failed),
        ]
    );
    assert!(close(t.time, 0.026), "{:?}", t.time);
    assert_eq!(case_tags(t), ["C401"]);
    let page = &t.embedded()[0];
    assert_eq!(
        (page.name.as_str(), page.media_type.as_str()),
        ("embedding-1.html", "text/html")
    );
    assert_eq!(&*page.data, b"search page html");
}

#[test]
fn behave_bare_tags_seconds_and_message_lines() {
    let r = read("behave.json");
    assert_eq!(r.tests.len(), 3);
    let valid = test(&r, "Valid user");
    assert!(close(valid.time, 0.75), "{:?}", valid.time);
    assert_eq!(case_tags(valid), ["C501"]);
    assert_eq!(valid.source_file(), Some("features/login.feature"));
    let locked = test(&r, "Locked user -- @1.1 Accounts");
    assert_eq!(locked.outcome, Outcome::Failed);
    assert_eq!(case_tags(locked), ["C502"]);
    assert_eq!(
        locked.first_problem().unwrap().body.text,
        "Assertion Failed: expected locked\nCaptured logging:\nINFO:root:login"
    );
    let forgot = test(&r, "Forgot password");
    assert_eq!(forgot.outcome, Outcome::Skipped);
    assert_eq!(
        steps(forgot),
        [("Given a forgetful user", Outcome::Skipped)]
    );
}

#[test]
fn broken_json_names_line_column_and_path() {
    let err = read_report(&fixture("malformed.json")).unwrap_err();
    assert_eq!(err.kind, ReadErrorKind::Malformed);
    assert_eq!(err.position, Some((3, 32)), "{err}");
    assert!(
        err.to_string().starts_with(&format!(
            "{}:3:32: malformed JSON: trailing comma",
            fixture("malformed.json").display()
        )),
        "{err}"
    );
    let err = read_report(&fixture("wrong-type.json")).unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("wrong-type.json:3:"), "{shown}");
    assert!(
        shown.contains("(at [0].elements[0].steps[0].result.duration)"),
        "{shown}"
    );
}

#[test]
fn other_json_is_refused_and_nothing_panics() {
    for bad in [
        &b"{}"[..],
        b"",
        b"[1]",
        b"[{\"elements\": 3}]",
        b"[] []",
        b"[{\"name\": \"\\ud800\"}]",
    ] {
        let result = super::read_bytes(Path::new("c.json"), bad);
        if let Err(e) = &result {
            assert!(e.to_string().starts_with("c.json"), "{e}");
        }
    }
    assert!(super::read_bytes(Path::new("c.json"), b"{}").is_err());
    let empty = super::read_bytes(Path::new("c.json"), b"[]").unwrap();
    assert!(empty.tests.is_empty());
}
