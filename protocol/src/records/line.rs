//! The annotated line record: one transcript line with its explanation, as JSON for
//! programs. `smtp-playground annotate --format json` writes one per line as NDJSON
//! (each object with `"type":"line"` first, then a `"type":"summary"` object); the page's
//! JSON export writes a pretty-printed array of them. Both write this one shape.
//!
//! # Layout
//!
//! Every member is always present, `null` (or empty) when the writer does not know it:
//!
//! ```text
//! direction    "client", "server" or "note"
//! text         the line as shown (AUTH secrets masked), or the note's words
//! tls          the line travelled inside TLS
//! code         the reply code of a server line, else null
//! line         the 1-based line number in the transcript read (annotate), else null
//! at_ms        milliseconds since the connection was established (page), else null
//! latency_ms   milliseconds from the command to this reply's first line (page), else null
//! kind         what the line is: command, auth-answer, body, end-of-data, reply, note ...
//!              (annotate), else null
//! answers      for a reply's last line, what it answers: greeting, RCPT ... (annotate)
//! id           the explanation's stable id, e.g. rcpt-ok, relay-denied, command
//! severity     info, success, warning or error
//! title        one line saying what happened
//! explanation  what it means, paragraphs separated by "\n"
//! reference    where the rule is written, e.g. "RFC 5321 4.2.3"; "" when none
//! next_steps   what the user can type next
//! findings     problems in the line itself: [{"id","severity","text","reference"}]
//! ```
//!
//! Before this record the export named `tls` `encrypted`, marked failed notes with
//! `"error": true` (now `severity` is `error`), and left out the explanation.

use super::{Members, Object, Shape, ShapeError, optional_number, optional_string, string};
use crate::annotate::{Annotation, Direction, Note};
use crate::finding::Severity;
use crate::json::Json;

/// One annotated transcript line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRecord {
    /// Who sent it.
    pub direction: Direction,
    /// The line as shown (secrets masked), or the note's words.
    pub text: String,
    /// It travelled inside TLS.
    pub tls: bool,
    /// The reply code of a server line.
    pub code: Option<u16>,
    /// The 1-based line number in the transcript it was read from.
    pub line: Option<u64>,
    /// Milliseconds since the connection was established.
    pub at_ms: Option<u64>,
    /// Milliseconds from the command to the first line of this reply.
    pub latency_ms: Option<u64>,
    /// What the line is in the conversation (`LineKind::as_str`).
    pub kind: Option<String>,
    /// For a reply's last line, what it answers (`Expect::as_str`).
    pub answers: Option<String>,
    /// The explanation's stable id.
    pub id: String,
    /// How the line went.
    pub severity: Severity,
    /// One line saying what happened.
    pub title: String,
    /// What it means.
    pub explanation: String,
    /// Where the rule is written; empty when there is none.
    pub reference: String,
    /// What the user can type next.
    pub next_steps: Vec<String>,
    /// Problems noticed in the line itself.
    pub findings: Vec<Note>,
}

impl LineRecord {
    /// A line with its explanation; the members only some writers know (`line`, `at_ms`,
    /// `kind` ...) are `None`, for the caller to fill in.
    pub fn new(direction: Direction, text: &str, tls: bool, annotation: &Annotation) -> Self {
        Self {
            title: annotation.title.clone(),
            explanation: annotation.explanation.clone(),
            reference: annotation.reference.clone(),
            next_steps: annotation.next_steps.clone(),
            findings: annotation.findings.clone(),
            ..Self::bare(direction, text, tls, annotation.id, annotation.severity)
        }
    }

    /// A note that has no explanation, only its words and how it went.
    pub fn note(text: &str, severity: Severity) -> Self {
        Self::bare(Direction::Note, text, false, "note", severity)
    }

    /// A line with nothing but its words, id and severity.
    fn bare(direction: Direction, text: &str, tls: bool, id: &str, severity: Severity) -> Self {
        Self {
            direction,
            text: text.to_owned(),
            tls,
            code: None,
            line: None,
            at_ms: None,
            latency_ms: None,
            kind: None,
            answers: None,
            id: id.to_owned(),
            severity,
            title: String::new(),
            explanation: String::new(),
            reference: String::new(),
            next_steps: Vec::new(),
            findings: Vec::new(),
        }
    }
}

const DIRECTIONS: [Direction; 3] = [Direction::Client, Direction::Server, Direction::Note];
const SEVERITIES: [Severity; 4] = [
    Severity::Info,
    Severity::Success,
    Severity::Warning,
    Severity::Error,
];

fn severity(m: &mut Members) -> Severity {
    let names = SEVERITIES.map(Severity::as_str);
    m.one_of("severity", &names, "info, success, warning or error")
        .map_or(Severity::Info, |i| SEVERITIES[i])
}

impl Shape for LineRecord {
    fn to_json(&self) -> Json {
        let findings = self
            .findings
            .iter()
            .map(|n| {
                Object::default()
                    .with("id", string(&n.id))
                    .with("severity", string(n.severity.as_str()))
                    .with("text", string(&n.text))
                    .with("reference", string(&n.reference))
                    .build()
            })
            .collect();
        Object::default()
            .with("direction", string(self.direction.as_str()))
            .with("text", string(&self.text))
            .with("tls", Json::Bool(self.tls))
            .with("code", optional_number(self.code.map(u64::from)))
            .with("line", optional_number(self.line))
            .with("at_ms", optional_number(self.at_ms))
            .with("latency_ms", optional_number(self.latency_ms))
            .with("kind", optional_string(self.kind.as_deref()))
            .with("answers", optional_string(self.answers.as_deref()))
            .with("id", string(&self.id))
            .with("severity", string(self.severity.as_str()))
            .with("title", string(&self.title))
            .with("explanation", string(&self.explanation))
            .with("reference", string(&self.reference))
            .with("next_steps", super::strings(&self.next_steps))
            .with("findings", Json::Array(findings))
            .build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "a line")?;
        let names = DIRECTIONS.map(Direction::as_str);
        let direction = m
            .one_of("direction", &names, "client, server or note")
            .map_or(Direction::Note, |i| DIRECTIONS[i]);
        let record = Self {
            direction,
            text: m.string("text"),
            tls: m.flag("tls"),
            code: m.optional_u16("code"),
            line: m.optional_number("line"),
            at_ms: m.optional_number("at_ms"),
            latency_ms: m.optional_number("latency_ms"),
            kind: m.optional_string("kind"),
            answers: m.optional_string("answers"),
            id: m.string("id"),
            severity: severity(&mut m),
            title: m.string("title"),
            explanation: m.string("explanation"),
            reference: m.string("reference"),
            next_steps: m.strings("next_steps"),
            findings: m.objects("findings", |n| Note {
                id: n.string("id"),
                severity: severity(n),
                text: n.string("text"),
                reference: n.string("reference"),
            }),
        };
        m.done(record)
    }
}

#[cfg(test)]
mod tests;
