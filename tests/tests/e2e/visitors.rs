//! The sandbox mailbox of a `public` bridge belongs to its visitors: each browser (its
//! visitor cookie) lists, opens, deletes and hears about only the mail its own sessions
//! sent; mail that reached the sandbox any other way is nobody's. A `local` bridge shows
//! the whole mailbox and sets no cookie.
//!
//! Visitors here are HTTP and WebSocket clients that keep the cookie the way a browser
//! does; the browser test `public_mailbox_per_browser` does the same with two Chromiums.

use std::net::SocketAddr;

use bridge::sandbox::SandboxConfig;
use e2e::events::Events;
use e2e::sandbox::{
    RawSmtp, SandboxBridge, get_json, http_with, page_session, set_cookies, start_public_sandbox,
};
use e2e::{BridgeHandle, lines};
use serde_json::Value;

/// The cookie's name, as the bridge sets it.
const COOKIE: &str = "smtp_playground_visitor";

/// A public bridge with its sandbox; checks that `/api/sandbox` says the mailbox is per
/// visitor.
async fn public_sandbox() -> (SocketAddr, SocketAddr, BridgeHandle) {
    let SandboxBridge { http, smtp, handle } = start_public_sandbox().await;
    let about = get_json(http, "/api/sandbox").await;
    assert_eq!(about["mailbox_scope"], "visitor", "{about}");
    (http, smtp, handle)
}

/// The `name=value` part of the visitor cookie a response set, after checking its
/// attributes.
fn visitor_cookie(head: &str) -> String {
    let cookies = set_cookies(head);
    let cookie = cookies
        .iter()
        .find(|c| c.starts_with(&format!("{COOKIE}=")))
        .unwrap_or_else(|| panic!("no visitor cookie set in {head}"));
    for attribute in ["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age="] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    // The allowed origin is plain http, where a browser would drop a Secure cookie.
    assert!(!cookie.contains("Secure"), "{cookie}");
    let pair = cookie.split(';').next().expect("name=value").to_owned();
    assert_eq!(
        pair.len(),
        COOKIE.len() + 1 + 32 + 1 + 64,
        "a 128-bit hex id and its HMAC-SHA256: {pair}"
    );
    pair
}

/// A browser as the bridge sees it: its cookie.
struct Visitor {
    cookie: String,
}

impl Visitor {
    /// A new visitor: the first page request gets a cookie.
    async fn arrive(bridge: SocketAddr) -> Self {
        let (status, head, _) = http_with(bridge, "GET", "/api/sandbox", &[]).await;
        assert_eq!(status, 200, "{head}");
        Self {
            cookie: visitor_cookie(&head),
        }
    }

    async fn request(&self, bridge: SocketAddr, method: &str, path: &str) -> (u16, Value) {
        let (status, head, body) =
            http_with(bridge, method, path, &[("Cookie", &self.cookie)]).await;
        assert!(
            set_cookies(&head).is_empty(),
            "a known visitor gets no new cookie: {head}"
        );
        let json = serde_json::from_slice(&body)
            .unwrap_or_else(|err| panic!("{method} {path}: not JSON ({err}): {head}"));
        (status, json)
    }

    /// The subjects in this visitor's mailbox, newest first, and the list itself.
    async fn mailbox(&self, bridge: SocketAddr) -> (Vec<String>, Value) {
        let (status, list) = self.request(bridge, "GET", "/api/messages").await;
        assert_eq!(status, 200, "{list}");
        let subjects = list["messages"]
            .as_array()
            .expect("a messages list")
            .iter()
            .map(|m| m["subject"].as_str().unwrap_or_default().to_owned())
            .collect();
        (subjects, list)
    }

    /// Sends one message to the sandbox through a bridge session, as the page does, and
    /// returns the queue id from the 250 reply.
    async fn send_mail(&self, bridge: SocketAddr, smtp: SocketAddr, subject: &str) -> String {
        let mut s = page_session(bridge, smtp, &self.cookie, "visitor").await;
        assert_eq!(
            s.command("MAIL FROM:<me@example.org>").await,
            ["250 2.1.0 Ok"]
        );
        assert_eq!(
            s.command("RCPT TO:<you@example.org>").await,
            ["250 2.1.5 Ok"]
        );
        let go = s.command("DATA").await;
        assert!(go[0].starts_with("354 "), "{go:?}");
        s.send(&lines(&[&format!("Subject: {subject}"), "", "Hello."]))
            .await;
        let queued = s.command(".").await;
        assert!(queued[0].starts_with("250 "), "{queued:?}");
        assert!(s.command("QUIT").await[0].starts_with("221 "));
        // Wait until the sandbox has hung up: had the bridge closed first, its socket would
        // sit in TIME_WAIT and the port-reuse test could not bind the freed port for 60 s.
        let closed = s.recv_closed().await;
        assert!(closed.contains("server"), "{closed}");
        queued[0].rsplit(' ').next().expect("queue id").to_owned()
    }
}

