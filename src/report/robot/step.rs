//! One top-level body item of a test (a keyword call or a control structure), collected while
//! its element is open and written the way it reads in a `.robot` file: `${x} =    Get Value
//! arg`, `FOR    ${i}    IN RANGE    3`, `IF    $x > 1`, `VAR    ${y}    z`.

use crate::report::model::{Outcome, Step};

/// Robot's own separator between the cells of a line.
const SEP: &str = "    ";

/// The most characters kept of a step's content: a keyword with a megabyte argument must not
/// make a megabyte step result.
const CONTENT_CAP: usize = 2000;

/// What kind of body item it is, which decides how its parts are put together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `<kw>`: assigned variables, the name, the arguments.
    Keyword,
    /// `<for>`: the loop variables, the flavor, the values.
    For,
    /// `<var>` (RF 7's VAR statement): the name, the values.
    Var,
    /// Everything else: the word, a condition, values.
    Other,
}

/// A step being read.
#[derive(Debug)]
pub struct StepBuilder {
    kind: Kind,
    /// The keyword name, or the control word (`WHILE`) with its condition.
    head: String,
    /// `${x}` assigned by a keyword, or the variables of a FOR loop.
    vars: Vec<String>,
    /// FOR's `IN`, `IN RANGE`, …
    flavor: Option<String>,
    /// Arguments or values.
    args: Vec<String>,
    /// From the step's own `<status>`.
    pub outcome: Option<Outcome>,
}

impl StepBuilder {
    /// A step of `kind` starting with `head`.
    pub fn new(kind: Kind, head: String, flavor: Option<String>) -> StepBuilder {
        StepBuilder {
            kind,
            head,
            vars: Vec::new(),
            flavor,
            args: Vec::new(),
            outcome: None,
        }
    }

    /// An `<arg>` or `<value>`.
    pub fn arg(&mut self, text: String) {
        self.args.push(text);
    }

    /// A `<var>` child: an assigned variable, a loop variable, or a VAR statement's value.
    pub fn var(&mut self, text: String) {
        match self.kind {
            Kind::Var => self.args.push(text),
            _ => self.vars.push(text),
        }
    }

    /// IF's condition, from its first branch.
    pub fn condition(&mut self, condition: &str) {
        if self.kind == Kind::Other && self.head == "IF" {
            self.head.push_str(SEP);
            self.head.push_str(condition);
        }
    }

    /// The finished step; a step without a status did not run.
    pub fn finish(self) -> Step {
        let mut cells: Vec<String> = Vec::new();
        match self.kind {
            Kind::Keyword => {
                cells.extend(self.vars.iter().map(|v| assigned(v)));
                cells.push(self.head);
            }
            Kind::For => {
                cells.push(self.head);
                cells.extend(self.vars);
                cells.extend(self.flavor);
            }
            Kind::Var | Kind::Other => cells.push(self.head),
        }
        cells.extend(self.args);
        let mut content = cells.join(SEP);
        if content.len() > CONTENT_CAP {
            let mut cut = CONTENT_CAP;
            while !content.is_char_boundary(cut) {
                cut -= 1;
            }
            content.truncate(cut);
            content.push('…');
        }
        Step {
            content,
            outcome: self.outcome.unwrap_or(Outcome::Skipped),
        }
    }
}

/// `${x}` as the left side of an assignment: `${x} =`.
fn assigned(var: &str) -> String {
    format!("{} =", var.trim().trim_end_matches('=').trim_end())
}

/// A step's outcome from Robot's status word.
pub fn outcome(status: &str) -> Option<Outcome> {
    Some(match status.trim() {
        "PASS" => Outcome::Passed,
        "FAIL" => Outcome::Failed,
        "SKIP" | "NOT RUN" | "NOT_RUN" => Outcome::Skipped,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_read_like_the_robot_source() {
        let mut kw = StepBuilder::new(Kind::Keyword, "Get Value".into(), None);
        kw.var("${x}=".into());
        kw.arg("id:name".into());
        assert_eq!(kw.finish().content, "${x} =    Get Value    id:name");
        let mut for_ = StepBuilder::new(Kind::For, "FOR".into(), Some("IN RANGE".into()));
        for_.var("${i}".into());
        for_.arg("3".into());
        assert_eq!(for_.finish().content, "FOR    ${i}    IN RANGE    3");
        let mut var = StepBuilder::new(Kind::Var, "VAR    ${y}".into(), None);
        var.var("a".into());
        assert_eq!(var.finish().content, "VAR    ${y}    a");
        let mut if_ = StepBuilder::new(Kind::Other, "IF".into(), None);
        if_.condition("$x > 1");
        if_.outcome = outcome("PASS");
        let step = if_.finish();
        assert_eq!(
            (step.content.as_str(), step.outcome),
            ("IF    $x > 1", Outcome::Passed)
        );
    }

    #[test]
    fn huge_arguments_are_cut() {
        let mut kw = StepBuilder::new(Kind::Keyword, "Log".into(), None);
        kw.arg("é".repeat(5000));
        let content = kw.finish().content;
        assert!(content.len() <= CONTENT_CAP + '…'.len_utf8());
        assert!(content.ends_with('…'));
    }
}
