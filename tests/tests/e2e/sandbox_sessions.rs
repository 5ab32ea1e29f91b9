//! The session recorder with real clients: every conversation with the sandbox, from swaks,
//! Python's smtplib, a raw socket or the page's relay, comes out of `/api/sessions`
//! annotated, linked to the messages it delivered, without any password, per visitor in
//! the `public` profile, live on `/api/events`, and bounded.

use std::net::SocketAddr;
use std::time::Duration;

use bridge::annotate_output::{Style, render_text};
use bridge::sandbox::{RejectRecipient, SandboxConfig};
use e2e::events::Events;
use e2e::lines;
use e2e::sandbox::{
    RawSmtp, SandboxBridge, get_shape, http, http_with, messages, new_visitor, page_session,
    python, run_client, start_public_sandbox, start_sandbox, swaks_args, wait_for_messages,
};
use protocol::auth;
use protocol::finding::Severity;
use protocol::lang::Lang;
use protocol::records::Shape;
use protocol::records::mailbox::{Deleted, MessageDetail};
use protocol::records::session::{SessionDetail, SessionEnding, SessionList, SessionSummary};

/// How long one client program may run.
const CLIENT_LIMIT: Duration = Duration::from_secs(30);

/// The sandbox's AUTH password in these tests: it must never come back.
const PASSWORD: &str = "e2e-Secret-Pa55word";

fn with_password() -> SandboxConfig {
    SandboxConfig {
        demo_password: PASSWORD.to_owned(),
        ..SandboxConfig::default()
    }
}

async fn sessions(http: SocketAddr, cookie: Option<&str>) -> SessionList {
    let headers: Vec<(&str, &str)> = cookie.iter().map(|c| ("Cookie", *c)).collect();
    let (status, head, body) = http_with(http, "GET", "/api/sessions", &headers).await;
    assert_eq!(status, 200, "{head}");
    SessionList::decode(&String::from_utf8_lossy(&body)).expect("a session list")
}

