//! Reading one report in parts on several cores must give exactly what one pass gives:
//! the same tests in the same order, the same warnings, the same error at the same place.

use std::path::{Path, PathBuf};

use super::super::split::{self, read_report_in};
use super::fixture;

/// Every `.xml` file under `dir`, recursively.
fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            xml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "xml") {
            out.push(path);
        }
    }
}

/// Read `path` in `parts` parts and in one pass; they must agree. Returns the parts used.
fn same_in_parts(path: &Path, parts: usize) -> usize {
    let whole = read_report_in(path, |_| 1);
    let cut = read_report_in(path, |_| parts);
    assert_eq!(cut, whole, "{} in {parts} parts", path.display());
    split::read(path, bom(path), parts).map_or(1, |(_, used)| used)
}

fn bom(path: &Path) -> u64 {
    let bytes = std::fs::read(path).unwrap();
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    }
}

/// `suites` suites of `per` tests: failures with bodies, skips, unusable times, a
/// suite-level error now and then, and anything `extra` adds after a test.
fn many_suites(suites: usize, per: usize, extra: impl Fn(usize, usize) -> String) -> String {
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"all\">\n");
    for s in 0..suites {
        xml.push_str(&format!(
            "  <testsuite name=\"suite{s}\" tests=\"{per}\">\n"
        ));
        if s % 7 == 3 {
            xml.push_str("    <error message=\"setup crashed\"/>\n");
        }
        for t in 0..per {
            let time = if t % 13 == 5 {
                "n/a".to_owned()
            } else {
                format!("0.{t:03}")
            };
            xml.push_str(&format!(
                "    <testcase classname=\"pkg.Class{s}\" name=\"test_{s}_{t} C{}\" time=\"{time}\">",
                s * per + t + 1
            ));
            match t % 10 {
                3 => {
                    xml.push_str("<failure message=\"a &lt; b\">trace &amp; more\n  at x</failure>")
                }
                7 => xml.push_str("<skipped/>"),
                _ => {}
            }
            xml.push_str("</testcase>\n");
            xml.push_str(&extra(s, t));
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn every_fixture_and_corpus_file_reads_the_same_in_parts() {
    let mut files = Vec::new();
    xml_files(&fixture(""), &mut files);
    xml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/junit-corpus"),
        &mut files,
    );
    assert!(files.len() > 30, "found only {} files", files.len());
    for path in &files {
        for parts in [2, 3, 5, 8] {
            same_in_parts(path, parts);
        }
    }
}

#[test]
fn a_report_of_many_suites_is_read_in_every_part() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "many.xml", many_suites(60, 40, |_, _| String::new()));
    for parts in [2, 3, 4, 8] {
        assert_eq!(same_in_parts(&path, parts), parts, "{parts} parts");
    }
    let report = read_report_in(&path, |_| 4).unwrap();
    assert_eq!(report.tests.len(), 2400);
    // Every 13th time is unusable: one counted warning, as in a single pass.
    let times: Vec<_> = report
        .warnings
        .iter()
        .filter(|w| w.contains("unusable time"))
        .collect();
    assert_eq!(times.len(), 1, "{:?}", report.warnings);
    assert!(
        times[0].contains(": 180 unusable time value(s)"),
        "{}",
        times[0]
    );
}

#[test]
fn a_single_suite_is_cut_between_testcases() {
    let dir = tempfile::tempdir().unwrap();
    let mut xml = String::from("<testsuite name=\"only\">\n");
    for t in 0..3000 {
        xml.push_str(&format!("  <testcase classname=\"A\" name=\"t{t}\"/>\n"));
    }
    xml.push_str("</testsuite>\n");
    let path = write(&dir, "single.xml", xml);
    assert_eq!(same_in_parts(&path, 3), 3);
}

