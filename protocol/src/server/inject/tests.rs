//! Each stage with each action, as a client sees it on the wire.

use super::super::rules::{Rule, RuleSet};
use super::super::{Account, ReceivedMessage, ServerConfig, ServerOutput, ServerSession};

const AUTH_PLAIN: &str = "AUTH PLAIN AGRlbW8AZGVtby1wYXNzd29yZA==\r\n";

fn session(rules: &[&str]) -> ServerSession {
    let config = ServerConfig {
        accounts: vec![Account {
            user: "demo".into(),
            password: "demo-password".into(),
        }],
        rules: rules
            .iter()
            .map(|text| Rule::parse(text).unwrap_or_else(|e| panic!("{text}: {e}")))
            .collect(),
        ..ServerConfig::default()
    };
    ServerSession::new(config, 0x1234)
}

/// What the session wrote (as text) and did (everything else), in order; writes are
/// joined so a test reads the wire as a client would.
#[derive(Debug, Default)]
struct Seen {
    text: String,
    events: Vec<ServerOutput>,
}

impl Seen {
    fn codes(&self) -> Vec<u16> {
        self.text
            .split("\r\n")
            .filter(|l| l.len() >= 4 && l.as_bytes()[3] == b' ')
            .filter_map(|l| l[..3].parse().ok())
            .collect()
    }

    fn delivered(&self) -> Vec<&ReceivedMessage> {
        self.events
            .iter()
            .filter_map(|o| match o {
                ServerOutput::Delivered(m) => Some(&**m),
                _ => None,
            })
            .collect()
    }

    fn closed(&self) -> bool {
        self.events.contains(&ServerOutput::Close)
    }
}

fn drain(s: &mut ServerSession) -> Seen {
    let mut seen = Seen::default();
    while let Some(out) = s.poll_output() {
        match out {
            ServerOutput::Write(bytes) => seen.text.push_str(&String::from_utf8_lossy(&bytes)),
            other => seen.events.push(other),
        }
    }
    seen
}

fn send(s: &mut ServerSession, input: &str) -> Seen {
    s.handle_input(input.as_bytes());
    drain(s)
}

const ENVELOPE: &str =
    "EHLO client.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n";

#[test]
fn connect_reply_554_replaces_the_greeting_and_serves_only_quit() {
    let mut s = session(&["connect: reply 554 5.3.2 No SMTP service here"]);
    let greeting = drain(&mut s);
    assert_eq!(greeting.text, "554 5.3.2 No SMTP service here\r\n");
    assert!(!greeting.closed());
    let seen = send(&mut s, "EHLO x\r\nMAIL FROM:<a@b>\r\n");
    assert_eq!(
        seen.text,
        "503 5.5.1 Error: no SMTP service here, only QUIT\r\n\
         503 5.5.1 Error: no SMTP service here, only QUIT\r\n"
    );
    let seen = send(&mut s, "QUIT\r\n");
    assert_eq!(seen.codes(), [221]);
    assert!(seen.closed());
}

#[test]
fn connect_reply_421_closes_and_connect_disconnect_says_nothing() {
    let mut s = session(&["connect: reply 421 4.3.2 Try again later"]);
    let seen = drain(&mut s);
    assert_eq!(seen.text, "421 4.3.2 Try again later\r\n");
    assert_eq!(seen.events, [ServerOutput::Close]);
    assert!(s.is_closed());

    let mut s = session(&["connect: disconnect"]);
    let seen = drain(&mut s);
    assert_eq!(seen.text, "");
    assert_eq!(seen.events, [ServerOutput::Close]);
}

#[test]
fn greeting_delay_throttle_and_disconnect() {
    let mut s = session(&["greeting: delay 1500ms", "connect: throttle 50B/s"]);
    assert_eq!(s.poll_output(), Some(ServerOutput::Throttle(50)));
    assert_eq!(s.poll_output(), Some(ServerOutput::Pause(1500)));
    assert!(matches!(s.poll_output(), Some(ServerOutput::Write(w)) if w.starts_with(b"220 ")));

    let mut s = session(&["greeting: disconnect"]);
    let seen = drain(&mut s);
    assert!(seen.text.starts_with("220 "), "{}", seen.text);
    assert_eq!(seen.events, [ServerOutput::Close]);
}