/// Waits (bounded) until `n` sessions are listed and all of them have ended.
async fn ended_sessions(http: SocketAddr, n: usize) -> Vec<SessionSummary> {
    for _ in 0..100 {
        let list = sessions(http, None).await.sessions;
        if list.len() >= n && list.iter().all(|s| s.ending.is_closed()) {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "not {n} ended sessions within the wait: {:?}",
        sessions(http, None).await
    );
}

async fn session(http: SocketAddr, id: u64) -> SessionDetail {
    get_shape(http, &format!("/api/sessions/{id}")).await
}

async fn text(bridge: SocketAddr, path: &str) -> String {
    let (status, head, body) = http(bridge, "GET", path).await;
    assert_eq!(status, 200, "{path}: {head}");
    String::from_utf8(body).expect("UTF-8")
}

/// swaks's arguments for one message from alice@ to bob@ that logs in with `mechanism`
/// as `demo` with [`PASSWORD`], after `extra` (`--tls`, say).
fn swaks_login(sandbox: &SandboxBridge, mechanism: &str, extra: &[&str]) -> Vec<String> {
    let login = [
        "--header",
        "Subject: recorded",
        "--auth",
        mechanism,
        "--auth-user",
        "demo",
        "--auth-password",
        PASSWORD,
    ];
    let extra: Vec<&str> = extra.iter().copied().chain(login).collect();
    swaks_args(sandbox.smtp, "alice@example.org", "bob@example.net", &extra)
}

#[tokio::test]
async fn a_swaks_session_is_annotated_and_linked_to_its_message_both_ways() {
    let sandbox = start_sandbox(with_password()).await;
    let args = swaks_login(&sandbox, "LOGIN", &["--tls"]);
    let transcript = run_client("swaks", &args, CLIENT_LIMIT).await;
    assert!(transcript.contains("235 2.7.0"), "{transcript}");
    let message = wait_for_messages(sandbox.http, 1).await.remove(0);
    let list = ended_sessions(sandbox.http, 1).await;
    assert_eq!(list.len(), 1, "{list:?}");
    let summary = &list[0];
    assert_eq!(
        message.session,
        Some(summary.id),
        "the message names its session"
    );
    assert_eq!(
        summary.messages,
        [message.id],
        "the session names its message"
    );
    assert_eq!(summary.ending, SessionEnding::Quit);
    assert!(summary.tls, "{summary:?}");
    assert_eq!(summary.authenticated_as.as_deref(), Some("demo"));
    let detail: MessageDetail =
        get_shape(sandbox.http, &format!("/api/messages/{}", message.id)).await;
    assert_eq!(detail.summary.session, Some(summary.id));

    let d = session(sandbox.http, summary.id).await;
    let en: Vec<_> = d.lines.iter().map(|l| l.en.clone().expect("en")).collect();
    // TLS: a note, then every line inside it carries the lock.
    let tls_at = en
        .iter()
        .position(|l| l.id == "tls-started")
        .expect("the TLS note");
    assert!(
        en[tls_at + 1..]
            .iter()
            .filter(|l| l.direction.as_str() != "note")
            .all(|l| l.tls)
    );
    // The reply that accepted the message links to it, and is explained as such.
    let accepted = d
        .lines
        .iter()
        .position(|l| l.message == Some(message.id))
        .expect("a 250");
    assert_eq!(en[accepted].answers.as_deref(), Some("end-of-data"));
    assert_eq!(en[accepted].severity, Severity::Success);
    // Times run forward from the accept; every line is explained in Chinese too.
    let times: Vec<u64> = en.iter().filter_map(|l| l.at_ms).collect();
    assert_eq!(times.len(), en.len());
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert!(
        d.lines
            .iter()
            .all(|l| l.zh.as_ref().is_some_and(|z| !z.title.is_empty()))
    );
    assert_eq!(
        d.outcome_en.as_ref().map(|o| (o.accepted, o.auth.as_str())),
        Some((1, "ok"))
    );
    sandbox.handle.stop().await;
}

#[tokio::test]
async fn no_password_comes_back_in_any_form() {
    let sandbox = start_sandbox(with_password()).await;
    for mechanism in ["PLAIN", "LOGIN"] {
        let args = swaks_login(&sandbox, mechanism, &[]);
        let transcript = run_client("swaks", &args, CLIENT_LIMIT).await;
        assert!(transcript.contains("235 2.7.0"), "{transcript}");
    }
    let list = ended_sessions(sandbox.http, 2).await;
    let secrets = [
        PASSWORD.to_owned(),
        auth::encode(PASSWORD),
        auth::encode_plain("", "demo", PASSWORD),
        auth::encode_plain("demo", "demo", PASSWORD),
    ];
    let mut outputs =
        vec![String::from_utf8(http(sandbox.http, "GET", "/api/sessions").await.2).expect("UTF-8")];
    for s in &list {
        for query in [
            "",
            "?lang=zh-CN",
            "?format=text",
            "?format=text&lang=zh-CN",
            "?format=transcript",
        ] {
            outputs.push(text(sandbox.http, &format!("/api/sessions/{}{query}", s.id)).await);
        }
    }
    for out in &outputs {
        for secret in &secrets {
            assert!(!out.contains(secret.as_str()), "{secret} in {out}");
        }
    }
    let all = outputs.join("\n");
    assert!(all.contains("********"), "the answers are shown masked");
    assert!(
        all.contains("Password, in base64 (hidden)"),
        "LOGIN's password line is explained"
    );
    assert!(
        all.contains("AUTH PLAIN credentials (hidden)")
            || all.contains("AUTH PLAIN AGRlbW8A********")
    );
    sandbox.handle.stop().await;
}

const REFUSED: &str = "550 5.1.1 <nobody@sandbox.test>: Recipient address rejected: User unknown";

const SMTPLIB_REFUSED: &str = r#"
import smtplib, sys
host, port = sys.argv[1], int(sys.argv[2])
with smtplib.SMTP(host, port, timeout=20) as s:
    try:
        s.sendmail("py@example.org", ["nobody@sandbox.test"], b"Subject: never\r\n\r\nx\r\n")
    except smtplib.SMTPRecipientsRefused as e:
        print("refused", e.recipients["nobody@sandbox.test"][0])
"#;

#[tokio::test]
async fn a_session_that_fails_at_rcpt_leaves_no_message_and_one_annotated_session() {
    let sandbox = start_sandbox(SandboxConfig {
        reject_rcpt: vec![
            format!("nobody@sandbox.test={REFUSED}")
                .parse::<RejectRecipient>()
                .expect("a rule"),
        ],
        ..SandboxConfig::default()
    })
    .await;
    let args = vec![
        "-c".to_owned(),
        SMTPLIB_REFUSED.to_owned(),
        sandbox.smtp.ip().to_string(),
        sandbox.smtp.port().to_string(),
    ];
    let output = run_client(&python(), &args, CLIENT_LIMIT).await;
    assert!(output.contains("refused 550"), "{output}");
    let list = ended_sessions(sandbox.http, 1).await;
    assert_eq!(list.len(), 1, "exactly one session: {list:?}");
    assert!(messages(sandbox.http).await.is_empty(), "no message");
    let s = &list[0];
    assert_eq!((s.delivered, s.messages.len()), (0, 0));
    assert_eq!(s.last_error.as_deref(), Some(REFUSED));
    assert_eq!(
        s.ending,
        SessionEnding::Quit,
        "smtplib says QUIT on leaving"
    );
    let d = session(sandbox.http, s.id).await;
    let refusal = d
        .lines
        .iter()
        .filter_map(|l| l.en.as_ref())
        .find(|l| l.code == Some(550))
        .expect("the refusal");
    assert_eq!(refusal.text, REFUSED);
    assert_eq!(refusal.answers.as_deref(), Some("RCPT"));
    assert_eq!(refusal.severity, Severity::Error);
    assert!(!refusal.explanation.is_empty());
    let zh = d
        .lines
        .iter()
        .filter_map(|l| l.zh.as_ref())
        .find(|l| l.code == Some(550))
        .expect("in Chinese too");
    assert_ne!(zh.title, refusal.title);
    assert_eq!(d.outcome_en.map(|o| o.recipients_refused), Some(1));
    sandbox.handle.stop().await;
}

#[tokio::test]
async fn the_text_layout_is_what_annotate_prints_for_the_same_lines() {
    let sandbox = start_sandbox(with_password()).await;
    let args = swaks_login(&sandbox, "PLAIN", &["--tls"]);
    run_client("swaks", &args, CLIENT_LIMIT).await;
    let id = ended_sessions(sandbox.http, 1).await[0].id;
    for (lang, tag) in [(Lang::En, "en"), (Lang::ZhCn, "zh-CN")] {
        let transcript = text(
            sandbox.http,
            &format!("/api/sessions/{id}?format=transcript&lang={tag}"),
        )
        .await;
        let shown = text(
            sandbox.http,
            &format!("/api/sessions/{id}?format=text&lang={tag}&width=90"),
        )
        .await;
        // What `smtp-playground annotate --width 90 FILE` does with the transcript, when
        // its output is not a terminal.
        let (_, lines) = protocol::transcript::annotate(&transcript, lang);
        let annotated = render_text(&lines, lang, Style::new(false).with_width(90));
        assert_eq!(shown, annotated, "{transcript}");
        assert!(
            shown.contains("S ← 220 ") && shown.contains("C → QUIT"),
            "{shown}"
        );
    }
    sandbox.handle.stop().await;
}

/// A session through the bridge's relay, as the page has it: EHLO, one message, QUIT.
async fn page_mail(bridge: SocketAddr, smtp: SocketAddr, cookie: &str, subject: &str) {
    let mut s = page_session(bridge, smtp, cookie, "page").await;
    assert!(s.command("MAIL FROM:<me@example.org>").await[0].starts_with("250"));
    assert!(s.command("RCPT TO:<you@example.org>").await[0].starts_with("250"));
    assert!(s.command("DATA").await[0].starts_with("354"));
    s.send(&lines(&[&format!("Subject: {subject}"), "", "Hello."]))
        .await;
    assert!(s.command(".").await[0].starts_with("250 "));
    assert!(s.command("QUIT").await[0].starts_with("221 "));
    let _ = s.recv_closed().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_public_each_visitor_sees_hears_and_clears_only_their_own_sessions() {
    let SandboxBridge {
        http: bridge,
        smtp,
        handle,
    } = start_public_sandbox().await;
    let mut cookies = Vec::new();
    for _ in 0..2 {
        cookies.push(new_visitor(bridge).await);
    }
    let (a, b) = (cookies[0].as_str(), cookies[1].as_str());
    let mut a_events = Events::open(bridge, Some(a)).await;
    page_mail(bridge, smtp, a, "from A").await;
    page_mail(bridge, smtp, b, "from B").await;
    // An outside client: nobody's session in public.
    let (mut raw, _) = RawSmtp::connect(smtp).await;
    assert_eq!(raw.command("EHLO outside").await.0, 250);
    assert_eq!(raw.command("QUIT").await.0, 221);

    let mut a_list = Vec::new();
    for _ in 0..100 {
        a_list = sessions(bridge, Some(a)).await.sessions;
        if a_list.first().is_some_and(|s| s.ending.is_closed()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(a_list.len(), 1, "{a_list:?}");
    assert!(
        a_list[0].from_page && a_list[0].delivered == 1,
        "{a_list:?}"
    );
    let b_list = sessions(bridge, Some(b)).await.sessions;
    assert_eq!(b_list.len(), 1, "{b_list:?}");
    assert_ne!(a_list[0].id, b_list[0].id);
    assert_eq!(
        sessions(bridge, None).await.count,
        0,
        "no cookie: no sessions"
    );
    // Another visitor's session answers 404, like one that never existed.
    let (status, _, body) = http_with(
        bridge,
        "GET",
        &format!("/api/sessions/{}", b_list[0].id),
        &[("Cookie", a)],
    )
    .await;
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));
    // A heard of A's session only.
    let heard = session_ids(&mut a_events, a_list[0].id).await;
    assert!(heard.iter().all(|&id| id == a_list[0].id), "{heard:?}");
    // Deleting is per visitor.
    let (status, _, body) = http_with(bridge, "DELETE", "/api/sessions", &[("Cookie", a)]).await;
    assert_eq!(status, 200);
    assert_eq!(
        Deleted::decode(&String::from_utf8_lossy(&body)).map(|d| d.deleted),
        Ok(1)
    );
    assert_eq!(sessions(bridge, Some(a)).await.count, 0);
    assert_eq!(sessions(bridge, Some(b)).await.count, 1);
    handle.stop().await;
}

/// The ids of the `session` events on `events` up to one that says `id` ended. Other
/// events are skipped; bounded by events and by the wait.
async fn session_ids(events: &mut Events, id: u64) -> Vec<u64> {
    let mut ids = Vec::new();
    for _ in 0..200 {
        let (_, data) = events.next_where(|name| name == "session").await;
        let summary = SessionSummary::decode(&data).expect("a session summary");
        ids.push(summary.id);
        if summary.id == id && summary.ending.is_closed() {
            return ids;
        }
    }
    panic!("no end of session {id} heard: {ids:?}");
}

#[tokio::test]
async fn an_outside_session_is_announced_live() {
    let sandbox = start_sandbox(SandboxConfig::default()).await;
    let mut events = Events::open(sandbox.http, None).await;
    let (mut raw, _) = RawSmtp::connect(sandbox.smtp).await;
    assert_eq!(raw.command("EHLO live.example").await.0, 250);
    // Announced while the client is still connected.
    let (_, data) = events.next_where(|_| true).await;
    let first = SessionSummary::decode(&data).expect("a session event");
    assert_eq!(first.ending, SessionEnding::Open);
    assert_eq!(first.helo.as_deref(), Some("live.example"));
    assert!(
        first
            .peer
            .as_deref()
            .is_some_and(|p| p.starts_with("127.0.0.1:")),
        "{first:?}"
    );
    assert_eq!(raw.command("QUIT").await.0, 221);
    let heard = session_ids(&mut events, first.id).await;
    assert!(heard.iter().all(|&id| id == first.id), "{heard:?}");
    let d = session(sandbox.http, first.id).await;
    assert_eq!(d.summary.helo.as_deref(), Some("live.example"));
    sandbox.handle.stop().await;
}

#[tokio::test]
async fn the_oldest_sessions_are_dropped_past_the_cap() {
    let sandbox = start_sandbox(SandboxConfig {
        max_sessions: 3,
        ..SandboxConfig::default()
    })
    .await;
    for i in 0..5 {
        let (mut raw, _) = RawSmtp::connect(sandbox.smtp).await;
        assert_eq!(raw.command(&format!("EHLO client{i}.example")).await.0, 250);
        assert_eq!(raw.command("QUIT").await.0, 221);
        assert!(raw.closed().await);
        // One at a time, so their order is certain.
        ended_sessions(sandbox.http, (i + 1).min(3)).await;
    }
    let list = sessions(sandbox.http, None).await;
    let helos: Vec<_> = list
        .sessions
        .iter()
        .map(|s| s.helo.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        helos,
        ["client4.example", "client3.example", "client2.example"]
    );
    assert_eq!((list.count, list.max_sessions), (3, 3));
    // Paging: one at a time, older with `before`.
    let page = |q: String| async move {
        let (status, head, body) = http(sandbox.http, "GET", &format!("/api/sessions?{q}")).await;
        (status, head, String::from_utf8_lossy(&body).into_owned())
    };
    let (_, _, first) = page("limit=1".into()).await;
    let first = SessionList::decode(&first).expect("a list");
    assert!(first.more && first.sessions.len() == 1);
    let (_, _, next) = page(format!("limit=1&before={}", first.sessions[0].id)).await;
    let next = SessionList::decode(&next).expect("a list");
    assert_eq!(next.sessions[0].helo.as_deref(), Some("client3.example"));
    let (status, _, body) = page("limit=ten".into()).await;
    assert_eq!(status, 400, "{body}");
    sandbox.handle.stop().await;
}

#[tokio::test]
async fn a_failed_tls_handshake_ends_the_session_as_such() {
    let sandbox = start_sandbox(SandboxConfig::default()).await;
    let (mut raw, _) = RawSmtp::connect(sandbox.smtp).await;
    assert_eq!(raw.command("EHLO tls.example").await.0, 250);
    assert_eq!(raw.command("STARTTLS").await.0, 220);
    // Not a TLS ClientHello: the handshake fails at once.
    raw.send(b"EHLO still-plain\r\n").await;
    assert!(raw.closed().await, "the sandbox hangs up");
    let s = ended_sessions(sandbox.http, 1).await.remove(0);
    assert_eq!(s.ending, SessionEnding::TlsFailed);
    assert!(!s.tls);
    let d = session(sandbox.http, s.id).await;
    let notes: Vec<(String, String)> = d
        .lines
        .iter()
        .filter_map(|l| l.en.as_ref())
        .filter(|l| l.direction.as_str() == "note")
        .map(|l| (l.id.clone(), l.text.clone()))
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].0, "tls-failed");
    assert!(notes[0].1.starts_with("=== TLS failed: "), "{notes:?}");
    assert_eq!(
        notes[1].1,
        "=== Connection closed: the TLS handshake failed"
    );
    sandbox.handle.stop().await;
}
