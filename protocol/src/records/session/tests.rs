use super::*;
use crate::annotate::{Direction, Note};
use crate::finding::Severity;
use crate::records::mailbox::{self, MessageDetail, MessageSummary};

fn summary() -> SessionSummary {
    SessionSummary {
        id: 9_007_199_254_740_991,
        started_at: "2025-05-01T12:00:00.123456Z".into(),
        ended_at: Some("2025-05-01T12:00:01.5Z".into()),
        peer: Some("[::1]:50000".into()),
        from_page: true,
        helo: Some("client.example".into()),
        tls: true,
        authenticated_as: Some("demo".into()),
        line_count: 31,
        lines_omitted: 1200,
        bytes: 4096,
        messages: vec![7, 8],
        delivered: 2,
        ending: SessionEnding::Quit,
        last_error: Some("550 5.1.1 <x@y>: Recipient address rejected".into()),
    }
}

fn record(lang: &str) -> LineRecord {
    LineRecord {
        direction: Direction::Server,
        text: "250 2.0.0 Ok: queued as 1A2B".into(),
        tls: true,
        code: Some(250),
        line: Some(12),
        at_ms: Some(40),
        latency_ms: None,
        kind: Some("reply".into()),
        answers: Some("end-of-data".into()),
        id: "queued".into(),
        severity: Severity::Success,
        title: format!("{lang}: queued"),
        explanation: "First.\nSecond \"quoted\".".into(),
        reference: "RFC 5321 4.1.1.4".into(),
        next_steps: vec!["QUIT".into()],
        findings: vec![Note {
            severity: Severity::Warning,
            id: "x".into(),
            text: "y".into(),
            reference: String::new(),
        }],
    }
}

fn detail() -> SessionDetail {
    let outcome = SummaryRecord {
        sent: 1,
        accepted: 1,
        tls: "starttls".into(),
        auth: "succeeded".into(),
        ending: "quit".into(),
        heading: "Summary".into(),
        text: vec!["One message, accepted.".into()],
        ..SummaryRecord::default()
    };
    SessionDetail {
        summary: summary(),
        lines: vec![
            SessionLine {
                en: Some(record("en")),
                zh: Some(record("zh")),
                starts_reply: true,
                auth: true,
                message: Some(7),
            },
            SessionLine {
                en: Some(LineRecord::note("TLS", Severity::Success)),
                zh: None,
                starts_reply: false,
                auth: false,
                message: None,
            },
        ],
        outcome_en: Some(outcome.clone()),
        outcome_zh: Some(SummaryRecord {
            heading: "摘要".into(),
            ..outcome
        }),
    }
}

fn round_trip<T: Shape + PartialEq + std::fmt::Debug>(value: &T) {
    let text = value.encode();
    assert_eq!(&T::decode(&text).expect("decodes"), value, "{text}");
    assert_eq!(&mailbox::read::<T>(&text).expect("reads"), value, "{text}");
    let pretty = value.to_json().to_pretty();
    assert_eq!(&T::decode(&pretty).expect("decodes"), value, "{pretty}");
}

#[test]
fn every_shape_round_trips() {
    round_trip(&summary());
    round_trip(&SessionSummary::default());
    for ending in SessionEnding::ALL {
        round_trip(&SessionSummary {
            ending,
            ..summary()
        });
    }
    round_trip(&SessionList {
        sessions: vec![summary(), SessionSummary::default()],
        count: 40,
        bytes: 1234,
        max_sessions: 1000,
        max_bytes: 1 << 24,
        more: true,
    });
    round_trip(&SessionList::default());
    round_trip(&detail());
    round_trip(&SessionDetail::default());
}

