//! Annotation on read: a recorded session's raw lines replayed through
//! `protocol::annotate::replay`, the function `smtp-playground annotate` uses, once per
//! language. Recording stays cheap, and a session explains itself exactly as its transcript
//! would: [`transcript`] writes it as swaks output, which `annotate` reads back into the
//! same lines, so [`text`] is what `annotate` prints for it.
//!
//! The recorder's own remarks (TLS, left-out text, the ending) are swaks-style `===` notes,
//! in the language asked for.

use std::fmt::Write as _;

use protocol::annotate::{AnnotatedLine, Direction, NoteEvent, ReplayLine, replay};
use protocol::lang::Lang;
use protocol::records::session::{SessionDetail, SessionLine};
use protocol::records::{LineRecord, SummaryRecord};
use protocol::tr;
use protocol::transcript::{NoteKind, TranscriptLine};

use super::log::{Entry, What};
use super::{Recorded, State};
use crate::annotate_output::{self, Style};

/// The text of an entry as a transcript line: the SMTP line, or a remark.
fn line_text(entry: &Entry, text: &str, lang: Lang) -> String {
    match entry.what {
        What::Client | What::Server { .. } => text.to_owned(),
        What::TlsStarted | What::TlsFailed => format!("=== {text}"),
        What::Omitted {
            lines,
            bytes,
            message,
        } => {
            let holder = match message {
                Some(id) => tr!(
                    lang,
                    "message {id} in the mailbox holds the whole text",
                    "邮箱中的邮件 {id} 保存了全文"
                ),
                None => tr!(lang, "the message was not stored", "这封邮件没有被保存"),
            };
            tr!(
                lang,
                "=== {lines} more lines of message text ({bytes} octets) not recorded here; {holder}",
                "=== 另有 {lines} 行邮件正文（{bytes} 字节）未在此记录；{holder}"
            )
        }
        What::TooLong => tr!(
            lang,
            "=== A line longer than the limit was discarded (the server answered 500)",
            "=== 一行超过长度限制，已被丢弃（服务器回复 500）"
        ),
        What::Capped { lines } => tr!(
            lang,
            "=== {lines} more lines not recorded: this session reached its size cap",
            "=== 另有 {lines} 行未记录：本会话已达到大小上限"
        ),
        What::Closed(ending) => {
            let why = ending.text().get(lang);
            tr!(
                lang,
                "=== Connection closed: {why}",
                "=== Connection closed（连接已关闭）：{why}"
            )
        }
    }
}

fn direction(what: What) -> Direction {
    match what {
        What::Client => Direction::Client,
        What::Server { .. } => Direction::Server,
        _ => Direction::Note,
    }
}

fn note_kind(what: What) -> Option<NoteKind> {
    match what {
        What::Client | What::Server { .. } => None,
        What::TlsStarted => Some(NoteKind::TlsStarted),
        What::TlsFailed => Some(NoteKind::TlsFailed),
        What::Closed(_) => Some(NoteKind::Closed),
        What::Omitted { .. } | What::TooLong | What::Capped { .. } => Some(NoteKind::Other),
    }
}

/// The session's entries as transcript lines (numbered from 1), annotated in `lang`.
fn annotated(state: &State, lang: Lang) -> Vec<(Entry, TranscriptLine, AnnotatedLine)> {
    let lines: Vec<(Entry, TranscriptLine)> = state
        .log
        .iter()
        .enumerate()
        .map(|(i, (entry, text))| {
            let note = note_kind(entry.what);
            let line = TranscriptLine {
                direction: direction(entry.what),
                text: line_text(entry, text, lang),
                tls: entry.tls && note.is_none(),
                source_line: i + 1,
                note,
            };
            (*entry, line)
        })
        .collect();
    let input: Vec<ReplayLine<'_>> = lines
        .iter()
        .map(|(_, l)| ReplayLine {
            direction: l.direction,
            text: &l.text,
            tls: l.tls,
            note: l.note.map_or(NoteEvent::Other, |kind| kind.event(&l.text)),
        })
        .collect();
    replay(&input, lang)
        .into_iter()
        .filter_map(|(i, a)| {
            let (entry, source) = lines.get(i)?;
            let mut source = source.clone();
            if a.direction == Direction::Note && source.direction != Direction::Note {
                // A TLS handshake the replay added.
                source.direction = Direction::Note;
                source.text = a.text.clone();
                source.note = Some(NoteKind::TlsStarted);
                source.tls = false;
            }
            Some((*entry, source, a))
        })
        .collect()
}

