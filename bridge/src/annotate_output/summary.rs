//! The summary block at the end of `annotate`'s output, from `protocol::annotate::Summary`.

use super::{Style, wrap};
use protocol::annotate::{AnnotatedLine, Direction, Ending, Summary, Tls};
use protocol::lang::Lang;
use protocol::transcript::TranscriptLine;
use serde_json::{Value, json};
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

/// The summary as the last NDJSON object (without its `type`, which the caller puts first).
pub(super) fn json(summary: &Summary, lang: Lang) -> Value {
    let ending_id = match summary.ending {
        Ending::Closed { id } => Some(id),
        Ending::Quit | Ending::Neither => None,
    };
    json!({
        "messages": {
            "sent": summary.messages_sent(),
            "accepted": summary.messages_accepted(),
            "refused": summary.messages_refused(),
            "unanswered": summary.messages_unanswered,
            "replies": summary.messages.iter().map(|m| json!({
                "accepted": m.accepted,
                "code": m.code,
                "id": m.id,
                "title": m.title,
            })).collect::<Vec<_>>(),
        },
        "recipients": {
            "accepted": summary.recipients_accepted,
            "refused": summary.recipients_refused,
        },
        "tls": summary.tls.as_str(),
        "auth": summary.auth.as_str(),
        "errors": {
            "total": summary.errors(),
            "temporary": summary.temporary_errors,
            "permanent": summary.permanent_errors,
            "ids": summary.error_ids,
        },
        "ending": summary.ending.as_str(),
        "ending_id": ending_id,
        "heading": Summary::heading(lang),
        "text": summary.describe(lang),
    })
}