#[test]
fn a_cut_inside_cdata_is_noticed_and_read_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    // The second half of the file starts inside a CDATA section that looks like suites.
    let fake = "<testsuite name=\"fake\">\n<testcase name=\"ghost\"/>\n".repeat(2000);
    let xml = many_suites(2, 5, |s, t| {
        if s == 0 && t == 4 {
            format!(
                "<!-- x --><testsuite name=\"out\"><testcase name=\"log\"><system-out><![CDATA[{fake}]]></system-out></testcase></testsuite>\n"
            )
        } else {
            String::new()
        }
    });
    let path = write(&dir, "cdata.xml", xml);
    assert_eq!(same_in_parts(&path, 2), 1);
    let report = read_report_in(&path, |_| 2).unwrap();
    assert!(report.tests.iter().all(|t| t.name != "ghost"));
    assert_eq!(report.tests.len(), 11);
}

#[test]
fn a_cut_inside_a_comment_is_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let fake =
        "<testsuite name=\"commented\"><testcase name=\"ghost\"/></testsuite>\n".repeat(3000);
    let xml = many_suites(3, 5, |s, t| {
        if s == 1 && t == 0 {
            format!("<!--\n{fake}-->\n")
        } else {
            String::new()
        }
    });
    let path = write(&dir, "comment.xml", xml);
    for parts in [2, 3, 4] {
        same_in_parts(&path, parts);
    }
    assert_eq!(read_report_in(&path, |_| 3).unwrap().tests.len(), 15);
}

#[test]
fn errors_in_any_part_are_the_single_pass_errors() {
    let dir = tempfile::tempdir().unwrap();
    let clean = many_suites(40, 20, |_, _| String::new());
    let at = |fraction: f64| {
        let mut i = (clean.len() as f64 * fraction) as usize;
        while !clean.is_char_boundary(i) {
            i += 1;
        }
        i
    };
    for (name, fraction, damage) in [
        ("early.xml", 0.1, "<testcase name=\"x\" time=\"<1>\"/>"),
        ("late.xml", 0.9, "<testcase name=\"x\" oops/>"),
        ("unclosed.xml", 0.7, "<testcase name=\"x\">"),
        ("mismatch.xml", 0.55, "<properties></property>"),
    ] {
        let mut xml = clean.clone();
        let i = at(fraction);
        let i = i + xml[i..].find('\n').unwrap() + 1;
        xml.insert_str(i, damage);
        let path = write(&dir, name, &xml);
        for parts in [2, 3, 4] {
            same_in_parts(&path, parts);
        }
        let err = read_report_in(&path, |_| 4).unwrap_err();
        assert!(err.position.is_some(), "{name}: {err}");
    }
    // Cut off in the middle: the last part sees the end of the file.
    let path = write(&dir, "truncated.xml", &clean[..at(0.8)]);
    same_in_parts(&path, 3);
}

#[test]
fn bom_and_latin1_reports_read_the_same_in_parts() {
    let dir = tempfile::tempdir().unwrap();
    let xml = many_suites(30, 20, |s, t| {
        if t == 2 {
            format!("<testcase name=\"cr\u{e8}me {s}\"/>\n")
        } else {
            String::new()
        }
    });
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(xml.as_bytes());
    let path = write(&dir, "bom.xml", &with_bom);
    assert_eq!(same_in_parts(&path, 3), 3);
    let latin1: Vec<u8> = xml
        .replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"")
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    let path = write(&dir, "latin1.xml", latin1);
    assert_eq!(same_in_parts(&path, 3), 3);
    let report = read_report_in(&path, |_| 3).unwrap();
    assert!(report.tests.iter().any(|t| t.name == "crème 29"));
}

#[test]
fn more_than_fifty_listed_warnings_stay_capped_across_parts() {
    let dir = tempfile::tempdir().unwrap();
    // A suite-level <error> every seventh suite: 86 listed warnings before the cap.
    let path = write(&dir, "noisy.xml", many_suites(600, 2, |_, _| String::new()));
    assert_eq!(same_in_parts(&path, 4), 4);
    let report = read_report_in(&path, |_| 4).unwrap();
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("more warnings like the above"))
    );
}

