use super::*;
use crate::dot::stuff_message;

mod cram_md5;

fn config() -> ServerConfig {
    ServerConfig {
        accounts: vec![Account {
            user: "demo".into(),
            password: "demo-password".into(),
        }],
        starttls: true,
        ..ServerConfig::default()
    }
}

/// Feeds `input` and returns everything written, plus the other outputs.
fn exchange(session: &mut ServerSession, input: &str) -> (String, Vec<ServerOutput>) {
    session.handle_input(input.as_bytes());
    drain(session)
}

fn drain(session: &mut ServerSession) -> (String, Vec<ServerOutput>) {
    let mut text = String::new();
    let mut other = Vec::new();
    while let Some(out) = session.poll_output() {
        match out {
            ServerOutput::Write(bytes) => text.push_str(&String::from_utf8_lossy(&bytes)),
            out => other.push(out),
        }
    }
    (text, other)
}

/// The reply codes of a text, one per complete reply.
fn codes(text: &str) -> Vec<u16> {
    text.split("\r\n")
        .filter(|l| l.len() >= 4 && l.as_bytes()[3] == b' ')
        .filter_map(|l| l[..3].parse().ok())
        .collect()
}

fn connected() -> ServerSession {
    let mut s = ServerSession::new(config(), 7);
    let (greeting, _) = drain(&mut s);
    assert!(
        greeting.starts_with("220 sandbox.smtp-playground.test ESMTP"),
        "{greeting}"
    );
    s
}

fn delivered(outputs: Vec<ServerOutput>) -> Vec<ReceivedMessage> {
    outputs
        .into_iter()
        .filter_map(|o| match o {
            ServerOutput::Delivered(m) => Some(*m),
            _ => None,
        })
        .collect()
}

/// Found by the `server` fuzz target: the EHLO reply repeats the client's name, and a
/// bare CR inside it (part of the line: only CRLF ends one) broke the reply's framing; a
/// long name made a reply line longer than RFC 5321's 512 octets.
#[test]
fn the_ehlo_reply_repeats_the_name_without_its_control_characters_or_excess() {
    let mut s = connected();
    let (ehlo, _) = exchange(&mut s, "EHLO client.exa\rmple\tx\r\n");
    assert!(
        ehlo.starts_with("250-sandbox.smtp-playground.test Hello client.exa?mple?x\r\n"),
        "{ehlo:?}"
    );
    let long = "a".repeat(900);
    let (ehlo, _) = exchange(&mut s, &format!("EHLO {long}\r\n"));
    let first = ehlo.split("\r\n").next().unwrap_or_default();
    assert!(
        first.len() + 2 <= 512,
        "a line of {} octets",
        first.len() + 2
    );
    assert!(
        first.ends_with(&format!("Hello {}...", "a".repeat(200))),
        "{first:?}"
    );
    let (mail, _) = exchange(&mut s, "MAIL FROM:<a@example.org>\r\n");
    assert_eq!(mail, "250 2.1.0 Ok\r\n", "the name itself is accepted");
}

#[test]
fn the_tutorial_session_delivers_a_message() {
    let mut s = connected();
    let (ehlo, _) = exchange(&mut s, "EHLO fan2\r\n");
    assert!(ehlo.starts_with("250-sandbox.smtp-playground.test Hello fan2\r\n"));
    for ext in [
        "PIPELINING",
        "SIZE 10485760",
        "STARTTLS",
        "AUTH PLAIN LOGIN CRAM-MD5",
        "ENHANCEDSTATUSCODES",
        "8BITMIME",
        "SMTPUTF8",
        "250 CHUNKING",
    ] {
        assert!(ehlo.contains(ext), "{ext} missing in {ehlo}");
    }
    let script = [
        ("auth login\r\n", "334 VXNlcm5hbWU6\r\n"),
        ("ZGVtbw==\r\n", "334 UGFzc3dvcmQ6\r\n"),
        (
            "ZGVtby1wYXNzd29yZA==\r\n",
            "235 2.7.0 Authentication successful\r\n",
        ),
        ("mail from:<phunxm@163.com>\r\n", "250 2.1.0 Ok\r\n"),
        ("rcpt to:<2306328146@qq.com>\r\n", "250 2.1.5 Ok\r\n"),
        ("data\r\n", "354 End data with <CR><LF>.<CR><LF>\r\n"),
    ];
    for (input, reply) in script {
        assert_eq!(exchange(&mut s, input).0, reply, "after {input:?}");
    }
    let (reply, out) = exchange(
        &mut s,
        "subject:<test>\r\nfrom:<phunxm@163.com>\r\n\r\n..dotted\r\nhello\r\n.\r\n",
    );
    assert!(reply.starts_with("250 2.0.0 Ok: queued as "), "{reply}");
    let messages = delivered(out);
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(
        m.data,
        b"subject:<test>\r\nfrom:<phunxm@163.com>\r\n\r\n.dotted\r\nhello\r\n"
    );
    assert_eq!(
        (m.mail_from.as_str(), m.rcpt_to.as_slice()),
        ("phunxm@163.com", &["2306328146@qq.com".to_owned()][..])
    );
    assert_eq!(m.authenticated_as.as_deref(), Some("demo"));
    assert_eq!(m.helo, "fan2");
    assert!(reply.contains(&m.queue_id));
    let (bye, out) = exchange(&mut s, "QUIT\r\n");
    assert_eq!(bye, "221 2.0.0 Bye\r\n");
    assert_eq!(out, [ServerOutput::Close]);
    assert!(s.is_closed());
}

