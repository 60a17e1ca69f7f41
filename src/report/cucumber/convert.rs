//! From one deserialized feature to tests: outcome, duration, failure, steps, case-ID
//! properties and embedded files.
//!
//! Outcomes follow Cucumber's own default since cucumber-jvm 7 and cucumber-js 7 ("strict"):
//! a pending, undefined or ambiguous step fails the scenario, as a failed step does. A
//! scenario whose steps were all skipped is skipped.

use std::path::Path;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::json::{Element, Embedding, Feature, Hook, StepResult};
use crate::report::model::{Embedded, Outcome, Property, Record, RecordKind, Step, TestCase, Text};
use crate::report::notes::Notes;
use crate::report::text::TEXT_CAP;

/// The most embedded bytes kept for one report; past it, files are dropped with a warning,
/// so a report full of videos cannot exhaust memory before anything is sent.
pub const EMBEDDED_CAP: usize = 64 * 1024 * 1024;

/// What converting a report's features keeps between features.
pub struct Converter {
    path: Arc<Path>,
    pub tests: Vec<TestCase>,
    pub notes: Notes,
    embedded_bytes: usize,
    dropped_embeddings: usize,
}

impl Converter {
    /// A converter for one report file.
    pub fn new(path: Arc<Path>) -> Converter {
        Converter {
            path,
            tests: Vec::new(),
            notes: Notes::default(),
            embedded_bytes: 0,
            dropped_embeddings: 0,
        }
    }

    /// Turn one feature's scenarios into tests.
    pub fn feature(&mut self, feature: Feature<'_>) {
        let behave = feature.uri.is_none() && feature.location.is_some();
        let source = feature
            .uri
            .as_deref()
            .or(feature
                .location
                .as_deref()
                .map(|l| l.rsplit_once(':').map_or(l, |p| p.0)))
            .map(str::to_owned);
        let suite: Arc<[String]> = Arc::from(vec![feature.name.trim().to_owned()]);
        let classname: Arc<str> = Arc::from(feature.name.trim());
        let mut background: Option<Scenario> = None;
        let mut outline_rows: Vec<(String, usize)> = Vec::new();
        for element in &feature.elements {
            let mut scenario = Scenario::default();
            scenario.element(element, behave);
            if element.kind.as_deref() == Some("background") {
                background = Some(scenario);
                continue;
            }
            if let Some(bg) = background.take() {
                scenario = bg.then(scenario);
            }
            let name = self.test_name(element, &mut outline_rows);
            let mut test = TestCase::new(self.path.clone(), suite.clone(), classname.clone(), name);
            let steps = std::mem::take(&mut scenario.steps);
            test.time = scenario.timed.then_some(scenario.seconds);
            test.outcome = outcome(&steps, scenario.hook_failed);
            if let Some(record) = scenario.record(test.outcome) {
                test.records.push(record);
            }
            let details = test.details_mut();
            details.source_file = source.clone();
            details.line = element.line;
            details.properties = element
                .tags
                .iter()
                .filter_map(|t| case_tag(t.name()))
                .collect();
            details.steps = steps;
            details.embedded = self.embedded(&scenario.embeddings);
            self.tests.push(test);
        }
    }

