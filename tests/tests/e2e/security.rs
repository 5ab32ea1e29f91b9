//! The attacks of `SECURITY.md`, each against the control that stops it. Loopback only:
//! "public" addresses exist only in the scripted resolver, and the recording connector sends
//! their connections to a loopback stand-in. Timeouts and windows are set in milliseconds.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use bridge::policy::token::Secret;
use bridge::policy::{PolicyConfig, Profile};
use bridge::sandbox::SandboxConfig;
use bridge::{Config, Hooks};
use e2e::security::{
    Ehlo, FakeSmtp, LogCapture, RecordingConnector, ScriptedResolver, hooks, open_with_headers,
    raw_request, refused_status, roomy_public_policy, rss_kib, start_bridge_at,
};
use e2e::{
    BridgeHandle, Session, connect_to, fetch_metrics, line, lines, metric, open_session, wait_until,
};
use protocol::wire::{ClientMsg, ConnectRequest, ErrorCode, ServerMsg, TlsMode};
use tokio::time::{sleep, timeout};

const POLICY: u16 = 1008;
const TOO_BIG: u16 = 1009;
const GOING_AWAY: u16 = 1001;

/// A documentation-free global unicast address that only the scripted resolver hands out.
const PUBLIC_IP: &str = "192.0.43.8";

fn ip(text: &str) -> IpAddr {
    text.parse().expect("an address")
}

fn own_origin(bridge: SocketAddr) -> String {
    format!("http://{bridge}")
}

fn connect(host: &str, port: u16) -> ClientMsg {
    ClientMsg::Connect(ConnectRequest {
        host: host.to_owned(),
        port,
        tls: TlsMode::None,
        insecure: false,
        ..ConnectRequest::default()
    })
}

fn no_sandbox() -> Box<SandboxConfig> {
    Box::new(SandboxConfig {
        disabled: true,
        ..SandboxConfig::default()
    })
}

/// A public bridge for `addr` with generous rates (tests that are not about rates open
/// many sessions), no sandbox, and `tune` applied.
fn public(addr: SocketAddr, tune: impl FnOnce(&mut PolicyConfig)) -> Config {
    let mut policy = roomy_public_policy();
    tune(&mut policy);
    Config {
        allowed_origins: vec![format!("http://{addr}")],
        sandbox: no_sandbox(),
        policy: Box::new(policy),
        ..Config::default()
    }
}

fn local(tune: impl FnOnce(&mut PolicyConfig)) -> Config {
    let mut policy = PolicyConfig::default();
    tune(&mut policy);
    Config {
        sandbox: no_sandbox(),
        policy: Box::new(policy),
        ..Config::default()
    }
}

async fn session(bridge: SocketAddr) -> Session {
    open_session(bridge, &own_origin(bridge))
        .await
        .expect("the bridge accepts its own origin")
}

/// Sends `connect`, expects `connected` and the greeting.
async fn connected(session: &mut Session, message: &ClientMsg) -> String {
    session.send(message).await;
    let peer = match session.recv().await {
        ServerMsg::Connected { peer, .. } => peer,
        other => panic!("expected connected, got {other:?}"),
    };
    assert_eq!(session.recv_line().await, "220 fake ESMTP");
    peer
}

/// Expects `error` with `code`, then `closed`, then the close code.
async fn refused(session: &mut Session, code: ErrorCode, close: u16) -> String {
    let (got, message) = session.recv_error().await;
    assert_eq!(got, code, "{message}");
    let _ = session.recv_closed().await;
    let (close_code, rest) = session.close_code().await;
    assert_eq!(close_code, Some(close), "close code; then {rest:?}");
    message
}

async fn metrics_value(bridge: SocketAddr, name: &str) -> f64 {
    metric(&fetch_metrics(bridge).await, name).unwrap_or_else(|| panic!("{name} is reported"))
}

/// `config` with the sandbox on (its default: an ephemeral loopback port).
fn with_sandbox(config: Config) -> Config {
    Config {
        sandbox: Box::new(SandboxConfig::default()),
        ..config
    }
}

/// A local bridge (no sandbox) with `tune` applied to its policy.
async fn start_local(tune: impl FnOnce(&mut PolicyConfig)) -> (SocketAddr, BridgeHandle) {
    start_bridge_at(|_| local(tune), Hooks::default()).await
}

/// A public bridge (see [`public`]) with `tune` applied to its policy.
async fn start_public(tune: impl FnOnce(&mut PolicyConfig)) -> (SocketAddr, BridgeHandle) {
    start_public_hooked(Hooks::default(), tune).await
}

/// [`start_public`] with scripted hooks (resolver, connector, interfaces).
async fn start_public_hooked(
    hooks: Hooks,
    tune: impl FnOnce(&mut PolicyConfig),
) -> (SocketAddr, BridgeHandle) {
    start_bridge_at(|addr| public(addr, tune), hooks).await
}

/// Starts a fake SMTP server and a local bridge with `tune`, and connects a session to the
/// server through the bridge, greeting read: the server, the bridge's address, its handle
/// and the session.
async fn relayed(
    tune: impl FnOnce(&mut PolicyConfig),
) -> (FakeSmtp, SocketAddr, BridgeHandle, Session) {
    let fake = FakeSmtp::start(Ehlo::Normal).await;
    let (bridge, handle) = start_local(tune).await;
    let mut s = session(bridge).await;
    connected(&mut s, &connect_to(fake.addr)).await;
    (fake, bridge, handle, s)
}

/// Asserts that no line `fake` received so far is `forbidden`; `what` says what must not
/// have reached it.
fn assert_never_received(fake: &FakeSmtp, what: &str, forbidden: impl Fn(&str) -> bool) {
    let received = fake.lines();
    assert!(
        !received.iter().any(|l| forbidden(l)),
        "{what} reached the server: {received:?}"
    );
}

/// Closes the session, stops the bridge and returns what was logged, which must show the
/// session's end (other tests' logs are in it too: the capture is the process's).
async fn logs_after_closing(mut s: Session, handle: BridgeHandle, capture: &LogCapture) -> String {
    s.send(&ClientMsg::Close).await;
    let _ = s.recv_closed().await;
    handle.stop().await;
    let logs = capture.text();
    assert!(logs.contains("session closed"), "the bridge logged");
    logs
}

/// A new session asks for `host:port` and is refused as a denied target; returns the
/// explanation.
async fn denied(bridge: SocketAddr, host: &str, port: u16) -> String {
    let mut s = session(bridge).await;
    s.send(&connect(host, port)).await;
    refused(&mut s, ErrorCode::TargetDenied, POLICY).await
}

/// The policy's token from its text.
fn token(text: &str) -> Option<Secret> {
    Some(Secret::parse(text).expect("a valid token"))
}

/// Opens a session from the bridge's own origin with `Authorization: Bearer <token>`.
async fn open_with_token(
    bridge: SocketAddr,
    token: &str,
) -> Result<Session, tokio_tungstenite::tungstenite::Error> {
    let origin = own_origin(bridge);
    let bearer = format!("Bearer {token}");
    open_with_headers(bridge, &[("Origin", &origin), ("Authorization", &bearer)]).await
}