#[test]
fn a_nested_suite_is_not_a_place_to_cut() {
    let dir = tempfile::tempdir().unwrap();
    // One outer suite holding many inner ones: every `<testsuite` after the first is nested,
    // so the only correct reading of a part starting there has the outer suite open too.
    let mut xml = String::from("<testsuites>\n<testsuite name=\"outer\">\n");
    for s in 0..200 {
        xml.push_str(&format!("<testsuite name=\"inner{s}\">\n"));
        for t in 0..10 {
            xml.push_str(&format!("<testcase name=\"t{s}_{t}\"/>\n"));
        }
        xml.push_str("</testsuite>\n");
    }
    xml.push_str("</testsuite>\n</testsuites>\n");
    let path = write(&dir, "nested.xml", xml);
    for parts in [2, 3, 4] {
        assert_eq!(same_in_parts(&path, parts), 1, "{parts} parts");
    }
    let report = read_report_in(&path, |_| 3).unwrap();
    assert_eq!(
        *report.tests[1999].suite,
        ["outer".to_owned(), "inner199".to_owned()]
    );
}

/// pytest's layout: one `<testsuite>` inside `<testsuites>` holding every test.
fn one_big_suite(tests: usize, before: &str) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites name=\"pytest tests\">{before}<testsuite name=\"pytest\" errors=\"0\" failures=\"1\" skipped=\"0\" tests=\"{tests}\">"
    );
    for t in 0..tests {
        xml.push_str(&format!(
            "<testcase classname=\"tests.test_api\" name=\"test_{t}\" time=\"0.001\" />"
        ));
    }
    xml.push_str("</testsuite></testsuites>");
    xml
}

#[test]
fn pytest_s_one_suite_is_cut_between_its_testcases() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "pytest.xml", one_big_suite(4000, ""));
    assert_eq!(same_in_parts(&path, 4), 4);
    let report = read_report_in(&path, |_| 4).unwrap();
    assert_eq!(report.tests.len(), 4000);
    assert!(
        report
            .tests
            .iter()
            .all(|t| *t.suite == ["pytest".to_owned()])
    );
}

#[test]
fn what_comes_before_the_first_suite_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    // The replayed start of the file holds a stray testcase and a suite-level failure: the
    // later parts must not add them again.
    let before = "<testcase name=\"stray\"/><failure message=\"boom\"/>";
    let path = write(&dir, "stray.xml", one_big_suite(4000, before));
    assert_eq!(same_in_parts(&path, 3), 3);
    let report = read_report_in(&path, |_| 3).unwrap();
    assert_eq!(report.tests.iter().filter(|t| t.name == "stray").count(), 1);
}

/// `<testsuites>` with a suite of `per[s]` testcases for each `s`; `inside(s)` goes right
/// after the start tag of suite `s`.
fn big_suites(per: &[usize], inside: impl Fn(usize) -> String) -> String {
    let mut xml = String::from("<testsuites>");
    for (s, &count) in per.iter().enumerate() {
        xml.push_str(&format!("<testsuite name=\"s{s}\">{}", inside(s)));
        for t in 0..count {
            xml.push_str(&format!("<testcase name=\"t{s}_{t}\"/>"));
        }
        xml.push_str("</testsuite>");
    }
    xml.push_str("</testsuites>");
    xml
}

#[test]
fn a_cut_inside_a_big_suite_finds_that_suite_s_start_tag() {
    let dir = tempfile::tempdir().unwrap();
    // Suites of 1.5 MB: a cut sees no `<testsuite` in the 1 MiB after it and looks back
    // for the suite it is in.
    let path = write(
        &dir,
        "three.xml",
        big_suites(&[50_000; 3], |_| String::new()),
    );
    assert_eq!(same_in_parts(&path, 3), 3);
    let report = read_report_in(&path, |_| 3).unwrap();
    assert_eq!(*report.tests[149_999].suite, ["s2".to_owned()]);
}

