//! Recorded sessions read from the bridge's JSON, and shown as the terminal's entries.

use protocol::annotate::{AnnotatedLine, Annotator};
use protocol::records::Shape;
use protocol::reply::ReplyClass;

use super::*;

/// A session as the recorder writes it: each line annotated by `protocol` in both
/// languages, with its number and time.
fn recorded(lines: &[(Direction, &str)]) -> Vec<SessionLine> {
    let mut en = Annotator::new(Lang::En);
    let mut zh = Annotator::new(Lang::ZhCn);
    let record = |line: AnnotatedLine, n: usize, tls: bool| {
        let mut record = LineRecord::new(line.direction, &line.text, tls, &line.annotation);
        record.code = line.code;
        record.kind = Some(line.kind.as_str().to_owned());
        record.line = Some(n as u64 + 1);
        record.at_ms = Some(n as u64 * 10);
        record
    };
    lines
        .iter()
        .enumerate()
        .map(|(n, &(direction, text))| {
            let (e, z) = match direction {
                Direction::Client => (en.client_line(text), zh.client_line(text)),
                Direction::Server => (en.server_line(text), zh.server_line(text)),
                Direction::Note => (en.closed(text), zh.closed(text)),
            };
            let starts_reply = e.starts_reply;
            let tls = n >= 4;
            SessionLine {
                en: Some(record(e, n, tls)),
                zh: Some(record(z, n, tls)),
                starts_reply,
                auth: false,
                message: None,
            }
        })
        .collect()
}

#[test]
fn a_recorded_session_becomes_the_terminals_entries() {
    let lines = recorded(&[
        (Direction::Server, "220 sandbox ESMTP"),
        (Direction::Client, "EHLO swaks"),
        (Direction::Server, "250-sandbox"),
        (Direction::Server, "250 PIPELINING"),
        (Direction::Client, "MAIL FROM:<a@example.org>"),
        (Direction::Server, "250 2.1.0 Ok"),
        (Direction::Note, "the client hung up"),
    ]);
    let transcript = transcript(&lines);
    assert_eq!(transcript.len(), 7);
    let entries: Vec<_> = transcript.iter().collect();
    match &entries[1].kind {
        EntryKind::Client {
            text,
            kind,
            at_ms,
            encrypted,
            annotation,
            ..
        } => {
            assert_eq!(text, "EHLO swaks");
            assert_eq!(*kind, LineKind::Command);
            assert_eq!(*at_ms, Some(10));
            assert!(!encrypted);
            assert_ne!(annotation.en.title, annotation.zh.title, "both languages");
        }
        other => panic!("a client line: {other:?}"),
    }
    let replies: Vec<_> = entries
        .iter()
        .filter_map(|e| match &e.kind {
            EntryKind::Server { reply, .. } => *reply,
            _ => None,
        })
        .map(|r| (r.code, r.is_first, r.is_last))
        .collect();
    assert_eq!(
        replies,
        [
            (220, true, true),
            (250, true, false),
            (250, false, true),
            (250, true, true)
        ]
    );
    assert!(matches!(
        &entries[5].kind,
        EntryKind::Server {
            encrypted: true,
            reply: Some(ReplyInfo {
                class: ReplyClass::PositiveCompletion,
                ..
            }),
            ..
        }
    ));
    match &entries[6].kind {
        EntryKind::Note {
            notice: Notice::Recorded { text },
            annotation,
            ..
        } => {
            assert_eq!(text.en, "the client hung up");
            assert!(annotation.is_some());
        }
        other => panic!("a note: {other:?}"),
    }
    // A line without any record is left out.
    let empty = SessionLine {
        en: None,
        zh: None,
        starts_reply: false,
        auth: false,
        message: None,
    };
    assert_eq!(entry(&empty), None);
}

#[test]
fn the_bridges_answers_are_read() {
    let summary = SessionSummary {
        id: 4,
        started_at: "2026-12-03T11:02:03Z".into(),
        peer: Some("127.0.0.1:5000".into()),
        messages: vec![9],
        delivered: 1,
        ..SessionSummary::default()
    };
    let text = summary.to_json().to_compact();
    assert_eq!(parse_event(&text).expect("a session"), summary);
    let list = SessionList {
        sessions: vec![summary.clone()],
        count: 1,
        ..SessionList::default()
    };
    assert_eq!(
        parse_list(&list.to_json().to_compact()).expect("a list"),
        list
    );
    let detail = SessionDetail {
        summary,
        lines: recorded(&[(Direction::Server, "220 ok")]),
        ..SessionDetail::default()
    };
    assert_eq!(
        parse_detail(&detail.to_json().to_compact()).expect("a detail"),
        detail
    );
    assert!(parse_detail(r#"{"error":"no session 5"}"#).is_err());
    assert!(parse_list("<html>").is_err());
}

#[test]
fn start_times_show_as_clock_times() {
    assert_eq!(clock_time("2026-12-03T11:02:03Z"), "11:02:03");
    assert_eq!(clock_time("2026-12-03T11:02:03.123Z"), "11:02:03");
    assert_eq!(clock_time("soon"), "soon");
    assert_eq!(
        date_time("2026-12-03T11:02:03.378392Z"),
        "2026-12-03 11:02:03 UTC"
    );
}
