use std::net::SocketAddr;
use std::sync::Arc;

use protocol::auth;
use protocol::lang::Lang;
use protocol::records::Shape;
use protocol::records::session::{SessionDetail, SessionEnding};
use protocol::server::{Account, Rule, ServerConfig, ServerOutput, ServerSession, TapLimits};
use tokio::sync::broadcast;

use super::recorder::{End, Recorder};
use super::*;
use crate::annotate_output::Style;
use crate::sandbox::owners::Owners;

const PASSWORD: &str = "Tr0ub4dor&3-horse";

fn visitor(n: u8) -> VisitorId {
    VisitorId::parse(&format!("{n:02x}").repeat(16)).expect("valid id")
}

fn store(max_sessions: usize, max_bytes: usize) -> Arc<Sessions> {
    Arc::new(Sessions::new(
        max_sessions,
        max_bytes,
        broadcast::channel(64).0,
    ))
}

fn server(rules: Vec<Rule>) -> ServerSession {
    let mut session = ServerSession::new(
        ServerConfig {
            accounts: vec![Account {
                user: "demo".into(),
                password: PASSWORD.into(),
            }],
            rules,
            ..ServerConfig::default()
        },
        3,
    );
    session.record_input(TapLimits::default());
    session
}

/// Drives a whole conversation through a recorder as `connection.rs` does, without a
/// socket: each chunk is one read. Delivered messages get ids from 1000 on. Returns the
/// session's id.
fn converse(
    sessions: &Arc<Sessions>,
    owners: &Arc<Owners>,
    peer: SocketAddr,
    chunks: &[&str],
    rules: Vec<Rule>,
) -> u64 {
    let mut session = server(rules);
    let mut recorder = Recorder::new(
        Arc::clone(sessions),
        Arc::clone(owners),
        peer,
        std::time::Instant::now(),
    );
    let mut next_message = 1000;
    let mut outputs = |session: &mut ServerSession, recorder: &mut Recorder| -> bool {
        while let Some(output) = session.poll_output() {
            match output {
                ServerOutput::Write(bytes) => recorder.written(&bytes, session),
                ServerOutput::Delivered(_) => {
                    recorder.id(session);
                    recorder.delivered(next_message);
                    next_message += 1;
                }
                ServerOutput::Close => {
                    recorder.end(End::Session, session);
                    return false;
                }
                ServerOutput::Pause(_) | ServerOutput::Throttle(_) | ServerOutput::StartTls => {}
            }
        }
        recorder.round_done(session);
        true
    };
    let mut open = outputs(&mut session, &mut recorder);
    for chunk in chunks {
        if !open {
            break;
        }
        session.handle_input(chunk.as_bytes());
        recorder.read(&mut session);
        open = outputs(&mut session, &mut recorder);
    }
    recorder.end(End::ClientLeft, &session);
    recorder.id(&session)
}

fn peer() -> SocketAddr {
    "127.0.0.1:40000".parse().expect("address")
}

fn detail(sessions: &Sessions, id: u64) -> SessionDetail {
    let recorded = sessions.get(id, Scope::Everyone).expect("kept");
    replay::detail(&recorded, &[Lang::En, Lang::ZhCn])
}

const MAIL: [&str; 5] = [
    "EHLO client.example\r\n",
    "MAIL FROM:<a@example.org>\r\n",
    "RCPT TO:<b@example.net>\r\n",
    "DATA\r\n",
    "Subject: hi\r\n\r\nHello.\r\n.\r\nQUIT\r\n",
];

