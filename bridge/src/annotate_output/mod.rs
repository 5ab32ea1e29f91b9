//! Output of `smtp-playground annotate`: a transcript with every line explained, as text for
//! a terminal or as JSON (one object per line) for programs.
//!
//! The annotations themselves come from `protocol::transcript::annotate`; this module only
//! lays them out.

use protocol::annotate::{AnnotatedLine, Direction};
use protocol::finding::Severity;
use protocol::transcript::TranscriptLine;
use serde_json::json;
use std::fmt::Write as _;

/// ANSI colours, or nothing when the output is not a terminal.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Colours on or off.
    pub fn new(color: bool) -> Self {
        Self { color }
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

fn marker(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "·",
        Severity::Success => "✓",
        Severity::Warning => "!",
        Severity::Error => "✗",
    }
}

/// Renders annotated lines for reading in a terminal.
pub fn render_text(lines: &[(TranscriptLine, AnnotatedLine)], style: Style) -> String {
    let mut out = String::new();
    for (source, line) in lines {
        let arrow = match line.direction {
            Direction::Client => style.paint("1;34", "C →"),
            Direction::Server => style.paint("1;35", "S ←"),
            Direction::Note => style.paint("2", "  #"),
        };
        let lock = if source.tls { " 🔒" } else { "" };
        let _ = writeln!(out, "{arrow} {}{lock}", line.text);
        let a = &line.annotation;
        if line.direction == Direction::Note && a.explanation.is_empty() {
            continue;
        }
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
        for paragraph in a.explanation.lines().filter(|p| !p.is_empty()) {
            let _ = writeln!(out, "        {paragraph}");
        }
        for note in &a.findings {
            let text = format!("{} {}", marker(note.severity), note.text);
            let _ = writeln!(out, "        {}", style.severity(note.severity, &text));
        }
        for step in &a.next_steps {
            let _ = writeln!(out, "        {} {step}", style.paint("2", "→"));
        }
    }
    out
}

/// Renders annotated lines as a JSON array, one object per line.
pub fn render_json(lines: &[(TranscriptLine, AnnotatedLine)]) -> String {
    let items: Vec<serde_json::Value> = lines
        .iter()
        .map(|(source, line)| {
            let a = &line.annotation;
            json!({
                "line": source.source_line,
                "direction": line.direction.as_str(),
                "text": line.text,
                "code": line.code,
                "tls": source.tls,
                "severity": a.severity.as_str(),
                "title": a.title,
                "explanation": a.explanation,
                "reference": a.reference,
                "next_steps": a.next_steps,
                "findings": a.findings.iter().map(|n| json!({
                    "id": n.id,
                    "severity": n.severity.as_str(),
                    "text": n.text,
                    "reference": n.reference,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).expect("JSON values always serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::lang::Lang;
    use protocol::transcript;

    const TELNET: &str = "Trying 127.0.0.1...\n220 mx ESMTP\nhelo fan2\n250 OK\nrcpt to:<a@b.example>\n503 5.5.1 Error: need MAIL command\nbogus line from nowhere\n";

    #[test]
    fn json_has_one_object_per_line_with_the_documented_fields() {
        let (_, lines) = transcript::annotate(TELNET, Lang::En);
        let value: serde_json::Value =
            serde_json::from_str(&render_json(&lines)).expect("valid JSON");
        let items = value.as_array().expect("array");
        assert_eq!(items.len(), 7);
        assert_eq!(items[0]["direction"], "note");
        assert_eq!(items[1]["direction"], "server");
        assert_eq!(items[1]["code"], 220);
        assert_eq!(items[2]["direction"], "client");
        assert!(items[2]["code"].is_null());
        assert_eq!(items[4]["severity"], "error");
        assert_eq!(items[4]["findings"][0]["id"], "rcpt-before-mail");
        assert_eq!(items[5]["title"], "503 · Bad sequence of commands");
        for item in items {
            for key in ["direction", "text", "severity", "title", "explanation"] {
                assert!(item.get(key).is_some(), "{key} missing in {item}");
            }
        }
    }

    #[test]
    fn text_output_is_plain_without_a_terminal_and_chinese_on_request() {
        let (_, lines) = transcript::annotate(TELNET, Lang::ZhCn);
        let text = render_text(&lines, Style::new(false));
        assert!(!text.contains('\x1b'));
        assert!(text.contains("S ← 220 mx ESMTP"));
        assert!(text.contains("服务器就绪"));
        assert!(text.contains("✗ 503 · 命令顺序错误"));
        let colored = render_text(&lines, Style::new(true));
        assert!(colored.contains("\x1b[31m"));
    }
}