    /// The scenario's name; expanded outline rows that share one get ` (example N)`.
    fn test_name(&self, element: &Element<'_>, rows: &mut Vec<(String, usize)>) -> String {
        let name = element.name.trim().to_owned();
        // Behave already names each row (`Name -- @1.1 Examples`).
        if !element.keyword.contains("Outline") || name.contains(" -- @") {
            return name;
        }
        let n = match rows.iter_mut().find(|(seen, _)| *seen == name) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                rows.push((name.clone(), 1));
                1
            }
        };
        format!("{name} (example {n})")
    }

    /// Decode the scenario's embeddings, within the report's cap.
    fn embedded(&mut self, embeddings: &[&Embedding<'_>]) -> Vec<Embedded> {
        let mut out = Vec::new();
        for (i, e) in embeddings.iter().enumerate() {
            let media_type = e
                .mime_type
                .as_deref()
                .or(e.media.as_ref().map(|m| &*m.kind))
                .unwrap_or("application/octet-stream")
                .to_owned();
            // Text attachments are sometimes written as plain text rather than base64.
            let data = STANDARD
                .decode(e.data.trim())
                .unwrap_or_else(|_| e.data.as_bytes().to_vec());
            if self.embedded_bytes + data.len() > EMBEDDED_CAP {
                self.dropped_embeddings += 1;
                continue;
            }
            self.embedded_bytes += data.len();
            let name = match e.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                Some(n) => n.to_owned(),
                None => format!("embedding-{}.{}", i + 1, extension(&media_type)),
            };
            out.push(Embedded {
                name,
                media_type,
                data: Arc::from(data),
            });
        }
        out
    }

    /// The warnings, once every feature is read.
    pub fn finish_notes(mut self) -> (Vec<TestCase>, Notes) {
        if self.dropped_embeddings > 0 {
            self.notes.push(format!(
                "{} embedded file(s) dropped: the report embeds more than {} MiB",
                self.dropped_embeddings,
                EMBEDDED_CAP >> 20
            ));
        }
        (self.tests, self.notes)
    }
}

/// What the steps and hooks of one element add up to.
#[derive(Default)]
struct Scenario<'e, 'a> {
    steps: Vec<Step>,
    seconds: f64,
    timed: bool,
    hook_failed: bool,
    /// The first failure: what failed (`Given x`, `After hook`) and its error message.
    problem: Option<(String, Option<String>)>,
    embeddings: Vec<&'e Embedding<'a>>,
}

impl<'e, 'a> Scenario<'e, 'a> {
    /// A background (as cucumber-jvm and cucumber-ruby write it before each scenario)
    /// followed by the scenario it ran for.
    fn then(mut self, mut next: Scenario<'e, 'a>) -> Scenario<'e, 'a> {
        self.steps.append(&mut next.steps);
        self.seconds += next.seconds;
        self.timed |= next.timed;
        self.hook_failed |= next.hook_failed;
        self.problem = self.problem.or(next.problem);
        self.embeddings.append(&mut next.embeddings);
        self
    }

    fn element(&mut self, element: &'e Element<'a>, behave: bool) {
        for hook in &element.before {
            self.hook(hook, "Before hook", behave);
        }
        for step in &element.steps {
            if step.hidden {
                let what = format!("{} hook", step.keyword.trim());
                let status = self.result(step.result.as_ref(), &what, behave);
                self.hook_failed |= status == Outcome::Failed;
                self.embeddings.extend(step.embeddings.iter());
                continue;
            }
            let content = format!("{} {}", step.keyword.trim(), step.name.trim());
            let status = self.result(step.result.as_ref(), &content, behave);
            self.embeddings.extend(step.embeddings.iter());
            for hook in &step.after {
                self.hook(hook, "AfterStep hook", behave);
            }
            self.steps.push(Step {
                content: content.trim().to_owned(),
                outcome: status,
            });
        }
        for hook in &element.after {
            self.hook(hook, "After hook", behave);
        }
    }

    fn hook(&mut self, hook: &'e Hook<'a>, what: &str, behave: bool) {
        let status = self.result(hook.result.as_ref(), what, behave);
        self.hook_failed |= status == Outcome::Failed;
        self.embeddings.extend(hook.embeddings.iter());
    }

