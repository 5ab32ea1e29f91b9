use super::*;
use serde_json::{Value, json};

fn summary() -> MessageSummary {
    MessageSummary {
        id: 7,
        from: "alice@example.org".into(),
        to: vec!["bob@example.net".into(), "carol@example.net".into()],
        subject: Some("Hello \"you\" 中文".into()),
        size: 321,
        received_at: "2025-05-01T12:00:00.123456Z".into(),
        tls: true,
        authenticated_as: Some("demo".into()),
        queue_id: "1A2B3C4D0001".into(),
        helo: "client.example".into(),
        peer: Some("127.0.0.1:50000".into()),
        session: None,
    }
}

fn detail() -> MessageDetail {
    MessageDetail {
        summary: summary(),
        raw: "Subject: Hi\r\n\r\nHi\r\n".into(),
        raw_encoding: RawEncoding::Base64,
        headers: vec![
            Header {
                name: "Subject".into(),
                value: "Hi".into(),
            },
            Header {
                name: "X-Long".into(),
                value: "one two".into(),
            },
        ],
        text_body: Some("Hi\r\n".into()),
        findings: vec![
            DataFinding::BareLf { line: 3 },
            DataFinding::SmugglingAttempt { line: 4 },
            DataFinding::LineTooLong {
                line: 5,
                length: 1200,
            },
            DataFinding::EightBit { line: 6 },
        ],
    }
}

fn sandbox() -> SandboxInfo {
    SandboxInfo {
        enabled: true,
        listen: Some("127.0.0.1:2525".into()),
        hostname: "sandbox.smtp-playground.test".into(),
        demo_account: Some(DemoAccount {
            user: "demo".into(),
            password: "demo".into(),
        }),
        starttls: true,
        auth_mechanisms: vec!["PLAIN".into(), "LOGIN".into()],
        max_message_size: 10_485_760,
        max_messages: 500,
        max_bytes: 67_108_864,
        maildir: false,
        mailbox_scope: MailboxScope::Visitor,
        rules: [
            "rcpt to=x@y: reply 550 5.1.1 <x@y>: User unknown",
            "auth: reply 535 5.7.8 Error: authentication failed, p=0.3",
            "greeting: delay 2000ms",
            "end_of_data: disconnect, next 2",
        ]
        .map(|text| Rule::parse(text).expect("valid"))
        .to_vec(),
        scenarios: crate::server::scenarios::SCENARIOS
            .iter()
            .map(ScenarioRecord::of)
            .collect(),
        max_messages_per_minute: Some(30),
    }
}

fn round_trip<T: Shape + PartialEq + std::fmt::Debug>(value: &T) {
    let text = value.encode();
    assert_eq!(&T::decode(&text).expect("decodes"), value, "{text}");
    assert_eq!(&read::<T>(&text).expect("reads"), value, "{text}");
}

#[test]
fn every_shape_round_trips() {
    round_trip(&summary());
    round_trip(&MessageSummary::default());
    round_trip(&detail());
    round_trip(&MessageDetail::default());
    round_trip(&MessageList {
        messages: vec![summary(), MessageSummary::default()],
        count: 2,
        bytes: 1234,
        max_messages: 500,
        max_bytes: 67_108_864,
    });
    round_trip(&MessageList::default());
    round_trip(&sandbox());
    round_trip(&SandboxInfo::default());
    round_trip(&Deleted { deleted: 3 });
    round_trip(&NewMessage { id: u64::MAX });
    let refusal = ApiError {
        error: "no message 9".into(),
    };
    assert_eq!(ApiError::decode(&refusal.encode()), Ok(refusal.clone()));
    assert_eq!(
        read::<ApiError>(&refusal.encode()),
        Err(ShapeError::Refused(refusal.error))
    );
}

/// The summary as the bridge wrote it with `json!` before this module existed.
fn summary_as_before(m: &MessageSummary) -> Value {
    json!({
        "id": m.id,
        "from": m.from,
        "to": m.to,
        "subject": m.subject,
        "size": m.size,
        "received_at": m.received_at,
        "tls": m.tls,
        "authenticated_as": m.authenticated_as,
        "queue_id": m.queue_id,
        "helo": m.helo,
        "peer": m.peer,
    })
}