#[test]
fn every_sequence_error_gets_the_right_code() {
    let cases: &[(&[&str], &str, u16)] = &[
        (&[], "MAIL FROM:<a@b.example>", 503),
        (&[], "RCPT TO:<a@b.example>", 503),
        (&[], "DATA", 503),
        (&[], "AUTH LOGIN", 503),
        (&["EHLO x"], "RCPT TO:<a@b.example>", 503),
        (&["EHLO x"], "DATA", 503),
        (
            &["EHLO x", "MAIL FROM:<a@b.example>"],
            "MAIL FROM:<a@b.example>",
            503,
        ),
        (&["EHLO x", "MAIL FROM:<a@b.example>"], "DATA", 554),
        (
            &["EHLO x", "MAIL FROM:<a@b.example>"],
            "AUTH PLAIN AGRlbW8AZGVtby1wYXNzd29yZA==",
            503,
        ),
        (
            &["EHLO x", "AUTH PLAIN AGRlbW8AZGVtby1wYXNzd29yZA=="],
            "AUTH LOGIN",
            503,
        ),
        (&["EHLO x"], "EHLO", 501),
        (&["EHLO x"], "MAIL FROM:<a@b.example> SIZE=99999999999", 552),
        (&["EHLO x"], "MAIL FROM:<a@b.example> FOO=1", 555),
        (&["HELO x"], "MAIL FROM:<a@b.example> SIZE=10", 555),
        (&["EHLO x"], "MAIL FROM <a@b.example>", 501),
        (&["EHLO x"], "MAIL FROM:<用户@例子.中国>", 553),
        (&["EHLO x"], "MAIL FROM:<用户@例子.中国> SMTPUTF8", 250),
        (&["EHLO x"], "MAIL FROM: a@b.example", 250),
        (&["EHLO x", "MAIL FROM:<a@b.example>"], "RCPT TO:<>", 501),
        (&["EHLO x"], "AUTH CRAM-MD5", 334),
        (&["EHLO x"], "AUTH CRAM-MD5 dGlt", 501),
        (&["EHLO x"], "AUTH XOAUTH2", 504),
        (&["EHLO x"], "AUTH PLAIN AGRlbW8Ad3Jvbmc=", 535),
        (&["EHLO x"], "AUTH PLAIN !!!", 501),
        (&["EHLO x"], "BDAT 0 LAST", 503),
        (&["EHLO x"], "FOO", 502),
        (&["EHLO x"], "EXPN staff", 502),
        (&["EHLO x"], "VRFY alice", 252),
        (&["EHLO x"], "HELP", 214),
        (&["EHLO x"], "NOOP", 250),
        (&["EHLO x"], "RSET", 250),
        (&["EHLO x"], "DATA now", 501),
        (&["EHLO x"], "STARTTLS now", 501),
    ];
    for (before, line, code) in cases {
        let mut s = connected();
        for b in *before {
            let (reply, _) = exchange(&mut s, &format!("{b}\r\n"));
            assert!(reply.starts_with('2'), "setup {b:?} got {reply}");
        }
        let (reply, _) = exchange(&mut s, &format!("{line}\r\n"));
        assert_eq!(
            codes(&reply).last(),
            Some(code),
            "{before:?} then {line:?} got {reply}"
        );
    }
}

