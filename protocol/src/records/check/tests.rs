use super::*;
use crate::check::{Facts, Poll, Probe, ProbePlan};

/// A whole check of a made-up server, as the runner makes it.
fn host() -> HostRecord {
    let mut probe = Probe::new(ProbePlan {
        helo: "probe.example".into(),
        domain: Some("example.org".into()),
        implicit_tls: false,
    });
    probe.handle_line("220 mx.example.org ESMTP", 12, Some(12));
    let mut at = 20;
    for _ in 0..20 {
        match probe.poll() {
            Poll::Send(line) => {
                at += 1;
                let answer = if line.starts_with("EHLO") {
                    vec!["250-mx.example.org", "250 SIZE 1000"]
                } else if line.starts_with("RCPT TO:<relay") {
                    vec!["554 5.7.1 <relay-test@example.net>: Relay access denied"]
                } else if line == "QUIT" {
                    vec!["221 2.0.0 Bye"]
                } else {
                    vec!["250 2.0.0 Ok"]
                };
                for l in answer {
                    probe.handle_line(l, at, Some(1));
                }
            }
            Poll::Wait => panic!("nothing to wait for"),
            Poll::Done => break,
        }
    }
    let check = probe.finish(Facts {
        name: "mx.example.org".into(),
        port: 25,
        address: Some("192.0.2.1".into()),
        connect_ms: Some(3),
        ..Facts::default()
    });
    HostRecord::new(&check, Some(10))
}

#[test]
fn a_report_round_trips_with_its_lines_items_and_matrix() {
    let host = host();
    assert!(host.lines.len() > 10, "{}", host.lines.len());
    assert_eq!(host.timings[0].stage, "connect");
    let relay = host
        .items
        .iter()
        .find(|i| i.id == "open-relay")
        .expect("item");
    assert_eq!(relay.verdict, Verdict::Pass);
    assert!(!relay.zh.title.is_empty() && relay.zh.title != relay.en.title);
    let decoded = HostRecord::decode(&host.encode()).expect("decodes");
    assert_eq!(decoded, host);

    let report = CheckReport {
        target: "example.org".into(),
        domain: Some("example.org".into()),
        port: 25,
        verdict: host.verdict,
        error: None,
        hosts: vec![host.clone(), host.clone()],
        matrix: MatrixRecord {
            hosts: vec!["a".into(), "b".into()],
            rows: vec![MatrixRowRecord {
                id: "banner".into(),
                reference: "RFC 5321 4.3.1".into(),
                title_en: "Banner".into(),
                title_zh: "欢迎信息".into(),
                verdicts: vec![Verdict::Pass, Verdict::Fail],
            }],
        },
    };
    assert_eq!(
        CheckReport::decode(&report.encode()).expect("decodes"),
        report
    );
    assert_eq!(MatrixRecord::title(&report.matrix.rows[0]).zh, "欢迎信息");
}

#[test]
fn events_round_trip_and_name_their_type() {
    let host = host();
    let events = [
        CheckEvent::HostStarted {
            host: 0,
            name: "mx.example.org".into(),
            preference: Some(10),
            port: 25,
        },
        CheckEvent::Line {
            host: 0,
            line: Box::new(host.lines[0].clone()),
        },
        CheckEvent::HostFinished {
            host: 0,
            report: Box::new(host.clone()),
        },
        CheckEvent::Done {
            report: Box::new(CheckReport {
                target: "mx.example.org".into(),
                port: 25,
                hosts: vec![host],
                ..CheckReport::default()
            }),
        },
        CheckEvent::Error {
            code: "target_denied".into(),
            message: "no".into(),
        },
    ];
    for event in events {
        let text = event.encode();
        assert!(
            text.starts_with(&format!("{{\"type\":\"{}\"", event.kind())),
            "{text}"
        );
        assert_eq!(CheckEvent::decode(&text).expect("decodes"), event);
    }
}

#[test]
fn readers_are_lenient_with_new_members_and_strict_with_wrong_types() {
    let report = CheckReport::decode(r#"{"target":"x","hosts":[],"new":1,"verdict":"later"}"#)
        .expect("decodes");
    assert_eq!(
        report.verdict,
        Verdict::Info,
        "an unknown verdict reads as info"
    );
    assert!(
        CheckReport::decode(r#"{"target":"x"}"#).is_err(),
        "hosts is required"
    );
    assert!(CheckReport::decode(r#"{"hosts":[],"port":"25"}"#).is_err());
    assert!(CheckEvent::decode(r#"{"type":"nope"}"#).is_err());
    let failed = CheckReport {
        verdict: Verdict::Fail,
        ..CheckReport::default()
    };
    assert!(failed.failed());
}
