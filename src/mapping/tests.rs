//! The mapping rules and their priority, on testcases read from small reports.

use std::io::Write;
use std::path::Path;

use super::*;
use crate::report::read_bytes;

fn tests(xml: &str) -> Vec<TestCase> {
    read_bytes(Path::new("t.xml"), xml.as_bytes())
        .unwrap()
        .tests
}

fn one(xml: &str) -> TestCase {
    tests(xml).remove(0)
}

fn map(options: &MappingOptions, test: &TestCase) -> Mapped {
    Mapper::new(options).unwrap().case_ids(test)
}

fn defaults(test: &TestCase) -> Mapped {
    map(&MappingOptions::default(), test)
}

#[test]
fn property_in_every_spelling() {
    for value in ["C123", "c123", "123"] {
        let xml = format!(
            r#"<testsuite><testcase name="x"><properties><property name="test_id" value="{value}"/></properties></testcase></testsuite>"#
        );
        assert_eq!(defaults(&one(&xml)).ids, [123], "{value}");
    }
    let xml = r#"<testsuite><testcase name="x"><properties><property name="case_id">C1, C2</property></properties></testcase></testsuite>"#;
    assert_eq!(
        defaults(&one(xml)),
        Mapped {
            ids: vec![1, 2],
            source: Source::Property,
            rejected: Vec::new(),
        }
    );
}

#[test]
fn property_beats_case_map_and_name() {
    let xml = r#"<testsuite><testcase classname="a.B" name="C9 test"><properties><property name="testrail_case_id" value="C5"/></properties></testcase></testsuite>"#;
    let mut file = tempfile::NamedTempFile::new().unwrap();
    writeln!(file, "a.B.C9 test,C7").unwrap();
    let options = MappingOptions {
        case_map: Some(file.path().into()),
        ..Default::default()
    };
    assert_eq!(map(&options, &one(xml)).ids, [5]);
}

#[test]
fn case_property_overrides_the_default_names() {
    let xml = r#"<testsuite><testcase name="x"><properties><property name="test_id" value="C1"/><property name="tr" value="C2"/></properties></testcase></testsuite>"#;
    let options = MappingOptions {
        case_properties: vec!["tr".into()],
        ..Default::default()
    };
    assert_eq!(map(&options, &one(xml)).ids, [2]);
}

#[test]
fn case_map_by_full_name_then_name() {
    let xml = r#"<testsuite><testcase classname="a.B" name="one"/><testcase classname="z" name="two"/><testcase name="C4 three"/></testsuite>"#;
    let mut file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    write!(file, r#"{{"a.B.one": ["C1", 2], "two": "C3"}}"#).unwrap();
    let options = MappingOptions {
        case_map: Some(file.path().into()),
        ..Default::default()
    };
    let mapper = Mapper::new(&options).unwrap();
    let got: Vec<Mapped> = tests(xml).iter().map(|t| mapper.case_ids(t)).collect();
    assert_eq!(
        got[0],
        Mapped {
            ids: vec![1, 2],
            source: Source::CaseMap,
            rejected: Vec::new(),
        }
    );
    assert_eq!(got[1].ids, [3]);
    assert_eq!(
        got[2],
        Mapped {
            ids: vec![4],
            source: Source::Name,
            rejected: Vec::new(),
        }
    );
}

#[test]
fn name_then_classname_tokens() {
    let xml = r#"<testsuite><testcase classname="C8_Suite" name="test_C123()"/><testcase classname="pkg.C8_Suite" name="plain"/><testcase classname="x" name="nothing"/></testsuite>"#;
    let got: Vec<Mapped> = tests(xml).iter().map(defaults).collect();
    assert_eq!(
        got[0],
        Mapped {
            ids: vec![123],
            source: Source::Name,
            rejected: Vec::new(),
        }
    );
    assert_eq!(
        got[1],
        Mapped {
            ids: vec![8],
            source: Source::Classname,
            rejected: Vec::new(),
        }
    );
    assert_eq!(
        got[2],
        Mapped {
            ids: vec![],
            source: Source::None,
            rejected: Vec::new(),
        }
    );
}

#[test]
fn case_pattern_replaces_the_token_rule() {
    let xml = r#"<testsuite><testcase name="TR-42 and C7"/></testsuite>"#;
    let options = MappingOptions {
        case_pattern: Some(r"TR-(\d+)".into()),
        ..Default::default()
    };
    assert_eq!(map(&options, &one(xml)).ids, [42]);
}

#[test]
fn case_pattern_needs_one_group_and_valid_syntax() {
    for bad in [r"TR-\d+", r"(TR)-(\d+)", "("] {
        let options = MappingOptions {
            case_pattern: Some(bad.into()),
            ..Default::default()
        };
        let err = Mapper::new(&options).unwrap_err();
        assert_eq!(crate::error::code_for(&err), crate::exit::USAGE, "{bad}");
    }
}

#[test]
fn a_missing_case_map_is_an_input_error_naming_it() {
    let options = MappingOptions {
        case_map: Some("/no/such/map.csv".into()),
        ..Default::default()
    };
    let err = Mapper::new(&options).unwrap_err();
    assert_eq!(crate::error::code_for(&err), crate::exit::INPUT);
    assert!(err.to_string().contains("/no/such/map.csv"));
}

#[test]
fn a_named_matcher_reads_only_its_own_source() {
    // trcli's root_id_in_name.xml: `[c101]` in the name, `test_id` c103 in a property.
    let xml = r#"<testsuite><testcase classname="k" name="[c101] test 2"><properties><property name="test_id" value="c103"/></properties></testcase></testsuite>"#;
    let t = one(xml);
    let with = |rules| {
        map(
            &MappingOptions {
                rules,
                ..Default::default()
            },
            &t,
        )
    };
    assert_eq!(with(Rules::All).ids, [103]);
    assert_eq!(
        with(Rules::Name),
        Mapped {
            ids: vec![101],
            source: Source::Name,
            rejected: Vec::new(),
        }
    );
    assert_eq!(with(Rules::Property).ids, [103]);
    assert_eq!(with(Rules::Nothing).source, Source::None);
    let bare = one(r#"<testsuite><testcase name="C7 x"/></testsuite>"#);
    let only_property = MappingOptions {
        rules: Rules::Property,
        ..Default::default()
    };
    assert!(map(&only_property, &bare).ids.is_empty());
}
