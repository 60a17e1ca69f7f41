//! The .NET test result formats: Visual Studio TRX (`trx`), NUnit's result XML (`nunit`)
//! and xUnit.net's (`xunit`). Each is driven by `report::xml` and fills the same model as
//! JUnit; the helpers here are what the three share: durations, categories and traits as
//! properties the mapping understands, and capped text.

pub mod nunit;
pub mod trx;
pub mod xunit;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::report::model::{Outcome, Property, Record, RecordKind, TestCase, Text};
use crate::report::notes::Notes;
use crate::report::text::TextBuf;
use crate::report::xml::{Fail, Tag};

/// A duration in seconds (`0.0123`), as NUnit and xUnit.net write it.
pub(super) fn seconds(value: &str) -> Option<f64> {
    let v: f64 = value.trim().parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v)
}

/// A .NET `TimeSpan` (`[d.]hh:mm:ss[.fffffff]`), as TRX writes durations.
pub(super) fn timespan(value: &str) -> Option<f64> {
    let value = value.trim();
    let (days, clock) = match value.split_once(':') {
        Some((head, _)) if head.contains('.') => {
            let (d, _) = head.split_once('.')?;
            (d.parse::<u32>().ok()?, &value[d.len() + 1..])
        }
        _ => (0, value),
    };
    let mut parts = clock.split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    let s = seconds(s)?;
    Some(f64::from(days) * 86_400.0 + f64::from(h) * 3_600.0 + f64::from(m) * 60.0 + s)
}

/// Properties for a category or trait. A category has no name of its own, so one written
/// `testrail_case_id:C12` (or `=`) also becomes the property `testrail_case_id` = `C12`,
/// which the mapping and the result fields read like a JUnit `<property>`.
pub(super) fn category(name: &str, value: &str, out: &mut Vec<Property>) {
    out.push(Property {
        name: name.to_owned(),
        value: value.to_owned(),
    });
    if let Some((key, rest)) = value.split_once([':', '='])
        && !key.trim().is_empty()
        && !key.trim().contains(char::is_whitespace)
    {
        out.push(Property {
            name: key.trim().to_owned(),
            value: rest.trim().to_owned(),
        });
    }
}

/// The `name` and `value` attributes of an NUnit property or an xUnit.net trait.
pub(super) fn name_value(
    tag: &Tag,
    notes: &mut Notes,
) -> Result<(Option<String>, Option<String>), Fail> {
    let (mut name, mut value) = (None, None);
    tag.attrs(notes, |key, v| match key {
        b"name" => name = Some(v.into_owned()),
        b"value" => value = Some(v.into_owned()),
        _ => {}
    })?;
    Ok((name, value))
}

/// A named property, or a category when it is named so.
pub(super) fn property(name: String, value: String, out: &mut Vec<Property>) {
    if name.eq_ignore_ascii_case("category") {
        category(&name, &value, out);
    } else {
        out.push(Property { name, value });
    }
}

/// The last part of a Windows or Unix path: an assembly's name without its build folder.
pub(super) fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The names of the open suites, and the path the tests of the innermost one share.
#[derive(Default)]
pub(super) struct Suites {
    names: Vec<String>,
    shared: Option<Arc<[String]>>,
}

impl Suites {
    /// A suite opens.
    pub fn push(&mut self, name: String) {
        self.names.push(name);
        self.shared = None;
    }

    /// The innermost suite closes.
    pub fn pop(&mut self) {
        self.names.pop();
        self.shared = None;
    }

    /// The path of the open suites, outermost first, shared by their tests.
    pub fn path(&mut self) -> Arc<[String]> {
        let names = &self.names;
        self.shared
            .get_or_insert_with(|| Arc::from(names.as_slice()))
            .clone()
    }
}

/// A test's time from the attribute `attr`, parsed by `parse`; a value that does not parse
/// leaves the time unknown, with a counted warning.
pub(super) fn set_time(
    test: &mut TestCase,
    value: Option<String>,
    attr: &str,
    parse: fn(&str) -> Option<f64>,
    notes: &mut Notes,
) {
    let Some(value) = value else { return };
    test.time = parse(&value);
    if test.time.is_none() {
        notes.bad_time(|| format!("{attr}=\"{value}\" on test \"{}\"", test.name));
    }
}

/// A collected field, trimmed, with a warning when it was cut at the cap.
pub(super) fn finish(buf: Option<TextBuf>, notes: &mut Notes, test: &str) -> Option<Text> {
    let text = buf?.finish(true);
    if text.truncated {
        notes.truncated(|| format!("test \"{test}\""));
    }
    Some(text)
}

/// The texts a test's result element carries, collected while it is read.
#[derive(Default)]
pub(super) struct Texts {
    /// The failure message (or a skip's, in TRX).
    pub message: Option<TextBuf>,
    /// The stack trace.
    pub trace: Option<TextBuf>,
    /// Why a test was skipped.
    pub reason: Option<TextBuf>,
}

impl Texts {
    /// Give `test` the record its outcome calls for: none for a pass, the reason (or else
    /// the message) of a skip, the message and trace of a failure or error.
    pub fn record(self, test: &mut TestCase, kind_name: Option<String>, notes: &mut Notes) {
        let name = test.name.as_str();
        let message = finish(self.message, notes, name);
        let trace = finish(self.trace, notes, name);
        let reason = finish(self.reason, notes, name);
        let (kind, message, body) = match test.outcome {
            Outcome::Passed => return,
            Outcome::Skipped => (RecordKind::Skipped, reason.or(message), None),
            Outcome::Failed => (RecordKind::Failure, message, trace),
            Outcome::Error => (RecordKind::Error, message, trace),
        };
        test.records.push(Record {
            kind,
            kind_name: kind_name.filter(|k| !k.is_empty()),
            message: message.map(|m| m.text).filter(|m| !m.is_empty()),
            body: body.unwrap_or_default(),
        });
    }
}
