//! Recognising what a file is before and while parsing: its format from the first bytes
//! (so `read` picks the reader), UTF-16 input (transcoded up front), and the XML formats no
//! reader takes, so the error can say what the file looks like.

use quick_xml::events::Event;

use super::format::Format;

/// How much of a file is looked at to tell its format: the root element comes first, after
/// at most a declaration, a few comments or a stylesheet instruction.
pub const HEAD: usize = 64 * 1024;

/// The format a report's first bytes show: JSON is Cucumber, and XML goes by its root
/// element. `None` when they show neither (empty, not XML, broken before the root): the
/// JUnit reader then says what is wrong, as it always has.
pub fn format(head: &[u8]) -> Option<Format> {
    let transcoded;
    let mut bytes = head;
    if let Some(utf16) = utf16(head) {
        transcoded = utf16.transcode(head);
        bytes = transcoded.as_bytes();
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace())?;
    if matches!(first, b'{' | b'[') {
        return Some(Format::Cucumber);
    }
    let mut reader = quick_xml::Reader::from_reader(bytes);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => return Some(root_format(e.name().as_ref())),
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// The format a root element names. A prefixed name (`ns2:test-suite`, Allure 1) is
/// none of ours, and anything unknown goes to the JUnit reader, which names it.
fn root_format(name: &[u8]) -> Format {
    match name {
        b"TestRun" => Format::Trx,
        b"test-run" | b"test-results" | b"test-suite" => Format::Nunit,
        b"assemblies" | b"assembly" => Format::Xunit,
        b"robot" => Format::Robot,
        _ => Format::Junit,
    }
}

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

/// The JUnit root elements.
pub fn is_junit_root(name: &[u8]) -> bool {
    matches!(name, b"testsuites" | b"testsuite" | b"testrun")
}

/// What a non-JUnit root element suggests the file is.
pub fn describe_root(name: &str, namespace: Option<&str>) -> String {
    let guess = looks_like(name, namespace);
    let shown = match namespace {
        Some(ns) => format!("<{name} xmlns=\"{ns}\">"),
        None => format!("<{name}>"),
    };
    format!(
        "not a JUnit report: the root element is {shown}, which looks like {guess} \
         (expected <testsuites>, <testsuite> or <testrun>)"
    )
}

/// What a root element (with its default namespace, if any) suggests the file is.
pub fn looks_like(name: &str, namespace: Option<&str>) -> &'static str {
    let local = name.rsplit(':').next().unwrap_or(name);
    match (local, namespace) {
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
        ("testsuites" | "testsuite" | "testrun", None) => "a JUnit XML report",
        _ => "some other XML format",
    }
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
    fn formats_are_told_by_their_root_element() {
        let cases: &[(&str, Option<Format>)] = &[
            (
                "<?xml version='1.0'?>\n<!-- c --><testsuites/>",
                Some(Format::Junit),
            ),
            (
                "<TestRun xmlns='http://microsoft.com/schemas'>",
                Some(Format::Trx),
            ),
            ("\u{FEFF}<test-run id='2'>", Some(Format::Nunit)),
            ("<test-results>", Some(Format::Nunit)),
            ("<assemblies>", Some(Format::Xunit)),
            ("<assembly name='a.dll'>", Some(Format::Xunit)),
            ("<robot generator='Robot 7.0'>", Some(Format::Robot)),
            ("  [{\"elements\": []}]", Some(Format::Cucumber)),
            (
                "\u{FEFF}<?xml version=\"1.0\"?>\n<!-- x <y> -->\n<robot generator=\"Robot 7\">",
                Some(Format::Robot),
            ),
            ("<!DOCTYPE robot><robot/>", Some(Format::Robot)),
            ("<robotics/>", Some(Format::Junit)),
            (
                "<ns2:test-suite xmlns:ns2='urn:allure'>",
                Some(Format::Junit),
            ),
            ("<coverage>", Some(Format::Junit)),
            ("", None),
            ("hello", None),
        ];
        for (head, want) in cases {
            assert_eq!(format(head.as_bytes()), *want, "{head}");
        }
        let utf16: Vec<u8> = "<test-run/>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(format(&utf16), Some(Format::Nunit));
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
