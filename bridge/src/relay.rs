//! One session: a WebSocket from the browser on one side, one SMTP connection on the other.
//!
//! A session has two phases:
//!
//! 1. **Handshake.** The first useful message must be `connect`; anything else is answered
//!    with an `error` (`not_connected`, `bad_message`) and the session keeps waiting, up to
//!    [`CONNECT_WAIT`]. A failed connection is reported as an `error`, then `closed`.
//! 2. **Relay.** Both directions run at the same time, so a server that talks while the
//!    user types (or pipelines replies) never waits on the browser, and vice versa:
//!    - server to browser: bytes are framed into lines by [`LineFramer`]; each line becomes
//!      one `line` message stamped with the milliseconds since the connection opened;
//!    - browser to server: each `line` is checked with [`check_outgoing_line`] (the same
//!      rule the browser applies; the bridge never trusts it) and written with CRLF.
//!
//!    Both directions and the writer to the browser are futures in the session's own task,
//!    joined by a bounded channel; when either direction ends, the other is dropped, one
//!    `closed` message is sent, and the WebSocket is closed.
//!
//! The functions are generic over the WebSocket's `Sink`/`Stream` halves and over the
//! server stream, so the tests below drive them with channels and in-memory pipes.

use std::fmt::Display;
use std::time::Duration;

use axum::extract::ws::Message;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use protocol::limits::{SERVER_LINE_MAX, TEXT_LINE};
use protocol::line::{LineFramer, check_outgoing_line};
use protocol::wire::{ClientMsg, ErrorCode, ServerMsg, TlsMode, WIRE_VERSION};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout, timeout_at};
use tracing::{debug, info};

use crate::shutdown::Shutdown;
use crate::upstream;

/// How long a new session may take to send `connect`.
pub(crate) const CONNECT_WAIT: Duration = Duration::from_secs(60);

/// Bytes read from the server at a time. SMTP replies are short; small reads keep each
/// reply's lines flowing to the browser as they arrive.
const READ_CHUNK: usize = 4096;

/// Messages queued for the browser before the server side waits (backpressure).
const OUTBOX: usize = 32;

/// How long closing the WebSocket may take once the session is over.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Runs one session to its end; see the module documentation.
pub(crate) async fn run<W, R, E>(mut to_browser: W, mut from_browser: R, mut shutdown: Shutdown)
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
{
    let outcome = match handshake(&mut to_browser, &mut from_browser, &mut shutdown).await {
        Handshake::Connect(request) => match upstream::connect(&request).await {
            Ok(up) => {
                info!(host = %request.host, port = request.port, peer = %up.peer, "connected");
                let connected = ServerMsg::Connected {
                    version: WIRE_VERSION,
                    host: request.host,
                    port: request.port,
                    peer: up.peer.to_string(),
                    tls: TlsMode::None,
                };
                if send(&mut to_browser, connected).await.is_ok() {
                    relay(up.stream, &mut to_browser, from_browser, shutdown).await;
                }
                None
            }
            Err(err) => {
                info!(host = %request.host, port = request.port, cause = %err, "connect failed");
                let error = ServerMsg::Error {
                    code: err.code(),
                    message: err.to_string(),
                };
                // If the browser is already gone, the `closed` below fails the same way.
                let _ = send(&mut to_browser, error).await;
                Some("no connection was made".to_owned())
            }
        },
        Handshake::End(reason) => Some(reason),
        Handshake::BrowserGone => None,
    };
    if let Some(reason) = outcome {
        let _ = send(&mut to_browser, ServerMsg::Closed { reason }).await;
    }
    let _ = timeout(CLOSE_WAIT, to_browser.close()).await;
    debug!("session ended");
}

/// How the handshake phase ended.
enum Handshake {
    Connect(protocol::wire::ConnectRequest),
    /// End the session with `closed` and this reason.
    End(String),
    BrowserGone,
}

