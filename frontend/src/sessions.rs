//! The sessions the sandbox recorded (`GET /api/sessions`, `GET /api/sessions/{id}`, the
//! `session` event of `/api/events`), read by `protocol::records::session`, and a recorded
//! session turned into the terminal's own [`Transcript`] entries, so the Sessions panel
//! shows it with the terminal's transcript line, in both languages.

use protocol::annotate::{Annotation, Direction, LineKind};
use protocol::finding::Severity;
use protocol::lang::{Bilingual, Lang};
use protocol::records::LineRecord;
use protocol::records::session::{SessionDetail, SessionLine, SessionList, SessionSummary};
use protocol::reply::ReplyCode;

use crate::sandbox::ApiError;
use crate::transcript::{EntryKind, ReplyInfo, Tone, Transcript};
use crate::vocab::Notice;

/// The explanation id of a recorded line's [`Annotation`]: the record keeps the real one
/// as text, and the transcript line does not show it.
pub const RECORDED: &str = "recorded";

/// Reads `GET /api/sessions`.
///
/// # Errors
///
/// When the text is not JSON or not a session list.
pub fn parse_list(text: &str) -> Result<SessionList, ApiError> {
    Ok(protocol::records::mailbox::read(text)?)
}

/// Reads `GET /api/sessions/{id}`.
///
/// # Errors
///
/// When the text is not JSON, is the API's `{"error": ...}`, or is not a session.
pub fn parse_detail(text: &str) -> Result<SessionDetail, ApiError> {
    Ok(protocol::records::mailbox::read(text)?)
}

/// Reads the data of a `session` event: the session's list entry.
///
/// # Errors
///
/// When the text is not a session.
pub fn parse_event(text: &str) -> Result<SessionSummary, ApiError> {
    Ok(protocol::records::mailbox::read(text)?)
}

/// The recorded lines as transcript entries, oldest first.
pub fn transcript(lines: &[SessionLine]) -> Transcript {
    let mut transcript = Transcript::default();
    for line in lines {
        if let Some(kind) = entry(line) {
            transcript.push(kind);
        }
    }
    transcript
}

/// One recorded line as a transcript entry; `None` when it holds no record at all.
pub fn entry(line: &SessionLine) -> Option<EntryKind> {
    let en = line.record(Lang::En)?;
    let zh = line.record(Lang::ZhCn)?;
    let annotation = Bilingual {
        en: annotation(en),
        zh: annotation(zh),
    };
    Some(match en.direction {
        Direction::Client => EntryKind::Client {
            text: en.text.clone(),
            line: None,
            kind: en
                .kind
                .as_deref()
                .and_then(LineKind::from_name)
                .unwrap_or(LineKind::Command),
            at_ms: en.at_ms,
            encrypted: en.tls,
            annotation,
        },
        Direction::Server => EntryKind::Server {
            text: en.text.clone(),
            reply: reply_info(en, line.starts_reply),
            at_ms: en.at_ms,
            latency_ms: en.latency_ms,
            encrypted: en.tls,
            annotation,
        },
        Direction::Note => EntryKind::Note {
            tone: if en.severity == Severity::Error {
                Tone::Error
            } else {
                Tone::Info
            },
            notice: Notice::Recorded {
                text: Bilingual {
                    en: en.text.clone(),
                    zh: zh.text.clone(),
                },
            },
            annotation: (!en.title.is_empty()).then_some(annotation),
        },
    })
}

fn reply_info(record: &LineRecord, starts_reply: bool) -> Option<ReplyInfo> {
    let code = ReplyCode::new(record.code?)?;
    Some(ReplyInfo {
        code: code.get(),
        class: code.class(),
        is_first: starts_reply,
        is_last: record.kind.as_deref() != Some(LineKind::ReplyContinuation.as_str()),
    })
}

fn annotation(record: &LineRecord) -> Annotation {
    Annotation {
        id: RECORDED,
        severity: record.severity,
        title: record.title.clone(),
        explanation: record.explanation.clone(),
        reference: record.reference.clone(),
        next_steps: record.next_steps.clone(),
        findings: record.findings.clone(),
    }
}

/// A session's start time for a list row: `12:34:56` from RFC 3339
/// `2026-12-03T12:34:56Z` (UTC, as the bridge writes it), else the text as it is.
pub fn clock_time(rfc3339: &str) -> &str {
    rfc3339
        .split_once('T')
        .map(|(_, time)| time.get(..8).unwrap_or(time))
        .unwrap_or(rfc3339)
}

/// A start time for a person: `2026-12-03 11:02:03 UTC` from RFC 3339
/// `2026-12-03T11:02:03.378392Z`, else the text as it is.
pub fn date_time(rfc3339: &str) -> String {
    match rfc3339.split_once('T') {
        Some((date, _)) => format!("{date} {} UTC", clock_time(rfc3339)),
        None => rfc3339.to_owned(),
    }
}

#[cfg(test)]
mod tests;