fn parsed(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

#[test]
fn the_encoding_is_what_the_bridge_wrote_before() {
    let s = summary();
    assert_eq!(parsed(&s.encode()), summary_as_before(&s));
    let list = MessageList {
        messages: vec![s.clone()],
        count: 1,
        bytes: 321,
        max_messages: 500,
        max_bytes: 1000,
    };
    assert_eq!(
        parsed(&list.encode()),
        json!({
            "count": 1, "messages": [summary_as_before(&s)], "bytes": 321,
            "max_messages": 500, "max_bytes": 1000,
        })
    );
    let d = detail();
    let mut before = summary_as_before(&s);
    let extra = json!({
        "raw": d.raw, "raw_encoding": "base64",
        "headers": [{"name": "Subject", "value": "Hi"}, {"name": "X-Long", "value": "one two"}],
        "text_body": "Hi\r\n",
        "findings": [{"kind": "bare_lf", "line": 3}, {"kind": "smuggling_attempt", "line": 4},
                     {"kind": "line_too_long", "line": 5, "length": 1200},
                     {"kind": "eight_bit", "line": 6}],
    });
    if let (Some(object), Value::Object(extra)) = (before.as_object_mut(), extra) {
        object.extend(extra);
    }
    assert_eq!(parsed(&d.encode()), before);
    // The members added since (scenarios, the rate limit) come after the earlier ones.
    let mut info = parsed(&sandbox().encode());
    let added = info
        .as_object_mut()
        .map(|o| (o.remove("scenarios"), o.remove("max_messages_per_minute")));
    let Some((Some(Value::Array(scenarios)), Some(rate))) = added else {
        panic!("scenarios and max_messages_per_minute missing");
    };
    assert_eq!(scenarios.len(), crate::server::scenarios::SCENARIOS.len());
    assert_eq!(scenarios[1]["address"], "greylist[+SECONDS]@");
    assert_eq!(scenarios[1]["parameter"]["default"], 60);
    assert_eq!(scenarios[1]["stage"], "rcpt");
    assert_eq!(scenarios[1]["verdict"], "retry_later");
    assert!(scenarios[1]["shows"]["zh-CN"].is_string());
    assert_eq!(rate, 30);
    assert_eq!(
        info,
        json!({
            "enabled": true, "listen": "127.0.0.1:2525",
            "hostname": "sandbox.smtp-playground.test",
            "demo_account": { "user": "demo", "password": "demo" },
            "starttls": true, "auth_mechanisms": ["PLAIN", "LOGIN"],
            "max_message_size": 10_485_760, "max_messages": 500, "max_bytes": 67_108_864,
            "maildir": false, "mailbox_scope": "visitor",
            "rules": [
                { "stage": "rcpt", "match": "x@y", "action": "reply",
                  "reply": "550 5.1.1 <x@y>: User unknown", "when": "always",
                  "text": "rcpt to=x@y: reply 550 5.1.1 <x@y>: User unknown" },
                { "stage": "auth", "match": null, "action": "reply",
                  "reply": "535 5.7.8 Error: authentication failed",
                  "when": "probability", "probability": 0.3,
                  "text": "auth: reply 535 5.7.8 Error: authentication failed, p=0.3" },
                { "stage": "greeting", "match": null, "action": "delay", "ms": 2000,
                  "when": "always", "text": "greeting: delay 2000ms" },
                { "stage": "end_of_data", "match": null, "action": "disconnect",
                  "when": "next", "sessions": 2, "text": "end_of_data: disconnect, next 2" },
            ],
        })
    );
    assert_eq!(
        parsed(&Deleted { deleted: 3 }.encode()),
        json!({"deleted": 3})
    );
    assert_eq!(parsed(&NewMessage { id: 7 }.encode()), json!({"id": 7}));
    assert_eq!(
        parsed(&ApiError { error: "no".into() }.encode()),
        json!({"error": "no"})
    );
}

/// Texts exactly as the bridge served them before the shapes moved here (serde_json's
/// alphabetical member order), read by today's decoder.
#[test]
fn texts_the_bridge_served_before_still_decode() {
    let detail_text = r#"{"authenticated_as":"demo","findings":[{"kind":"bare_lf","line":2}],"from":"","headers":[{"name":"Subject","value":"Hi"},{"name":"X-Long","value":"one two"}],"helo":"h","id":3,"peer":null,"queue_id":"Q1","raw":"Subject: Hi\r\nX-Long: one\r\n two\r\n\r\n.dot\r\n","raw_encoding":"utf-8","received_at":"1970-01-01T00:00:00Z","size":42,"subject":"Hi","text_body":".dot\r\n","tls":true,"to":["b@c"]}"#;
    let detail = read::<MessageDetail>(detail_text).expect("decodes");
    assert_eq!(
        detail,
        MessageDetail {
            summary: MessageSummary {
                id: 3,
                from: String::new(),
                to: vec!["b@c".into()],
                subject: Some("Hi".into()),
                size: 42,
                received_at: "1970-01-01T00:00:00Z".into(),
                tls: true,
                authenticated_as: Some("demo".into()),
                queue_id: "Q1".into(),
                helo: "h".into(),
                peer: None,
                session: None,
            },
            raw: "Subject: Hi\r\nX-Long: one\r\n two\r\n\r\n.dot\r\n".into(),
            raw_encoding: RawEncoding::Utf8,
            headers: vec![
                Header {
                    name: "Subject".into(),
                    value: "Hi".into()
                },
                Header {
                    name: "X-Long".into(),
                    value: "one two".into()
                },
            ],
            text_body: Some(".dot\r\n".into()),
            findings: vec![DataFinding::BareLf { line: 2 }],
        }
    );
    assert_eq!(parsed(&detail.encode()), parsed(detail_text));

    let list_text = r#"{"bytes":42,"count":1,"max_bytes":67108864,"max_messages":500,"messages":[{"authenticated_as":null,"from":"a@b","helo":"client.example","id":1,"peer":"127.0.0.1:50000","queue_id":"1A2B3C4D0001","received_at":"2025-05-01T12:00:00.123456Z","size":42,"subject":null,"tls":false,"to":["c@d","e@f"]}]}"#;
    let list = read::<MessageList>(list_text).expect("decodes");
    assert_eq!((list.count, list.bytes, list.max_messages), (1, 42, 500));
    assert_eq!(list.messages[0].to, ["c@d", "e@f"]);
    assert_eq!(list.messages[0].subject, None);
    assert_eq!(list.messages[0].peer.as_deref(), Some("127.0.0.1:50000"));
    assert_eq!(parsed(&list.encode()), parsed(list_text));

    let sandbox_text = r#"{"auth_mechanisms":["PLAIN","LOGIN"],"demo_account":{"password":"demo","user":"demo"},"enabled":true,"hostname":"sandbox.smtp-playground.test","listen":"127.0.0.1:2525","mailbox_scope":"all","maildir":false,"max_bytes":67108864,"max_message_size":10485760,"max_messages":500,"rules":[{"kind":"fail_auth","probability":0.25},{"kind":"drop_after_data"}],"starttls":true}"#;
    let info = read::<SandboxInfo>(sandbox_text).expect("decodes");
    assert_eq!(info.mailbox_scope, MailboxScope::All);
    // The rules of earlier bridges read as the rules they were; they are written anew.
    assert_eq!(
        info.rules,
        [
            "auth: reply 535 5.7.8 Error: authentication failed, p=0.25",
            "end_of_data: disconnect"
        ]
        .map(|text| Rule::parse(text).expect("valid"))
    );
    let mut again = parsed(&info.encode());
    let mut before = parsed(sandbox_text);
    if let Some(object) = before.as_object_mut() {
        object.insert("scenarios".into(), json!([]));
        object.insert("max_messages_per_minute".into(), Value::Null);
    }
    for value in [&mut again, &mut before] {
        value.as_object_mut().map(|o| o.remove("rules"));
    }
    assert_eq!(again, before);

    assert_eq!(
        read::<Deleted>(r#"{"deleted":3}"#)
            .expect("decodes")
            .deleted,
        3
    );
}

#[test]
fn older_and_newer_bridges_are_read_leniently() {
    // Before `mailbox_scope` (and most other members) existed.
    let old =
        read::<SandboxInfo>(r#"{"enabled":true,"listen":"127.0.0.1:40123"}"#).expect("decodes");
    assert_eq!(old.mailbox_scope, MailboxScope::All);
    assert_eq!(old.demo_account, None);
    // A member this version does not know.
    let newer = read::<NewMessage>(r#"{"id":4,"mailbox":"other"}"#).expect("decodes");
    assert_eq!(newer.id, 4);
}

#[test]
fn refusals_and_wrong_shapes_are_errors() {
    assert_eq!(
        read::<MessageDetail>(r#"{"error":"no message 9"}"#),
        Err(ShapeError::Refused("no message 9".into()))
    );
    assert!(matches!(
        read::<MessageList>(r#"{"count":0}"#),
        Err(ShapeError::Member { .. })
    ));
    assert!(matches!(
        read::<SandboxInfo>("<html>"),
        Err(ShapeError::NotJson(_))
    ));
    for bad in [
        r#"{"enabled":"yes"}"#,
        r#"{"mailbox_scope":"everyone"}"#,
        r#"{"rules":[{"kind":"teleport"}]}"#,
        r#"{"rules":[{"kind":"fail_auth","probability":"high"}]}"#,
        r#"{"rules":[{"stage":"rcpt","action":"reply","reply":"250 ok"}]}"#,
        r#"{"demo_account":"demo"}"#,
        "[]",
    ] {
        assert!(read::<SandboxInfo>(bad).is_err(), "{bad}");
    }
    for bad in [
        r#"{"messages":[{"id":-1}]}"#,
        r#"{"messages":[{"to":"a@b"}]}"#,
        r#"{"messages":{}}"#,
    ] {
        assert!(read::<MessageList>(bad).is_err(), "{bad}");
    }
    assert!(read::<MessageDetail>(r#"{"raw_encoding":"utf-16"}"#).is_err());
    assert!(read::<MessageDetail>(r#"{"findings":[{"kind":"odd","line":1}]}"#).is_err());
}

#[test]
fn the_page_reads_exactly_its_part_of_each_shape() {
    for info in [sandbox(), SandboxInfo::default()] {
        assert_eq!(
            page::sandbox(&info.encode()),
            Ok(page::SandboxReach::from(&info))
        );
    }
    let list = MessageList {
        messages: vec![summary(), MessageSummary::default()],
        count: 2,
        ..MessageList::default()
    };
    assert_eq!(
        page::messages(&list.encode()),
        Ok(list.messages.iter().map(page::Headline::from).collect())
    );
    for detail in [detail(), MessageDetail::default()] {
        assert_eq!(
            page::message(&detail.encode()),
            Ok(page::MessageText::from(&detail))
        );
    }
    // The same refusals and shape errors as the full readers.
    assert_eq!(
        page::message(r#"{"error":"no message 9"}"#),
        Err(ShapeError::Refused("no message 9".into()))
    );
    assert!(page::messages(r#"{"count":0}"#).is_err());
    assert!(page::sandbox("<html>").is_err());
    assert!(page::sandbox(r#"{"mailbox_scope":"everyone"}"#).is_err());
    assert!(page::messages(r#"{"messages":[{"to":"a@b"}]}"#).is_err());
    // What the page does not read may be anything.
    assert!(page::sandbox(r#"{"enabled":true,"rules":"odd"}"#).is_ok());
}

#[test]
fn scenario_records_come_from_the_table_and_refuse_unknown_names() {
    for entry in crate::server::scenarios::SCENARIOS {
        let record = ScenarioRecord::of(entry);
        round_trip(&record);
        assert_eq!(record.local_part, entry.local_part);
        assert_eq!(record.shows.zh, entry.shows.zh);
    }
    for bad in [
        r#"{"scenarios":[{"stage":"later"}]}"#,
        r#"{"scenarios":[{"verdict":"maybe"}]}"#,
        r#"{"scenarios":[{"shows":"text"}]}"#,
        r#"{"scenarios":{}}"#,
    ] {
        assert!(read::<SandboxInfo>(bad).is_err(), "{bad}");
    }
    // A newer bridge's parameter name reads as N rather than failing.
    let record = ScenarioRecord::decode(
        r#"{"address":"x[+COUNT]@","stage":"rcpt","verdict":"give_up","parameter":{"name":"COUNT","default":1,"min":0,"max":9}}"#,
    )
    .expect("decodes");
    assert_eq!(record.parameter.map(|p| p.name), Some("N"));
}