#[test]
fn a_suite_tag_in_cdata_misleads_the_guess_but_not_the_result() {
    let dir = tempfile::tempdir().unwrap();
    // The last `<testsuite` before the cut is text in a CDATA section: the guess is a suite
    // at the wrong offset, which the first part's reader refutes.
    let fake = "<testcase name=\"log\"><system-out><![CDATA[<testsuite name=\"fake\">]]></system-out></testcase>";
    // A small first suite, then a 4 MB one that starts with the fake: the cut lands far
    // inside the second, with only testcases in the 1 MiB after it.
    let xml = big_suites(&[10, 150_000], |s| {
        if s == 1 {
            fake.to_owned()
        } else {
            String::new()
        }
    });
    let path = write(&dir, "fake.xml", xml);
    assert_eq!(same_in_parts(&path, 2), 1);
    let report = read_report_in(&path, |_| 2).unwrap();
    assert!(
        report
            .tests
            .iter()
            .all(|t| t.suite.iter().all(|s| s != "fake"))
    );
}

#[test]
fn a_suite_begun_further_back_than_the_look_back_is_guessed_to_be_the_first() {
    let dir = tempfile::tempdir().unwrap();
    // 19 MB in one pytest suite: from the middle, its start tag is more than the 8 MiB
    // looked back through away, so the cut guesses the first suite, rightly.
    let path = write(&dir, "pytest-big.xml", one_big_suite(270_000, ""));
    assert!(std::fs::metadata(&path).unwrap().len() > 17 << 20);
    assert_eq!(same_in_parts(&path, 2), 2);
}

#[test]
fn huge_bodies_in_any_part_are_cut_alike_and_errors_after_them_keep_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let big = "log line &amp; more\n".repeat(40_000);
    // Every 400th test carries an 800 KB body, cut below the parser in whichever part it is.
    let xml = many_suites(20, 100, |s, t| match t {
        50 => {
            format!("<testcase name=\"big{s}\"><failure><![CDATA[{big}]]></failure></testcase>\n")
        }
        90 => format!("<testcase name=\"out{s}\"><system-out>{big}</system-out></testcase>\n"),
        _ => String::new(),
    });
    let path = write(&dir, "big.xml", &xml);
    for parts in [2, 3, 5] {
        assert!(same_in_parts(&path, parts) > 1, "{parts} parts");
    }
    let report = read_report_in(&path, |_| 3).unwrap();
    let out = report.tests.iter().find(|t| t.name == "out7").unwrap();
    assert!(out.system_out().unwrap().text.ends_with(" bytes cut]"));
    // A mismatched end tag near the end: the same line and column in parts as in one pass.
    let at = xml.rfind("</testcase>").unwrap();
    let broken = format!(
        "{}</testcas>{}",
        &xml[..at],
        &xml[at + "</testcase>".len()..]
    );
    let path = write(&dir, "broken.xml", &broken);
    let whole = read_report_in(&path, |_| 1).unwrap_err();
    let line = broken[..at].matches('\n').count() + 1;
    assert_eq!(whole.position.map(|p| p.0), Some(line), "{whole}");
    for parts in [2, 3, 5] {
        assert_eq!(read_report_in(&path, |_| parts).unwrap_err(), whole);
    }
}

#[test]
fn a_suite_that_names_its_testrail_suite_is_not_cut() {
    // A part read on its own replays only the suite's start tag, not its properties, so a
    // cut inside such a suite would lose the hint for the tests after it.
    let dir = tempfile::tempdir().unwrap();
    let xml = many_suites(1, 6000, |_, _| String::new()).replacen(
        "tests=\"6000\">\n",
        "tests=\"6000\">\n<properties><property name=\"testrail_suite_id\" value=\"S7\"/>\
         </properties>\n",
        1,
    );
    let path = write(&dir, "hinted.xml", xml);
    for parts in [2, 3, 4] {
        same_in_parts(&path, parts);
    }
    let report = read_report_in(&path, |_| 4).unwrap();
    let hinted = report
        .tests
        .iter()
        .filter(|t| t.suite_hint.map(u32::from) == Some(7))
        .count();
    assert_eq!(hinted, 6000);
}
