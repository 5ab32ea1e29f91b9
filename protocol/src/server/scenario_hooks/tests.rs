//! The scenarios and the rate limiter as a client meets them: whole sessions, replies
//! checked line by line, and what the shell is told to store.

use super::super::{Account, Memory, ReceivedMessage, ServerConfig, ServerOutput, ServerSession};
use crate::annotate::Annotator;
use crate::lang::Lang;

const T0: u64 = 1_796_295_365_000;

fn config() -> ServerConfig {
    ServerConfig {
        accounts: vec![Account {
            user: "demo".into(),
            password: "demo".into(),
        }],
        ..ServerConfig::default()
    }
}

/// A session that said hello, at `now`.
fn session(config: ServerConfig, now: u64) -> ServerSession {
    let mut s = ServerSession::new(config, 42);
    s.set_now(now);
    s.set_client("192.0.2.7");
    let _ = drain(&mut s);
    s.handle_input(b"EHLO client.example\r\n");
    let _ = drain(&mut s);
    s
}

#[derive(Debug, Default)]
struct Out {
    text: String,
    /// Every output in order, writes as text.
    steps: Vec<String>,
    delivered: Vec<ReceivedMessage>,
    closed: bool,
}

fn drain(s: &mut ServerSession) -> Out {
    let mut out = Out::default();
    while let Some(o) = s.poll_output() {
        match o {
            ServerOutput::Write(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                out.text.push_str(&text);
                out.steps.push(text);
            }
            ServerOutput::Pause(ms) => out.steps.push(format!("pause {ms}")),
            ServerOutput::Close => {
                out.closed = true;
                out.steps.push("close".into());
            }
            ServerOutput::Delivered(m) => {
                out.steps.push(format!("delivered {}", m.queue_id));
                out.delivered.push(*m);
            }
            ServerOutput::StartTls => out.steps.push("starttls".into()),
            ServerOutput::Throttle(rate) => out.steps.push(format!("throttle {rate}")),
        }
    }
    out
}

fn send(s: &mut ServerSession, input: &str) -> Out {
    s.handle_input(input.as_bytes());
    drain(s)
}

fn send_with(s: &mut ServerSession, memory: &mut Memory, input: &str) -> Out {
    s.handle_input_with(input.as_bytes(), memory);
    drain(s)
}

const MESSAGE: &str = "Subject: scenario\r\nFrom: <a@client.example>\r\n\r\nHello\r\n.\r\n";

#[test]
fn each_rcpt_scenario_refuses_with_its_reply_and_the_others_are_delivered() {
    let mut s = session(config(), T0);
    assert_eq!(
        send(&mut s, "MAIL FROM:<a@client.example>\r\n").text,
        "250 2.1.0 Ok\r\n"
    );
    for (rcpt, reply) in [
        (
            "busy@x.test",
            "450 4.2.1 <busy@x.test>: Recipient address rejected: Mailbox busy, try again later\r\n",
        ),
        (
            "Missing@Example.ORG",
            "550 5.1.1 <Missing@Example.ORG>: Recipient address rejected: User unknown in virtual mailbox table\r\n",
        ),
        (
            "full@x.test",
            "452 4.2.2 <full@x.test>: Recipient address rejected: Quota exceeded (mailbox for user is full)\r\n",
        ),
        (
            "full+permanent@x.test",
            "552 5.2.2 <full+permanent@x.test>: Recipient address rejected: Quota exceeded (mailbox for user is full)\r\n",
        ),
        (
            "relay@elsewhere.example",
            "554 5.7.1 <relay@elsewhere.example>: Relay access denied\r\n",
        ),
        (
            "greylist@x.test",
            "451 4.7.1 <greylist@x.test>: Recipient address rejected: Greylisted for 60 seconds, try again later\r\n",
        ),
        ("alice@x.test", "250 2.1.5 Ok\r\n"),
    ] {
        assert_eq!(send(&mut s, &format!("RCPT TO:<{rcpt}>\r\n")).text, reply);
    }
    assert_eq!(
        send(&mut s, "DATA\r\n").text,
        "354 End data with <CR><LF>.<CR><LF>\r\n"
    );
    let out = send(&mut s, MESSAGE);
    assert!(
        out.text.starts_with("250 2.0.0 Ok: queued as "),
        "{}",
        out.text
    );
    assert_eq!(out.delivered.len(), 1);
    assert_eq!(out.delivered[0].rcpt_to, ["alice@x.test"]);
}