/// Where the bridge's sandbox listens, from `/api/sandbox`.
async fn sandbox_listen(bridge: SocketAddr) -> SocketAddr {
    let about = e2e::sandbox::get_json(bridge, "/api/sandbox").await;
    about["listen"]
        .as_str()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("the sandbox listens: {about}"))
}

/// A session to the sandbox at `listen` gets as far as DATA's 354: the sandbox is exempt
/// from probe mode.
async fn assert_sandbox_takes_data(bridge: SocketAddr, listen: SocketAddr) {
    let mut s = session(bridge).await;
    s.send(&connect_to(listen)).await;
    assert!(matches!(s.recv().await, ServerMsg::Connected { .. }));
    let _greeting = s.recv_line().await;
    let _ = s.command("EHLO me").await;
    let _ = s.command("MAIL FROM:<a@example.org>").await;
    let _ = s.command("RCPT TO:<b@example.org>").await;
    let reply = s.command("DATA").await;
    assert!(reply[0].starts_with("354"), "{reply:?}");
}

#[tokio::test]
async fn public_target_table_denies_before_any_connect() {
    // A loopback listener on an allowed port: the loopback rule, not the port, refuses it.
    let listener = FakeSmtp::start(Ehlo::Normal).await;
    let resolver = ScriptedResolver::new(vec![vec![ip(PUBLIC_IP)]]);
    let connector = RecordingConnector::new(None);
    let port = listener.addr.port();
    let (bridge, handle) = start_public_hooked(hooks(resolver.clone(), connector.clone()), |p| {
        p.allowed_ports = vec![25, 465, 587, 2525, port];
    })
    .await;
    let special_purpose = [
        "127.0.0.1",
        "127.1.2.3",
        "0.0.0.0",
        "10.0.0.1",
        "100.64.0.1",
        "169.254.169.254",
        "172.16.0.1",
        "192.0.0.8",
        "192.0.2.1",
        "192.168.1.1",
        "198.18.0.1",
        "198.51.100.1",
        "203.0.113.1",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "[::1]",
        "::ffff:127.0.0.1",
        "[::ffff:169.254.169.254]",
        "fc00::1",
        "fd00::25",
        "fe80::1",
        "ff02::1",
        "64:ff9b::7f00:1",
        "2002:7f00:1::1",
        "2001::1",
        "2001:db8::25",
    ];
    for host in special_purpose {
        let message = denied(bridge, host, port).await;
        assert!(message.contains("--allow-target"), "{host}: {message}");
    }
    // Ports other than SMTP's, on a name: refused before the name is even looked up.
    for port in [22, 80, 443, 3306, 6379, 8080, 11211] {
        let message = denied(bridge, "mx.example.org", port).await;
        assert!(message.contains(&format!("port {port}")), "{message}");
    }
    // Numeric spellings of 127.0.0.1 that resolvers accept are not hosts at all.
    for host in ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.1"] {
        let mut s = session(bridge).await;
        s.send(&connect(host, 25)).await;
        let (code, message) = s.recv_error().await;
        assert_eq!(code, ErrorCode::InvalidTarget, "{host}: {message}");
    }
    assert_eq!(
        resolver.calls(),
        0,
        "no lookup for refused ports or numeric hosts"
    );
    assert!(
        connector.attempts().is_empty(),
        "{:?}",
        connector.attempts()
    );
    assert_eq!(
        listener.accepted(),
        0,
        "the loopback listener saw no connection"
    );
    assert_eq!(
        metrics_value(bridge, "smtp_playground_upstream_connects_total").await,
        0.0
    );
    handle.stop().await;
}

#[tokio::test]
async fn dns_rebinding_and_mixed_answers() {
    let stand_in = FakeSmtp::start(Ehlo::Normal).await;
    // First answer public, any later one loopback: a second lookup would be rebinding.
    let resolver = ScriptedResolver::new(vec![vec![ip(PUBLIC_IP)], vec![ip("127.0.0.1")]]);
    let connector = RecordingConnector::new(Some(stand_in.addr));
    let (bridge, handle) =
        start_public_hooked(hooks(resolver.clone(), connector.clone()), |_| {}).await;
    let mut s = session(bridge).await;
    let peer = connected(&mut s, &connect("rebind.example", 25)).await;
    assert_eq!(peer, format!("{PUBLIC_IP}:25"));
    assert_eq!(resolver.calls(), 1, "resolved exactly once");
    assert_eq!(
        connector.attempts(),
        vec![format!("{PUBLIC_IP}:25").parse().expect("addr")]
    );
    drop(s);

    for answer in [
        vec![ip(PUBLIC_IP), ip("10.0.0.1")],
        vec![ip("2a00:1450:4001::1a"), ip("::ffff:127.0.0.1")],
        vec![ip("fd00::1")],
    ] {
        resolver.set(vec![answer.clone()]);
        let message = denied(bridge, "mixed.example", 25).await;
        let bad = answer
            .last()
            .expect("an address")
            .to_canonical()
            .to_string();
        assert!(message.contains(&bad), "{answer:?}: {message}");
    }
    assert_eq!(
        connector.attempts().len(),
        1,
        "no connect for a denied answer"
    );
    handle.stop().await;
}

/// A name with an A and an AAAA answer, served only over IPv6: the bridge tries the A
/// address, is refused, and relays over IPv6 to the second answer (the sandbox on `::1`).
#[tokio::test]
async fn a_dual_stack_name_falls_through_to_its_ipv6_address() {
    let resolver = ScriptedResolver::new(vec![vec![ip("127.0.0.1"), ip("::1")]]);
    let connector = RecordingConnector::new(None);
    let (bridge, handle) = start_bridge_at(
        |_| {
            let mut config = local(|_| {});
            config.sandbox = Box::new(SandboxConfig {
                listen: "[::1]:0".parse().expect("addr"),
                ..SandboxConfig::default()
            });
            config
        },
        hooks(resolver.clone(), connector.clone()),
    )
    .await;
    let v6 = sandbox_listen(bridge).await;
    assert!(v6.is_ipv6(), "{v6}");
    let mut s = session(bridge).await;
    s.send(&connect("dual.test", v6.port())).await;
    match s.recv().await {
        ServerMsg::Connected { peer, host, .. } => {
            assert_eq!(peer, v6.to_string(), "the IPv6 answer was used");
            assert_eq!(host, "dual.test");
        }
        other => panic!("expected connected, got {other:?}"),
    }
    assert!(
        s.recv_line().await.starts_with("220 "),
        "greeting over IPv6"
    );
    assert_eq!(
        s.command("EHLO me").await.last().map(|l| &l[..4]),
        Some("250 ")
    );
    assert_eq!(resolver.calls(), 1);
    assert_eq!(
        connector.attempts(),
        vec![SocketAddr::from(([127, 0, 0, 1], v6.port())), v6],
        "A first, then AAAA"
    );
    drop(s);
    handle.stop().await;
}

#[tokio::test]
async fn local_profile_reaches_loopback_but_never_the_bridge_itself() {
    let (_, bridge, handle, s) = relayed(|_| {}).await;
    drop(s);
    for host in [
        bridge.ip().to_string(),
        "0.0.0.0".to_owned(),
        "::ffff:127.0.0.1".to_owned(),
    ] {
        denied(bridge, &host, bridge.port()).await;
    }
    handle.stop().await;
}

