//! Entry points and errors. The file is read into memory once (strings borrow from it where
//! they have no escapes) and its top-level array is walked one feature at a time. A
//! malformed or mistyped report is refused with the line, column and JSON path of the
//! problem (`[0].elements[2].steps[1].result.duration`).

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::de::{DeserializeSeed as _, SeqAccess, Visitor};

use super::convert::Converter;
use super::json::Feature;
use crate::report::Format;
use crate::report::error::{ReadError, ReadErrorKind};
use crate::report::model::Report;
use crate::report::sniff;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Read one Cucumber JSON file.
pub fn read_report(path: &Path) -> Result<Report, ReadError> {
    let bytes = std::fs::read(path)
        .map_err(|e| ReadError::new(path, ReadErrorKind::Io, format!("cannot read: {e}")))?;
    read_bytes(path, &bytes)
}

/// Read a Cucumber JSON report held in memory; `path` is used for messages and `Report::path`.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<Report, ReadError> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if let Some(err) = not_json(path, bytes) {
        return Err(err);
    }
    let shared: Arc<Path> = Arc::from(path);
    let mut converter = Converter::new(shared.clone());
    let mut de = serde_json::Deserializer::from_slice(bytes);
    if let Err(err) = Features(&mut converter).deserialize(&mut de) {
        // Tracking the path costs on every value, so it is done only to explain a failure.
        let mut track = serde_path_to_error::Track::new();
        let mut again = serde_json::Deserializer::from_slice(bytes);
        let tracked = serde_path_to_error::Deserializer::new(&mut again, &mut track);
        let _ = Features(&mut Converter::new(shared.clone())).deserialize(tracked);
        return Err(refusal(path, &track.path().to_string(), err));
    }
    de.end().map_err(|err| refusal(path, "", err))?;
    let (mut tests, notes) = converter.finish_notes();
    tests.shrink_to_fit();
    Ok(Report {
        warnings: notes.finish(&shared),
        path: shared,
        format: Format::Cucumber,
        tests,
    })
}

/// A file that cannot be JSON at all (forced with `--format cucumber`, say) is named for what
/// it looks like rather than for serde_json's first complaint.
fn not_json(path: &Path, bytes: &[u8]) -> Option<ReadError> {
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    if matches!(bytes[first], b'[' | b'{') {
        return None;
    }
    let head = &bytes[..bytes.len().min(sniff::HEAD)];
    let looks = match sniff::format(head) {
        Some(format) if format != Format::Cucumber => {
            format!(", which looks like {}", format.description())
        }
        _ => String::new(),
    };
    let shown = sniff::preview(&String::from_utf8_lossy(
        &head[first..head.len().min(first + 200)],
    ));
    Some(ReadError::new(
        path,
        ReadErrorKind::NotJunit,
        format!(
            "not {}: it starts with \"{shown}\"{looks}",
            Format::Cucumber.description()
        ),
    ))
}

/// The error for a report serde_json could not walk: broken JSON, or JSON of another shape.
fn refusal(path: &Path, at: &str, inner: serde_json::Error) -> ReadError {
    let (kind, what) = match inner.classify() {
        serde_json::error::Category::Data => (ReadErrorKind::NotJunit, "not Cucumber JSON"),
        serde_json::error::Category::Io => (ReadErrorKind::Io, "cannot read"),
        _ => (ReadErrorKind::Malformed, "malformed JSON"),
    };
    let mut message = format!("{what}: {}", strip_position(&inner.to_string()));
    // Only a mistyped value has a meaningful path; broken syntax ends it in `?`.
    if kind == ReadErrorKind::NotJunit && at != "." && !at.is_empty() {
        message.push_str(&format!(" (at {at})"));
    }
    let mut read = ReadError::new(path, kind, message);
    if inner.line() > 0 {
        read.position = Some((inner.line(), inner.column()));
    }
    read
}

/// serde_json ends its messages with " at line L column C"; the position is shown up front.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |at| &message[..at])
}

/// The top-level array, converted one feature at a time.
struct Features<'c>(&'c mut Converter);

impl<'de> serde::de::DeserializeSeed<'de> for Features<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Features<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(feature) = seq.next_element::<Feature<'de>>()? {
            self.0.feature(feature);
        }
        Ok(())
    }
}
