//! The .NET readers on the fixtures in `fixtures/{trx,nunit,xunit}/`, which hold every
//! variation each format has: outcomes, messages and traces, output, data-driven rows,
//! categories and traits that name case IDs; and on broken input.

use std::path::{Path, PathBuf};

use super::timespan;
use crate::mapping::{Mapper, MappingOptions};
use crate::report::{
    Format, Outcome, ReadErrorKind, RecordKind, Report, TestCase, read_bytes, read_bytes_as,
    read_report,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn read(name: &str) -> Report {
    read_report(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn test<'a>(report: &'a Report, name: &str) -> &'a TestCase {
    let found = report.tests.iter().find(|t| t.name == name);
    found.unwrap_or_else(|| panic!("no test {name}"))
}

/// Each test's name, outcome and case IDs, in document order.
fn summary(report: &Report) -> Vec<(String, Outcome, Vec<u64>)> {
    let mapper = Mapper::new(&MappingOptions::default()).unwrap();
    let row = |t: &TestCase| (t.name.clone(), t.outcome, mapper.case_ids(t).ids);
    report.tests.iter().map(row).collect()
}

fn rows(want: &[(&str, Outcome, &[u64])]) -> Vec<(String, Outcome, Vec<u64>)> {
    let row =
        |(name, outcome, ids): &(&str, Outcome, &[u64])| (name.to_string(), *outcome, ids.to_vec());
    want.iter().map(row).collect()
}

#[test]
fn trx_reads_outcomes_rows_output_and_definitions() {
    use Outcome::*;
    let report = read("trx/mstest.trx");
    assert_eq!(report.format, Format::Trx);
    assert_eq!(
        summary(&report),
        rows(&[
            ("Adds_C101", Passed, &[101]),
            ("ComputesTotal", Failed, &[102]),
            ("AppliesCoupon", Skipped, &[103]),
            ("SavesOrder", Error, &[]),
            ("ChecksOutSlowly", Failed, &[]),
            ("Discounts (10,9)", Passed, &[]),
            ("Discounts (20,17)", Failed, &[]),
        ])
    );
    let total = test(&report, "ComputesTotal");
    assert_eq!(&*total.classname, "Shop.Tests.CartTests");
    assert_eq!(&total.suite[..], ["Shop.Tests.CartTests"]);
    assert_eq!(total.time, Some(1.5));
    let failure = total.first_problem().unwrap();
    assert_eq!(failure.kind, RecordKind::Failure);
    assert_eq!(
        failure.message.as_deref(),
        Some("Assert.AreEqual failed. Expected:<30>. Actual:<20>.")
    );
    assert!(failure.body.text.starts_with("at Shop.Tests.CartTests"));
    assert_eq!(
        total.system_err().unwrap().text,
        "warning: price list is stale"
    );
    let adds = test(&report, "Adds_C101");
    assert_eq!(adds.system_out().unwrap().text, "cart has 2 items");
    assert_eq!(adds.time, Some(0.0123));
    let coupon = test(&report, "AppliesCoupon");
    assert_eq!(coupon.records[0].kind, RecordKind::Skipped);
    let row = test(&report, "Discounts (20,17)");
    assert_eq!(&*row.classname, "Shop.Tests.PriceTests");
    assert_eq!(
        row.records[0].message.as_deref(),
        Some("Expected 17, got 18")
    );
    let path = fixture("trx/mstest.trx").display().to_string();
    let warning = "run-level Warning outside any test: Data collector 'Code Coverage' message: \
                   no coverage was collected.";
    assert_eq!(report.warnings, [format!("{path}: {warning}")]);
}

#[test]
fn nunit3_reads_results_labels_properties_and_attachments() {
    use Outcome::*;
    let report = read("nunit/nunit3.xml");
    assert_eq!(report.format, Format::Nunit);
    assert_eq!(
        summary(&report),
        rows(&[
            ("Adds", Passed, &[201]),
            ("ComputesTotal", Failed, &[202]),
            ("SavesOrder", Error, &[]),
            ("AppliesCoupon", Skipped, &[]),
            ("LoadsCatalogue", Skipped, &[]),
            ("ChecksStock", Skipped, &[]),
            ("Warns", Passed, &[]),
            ("Cancels", Error, &[]),
            ("Discounts(10,9)", Passed, &[]),
            ("Discounts(20,17) C203", Failed, &[203]),
        ])
    );
    let total = test(&report, "ComputesTotal");
    assert_eq!(&*total.classname, "Shop.CartTests");
    assert_eq!(&total.suite[..], ["Shop.Tests.dll", "Shop", "CartTests"]);
    assert_eq!(total.time, Some(0.5));
    let failure = total.first_problem().unwrap();
    assert_eq!(
        failure.message.as_deref(),
        Some("Expected: 30\n  But was:  20")
    );
    assert!(
        failure
            .body
            .text
            .starts_with("at Shop.CartTests.ComputesTotal()")
    );
    let attached: Vec<_> = total.property_values("testrail_attachment").collect();
    assert_eq!(attached, ["/build/screens/total.png"]);
    let errored = test(&report, "SavesOrder").first_problem().unwrap();
    assert_eq!(
        (errored.kind, errored.kind_name.as_deref()),
        (RecordKind::Error, Some("Error"))
    );
    let skipped = &test(&report, "AppliesCoupon").records[0];
    assert_eq!(skipped.message.as_deref(), Some("coupons are switched off"));
    assert_eq!(
        test(&report, "Adds").system_out().unwrap().text,
        "cart has 2 items"
    );
    let row = test(&report, "Discounts(10,9)");
    assert_eq!(row.suite.last().map(String::as_str), Some("Discounts"));
}

#[test]
fn nunit2_reads_full_names_categories_and_not_run_tests() {
    use Outcome::*;
    let report = read("nunit/nunit2.xml");
    assert_eq!(report.format, Format::Nunit);
    assert_eq!(
        summary(&report),
        rows(&[
            ("Adds", Passed, &[301]),
            ("ComputesTotal", Failed, &[302]),
            ("SavesOrder", Error, &[]),
            ("AppliesCoupon", Skipped, &[]),
            ("Broken(1)", Skipped, &[]),
            ("Old", Skipped, &[]),
        ])
    );
    let adds = test(&report, "Adds");
    assert_eq!(&*adds.classname, "Shop.CartTests");
    assert_eq!(&adds.suite[..], ["Shop.Tests.dll", "Shop", "CartTests"]);
    assert_eq!(adds.time, Some(0.012));
}

#[test]
fn xunit2_reads_results_traits_and_source() {
    use Outcome::*;
    let report = read("xunit/xunit2.xml");
    assert_eq!(report.format, Format::Xunit);
    assert_eq!(
        summary(&report),
        rows(&[
            ("Adds", Passed, &[401]),
            ("ComputesTotal", Failed, &[402]),
            ("AppliesCoupon", Skipped, &[]),
            ("SavesOrder", Failed, &[]),
            ("Discounts(price: 10, expected: 9)", Passed, &[]),
            ("C403 discounts stack", Skipped, &[403]),
        ])
    );
    let adds = test(&report, "Adds");
    assert_eq!(adds.full_name(), "Shop.Tests.CartTests.Adds");
    assert_eq!(
        &adds.suite[..],
        ["Shop.Tests.dll", "Test collection for Shop.Tests.CartTests"]
    );
    assert_eq!(
        (adds.source_file(), adds.line()),
        (Some("/src/CartTests.cs"), Some(12))
    );
    assert_eq!(adds.system_out().unwrap().text, "cart has 2 items");
    let failure = test(&report, "ComputesTotal").first_problem().unwrap();
    assert_eq!(
        failure.kind_name.as_deref(),
        Some("Xunit.Sdk.EqualException")
    );
    assert!(
        failure
            .message
            .as_deref()
            .unwrap()
            .ends_with("Actual:   20")
    );
    let skipped = &test(&report, "AppliesCoupon").records[0];
    assert_eq!(skipped.message.as_deref(), Some("coupons are switched off"));
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(
        report.warnings[0].contains("error outside any test (test-collection-cleanup"),
        "{:?}",
        report.warnings
    );
}

#[test]
fn xunit1_reads_classes_under_an_assembly_root() {
    let report = read("xunit/xunit1.xml");
    assert_eq!(report.format, Format::Xunit);
    let outcomes: Vec<_> = report.tests.iter().map(|t| t.outcome).collect();
    assert_eq!(outcomes, [Outcome::Passed, Outcome::Failed]);
    assert_eq!(&report.tests[1].suite[..], ["Shop.Tests.CartTests"]);
    let message = report.tests[1].records[0].message.as_deref().unwrap();
    assert_eq!(
        message,
        "Assert.Equal() Failure\r\nExpected: 30\r\nActual:   20"
    );
}

#[test]
fn malformed_xml_names_line_and_column() {
    let cases: [(&str, &str, (usize, usize)); 3] = [
        (
            "r.trx",
            "<TestRun>\n  <Results>\n    <UnitTestResult testName=\"a\">\n  </Results>",
            (4, 3),
        ),
        (
            "r.xml",
            "<test-run>\n<test-case name=\"a\" result=\"Passed\">",
            (2, 37),
        ),
        (
            "x.xml",
            "<assemblies>\n  <test name=a/>\n</assemblies>",
            (2, 3),
        ),
    ];
    for (name, text, at) in cases {
        let err = read_bytes(Path::new(name), text.as_bytes()).unwrap_err();
        assert_eq!(err.kind, ReadErrorKind::Malformed, "{err}");
        assert!(
            err.position.is_some_and(|(line, _)| line == at.0),
            "{name}: {err}"
        );
    }
}

#[test]
fn a_forced_format_on_another_format_says_what_the_file_is() {
    let junit = b"<testsuites><testsuite name='s'/></testsuites>";
    for format in [Format::Trx, Format::Nunit, Format::Xunit] {
        let err = read_bytes_as(Path::new("r.xml"), junit, Some(format)).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("r.xml: not "), "{text}");
        assert!(text.contains("root element is <testsuites>"), "{text}");
        assert!(text.contains("JUnit XML report"), "{text}");
    }
    let err = read_bytes_as(Path::new("e.trx"), b"  \n", Some(Format::Trx)).unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
}