#[tokio::test]
async fn foreign_or_missing_origin_and_foreign_host_are_refused_before_the_upgrade() {
    let (bridge, handle) = start_local(|_| {}).await;
    let foreign = open_with_headers(bridge, &[("Origin", "http://evil.example")]).await;
    assert_eq!(refused_status(&foreign), Some(403));
    let missing = open_with_headers(bridge, &[]).await;
    assert_eq!(refused_status(&missing), Some(403));
    // DNS rebinding: same origin, under a name.
    let answer = raw_request(
        bridge,
        &format!(
            "GET /ws HTTP/1.1\r\nHost: evil.example:{p}\r\nOrigin: http://evil.example:{p}\r\n\
             Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
            p = bridge.port()
        ),
    )
    .await;
    assert!(
        answer.as_deref().is_some_and(|a| a.contains("403")),
        "{answer:?}"
    );
    assert_eq!(
        metrics_value(bridge, "smtp_playground_sessions_total").await,
        0.0
    );
    handle.stop().await;

    // Public: only listed origins, only the hosts of the site.
    let (bridge, handle) = start_public(|_| {}).await;
    let other = open_with_headers(bridge, &[("Origin", "http://127.0.0.1:1")]).await;
    assert_eq!(refused_status(&other), Some(403));
    let answer = raw_request(
        bridge,
        &format!(
            "GET /ws HTTP/1.1\r\nHost: evil.example\r\nOrigin: {}\r\nConnection: Upgrade\r\n\
             Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
            own_origin(bridge)
        ),
    )
    .await;
    assert!(
        answer.as_deref().is_some_and(|a| a.contains("403")),
        "{answer:?}"
    );
    assert!(session(bridge).await.try_send_text("{}".into()).await);
    handle.stop().await;
}

#[tokio::test]
async fn session_caps_per_ip_and_in_total() {
    let (bridge, handle) = start_local(|p| p.max_sessions_per_ip = Some(2)).await;
    let first = session(bridge).await;
    let _second = session(bridge).await;
    let mut third = session(bridge).await;
    let message = refused(&mut third, ErrorCode::RateLimited, POLICY).await;
    assert!(message.contains("2 sessions"), "{message}");
    first.drop_connection().await;
    wait_until("a place freed by the dropped session", async || {
        let mut again = session(bridge).await;
        again.send(&ClientMsg::Close).await;
        matches!(again.recv().await, ServerMsg::Closed { reason } if reason == "closed by you")
    })
    .await;
    handle.stop().await;

    let (bridge, handle) = start_local(|p| p.max_sessions = Some(2)).await;
    let _a = session(bridge).await;
    let _b = session(bridge).await;
    let mut c = session(bridge).await;
    refused(&mut c, ErrorCode::TooManySessions, POLICY).await;
    handle.stop().await;
}

#[tokio::test]
async fn port_scan_is_cut_off_by_the_rate_and_served_again_after_the_window() {
    let (bridge, handle) = start_local(|p| {
        p.new_sessions_per_ip = Some(3);
        p.new_session_burst = Some(3);
        p.rate_window_ms = Some(600);
    })
    .await;
    let mut limited = 0;
    for port in 1..=6u16 {
        let mut s = session(bridge).await;
        s.send(&connect("127.0.0.1", port)).await;
        let (code, _) = s.recv_error().await;
        if code == ErrorCode::RateLimited {
            limited += 1;
        } else {
            assert_eq!(code, ErrorCode::ConnectFailed, "port {port}");
        }
    }
    assert!(
        limited >= 3,
        "the burst of 3 is all a scan gets: {limited} refused"
    );
    sleep(Duration::from_millis(700)).await;
    let mut s = session(bridge).await;
    s.send(&connect("127.0.0.1", 7)).await;
    assert_eq!(
        s.recv_error().await.0,
        ErrorCode::ConnectFailed,
        "served again"
    );
    handle.stop().await;
}

