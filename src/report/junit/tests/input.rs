//! Encodings, hostile input, caps, malformed XML and files that are not JUnit.

use super::*;
use crate::report::text::{TEXT_CAP, split_cut_note};
use crate::report::{ReadErrorKind, read_bytes};

#[test]
fn utf16_with_bom() {
    let r = read("utf16-bom.xml");
    assert_eq!(counts(&r), [2, 1, 1, 0, 0, 0]);
    assert_eq!(r.tests[0].name, "Grüße C31 😀");
    assert_eq!(r.tests[1].records[0].message.as_deref(), Some("ошибка"));
    assert_eq!(*r.tests[0].suite, ["Unicode – ünïcödé".to_owned()]);
}

#[test]
fn iso_8859_1_declared() {
    let r = read("latin1.xml");
    assert_eq!(r.tests[0].name, "crème brûlée");
    assert_eq!(&*r.tests[0].classname, "menu.CaféTest");
    assert_eq!(r.tests[0].records[0].body.text, "déjà vu");
}

#[test]
fn blank_lines_before_the_declaration() {
    assert_eq!(read("blank-lines-before-declaration.xml").tests.len(), 1);
}

#[test]
fn billion_laughs_is_not_expanded() {
    let r = read("billion-laughs.xml");
    assert_eq!(r.tests[0].name, "&lol9;");
    assert_eq!(r.tests[0].records[0].body.text, "&lol9;");
    assert!(r.warnings.iter().any(|w| w.contains("DOCTYPE ignored")));
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("kept as literal text"))
    );
}

#[test]
fn external_entities_are_never_resolved() {
    let r = read("xxe.xml");
    assert_eq!(r.tests[0].name, "reads &xxe;");
    assert_eq!(r.tests[0].system_out().unwrap().text, "&xxe;");
}

#[test]
fn malformed_xml_names_file_line_and_column() {
    let e = fail("malformed-mismatch.xml");
    assert_eq!(e.kind, ReadErrorKind::Malformed);
    assert_eq!(e.position, Some((4, 30)), "{e}");
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!(
            "{}:4:30: ",
            fixture("malformed-mismatch.xml").display()
        )),
        "{shown}"
    );
    assert!(shown.contains("failure"), "{shown}");
}

#[test]
fn truncated_reports_and_unclosed_cdata_are_malformed() {
    for name in ["malformed-truncated.xml", "malformed-cdata.xml"] {
        let e = fail(name);
        assert_eq!(e.kind, ReadErrorKind::Malformed, "{e}");
        assert!(e.position.is_some(), "{e}");
    }
}

#[test]
fn less_than_in_an_attribute_is_malformed() {
    let e = fail("malformed-lt-in-attribute.xml");
    assert_eq!(e.position, Some((3, 5)), "{e}");
    assert!(e.message.contains("<<computed>>"));
}

#[test]
fn two_concatenated_documents_are_rejected() {
    let e = fail("two-documents.xml");
    assert!(e.message.contains("two documents"), "{e}");
    assert_eq!(e.position.map(|p| p.0), Some(3));
}

#[test]
fn not_junit_says_what_it_looks_like() {
    let cases = [
        ("empty.xml", "empty"),
        ("plain-text.xml", "not an XML file"),
        ("not-junit-nunit.xml", "NUnit"),
        ("not-junit-trx.trx", "TRX"),
        ("not-junit-cobertura.xml", "Cobertura"),
        ("not-junit-xunit2.xml", "xUnit.net"),
        ("not-junit-check.xml", "Check"),
    ];
    for (name, says) in cases {
        let e = fail(name);
        assert_eq!(e.kind, ReadErrorKind::NotJunit, "{name}: {e}");
        assert!(e.to_string().contains(says), "{name}: {e}");
        assert!(e.to_string().contains(name), "{name}: {e}");
    }
}

#[test]
fn robot_output_is_read_as_robot_and_the_junit_reader_names_it() {
    let robot = read("not-junit-robot.xml");
    assert_eq!(robot.format, crate::report::Format::Robot);
    assert_eq!(robot.tests[0].name, "Valid Login");
    let bytes = std::fs::read(fixture("not-junit-robot.xml")).unwrap();
    let e = crate::report::junit::read_bytes(Path::new("r.xml"), &bytes).unwrap_err();
    assert_eq!(e.kind, ReadErrorKind::NotJunit);
    assert!(e.to_string().contains("Robot Framework output.xml"), "{e}");
}

#[test]
fn read_errors_become_input_errors() {
    let err = fail("not-junit-nunit.xml").into_input();
    assert_eq!(crate::error::code_for(&err), crate::exit::INPUT);
}

#[test]
fn unsupported_encodings_are_named() {
    let xml = br#"<?xml version="1.0" encoding="Shift_JIS"?><testsuite/>"#;
    let e = read_bytes(Path::new("sjis.xml"), xml).unwrap_err();
    assert_eq!(e.kind, ReadErrorKind::Encoding);
    assert!(e.message.contains("Shift_JIS"));
}