#[test]
fn scenarios_can_be_turned_off() {
    let mut s = session(
        ServerConfig {
            scenarios: false,
            ..config()
        },
        T0,
    );
    send(&mut s, "MAIL FROM:<a@client.example>\r\n");
    for rcpt in [
        "busy@x",
        "greylist@x",
        "missing@x",
        "relay@x",
        "spam@x",
        "bounce@x",
    ] {
        assert_eq!(
            send(&mut s, &format!("RCPT TO:<{rcpt}>\r\n")).text,
            "250 2.1.5 Ok\r\n"
        );
    }
    send(&mut s, "DATA\r\n");
    let out = send(&mut s, MESSAGE);
    assert_eq!(out.delivered.len(), 1);
    assert_eq!(out.delivered[0].rcpt_to.len(), 6);
}

#[test]
fn greylisting_accepts_the_retry_after_the_delay_across_sessions() {
    let mut memory = Memory::default();
    let attempt = |memory: &mut Memory, now: u64, rcpt: &str| {
        let mut s = session(config(), now);
        send_with(&mut s, memory, "MAIL FROM:<a@client.example>\r\n");
        send_with(&mut s, memory, &format!("RCPT TO:<{rcpt}>\r\n")).text
    };
    let refused = |seconds: u64| {
        format!(
            "451 4.7.1 <greylist@x.test>: Recipient address rejected: Greylisted for {seconds} seconds, try again later\r\n"
        )
    };
    assert_eq!(attempt(&mut memory, T0, "greylist@x.test"), refused(60));
    assert_eq!(
        attempt(&mut memory, T0 + 20_500, "greylist@x.test"),
        refused(40)
    );
    assert_eq!(
        attempt(&mut memory, T0 + 60_000, "greylist@x.test"),
        "250 2.1.5 Ok\r\n"
    );
    assert_eq!(
        attempt(&mut memory, T0 + 90_000, "greylist@x.test"),
        "250 2.1.5 Ok\r\n"
    );
    // greylist+SECONDS picks the delay.
    let short = "greylist+2@x.test";
    assert!(attempt(&mut memory, T0, short).contains("Greylisted for 2 seconds"));
    assert!(attempt(&mut memory, T0 + 1000, short).contains("Greylisted for 1 second,"));
    assert_eq!(attempt(&mut memory, T0 + 2000, short), "250 2.1.5 Ok\r\n");
    assert_eq!(memory.triplets(), 2);
    // Without the shared memory each session starts afresh: the retry is new again.
    let mut s = session(config(), T0 + 120_000);
    send(&mut s, "MAIL FROM:<a@client.example>\r\n");
    assert_eq!(
        send(&mut s, "RCPT TO:<greylist@x.test>\r\n").text,
        refused(60)
    );
}

#[test]
fn relay_is_refused_until_the_client_logs_in() {
    let mut s = session(config(), T0);
    send(&mut s, "MAIL FROM:<a@client.example>\r\n");
    assert!(
        send(&mut s, "RCPT TO:<relay@far.example>\r\n")
            .text
            .starts_with("554 5.7.1")
    );
    send(&mut s, "RSET\r\n");
    assert_eq!(
        send(&mut s, "AUTH PLAIN AGRlbW8AZGVtbw==\r\n").text,
        "235 2.7.0 Authentication successful\r\n"
    );
    send(&mut s, "MAIL FROM:<a@client.example>\r\n");
    assert_eq!(
        send(&mut s, "RCPT TO:<relay@far.example>\r\n").text,
        "250 2.1.5 Ok\r\n"
    );
}