#[test]
fn ehlo_reply_refuses_the_hello_and_matches_the_name() {
    let mut s = session(&["ehlo name=bad.example: reply 550 5.7.1 Go away"]);
    drain(&mut s);
    let seen = send(
        &mut s,
        "EHLO BAD.example\r\nMAIL FROM:<a@b>\r\nHELO good.example\r\n",
    );
    assert_eq!(seen.codes(), [550, 503, 250]);
    assert!(seen.text.starts_with("550 5.7.1 Go away\r\n"));
}

#[test]
fn auth_reply_fails_correct_credentials_only() {
    let mut s = session(&["auth: reply 535 5.7.8 Error: authentication failed"]);
    drain(&mut s);
    assert_eq!(send(&mut s, "EHLO x\r\n").codes(), [250]);
    assert_eq!(send(&mut s, AUTH_PLAIN).codes(), [535]);
    assert_eq!(s.user(), None);
    // A user that does not match logs in.
    let mut s = session(&["auth user=other: reply 454 4.7.0 Temporary failure"]);
    drain(&mut s);
    send(&mut s, "EHLO x\r\n");
    assert_eq!(send(&mut s, AUTH_PLAIN).codes(), [235]);
}

#[test]
fn mail_and_rcpt_replies_refuse_matching_addresses() {
    let mut s = session(&[
        "mail from=@spam.example: reply 553 5.7.1 Sender rejected",
        "rcpt to=Nobody@D.example: reply 550 5.1.1 <nobody@d.example>: User unknown",
    ]);
    drain(&mut s);
    let seen = send(
        &mut s,
        "EHLO x\r\nMAIL FROM:<x@SPAM.example>\r\nMAIL FROM:<a@b.example>\r\n\
         RCPT TO:<nobody@d.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nhi\r\n.\r\n",
    );
    assert_eq!(seen.codes(), [250, 553, 250, 550, 250, 354, 250]);
    assert!(
        seen.text
            .contains("550 5.1.1 <nobody@d.example>: User unknown\r\n")
    );
    let delivered = seen.delivered();
    assert_eq!(delivered.len(), 1);
    assert_eq!(
        delivered[0].rcpt_to,
        ["c@d.example"],
        "the refused one is not a recipient"
    );
}

#[test]
fn data_reply_replaces_354_and_keeps_commands() {
    let mut s = session(&["data: reply 451 4.3.0 Try later"]);
    drain(&mut s);
    let seen = send(&mut s, &format!("{ENVELOPE}DATA\r\nNOOP\r\n"));
    assert_eq!(seen.codes(), [250, 250, 250, 451, 250]);
    assert!(seen.delivered().is_empty());
}

#[test]
fn end_of_data_reply_replaces_250_and_nothing_is_delivered() {
    let mut s = session(&["end_of_data: reply 554 5.7.1 Rejected as spam"]);
    drain(&mut s);
    let seen = send(
        &mut s,
        &format!("{ENVELOPE}DATA\r\nhi\r\n.\r\nMAIL FROM:<a@b>\r\n"),
    );
    assert_eq!(seen.codes(), [250, 250, 250, 354, 554, 250]);
    assert!(seen.delivered().is_empty());
    // BDAT LAST ends the message too.
    let mut s = session(&["end_of_data: reply 452 4.3.1 Out of storage"]);
    drain(&mut s);
    let seen = send(&mut s, &format!("{ENVELOPE}BDAT 4 LAST\r\nhi\r\n"));
    assert_eq!(seen.codes(), [250, 250, 250, 452]);
    assert!(seen.delivered().is_empty());
}

#[test]
fn end_of_data_disconnect_drops_the_message() {
    let mut s = session(&["end_of_data: disconnect"]);
    drain(&mut s);
    let seen = send(&mut s, &format!("{ENVELOPE}DATA\r\nhi\r\n.\r\n"));
    assert_eq!(seen.codes(), [250, 250, 250, 354]);
    assert!(seen.delivered().is_empty());
    assert!(seen.closed());
}