#[test]
fn too_many_errors_close_with_421() {
    let mut s = ServerSession::new(
        ServerConfig {
            max_errors: 3,
            ..config()
        },
        1,
    );
    drain(&mut s);
    let (reply, out) = exchange(&mut s, "FOO\r\nBAR\r\nBAZ\r\nNOOP\r\n");
    assert_eq!(codes(&reply), [502, 502, 502, 421]);
    assert_eq!(out, [ServerOutput::Close]);
    assert!(s.is_closed());
}

#[test]
fn pipelined_commands_and_messages_in_one_read() {
    let mut s = connected();
    let wire = stuff_message(b"Subject: one\r\n\r\n.\r\n");
    let mut input = b"EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nRCPT TO:<e@f.example>\r\nDATA\r\n".to_vec();
    input.extend_from_slice(&wire);
    input.extend_from_slice(b"MAIL FROM:<>\r\nRCPT TO:<c@d.example>\r\nBDAT 5\r\nhelloBDAT 8 LAST\r\n world\r\nQUIT\r\n");
    s.handle_input(&input);
    let (text, out) = drain(&mut s);
    assert_eq!(
        codes(&text),
        [250, 250, 250, 250, 354, 250, 250, 250, 250, 250, 221]
    );
    let messages = delivered(out);
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].data, b"Subject: one\r\n\r\n.\r\n");
    assert_eq!(messages[0].rcpt_to.len(), 2);
    assert_eq!(messages[1].data, b"hello world\r\n");
    assert_eq!(messages[1].mail_from, "");
    assert_ne!(messages[0].queue_id, messages[1].queue_id);
}

#[test]
fn input_in_single_bytes_gives_the_same_session() {
    let input = "EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n";
    let mut whole = connected();
    let (expected, expected_out) = exchange(&mut whole, input);
    let mut bytewise = connected();
    let mut text = String::new();
    let mut out = Vec::new();
    for b in input.as_bytes() {
        bytewise.handle_input(std::slice::from_ref(b));
        let (t, o) = drain(&mut bytewise);
        text.push_str(&t);
        out.extend(o);
    }
    assert_eq!(text, expected);
    assert_eq!(out, expected_out);
}

#[test]
fn smuggling_does_not_end_the_message() {
    let mut s = connected();
    exchange(
        &mut s,
        "EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n",
    );
    let (reply, out) = exchange(&mut s, "x\n.\nMAIL FROM:<evil@x.example>\r\n.\r\n");
    assert_eq!(codes(&reply), [250], "one message, no second MAIL: {reply}");
    let m = &delivered(out)[0];
    assert!(String::from_utf8_lossy(&m.data).contains("MAIL FROM:<evil@x.example>"));
    assert!(
        m.findings
            .iter()
            .any(|f| matches!(f, DataFinding::SmugglingAttempt { .. }))
    );
}

#[test]
fn starttls_discards_pipelined_plaintext_and_starts_over() {
    let mut s = connected();
    exchange(&mut s, "EHLO x\r\n");
    let (reply, out) = exchange(&mut s, "STARTTLS\r\nMAIL FROM:<injected@x.example>\r\n");
    assert_eq!(reply, "220 2.0.0 Ready to start TLS\r\n");
    assert_eq!(out, [ServerOutput::StartTls]);
    // Bytes arriving before the handshake completes are ignored too.
    assert_eq!(exchange(&mut s, "RCPT TO:<x@y.example>\r\n").0, "");
    s.handle_tls_established();
    assert!(s.is_tls());
    assert_eq!(
        codes(&exchange(&mut s, "MAIL FROM:<a@b.example>\r\n").0),
        [503],
        "EHLO again first"
    );
    let (ehlo, _) = exchange(&mut s, "EHLO x\r\n");
    assert!(!ehlo.contains("STARTTLS"));
    assert_eq!(codes(&exchange(&mut s, "STARTTLS\r\n").0), [554]);
}

