//! The bridge with TLS and real-world failure modes: STARTTLS, AUTH and a delivered message
//! through the real Postfix; implicit TLS and certificate checks; and tiny fake servers on
//! 127.0.0.1:0 for the failures Postfix will not produce on demand (hang-up mid-DATA,
//! silence, no PIPELINING). Every session must end with the active-session gauge back at 0.

use std::net::SocketAddr;
use std::time::Duration;

use bridge::Config;
use bridge::sandbox::SandboxConfig;
use e2e::sandbox::{start_sandbox, wait_for_messages};
use e2e::{
    Session, assert_metric, assert_metric_once_idle, connect_tls, connect_to,
    expect_no_active_sessions, line, lines, open_session, postfix_account, postfix_maildirs,
    postfix_smtps_addr, postfix_submission_addr, start_bridge, start_bridge_with, wait_until,
};
use protocol::wire::{ErrorCode, ServerMsg, TlsInfo, TlsMode};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

const WAIT: Duration = e2e::WAIT;

fn insecure_config() -> Config {
    Config {
        unsafe_allow_insecure_tls: true,
        ..Config::default()
    }
}

async fn session(bridge: SocketAddr) -> Session {
    open_session(bridge, &format!("http://{bridge}"))
        .await
        .expect("the bridge accepts its own origin")
}

async fn expect_connected(session: &mut Session, tls: TlsMode) {
    match session.recv().await {
        ServerMsg::Connected { tls: got, .. } => assert_eq!(got, tls),
        other => panic!("expected connected, got {other:?}"),
    }
}

/// A new session with a plain connection to `server`, up to `connected` (the greeting is
/// the caller's: some fake servers say nothing).
async fn connected_to(bridge: SocketAddr, server: SocketAddr) -> Session {
    let mut s = session(bridge).await;
    s.send(&connect_to(server)).await;
    expect_connected(&mut s, TlsMode::None).await;
    s
}

async fn expect_tls(session: &mut Session) -> TlsInfo {
    match session.recv().await {
        ServerMsg::Tls(info) => info,
        other => panic!("expected the tls message, got {other:?}"),
    }
}

/// The facts of the test Postfix's self-signed certificate, accepted as insecure.
fn assert_self_signed_facts(info: &TlsInfo) {
    assert!(info.version.starts_with("TLSv1."), "{info:?}");
    assert!(
        !info.cipher.is_empty() && info.cipher != "unknown",
        "{info:?}"
    );
    assert!(!info.verified, "a self-signed certificate does not verify");
    assert!(info.insecure, "the browser is told insecure is on");
    let reason = info.verify_error.as_deref().unwrap_or_default();
    assert!(
        reason.contains("not issued by a certificate authority"),
        "{reason}"
    );
    let leaf = info.certificates.first().expect("the server's certificate");
    assert!(leaf.subject.contains("CN=postfix.test"), "{leaf:?}");
    assert_eq!(leaf.subject, leaf.issuer, "self-signed: {leaf:?}");
    assert!(leaf.sans.iter().any(|san| san == "127.0.0.1"), "{leaf:?}");
    assert!(
        leaf.sans.iter().any(|san| san == "postfix.test"),
        "{leaf:?}"
    );
    assert!(
        leaf.not_before < leaf.not_after,
        "RFC 3339 dates sort: {leaf:?}"
    );
    assert!(leaf.not_after.ends_with('Z'), "{leaf:?}");
}

fn code_of(reply: &[String]) -> &str {
    reply.last().map_or("", |l| l.get(..3).unwrap_or(""))
}