#[test]
fn spam_is_refused_at_the_dot_for_the_whole_message() {
    let mut s = session(config(), T0);
    send(&mut s, "MAIL FROM:<a@client.example>\r\n");
    assert_eq!(
        send(&mut s, "RCPT TO:<alice@x.test>\r\n").text,
        "250 2.1.5 Ok\r\n"
    );
    assert_eq!(
        send(&mut s, "RCPT TO:<spam@x.test>\r\n").text,
        "250 2.1.5 Ok\r\n"
    );
    send(&mut s, "DATA\r\n");
    let out = send(&mut s, MESSAGE);
    assert_eq!(out.text, "554 5.7.1 Spam message rejected\r\n");
    assert!(out.delivered.is_empty());
    assert!(!out.closed);
    // The next transaction is an ordinary one.
    send(&mut s, "MAIL FROM:<a@client.example>\r\n");
    send(&mut s, "RCPT TO:<alice@x.test>\r\n");
    send(&mut s, "DATA\r\n");
    assert_eq!(send(&mut s, MESSAGE).delivered.len(), 1);
}

#[test]
fn slow_delays_every_reply_from_its_rcpt_on() {
    let mut s = session(config(), T0);
    let out = send(&mut s, "MAIL FROM:<a@client.example>\r\n");
    assert_eq!(out.steps, ["250 2.1.0 Ok\r\n"]);
    let out = send(&mut s, "RCPT TO:<slow+250@x.test>\r\n");
    assert_eq!(out.steps, ["pause 250", "250 2.1.5 Ok\r\n"]);
    let out = send(&mut s, "DATA\r\n");
    assert_eq!(out.steps[0], "pause 250");
    // The message is stored at once; only the reply waits.
    let out = send(&mut s, MESSAGE);
    assert!(out.steps[0].starts_with("delivered"));
    assert_eq!(out.steps[1], "pause 250");
    assert!(out.steps[2].starts_with("250 2.0.0 Ok: queued as"));
    // The session stays slow: RSET, NOOP and QUIT too.
    assert_eq!(send(&mut s, "NOOP\r\n").steps[0], "pause 250");
    assert_eq!(
        send(&mut s, "QUIT\r\n").steps,
        ["pause 250", "221 2.0.0 Bye\r\n", "close"]
    );
    // slow@ alone waits the default.
    let mut s = session(config(), T0);
    send(&mut s, "MAIL FROM:<a@client.example>\r\n");
    assert_eq!(
        send(&mut s, "RCPT TO:<SLOW@x.test>\r\n").steps[0],
        "pause 3000"
    );
}

#[test]
fn drop_hangs_up_once_the_text_starts_and_stores_nothing() {
    let mut s = session(config(), T0);
    send(&mut s, "MAIL FROM:<a@client.example>\r\n");
    send(&mut s, "RCPT TO:<alice@x.test>\r\n");
    assert_eq!(
        send(&mut s, "RCPT TO:<drop@x.test>\r\n").text,
        "250 2.1.5 Ok\r\n"
    );
    assert_eq!(
        send(&mut s, "DATA\r\n").text,
        "354 End data with <CR><LF>.<CR><LF>\r\n"
    );
    let out = send(
        &mut s,
        "Subject: first lines\r\nFrom: <a@client.example>\r\n",
    );
    assert_eq!(out.steps, ["close"]);
    assert!(s.is_closed());
    // Whatever follows is not read, let alone stored.
    let out = send(&mut s, "\r\nbody\r\n.\r\nQUIT\r\n");
    assert!(out.steps.is_empty());
    // BDAT drops the same way.
    let mut s = session(config(), T0);
    send(&mut s, "MAIL FROM:<a@client.example>\r\n");
    send(&mut s, "RCPT TO:<drop@x.test>\r\n");
    let out = send(&mut s, "BDAT 12 LAST\r\nSubject: x\r\n");
    assert_eq!(out.steps, ["close"]);
}

/// The parts of a `multipart/report`, by its boundary; `None` when it is not one.
fn report_parts(message: &str) -> Option<Vec<String>> {
    let (header, body) = message.split_once("\r\n\r\n")?;
    let unfolded = header.replace("\r\n\t", " ");
    let content_type = unfolded
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-type:"))?;
    if !content_type.contains("multipart/report")
        || !content_type.contains("report-type=delivery-status")
    {
        return None;
    }
    let boundary = content_type
        .split("boundary=\"")
        .nth(1)?
        .split('"')
        .next()?;
    let close = format!("\r\n--{boundary}--\r\n");
    assert!(body.ends_with(&close), "no closing boundary");
    let parts = body
        .strip_suffix(&close)?
        .split(&format!("--{boundary}\r\n"))
        .skip(1)
        .map(str::to_owned)
        .collect();
    Some(parts)
}

