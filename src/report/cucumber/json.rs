//! The parts of Cucumber JSON we read, typed loosely enough for every writer: tags are
//! objects (`{"name": "@C1"}`) or Behave's bare strings, durations integers (nanoseconds) or
//! Behave's floats (seconds), error messages strings or Behave's lists of lines. Every other
//! field is skipped unread.

use std::borrow::Cow;

use serde::Deserialize;

/// One feature file.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Feature<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow)]
    pub uri: Option<Cow<'a, str>>,
    /// Behave's `path:line` instead of `uri`: also how Behave is told apart (its durations
    /// are seconds, not nanoseconds).
    #[serde(borrow)]
    pub location: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub elements: Vec<Element<'a>>,
}

/// A scenario, an expanded example row of an outline, or a background.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Element<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow)]
    pub keyword: Cow<'a, str>,
    /// `scenario` or `background`.
    #[serde(rename = "type", borrow)]
    pub kind: Option<Cow<'a, str>>,
    pub line: Option<u32>,
    #[serde(borrow)]
    pub tags: Vec<Tag<'a>>,
    #[serde(borrow)]
    pub before: Vec<Hook<'a>>,
    #[serde(borrow)]
    pub steps: Vec<Step<'a>>,
    #[serde(borrow)]
    pub after: Vec<Hook<'a>>,
}

/// A tag in either spelling.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Tag<'a> {
    Object {
        #[serde(borrow)]
        name: Cow<'a, str>,
    },
    Bare(#[serde(borrow)] Cow<'a, str>),
}

impl Tag<'_> {
    /// The tag without its `@`.
    pub fn name(&self) -> &str {
        let name = match self {
            Tag::Object { name } | Tag::Bare(name) => name,
        };
        name.trim().trim_start_matches('@')
    }
}

/// A step of a scenario.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Step<'a> {
    #[serde(borrow)]
    pub keyword: Cow<'a, str>,
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow)]
    pub result: Option<StepResult<'a>>,
    #[serde(borrow)]
    pub embeddings: Vec<Embedding<'a>>,
    /// cucumber-js writes its hooks as hidden steps.
    pub hidden: bool,
    /// Steps an `after` hook runs inside a step (cucumber-jvm's AfterStep).
    #[serde(borrow)]
    pub after: Vec<Hook<'a>>,
}

/// A before/after hook.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Hook<'a> {
    #[serde(borrow)]
    pub result: Option<StepResult<'a>>,
    #[serde(borrow)]
    pub embeddings: Vec<Embedding<'a>>,
}

/// How a step or hook ended.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepResult<'a> {
    #[serde(borrow)]
    pub status: Cow<'a, str>,
    pub duration: Option<f64>,
    #[serde(borrow)]
    pub error_message: Option<Message<'a>>,
}

/// An error message in either spelling.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Message<'a> {
    Text(#[serde(borrow)] Cow<'a, str>),
    Lines(#[serde(borrow)] Vec<Cow<'a, str>>),
}

impl Message<'_> {
    /// The whole message as one text.
    pub fn text(&self) -> String {
        match self {
            Message::Text(t) => t.to_string(),
            Message::Lines(lines) => lines.join("\n"),
        }
    }
}

/// A file embedded in the report: base64 `data` with a media type.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Embedding<'a> {
    #[serde(borrow)]
    pub data: Cow<'a, str>,
    #[serde(borrow)]
    pub mime_type: Option<Cow<'a, str>>,
    /// cucumber-js writes `media: {type}` instead of `mime_type`.
    #[serde(borrow)]
    pub media: Option<Media<'a>>,
    #[serde(borrow)]
    pub name: Option<Cow<'a, str>>,
}

/// cucumber-js's media description.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Media<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
}