#[tokio::test]
async fn starttls_auth_login_and_a_message_arrive_byte_identical() {
    let submission = postfix_submission_addr();
    let (user, password) = postfix_account();
    let maildirs = postfix_maildirs();
    let (bridge, handle) = start_bridge_with(insecure_config()).await;
    let mut s = session(bridge).await;
    s.send(&connect_tls(submission, TlsMode::Starttls, true))
        .await;
    expect_connected(&mut s, TlsMode::Starttls).await;
    let banner = s.recv_reply().await;
    assert!(
        matches!(&banner[0], ServerMsg::Line { text, latency_ms: Some(_), encrypted: false, .. } if text.starts_with("220")),
        "{banner:?}"
    );

    let ehlo = s.command("EHLO bridge.test").await;
    assert!(ehlo.iter().any(|l| l.ends_with("STARTTLS")), "{ehlo:?}");
    assert!(
        !ehlo.iter().any(|l| l.contains("AUTH")),
        "no AUTH before TLS: {ehlo:?}"
    );

    assert_eq!(code_of(&s.command("STARTTLS").await), "220");
    let info = expect_tls(&mut s).await;
    assert_eq!(info.mode, TlsMode::Starttls);
    assert_self_signed_facts(&info);

    s.send(&line("EHLO bridge.test")).await;
    let ehlo = s.recv_reply().await;
    for message in &ehlo {
        let ServerMsg::Line {
            encrypted,
            latency_ms,
            ..
        } = message
        else {
            panic!("{message:?}");
        };
        assert!(
            *encrypted,
            "lines after STARTTLS are marked encrypted: {message:?}"
        );
        assert!(latency_ms.is_some(), "{message:?}");
    }
    let texts: Vec<String> = ehlo
        .iter()
        .filter_map(|m| match m {
            ServerMsg::Line { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(
        texts
            .iter()
            .any(|l| l.contains("AUTH") && l.contains("LOGIN")),
        "{texts:?}"
    );

    assert_eq!(code_of(&s.command("AUTH LOGIN").await), "334");
    assert_eq!(
        code_of(&s.command(&protocol::auth::encode(&user)).await),
        "334"
    );
    let auth = s.command(&protocol::auth::encode(&password)).await;
    assert_eq!(code_of(&auth), "235", "{auth:?}");

    let token = format!("tls-e2e-{}-{}", std::process::id(), bridge.port());
    assert_eq!(
        code_of(&s.command(&format!("MAIL FROM:<{user}>")).await),
        "250"
    );
    assert_eq!(
        code_of(&s.command("RCPT TO:<bob@postfix.test>").await),
        "250"
    );
    assert_eq!(code_of(&s.command("DATA").await), "354");
    // Typed lines as the user would send them (a leading dot is doubled on the wire).
    let body_lines: Vec<String> = (0..200)
        .map(|i| format!("line {i:03} of the body: {}", "x".repeat(i % 60)))
        .chain([
            ".leading dot".to_owned(),
            String::new(),
            "last line".to_owned(),
        ])
        .collect();
    let mut wire: Vec<String> = vec![
        format!("Subject: {token}"),
        format!("From: <{user}>"),
        "To: <bob@postfix.test>".to_owned(),
        String::new(),
    ];
    wire.extend(body_lines.iter().map(|l| {
        if l.starts_with('.') {
            format!(".{l}")
        } else {
            l.clone()
        }
    }));
    wire.push(".".to_owned());
    let refs: Vec<&str> = wire.iter().map(String::as_str).collect();
    s.send(&lines(&refs)).await;
    let queued = s.recv_reply().await;
    assert!(
        matches!(&queued[0], ServerMsg::Line { text, .. } if text.starts_with("250")),
        "{queued:?}"
    );
    assert_eq!(code_of(&s.command("QUIT").await), "221");
    assert_eq!(s.recv_closed().await, "the server closed the connection");

    // Postfix's virtual(8) writes the message with LF line ends into bob's Maildir.
    let expected = format!("{}\n", body_lines.join("\n"));
    let delivered = wait_for_message(&maildirs.join("bob/new"), &token).await;
    let body = delivered
        .split_once("\n\n")
        .map(|(_, body)| body)
        .expect("headers, a blank line, the body");
    assert_eq!(
        (body.len(), hash(body.as_bytes())),
        (expected.len(), hash(expected.as_bytes())),
        "the body arrived changed:\n{body}"
    );
    s.expect_end().await;
    assert_metric_once_idle(
        bridge,
        "smtp_playground_tls_established_total{mode=\"starttls\"} 1",
    )
    .await;
    handle.stop().await;
}

fn hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// The text of the message in `dir` whose text contains `token`, waiting for delivery.
async fn wait_for_message(dir: &std::path::Path, token: &str) -> String {
    let mut found = None;
    let what = format!("a message with {token} in {}", dir.display());
    wait_until(&what, async || {
        found = message_with(dir, token);
        found.is_some()
    })
    .await;
    found.expect("the wait ends only once the message is there")
}

/// The text of the message in `dir` that contains `token`, if one is there.
fn message_with(dir: &std::path::Path, token: &str) -> Option<String> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .find(|text| text.contains(token))
}

#[tokio::test]
async fn implicit_tls_verifies_by_default_and_insecure_needs_the_operator() {
    let smtps = postfix_smtps_addr();

    // Verified by default: the self-signed certificate is refused, with its facts.
    let (bridge, handle) = start_bridge().await;
    let mut s = session(bridge).await;
    s.send(&connect_tls(smtps, TlsMode::Implicit, false)).await;
    let (code, message) = s.recv_error().await;
    assert_eq!(code, ErrorCode::CertificateRejected, "{message}");
    assert!(
        message.contains("not issued by a certificate authority"),
        "{message}"
    );
    assert!(message.contains("CN=postfix.test"), "{message}");
    assert_eq!(s.recv_closed().await, "no connection was made");

    // `insecure` without the operator's flag.
    let mut s = session(bridge).await;
    s.send(&connect_tls(smtps, TlsMode::Implicit, true)).await;
    let (code, message) = s.recv_error().await;
    assert_eq!(code, ErrorCode::InsecureNotAllowed);
    assert!(message.contains("--unsafe-allow-insecure-tls"), "{message}");
    expect_no_active_sessions(bridge).await;
    handle.stop().await;

    // With the flag: accepted, and the browser learns everything about it.
    let (bridge, handle) = start_bridge_with(insecure_config()).await;
    let mut s = session(bridge).await;
    s.send(&connect_tls(smtps, TlsMode::Implicit, true)).await;
    expect_connected(&mut s, TlsMode::Implicit).await;
    let info = expect_tls(&mut s).await;
    assert_eq!(info.mode, TlsMode::Implicit);
    assert_eq!(info.server_name, "127.0.0.1");
    assert_self_signed_facts(&info);
    match s.recv().await {
        ServerMsg::Line {
            text,
            encrypted,
            latency_ms,
            ..
        } => {
            assert!(text.starts_with("220 "), "{text}");
            assert!(encrypted);
            assert!(latency_ms.is_some());
        }
        other => panic!("expected the banner, got {other:?}"),
    }
    let ehlo = s.command("EHLO bridge.test").await;
    assert!(
        ehlo.iter().any(|l| l.contains("AUTH")),
        "AUTH over implicit TLS: {ehlo:?}"
    );
    assert_eq!(code_of(&s.command("QUIT").await), "221");
    assert_eq!(s.recv_closed().await, "the server closed the connection");
    s.expect_end().await;
    assert_metric_once_idle(bridge, "smtp_playground_sessions_total 1").await;
    handle.stop().await;
}

/// A fake SMTP server for one connection, driven by `script`.
async fn fake_server<F, Fut>(script: F) -> (SocketAddr, tokio::task::JoinHandle<()>)
where
    F: FnOnce(BufReader<TcpStream>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        if let Ok(Ok((tcp, _))) = timeout(WAIT, listener.accept()).await {
            script(BufReader::new(tcp)).await;
        }
    });
    (addr, task)
}

