//! The session summary (`protocol::annotate::summarize`) of annotated transcripts, among them
//! every committed capture.

use protocol::annotate::*;
use protocol::lang::Lang;
use protocol::transcript;

fn lines(text: &str, lang: Lang) -> Vec<AnnotatedLine> {
    transcript::annotate(text, lang)
        .1
        .into_iter()
        .map(|(_, a)| a)
        .collect()
}

fn capture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn summary_of(name: &str) -> Summary {
    summarize(&lines(&capture(name), Lang::En))
}

#[test]
fn a_delivered_message() {
    let s = summary_of("postfix/deliver.swaks.txt");
    assert_eq!(s.messages_sent(), 1);
    assert_eq!(s.messages_accepted(), 1);
    assert_eq!(s.messages[0].id, "message-accepted");
    assert_eq!(s.messages[0].code, Some(250));
    assert_eq!((s.recipients_accepted, s.recipients_refused), (1, 0));
    assert_eq!(s.tls, Tls::NotUsed);
    assert_eq!(s.auth, AuthOutcome::None);
    assert_eq!(s.errors(), 0);
    assert!(s.error_ids.is_empty());
    assert_eq!(s.ending, Ending::Quit);
    assert_eq!(
        s.describe(Lang::En),
        [
            "Messages: 1 sent, 1 accepted, 0 refused",
            "Recipients: 1 accepted, 0 refused",
            "TLS: not used (no STARTTLS)",
            "AUTH: not used",
            "Errors: none",
            "Ending: QUIT, answered with 221",
        ]
    );
}

#[test]
fn refused_recipients_are_counted_with_their_reasons() {
    let s = summary_of("postfix/recipients.raw.txt");
    assert_eq!((s.recipients_accepted, s.recipients_refused), (1, 2));
    assert_eq!(s.messages_sent(), 0);
    assert_eq!((s.temporary_errors, s.permanent_errors), (0, 2));
    assert_eq!(s.error_ids, ["unknown-user", "relay-denied"]);
    assert_eq!(s.ending, Ending::Quit);
    let zh = summarize(&lines(&capture("postfix/recipients.raw.txt"), Lang::ZhCn));
    assert_eq!(zh, s, "the same numbers in either language");
    let text = zh.describe(Lang::ZhCn);
    assert_eq!(text[0], "邮件：未发送");
    assert_eq!(text[1], "收件人：接受 1 个，拒绝 2 个");
    assert_eq!(
        text[4],
        "错误：2 个（临时 4xx 0 个，永久 5xx 2 个）：unknown-user、relay-denied"
    );
    assert_eq!(text[5], "结束：客户端发送 QUIT，服务器回复 221");
}

#[test]
fn sequence_and_syntax_errors_are_distinct_ids() {
    for name in [
        "postfix/errors.smtplib.txt",
        "postfix/sequence_errors.raw.txt",
        "postfix/syntax_errors.raw.txt",
    ] {
        let s = summary_of(name);
        assert!(s.permanent_errors > 0, "{name}: {s:?}");
        assert_eq!(s.temporary_errors, 0, "{name}");
        let mut ids = s.error_ids.clone();
        ids.dedup();
        assert_eq!(ids.len(), s.error_ids.len(), "{name}: ids once each");
        assert!(s.error_ids.len() <= s.permanent_errors, "{name}");
        assert!(
            !s.error_ids.contains(&"generic"),
            "{name}: {:?}",
            s.error_ids
        );
    }
    let s = summary_of("postfix/errors.smtplib.txt");
    assert_eq!(s.permanent_errors, 3);
    assert_eq!(s.error_ids.len(), 3, "{:?}", s.error_ids);
    assert!(s.error_ids.contains(&"bad-sequence"), "{:?}", s.error_ids);
    assert!(
        s.error_ids.contains(&"unknown-command"),
        "{:?}",
        s.error_ids
    );
    assert_eq!(s.ending, Ending::Quit);
}

#[test]
fn every_committed_capture_sums_up_without_contradiction() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut seen = 0;
    for server in ["postfix", "aiosmtpd"] {
        let mut entries: Vec<_> = std::fs::read_dir(dir.join(server))
            .expect("captures")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.to_string_lossy().ends_with(".txt"))
            .filter(|p| !p.ends_with("expect.txt"))
            .collect();
        entries.sort();
        for path in entries {
            let text = std::fs::read_to_string(&path).expect("capture");
            let annotated = lines(&text, Lang::En);
            let s = summarize(&annotated);
            let replies = annotated
                .iter()
                .filter(|l| l.kind == LineKind::Reply)
                .count();
            assert!(s.errors() <= replies, "{}", path.display());
            assert!(s.messages_accepted() <= s.messages_sent());
            assert_eq!(s.tls, Tls::NotUsed, "{}", path.display());
            assert_eq!(s.describe(Lang::En).len(), 6);
            seen += 1;
        }
    }
    assert!(seen >= 20, "only {seen} captures");
}