#[tokio::test]
async fn slowloris_on_the_upgrade_request_is_cut_off() {
    let (bridge, handle) = start_local(|p| p.header_timeout_ms = Some(300)).await;
    let mut tcp = tokio::net::TcpStream::connect(bridge)
        .await
        .expect("connect");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tcp.write_all(b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .expect("write");
    let mut buf = [0u8; 256];
    // A client that keeps sending is never idle: only a deadline on the whole header block
    // ends this loop; without one the test fails at the bound.
    timeout(e2e::WAIT, async {
        loop {
            // One more header byte every 100 ms, as a slowloris client does.
            if tcp.write_all(b"X").await.is_err() {
                return;
            }
            // Any answer (a 408, or the end of the connection) means it was cut off.
            if timeout(Duration::from_millis(100), tcp.read(&mut buf))
                .await
                .is_ok()
            {
                return;
            }
        }
    })
    .await
    .expect("the bridge cuts off a client that never ends its headers, within the wait");
    handle.stop().await;
}

#[tokio::test]
async fn a_1_mib_message_closes_with_1009() {
    let fake = FakeSmtp::start(Ehlo::Normal).await;
    let (bridge, handle) = start_local(|_| {}).await;
    let huge = format!(r#"{{"type":"line","text":"{}"}}"#, "x".repeat(1 << 20));
    // Before connect ...
    let mut s = session(bridge).await;
    let _ = s.try_send_text(huge.clone()).await;
    let (code, texts) = s.close_code().await;
    assert_eq!(code, Some(TOO_BIG), "{texts:?}");
    // ... and while relaying.
    let mut s = session(bridge).await;
    connected(&mut s, &connect_to(fake.addr)).await;
    let _ = s.try_send_text(huge).await;
    let (code, texts) = s.close_code().await;
    assert_eq!(code, Some(TOO_BIG), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.contains("message_too_large")),
        "{texts:?}"
    );
    handle.stop().await;
}

#[tokio::test]
async fn over_long_line_is_refused_and_the_session_goes_on() {
    let (fake, _, handle, mut s) = relayed(|_| {}).await;
    let limit = protocol::limits::SENT_LINE_MAX;
    s.send(&line(&format!("NOOP {}", "x".repeat(limit)))).await;
    assert_eq!(s.recv_error().await.0, ErrorCode::InvalidLine);
    assert_eq!(s.command("NOOP").await, vec!["250 ok"]);
    assert_never_received(&fake, "the over-long line", |l| l.len() >= 100);
    handle.stop().await;
}

#[tokio::test]
async fn a_2000_line_reply_is_cut_off_with_bounded_memory() {
    let fake = FakeSmtp::start(Ehlo::Huge).await;
    let (bridge, handle) = start_local(|_| {}).await;
    let before = rss_kib();
    let mut s = session(bridge).await;
    connected(&mut s, &connect_to(fake.addr)).await;
    s.send(&line("EHLO me")).await;
    let mut relayed = 0;
    let code = loop {
        match s.recv().await {
            ServerMsg::Line { .. } => relayed += 1,
            ServerMsg::Error { code, .. } => break code,
            other => panic!("expected lines then an error, got {other:?}"),
        }
    };
    assert_eq!(code, ErrorCode::ReplyTooLarge);
    assert!(relayed <= 100, "{relayed} lines of one reply relayed");
    let _ = s.recv_closed().await;
    s.expect_end().await;
    let grown = rss_kib().saturating_sub(before);
    assert!(grown < 64 * 1024, "RSS grew by {grown} KiB");
    handle.stop().await;
}

#[tokio::test]
async fn data_over_the_cap_and_too_many_recipients() {
    let (fake, _, handle, mut s) = relayed(|p| {
        p.max_data_bytes = Some(1000);
        p.max_recipients = Some(2);
    })
    .await;
    assert_eq!(s.command("MAIL FROM:<a@example.org>").await, vec!["250 ok"]);
    assert_eq!(s.command("RCPT TO:<b@example.org>").await, vec!["250 ok"]);
    assert_eq!(s.command("RCPT TO:<c@example.org>").await, vec!["250 ok"]);
    s.send(&line("RCPT TO:<d@example.org>")).await;
    assert_eq!(s.recv_error().await.0, ErrorCode::RecipientLimit);
    assert_eq!(s.command("DATA").await, vec!["354 go ahead"]);
    let body: Vec<String> = (0..30)
        .map(|i| format!("line {i} {}", "y".repeat(60)))
        .collect();
    let refs: Vec<&str> = body.iter().map(String::as_str).collect();
    s.send(&lines(&refs)).await;
    s.send(&line(".")).await;
    let (code, message) = s.recv_error().await;
    assert_eq!(code, ErrorCode::DataLimit, "{message}");
    let _ = s.recv_closed().await;
    let (close, _) = s.close_code().await;
    assert_eq!(close, Some(POLICY));
    sleep(Duration::from_millis(100)).await;
    assert_never_received(&fake, "the recipient over the cap", |l| {
        l == "RCPT TO:<d@example.org>"
    });
    assert_never_received(&fake, "the end of the message", |l| l == ".");
    let received = fake.lines();
    let body_bytes: usize = received
        .iter()
        .filter(|l| l.starts_with("line "))
        .map(|l| l.len() + 2)
        .sum();
    assert!(body_bytes <= 1000, "{body_bytes} bytes of text relayed");
    handle.stop().await;
}

#[tokio::test]
async fn probe_mode_refuses_data_unless_a_token_or_the_sandbox() {
    const TOKEN: &str = "correct-horse-battery-staple";
    let stand_in = FakeSmtp::start(Ehlo::Normal).await;
    let resolver = ScriptedResolver::new(vec![vec![ip(PUBLIC_IP)]]);
    let connector = RecordingConnector::new(Some(stand_in.addr));
    let (bridge, handle) = start_bridge_at(
        |addr| with_sandbox(public(addr, |p| p.token = token(TOKEN))),
        hooks(resolver, connector),
    )
    .await;
    let mut s = session(bridge).await;
    connected(&mut s, &connect("mx.example.org", 25)).await;
    assert_eq!(s.command("MAIL FROM:<a@example.org>").await, vec!["250 ok"]);
    assert_eq!(s.command("RCPT TO:<b@example.org>").await, vec!["250 ok"]);
    s.send(&lines(&["DATA", "Subject: spam", "", "spam", "."]))
        .await;
    let (code, message) = s.recv_error().await;
    assert_eq!(code, ErrorCode::ProbeMode, "{message}");
    assert!(message.contains("sandbox"), "{message}");
    assert_eq!(
        s.command("NOOP").await,
        vec!["250 ok"],
        "the session goes on"
    );
    assert_never_received(&stand_in, "DATA in probe mode", |l| {
        l == "DATA" || l == "spam"
    });
    drop(s);

    // With the token, DATA is relayed.
    let mut s = open_with_token(bridge, TOKEN).await.expect("a valid token");
    connected(&mut s, &connect("mx.example.org", 25)).await;
    assert_eq!(s.command("MAIL FROM:<a@example.org>").await, vec!["250 ok"]);
    assert_eq!(s.command("RCPT TO:<b@example.org>").await, vec!["250 ok"]);
    assert_eq!(s.command("DATA").await, vec!["354 go ahead"]);
    s.send(&line("hello")).await;
    assert_eq!(s.command(".").await, vec!["250 2.0.0 queued"]);
    drop(s);

    // The sandbox is always an exception.
    let listen = sandbox_listen(bridge).await;
    assert_sandbox_takes_data(bridge, listen).await;
    handle.stop().await;
}

#[tokio::test]
async fn bad_tokens_get_an_address_refused() {
    const TOKEN: &str = "correct-horse-battery-staple";
    let (bridge, handle) = start_local(|p| {
        p.token = token(TOKEN);
        p.require_token = true;
        p.bad_token_ban_ms = Some(400);
    })
    .await;
    let origin = own_origin(bridge);
    let mut s = session(bridge).await;
    s.send(&connect("127.0.0.1", 25)).await;
    refused(&mut s, ErrorCode::TokenRequired, POLICY).await;
    for _ in 0..2 {
        let mut s = session(bridge).await;
        s.send(&ClientMsg::Auth {
            token: "wrong".into(),
        })
        .await;
        refused(&mut s, ErrorCode::TokenInvalid, POLICY).await;
    }
    for _ in 0..3 {
        let bad = open_with_headers(
            bridge,
            &[("Origin", &origin), ("Authorization", "Bearer no")],
        )
        .await;
        assert_eq!(refused_status(&bad), Some(401));
    }
    // Five strikes: even the right token is refused now.
    let bearer = format!("Bearer {TOKEN}");
    let banned =
        open_with_headers(bridge, &[("Origin", &origin), ("Authorization", &bearer)]).await;
    assert_eq!(refused_status(&banned), Some(429));
    sleep(Duration::from_millis(500)).await;
    let mut s = open_with_headers(bridge, &[("Origin", &origin), ("Authorization", &bearer)])
        .await
        .expect("the ban is over");
    s.send(&ClientMsg::Close).await;
    assert_eq!(s.recv_closed().await, "closed by you");
    handle.stop().await;
}

#[tokio::test]
async fn idle_and_absolute_timeouts() {
    // `recv_error` waits at most `WAIT`: a session that never idles out fails there.
    let (_, _, handle, mut s) = relayed(|p| p.idle_timeout_ms = Some(300)).await;
    assert_eq!(s.recv_error().await.0, ErrorCode::IdleTimeout);
    handle.stop().await;

    let (_, _, handle, mut s) = relayed(|p| p.session_timeout_ms = Some(600)).await;
    // A NOOP every 50 ms keeps the session busy: only an absolute limit ends this loop.
    let code = timeout(e2e::WAIT, async {
        loop {
            s.send(&line("NOOP")).await;
            match s.recv().await {
                ServerMsg::Line { .. } => sleep(Duration::from_millis(50)).await,
                ServerMsg::Error { code, .. } => return code,
                other => panic!("unexpected {other:?}"),
            }
        }
    })
    .await
    .expect("a busy session still ends at its absolute limit, within the wait");
    assert_eq!(code, ErrorCode::SessionExpired);
    handle.stop().await;
}

#[tokio::test]
async fn starttls_injection_both_ways() {
    let (fake, _, handle, mut s) = relayed(|_| {}).await;
    let _ = s.command("EHLO me").await;
    // The browser's EHLO rides in the same batch as STARTTLS: it must not go in clear.
    s.send(&lines(&["STARTTLS", "EHLO injected"])).await;
    assert_eq!(s.recv_line().await, "220 2.0.0 ready");
    // The server's "250 injected" after its 220 is discarded, not shown as a reply.
    let (code, _) = s.recv_error().await;
    assert_eq!(code, ErrorCode::PlaintextDiscarded);
    wait_until("bytes after STARTTLS", async || {
        !fake.after_starttls().is_empty()
    })
    .await;
    assert_eq!(
        fake.after_starttls()[0],
        0x16,
        "a TLS ClientHello, not plaintext"
    );
    assert_never_received(&fake, "the EHLO batched after STARTTLS", |l| {
        l == "EHLO injected"
    });
    handle.stop().await;
}

#[tokio::test]
async fn smuggling_inside_data_is_refused() {
    let (fake, _, handle, mut s) = relayed(|_| {}).await;
    let _ = s.command("MAIL FROM:<a@example.org>").await;
    let _ = s.command("RCPT TO:<b@example.org>").await;
    assert_eq!(s.command("DATA").await, vec!["354 go ahead"]);
    for smuggled in [
        "x\n.\nMAIL FROM:<evil>",
        "x\r\n.\r\nMAIL FROM:<evil>",
        "x\r.\rMAIL FROM:<evil>",
    ] {
        s.send(&line(smuggled)).await;
        assert_eq!(
            s.recv_error().await.0,
            ErrorCode::InvalidLine,
            "{smuggled:?}"
        );
        s.send(&lines(&["ok", smuggled])).await;
        assert_eq!(
            s.recv_error().await.0,
            ErrorCode::InvalidLine,
            "{smuggled:?}"
        );
    }
    assert_eq!(s.command(".").await, vec!["250 2.0.0 queued"]);
    sleep(Duration::from_millis(100)).await;
    assert_never_received(&fake, "a line with a smuggled line end", |l| {
        l.contains("evil") || l == "ok"
    });
    handle.stop().await;
}

#[tokio::test]
async fn graceful_shutdown_with_ten_live_sessions() {
    let fake = FakeSmtp::start(Ehlo::Normal).await;
    let (bridge, handle) = start_local(|_| {}).await;
    let mut sessions = Vec::new();
    for _ in 0..10 {
        let mut s = session(bridge).await;
        connected(&mut s, &connect_to(fake.addr)).await;
        sessions.push(s);
    }
    // `stop` waits at most `WAIT`: a shutdown held up by live sessions fails there.
    handle.stop().await;
    for s in &mut sessions {
        assert_eq!(s.recv_closed().await, "the bridge is shutting down");
        let (code, _) = s.close_code().await;
        assert_eq!(code, Some(GOING_AWAY));
    }
    wait_until("QUIT upstream from each of the ten sessions", async || {
        fake.lines().iter().filter(|l| *l == "QUIT").count() >= 10
    })
    .await;
}

#[tokio::test]
async fn auth_plain_never_reaches_the_logs() {
    // The process-wide subscriber, at TRACE, for every thread: the bridge's tasks run on
    // any of them. Other tests' logs land here too; the secrets below are this test's own.
    let capture = e2e::security::global_log_capture();
    let password = "S3cret-Passw0rd";
    let initial = protocol::auth::encode_plain("", "alice", password);
    let answer = protocol::auth::encode_plain("", "bob", password);
    let (fake, _, handle, mut s) = relayed(|_| {}).await;
    let _ = s.command("EHLO me").await;
    let ok = s.command(&format!("AUTH PLAIN {initial}")).await;
    assert!(ok[0].starts_with("235"), "{ok:?}");
    assert_eq!(s.command("AUTH PLAIN").await, vec!["334 "]);
    let ok = s.command(&answer).await;
    assert!(ok[0].starts_with("235"), "{ok:?}");
    let logs = logs_after_closing(s, handle, &capture).await;
    assert!(fake.lines().contains(&answer), "the answer was relayed");
    for secret in [initial.as_str(), answer.as_str(), password, "334 "] {
        assert!(!logs.contains(secret), "{secret:?} is in the logs");
    }
}

#[tokio::test]
async fn public_profile_needs_an_origin() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let config = Config {
        sandbox: no_sandbox(),
        policy: Box::new(PolicyConfig {
            profile: Profile::Public,
            ..PolicyConfig::default()
        }),
        ..Config::default()
    };
    let err = timeout(e2e::WAIT, bridge::serve(listener, config, async {}))
        .await
        .expect("returns at once")
        .expect_err("refused");
    assert!(err.to_string().contains("--allow-origin"), "{err}");
}