#[test]
fn a_session_is_recorded_linked_to_its_message_and_explained_on_read() {
    let sessions = store(10, 1 << 20);
    let id = converse(&sessions, &Arc::default(), peer(), &MAIL, Vec::new());
    let d = detail(&sessions, id);
    let s = &d.summary;
    assert_eq!(s.ending, SessionEnding::Quit);
    assert_eq!((s.messages.as_slice(), s.delivered), (&[1000][..], 1));
    assert_eq!(s.helo.as_deref(), Some("client.example"));
    assert!(s.ended_at.is_some() && s.last_error.is_none() && !s.from_page);
    assert_eq!(s.line_count as usize, d.lines.len());
    let en: Vec<&str> = d
        .lines
        .iter()
        .map(|l| l.en.as_ref().expect("en").text.as_str())
        .collect();
    assert_eq!(en[0].get(..4), Some("220 "));
    assert!(en.contains(&"Hello.") && en.contains(&"."), "{en:?}");
    assert_eq!(
        en.last(),
        Some(&"=== Connection closed: the client said QUIT")
    );
    // The reply that accepted the message names it; both languages explain every line.
    let queued = d
        .lines
        .iter()
        .find(|l| l.message.is_some())
        .expect("the 250");
    assert_eq!(queued.message, Some(1000));
    assert_eq!(queued.en.as_ref().and_then(|r| r.code), Some(250));
    assert!(d.lines.iter().all(|l| l.zh.is_some()));
    assert_eq!(d.outcome_en.as_ref().map(|o| o.accepted), Some(1));
    assert_eq!(
        d.outcome_zh.as_ref().map(|o| o.heading.as_str()),
        Some("会话摘要")
    );
    // What goes over HTTP is what the page decodes.
    assert_eq!(SessionDetail::decode(&d.encode()), Ok(d));
}

#[test]
fn a_session_refused_at_rcpt_is_kept_with_the_refusal() {
    let sessions = store(10, 1 << 20);
    let reject = Rule::parse(
        "rcpt to=nobody@example.net: reply 550 5.1.1 <nobody@example.net>: Recipient address \
         rejected: User unknown",
    )
    .expect("a valid rule");
    let id = converse(
        &sessions,
        &Arc::default(),
        peer(),
        &[
            "EHLO c\r\n",
            "MAIL FROM:<a@example.org>\r\n",
            "RCPT TO:<nobody@example.net>\r\n",
        ],
        vec![reject],
    );
    let d = detail(&sessions, id);
    assert_eq!(d.summary.delivered, 0);
    assert_eq!(d.summary.ending, SessionEnding::ClientClosed);
    assert_eq!(
        d.summary.last_error.as_deref(),
        Some("550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown")
    );
    let refusal = d
        .lines
        .iter()
        .filter_map(|l| l.en.as_ref())
        .find(|r| r.code == Some(550))
        .expect("the 550");
    assert_eq!(refusal.answers.as_deref(), Some("RCPT"));
    assert_eq!(refusal.severity, protocol::finding::Severity::Error);
}

#[test]
fn no_password_is_stored_nor_shown_in_any_form() {
    let sessions = store(10, 1 << 20);
    let plain = auth::encode_plain("", "demo", PASSWORD);
    let login = auth::encode(PASSWORD);
    let ids = [
        converse(
            &sessions,
            &Arc::default(),
            peer(),
            &["EHLO c\r\n", &format!("AUTH PLAIN {plain}\r\n"), "QUIT\r\n"],
            Vec::new(),
        ),
        converse(
            &sessions,
            &Arc::default(),
            peer(),
            &[
                "EHLO c\r\n",
                "AUTH LOGIN\r\n",
                &format!("{}\r\n", auth::encode("demo")),
                &format!("{login}\r\n"),
                "QUIT\r\n",
            ],
            Vec::new(),
        ),
    ];
    for id in ids {
        let recorded = sessions.get(id, Scope::Everyone).expect("kept");
        let raw: String = recorded
            .snapshot()
            .log
            .iter()
            .map(|(_, t)| format!("{t}\n"))
            .collect();
        let outputs = [
            raw,
            detail(&sessions, id).encode(),
            replay::text(&recorded, Lang::En, Style::new(false)),
            replay::text(&recorded, Lang::ZhCn, Style::new(false)),
            replay::transcript(&recorded, Lang::En),
        ];
        for out in &outputs {
            for secret in [PASSWORD, &login, &plain] {
                assert!(!out.contains(secret), "{secret} in {out}");
            }
        }
        assert!(outputs[1].contains("********"), "{}", outputs[1]);
        let d = detail(&sessions, id);
        assert_eq!(d.summary.authenticated_as.as_deref(), Some("demo"));
        assert!(
            d.lines.last().is_some_and(|l| l.auth),
            "logged in at the end"
        );
    }
}