#[test]
fn bounce_accepts_then_reports_the_failure_to_the_sender() {
    let mut s = session(config(), T0);
    send(&mut s, "MAIL FROM:<Sender@Client.example>\r\n");
    send(&mut s, "RCPT TO:<alice@x.test>\r\n");
    assert_eq!(
        send(&mut s, "RCPT TO:<bounce@x.test>\r\n").text,
        "250 2.1.5 Ok\r\n"
    );
    send(&mut s, "DATA\r\n");
    let out = send(&mut s, MESSAGE);
    // Both are handed to the shell before the 250, the bounce first.
    assert_eq!(out.steps.len(), 3, "{:?}", out.steps);
    assert!(out.steps[2].starts_with("250 2.0.0 Ok: queued as "));
    let (dsn, original): (Vec<_>, Vec<_>) = out
        .delivered
        .into_iter()
        .partition(|m| m.mail_from.is_empty());
    assert_eq!(original.len(), 1);
    assert_eq!(original[0].rcpt_to, ["alice@x.test"]);
    assert_eq!(dsn.len(), 1);
    let dsn = &dsn[0];
    assert_eq!(dsn.rcpt_to, ["Sender@Client.example"]);
    assert_ne!(dsn.queue_id, original[0].queue_id);
    let text = String::from_utf8(dsn.data.clone()).expect("ASCII");
    assert!(!text.replace("\r\n", "").contains('\n'), "bare LF");
    for header in [
        "From: Mail Delivery System <MAILER-DAEMON@sandbox.smtp-playground.test>\r\n",
        "To: <Sender@Client.example>\r\n",
        "Subject: Undelivered Mail Returned to Sender\r\n",
        "Date: Thu, 03 Dec 2026 10:56:05 +0000\r\n",
        "Auto-Submitted: auto-replied\r\n",
        "MIME-Version: 1.0\r\n",
    ] {
        assert!(text.contains(header), "{header} missing in\n{text}");
    }
    let parts = report_parts(&text).expect("a multipart/report");
    assert_eq!(parts.len(), 3);
    assert!(parts[0].contains("Content-Type: text/plain"));
    assert!(parts[0].contains("<bounce@x.test>: 550 5.1.1"));
    let status = &parts[1];
    assert!(status.starts_with(
        "Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n"
    ));
    let (per_message, per_recipient) = status
        .split_once("\r\n\r\n")
        .and_then(|(_, fields)| fields.split_once("\r\n\r\n"))
        .expect("per-message and per-recipient blocks");
    assert_eq!(
        per_message,
        "Reporting-MTA: dns; sandbox.smtp-playground.test\r\nArrival-Date: Thu, 03 Dec 2026 10:56:05 +0000"
    );
    for field in [
        "Final-Recipient: rfc822; bounce@x.test\r\n",
        "Action: failed\r\n",
        "Status: 5.1.1\r\n",
        "Diagnostic-Code: smtp; 550 5.1.1 <bounce@x.test>: Recipient address rejected: User unknown",
    ] {
        assert!(
            per_recipient.contains(field),
            "{field} missing in\n{per_recipient}"
        );
    }
    assert!(!per_recipient.contains("alice"));
    assert!(parts[2].starts_with("Content-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: scenario\r\nFrom: <a@client.example>\r\n"));
    assert!(!parts[2].contains("Hello"), "the body is not quoted");
}

#[test]
fn a_bounce_alone_stores_only_the_report_and_a_null_sender_gets_none() {
    let mut s = session(config(), T0);
    send(&mut s, "MAIL FROM:<a@client.example>\r\n");
    send(&mut s, "RCPT TO:<bounce@x.test>\r\n");
    send(&mut s, "RCPT TO:<bounce@y.test>\r\n");
    send(&mut s, "DATA\r\n");
    let out = send(&mut s, MESSAGE);
    assert!(out.text.starts_with("250 2.0.0 Ok: queued as "));
    assert_eq!(out.delivered.len(), 1);
    let report = String::from_utf8_lossy(&out.delivered[0].data).into_owned();
    assert_eq!(report.matches("Action: failed").count(), 2);
    // A bounce is never bounced (RFC 5321 4.5.5).
    send(&mut s, "MAIL FROM:<>\r\n");
    send(&mut s, "RCPT TO:<bounce@x.test>\r\n");
    send(&mut s, "DATA\r\n");
    let out = send(&mut s, MESSAGE);
    assert!(out.text.starts_with("250 2.0.0 Ok: queued as "));
    assert!(out.delivered.is_empty());
}