#[tokio::test]
async fn a_browser_that_stops_answering_pings_is_dropped() {
    let fake = FakeSmtp::start(Ehlo::Normal).await;
    let (bridge, handle) = start_local(|p| p.ping_interval_ms = Some(100)).await;
    // A reading client answers pings (tungstenite does it while reading): it stays.
    let mut alive = session(bridge).await;
    connected(&mut alive, &connect_to(fake.addr)).await;
    // 14 rounds of 50 ms or more: at least seven ping intervals.
    for _ in 0..14 {
        assert_eq!(alive.command("NOOP").await, vec!["250 ok"]);
        sleep(Duration::from_millis(50)).await;
    }
    alive.send(&ClientMsg::Close).await;
    assert_eq!(alive.recv_closed().await, "closed by you");
    e2e::expect_no_active_sessions(bridge).await;
    // A client that stops reading sends no pongs: after 2 missed, the session ends (its
    // socket is not read again, so the bridge's goodbye is not asserted here).
    // Within the wait only the pings can end it: the idle and session limits here are
    // minutes, and nothing is owed by the server. That it takes two missed pongs, not one,
    // is the relay core's rule, tested with synthetic instants in the bridge's conversation
    // tests.
    let mut silent = session(bridge).await;
    connected(&mut silent, &connect_to(fake.addr)).await;
    e2e::expect_no_active_sessions(bridge).await;
    drop(silent);
    handle.stop().await;
}

#[tokio::test]
async fn forwarded_for_counts_only_behind_a_trusted_proxy() {
    for trusted in [false, true] {
        let (bridge, handle) = start_local(|p| {
            p.max_sessions_per_ip = Some(1);
            if trusted {
                p.trust_proxy = vec!["127.0.0.1".parse().expect("cidr")];
            }
        })
        .await;
        let origin = own_origin(bridge);
        let _first = open_with_headers(
            bridge,
            &[("Origin", &origin), ("X-Forwarded-For", "198.51.100.1")],
        )
        .await
        .expect("upgraded");
        let mut second = open_with_headers(
            bridge,
            &[("Origin", &origin), ("X-Forwarded-For", "198.51.100.2")],
        )
        .await
        .expect("upgraded");
        second.send(&ClientMsg::Close).await;
        match second.recv().await {
            ServerMsg::Closed { .. } => assert!(trusted, "an untrusted header was believed"),
            ServerMsg::Error { code, .. } => {
                assert!(!trusted, "two clients behind a trusted proxy");
                assert_eq!(code, ErrorCode::RateLimited);
            }
            other => panic!("unexpected {other:?}"),
        }
        handle.stop().await;
    }
}