async fn handshake<W, R, E>(
    to_browser: &mut W,
    from_browser: &mut R,
    shutdown: &mut Shutdown,
) -> Handshake
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
{
    let deadline = Instant::now() + CONNECT_WAIT;
    loop {
        let next = tokio::select! {
            next = timeout_at(deadline, from_browser.next()) => next,
            () = shutdown.wait() => return Handshake::End(SHUTTING_DOWN.to_owned()),
        };
        let message = match next {
            Err(_) => {
                return Handshake::End(format!(
                    "no connect message arrived within {} s",
                    CONNECT_WAIT.as_secs()
                ));
            }
            Ok(Some(Ok(message))) => message,
            Ok(Some(Err(cause))) => {
                debug!(%cause, "WebSocket failed");
                return Handshake::BrowserGone;
            }
            Ok(None) => return Handshake::BrowserGone,
        };
        let reply = match decode(message) {
            Incoming::Msg(ClientMsg::Connect(request)) => return Handshake::Connect(request),
            Incoming::Msg(ClientMsg::Close) => return Handshake::End(CLOSED_BY_YOU.to_owned()),
            Incoming::Msg(ClientMsg::Line { .. }) => error(
                ErrorCode::NotConnected,
                "not connected yet: send a connect message first; the line was not sent",
            ),
            Incoming::Bad(reason) => error(ErrorCode::BadMessage, reason),
            Incoming::Skip => continue,
            Incoming::Gone => return Handshake::BrowserGone,
        };
        if send(to_browser, reply).await.is_err() {
            return Handshake::BrowserGone;
        }
    }
}

const SHUTTING_DOWN: &str = "the bridge is shutting down";
const CLOSED_BY_YOU: &str = "closed by you";

/// How one direction of the relay ended.
enum End {
    /// Send `closed` with this reason.
    Closed(String),
    /// The browser left; there is nobody to tell.
    BrowserGone,
}

/// Relays between a connected server stream and the browser until either side ends.
async fn relay<S, W, R, E>(server: S, to_browser: &mut W, from_browser: R, mut shutdown: Shutdown)
where
    S: AsyncRead + AsyncWrite,
    W: Sink<Message> + Unpin,
    W::Error: Display,
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
{
    let started = Instant::now();
    let (server_rx, server_tx) = tokio::io::split(server);
    let (outbox, inbox) = mpsc::channel(OUTBOX);
    let directions = async move {
        let end = tokio::select! {
            end = server_to_browser(server_rx, &outbox, started) => end,
            end = browser_to_server(from_browser, server_tx, &outbox) => end,
            () = shutdown.wait() => End::Closed(SHUTTING_DOWN.to_owned()),
        };
        match end {
            End::Closed(reason) => {
                info!(%reason, "session closed");
                let _ = outbox.send(ServerMsg::Closed { reason }).await;
            }
            End::BrowserGone => info!("browser left"),
        }
        // `outbox` is dropped here, which lets `forward` finish.
    };
    tokio::join!(directions, forward(inbox, to_browser));
}

/// Server bytes to `line` messages, until the server closes or the browser leaves.
async fn server_to_browser<Rd>(
    mut server: Rd,
    outbox: &mpsc::Sender<ServerMsg>,
    started: Instant,
) -> End
where
    Rd: AsyncRead + Unpin,
{
    let mut framer = LineFramer::new(SERVER_LINE_MAX);
    let mut chunk = vec![0; READ_CHUNK];
    loop {
        let read = match server.read(&mut chunk).await {
            Ok(0) => break,
            Ok(read) => read,
            Err(cause) => {
                let message = format!("reading from the server failed: {cause}");
                let _ = outbox.send(error(ErrorCode::UpstreamIo, message)).await;
                return End::Closed("the connection to the server failed".to_owned());
            }
        };
        framer.push(&chunk[..read]);
        while let Some(framed) = framer.next_line() {
            let message = match framed {
                Ok(line) => ServerMsg::Line {
                    text: line.to_text(),
                    at_ms: millis_since(started),
                },
                Err(err) => error(
                    ErrorCode::ServerLineTooLong,
                    format!("the server sent a {err}; the bridge skipped it"),
                ),
            };
            if outbox.send(message).await.is_err() {
                return End::BrowserGone;
            }
        }
    }
    if let Some(tail) = framer.finish() {
        let line = ServerMsg::Line {
            text: String::from_utf8_lossy(&tail).into_owned(),
            at_ms: millis_since(started),
        };
        if outbox.send(line).await.is_err() {
            return End::BrowserGone;
        }
    }
    End::Closed("the server closed the connection".to_owned())
}

