//! The core driven with made-up instants: every deadline, and what the server's lines and
//! the browser's messages become, without a socket, a runtime or a sleep. The relay tests
//! (`relay/tests/`) and the e2e tests prove that the loop honours what is decided here.

use std::time::{Duration, Instant};

use protocol::wire::{ClientMsg, ErrorCode, ServerMsg};

use super::*;

const REPLY: Duration = Duration::from_secs(10);
const IDLE: Duration = Duration::from_secs(30);
const PING: Duration = Duration::from_secs(25);
const SESSION: Duration = Duration::from_secs(1000);

fn limits() -> Limits {
    Limits {
        reply_timeout: REPLY,
        idle_timeout: IDLE,
        ping_interval: PING,
        max_data: 1000,
        max_recipients: 2,
        max_reply_lines: 4,
        max_reply_bytes: 200,
        max_message: 64 * 1024,
    }
}

/// A conversation on a connection made at `base`, started at `base` too.
fn started_with(limits: Limits, probe: bool) -> (Conversation, Instant) {
    let base = Instant::now();
    let start = Start {
        limits,
        host: "mx.example.org".to_owned(),
        insecure: false,
        implicit_tls: false,
        probe,
        connected_at: base,
        expires: base + SESSION,
    };
    (Conversation::new(start, base), base)
}

