//! (5) One huge text (a failure body, an attribute value, a CDATA section) costs no more
//! memory than a small one: it is cut below the XML parser, the comment says how much was
//! cut, and errors after it still name the right line and column.

use super::memory::big_file;
use super::*;

/// Size of each huge text. 200 MB shows the bound as well; this keeps the test to a few
/// seconds on CI's 2-core machine (figures in docs/RELIABILITY.md).
const HUGE_MIB: usize = 200;

/// Peak memory allowed for a submit of one such report, in MiB.
const BOUND_MIB: u64 = 40;

fn submit(sb: &Sandbox, report: &Path) -> std::process::Command {
    use testrail_report::sandbox::{DEFAULT_API_KEY, DEFAULT_USER};
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_testrail-report"));
    c.env_clear()
        .env("TESTRAIL_URL", sb.base_url())
        .env("TESTRAIL_USER", DEFAULT_USER)
        .env("TESTRAIL_API_KEY", DEFAULT_API_KEY)
        .args(["submit", "--project-id", "1"])
        .arg(report);
    c
}

#[cfg(target_os = "linux")]
#[test]
fn huge_texts_are_cut_with_bounded_memory_and_the_comment_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let line = "at com.example.Service.call(Service.java:42) &amp; é\n";
    let cases = [
        (
            "body",
            "<testsuite><testcase name=\"t_C1\"><failure message=\"m\">",
            "</failure></testcase></testsuite>",
        ),
        (
            "attribute",
            "<testsuite><testcase name=\"t_C1\"><failure message=\"",
            "\"/></testcase></testsuite>",
        ),
        (
            "cdata",
            "<testsuite><testcase name=\"t_C1\"><failure><![CDATA[",
            "]]></failure></testcase></testsuite>",
        ),
    ];
    for (what, head, tail) in cases {
        let sb = with_cases(1, Faults::default());
        let path = big_file(dir.path(), "r.xml", head, line, tail, HUGE_MIB);
        let size = std::fs::metadata(&path).unwrap().len();
        let (peak, code) = super::memory::peak_mib(submit(&sb, &path));
        std::fs::remove_file(&path).unwrap();
        eprintln!("{what}: {size} bytes, peak {peak} MiB");
        assert_eq!(code, Some(0), "{what}");
        assert!(peak < BOUND_MIB, "{what}: {peak} MiB for {size} bytes");
        let state = sb.state();
        let results: Vec<&Value> = state["results"].as_object().unwrap().values().collect();
        let comment = results[0]["comment"].as_str().unwrap();
        let note = comment.lines().last().unwrap();
        let cut: u64 = note
            .strip_prefix("[… ")
            .and_then(|n| n.strip_suffix(" bytes cut]"))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{what}: no cut note at the end of {comment:?}"));
        // Almost all of the text was cut: 64 KiB of it was kept (as decoded; more as read).
        let text = size - (head.len() + tail.len()) as u64;
        assert!(
            cut <= text - 64 * 1024 && cut > text - 128 * 1024,
            "{what}: {cut} of {text}"
        );
        assert!(
            comment.contains("at com.example.Service.call(Service.java:42) &"),
            "{comment}"
        );
    }
}

#[test]
fn an_error_after_a_huge_text_names_the_right_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let head = "<testsuite>\n<testcase name=\"a\"><failure>";
    let line = "a log line of the failure, with &lt;markup&gt;\n";
    // A mismatched end tag, some way into the line after the text.
    let tail = "</failure></testcase>\n  <testcase name=\"b\"></testcas>\n</testsuite>\n";
    let position = |mib: usize| {
        let path = big_file(dir.path(), "bad.xml", head, line, tail, mib);
        let out = bare_inspect(&path);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(3), "{err}");
        let at = err.find("bad.xml:").unwrap_or_else(|| panic!("{err}")) + "bad.xml:".len();
        let mut parts = err[at..].split(':');
        let line: usize = parts.next().unwrap().parse().unwrap();
        let column: usize = parts.next().unwrap().parse().unwrap();
        (line, column)
    };
    // The lines `big_file` writes for `mib` MiB.
    let per_block = 64 * 1024 / line.len();
    let lines = |mib: usize| mib * 1024 * 1024 / (per_block * line.len()) * per_block;
    let small = position(1);
    let big = position(50);
    assert_eq!(big, (small.0 + lines(50) - lines(1), small.1), "{small:?}");
}

fn bare_inspect(path: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_testrail-report"))
        .env_clear()
        .arg("inspect")
        .arg(path)
        .output()
        .unwrap()
}