#[test]
fn the_rate_limiter_closes_with_421_past_the_limit_per_client() {
    let limited = ServerConfig {
        max_messages_per_minute: Some(2),
        ..config()
    };
    let mut memory = Memory::default();
    let mail = |memory: &mut Memory, now: u64, client: &str| {
        let mut s = session(limited.clone(), now);
        s.set_client(client);
        send_with(&mut s, memory, "MAIL FROM:<a@client.example>\r\n")
    };
    let here = "192.0.2.7";
    assert_eq!(mail(&mut memory, T0, here).text, "250 2.1.0 Ok\r\n");
    assert_eq!(mail(&mut memory, T0 + 1000, here).text, "250 2.1.0 Ok\r\n");
    let out = mail(&mut memory, T0 + 2000, here);
    assert_eq!(
        out.text,
        "421 4.7.0 sandbox.smtp-playground.test Error: too many messages; try again later\r\n"
    );
    assert!(out.closed);
    // Another client has its own minute; this one's frees up as the minute slides.
    assert_eq!(
        mail(&mut memory, T0 + 2000, "192.0.2.8").text,
        "250 2.1.0 Ok\r\n"
    );
    assert!(mail(&mut memory, T0 + 59_000, here).closed);
    assert_eq!(
        mail(&mut memory, T0 + 60_000, here).text,
        "250 2.1.0 Ok\r\n"
    );
    // Several messages in one session count one by one.
    let mut s = session(limited.clone(), T0 + 200_000);
    let mut m = Memory::default();
    for _ in 0..2 {
        send_with(
            &mut s,
            &mut m,
            "MAIL FROM:<a@client.example>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n",
        );
        send_with(&mut s, &mut m, MESSAGE);
    }
    assert!(send_with(&mut s, &mut m, "MAIL FROM:<a@client.example>\r\n").closed);
}

/// Runs `script` through a session and an annotator side by side; returns the annotation
/// of the reply that starts with `code` in `lang`.
fn annotated(script: &[&str], code: &str, lang: Lang) -> crate::annotate::Annotation {
    let mut s = ServerSession::new(config(), 1);
    s.set_now(T0);
    let mut annotator = Annotator::new(lang);
    let mut found = None;
    let mut feed = |annotator: &mut Annotator, text: &str| {
        for line in text.split_terminator("\r\n") {
            let line = annotator.server_line(line);
            if line.text.starts_with(code) && line.starts_reply {
                found = Some(line.annotation);
            }
        }
    };
    feed(&mut annotator, &drain(&mut s).text);
    for line in script {
        annotator.client_line(line);
        s.handle_input(format!("{line}\r\n").as_bytes());
        feed(&mut annotator, &drain(&mut s).text);
    }
    found.unwrap_or_else(|| panic!("no {code} reply"))
}