#[test]
fn long_messages_keep_their_head_and_name_the_message_holding_the_rest() {
    let sessions = store(10, 1 << 20);
    let mut body = String::from("Subject: big\r\n\r\n");
    for i in 0..500 {
        body.push_str(&format!("line {i} of a long message\r\n"));
    }
    body.push_str(".\r\nQUIT\r\n");
    let chunks = [MAIL[0], MAIL[1], MAIL[2], MAIL[3], body.as_str()];
    let id = converse(&sessions, &Arc::default(), peer(), &chunks, Vec::new());
    let d = detail(&sessions, id);
    let note = d
        .lines
        .iter()
        .filter_map(|l| l.en.as_ref())
        .find(|r| r.text.contains("not recorded"))
        .expect("the note");
    assert!(
        note.text.starts_with("=== 490 more lines of message text")
            && note
                .text
                .ends_with("message 1000 in the mailbox holds the whole text"),
        "{}",
        note.text
    );
    assert_eq!(d.summary.lines_omitted, 490);
    assert!(d.summary.bytes < 8 * 1024, "{}", d.summary.bytes);
    // The conversation still pairs up: the final dot's reply accepted the message.
    assert_eq!(d.outcome_en.as_ref().map(|o| o.accepted), Some(1));
}

#[test]
fn the_store_drops_the_oldest_by_count_and_by_bytes() {
    let sessions = store(3, 1 << 20);
    let ids: Vec<u64> = (0..5)
        .map(|_| converse(&sessions, &Arc::default(), peer(), &MAIL, Vec::new()))
        .collect();
    let kept: Vec<u64> = sessions
        .list(Scope::Everyone)
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(kept, [ids[4], ids[3], ids[2]], "newest first");
    let one = sessions
        .get(ids[4], Scope::Everyone)
        .expect("kept")
        .summary()
        .bytes as usize;
    assert_eq!(sessions.bytes(), 3 * one);

    let small = store(100, one * 2 + one / 2);
    let ids: Vec<u64> = (0..4)
        .map(|_| converse(&small, &Arc::default(), peer(), &MAIL, Vec::new()))
        .collect();
    let kept: Vec<u64> = small.list(Scope::Everyone).iter().map(|s| s.id).collect();
    assert_eq!(kept, [ids[3], ids[2]]);
    assert!(small.bytes() <= one * 2 + one / 2);
    assert_eq!(small.clear(Scope::Everyone), 2);
    assert_eq!((small.list(Scope::Everyone).len(), small.bytes()), (0, 0));
}

#[test]
fn one_session_cannot_take_the_whole_store() {
    let sessions = store(10, 64 * 1024);
    let mut chunks = vec!["EHLO c\r\n".to_owned()];
    chunks.extend((0..5000).map(|_| "NOOP\r\n".to_owned()));
    let chunks: Vec<&str> = chunks.iter().map(String::as_str).collect();
    let id = converse(&sessions, &Arc::default(), peer(), &chunks, Vec::new());
    let d = detail(&sessions, id);
    assert!(d.summary.lines_omitted > 0);
    assert!(sessions.bytes() <= 64 * 1024, "{}", sessions.bytes());
    let notes: Vec<&str> = d
        .lines
        .iter()
        .rev()
        .take(2)
        .filter_map(|l| l.en.as_ref().map(|r| r.text.as_str()))
        .collect();
    assert!(notes[1].contains("reached its size cap"), "{notes:?}");
    assert_eq!(
        notes[0],
        "=== Connection closed: the client hung up without QUIT"
    );
}