/// Issue 12, finding 1, against the real Postfix: white space Postfix skips (leading,
/// trailing, vertical tab, form feed) no longer hides DATA from probe mode or RCPT from
/// the recipient cap, and a refused MAIL inside the transaction does not reset the count.
#[tokio::test]
async fn probe_mode_and_the_recipient_cap_hold_against_spaced_verbs_at_postfix() {
    let postfix = e2e::postfix_addr();
    let resolver = ScriptedResolver::new(vec![vec![ip(PUBLIC_IP)]]);
    let connector = RecordingConnector::new(Some(postfix));
    let (bridge, handle) = start_public_hooked(hooks(resolver, connector.clone()), |_| {}).await;
    let mut s = session(bridge).await;
    s.send(&connect("mx.example.org", 25)).await;
    assert!(matches!(s.recv().await, ServerMsg::Connected { .. }));
    let greeting = s.recv_line().await;
    assert!(greeting.starts_with("220 postfix.test"), "{greeting}");
    let ehlo = s.command("EHLO probe.example").await;
    assert!(
        ehlo.last().is_some_and(|l| l.starts_with("250 ")),
        "{ehlo:?}"
    );
    let mail = s.command("MAIL FROM:<a@example.org>").await;
    assert_eq!(mail, vec!["250 2.1.0 Ok"]);
    // The public cap is 5; Postfix reads each of these as RCPT.
    for rcpt in [
        " RCPT TO:<alice@postfix.test>",
        "\tRCPT TO:<bob@postfix.test>",
        "\x0bRCPT TO:<postmaster@postfix.test>",
        "RCPT\x0bTO:<alice@postfix.test>",
        "\x0cRCPT TO:<bob@postfix.test>\x0c",
    ] {
        assert_eq!(s.command(rcpt).await, vec!["250 2.1.5 Ok"], "{rcpt:?}");
    }
    s.send(&line(" RCPT TO:<alice@postfix.test>")).await;
    assert_eq!(s.recv_error().await.0, ErrorCode::RecipientLimit);
    let nested = s.command("MAIL FROM:<b@example.org>").await;
    assert_eq!(nested, vec!["503 5.5.1 Error: nested MAIL command"]);
    s.send(&line("RCPT TO:<alice@postfix.test>")).await;
    assert_eq!(s.recv_error().await.0, ErrorCode::RecipientLimit);
    for data in [" DATA", "\tDATA", "\x0bDATA", "DATA\x0b", "DATA\x0c"] {
        s.send(&lines(&[data, "Subject: spam", "", "RSET hidden", "."]))
            .await;
        let (code, message) = s.recv_error().await;
        assert_eq!(code, ErrorCode::ProbeMode, "{data:?}: {message}");
    }
    // Postfix is not inside DATA: NOOP is a command, answered.
    assert_eq!(s.command("NOOP").await, vec!["250 2.0.0 Ok"]);
    assert_eq!(
        connector.attempts(),
        vec![SocketAddr::new(ip(PUBLIC_IP), 25)]
    );
    handle.stop().await;
}

/// Issue 12, finding 2: only the sandbox's exact address is the sandbox. Other loopback
/// addresses at its port, `::1` and mapped loopback are the denied table's; and the
/// sandbox's port is not open to every host.
#[tokio::test]
async fn only_the_exact_sandbox_address_is_the_sandbox() {
    let resolver = ScriptedResolver::new(vec![vec![ip(PUBLIC_IP)]]);
    let connector = RecordingConnector::new(None);
    let (bridge, handle) = start_bridge_at(
        |addr| with_sandbox(public(addr, |_| {})),
        hooks(resolver, connector.clone()),
    )
    .await;
    let listen = sandbox_listen(bridge).await;
    let port = listen.port();
    for host in [
        "127.0.0.2",
        "127.1.2.3",
        "::1",
        "::ffff:127.0.0.2",
        "mx.example.org",
    ] {
        let message = denied(bridge, host, port).await;
        assert!(!message.is_empty(), "{host}");
    }
    assert_eq!(
        connector.attempts(),
        Vec::<SocketAddr>::new(),
        "no connection tried"
    );
    // The exact address still is the sandbox, DATA and all.
    assert_sandbox_takes_data(bridge, listen).await;
    handle.stop().await;
}

/// The status line of `METHOD path` with this `Host` header.
async fn status_with_host(bridge: SocketAddr, method: &str, path: &str, host: &str) -> String {
    let head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    raw_request(bridge, &head)
        .await
        .unwrap_or_else(|| panic!("{method} {path} with Host {host} got no answer"))
}

/// Issue 12, finding 5: DNS rebinding against a local bridge. A page at `evil.example`
/// that re-points its name at 127.0.0.1 reaches the bridge with `Host: evil.example`; no
/// route may answer it, not only `/ws`. `/healthz` says only "ok" and stays open to
/// health checks under any name.
#[tokio::test]
async fn every_route_checks_the_host_header() {
    let (bridge, handle) = start_bridge_at(|_| with_sandbox(local(|_| {})), Hooks::default()).await;
    let port = bridge.port();
    let routes = [
        ("GET", "/"),
        ("GET", "/index.html"),
        ("GET", "/metrics"),
        ("GET", "/api/messages"),
        ("GET", "/api/messages/1"),
        ("GET", "/api/messages/1/raw"),
        ("GET", "/api/events"),
        ("GET", "/api/sandbox"),
        ("DELETE", "/api/messages"),
    ];
    for (method, path) in routes {
        for host in [format!("evil.example:{port}"), "evil.example".to_owned()] {
            let status = status_with_host(bridge, method, path, &host).await;
            assert!(
                status.starts_with("HTTP/1.1 403"),
                "{method} {path} {host}: {status}"
            );
        }
        let own = status_with_host(bridge, method, path, &format!("127.0.0.1:{port}")).await;
        assert!(!own.starts_with("HTTP/1.1 403"), "{method} {path}: {own}");
        let named = status_with_host(bridge, method, path, &format!("localhost:{port}")).await;
        assert!(
            !named.starts_with("HTTP/1.1 403"),
            "{method} {path}: {named}"
        );
    }
    let health = status_with_host(bridge, "GET", "/healthz", "evil.example").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    handle.stop().await;
}

/// The public profile: only the hosts of `--allow-origin` (or `--allow-host`) on any route.
#[tokio::test]
async fn a_public_bridge_answers_only_its_own_host_names() {
    let (bridge, handle) =
        start_bridge_at(|addr| with_sandbox(public(addr, |_| {})), Hooks::default()).await;
    for path in ["/", "/api/messages", "/api/sandbox"] {
        let status = status_with_host(bridge, "GET", path, "other.example").await;
        assert!(status.starts_with("HTTP/1.1 403"), "{path}: {status}");
        let status = status_with_host(bridge, "GET", path, &bridge.to_string()).await;
        assert!(!status.starts_with("HTTP/1.1 403"), "{path}: {status}");
    }
    handle.stop().await;
}