async fn read_line(server: &mut BufReader<TcpStream>) -> String {
    let mut text = String::new();
    timeout(WAIT, server.read_line(&mut text))
        .await
        .expect("a line from the bridge within the wait")
        .expect("readable");
    text
}

/// Waits for the fake server's script to end.
///
/// # Panics
///
/// If it runs longer than [`WAIT`] or panicked (one of its own assertions failed).
async fn fake_ended(server: tokio::task::JoinHandle<()>) {
    timeout(WAIT, server)
        .await
        .expect("the fake server's script ends within the wait")
        .expect("the fake server's script did not panic");
}

async fn write(server: &mut BufReader<TcpStream>, text: &str) {
    server
        .get_mut()
        .write_all(text.as_bytes())
        .await
        .expect("write");
}

#[tokio::test]
async fn a_server_that_hangs_up_mid_data_is_explained() {
    let (addr, server) = fake_server(|mut server| async move {
        write(&mut server, "220 fake ESMTP\r\n").await;
        assert_eq!(read_line(&mut server).await, "DATA\r\n");
        write(&mut server, "354 go ahead\r\n").await;
        assert_eq!(read_line(&mut server).await, "Subject: cut\r\n");
        // Hang up with the message half sent.
    })
    .await;
    let (bridge, handle) = start_bridge().await;
    let mut s = connected_to(bridge, addr).await;
    assert!(s.recv_line().await.starts_with("220"));
    assert_eq!(code_of(&s.command("DATA").await), "354");
    s.send(&line("Subject: cut")).await;
    let reason = s.recv_closed().await;
    assert!(reason.contains("middle of DATA"), "{reason}");
    assert!(reason.contains("not delivered"), "{reason}");
    s.expect_end().await;
    fake_ended(server).await;
    expect_no_active_sessions(bridge).await;
    handle.stop().await;
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let (addr, server) = fake_server(|mut server| async move {
        // Say nothing; the bridge gives up and says QUIT.
        assert_eq!(read_line(&mut server).await, "QUIT\r\n");
    })
    .await;
    let config = Config {
        reply_timeout_ms: Some(300),
        ..Config::default()
    };
    let (bridge, handle) = start_bridge_with(config).await;
    let mut s = connected_to(bridge, addr).await;
    s.send(&line("EHLO held.until.the.banner")).await;
    let (code, message) = s.recv_error().await;
    assert_eq!(code, ErrorCode::ReplyTimeout);
    assert!(message.contains("300 ms"), "{message}");
    assert_eq!(s.recv_closed().await, "the server did not answer in time");
    s.expect_end().await;
    fake_ended(server).await;
    assert_metric_once_idle(
        bridge,
        "smtp_playground_errors_total{code=\"reply_timeout\"} 1",
    )
    .await;
    handle.stop().await;
}