/// Browser messages to server lines, until the browser closes or leaves.
async fn browser_to_server<R, E, Wr>(
    mut from_browser: R,
    mut server: Wr,
    outbox: &mpsc::Sender<ServerMsg>,
) -> End
where
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
    Wr: AsyncWrite + Unpin,
{
    loop {
        let message = match from_browser.next().await {
            Some(Ok(message)) => message,
            Some(Err(cause)) => {
                debug!(%cause, "WebSocket failed");
                return End::BrowserGone;
            }
            None => return End::BrowserGone,
        };
        let reply = match decode(message) {
            Incoming::Msg(ClientMsg::Line { text }) => {
                if let Err(err) = check_outgoing_line(&text, TEXT_LINE) {
                    error(ErrorCode::InvalidLine, format!("not sent: {err}"))
                } else {
                    let mut bytes = text.into_bytes();
                    bytes.extend_from_slice(b"\r\n");
                    if let Err(cause) = server.write_all(&bytes).await {
                        let message = format!("writing to the server failed: {cause}");
                        let _ = outbox.send(error(ErrorCode::UpstreamIo, message)).await;
                        return End::Closed("the connection to the server failed".to_owned());
                    }
                    continue;
                }
            }
            Incoming::Msg(ClientMsg::Close) => {
                // Half-close: the server sees end of input, as if the user hung up.
                let _ = server.shutdown().await;
                return End::Closed(CLOSED_BY_YOU.to_owned());
            }
            Incoming::Msg(ClientMsg::Connect(_)) => error(
                ErrorCode::AlreadyConnected,
                "this session is already connected; close it and start a new one to connect \
                 elsewhere",
            ),
            Incoming::Bad(reason) => error(ErrorCode::BadMessage, reason),
            Incoming::Skip => continue,
            Incoming::Gone => return End::BrowserGone,
        };
        if outbox.send(reply).await.is_err() {
            return End::BrowserGone;
        }
    }
}

/// Writes queued messages to the browser until the queue's senders are gone.
async fn forward<W>(mut inbox: mpsc::Receiver<ServerMsg>, to_browser: &mut W)
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    while let Some(message) = inbox.recv().await {
        if send(to_browser, message).await.is_err() {
            // Dropping `inbox` makes the directions' next send fail, which ends them.
            return;
        }
    }
}

/// What a WebSocket message means to a session.
enum Incoming {
    Msg(ClientMsg),
    /// Not a valid message; the text says why.
    Bad(String),
    /// Ping and pong, answered by the WebSocket layer itself.
    Skip,
    /// The browser closed the WebSocket.
    Gone,
}

fn decode(message: Message) -> Incoming {
    match message {
        Message::Text(text) => match ClientMsg::from_json(text.as_str()) {
            Ok(msg) => Incoming::Msg(msg),
            Err(err) => Incoming::Bad(err.to_string()),
        },
        Message::Binary(_) => Incoming::Bad(
            "binary WebSocket messages are not part of the protocol; send JSON text".to_owned(),
        ),
        Message::Ping(_) | Message::Pong(_) => Incoming::Skip,
        Message::Close(_) => Incoming::Gone,
    }
}

fn error(code: ErrorCode, message: impl Into<String>) -> ServerMsg {
    ServerMsg::Error {
        code,
        message: message.into(),
    }
}

async fn send<W>(to_browser: &mut W, message: ServerMsg) -> Result<(), ()>
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    to_browser
        .send(Message::text(message.to_json()))
        .await
        .map_err(|cause| debug!(%cause, "could not write to the browser"))
}