#[test]
fn a_refused_message_keeps_the_reply_title() {
    let text = "S: 220 163.com Anti-spam GT for Coremail System\nC: helo fan2\nS: 250 OK\nC: mail from:<a@163.com>\nS: 250 Mail OK\nC: rcpt to:<b@qq.com>\nS: 250 Mail OK\nC: data\nS: 354 End data with <CR><LF>.<CR><LF>\nC: hello\nC: .\nS: 554 DT:SPM 163 smtp13,EcCowACn10fou+hW+JiyAg--.\nC: quit\nS: 221 Bye\n";
    let s = summarize(&lines(text, Lang::En));
    assert_eq!(s.messages_sent(), 1);
    assert_eq!(s.messages_refused(), 1);
    let refused = &s.messages[0];
    assert!(!refused.accepted);
    assert_eq!(refused.code, Some(554));
    assert_eq!(refused.id, "spam-rejected");
    assert!(refused.title.starts_with("554"), "{}", refused.title);
    let described = &s.describe(Lang::En)[0];
    assert!(
        described.starts_with("Messages: 1 sent, 0 accepted, 1 refused (554"),
        "{described}"
    );
    assert_eq!(s.error_ids, ["spam-rejected"]);
}

#[test]
fn a_dot_without_its_reply_is_sent_but_unanswered() {
    let text = "S: 220 mx\nC: HELO me\nS: 250 mx\nC: MAIL FROM:<a@b.example>\nS: 250 ok\nC: RCPT TO:<c@d.example>\nS: 250 ok\nC: DATA\nS: 354 go\nC: Subject: x\nC: \nC: hi\nC: .\n";
    let s = summarize(&lines(text, Lang::En));
    assert_eq!(s.messages_sent(), 1);
    assert_eq!(s.messages_unanswered, 1);
    assert_eq!(s.messages_accepted(), 0);
    assert_eq!(s.ending, Ending::Neither);
    assert!(s.describe(Lang::En)[0].ends_with(", 1 without a reply"));
}

#[test]
fn starttls_and_auth() {
    let text = "S: 220 mx ESMTP\nC: EHLO me\nS: 250-mx\nS: 250 STARTTLS\nC: STARTTLS\nS: 220 2.0.0 Ready to start TLS\nC: EHLO me\nS: 250-mx\nS: 250 AUTH PLAIN LOGIN\nC: AUTH PLAIN AGJvYgB3cm9uZw==\nS: 535 5.7.8 Error: authentication failed: authentication failure\nC: AUTH PLAIN AGJvYgBzZWNyZXQ=\nS: 235 2.7.0 Authentication successful\nC: QUIT\nS: 221 2.0.0 Bye\n";
    let s = summarize(&lines(text, Lang::En));
    assert_eq!(s.tls, Tls::StartTls);
    assert_eq!(s.auth, AuthOutcome::Ok, "the second attempt succeeded");
    assert_eq!(s.error_ids, ["auth-failed"]);
    assert_eq!(s.ending, Ending::Quit);
    let failed = text.replace("235 2.7.0 Authentication successful", "535 5.7.8 no");
    assert_eq!(
        summarize(&lines(&failed, Lang::En)).auth,
        AuthOutcome::Failed
    );
    // STARTTLS accepted, and then nothing: whether the handshake happened is unknown.
    let cut = "S: 220 mx\nC: EHLO me\nS: 250 STARTTLS\nC: STARTTLS\nS: 220 Ready\n";
    assert_eq!(summarize(&lines(cut, Lang::En)).tls, Tls::Unknown);
    assert_eq!(summarize(&[]).tls, Tls::Unknown);
    assert_eq!(
        summarize(&lines(text, Lang::ZhCn)).describe(Lang::ZhCn)[2..4],
        ["TLS：STARTTLS 之后开启", "认证（AUTH）：成功"]
    );
}

#[test]
fn a_421_ends_the_session() {
    let text = "S: 220 mx ESMTP\nC: EHLO me\nS: 250 mx\nS: 421 4.4.2 mx Error: timeout exceeded\n";
    let s = summarize(&lines(text, Lang::En));
    assert_eq!(s.ending.as_str(), "421");
    let Ending::Closed { id } = s.ending else {
        panic!("{:?}", s.ending)
    };
    assert_eq!(id, "timeout");
    assert_eq!(s.temporary_errors, 1);
    assert_eq!(
        s.describe(Lang::En)[5],
        "Ending: the server closed the session with 421 (timeout)"
    );
}
