//! Recognising what a file is before and while parsing: UTF-16 input (transcoded up front),
//! and the formats that are XML but not JUnit, so the error can say what the file looks like.

use super::model::Format;

/// The byte-order mark or first bytes of UTF-16 input, if the data is UTF-16.
pub fn utf16(bytes: &[u8]) -> Option<Utf16> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(Utf16 { le: true, bom: 2 }),
        [0xFE, 0xFF, ..] => Some(Utf16 { le: false, bom: 2 }),
        [b'<', 0, b'?' | b'!' | b'a'..=b'z' | b'A'..=b'Z', 0, ..] => {
            Some(Utf16 { le: true, bom: 0 })
        }
        [0, b'<', 0, b'?' | b'!' | b'a'..=b'z' | b'A'..=b'Z', ..] => {
            Some(Utf16 { le: false, bom: 0 })
        }
        _ => None,
    }
}

/// How UTF-16 input is laid out.
#[derive(Debug, Clone, Copy)]
pub struct Utf16 {
    le: bool,
    bom: usize,
}

impl Utf16 {
    /// The input as UTF-8; unpaired surrogates become U+FFFD.
    pub fn transcode(self, bytes: &[u8]) -> String {
        let units = bytes[self.bom..].chunks_exact(2).map(|pair| {
            let pair = [pair[0], pair[1]];
            if self.le {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    }
}

/// How much of a file is looked at to tell its format.
pub const HEAD: usize = 8 * 1024;

/// The format the start of a file suggests: JSON that starts with `[` is Cucumber, XML whose
/// root is `<robot>` is a Robot Framework output.xml, anything else goes to the JUnit reader
/// (which reads JUnit and explains what everything else looks like).
pub fn format(head: &[u8]) -> Format {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|i| head[i]) {
        Some(b'[') => Format::Cucumber,
        Some(b'<') if root_name(head) == Some(b"robot".as_slice()) => Format::Robot,
        _ => Format::Junit,
    }
}

/// The name of the first element, past the declaration, comments and DOCTYPE, if the head
/// holds it.
fn root_name(head: &[u8]) -> Option<&[u8]> {
    let mut rest = head;
    loop {
        let at = memchr::memchr(b'<', rest)?;
        rest = &rest[at + 1..];
        let skip_to: &[u8] = match rest.first()? {
            b'?' => b"?>",
            b'!' if rest.starts_with(b"!--") => b"-->",
            b'!' => b">",
            _ => {
                let end = rest
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
                    .unwrap_or(rest.len());
                return Some(&rest[..end]);
            }
        };
        let end = memchr::memmem::find(rest, skip_to)?;
        rest = &rest[end + skip_to.len()..];
    }
}

/// The JUnit root elements.
pub fn is_junit_root(name: &[u8]) -> bool {
    matches!(name, b"testsuites" | b"testsuite" | b"testrun")
}

/// What a non-JUnit root element suggests the file is.
pub fn describe_root(name: &str, namespace: Option<&str>) -> String {
    let local = name.rsplit(':').next().unwrap_or(name);
    let guess = match (local, namespace) {
        ("testsuites" | "testsuite", Some(ns)) if ns.contains("check.sourceforge") => {
            "the Check unit-test framework's XML output"
        }
        ("testsuites" | "testsuite", Some(_)) => "a namespaced look-alike of JUnit",
        ("test-suite", _) if name.contains(':') || namespace.is_some() => "an Allure 1 result file",
        ("test-run", _) => "an NUnit 3 result file",
        ("test-results", _) | ("test-suite", _) => "an NUnit 2 result file",
        ("TestRun", _) => "a Visual Studio TRX file",
        ("assemblies" | "assembly", _) => "an xUnit.net v2 result file",
        ("coverage", _) => "a Cobertura coverage report",
        ("report", _) => "a JaCoCo coverage report",
        ("robot", _) => "a Robot Framework output.xml",
        ("testng-results", _) => "a TestNG result file",
        ("Site", _) => "a CTest dashboard file (use `ctest --output-junit`)",
        ("Result", _) => "an Android CTS result file",
        ("TestLog", _) => "a Boost.Test log",
        ("TestCase", _) => "a Qt Test result file",
        ("CUNIT_TEST_RUN_REPORT", _) => "a CUnit result file",
        ("gtester", _) => "a GLib gtester log",
        ("failsafe-summary", _) => "a Maven Failsafe summary (read the TEST-*.xml files instead)",
        ("result", _) => "a Jenkins junitResult.xml",
        ("testcase", _) => "a single testcase without a testsuite",
        _ => "some other XML format",
    };
    let shown = match namespace {
        Some(ns) => format!("<{name} xmlns=\"{ns}\">"),
        None => format!("<{name}>"),
    };
    format!(
        "not a JUnit report: the root element is {shown}, which looks like {guess} \
         (expected <testsuites>, <testsuite> or <testrun>)"
    )
}

/// The start of non-XML content, for the error message.
pub fn preview(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("");
    let mut shown: String = line.chars().take(40).collect();
    if shown.len() < line.len() {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_is_recognised_with_and_without_bom() {
        let le: Vec<u8> = "\u{FEFF}<a>é</a>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(utf16(&le).unwrap().transcode(&le), "<a>é</a>");
        let be: Vec<u8> = "<a/>".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(utf16(&be).unwrap().transcode(&be), "<a/>");
        assert!(utf16(b"<?xml").is_none());
    }

    #[test]
    fn robot_and_cucumber_are_told_from_junit() {
        let robot =
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- x <y> -->\n<robot generator=\"Robot 7\">";
        assert_eq!(format(robot), Format::Robot);
        assert_eq!(
            format(b"  \n[{\"keyword\": \"Feature\"}]"),
            Format::Cucumber
        );
        assert_eq!(format(b"<testsuites>"), Format::Junit);
        assert_eq!(format(b"<robotics/>"), Format::Junit);
        assert_eq!(format(b"<!DOCTYPE robot><robot/>"), Format::Robot);
        assert_eq!(format(b"{}"), Format::Junit);
        assert_eq!(format(b""), Format::Junit);
    }

    #[test]
    fn lookalikes_are_named() {
        assert!(describe_root("test-run", None).contains("NUnit 3"));
        assert!(describe_root("TestRun", None).contains("TRX"));
        assert!(describe_root("robot", None).contains("Robot Framework"));
        let check = describe_root("testsuites", Some("http://check.sourceforge.net/ns"));
        assert!(check.contains("Check"), "{check}");
    }
}