/// Issue 12, finding 6: text a visitor chooses reaches the logs escaped, so it can neither
/// forge a log line nor send terminal escape sequences to whoever reads the log.
#[tokio::test]
async fn untrusted_text_is_escaped_in_the_logs() {
    let capture = e2e::security::global_log_capture();
    let forged = "2026-12-03T05:00:00.000000Z  WARN bridge: forged-by-a-visitor";
    let (bridge, handle) = start_local(|_| {}).await;
    let mut s = session(bridge).await;
    s.send(&connect(
        &format!("mx.example.org\n{forged}\u{1b}[2J\u{202e}"),
        25,
    ))
    .await;
    let (code, _) = s.recv_error().await;
    assert_ne!(code, ErrorCode::Unknown);
    let _ = s.recv_closed().await;
    handle.stop().await;
    let logs = capture.text();
    assert!(
        logs.contains("forged-by-a-visitor"),
        "the host was logged: {logs}"
    );
    for line in logs.lines() {
        assert!(!line.starts_with(forged), "a forged line: {line:?}");
    }
    assert!(
        !logs.contains('\u{1b}'),
        "an escape sequence reached the logs"
    );
    assert!(
        !logs.contains('\u{202e}'),
        "a bidi override reached the logs"
    );
}

/// The status line and headers of `GET path` with extra header lines.
async fn get_head(bridge: SocketAddr, path: &str, extra: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let head = format!("GET {path} HTTP/1.1\r\nHost: {bridge}\r\n{extra}Connection: close\r\n\r\n");
    let mut tcp = tokio::net::TcpStream::connect(bridge)
        .await
        .expect("connect");
    tcp.write_all(head.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    timeout(e2e::WAIT, tcp.read_to_end(&mut answer))
        .await
        .expect("the bridge answers within the wait")
        .expect("readable");
    let text = String::from_utf8_lossy(&answer).into_owned();
    text.split("\r\n\r\n").next().unwrap_or_default().to_owned()
}

/// Issue 12, small items: a public bridge's `/metrics` is for the machine it runs on (no
/// `X-Forwarded-For`: not through the reverse proxy) or for the token's holder.
#[tokio::test]
async fn public_metrics_are_local_or_behind_the_token() {
    const TOKEN: &str = "correct-horse-battery-staple";
    let (bridge, handle) = start_public(|p| p.token = token(TOKEN)).await;
    let proxied = "X-Forwarded-For: 203.0.113.9\r\n";
    let head = get_head(bridge, "/metrics", proxied).await;
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    let head = get_head(
        bridge,
        "/metrics",
        "Authorization: Bearer wrong-token-wrong\r\n",
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    let head = get_head(bridge, "/metrics", "").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let bearer = format!("{proxied}Authorization: Bearer {TOKEN}\r\n");
    let head = get_head(bridge, "/metrics", &bearer).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    handle.stop().await;
}

/// Issue 12, small items: the page may not be framed (clickjacking), and says so in both
/// the CSP and the older header.
#[tokio::test]
async fn pages_forbid_framing() {
    let (bridge, handle) = start_local(|_| {}).await;
    for path in ["/", "/api/sandbox"] {
        let head = get_head(bridge, path, "").await.to_ascii_lowercase();
        assert!(head.contains("frame-ancestors 'none'"), "{path}: {head}");
        assert!(head.contains("x-frame-options: deny"), "{path}: {head}");
        assert!(
            head.contains("x-content-type-options: nosniff"),
            "{path}: {head}"
        );
    }
    handle.stop().await;
}

/// Issue 12, small items: the public profile refuses a sandbox on every interface.
#[tokio::test]
async fn public_profile_refuses_a_sandbox_on_every_interface() {
    for unspecified in ["0.0.0.0:0", "[::]:0"] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut config = public(addr, |_| {});
        config.sandbox = Box::new(SandboxConfig {
            listen: unspecified.parse().expect("addr"),
            ..SandboxConfig::default()
        });
        let served = timeout(e2e::WAIT, bridge::serve(listener, config, async {})).await;
        let err = served
            .expect("refused or stopped within the wait")
            .expect_err("a public sandbox on every interface is refused");
        assert!(err.to_string().contains("--sandbox-listen"), "{err}");
    }
}

/// A connection that sent nothing yet; the bridge has accepted it (or dropped it).
async fn idle_connection(bridge: SocketAddr) -> tokio::net::TcpStream {
    tokio::net::TcpStream::connect(bridge)
        .await
        .expect("connect")
}

/// Issue 12, finding 3: connections are capped at accept, per address and in total, before
/// any byte is parsed; a connection over a cap is closed at once.
#[tokio::test]
async fn connections_are_capped_at_accept() {
    let (bridge, handle) = start_local(|p| {
        p.max_connections_per_ip = Some(3);
        p.header_timeout_ms = Some(60_000);
    })
    .await;
    let held: Vec<_> = [(); 3].iter().map(|()| idle_connection(bridge)).collect();
    let held = futures_util::future::join_all(held).await;
    let healthz = format!("GET /healthz HTTP/1.1\r\nHost: {bridge}\r\nConnection: close\r\n\r\n");
    assert_eq!(
        raw_request(bridge, &healthz).await,
        None,
        "a fourth connection from the same address is closed unanswered"
    );
    drop(held);
    // The bridge notices the closed connections in its own time: ask again, bounded.
    let mut answered = None;
    wait_until(
        "an answer once the held connections are closed",
        async || {
            answered = raw_request(bridge, &healthz).await;
            answered.is_some()
        },
    )
    .await;
    assert_eq!(answered.as_deref(), Some("HTTP/1.1 200 OK"), "served again");
    handle.stop().await;

    // The total, with loopback a trusted proxy (whose peers are not counted per address).
    let (bridge, handle) = start_local(|p| {
        p.max_connections = Some(4);
        p.trust_proxy = vec!["127.0.0.1".parse().expect("cidr")];
        p.header_timeout_ms = Some(60_000);
    })
    .await;
    let held: Vec<_> = [(); 4].iter().map(|()| idle_connection(bridge)).collect();
    let _held = futures_util::future::join_all(held).await;
    let healthz = format!("GET /healthz HTTP/1.1\r\nHost: {bridge}\r\nConnection: close\r\n\r\n");
    assert_eq!(raw_request(bridge, &healthz).await, None, "over the total");
    handle.stop().await;
}

/// Issue 12, finding 3: request headers are read into a small buffer; a client that sends
/// more without ending them gets 431 at once, not after the header timeout.
#[tokio::test]
async fn oversized_request_headers_are_refused_at_once() {
    let (bridge, handle) = start_local(|p| p.header_timeout_ms = Some(60_000)).await;
    let mut head = format!("GET /ws HTTP/1.1\r\nHost: {bridge}\r\n");
    // A few long headers: far below hyper's count limit, far above a few KB.
    for i in 0..3 {
        head.push_str(&format!("X-Filler-{i}: {}\r\n", "y".repeat(40_000)));
    }
    let status = raw_request(bridge, &head).await;
    assert!(
        status
            .as_deref()
            .is_some_and(|s| s.starts_with("HTTP/1.1 431")),
        "{status:?}"
    );
    handle.stop().await;
}

/// Issue 12, finding 9: one client cannot take the sandbox's connections: sessions to the
/// sandbox are capped per client (IPv6 by /64) below the sandbox's total.
#[tokio::test]
async fn sandbox_sessions_are_capped_per_client() {
    let (bridge, handle) = start_bridge_at(
        |addr| with_sandbox(public(addr, |p| p.sandbox_sessions_per_client = Some(2))),
        Hooks::default(),
    )
    .await;
    let listen = sandbox_listen(bridge).await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = session(bridge).await;
        s.send(&connect_to(listen)).await;
        assert!(matches!(s.recv().await, ServerMsg::Connected { .. }));
        assert!(s.recv_line().await.starts_with("220 "));
        held.push(s);
    }
    let mut third = session(bridge).await;
    third.send(&connect_to(listen)).await;
    let (code, message) = third.recv_error().await;
    assert_eq!(code, ErrorCode::RateLimited, "{message}");
    assert!(message.contains("sandbox"), "{message}");
    drop(held);
    handle.stop().await;
}

