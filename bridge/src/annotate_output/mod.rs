//! Output of `smtp-playground annotate`: a transcript with every line explained, as text for
//! a terminal or as NDJSON for programs, each followed by a summary of the session.
//!
//! `check.rs` lays out `smtp-playground check`'s report the same way.
//!
//! The annotations come from `protocol::transcript::annotate` and the summary from
//! `protocol::annotate::summarize`; this module only lays them out. The JSON objects are
//! `protocol::records`' `LineRecord` and `SummaryRecord`, documented there. Text is wrapped to the
//! terminal's width ([`wrap`]), and an explanation already printed (the same id and text:
//! body lines, a second EHLO's extensions) is folded into one "as above" line.

mod check;
mod summary;
mod wrap;

pub use check::render_check;

pub use summary::summarize;

use protocol::annotate::{AnnotatedLine, Direction};
use protocol::finding::Severity;
use protocol::lang::Lang;
use protocol::records::{LineRecord, Shape, SummaryRecord};
use protocol::transcript::TranscriptLine;
use std::collections::HashMap;
use std::fmt::Write as _;

/// The width text output wraps at when neither `--width` nor `COLUMNS` says otherwise.
pub const DEFAULT_WIDTH: usize = 100;

/// Where explanation text starts, under the line it explains.
const INDENT: usize = 8;
/// Where the following lines of a wrapped paragraph start: a hanging indent, so each
/// paragraph's first line stands out.
const HANGING: usize = INDENT + 2;

/// How the text output looks: ANSI colours or not, and the width it wraps at.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
    width: usize,
}

impl Style {
    /// Colours on or off, wrapping at [`DEFAULT_WIDTH`].
    pub fn new(color: bool) -> Self {
        Self {
            color,
            width: DEFAULT_WIDTH,
        }
    }

    /// Wraps explanations at `width` columns.
    pub fn with_width(self, width: usize) -> Self {
        Self { width, ..self }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn severity(self, severity: Severity, text: &str) -> String {
        let code = match severity {
            Severity::Info => "36",
            Severity::Success => "32",
            Severity::Warning => "33",
            Severity::Error => "31",
        };
        self.paint(code, text)
    }
}

/// The width to wrap at: `--width` if given, else the `COLUMNS` environment variable when
/// it holds a number, else [`DEFAULT_WIDTH`].
pub fn terminal_width(flag: Option<usize>, columns: Option<&str>) -> usize {
    flag.or_else(|| {
        columns
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|&c| c > 0)
    })
    .unwrap_or(DEFAULT_WIDTH)
}

fn marker(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "·",
        Severity::Success => "✓",
        Severity::Warning => "!",
        Severity::Error => "✗",
    }
}

/// Appends `text` wrapped under a line, each output line painted as a whole by `paint`.
fn push_wrapped(out: &mut String, text: &str, width: usize, paint: impl Fn(&str) -> String) {
    for line in wrap::wrap(text, width, INDENT, HANGING) {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let _ = writeln!(out, "{:indent$}{}", "", paint(body));
    }
}

/// Renders annotated lines for reading in a terminal, then the session's summary.
pub fn render_text(lines: &[(TranscriptLine, AnnotatedLine)], lang: Lang, style: Style) -> String {
    let records: Vec<LineRecord> = lines.iter().map(|(s, l)| record(s, l)).collect();
    let mut out = render_records(&records, lang, style);
    out.push('\n');
    out.push_str(&summary::text(&summarize(lines), lang, style));
    out
}

/// Renders annotated line records for reading in a terminal: each line with its
/// explanation, an explanation already printed folded into "as above". `annotate` and
/// `check` print their lines with it.
pub fn render_records(lines: &[LineRecord], lang: Lang, style: Style) -> String {
    let mut out = String::new();
    // Explanations printed so far, by id and text, with the next steps printed with them.
    let mut printed: HashMap<(&str, &str), &[String]> = HashMap::new();
    for a in lines {
        let arrow = match a.direction {
            Direction::Client => style.paint("1;34", "C →"),
            Direction::Server => style.paint("1;35", "S ←"),
            Direction::Note => style.paint("2", "  #"),
        };
        let lock = if a.tls { " 🔒" } else { "" };
        let _ = writeln!(out, "{arrow} {}{lock}", a.text);
        if a.direction == Direction::Note && a.explanation.is_empty() {
            continue;
        }
        let key = (a.id.as_str(), a.explanation.as_str());
        let earlier = if a.explanation.is_empty() {
            None
        } else {
            printed.get(&key).copied()
        };
        if earlier.is_some() {
            let title = a.title.as_str();
            let mark = marker(a.severity);
            let folded = protocol::tr!(
                lang,
                "{mark} (as above: {title})",
                "{mark} （同上：{title}）"
            );
            let _ = writeln!(out, "      {}", style.severity(a.severity, &folded));
        } else {
            let title = format!("{} {}", marker(a.severity), a.title);
            let reference = if a.reference.is_empty() {
                String::new()
            } else {
                style.paint("2", &format!("  [{}]", a.reference))
            };
            let _ = writeln!(
                out,
                "      {}{reference}",
                style.severity(a.severity, &title)
            );
            for paragraph in a.explanation.lines().filter(|p| !p.trim().is_empty()) {
                push_wrapped(&mut out, paragraph, style.width, str::to_owned);
            }
        }
        for note in &a.findings {
            let text = format!("{} {}", marker(note.severity), note.text);
            push_wrapped(&mut out, &text, style.width, |l| {
                style.severity(note.severity, l)
            });
        }
        if earlier != Some(a.next_steps.as_slice()) {
            for step in &a.next_steps {
                push_wrapped(&mut out, &format!("→ {step}"), style.width, |l| {
                    match l.strip_prefix('→') {
                        Some(rest) => format!("{}{rest}", style.paint("2", "→")),
                        None => l.to_owned(),
                    }
                });
            }
        }
        if !a.explanation.is_empty() {
            printed.entry(key).or_insert(a.next_steps.as_slice());
        }
    }
    out
}

/// Renders annotated lines as NDJSON: one [`LineRecord`] per transcript line (with
/// `"type":"line"` first), then one [`SummaryRecord`] (with `"type":"summary"` first), each
/// on a line of its own ending with a newline. The page's JSON export writes the same line
/// records.
pub fn render_json(lines: &[(TranscriptLine, AnnotatedLine)], lang: Lang) -> String {
    let mut out = String::new();
    for (source, line) in lines {
        out.push_str(&typed("line", &record(source, line).encode()));
        out.push('\n');
    }
    let summary = SummaryRecord::new(&summarize(lines), lang);
    out.push_str(&typed("summary", &summary.encode()));
    out.push('\n');
    out
}

/// The record of one line of a transcript read from a file: its source line number, kind
/// and what it answers, which the page does not know, and no times, which a file has not.
fn record(source: &TranscriptLine, line: &AnnotatedLine) -> LineRecord {
    LineRecord {
        code: line.code,
        line: Some(source.source_line as u64),
        kind: Some(line.kind.as_str().to_owned()),
        answers: line.answers.map(str::to_owned),
        ..LineRecord::new(line.direction, &line.text, source.tls, &line.annotation)
    }
}

/// A one-line JSON object with `"type"` put first, where a reader (and `head`) sees it.
fn typed(kind: &str, object: &str) -> String {
    let kind = protocol::json::string(kind);
    match object.strip_prefix('{') {
        Some("}") | None => format!("{{\"type\":{kind}}}"),
        Some(rest) => format!("{{\"type\":{kind},{rest}"),
    }
}

#[cfg(test)]
mod tests;