/// Sends one message straight to the sandbox's SMTP port, not through the bridge.
async fn send_straight(smtp: SocketAddr, subject: &str) {
    let (mut direct, greeting) = RawSmtp::connect(smtp).await;
    assert_eq!(greeting, 220);
    assert_eq!(direct.command("EHLO direct").await.0, 250);
    assert_eq!(direct.command("MAIL FROM:<x@example.org>").await.0, 250);
    assert_eq!(direct.command("RCPT TO:<y@example.org>").await.0, 250);
    assert_eq!(direct.command("DATA").await.0, 354);
    direct
        .send(format!("Subject: {subject}\r\n\r\nHi\r\n.\r\n").as_bytes())
        .await;
    assert_eq!(direct.reply().await.0, 250);
}

/// The next mailbox event on `events`: its name and data. The session recorder's events on
/// the same stream (`session`, `sessions-cleared`) are skipped: `sandbox_sessions.rs` checks
/// them.
async fn next_mailbox_event(events: &mut Events) -> (String, String) {
    events.next_where(|name| !name.starts_with("session")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_mailbox_shows_each_visitor_only_their_own_mail() {
    let (bridge, smtp, handle) = public_sandbox().await;
    let (a, b) = (Visitor::arrive(bridge).await, Visitor::arrive(bridge).await);
    assert_ne!(a.cookie, b.cookie, "every browser gets its own id");

    // Mail straight to the sandbox port, not through a bridge session, is nobody's.
    send_straight(smtp, "Nobody's").await;

    let a_queue = a.send_mail(bridge, smtp, "For A only").await;
    b.send_mail(bridge, smtp, "For B only").await;
    a.send_mail(bridge, smtp, "A again").await;

    // Right after the 250: the sandbox stores a message before it answers.
    let (a_subjects, a_list) = a.mailbox(bridge).await;
    assert_eq!(a_subjects, ["A again", "For A only"], "{a_list}");
    assert_eq!(a_list["count"], 2);
    assert_eq!(a_list["messages"][1]["queue_id"], a_queue.as_str());
    let (b_subjects, b_list) = b.mailbox(bridge).await;
    assert_eq!(b_subjects, ["For B only"], "{b_list}");

    // Another visitor's message is "not found", like one that never existed.
    let b_id = b_list["messages"][0]["id"].as_u64().expect("an id");
    for path in [
        format!("/api/messages/{b_id}"),
        format!("/api/messages/{b_id}/raw"),
    ] {
        let (status, refusal) = a.request(bridge, "GET", &path).await;
        assert_eq!(status, 404, "{path}: {refusal}");
        assert!(
            refusal["error"]
                .as_str()
                .is_some_and(|e| e.contains("another browser")),
            "{refusal}"
        );
    }
    let (status, own) = b
        .request(bridge, "GET", &format!("/api/messages/{b_id}"))
        .await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(own["raw"], "Subject: For B only\r\n\r\nHello.\r\n");

    // A request without a cookie, or with a forged one, is a new visitor with no mail.
    for cookie in [
        None,
        Some(format!("{COOKIE}=zzzz")),
        Some(format!("{COOKIE}={}", "0".repeat(32))),
    ] {
        let headers: Vec<(&str, &str)> = cookie.iter().map(|c| ("Cookie", c.as_str())).collect();
        let (status, head, body) = http_with(bridge, "GET", "/api/messages", &headers).await;
        assert_eq!(status, 200, "{head}");
        let list: Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(list["count"], 0, "{cookie:?}: {list}");
        if cookie.as_deref().is_none_or(|c| c.ends_with("zzzz")) {
            let _ = visitor_cookie(&head);
        }
    }

    // Live updates: A hears of A's next message, not of B's sent just before.
    let mut a_events = Events::open(bridge, Some(&a.cookie)).await;
    b.send_mail(bridge, smtp, "B second").await;
    a.send_mail(bridge, smtp, "A third").await;
    let (event, data) = next_mailbox_event(&mut a_events).await;
    assert_eq!(event, "message");
    // The event names the message (issue 12, finding 4); A fetches it.
    let announced: Value = serde_json::from_str(&data).expect("JSON data");
    let id = announced["id"].as_u64().expect("an id");
    let (status, message) = a
        .request(bridge, "GET", &format!("/api/messages/{id}"))
        .await;
    assert_eq!(status, 200, "{message}");
    assert_eq!(
        message["subject"], "A third",
        "B's message was not announced to A"
    );

    // Deleting is per visitor too, and A hears nothing of B's delete.
    let (status, deleted) = b.request(bridge, "DELETE", "/api/messages").await;
    assert_eq!((status, deleted["deleted"].as_u64()), (200, Some(2)));
    assert_eq!(b.mailbox(bridge).await.0, Vec::<String>::new());
    assert_eq!(
        a.mailbox(bridge).await.0,
        ["A third", "A again", "For A only"]
    );
    a.send_mail(bridge, smtp, "A fourth").await;
    let (event, data) = next_mailbox_event(&mut a_events).await;
    assert_eq!(event, "message", "not `cleared`: {data}");
    let (status, deleted) = a.request(bridge, "DELETE", "/api/messages").await;
    assert_eq!((status, deleted["deleted"].as_u64()), (200, Some(4)));
    assert_eq!(next_mailbox_event(&mut a_events).await.0, "cleared");
    handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_bridge_sets_no_cookie_and_shows_the_whole_mailbox() {
    let sandbox = e2e::sandbox::start_sandbox(SandboxConfig::default()).await;
    let (status, head, body) = http_with(sandbox.http, "GET", "/api/sandbox", &[]).await;
    assert_eq!(status, 200);
    assert!(set_cookies(&head).is_empty(), "{head}");
    let about: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(about["mailbox_scope"], "all");

    // One message through a bridge session, one straight to the port: both are listed,
    // and a request with some other browser's cookie sees them too.
    let local = Visitor {
        cookie: format!("{COOKIE}={}", "ab".repeat(16)),
    };
    local
        .send_mail(sandbox.http, sandbox.smtp, "Through the bridge")
        .await;
    send_straight(sandbox.smtp, "Straight").await;
    assert_eq!(
        local.mailbox(sandbox.http).await.0,
        ["Straight", "Through the bridge"]
    );
    sandbox.handle.stop().await;
}

/// Issue 12, finding 8: after a visitor's session ended, a local process that binds the
/// session's freed source port and sends mail to the sandbox does not get it filed under
/// that visitor.
#[tokio::test]
async fn mail_from_a_reused_source_port_is_not_filed_under_the_old_visitor() {
    let (bridge, smtp, handle) = public_sandbox().await;
    let a = Visitor::arrive(bridge).await;
    a.send_mail(bridge, smtp, "From A").await;
    let (subjects, list) = a.mailbox(bridge).await;
    assert_eq!(subjects, ["From A"]);
    let peer: SocketAddr = list["messages"][0]["peer"]
        .as_str()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("the message names its peer: {list}"));
    e2e::expect_no_active_sessions(bridge).await;
    // Bind the freed port (bounded retries: the bridge closes its socket in its own time).
    let mut stream = None;
    for _ in 0..100 {
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        socket.set_reuseaddr(true).expect("reuseaddr");
        if socket.bind(peer).is_ok()
            && let Ok(connected) = socket.connect(smtp).await
        {
            stream = Some(connected);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let stream = stream.unwrap_or_else(|| panic!("could not reuse {peer}"));
    let mut direct = e2e::raw_smtp::RawSmtp::from_stream(stream).await;
    for (line, code) in [
        ("EHLO bystander", 250),
        ("MAIL FROM:<x@example.org>", 250),
        ("RCPT TO:<y@example.org>", 250),
        ("DATA", 354),
        ("Subject: Not A's\r\n\r\nHi\r\n.", 250),
    ] {
        assert_eq!(direct.command(line).await.code, code, "{line}");
    }
    let (subjects, _) = a.mailbox(bridge).await;
    assert_eq!(subjects, ["From A"], "the bystander's mail is nobody's");
    handle.stop().await;
}

/// Issue 12, small items: a visitor id the client chose is not accepted, however
/// well-formed (cookie tossing from a sibling site would otherwise fix a victim's id):
/// the bridge issues a new one. Its own cookie is accepted back.
#[tokio::test]
async fn a_visitor_id_the_client_chose_is_replaced() {
    let (bridge, _smtp, handle) = public_sandbox().await;
    for chosen in [
        "0".repeat(32),
        "00112233445566778899aabbccddeeff".to_owned(),
    ] {
        let cookie = format!("{COOKIE}={chosen}");
        let (status, head, _) =
            http_with(bridge, "GET", "/api/messages", &[("Cookie", &cookie)]).await;
        assert_eq!(status, 200, "{head}");
        let issued = visitor_cookie(&head);
        assert_ne!(issued, cookie, "a new id");
    }
    let a = Visitor::arrive(bridge).await;
    let (status, head, _) =
        http_with(bridge, "GET", "/api/messages", &[("Cookie", &a.cookie)]).await;
    assert_eq!(status, 200, "{head}");
    assert!(set_cookies(&head).is_empty(), "its own id is kept: {head}");
    handle.stop().await;
}