#[test]
fn auth_can_require_tls_and_mail_can_require_auth() {
    let strict = ServerConfig {
        auth_requires_tls: true,
        auth_required: true,
        ..config()
    };
    let mut s = ServerSession::new(strict, 3);
    drain(&mut s);
    let (ehlo, _) = exchange(&mut s, "EHLO x\r\n");
    assert!(!ehlo.contains("AUTH"));
    assert_eq!(codes(&exchange(&mut s, "AUTH LOGIN\r\n").0), [503]);
    assert_eq!(
        codes(&exchange(&mut s, "MAIL FROM:<a@b.example>\r\n").0),
        [530]
    );
    exchange(&mut s, "STARTTLS\r\n");
    s.handle_tls_established();
    let (ehlo, _) = exchange(&mut s, "EHLO x\r\n");
    assert!(ehlo.contains("AUTH PLAIN LOGIN"));
    assert_eq!(codes(&exchange(&mut s, "AUTH PLAIN\r\n").0), [334]);
    assert_eq!(codes(&exchange(&mut s, "*\r\n").0), [501]);
    assert_eq!(
        codes(&exchange(&mut s, "AUTH PLAIN AGRlbW8AZGVtby1wYXNzd29yZA==\r\n").0),
        [235]
    );
    assert_eq!(s.user(), Some("demo"));
    assert_eq!(
        codes(&exchange(&mut s, "MAIL FROM:<a@b.example>\r\n").0),
        [250]
    );
}

#[test]
fn limits_hold() {
    let small = ServerConfig {
        max_message_size: 64,
        max_recipients: 2,
        ..config()
    };
    let mut s = ServerSession::new(small, 2);
    drain(&mut s);
    let (reply, _) = exchange(
        &mut s,
        "EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<1@x.example>\r\nRCPT TO:<2@x.example>\r\nRCPT TO:<3@x.example>\r\nDATA\r\n",
    );
    assert_eq!(codes(&reply), [250, 250, 250, 250, 452, 354]);
    let (reply, out) = exchange(&mut s, &format!("{}\r\n.\r\nNOOP\r\n", "x".repeat(100)));
    assert_eq!(codes(&reply), [552, 250]);
    assert!(delivered(out).is_empty());
    let (reply, _) = exchange(&mut s, &format!("NOOP {}\r\nNOOP\r\n", "x".repeat(2000)));
    assert_eq!(codes(&reply), [500, 250]);
}

#[test]
fn shell_closings_are_421_with_the_hostname() {
    for why in [
        Closing::Idle,
        Closing::TooLong,
        Closing::ShuttingDown,
        Closing::TooManyConnections,
    ] {
        let line = service_closing("mx.test", why);
        assert!(line.starts_with("421 4."), "{line}");
        assert!(line.contains(" mx.test "), "{line}");
        assert!(line.ends_with("\r\n"));
    }
}

#[test]
fn the_message_is_handed_over_before_the_250_is_written() {
    let mut s = connected();
    s.handle_input(b"EHLO me\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
    let _ = drain(&mut s);
    s.handle_input(b"Subject: x\r\n\r\nhi\r\n.\r\n");
    let mut order = Vec::new();
    while let Some(out) = s.poll_output() {
        order.push(match out {
            ServerOutput::Write(bytes) => String::from_utf8_lossy(&bytes)[..3].to_owned(),
            ServerOutput::Delivered(_) => "delivered".to_owned(),
            other => format!("{other:?}"),
        });
    }
    // The shell stores what it is handed before it writes the reply: a client that read
    // `250` finds its message in the mailbox.
    assert_eq!(order, ["delivered", "250"]);
}

/// The size `protocol::chunk` computes is the size the server reads: the message arrives whole and
/// the next command is a command again.
#[test]
fn the_server_reads_exactly_the_declared_chunk() {
    let mut server = ServerSession::new(
        ServerConfig {
            accounts: vec![Account {
                user: "u".into(),
                password: "p".into(),
            }],
            ..ServerConfig::default()
        },
        1,
    );
    let chunk = ["Subject: 你好", "", "chunked"];
    let mut wire = String::from("EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n");
    wire.push_str(&crate::chunk::bdat_line(
        crate::chunk::chunk_octets(chunk),
        true,
    ));
    wire.push_str("\r\n");
    for line in chunk {
        wire.push_str(line);
        wire.push_str("\r\n");
    }
    wire.push_str("NOOP\r\n");
    server.handle_input(wire.as_bytes());
    let mut delivered = None;
    let mut written = String::new();
    while let Some(out) = server.poll_output() {
        match out {
            ServerOutput::Delivered(m) => delivered = Some(m.data),
            ServerOutput::Write(b) => written.push_str(&String::from_utf8_lossy(&b)),
            _ => {}
        }
    }
    assert_eq!(
        delivered.as_deref(),
        Some("Subject: 你好\r\n\r\nchunked\r\n".as_bytes())
    );
    assert!(written.ends_with("250 2.0.0 Ok\r\n"), "{written}");
}