#[test]
fn members_come_in_the_documented_order() {
    let text = summary().encode();
    let names = [
        "id",
        "started_at",
        "ended_at",
        "peer",
        "from_page",
        "helo",
        "tls",
        "authenticated_as",
        "line_count",
        "lines_omitted",
        "bytes",
        "messages",
        "delivered",
        "ending",
        "last_error",
    ];
    let positions: Vec<usize> = names
        .iter()
        .map(|n| text.find(&format!("\"{n}\":")).expect(n))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    let detail = detail().encode();
    let lines = detail.find("\"lines\":[").expect("lines");
    let outcome = detail.find("\"outcome\":{\"en\":").expect("outcome");
    assert!(detail.find("\"last_error\"").expect("summary") < lines && lines < outcome);
    assert!(detail.contains(r#""starts_reply":true,"auth":true,"message":7}"#));
}

#[test]
fn endings_have_names_and_words_in_both_languages() {
    for ending in SessionEnding::ALL {
        assert_eq!(SessionEnding::from_name(ending.as_str()), ending);
        let text = ending.text();
        assert!(!text.en.is_empty() && !text.zh.is_empty(), "{ending:?}");
        assert_eq!(ending.is_closed(), ending != SessionEnding::Open);
    }
    assert_eq!(
        SessionEnding::from_name("teleported"),
        SessionEnding::Unknown
    );
}

#[test]
fn older_and_newer_bridges_are_read_leniently() {
    // A newer bridge's ending word and a member this version does not know.
    let newer = SessionSummary::decode(r#"{"id":4,"ending":"teleported","colour":"red"}"#)
        .expect("decodes");
    assert_eq!((newer.id, newer.ending), (4, SessionEnding::Unknown));
    // Nothing but the id: an open session with nothing known.
    let bare = SessionSummary::decode(r#"{"id":5}"#).expect("decodes");
    assert_eq!(
        bare,
        SessionSummary {
            id: 5,
            ..SessionSummary::default()
        }
    );
    // A detail whose lines carry one language only.
    let one = SessionDetail::decode(
        r#"{"id":1,"lines":[{"en":{"direction":"client","text":"QUIT","id":"command"}}]}"#,
    )
    .expect("decodes");
    assert_eq!(
        one.lines[0].record(Lang::ZhCn).map(|r| r.text.as_str()),
        Some("QUIT")
    );
    assert!(one.lines[0].zh.is_none() && one.outcome_en.is_none());
}

#[test]
fn refusals_and_wrong_shapes_are_errors() {
    assert_eq!(
        mailbox::read::<SessionDetail>(r#"{"error":"no session 9"}"#),
        Err(ShapeError::Refused("no session 9".into()))
    );
    assert!(SessionList::decode(r#"{"count":0}"#).is_err(), "no list");
    for bad in [
        r#"{"sessions":[{"messages":"7"}]}"#,
        r#"{"sessions":[{"messages":[-1]}]}"#,
        r#"{"sessions":[{"tls":"yes"}]}"#,
        r#"{"sessions":{}}"#,
    ] {
        assert!(SessionList::decode(bad).is_err(), "{bad}");
    }
    for bad in [
        r#"{"lines":[{"en":"text"}]}"#,
        r#"{"lines":[{"en":{"direction":"sideways"}}]}"#,
        r#"{"outcome":{"en":[]}}"#,
        r#"{"outcome":"fine"}"#,
    ] {
        assert!(SessionDetail::decode(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_message_names_its_session_when_known() {
    let linked = MessageSummary {
        id: 7,
        session: Some(42),
        ..MessageSummary::default()
    };
    let text = linked.encode();
    assert!(text.ends_with(r#""peer":null,"session":42}"#), "{text}");
    assert_eq!(MessageSummary::decode(&text), Ok(linked.clone()));
    // Unknown: not written at all, so older readers see exactly what they saw before.
    let unlinked = MessageSummary {
        session: None,
        ..linked
    };
    assert!(!unlinked.encode().contains("session"));
    let detail = MessageDetail {
        summary: MessageSummary {
            session: Some(3),
            ..MessageSummary::default()
        },
        ..MessageDetail::default()
    };
    assert_eq!(MessageDetail::decode(&detail.encode()), Ok(detail.clone()));
    assert_eq!(
        mailbox::page::message(&detail.encode()).map(|m| m.session),
        Ok(Some(3))
    );
}