#[test]
fn a_421_reply_closes_the_connection_at_any_stage() {
    let mut s = session(&["rcpt: reply 421 4.7.0 Too busy"]);
    drain(&mut s);
    let seen = send(&mut s, &format!("{ENVELOPE}RCPT TO:<e@f.example>\r\n"));
    assert_eq!(seen.codes(), [250, 250, 421], "nothing after the 421");
    assert!(seen.closed());
    assert!(s.is_closed());
}

#[test]
fn any_command_acts_before_the_command_is_read() {
    let mut s = session(&["any: delay 25ms"]);
    drain(&mut s);
    let seen = send(&mut s, "EHLO x\r\nNOOP\r\n");
    assert_eq!(seen.codes(), [250, 250]);
    assert_eq!(
        seen.events,
        [ServerOutput::Pause(25), ServerOutput::Pause(25)]
    );
    let mut s = session(&["any: reply 500 5.5.0 Nothing works today"]);
    drain(&mut s);
    assert_eq!(send(&mut s, "QUIT\r\n").codes(), [500]);
    assert!(!s.is_closed());
}

#[test]
fn a_delay_comes_before_the_reply_it_delays() {
    let mut s = session(&["rcpt: delay 700ms", "rcpt: throttle 10B/s"]);
    drain(&mut s);
    s.handle_input(b"EHLO x\r\nMAIL FROM:<a@b>\r\n");
    drain(&mut s);
    s.handle_input(b"RCPT TO:<c@d>\r\n");
    assert_eq!(s.poll_output(), Some(ServerOutput::Pause(700)));
    assert_eq!(s.poll_output(), Some(ServerOutput::Throttle(10)));
    assert_eq!(
        s.poll_output(),
        Some(ServerOutput::Write(b"250 2.1.5 Ok\r\n".to_vec()))
    );
}

#[test]
fn the_first_reply_wins_and_later_rules_do_not_act() {
    let mut s = session(&[
        "rcpt: reply 450 4.2.1 Busy",
        "rcpt: reply 550 5.1.1 Unknown",
        "rcpt: disconnect",
    ]);
    drain(&mut s);
    let seen = send(&mut s, ENVELOPE);
    assert_eq!(seen.codes(), [250, 250, 450]);
    assert!(!seen.closed());
}

#[test]
fn next_sessions_and_probability_decide_per_session() {
    let mut set = RuleSet::new(
        vec![Rule::parse("rcpt: reply 550 5.1.1 No, next 2").expect("valid")],
        3,
    )
    .expect("one rule");
    let rcpt_code = |rules: Vec<Rule>| {
        let mut s = ServerSession::new(
            ServerConfig {
                rules,
                ..ServerConfig::default()
            },
            1,
        );
        drain(&mut s);
        send(&mut s, ENVELOPE).codes()[2]
    };
    let codes: Vec<u16> = (0..4).map(|_| rcpt_code(set.start_session())).collect();
    assert_eq!(codes, [550, 550, 250, 250]);

    let mut set = RuleSet::new(
        vec![Rule::parse("rcpt: reply 550 5.1.1 No, p=0.5").expect("valid")],
        11,
    )
    .expect("one rule");
    let codes: Vec<u16> = (0..200).map(|_| rcpt_code(set.start_session())).collect();
    let refused = codes.iter().filter(|c| **c == 550).count();
    assert!((60..=140).contains(&refused), "{refused} of 200 at p = 0.5");
    // Within a session the draw holds: every RCPT gets the same answer.
    let mut s = ServerSession::new(
        ServerConfig {
            rules: set.start_session(),
            ..ServerConfig::default()
        },
        1,
    );
    drain(&mut s);
    let seen = send(
        &mut s,
        &format!("{ENVELOPE}RCPT TO:<x@y>\r\nRCPT TO:<z@y>\r\n"),
    );
    let rcpts = &seen.codes()[2..];
    assert!(rcpts.iter().all(|c| *c == rcpts[0]), "{rcpts:?}");
}
