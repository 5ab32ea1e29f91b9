//! The summary block at the end of `annotate`'s output, from `protocol::annotate::Summary`.

use super::{Style, wrap};
use protocol::annotate::{AnnotatedLine, Direction, Summary, Tls};
use protocol::lang::Lang;
use protocol::transcript::TranscriptLine;
use std::fmt::Write as _;

/// The summary of an annotated transcript. A transcript knows one thing its lines do not:
/// that the connection was encrypted from its first line (swaks `~>`/`<~` lines from the
/// start), which is implicit TLS.
pub fn summarize(lines: &[(TranscriptLine, AnnotatedLine)]) -> Summary {
    let annotated: Vec<AnnotatedLine> = lines.iter().map(|(_, a)| a.clone()).collect();
    let mut summary = protocol::annotate::summarize(&annotated);
    let first_smtp = lines.iter().find(|(s, _)| s.direction != Direction::Note);
    if summary.tls == Tls::NotUsed && first_smtp.is_some_and(|(s, _)| s.tls) {
        summary.tls = Tls::Implicit;
    }
    summary
}

/// The summary block: a heading and one wrapped sentence per topic.
pub(super) fn text(summary: &Summary, lang: Lang, style: Style) -> String {
    let mut out = String::new();
    let heading = format!("── {} ──", Summary::heading(lang));
    let _ = writeln!(out, "{}", style.paint("1", &heading));
    for sentence in summary.describe(lang) {
        for line in wrap::wrap(&sentence, style.width, 2, 4) {
            let _ = writeln!(out, "{line}");
        }
    }
    out
}