/// The record of one annotated line, with its time and, for a reply, its latency.
fn record(entry: &Entry, source: &TranscriptLine, line: &AnnotatedLine, since: u64) -> LineRecord {
    LineRecord {
        code: line.code,
        line: Some(source.source_line as u64),
        at_ms: Some(entry.at_ms),
        latency_ms: line.starts_reply.then(|| entry.at_ms.saturating_sub(since)),
        kind: Some(line.kind.as_str().to_owned()),
        answers: line.answers.map(str::to_owned),
        ..LineRecord::new(line.direction, &line.text, source.tls, &line.annotation)
    }
}

/// `GET /api/sessions/{id}`: the summary and every line annotated in `langs`.
pub(crate) fn detail(recorded: &Recorded, langs: &[Lang]) -> SessionDetail {
    let state = recorded.snapshot();
    let summary = super::summary_of(recorded, &state);
    let mut detail = SessionDetail {
        summary,
        ..SessionDetail::default()
    };
    for &lang in langs {
        let lines = annotated(&state, lang);
        let pairs: Vec<(TranscriptLine, AnnotatedLine)> = lines
            .iter()
            .map(|(_, s, a)| (s.clone(), a.clone()))
            .collect();
        let outcome = SummaryRecord::new(&annotate_output::summarize(&pairs), lang);
        if detail.lines.len() != lines.len() {
            detail.lines = lines
                .iter()
                .map(|(entry, _, a)| SessionLine {
                    en: None,
                    zh: None,
                    starts_reply: a.starts_reply,
                    auth: entry.auth,
                    message: match entry.what {
                        What::Server { message } => message,
                        _ => None,
                    },
                })
                .collect();
        }
        let mut last_client = 0;
        for (slot, (entry, source, line)) in detail.lines.iter_mut().zip(&lines) {
            if line.direction == Direction::Client {
                last_client = entry.at_ms;
            }
            let record = record(entry, source, line, last_client);
            match lang {
                Lang::En => slot.en = Some(record),
                Lang::ZhCn => slot.zh = Some(record),
            }
        }
        match lang {
            Lang::En => detail.outcome_en = Some(outcome),
            Lang::ZhCn => detail.outcome_zh = Some(outcome),
        }
    }
    detail
}

/// `?format=text`: what `smtp-playground annotate` prints for [`transcript`].
pub(crate) fn text(recorded: &Recorded, lang: Lang, style: Style) -> String {
    let state = recorded.snapshot();
    let pairs: Vec<(TranscriptLine, AnnotatedLine)> = annotated(&state, lang)
        .into_iter()
        .map(|(_, s, a)| (s, a))
        .collect();
    annotate_output::render_text(&pairs, lang, style)
}

/// `?format=transcript`: the session as swaks prints one (`<-` and `->`, `<~` and `~>`
/// inside TLS, `===` remarks), for `smtp-playground annotate` or a bug report.
pub(crate) fn transcript(recorded: &Recorded, lang: Lang) -> String {
    let state = recorded.snapshot();
    let mut out = String::new();
    for (entry, text) in state.log.iter() {
        let text = line_text(entry, text, lang);
        let _ = match (entry.what, entry.tls) {
            (What::Client, false) => writeln!(out, " -> {text}"),
            (What::Client, true) => writeln!(out, " ~> {text}"),
            (What::Server { .. }, false) => writeln!(out, "<-  {text}"),
            (What::Server { .. }, true) => writeln!(out, "<~  {text}"),
            _ => writeln!(out, "{text}"),
        };
    }
    out
}