fn millis_since(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;
    use tokio::io::{AsyncBufReadExt, BufReader, DuplexStream};
    use tokio::net::TcpListener;
    use tokio::task::JoinHandle;

    const WAIT: Duration = Duration::from_secs(5);

    /// The browser's end of a session driven by channels.
    struct Browser {
        tx: mpsc::Sender<Result<Message, Infallible>>,
        rx: mpsc::Receiver<Message>,
    }

    impl Browser {
        async fn send(&self, json: &str) {
            self.tx
                .send(Ok(Message::text(json)))
                .await
                .expect("session is reading");
        }

        async fn recv(&mut self) -> ServerMsg {
            let message = timeout(WAIT, self.rx.recv())
                .await
                .expect("a message within 5 s")
                .expect("session still open");
            match message {
                Message::Text(text) => ServerMsg::from_json(text.as_str()).expect("valid JSON"),
                other => panic!("expected a text message, got {other:?}"),
            }
        }

        async fn recv_line(&mut self) -> String {
            match self.recv().await {
                ServerMsg::Line { text, .. } => text,
                other => panic!("expected a line, got {other:?}"),
            }
        }

        async fn recv_error(&mut self) -> (ErrorCode, String) {
            match self.recv().await {
                ServerMsg::Error { code, message } => (code, message),
                other => panic!("expected an error, got {other:?}"),
            }
        }

        async fn recv_closed(&mut self) -> String {
            match self.recv().await {
                ServerMsg::Closed { reason } => reason,
                other => panic!("expected closed, got {other:?}"),
            }
        }

        /// After `closed`, the session closes its sink and drops it.
        async fn expect_end(&mut self) {
            let next = timeout(WAIT, self.rx.recv()).await.expect("session ends");
            assert!(next.is_none(), "nothing after closed, got {next:?}");
        }
    }

    /// The halves a session gets instead of a WebSocket.
    type SessionSink =
        std::pin::Pin<Box<dyn Sink<Message, Error = mpsc::error::SendError<Message>> + Send>>;
    type SessionStream = std::pin::Pin<Box<dyn Stream<Item = Result<Message, Infallible>> + Send>>;

    fn channel_websocket() -> (Browser, SessionSink, SessionStream) {
        let (to_session, session_rx) = mpsc::channel(16);
        let (session_tx, from_session) = mpsc::channel(16);
        let sink = futures_util::sink::unfold(session_tx, |tx, message: Message| async move {
            tx.send(message).await.map(|()| tx)
        });
        let stream = futures_util::stream::unfold(session_rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        (
            Browser {
                tx: to_session,
                rx: from_session,
            },
            Box::pin(sink),
            Box::pin(stream),
        )
    }

    /// A session relaying to an in-memory server; returns the server's end of the pipe.
    fn relay_session(shutdown: Shutdown) -> (Browser, DuplexStream, JoinHandle<()>) {
        let (browser, mut sink, stream) = channel_websocket();
        let (bridge_end, server_end) = tokio::io::duplex(64 * 1024);
        let task = tokio::spawn(async move {
            relay(bridge_end, &mut sink, stream, shutdown).await;
            let _ = sink.close().await;
        });
        (browser, server_end, task)
    }

    async fn read_server_line(server: &mut BufReader<DuplexStream>) -> String {
        let mut line = String::new();
        timeout(WAIT, server.read_line(&mut line))
            .await
            .expect("a line within 5 s")
            .expect("readable");
        line
    }

    #[tokio::test]
    async fn server_lines_arrive_one_message_each_whatever_the_chunks() {
        let (mut browser, mut server, _task) = relay_session(Shutdown::never());
        for chunk in [
            "220 mx ESMTP\r\n250-mx\r",
            "\n250-PIPE",
            "LINING\r\n250 8BITMIME\r\n",
        ] {
            server.write_all(chunk.as_bytes()).await.expect("write");
            server.flush().await.expect("flush");
        }
        for expected in ["220 mx ESMTP", "250-mx", "250-PIPELINING", "250 8BITMIME"] {
            assert_eq!(browser.recv_line().await, expected);
        }
    }

    #[tokio::test]
    async fn lines_are_checked_then_sent_with_crlf() {
        let (mut browser, server, _task) = relay_session(Shutdown::never());
        let mut server = BufReader::new(server);
        browser
            .send(r#"{"type":"line","text":"NOOP\r\nRSET"}"#)
            .await;
        let (code, message) = browser.recv_error().await;
        assert_eq!(code, ErrorCode::InvalidLine);
        assert!(message.contains("CR"), "{message}");
        let long = format!(r#"{{"type":"line","text":"{}"}}"#, "x".repeat(TEXT_LINE));
        browser.send(&long).await;
        assert_eq!(browser.recv_error().await.0, ErrorCode::InvalidLine);

        browser.send(r#"{"type":"line","text":"EHLO me"}"#).await;
        assert_eq!(read_server_line(&mut server).await, "EHLO me\r\n");
    }

    #[tokio::test]
    async fn bad_and_repeated_messages_are_errors_and_the_session_goes_on() {
        let (mut browser, server, _task) = relay_session(Shutdown::never());
        let mut server = BufReader::new(server);
        browser.send("not json").await;
        assert_eq!(browser.recv_error().await.0, ErrorCode::BadMessage);
        browser
            .tx
            .send(Ok(Message::binary(vec![1, 2])))
            .await
            .expect("send");
        assert_eq!(browser.recv_error().await.0, ErrorCode::BadMessage);
        browser
            .send(r#"{"type":"connect","host":"x","port":25}"#)
            .await;
        assert_eq!(browser.recv_error().await.0, ErrorCode::AlreadyConnected);
        browser.send(r#"{"type":"line","text":"NOOP"}"#).await;
        assert_eq!(read_server_line(&mut server).await, "NOOP\r\n");
    }

    #[tokio::test]
    async fn overlong_server_line_is_reported_and_skipped() {
        let (mut browser, mut server, _task) = relay_session(Shutdown::never());
        let long = format!("250 {}\r\n250 OK\r\n", "x".repeat(SERVER_LINE_MAX));
        server.write_all(long.as_bytes()).await.expect("write");
        let (code, message) = browser.recv_error().await;
        assert_eq!(code, ErrorCode::ServerLineTooLong);
        assert!(message.contains("2048"), "{message}");
        assert_eq!(browser.recv_line().await, "250 OK");
    }

    #[tokio::test]
    async fn server_close_flushes_the_tail_then_closes() {
        let (mut browser, mut server, task) = relay_session(Shutdown::never());
        server
            .write_all(b"221 2.0.0 Bye\r\n421 unterminated")
            .await
            .expect("write");
        drop(server);
        assert_eq!(browser.recv_line().await, "221 2.0.0 Bye");
        assert_eq!(browser.recv_line().await, "421 unterminated");
        assert_eq!(
            browser.recv_closed().await,
            "the server closed the connection"
        );
        browser.expect_end().await;
        timeout(WAIT, task)
            .await
            .expect("relay ends")
            .expect("no panic");
    }

    #[tokio::test]
    async fn close_half_closes_the_server_and_ends() {
        let (mut browser, mut server, task) = relay_session(Shutdown::never());
        browser.send(r#"{"type":"close"}"#).await;
        assert_eq!(browser.recv_closed().await, "closed by you");
        let mut rest = Vec::new();
        timeout(WAIT, server.read_to_end(&mut rest))
            .await
            .expect("server sees end of input")
            .expect("readable");
        assert!(rest.is_empty());
        browser.expect_end().await;
        timeout(WAIT, task)
            .await
            .expect("relay ends")
            .expect("no panic");
    }

    #[tokio::test]
    async fn browser_leaving_drops_the_server_connection() {
        let (browser, mut server, task) = relay_session(Shutdown::never());
        drop(browser);
        let mut rest = Vec::new();
        timeout(WAIT, server.read_to_end(&mut rest))
            .await
            .expect("server connection dropped")
            .expect("readable");
        timeout(WAIT, task)
            .await
            .expect("relay ends")
            .expect("no panic");
    }

    #[tokio::test]
    async fn shutdown_closes_the_session() {
        let (trigger, signal) = crate::shutdown::channel();
        let (mut browser, _server, task) = relay_session(signal);
        trigger.fire();
        assert_eq!(browser.recv_closed().await, SHUTTING_DOWN);
        timeout(WAIT, task)
            .await
            .expect("relay ends")
            .expect("no panic");
    }

    /// Whole sessions, handshake included, against a loopback listener.
    fn session() -> (Browser, JoinHandle<()>) {
        let (browser, sink, stream) = channel_websocket();
        let task = tokio::spawn(run(sink, stream, Shutdown::never()));
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
            ServerMsg::Line { text, at_ms } => {
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
                r#"{"type":"connect","host":"127.0.0.1","port":465,"tls":"implicit"}"#.to_owned(),
                ErrorCode::TlsUnavailable,
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
}