/// A script, the code of the reply it leads to, the explanation id that reply must get,
/// words its explanation must hold and words one next step must hold (English, Chinese).
type Case = (
    Vec<&'static str>,
    &'static str,
    &'static str,
    [&'static str; 2],
    [&'static str; 2],
);

#[test]
fn each_reply_is_explained_with_what_the_client_should_do() {
    let rcpt = |to: &'static str| ["EHLO c.example", "MAIL FROM:<a@c.example>", to];
    let body = ["Subject: x", "", "hi", "."];
    let at_dot = |to: &'static str| {
        let mut s = vec!["EHLO c.example", "MAIL FROM:<a@c.example>", to, "DATA"];
        s.extend(body);
        s
    };
    let cases: Vec<Case> = vec![
        (
            rcpt("RCPT TO:<busy@x>").to_vec(),
            "450",
            "mailbox-unavailable-temp",
            ["retrying later", "稍后重试"],
            ["Wait", "稍等"],
        ),
        (
            rcpt("RCPT TO:<greylist@x>").to_vec(),
            "451",
            "greylisted",
            ["retrying later", "稍后重试"],
            ["Wait", "稍等"],
        ),
        (
            rcpt("RCPT TO:<missing@x>").to_vec(),
            "550",
            "unknown-user",
            ["will fail again", "仍会失败"],
            ["RCPT TO", "RCPT TO"],
        ),
        (
            rcpt("RCPT TO:<full@x>").to_vec(),
            "452",
            "mailbox-full",
            ["retrying later", "稍后重试"],
            ["Wait", "稍等"],
        ),
        (
            rcpt("RCPT TO:<full+permanent@x>").to_vec(),
            "552",
            "mailbox-full",
            ["will fail again", "仍会失败"],
            ["Give up", "放弃"],
        ),
        (
            rcpt("RCPT TO:<relay@x>").to_vec(),
            "554",
            "relay-denied",
            ["will fail again", "仍会失败"],
            ["AUTH", "AUTH"],
        ),
        (
            at_dot("RCPT TO:<spam@x>"),
            "554",
            "spam-rejected",
            ["will fail again", "仍会失败"],
            ["MAIL FROM", "MAIL FROM"],
        ),
        (
            at_dot("RCPT TO:<bounce@x>"),
            "250",
            "message-accepted",
            ["", ""],
            ["QUIT", "QUIT"],
        ),
    ];
    for (script, code, id, [explain_en, explain_zh], [next_en, next_zh]) in cases {
        for (lang, explain, next) in [
            (Lang::En, explain_en, next_en),
            (Lang::ZhCn, explain_zh, next_zh),
        ] {
            let a = annotated(&script, code, lang);
            assert_eq!(a.id, id, "{script:?} {lang}");
            assert!(
                a.explanation.contains(explain),
                "{script:?} {lang}: {}",
                a.explanation
            );
            assert!(
                a.next_steps.iter().any(|n| n.contains(next)),
                "{script:?} {lang}: {:?}",
                a.next_steps
            );
        }
    }
    // The limiter's 421 says the connection is gone too.
    let mut s = ServerSession::new(
        ServerConfig {
            max_messages_per_minute: Some(0),
            ..config()
        },
        1,
    );
    s.set_now(T0);
    let mut annotator = Annotator::new(Lang::En);
    for line in drain(&mut s).text.split_terminator("\r\n") {
        annotator.server_line(line);
    }
    let mut last = None;
    for line in ["EHLO c.example", "MAIL FROM:<a@c.example>"] {
        annotator.client_line(line);
        s.handle_input(format!("{line}\r\n").as_bytes());
        for reply in drain(&mut s).text.split_terminator("\r\n") {
            last = Some(annotator.server_line(reply).annotation);
        }
    }
    let a = last.expect("a reply");
    assert_eq!(a.id, "rate-limited");
    assert!(
        a.explanation.contains("closes the connection"),
        "{}",
        a.explanation
    );
    assert!(a.next_steps.iter().any(|n| n.contains("Connect again")));
}

#[test]
fn the_hang_up_of_drop_is_explained_as_a_lost_message() {
    for (lang, words) in [(Lang::En, "send it again"), (Lang::ZhCn, "完整重发")] {
        let mut s = ServerSession::new(config(), 1);
        let mut annotator = Annotator::new(lang);
        let feed = |annotator: &mut Annotator, text: &str| {
            for line in text.split_terminator("\r\n") {
                annotator.server_line(line);
            }
        };
        feed(&mut annotator, &drain(&mut s).text);
        for line in [
            "EHLO c.example",
            "MAIL FROM:<a@c.example>",
            "RCPT TO:<drop@x>",
            "DATA",
            "Subject: x",
        ] {
            annotator.client_line(line);
            s.handle_input(format!("{line}\r\n").as_bytes());
            feed(&mut annotator, &drain(&mut s).text);
        }
        assert!(s.is_closed());
        let closed = annotator.closed("the server closed the connection");
        assert_eq!(closed.annotation.id, "closed-message-lost");
        assert!(closed.annotation.explanation.contains(words), "{lang}");
        assert!(!closed.annotation.next_steps.is_empty());
        // After QUIT's 221 a close is just a close.
        let mut annotator = Annotator::new(lang);
        annotator.server_line("220 x ESMTP");
        annotator.client_line("QUIT");
        annotator.server_line("221 2.0.0 Bye");
        assert_eq!(annotator.closed("closed").annotation.id, "closed");
    }
}