#[tokio::test]
async fn a_browser_that_leaves_mid_session_ends_it_upstream() {
    let (addr, server) = fake_server(|mut server| async move {
        write(&mut server, "220 fake ESMTP\r\n").await;
        assert_eq!(read_line(&mut server).await, "EHLO me\r\n");
        write(&mut server, "250 fake\r\n").await;
        // The browser vanishes: the bridge says QUIT and closes.
        assert_eq!(read_line(&mut server).await, "QUIT\r\n");
        let mut rest = Vec::new();
        timeout(WAIT, server.read_to_end(&mut rest))
            .await
            .expect("the bridge closes the connection")
            .expect("readable");
    })
    .await;
    let (bridge, handle) = start_bridge().await;
    let mut s = connected_to(bridge, addr).await;
    let _ = s.recv_line().await;
    assert_eq!(code_of(&s.command("EHLO me").await), "250");
    assert_metric(bridge, "smtp_playground_sessions_active 1").await;
    s.drop_connection().await;
    fake_ended(server).await;
    expect_no_active_sessions(bridge).await;
    handle.stop().await;
}

/// Runs MAIL, RCPT, RCPT as one batch against a fake server that advertises `ehlo`, and
/// returns what the server had received right after the batch (before any reply).
async fn first_read_of_a_batch(ehlo: &'static str) -> String {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (addr, server) = fake_server(move |mut server| async move {
        write(&mut server, "220 fake ESMTP\r\n").await;
        assert_eq!(read_line(&mut server).await, "EHLO me\r\n");
        write(&mut server, ehlo).await;
        let mut got = read_line(&mut server).await;
        // Whatever else the bridge sent within 200 ms was pipelined.
        let mut more = String::new();
        while let Ok(Ok(n)) = timeout(Duration::from_millis(200), server.read_line(&mut more)).await
        {
            if n == 0 {
                break;
            }
            got.push_str(&more);
            more.clear();
        }
        let _ = tx.send(got.clone());
        let expected = 3 - got.lines().count();
        for _ in 0..got.lines().count() {
            write(&mut server, "250 ok\r\n").await;
        }
        for _ in 0..expected {
            let _ = read_line(&mut server).await;
            write(&mut server, "250 ok\r\n").await;
        }
        let _ = read_line(&mut server).await;
        write(&mut server, "221 bye\r\n").await;
    })
    .await;
    let (bridge, handle) = start_bridge().await;
    let mut s = connected_to(bridge, addr).await;
    let _ = s.recv_line().await;
    let _ = s.command("EHLO me").await;
    s.send(&lines(&[
        "MAIL FROM:<a@fake.test>",
        "RCPT TO:<b@fake.test>",
        "RCPT TO:<c@fake.test>",
    ]))
    .await;
    for _ in 0..3 {
        assert_eq!(code_of(&s.recv_reply_text().await), "250");
    }
    assert_eq!(code_of(&s.command("QUIT").await), "221");
    fake_ended(server).await;
    let first = timeout(WAIT, rx).await.expect("reported").expect("sent");
    expect_no_active_sessions(bridge).await;
    handle.stop().await;
    first
}