#[test]
fn long_text_is_capped_and_flagged() {
    let body = "x".repeat(3 * TEXT_CAP);
    let xml = format!(
        "<testsuite><testcase name=\"big\"><failure>{body}</failure><system-out><![CDATA[{body}]]></system-out><system-err>short</system-err></testcase></testsuite>"
    );
    let r = read_bytes(Path::new("big.xml"), xml.as_bytes()).unwrap();
    let t = &r.tests[0];
    // What is cut is counted, whether the reader or the bounded input below it dropped it.
    let cut = Some("[… 131072 bytes cut]");
    assert_eq!(
        split_cut_note(&t.records[0].body.text),
        (&body[..TEXT_CAP], cut)
    );
    assert!(t.records[0].body.truncated);
    let out = t.system_out().unwrap();
    assert_eq!(split_cut_note(&out.text), (&body[..TEXT_CAP], cut));
    assert!(out.truncated);
    assert!(!t.system_err().unwrap().truncated);
    assert!(
        r.warnings.iter().any(|w| w.contains("2 text field(s)")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn many_cdata_sections_add_up_to_the_cap() {
    let section = format!("<![CDATA[{}]]>", "é".repeat(1000));
    let xml = format!(
        "<testsuite><testcase name=\"t\"><system-out>{}</system-out></testcase></testsuite>",
        section.repeat(100)
    );
    let r = read_bytes(Path::new("m.xml"), xml.as_bytes()).unwrap();
    let out = r.tests[0].system_out().unwrap();
    assert!(out.truncated);
    let kept = split_cut_note(&out.text).0;
    assert!(kept.len() <= TEXT_CAP && kept.len() > TEXT_CAP - 4);
}

#[test]
fn very_long_lines_and_names() {
    let name = "n".repeat(200_000);
    let xml = format!(
        "<testsuites><testsuite name=\"s\"><testcase name=\"{name}\"/></testsuite></testsuites>"
    );
    let r = read_bytes(Path::new("long.xml"), xml.as_bytes()).unwrap();
    // An attribute value is bounded below the parser, and the cut is named in a warning.
    assert_eq!(r.tests[0].name.len(), crate::report::bounded::RUN_CAP);
    assert!(
        r.warnings.iter().any(|w| w.contains("were cut")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn empty_roots_have_no_tests() {
    for xml in [
        "<testsuites/>",
        "<testsuite />",
        "<testsuites name=\"x\" tests=\"0\"></testsuites>",
    ] {
        let r = read_bytes(Path::new("e.xml"), xml.as_bytes()).unwrap();
        assert!(r.tests.is_empty(), "{xml}");
    }
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let e = read_report(Path::new("/no/such/report.xml")).unwrap_err();
    assert_eq!(e.kind, ReadErrorKind::Io);
    assert!(
        e.to_string()
            .starts_with("/no/such/report.xml: cannot read"),
        "{e}"
    );
}

#[test]
fn cutting_long_text_never_splits_a_character_or_an_entity() {
    for shift in 0..6 {
        let body = format!("{}{}", "a".repeat(shift), "é&amp;".repeat(TEXT_CAP / 3));
        let xml = format!(
            "<testsuite><testcase name=\"t\"><failure>{body}</failure></testcase></testsuite>"
        );
        let r = read_bytes(Path::new("cut.xml"), xml.as_bytes()).unwrap();
        let text = &r.tests[0].records[0].body;
        assert!(text.truncated && !text.text.contains('\u{FFFD}') && !text.text.contains("&amp"));
        let unexpected = r
            .warnings
            .iter()
            .find(|w| w.contains("UTF-8") || w.contains("literal"));
        assert!(unexpected.is_none(), "shift {shift}: {unexpected:?}");
    }
}

#[test]
fn tests_of_a_class_share_its_name() {
    let xml = br#"<testsuite name="s">
        <testcase classname="a.B" name="one"/>
        <testcase classname="a.B" name="two"/>
        <testcase class="a.C" name="three"/>
        <testcase classname="a.B" name="four"/>
    </testsuite>"#;
    let r = read_bytes(Path::new("shared.xml"), xml).unwrap();
    let class: Vec<&str> = r.tests.iter().map(|t| &*t.classname).collect();
    assert_eq!(class, ["a.B", "a.B", "a.C", "a.B"]);
    assert!(std::sync::Arc::ptr_eq(
        &r.tests[0].classname,
        &r.tests[1].classname
    ));
}

#[test]
fn attribute_values_are_normalised_and_unescaped() {
    let xml = "<testsuite name=\"s\">
        <testcase classname=\"plain.Name\" name=\"a\tb\nc&#10;d &amp; e\"/>
        <testcase classname=\"Ünïcode\" name=\"x &lt;y&gt;\"/>
    </testsuite>";
    let r = read_bytes(Path::new("values.xml"), xml.as_bytes()).unwrap();
    assert_eq!(r.tests[0].name, "a b c\nd & e");
    assert_eq!(&*r.tests[0].classname, "plain.Name");
    assert_eq!(&*r.tests[1].classname, "Ünïcode");
    assert_eq!(r.tests[1].name, "x <y>");
}
