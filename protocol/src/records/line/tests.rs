use super::*;
use crate::lang::Lang;

fn full() -> LineRecord {
    LineRecord {
        direction: Direction::Server,
        text: "503 5.5.1 Error: need MAIL command".into(),
        tls: true,
        code: Some(503),
        line: Some(6),
        at_ms: Some(40),
        latency_ms: Some(3),
        kind: Some("reply".into()),
        answers: Some("RCPT".into()),
        id: "bad-sequence".into(),
        severity: Severity::Error,
        title: "503 · 命令顺序错误".into(),
        explanation: "First paragraph.\nSecond \"quoted\" paragraph.".into(),
        reference: "RFC 5321 4.1.4".into(),
        next_steps: vec!["MAIL FROM:<you@example.org>".into()],
        findings: vec![Note {
            severity: Severity::Warning,
            id: "rcpt-before-mail".into(),
            text: "RCPT before MAIL".into(),
            reference: "RFC 5321 3.3".into(),
        }],
    }
}

#[test]
fn records_round_trip() {
    for record in [
        full(),
        LineRecord::note("Connecting to 127.0.0.1:2525 (no TLS)…", Severity::Info),
        LineRecord::note("Connection refused", Severity::Error),
        LineRecord {
            direction: Direction::Client,
            severity: Severity::Success,
            ..LineRecord::note("EHLO me", Severity::Info)
        },
    ] {
        let text = record.encode();
        assert_eq!(LineRecord::decode(&text), Ok(record.clone()), "{text}");
        let pretty = record.to_json().to_pretty();
        assert_eq!(LineRecord::decode(&pretty), Ok(record), "{pretty}");
    }
}

#[test]
fn every_member_is_present_in_the_documented_order() {
    let text = LineRecord::note("x", Severity::Info).encode();
    let names = [
        "direction",
        "text",
        "tls",
        "code",
        "line",
        "at_ms",
        "latency_ms",
        "kind",
        "answers",
        "id",
        "severity",
        "title",
        "explanation",
        "reference",
        "next_steps",
        "findings",
    ];
    let mut at = 0;
    for name in names {
        let found = text[at..]
            .find(&format!("\"{name}\":"))
            .unwrap_or_else(|| panic!("{name} after byte {at} in {text}"));
        at += found + name.len();
    }
    // The module's layout table names every member.
    let doc = include_str!("../line.rs");
    for name in names {
        assert!(
            doc.lines().any(|l| l.starts_with(&format!("//! {name} "))),
            "{name} is documented"
        );
    }
}

#[test]
fn a_record_is_built_from_an_annotation() {
    let (_, lines) = crate::transcript::annotate("S: 220 mx ESMTP\nC: EHLO me\n", Lang::En);
    let (source, line) = &lines[0];
    let record = LineRecord::new(line.direction, &line.text, source.tls, &line.annotation);
    assert_eq!(record.direction, Direction::Server);
    assert_eq!(record.text, "220 mx ESMTP");
    assert_eq!(record.id, line.annotation.id);
    assert_eq!(record.title, line.annotation.title);
    assert_eq!(record.explanation, line.annotation.explanation);
    assert_eq!((record.code, record.line, record.kind), (None, None, None));
}

/// A line of `annotate --format json` as it was written before this record (serde_json's
/// member order, `"type"` first) still decodes.
#[test]
fn the_cli_layout_from_before_decodes() {
    let text = r#"{"type":"line","answers":"RCPT","code":503,"direction":"server","explanation":"It means.","findings":[{"id":"rcpt-before-mail","reference":"RFC 5321 3.3","severity":"warning","text":"RCPT before MAIL"}],"id":"bad-sequence","kind":"reply","line":6,"next_steps":["MAIL FROM:<you@example.org>"],"reference":"RFC 5321 4.1.4","severity":"error","text":"503 5.5.1 Error: need MAIL command","title":"503 · Bad sequence of commands","tls":false}"#;
    let record = LineRecord::decode(text).expect("decodes");
    assert_eq!(record.code, Some(503));
    assert_eq!(record.line, Some(6));
    assert_eq!(record.answers.as_deref(), Some("RCPT"));
    assert_eq!(record.findings[0].severity, Severity::Warning);
    assert_eq!((record.at_ms, record.latency_ms), (None, None));
}

#[test]
fn wrong_members_are_errors() {
    for bad in [
        r#"{"direction":"sideways"}"#,
        r#"{"severity":"fatal"}"#,
        r#"{"code":70000}"#,
        r#"{"tls":"yes"}"#,
        r#"{"findings":[{"severity":1}]}"#,
        r#"[]"#,
    ] {
        assert!(LineRecord::decode(bad).is_err(), "{bad}");
    }
}
