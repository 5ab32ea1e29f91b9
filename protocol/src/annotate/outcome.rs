//! Observed outcomes win: once the reply to a client line is known, the line's explanation
//! must not contradict it.
//!
//! A prediction ("RCPT before MAIL gets 503") is a guess made before the reply. When the
//! server accepted the line after all, the prediction is withdrawn: it becomes information
//! about what stricter servers do, and the line is explained again. Findings about the
//! line's own syntax stay warnings (the RFC still says so), with the note that this server
//! accepted it.

use super::{Annotation, Awaiting, Note, sent, tr, tx};
use crate::lang::Lang;
use crate::reply::{Reply, ReplyClass};
use crate::session::{ClientSession, HeaderState};

/// Findings about the line's own form: still true of the RFC when a lenient server
/// accepted the line.
const SYNTAX: &[&str] = &[
    "missing-angle-brackets",
    "space-after-colon",
    "unclosed-angle-bracket",
    "address-without-domain",
    "control-character",
    "line-too-long",
    "text-line-too-long",
    "local-part-too-long",
    "domain-too-long",
    "path-too-long",
    "invalid-address-character",
    "leading-dot",
];

/// The line's explanation in the light of `reply`, when it differs from the one given
/// before the reply was known.
pub(super) fn revise(
    line: &Awaiting,
    reply: &Reply,
    session: &ClientSession,
    lang: Lang,
) -> Option<Annotation> {
    let accepted = matches!(
        reply.code.class(),
        ReplyClass::PositiveCompletion | ReplyClass::PositiveIntermediate
    );
    let predicted_refusal = line
        .findings
        .iter()
        .any(|f| f.severity >= crate::finding::Severity::Warning);
    if !accepted || !predicted_refusal {
        return None;
    }
    let code = reply.code.get();
    let context = sent::Context {
        session,
        header_before: HeaderState::Start,
    };
    let mut annotation = sent::annotate(&line.sent, &line.shown, &line.findings, &context, lang);
    for note in &mut annotation.findings {
        if note.severity < crate::finding::Severity::Warning {
            continue;
        }
        if SYNTAX.contains(&note.id.as_str()) {
            note.text.push_str(&accepted_anyway(code, lang));
        } else {
            withdraw(note, code, lang);
        }
    }
    annotation.severity = annotation
        .findings
        .iter()
        .map(|n| n.severity)
        .max()
        .unwrap_or(crate::finding::Severity::Info);
    annotation.next_steps.clear();
    Some(annotation)
}

fn accepted_anyway(code: u16, lang: Lang) -> String {
    tr!(
        lang,
        " This server accepted it anyway ({code}).",
        "这台服务器仍然接受了它（{code}）。"
    )
}

/// Turns a prediction the reply contradicted into information: the rule it was based on,
/// and that this server did otherwise.
fn withdraw(note: &mut Note, code: u16, lang: Lang) {
    let rule = first_sentence(&note.text);
    let accepted = accepted_anyway(code, lang);
    let stricter = tx!(
        lang,
        " Stricter servers may refuse it.",
        "更严格的服务器可能会拒绝。"
    );
    note.text = format!("{rule}{accepted}{stricter}");
    note.severity = crate::finding::Severity::Info;
}

/// The text up to and including its first full stop: the rule, before the prediction.
fn first_sentence(text: &str) -> &str {
    let end = [". ", "。", "; ", "；"]
        .iter()
        .filter_map(|stop| text.find(stop).map(|i| i + stop.trim_end().len()))
        .min()
        .unwrap_or(text.len());
    &text[..end]
}
