//! The format-neutral entry points: read one file or one buffer with the reader its format
//! needs. The format is forced (`--format`) or sniffed from the first bytes; what shows no
//! format goes to the JUnit reader, which says what the file looks like.

use std::io::Read;
use std::path::Path;

use super::error::{ReadError, ReadErrorKind};
use super::format::Format;
use super::model::Report;
use super::xml::Input;
use super::{cucumber, dotnet, junit, robot, sniff, suite_hint};

/// Read one report file in the format its first bytes show, using every core for a large
/// one.
pub fn read_report(path: &Path) -> Result<Report, ReadError> {
    read_report_with(path, available_cores(), None)
}

/// Read one report file in `format` (`None`: sniffed), using up to `cores` cores.
pub(super) fn read_report_with(
    path: &Path,
    cores: usize,
    format: Option<Format>,
) -> Result<Report, ReadError> {
    let format = match format {
        Some(format) => format,
        None => sniff_file(path)?,
    };
    match format {
        Format::Junit => junit::read_report(path, cores),
        Format::Trx => dotnet::trx::read(path, Input::File).map(with_hints),
        Format::Nunit => dotnet::nunit::read(path, Input::File).map(with_hints),
        Format::Xunit => dotnet::xunit::read(path, Input::File).map(with_hints),
        Format::Robot => robot::read_report(path).map(with_hints),
        Format::Cucumber => cucumber::read_report(path).map(with_hints),
    }
}

/// A report of a format whose reader does not read suite hints itself, with them read.
fn with_hints(mut report: Report) -> Report {
    suite_hint::from_properties(&mut report);
    report
}

/// Read a report held in memory; `path` is used for messages and `Report::path`.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<Report, ReadError> {
    read_bytes_as(path, bytes, None)
}

/// Read a report held in memory in `format` (`None`: sniffed from the bytes).
pub fn read_bytes_as(
    path: &Path,
    bytes: &[u8],
    format: Option<Format>,
) -> Result<Report, ReadError> {
    let format = format.unwrap_or_else(|| {
        sniff::format(&bytes[..bytes.len().min(sniff::HEAD)]).unwrap_or(Format::Junit)
    });
    let read = match format {
        Format::Junit => return junit::read_bytes(path, bytes),
        Format::Trx => dotnet::trx::read(path, Input::Bytes(bytes)),
        Format::Nunit => dotnet::nunit::read(path, Input::Bytes(bytes)),
        Format::Xunit => dotnet::xunit::read(path, Input::Bytes(bytes)),
        Format::Robot => robot::read_bytes(path, bytes),
        Format::Cucumber => cucumber::read_bytes(path, bytes),
    };
    read.map(with_hints)
}

/// The format a file's first bytes show; JUnit when they show none, so its reader explains.
fn sniff_file(path: &Path) -> Result<Format, ReadError> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
    let mut head = Vec::with_capacity(sniff::HEAD);
    file.take(sniff::HEAD as u64)
        .read_to_end(&mut head)
        .map_err(|e| io_error(path, &e))?;
    Ok(sniff::format(&head).unwrap_or(Format::Junit))
}

fn io_error(path: &Path, err: &std::io::Error) -> ReadError {
    ReadError::new(path, ReadErrorKind::Io, format!("cannot read: {err}"))
}

/// The cores this process may use.
pub(super) fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROBOT: &[u8] = b"<?xml version='1.0'?>\n<robot generator='Robot 7.0'><suite/></robot>";

    #[test]
    fn each_sniffed_format_goes_to_its_reader() {
        let report = read_bytes(Path::new("output.xml"), ROBOT).unwrap();
        assert_eq!(report.format, Format::Robot);
        let report = read_bytes(Path::new("c.json"), b"[]").unwrap();
        assert_eq!(report.format, Format::Cucumber);
        let trx = b"<TestRun xmlns='http://microsoft.com/schemas/VisualStudio/TeamTest/2010'/>";
        let report = read_bytes(Path::new("r.trx"), trx).unwrap();
        assert_eq!(report.format, Format::Trx);
    }

    #[test]
    fn a_forced_format_overrides_the_sniffed_one() {
        let junit = b"<testsuite><testcase name='a'/></testsuite>";
        let report = read_bytes_as(Path::new("r.xml"), junit, Some(Format::Junit)).unwrap();
        assert_eq!((report.format, report.tests.len()), (Format::Junit, 1));
        let err = read_bytes_as(Path::new("r.xml"), junit, Some(Format::Cucumber)).unwrap_err();
        assert!(err.to_string().contains("Cucumber"), "{err}");
        // Forced JUnit on a Robot file: the JUnit reader's own refusal, naming the root.
        let err = read_bytes_as(Path::new("o.xml"), ROBOT, Some(Format::Junit)).unwrap_err();
        assert!(err.to_string().contains("root element is <robot>"), "{err}");
    }

    #[test]
    fn files_are_sniffed_like_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("output.xml");
        std::fs::write(&path, ROBOT).unwrap();
        assert_eq!(read_report(&path).unwrap().format, Format::Robot);
        let missing = read_report(&dir.path().join("nope.xml")).unwrap_err();
        assert_eq!(missing.kind, ReadErrorKind::Io);
    }

    #[test]
    fn every_xml_format_streams_a_file_and_cuts_a_huge_text_with_a_note() {
        let big = "x".repeat(3 << 20);
        let trx = "xmlns='http://microsoft.com/schemas/VisualStudio/TeamTest/2010'";
        let docs = [
            format!(
                "<testsuite><testcase name='t'><failure>{big}</failure></testcase></testsuite>"
            ),
            format!(
                "<test-run><test-case name='t' result='Failed'><failure><message>{big}\
                 </message></failure></test-case></test-run>"
            ),
            format!(
                "<assemblies><assembly name='a'><collection><test name='t' result='Fail'>\
                 <failure><message>{big}</message></failure></test></collection></assembly>\
                 </assemblies>"
            ),
            format!(
                "<TestRun {trx}><Results><UnitTestResult testName='t' outcome='Failed' \
                 testId='1'><Output><ErrorInfo><Message>{big}</Message></ErrorInfo></Output>\
                 </UnitTestResult></Results></TestRun>"
            ),
            format!(
                "<robot generator='Robot 7.0'><suite name='s'><test name='t'>\
                 <status status='FAIL'>{big}</status></test></suite></robot>"
            ),
        ];
        let dir = tempfile::tempdir().unwrap();
        for (i, xml) in docs.iter().enumerate() {
            let path = dir.path().join(format!("r{i}.xml"));
            std::fs::write(&path, xml).unwrap();
            let report = read_report(&path).unwrap();
            let shown = format!("{:?}", report.tests);
            assert!(
                shown.contains(" bytes cut]"),
                "{:?}: {}",
                report.format,
                &shown[..200]
            );
            assert!(shown.len() < 100_000, "{:?}", report.format);
        }
    }
}
