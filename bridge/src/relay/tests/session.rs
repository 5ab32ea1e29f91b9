//! Sessions through [`run`], from the handshake to the close frame.

use protocol::wire::WIRE_VERSION;
use tokio::io::BufReader;
use tokio::net::{TcpListener, TcpStream};

use super::*;
use crate::relay::{CLOSE_GOING_AWAY, SHUTTING_DOWN, run};

/// Whole sessions, handshake included, against a loopback listener.
fn session() -> (Browser, JoinHandle<()>) {
    let (browser, sink, stream) = channel_websocket(BROWSER_CHANNEL);
    let task = tokio::spawn(run(
        sink,
        stream,
        test_context(Shutdown::never()),
        visitor(),
        tracing::Span::none(),
    ));
    (browser, task)
}

/// A loopback listener standing in for the mail server.
async fn mail_server() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").await.expect("bind")
}

fn port_of(listener: &TcpListener) -> u16 {
    listener.local_addr().expect("addr").port()
}

/// The browser asks to connect to the listener; the server's end of the connection.
async fn connect(browser: &Browser, listener: &TcpListener) -> TcpStream {
    let port = port_of(listener);
    browser
        .send(&format!(
            r#"{{"type":"connect","host":"127.0.0.1","port":{port}}}"#
        ))
        .await;
    within_wait("a connection", listener.accept()).await.0
}

#[tokio::test]
async fn handshake_wants_connect_first() {
    let listener = mail_server().await;
    let port = port_of(&listener);
    let (mut browser, _task) = session();
    browser.send(r#"{"type":"line","text":"EHLO me"}"#).await;
    assert_eq!(browser.recv_error().await.0, ErrorCode::NotConnected);
    browser.send(r#"{"type":"hello"}"#).await;
    assert_eq!(browser.recv_error().await.0, ErrorCode::BadMessage);

    let mut server = connect(&browser, &listener).await;
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
    reply(&mut server, "220 hello\r\n").await;
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
    let closed_port = port_of(&mail_server().await);
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
        browser
            .expect_closed_then_end("no connection was made")
            .await;
        ends(task).await;
    }
}

#[tokio::test]
async fn close_before_connect_ends_the_session() {
    let (mut browser, task) = session();
    browser.send(r#"{"type":"close"}"#).await;
    browser.expect_closed_then_end("closed by you").await;
    ends(task).await;
}

#[tokio::test]
async fn shutdown_sends_quit_and_closes_with_1001() {
    let listener = mail_server().await;
    let (trigger, signal) = crate::shutdown::channel();
    let (mut browser, sink, stream) = channel_websocket(BROWSER_CHANNEL);
    let context = test_context(signal);
    let metrics = Arc::clone(&context.metrics);
    let task = tokio::spawn(run(sink, stream, context, visitor(), tracing::Span::none()));
    let server = connect(&browser, &listener).await;
    assert!(matches!(browser.recv().await, ServerMsg::Connected { .. }));
    let mut server = BufReader::new(server);
    greet(&mut browser, &mut server).await;
    assert_eq!(metrics.active(), 1);
    trigger.fire();
    assert_eq!(browser.recv_closed().await, SHUTTING_DOWN);
    browser.expect_close_code(CLOSE_GOING_AWAY).await;
    assert_eq!(next_line(&mut server).await, "QUIT\r\n");
    ends(task).await;
    assert_eq!(metrics.active(), 0);
}
