//! The bridge relaying a real SMTP conversation with Postfix, plus the refusals that must
//! happen before any SMTP traffic (foreign origin, closed port).

use e2e::{Session, closed_port, connect_to, line, open_session, postfix_addr, start_bridge};
use protocol::reply::ReplyLine;
use protocol::wire::{ClientMsg, ErrorCode, ServerMsg, TlsMode, WIRE_VERSION};
use tokio_tungstenite::tungstenite;

/// The origin of a page served by the bridge itself.
fn own_origin(bridge: std::net::SocketAddr) -> String {
    format!("http://{bridge}")
}

/// Opens a session to Postfix and reads `connected` and the 220 banner.
async fn session_with_postfix() -> (Session, e2e::BridgeHandle) {
    let postfix = postfix_addr();
    let (bridge, handle) = start_bridge().await;
    let mut session = open_session(bridge, &own_origin(bridge))
        .await
        .expect("the bridge accepts its own origin");
    session.send(&connect_to(postfix)).await;
    match session.recv().await {
        ServerMsg::Connected {
            version,
            port,
            peer,
            tls,
            ..
        } => {
            assert_eq!(version, WIRE_VERSION);
            assert_eq!(port, postfix.port());
            assert_eq!(peer, postfix.to_string());
            assert_eq!(tls, TlsMode::None);
        }
        other => panic!("expected connected, got {other:?}"),
    }
    let banner = session.recv_line().await;
    let banner_reply = ReplyLine::parse(&banner).expect("the banner is a reply line");
    assert_eq!(banner_reply.code.get(), 220, "banner: {banner}");
    assert!(
        banner_reply.is_last,
        "Postfix's banner is one line: {banner}"
    );
    (session, handle)
}

#[tokio::test]
async fn ehlo_reply_lines_arrive_one_message_each() {
    let (mut session, handle) = session_with_postfix().await;
    session.send(&line("EHLO test")).await;

    let mut lines = Vec::new();
    loop {
        let text = session.recv_line().await;
        let reply = ReplyLine::parse(&text)
            .unwrap_or_else(|err| panic!("{text:?} is not a reply line: {err}"));
        assert_eq!(
            reply.code.get(),
            250,
            "every EHLO reply line is 250: {text}"
        );
        let is_last = reply.is_last;
        lines.push(text);
        if is_last {
            break;
        }
        assert!(lines.len() < 100, "a multi-line reply must end: {lines:?}");
    }
    assert!(
        lines.len() >= 3,
        "EHLO has a greeting line, extensions and a last line: {lines:?}"
    );
    assert!(lines[0].starts_with("250-"), "{lines:?}");
    assert!(lines[1].starts_with("250-"), "{lines:?}");
    let last = lines.last().expect("at least one line");
    assert!(last.starts_with("250 "), "{lines:?}");
    assert!(
        lines.iter().all(|l| !l.contains('\r') && !l.contains('\n')),
        "lines come without their CRLF: {lines:?}"
    );

    session.send(&line("QUIT")).await;
    let bye = session.recv_line().await;
    assert!(bye.starts_with("221"), "QUIT is answered with 221: {bye}");
    let reason = session.recv_closed().await;
    assert!(reason.contains("server closed"), "{reason}");
    session.expect_end().await;
    handle.stop().await;
}

#[tokio::test]
async fn a_line_with_crlf_is_refused_and_the_session_goes_on() {
    let (mut session, handle) = session_with_postfix().await;
    // An attempt to smuggle a second command into one line.
    session.send(&line("NOOP\r\nRSET")).await;
    let (code, message) = session.recv_error().await;
    assert_eq!(code, ErrorCode::InvalidLine);
    assert!(
        message.contains("CR"),
        "the message names the character: {message}"
    );

    session.send(&line("NOOP")).await;
    let noop = session.recv_line().await;
    assert!(
        noop.starts_with("250"),
        "NOOP after the refusal still works: {noop}"
    );

    session.send(&ClientMsg::Close).await;
    assert_eq!(session.recv_closed().await, "closed by you");
    session.expect_end().await;
    handle.stop().await;
}

#[tokio::test]
async fn a_foreign_origin_is_refused_before_the_upgrade() {
    let (bridge, handle) = start_bridge().await;
    for origin in ["http://evil.example", "null", "http://127.0.0.1:1"] {
        match open_session(bridge, origin).await {
            Err(tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 403, "{origin}");
                let body = String::from_utf8_lossy(response.body().as_deref().unwrap_or_default())
                    .into_owned();
                assert!(body.contains("refused"), "{origin}: {body}");
            }
            Ok(_) => panic!("{origin} must not get a session"),
            Err(other) => panic!("{origin}: expected HTTP 403, got {other}"),
        }
    }
    // The bridge's own origin still works afterwards.
    open_session(bridge, &own_origin(bridge))
        .await
        .expect("the own origin is accepted");
    handle.stop().await;
}

#[tokio::test]
async fn a_closed_port_is_connect_failed_then_closed() {
    let (bridge, handle) = start_bridge().await;
    let port = closed_port().await;
    let mut session = open_session(bridge, &own_origin(bridge))
        .await
        .expect("the own origin is accepted");
    session
        .send(&connect_to(([127, 0, 0, 1], port).into()))
        .await;
    let (code, message) = session.recv_error().await;
    assert_eq!(code, ErrorCode::ConnectFailed, "{message}");
    assert!(
        message.contains(&port.to_string()),
        "the message names the target: {message}"
    );
    assert_eq!(session.recv_closed().await, "no connection was made");
    session.expect_end().await;
    handle.stop().await;
}