fn started() -> (Conversation, Instant) {
    started_with(limits(), false)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// The server sends `text` (CRLF-terminated lines) at `at`; the lines that came of it.
fn hear(core: &mut Conversation, text: &str, at: Instant) -> Vec<Heard> {
    core.handle_server_bytes(text.as_bytes());
    let mut heard = Vec::new();
    while let Some(line) = core.poll_server_line(at) {
        match line {
            ServerLine::Heard(line) => heard.push(line),
            ServerLine::TooLong(err) => panic!("unexpected over-long line: {err}"),
        }
    }
    heard
}

/// The browser sends `line` at `at`, and what may go is written at once.
fn send(core: &mut Conversation, line: &str, at: Instant) -> String {
    let reaction = core.handle_browser(
        at,
        ClientMsg::Line {
            text: line.to_owned(),
        },
    );
    assert!(matches!(reaction, Reaction::Quiet), "{reaction:?}");
    let transmit = core.poll_transmit(at);
    core.handle_written(at, transmit.bytes.len());
    String::from_utf8(transmit.bytes).expect("UTF-8")
}

/// The greeting, heard at `at`: from then on nothing is owed.
fn greeted(core: &mut Conversation, at: Instant) {
    let heard = hear(core, "220 mx ESMTP\r\n", at);
    assert_eq!(heard.len(), 1);
}

/// A conversation under `limits`, greeted one second after its connection at `base`.
fn greeted_a_second_in(limits: Limits) -> (Conversation, Instant) {
    let (mut core, base) = started_with(limits, false);
    greeted(&mut core, base + secs(1));
    (core, base)
}

/// A conversation under [`limits`], greeted the instant it connected at `base`.
fn greeted_at_once(probe: bool) -> (Conversation, Instant) {
    let (mut core, base) = started_with(limits(), probe);
    greeted(&mut core, base);
    (core, base)
}

// The greeting.

#[test]
fn the_greeting_is_owed_from_the_connection_and_times_out_like_a_reply() {
    let (mut core, base) = started();
    assert_eq!(core.next_deadline(), base + REPLY);
    assert_eq!(core.handle_timeout(base + REPLY - ms(1)), None);
    assert_eq!(core.handle_timeout(base + REPLY), Some(Timeout::Silent));
}

#[test]
fn the_greeting_latency_counts_from_the_connection() {
    let (mut core, base) = started();
    let heard = hear(&mut core, "220 mx\r\n", base + ms(120));
    match &heard[0].message {
        ServerMsg::Line {
            at_ms, latency_ms, ..
        } => {
            assert_eq!(*at_ms, 120);
            assert_eq!(*latency_ms, Some(120));
        }
        other => panic!("expected a line, got {other:?}"),
    }
    assert_eq!(heard[0].then, Then::Continue);
}

// The reply deadline.

#[test]
fn the_reply_deadline_counts_from_the_write_not_from_the_last_byte() {
    let (mut core, base) = greeted_a_second_in(limits());
    assert_eq!(send(&mut core, "NOOP", base + secs(3)), "NOOP\r\n");
    assert_eq!(core.next_deadline(), base + secs(3) + REPLY);
    // A reply dribbled without its line end is no progress.
    assert!(hear(&mut core, "250 o", base + secs(5)).is_empty());
    assert_eq!(core.next_deadline(), base + secs(3) + REPLY);
    assert_eq!(core.handle_timeout(base + secs(13) - ms(1)), None);
    assert_eq!(core.handle_timeout(base + secs(13)), Some(Timeout::Silent));
}

#[test]
fn a_complete_reply_ends_the_reply_deadline() {
    let (mut core, base) = greeted_a_second_in(limits());
    send(&mut core, "NOOP", base + secs(2));
    let heard = hear(&mut core, "250 ok\r\n", base + secs(2) + ms(35));
    match &heard[0].message {
        ServerMsg::Line { latency_ms, .. } => assert_eq!(*latency_ms, Some(35)),
        other => panic!("expected a line, got {other:?}"),
    }
    // Nothing owed: well past the reply timeout, no `Silent`.
    assert_eq!(core.handle_timeout(base + secs(20)), None);
}

#[test]
fn with_nothing_owed_the_wake_up_only_moves_later() {
    let (mut core, base) = greeted_a_second_in(Limits {
        ping_interval: secs(1000),
        idle_timeout: secs(1000),
        ..limits()
    });
    let first = core.next_deadline();
    assert_eq!(first, base + secs(1) + REPLY);
    assert_eq!(core.handle_timeout(first), None);
    // Woken with nothing due: the next look is a reply timeout after this one.
    let second = core.next_deadline();
    assert_eq!(second, first + REPLY);
    // A command written now starts a reply deadline no earlier than that.
    send(&mut core, "NOOP", first + secs(2));
    assert!(core.next_deadline() >= second);
    assert_eq!(core.next_deadline(), first + secs(2) + REPLY);
}

// Idleness.

#[test]
fn idle_counts_from_the_last_browser_message_or_server_line() {
    let (mut core, base) = greeted_a_second_in(Limits {
        ping_interval: secs(1000),
        ..limits()
    });
    assert_eq!(core.handle_timeout(base + secs(1) + IDLE - ms(1)), None);
    core.handle_other_browser_message(base + secs(20));
    assert_eq!(core.handle_timeout(base + secs(1) + IDLE), None);
    assert_eq!(core.handle_timeout(base + secs(20) + IDLE - ms(1)), None);
    assert_eq!(
        core.handle_timeout(base + secs(20) + IDLE),
        Some(Timeout::Idle)
    );
}

#[test]
fn server_bytes_without_a_line_end_are_not_activity() {
    let (mut core, base) = greeted_a_second_in(Limits {
        ping_interval: secs(1000),
        ..limits()
    });
    assert!(hear(&mut core, "250-endless", base + secs(25)).is_empty());
    assert_eq!(
        core.handle_timeout(base + secs(1) + IDLE),
        Some(Timeout::Idle)
    );
}

// The session's end.

#[test]
fn the_session_ends_at_its_limit_whatever_else_is_due() {
    let (mut core, base) = greeted_a_second_in(limits());
    // Kept busy: a message every 5 s, each command answered.
    let mut at = base + secs(1);
    while at + secs(5) < base + SESSION {
        at += secs(5);
        send(&mut core, "NOOP", at);
        hear(&mut core, "250 ok\r\n", at);
        core.handle_pong(at);
        assert_ne!(core.handle_timeout(at), Some(Timeout::Expired));
    }
    assert!(core.next_deadline() <= base + SESSION);
    // Silent and idle too by then: the session's end is what is reported.
    assert_eq!(
        core.handle_timeout(base + SESSION + IDLE),
        Some(Timeout::Expired)
    );
}

// Pings.

#[test]
fn two_missed_pongs_end_the_session_and_a_pong_forgives() {
    let (mut core, base) = greeted_a_second_in(Limits {
        idle_timeout: secs(1000),
        ..limits()
    });
    assert_eq!(core.next_deadline(), base + secs(1) + REPLY);
    assert_eq!(core.handle_timeout(base + PING - ms(1)), None);
    assert_eq!(core.handle_timeout(base + PING), Some(Timeout::Ping));
    assert!(core.next_deadline() <= base + PING * 2);
    assert_eq!(core.handle_timeout(base + PING * 2), Some(Timeout::Ping));
    core.handle_pong(base + PING * 2 + secs(1));
    assert_eq!(core.handle_timeout(base + PING * 3), Some(Timeout::Ping));
    assert_eq!(core.handle_timeout(base + PING * 4), Some(Timeout::Ping));
    assert_eq!(
        core.handle_timeout(base + PING * 5),
        Some(Timeout::PingsUnanswered)
    );
}

// What the server's lines become.

#[test]
fn a_220_to_starttls_asks_for_the_upgrade_and_later_lines_are_encrypted() {
    let (mut core, base) = greeted_at_once(false);
    send(&mut core, "STARTTLS", base + secs(1));
    core.handle_server_bytes(b"220 go ahead\r\n250 injected\r\n");
    match core.poll_server_line(base + secs(2)) {
        Some(ServerLine::Heard(heard)) => assert_eq!(heard.then, Then::StartTls),
        other => panic!("expected the 220, got {other:?}"),
    }
    // The caller upgrades at once: the line after the 220 is dropped unread.
    assert_eq!(core.handle_starttls_accepted(), "250 injected\r\n".len());
    assert!(core.poll_server_line(base + secs(2)).is_none());
    core.handle_tls_established(base + secs(3));
    assert_eq!(core.next_deadline(), base + secs(3) + REPLY);
    send(&mut core, "EHLO me", base + secs(4));
    match &hear(&mut core, "250 mx\r\n", base + secs(5))[0].message {
        ServerMsg::Line { encrypted, .. } => assert!(encrypted),
        other => panic!("expected a line, got {other:?}"),
    }
}

#[test]
fn a_reply_over_the_caps_ends_the_session_unforwarded() {
    let (mut core, base) = greeted_at_once(false);
    send(&mut core, "EHLO me", base);
    let heard = hear(
        &mut core,
        "250-a\r\n250-b\r\n250-c\r\n250-d\r\n250 e\r\n",
        base,
    );
    let thens: Vec<Then> = heard.iter().map(|line| line.then).collect();
    assert_eq!(thens.last(), Some(&Then::TooLarge), "{thens:?}");
}

#[test]
fn a_354_in_probe_mode_ends_the_session() {
    let (mut core, base) = greeted_at_once(true);
    // Refused before it goes: the server never sees DATA from the bridge in probe mode,
    // but a 354 ends the session whatever the bridge thought it had sent.
    let heard = hear(&mut core, "354 go\r\n", base);
    assert_eq!(heard[0].then, Then::ProbeData);
}

#[test]
fn the_hang_up_reason_says_where_it_happened() {
    let (mut core, base) = greeted_at_once(false);
    send(&mut core, "DATA", base);
    hear(&mut core, "354 go\r\n", base);
    let closed = core.handle_server_closed(base + secs(1));
    assert!(closed.tail.is_none());
    assert!(
        closed.reason.contains("middle of DATA"),
        "{}",
        closed.reason
    );
}

#[test]
fn a_last_line_without_its_line_end_is_still_forwarded() {
    let (mut core, base) = greeted_at_once(false);
    core.handle_server_bytes(b"221 bye");
    let closed = core.handle_server_closed(base + ms(250));
    match closed.tail {
        Some(ServerMsg::Line { text, at_ms, .. }) => {
            assert_eq!(text, "221 bye");
            assert_eq!(at_ms, 250);
        }
        other => panic!("expected the last line, got {other:?}"),
    }
    assert_eq!(closed.reason, "the server closed the connection");
}

// What the browser's messages become.

#[test]
fn a_refused_line_drops_the_queue_behind_it() {
    let (mut core, base) = greeted_at_once(true);
    let reaction = core.handle_browser(
        base,
        ClientMsg::Lines {
            text: vec!["DATA".to_owned(), "NOOP".to_owned(), "NOOP".to_owned()],
        },
    );
    assert!(matches!(reaction, Reaction::Quiet), "{reaction:?}");
    let transmit = core.poll_transmit(base);
    assert!(transmit.bytes.is_empty());
    assert!(!transmit.ends_session);
    match transmit.notice {
        Some(ServerMsg::Error { code, message }) => {
            assert_eq!(code, ErrorCode::ProbeMode);
            assert!(message.contains("the 2 lines queued after it"), "{message}");
        }
        other => panic!("expected an error, got {other:?}"),
    }
    assert!(core.wants_browser_input());
}

#[test]
fn message_text_over_the_cap_ends_the_session() {
    let (mut core, base) = greeted_at_once(false);
    send(&mut core, "DATA", base);
    hear(&mut core, "354 go\r\n", base);
    let line = "x".repeat(600);
    assert_eq!(send(&mut core, &line, base), format!("{line}\r\n"));
    core.handle_browser(base, ClientMsg::Line { text: line });
    let transmit = core.poll_transmit(base);
    assert!(transmit.bytes.is_empty());
    assert!(transmit.ends_session);
    assert!(matches!(
        transmit.notice,
        Some(ServerMsg::Error {
            code: ErrorCode::DataLimit,
            ..
        })
    ));
    assert_eq!(core.totals().data, 1204);
}

#[test]
fn a_bad_line_is_answered_and_not_queued() {
    let (mut core, base) = started();
    let reaction = core.handle_browser(
        base,
        ClientMsg::Line {
            text: "NOOP\r\nRSET".to_owned(),
        },
    );
    match reaction {
        Reaction::Answer(ServerMsg::Error { code, .. }) => {
            assert_eq!(code, ErrorCode::InvalidLine);
        }
        other => panic!("expected an answer, got {other:?}"),
    }
    greeted(&mut core, base);
    assert!(core.poll_transmit(base).bytes.is_empty());
}

#[test]
fn the_browser_queue_pushes_back_when_full() {
    let (mut core, base) = started();
    // Before the greeting nothing may go, so everything stays queued.
    let line = "x".repeat(500);
    let mut sent = 0;
    while core.wants_browser_input() {
        let reaction = core.handle_browser(base, ClientMsg::Line { text: line.clone() });
        assert!(matches!(reaction, Reaction::Quiet), "{reaction:?}");
        sent += 1;
    }
    assert_eq!(sent, QUEUE_BYTES.div_ceil(line.len() + 2));
}
