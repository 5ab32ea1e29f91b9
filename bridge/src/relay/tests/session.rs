//! Sessions through [`run`], from the handshake to the close frame.

use protocol::wire::WIRE_VERSION;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use super::*;
use crate::relay::{CLOSE_GOING_AWAY, SHUTTING_DOWN, run};

/// Whole sessions, handshake included, against a loopback listener.
fn session() -> (Browser, JoinHandle<()>) {
    let (browser, sink, stream) = channel_websocket();
    let task = tokio::spawn(run(
        sink,
        stream,
        test_context(Shutdown::never()),
        visitor(),
    ));
    (browser, task)
}

#[tokio::test]
async fn handshake_wants_connect_first() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (mut browser, _task) = session();
    browser.send(r#"{"type":"line","text":"EHLO me"}"#).await;
    assert_eq!(browser.recv_error().await.0, ErrorCode::NotConnected);
    browser.send(r#"{"type":"hello"}"#).await;
    assert_eq!(browser.recv_error().await.0, ErrorCode::BadMessage);

    browser
        .send(&format!(
            r#"{{"type":"connect","host":"127.0.0.1","port":{port}}}"#
        ))
        .await;
    let (mut server, _) = timeout(WAIT, listener.accept())
        .await
        .expect("accepted")
        .expect("accept");
    match browser.recv().await {
        ServerMsg::Connected {
            version,
            port: p,
            peer,
            tls,
            ..
        } => {
            assert_eq!((version, p, tls), (WIRE_VERSION, port, TlsMode::None));
            assert_eq!(peer, format!("127.0.0.1:{port}"));
        }
        other => panic!("expected connected, got {other:?}"),
    }
    server.write_all(b"220 hello\r\n").await.expect("write");
    match browser.recv().await {
        ServerMsg::Line { text, at_ms, .. } => {
            assert_eq!(text, "220 hello");
            assert!(at_ms < 5_000, "at_ms counts from the connection: {at_ms}");
        }
        other => panic!("expected a line, got {other:?}"),
    }
}

#[tokio::test]
async fn connect_failures_are_reported_then_closed() {
    let closed_port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let cases = [
        (
            format!(r#"{{"type":"connect","host":"127.0.0.1","port":{closed_port}}}"#),
            ErrorCode::ConnectFailed,
        ),
        (
            r#"{"type":"connect","host":"","port":25}"#.to_owned(),
            ErrorCode::InvalidTarget,
        ),
        (
            r#"{"type":"connect","host":"127.0.0.1","port":0}"#.to_owned(),
            ErrorCode::InvalidTarget,
        ),
        (
            r#"{"type":"connect","host":"127.0.0.1","port":465,"tls":"implicit","insecure":true}"#
                .to_owned(),
            ErrorCode::InsecureNotAllowed,
        ),
    ];
    for (connect, expected) in cases {
        let (mut browser, task) = session();
        browser.send(&connect).await;
        let (code, message) = browser.recv_error().await;
        assert_eq!(code, expected, "{connect}: {message}");
        assert!(!message.is_empty());
        assert_eq!(browser.recv_closed().await, "no connection was made");
        browser.expect_end().await;
        timeout(WAIT, task)
            .await
            .expect("session ends")
            .expect("no panic");
    }
}

#[tokio::test]
async fn close_before_connect_ends_the_session() {
    let (mut browser, task) = session();
    browser.send(r#"{"type":"close"}"#).await;
    assert_eq!(browser.recv_closed().await, "closed by you");
    browser.expect_end().await;
    timeout(WAIT, task)
        .await
        .expect("session ends")
        .expect("no panic");
}

#[tokio::test]
async fn shutdown_sends_quit_and_closes_with_1001() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (trigger, signal) = crate::shutdown::channel();
    let (mut browser, sink, stream) = channel_websocket();
    let context = test_context(signal);
    let metrics = Arc::clone(&context.metrics);
    let task = tokio::spawn(run(sink, stream, context, visitor()));
    browser
        .send(&format!(
            r#"{{"type":"connect","host":"127.0.0.1","port":{port}}}"#
        ))
        .await;
    let (server, _) = timeout(WAIT, listener.accept())
        .await
        .expect("accepted")
        .expect("accept");
    assert!(matches!(browser.recv().await, ServerMsg::Connected { .. }));
    let mut server = BufReader::new(server);
    server
        .get_mut()
        .write_all(b"220 mx\r\n")
        .await
        .expect("write");
    let _ = browser.recv_line().await;
    assert_eq!(metrics.active(), 1);
    trigger.fire();
    assert_eq!(browser.recv_closed().await, SHUTTING_DOWN);
    browser.expect_close_code(CLOSE_GOING_AWAY).await;
    let mut quit = String::new();
    timeout(WAIT, server.read_line(&mut quit))
        .await
        .expect("QUIT")
        .expect("readable");
    assert_eq!(quit, "QUIT\r\n");
    timeout(WAIT, task).await.expect("ends").expect("no panic");
    assert_eq!(metrics.active(), 0);
}
