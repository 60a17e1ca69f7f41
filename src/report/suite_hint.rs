//! A test's TestRail suite as the report names it: the `testrail_suite_id` property (`2` or
//! `S2`). The JUnit reader also takes it from enclosing testsuites, while streaming; for the
//! other formats a test's own property (a Robot tag `testrail_suite_id:2`, say) is read
//! once the report is.

use std::num::NonZeroU32;

use super::model::Report;

/// The property that names the TestRail suite of a test's cases.
pub const PROPERTY: &str = "testrail_suite_id";

/// A property value as a suite ID: `2`, `S2` or `s2`.
pub fn parse(value: &str) -> Option<NonZeroU32> {
    let v = value.trim();
    v.strip_prefix(['S', 's']).unwrap_or(v).parse().ok()
}

/// The warning for a value that is not a suite ID.
pub fn not_a_suite(value: &str) -> String {
    let shown: String = value.trim().chars().take(40).collect();
    format!("{PROPERTY} \"{shown}\" is not a TestRail suite ID (like 2 or S2); ignored")
}

/// Give each test without a hint the one its own property names; bad values are warned
/// about once per report.
pub fn from_properties(report: &mut Report) {
    let mut bad = None;
    for test in &mut report.tests {
        if test.suite_hint.is_some() {
            continue;
        }
        let Some(value) = test.property_values(PROPERTY).next() else {
            continue;
        };
        match parse(value) {
            Some(hint) => test.suite_hint = Some(hint),
            None => bad = bad.or_else(|| Some(not_a_suite(value))),
        }
    }
    if let Some(warning) = bad {
        report
            .warnings
            .push(format!("{}: {warning}", report.path.display()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_robot_tag_names_the_suite() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<robot generator="Robot 6.1"><suite name="S">
<test name="Pay C101"><tags><tag>testrail_suite_id:S4</tag></tags>
<status status="PASS" starttime="20201015 10:00:00.000" endtime="20201015 10:00:01.000"/></test>
<test name="Refund C102"><tags><tag>testrail_suite_id:refunds</tag></tags>
<status status="PASS" starttime="20201015 10:00:00.000" endtime="20201015 10:00:01.000"/></test>
</suite></robot>"#;
        let report = crate::report::read_bytes(Path::new("output.xml"), xml).unwrap();
        let hints: Vec<Option<u32>> = report
            .tests
            .iter()
            .map(|t| t.suite_hint.map(u32::from))
            .collect();
        assert_eq!(hints, [Some(4), None]);
        assert!(
            report.warnings.iter().any(|w| w.contains("\"refunds\"")),
            "{:?}",
            report.warnings
        );
    }

    #[test]
    fn values() {
        assert_eq!(parse(" S12 ").map(u32::from), Some(12));
        assert_eq!(parse("s3").map(u32::from), Some(3));
        assert_eq!(parse("7").map(u32::from), Some(7));
        for bad in ["", "S", "0", "S0", "-1", "x2", "99999999999"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