#[test]
fn each_visitor_sees_gets_and_clears_only_their_own() {
    let sessions = store(10, 1 << 20);
    let owners: Arc<Owners> = Arc::default();
    let (a, b) = (visitor(1), visitor(2));
    let peer_a: SocketAddr = "127.0.0.1:41001".parse().expect("address");
    let peer_b: SocketAddr = "127.0.0.1:41002".parse().expect("address");
    let _ra = owners.register(peer_a, a);
    let _rb = owners.register(peer_b, b);
    let id_a = converse(&sessions, &owners, peer_a, &MAIL, Vec::new());
    let id_b = converse(&sessions, &owners, peer_b, &MAIL, Vec::new());
    let id_x = converse(&sessions, &owners, peer(), &MAIL, Vec::new());
    let ids = |scope| -> Vec<u64> { sessions.list(scope).iter().map(|s| s.id).collect() };
    assert_eq!(ids(Scope::Visitor(a)), [id_a]);
    assert_eq!(ids(Scope::Visitor(b)), [id_b]);
    assert_eq!(ids(Scope::Nobody), Vec::<u64>::new());
    assert_eq!(ids(Scope::Everyone), [id_x, id_b, id_a]);
    assert!(sessions.get(id_b, Scope::Visitor(a)).is_none());
    assert!(sessions.get(id_x, Scope::Visitor(a)).is_none());
    assert!(
        sessions
            .get(id_a, Scope::Visitor(a))
            .is_some_and(|s| s.summary().from_page)
    );
    assert_eq!(sessions.clear(Scope::Visitor(a)), 1);
    assert_eq!(ids(Scope::Everyone), [id_x, id_b]);
}

#[tokio::test]
async fn listeners_hear_each_session_with_its_owner() {
    let sessions = store(10, 1 << 20);
    let mut events = sessions.events.subscribe();
    let id = converse(&sessions, &Arc::default(), peer(), &MAIL, Vec::new());
    let mut summaries = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let MailboxEvent::Session { owner, data } = event {
            assert_eq!(owner, None);
            summaries.push(SessionSummary::decode(&data).expect("a summary"));
        }
    }
    assert!(summaries.iter().all(|s| s.id == id), "{summaries:?}");
    assert_eq!(
        summaries.first().map(|s| s.ending),
        Some(SessionEnding::Open)
    );
    let last = summaries.last().expect("an event");
    assert_eq!((last.ending, last.delivered), (SessionEnding::Quit, 1));
}

#[test]
fn the_text_is_what_annotate_prints_for_the_transcript() {
    let sessions = store(10, 1 << 20);
    let mut chunks: Vec<String> = MAIL.iter().map(|&c| c.to_owned()).collect();
    chunks.insert(
        1,
        format!(
            "AUTH PLAIN {}\r\n",
            auth::encode_plain("", "demo", PASSWORD)
        ),
    );
    chunks.insert(2, "VRFY nobody\r\n".to_owned());
    let chunks: Vec<&str> = chunks.iter().map(String::as_str).collect();
    let id = converse(&sessions, &Arc::default(), peer(), &chunks, Vec::new());
    let recorded = sessions.get(id, Scope::Everyone).expect("kept");
    for lang in [Lang::En, Lang::ZhCn] {
        let transcript = replay::transcript(&recorded, lang);
        let (format, lines) = protocol::transcript::annotate(&transcript, lang);
        assert_eq!(format, protocol::transcript::Format::Swaks);
        let style = Style::new(false).with_width(80);
        assert_eq!(
            replay::text(&recorded, lang, style),
            crate::annotate_output::render_text(&lines, lang, style),
            "{transcript}"
        );
    }
}

#[test]
fn a_rule_that_hangs_up_is_a_drop_and_tls_notes_are_explained() {
    let sessions = store(10, 1 << 20);
    let mut chunks = MAIL.to_vec();
    chunks[4] = "Subject: x\r\n\r\nx\r\n.\r\n";
    let id = converse(
        &sessions,
        &Arc::default(),
        peer(),
        &chunks,
        vec![Rule::parse("end_of_data: disconnect").expect("a valid rule")],
    );
    let d = detail(&sessions, id);
    assert_eq!(d.summary.ending, SessionEnding::Dropped);
    assert_eq!(d.summary.delivered, 0);
}