#[tokio::test]
async fn pipelining_only_when_advertised() {
    let without = first_read_of_a_batch("250-fake\r\n250 8BITMIME\r\n").await;
    assert_eq!(
        without, "MAIL FROM:<a@fake.test>\r\n",
        "one command at a time"
    );
    let with = first_read_of_a_batch("250-fake\r\n250 PIPELINING\r\n").await;
    assert_eq!(
        with, "MAIL FROM:<a@fake.test>\r\nRCPT TO:<b@fake.test>\r\nRCPT TO:<c@fake.test>\r\n",
        "MAIL and RCPT pipelined (RFC 2920)"
    );
}

/// The leaf of the sandbox's generated certificate, as the `tls` message shows it.
fn assert_sandbox_certificate_facts(info: &TlsInfo) {
    assert_eq!(info.mode, TlsMode::Starttls);
    assert!(info.version.starts_with("TLSv1."), "{info:?}");
    assert!(info.verified, "the bridge trusts its own sandbox: {info:?}");
    assert!(!info.insecure, "{info:?}");
    assert_eq!(info.verify_error, None, "{info:?}");
    let leaf = info
        .certificates
        .first()
        .expect("the sandbox's certificate");
    assert!(leaf.sans.iter().any(|san| san == "127.0.0.1"), "{leaf:?}");
    assert_eq!(leaf.subject, leaf.issuer, "self-signed: {leaf:?}");
}

#[tokio::test]
async fn starttls_to_the_bridges_own_sandbox_is_verified_and_mail_is_stored() {
    let sandbox = start_sandbox(SandboxConfig::default()).await;
    let mut s = session(sandbox.http).await;
    s.send(&connect_tls(sandbox.smtp, TlsMode::Starttls, false))
        .await;
    expect_connected(&mut s, TlsMode::Starttls).await;
    let banner = s.recv_reply_text().await;
    assert!(banner[0].starts_with("220"), "{banner:?}");
    let ehlo = s.command("EHLO page.test").await;
    assert!(ehlo.iter().any(|l| l.ends_with("STARTTLS")), "{ehlo:?}");
    assert_eq!(code_of(&s.command("STARTTLS").await), "220");
    let info = expect_tls(&mut s).await;
    assert_sandbox_certificate_facts(&info);
    assert!(
        info.sandbox_certificate,
        "marked as the sandbox's own: {info:?}"
    );

    s.send(&line("EHLO page.test")).await;
    let ehlo = s.recv_reply().await;
    assert!(
        ehlo.iter().all(|m| matches!(
            m,
            ServerMsg::Line {
                encrypted: true,
                ..
            }
        )),
        "{ehlo:?}"
    );
    let token = format!("sandbox-tls-{}", sandbox.smtp.port());
    assert_eq!(
        code_of(&s.command("MAIL FROM:<alice@example.org>").await),
        "250"
    );
    assert_eq!(
        code_of(&s.command("RCPT TO:<bob@example.net>").await),
        "250"
    );
    assert_eq!(code_of(&s.command("DATA").await), "354");
    s.send(&lines(&[&format!("Subject: {token}"), "", "over TLS", "."]))
        .await;
    assert_eq!(code_of(&s.recv_reply_text().await), "250");
    assert_eq!(code_of(&s.command("QUIT").await), "221");
    let stored = wait_for_messages(sandbox.http, 1).await;
    assert_eq!(
        stored[0].subject.as_deref(),
        Some(token.as_str()),
        "{stored:?}"
    );
    sandbox.handle.stop().await;
}

#[tokio::test]
async fn another_bridges_sandbox_certificate_is_still_refused() {
    // Two bridges, each with its own generated certificate: each trusts only its own.
    let ours = start_sandbox(SandboxConfig::default()).await;
    let theirs = start_sandbox(SandboxConfig::default()).await;
    let mut s = session(ours.http).await;
    s.send(&connect_tls(theirs.smtp, TlsMode::Starttls, false))
        .await;
    expect_connected(&mut s, TlsMode::Starttls).await;
    let _banner = s.recv_reply_text().await;
    let _ehlo = s.command("EHLO page.test").await;
    s.send(&line("STARTTLS")).await;
    let reply = s.recv_reply_text().await;
    assert_eq!(code_of(&reply), "220");
    let (code, message) = s.recv_error().await;
    assert_eq!(code, ErrorCode::CertificateRejected, "{message}");
    assert!(
        message.contains("not issued by a certificate authority"),
        "{message}"
    );
    s.recv_closed().await;
    ours.handle.stop().await;
    theirs.handle.stop().await;
}