#[test]
fn utf16_and_latin1_input_read_like_utf8() {
    let text = std::fs::read_to_string(fixture("trx/mstest.trx")).unwrap();
    let utf16: Vec<u8> = "\u{FEFF}"
        .chars()
        .chain(text.replace("utf-8", "utf-16").chars())
        .collect::<String>()
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let report = read_bytes(Path::new("r.trx"), &utf16).unwrap();
    assert_eq!(summary(&report), summary(&read("trx/mstest.trx")));
    let latin1 = b"<?xml version='1.0' encoding='ISO-8859-1'?><assemblies><assembly name='a'>\
        <collection name='c'><test name='caf\xe9' type='' result='Pass'/></collection>\
        </assembly></assemblies>";
    let report = read_bytes(Path::new("l.xml"), latin1).unwrap();
    assert_eq!(report.tests[0].name, "café");
}

#[test]
fn long_output_is_cut_at_the_cap_with_a_warning() {
    let long = "x".repeat(200_000);
    let xml = format!(
        "<test-run><test-case name='a' result='Passed'><output>{long}</output></test-case></test-run>"
    );
    let report = read_bytes(Path::new("big.xml"), xml.as_bytes()).unwrap();
    let out = report.tests[0].system_out().unwrap();
    assert!(out.truncated);
    let kept = crate::report::text::split_cut_note(&out.text).0;
    assert_eq!(kept.len(), crate::report::text::TEXT_CAP);
    assert!(
        report.warnings.iter().any(|w| w.contains("were cut")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn every_prefix_of_every_fixture_reads_or_fails_cleanly() {
    for name in [
        "trx/mstest.trx",
        "nunit/nunit3.xml",
        "nunit/nunit2.xml",
        "xunit/xunit2.xml",
        "xunit/xunit1.xml",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        for end in (0..bytes.len()).step_by(7) {
            // A panic fails the test; a clean error or a report are both fine.
            if let Err(err) = read_bytes(Path::new(name), &bytes[..end]) {
                assert!(!err.message.is_empty());
            }
        }
    }
}

#[test]
fn timespans_read_as_seconds() {
    assert_eq!(timespan("00:00:01.5000000"), Some(1.5));
    assert_eq!(timespan("01:02:03"), Some(3723.0));
    assert_eq!(timespan("1.00:00:01"), Some(86_401.0));
    assert_eq!(timespan("-00:00:01"), None);
    assert_eq!(timespan("soon"), None);
}

#[test]
fn mutated_fixtures_never_panic() {
    // A small stand-in for the fuzzer (which needs nightly): bytes replaced by markup that
    // moves the readers between states, deterministically.
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let pieces: [&[u8]; 8] = [b"<", b">", b"/>", b"</", b"&", b"\"", b"<![CDATA[", b"\xFF"];
    for (name, format) in [
        ("trx/mstest.trx", Format::Trx),
        ("nunit/nunit3.xml", Format::Nunit),
        ("nunit/nunit2.xml", Format::Nunit),
        ("xunit/xunit2.xml", Format::Xunit),
    ] {
        let original = std::fs::read(fixture(name)).unwrap();
        for _ in 0..300 {
            let mut bytes = original.clone();
            for _ in 0..1 + next(4) {
                let at = next(bytes.len());
                let piece = pieces[next(pieces.len())];
                bytes.splice(at..(at + next(3)).min(bytes.len()), piece.iter().copied());
            }
            let _ = read_bytes_as(Path::new(name), &bytes, Some(format));
        }
    }
}