/// Lowercase hex of `text`, as frame dumps show payloads.
fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Issue 12, finding 7: at `RUST_LOG=trace` neither the bridge nor its dependencies (which
/// log HTTP headers and WebSocket frames) write the token, an AUTH answer, or a message's
/// subject or body.
#[tokio::test]
async fn secrets_stay_out_of_the_logs_at_trace() {
    const TOKEN: &str = "trace-token-0123456789abcdef";
    let capture = e2e::security::global_log_capture();
    let password = "Tr4ce-Passw0rd";
    let answer = protocol::auth::encode_plain("", "carol", password);
    let subject = "Subject: trace-secret-subject";
    let body = "trace-secret-body-line";
    let fake = FakeSmtp::start(Ehlo::Normal).await;
    let (bridge, handle) = start_local(|p| p.token = token(TOKEN)).await;
    let mut s = open_with_token(bridge, TOKEN).await.expect("a valid token");
    connected(&mut s, &connect_to(fake.addr)).await;
    let _ = s.command("EHLO me").await;
    assert_eq!(s.command("AUTH PLAIN").await, vec!["334 "]);
    let ok = s.command(&answer).await;
    assert!(ok[0].starts_with("235"), "{ok:?}");
    let _ = s.command("MAIL FROM:<a@example.org>").await;
    let _ = s.command("RCPT TO:<b@example.org>").await;
    assert_eq!(s.command("DATA").await, vec!["354 go ahead"]);
    s.send(&lines(&[subject, "", body])).await;
    let _ = s.command(".").await;
    let logs = logs_after_closing(s, handle, &capture).await;
    assert!(fake.lines().contains(&answer), "the answer was relayed");
    for secret in [TOKEN, answer.as_str(), password, subject, body] {
        assert!(!logs.contains(secret), "{secret:?} is in the logs");
        assert!(
            !logs.contains(&hex(secret)),
            "{secret:?} is in the logs as hex"
        );
    }
}

/// This machine's interface addresses as the test says.
#[derive(Debug)]
struct ScriptedInterfaces(Vec<IpAddr>);

impl bridge::policy::resolve::Interfaces for ScriptedInterfaces {
    fn addresses(&self) -> Vec<IpAddr> {
        self.0.clone()
    }
}

/// Issue 12, finding 11: on a machine with a public address, that address (by name or
/// literally) is refused in the public profile before any connection.
#[tokio::test]
async fn the_machines_own_public_address_is_refused() {
    let resolver = ScriptedResolver::new(vec![vec![ip(PUBLIC_IP)]]);
    let connector = RecordingConnector::new(None);
    let mut hooks = hooks(resolver, connector.clone());
    hooks.interfaces = std::sync::Arc::new(ScriptedInterfaces(vec![ip(PUBLIC_IP)]));
    let (bridge, handle) = start_public_hooked(hooks, |_| {}).await;
    for host in ["mx.example.org", PUBLIC_IP] {
        let message = denied(bridge, host, 25).await;
        assert!(message.contains("this machine"), "{host}: {message}");
    }
    assert_eq!(connector.attempts(), Vec::<SocketAddr>::new());
    handle.stop().await;
}

/// Issue 12, finding 3, the memory figure: a flood of half-sent requests from 40 loopback
/// addresses (30 connections each, under the per-address cap, so the total cap binds)
/// raises the process's resident memory by less than 64 MB, and sessions already open
/// keep working.
#[tokio::test]
async fn a_header_flood_stays_under_64_mb() {
    use tokio::io::AsyncWriteExt;
    let fake = FakeSmtp::start(Ehlo::Normal).await;
    let (bridge, handle) = start_public(|p| {
        p.header_timeout_ms = Some(60_000);
        p.allow_targets = vec![fake.addr.to_string().parse().expect("a target")];
    })
    .await;
    let mut open = session(bridge).await;
    connected(&mut open, &connect_to(fake.addr)).await;
    let before = e2e::security::rss_kib();
    let head = format!(
        "GET / HTTP/1.1\r\nHost: {bridge}\r\nX-Pad: {}",
        "y".repeat(8_000)
    );
    let mut held = Vec::new();
    let mut accepted = 0;
    for address in 0..40u8 {
        for _ in 0..30 {
            let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
            socket
                .bind(SocketAddr::new(ip(&format!("127.0.9.{}", address + 1)), 0))
                .expect("bind a loopback source address");
            let Ok(Ok(mut stream)) = timeout(e2e::WAIT, socket.connect(bridge)).await else {
                continue;
            };
            if stream.write_all(head.as_bytes()).await.is_ok() {
                accepted += 1;
            }
            held.push(stream);
        }
    }
    // Let the bridge read what was sent (memory is the point here, not time).
    sleep(Duration::from_millis(500)).await;
    let after = e2e::security::rss_kib();
    println!(
        "header flood: {} connections written, RSS {before} KiB -> {after} KiB (+{} KiB)",
        accepted,
        after.saturating_sub(before)
    );
    assert!(
        after.saturating_sub(before) < 64 * 1024,
        "{before} KiB -> {after} KiB"
    );
    assert_eq!(
        open.command("NOOP").await,
        vec!["250 ok"],
        "a session still works"
    );
    drop(held);
    handle.stop().await;
}

/// Issue 12, small items: the page's CSP lets only the bridge's own files and the page's
/// own inline loader (by its hash) run scripts.
#[tokio::test]
async fn the_page_runs_only_its_own_scripts() {
    let dir = std::env::temp_dir().join(format!("e2e-csp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch dir");
    let loader = "import init from '/app.js';\nawait init();";
    std::fs::write(
        dir.join("index.html"),
        format!("<!doctype html><script type=module>{loader}</script><p>app</p>"),
    )
    .expect("write index.html");
    let (bridge, handle) = start_bridge_at(
        |_| Config {
            frontend_dir: Some(dir.clone()),
            ..local(|_| {})
        },
        Hooks::default(),
    )
    .await;
    let head = get_head(bridge, "/", "").await;
    let csp = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-security-policy")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no CSP in {head}"));
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let _ = std::fs::remove_dir_all(&dir);
    handle.stop().await;
}