    /// Add a step's or hook's time and note the first failure; its outcome.
    fn result(&mut self, result: Option<&StepResult<'_>>, what: &str, behave: bool) -> Outcome {
        let Some(result) = result else {
            return Outcome::Skipped;
        };
        if let Some(d) = result.duration.filter(|d| d.is_finite() && *d >= 0.0) {
            self.seconds += if behave { d } else { d / 1e9 };
            self.timed = true;
        }
        let status = result.status.trim().to_ascii_lowercase();
        let outcome = match status.as_str() {
            "passed" => Outcome::Passed,
            "skipped" | "" => Outcome::Skipped,
            _ => Outcome::Failed,
        };
        if outcome == Outcome::Failed && self.problem.is_none() {
            let message = result.error_message.as_ref().map(|m| m.text());
            let headline = match status.as_str() {
                "failed" => what.to_owned(),
                other => format!("{what} ({other})"),
            };
            self.problem = Some((headline, message));
        }
        outcome
    }

    /// The failure or skip record for the test's outcome.
    fn record(&mut self, outcome: Outcome) -> Option<Record> {
        match outcome {
            Outcome::Failed | Outcome::Error => {
                let (what, message) = self.problem.take()?;
                let message = message.unwrap_or_default();
                let first = message.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                let headline = if first.is_empty() {
                    format!("failed at {what}")
                } else {
                    format!("{}: failed at {what}", cap(first.trim()))
                };
                Some(Record {
                    kind: RecordKind::Failure,
                    kind_name: None,
                    message: Some(headline),
                    body: Text {
                        truncated: message.len() > TEXT_CAP,
                        text: cap(message.trim()),
                    },
                })
            }
            Outcome::Skipped => Some(Record {
                kind: RecordKind::Skipped,
                kind_name: None,
                message: None,
                body: Text::default(),
            }),
            Outcome::Passed => None,
        }
    }
}

/// The scenario's outcome: any failure (or failed hook) fails it; all steps skipped skips it.
fn outcome(steps: &[Step], hook_failed: bool) -> Outcome {
    if hook_failed || steps.iter().any(|s| s.outcome == Outcome::Failed) {
        Outcome::Failed
    } else if !steps.is_empty() && steps.iter().all(|s| s.outcome == Outcome::Skipped) {
        Outcome::Skipped
    } else {
        Outcome::Passed
    }
}

/// A case-ID tag (`@C123`, `@testrail-C123`) as the property the JUnit reader would give.
fn case_tag(tag: &str) -> Option<Property> {
    let id = tag
        .strip_prefix("testrail-")
        .or_else(|| tag.strip_prefix("testrail_"))
        .unwrap_or(tag);
    let digits = id.strip_prefix(['C', 'c'])?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| Property {
        name: "testrail_case_id".into(),
        value: id.to_owned(),
    })
}

/// A file extension for a media type, for embeddings without a name.
fn extension(media_type: &str) -> &str {
    match media_type.split(';').next().unwrap_or("").trim() {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/svg+xml" => "svg",
        "image/webp" => "webp",
        "video/mp4" => "mp4",
        "video/webm" => "webm",
        "text/plain" => "txt",
        "text/html" => "html",
        "application/json" => "json",
        "application/pdf" => "pdf",
        "text/xml" | "application/xml" => "xml",
        _ => "bin",
    }
}

/// At most [`TEXT_CAP`] bytes, cut at a character boundary.
fn cap(s: &str) -> String {
    let mut cut = s.len().min(TEXT_CAP);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s[..cut].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_tags_in_every_spelling() {
        for tag in ["C12", "testrail-C12", "testrail_c12"] {
            let p = case_tag(tag).unwrap_or_else(|| panic!("{tag}"));
            assert_eq!(p.name, "testrail_case_id");
            assert!(p.value.eq_ignore_ascii_case("C12"), "{tag}");
        }
        for tag in ["smoke", "C", "C12a", "testrail-", "xC1"] {
            assert!(case_tag(tag).is_none(), "{tag}");
        }
    }

    #[test]
    fn extensions_for_common_media() {
        assert_eq!(extension("image/png"), "png");
        assert_eq!(extension("text/plain;charset=utf-8"), "txt");
        assert_eq!(extension("x/y"), "bin");
    }
}
