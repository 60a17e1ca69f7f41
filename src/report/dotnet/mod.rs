//! The .NET test result formats: Visual Studio TRX (`trx`), NUnit's result XML (`nunit`)
//! and xUnit.net's (`xunit`). Each is driven by `report::xml` and fills the same model as
//! JUnit; the helpers here are what the three share: durations, categories and traits as
//! properties the mapping understands, and capped text.

pub mod nunit;
pub mod trx;
pub mod xunit;

#[cfg(test)]
mod tests;

use crate::report::model::{Property, Record, RecordKind, Text};
use crate::report::notes::Notes;
use crate::report::text::TextBuf;

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

/// The last part of a Windows or Unix path: an assembly's name without its build folder.
pub(super) fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Append text to a field being collected.
pub(super) fn keep(buf: &mut Option<TextBuf>, text: &str, cut: bool) {
    if let Some(buf) = buf {
        buf.push(text);
        if cut {
            buf.mark_truncated();
        }
    }
}

/// How much more text a field being collected keeps.
pub(super) fn room(buf: &Option<TextBuf>) -> usize {
    match buf {
        Some(buf) if !buf.is_full() => buf.remaining(),
        _ => 0,
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

/// A failure, error or skip record from a message and a stack trace or reason.
pub(super) fn record(
    kind: RecordKind,
    kind_name: Option<String>,
    message: Option<Text>,
    body: Option<Text>,
) -> Record {
    Record {
        kind,
        kind_name,
        message: message.map(|m| m.text).filter(|m| !m.is_empty()),
        body: body.unwrap_or_default(),
    }
}
