//! The relay's tests: sessions driven through channels instead of a WebSocket, against
//! in-memory pipes or loopback listeners. This file is the harness the others share.

mod batching;
mod event_loop;
mod malicious_server;
mod probe;
mod session;
mod starttls;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message};
use futures_util::{Sink, SinkExt, Stream};
use protocol::wire::{ErrorCode, ServerMsg, TlsMode};
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
    DuplexStream,
};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, timeout};

use super::conversation::{Conversation, Limits, Start};
use super::event_loop::{Relay, relay};
use super::{CLOSE_NORMAL, Context, Visitor};
use crate::Hooks;
use crate::metrics::Metrics;
use crate::policy::limits::Gate;
use crate::shutdown::Shutdown;

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

    /// An error with this code whose message mentions `mention`.
    async fn expect_error(&mut self, code: ErrorCode, mention: &str) {
        let (got, message) = self.recv_error().await;
        assert_eq!(got, code, "{message}");
        assert!(message.contains(mention), "{message}");
    }

    async fn recv_closed(&mut self) -> String {
        match self.recv().await {
            ServerMsg::Closed { reason } => reason,
            other => panic!("expected closed, got {other:?}"),
        }
    }

    /// `closed` with this reason, then the normal close frame and the end of the stream.
    async fn expect_closed_then_end(&mut self, reason: &str) {
        assert_eq!(self.recv_closed().await, reason);
        self.expect_end().await;
    }

    /// After `closed`, the session closes its sink and drops it.
    async fn expect_end(&mut self) {
        self.expect_close_code(CLOSE_NORMAL).await;
    }

    /// The close frame with this code, then the end of the stream.
    async fn expect_close_code(&mut self, code: u16) {
        let next = timeout(WAIT, self.rx.recv()).await.expect("session ends");
        match next {
            Some(Message::Close(Some(frame))) => assert_eq!(frame.code, code),
            other => panic!("expected a close frame, got {other:?}"),
        }
        let next = timeout(WAIT, self.rx.recv()).await.expect("session ends");
        assert!(
            next.is_none(),
            "nothing after the close frame, got {next:?}"
        );
    }
}

/// The halves a session gets instead of a WebSocket.
type SessionSink =
    std::pin::Pin<Box<dyn Sink<Message, Error = mpsc::error::SendError<Message>> + Send>>;
type SessionStream = std::pin::Pin<Box<dyn Stream<Item = Result<Message, Infallible>> + Send>>;

/// Messages the browser's channel to a session holds.
const BROWSER_CHANNEL: usize = 16;

fn channel_websocket(capacity: usize) -> (Browser, SessionSink, SessionStream) {
    let (to_session, session_rx) = mpsc::channel(capacity);
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
    relay_session_with(test_context(shutdown))
}

fn test_context(shutdown: Shutdown) -> Context {
    let policy = crate::policy::PolicyConfig::default().resolve();
    Context {
        shutdown,
        metrics: Arc::new(Metrics::default()),
        allow_insecure: false,
        reply_timeout: Duration::from_secs(60),
        gate: Gate::new(policy.gate.clone()),
        policy: Arc::new(policy),
        hooks: Hooks::default(),
        owners: Arc::default(),
        sandbox_places: None,
        sandbox_certificate: None,
    }
}

fn visitor() -> Visitor {
    let gate = Gate::new(crate::policy::limits::GateLimits::default());
    Visitor {
        client: std::net::Ipv4Addr::LOCALHOST.into(),
        origin: "http://127.0.0.1:8080".to_owned(),
        token_ok: false,
        admission: gate.admit(std::net::Ipv4Addr::LOCALHOST.into()),
        mailbox: None,
    }
}

fn relay_session_with(context: Context) -> (Browser, DuplexStream, JoinHandle<()>) {
    relay_session_probe(context, false)
}

fn relay_session_probe(context: Context, probe: bool) -> (Browser, DuplexStream, JoinHandle<()>) {
    let (bridge_end, server_end) = tokio::io::duplex(64 * 1024);
    let (browser, task) = relay_session_over(context, probe, Box::new(bridge_end), BROWSER_CHANNEL);
    (browser, server_end, task)
}

/// A session relaying to `server`, the bridge's end of the connection to the server; the
/// browser's channel holds `capacity` messages.
fn relay_session_over(
    context: Context,
    probe: bool,
    server: super::BoxIo,
    capacity: usize,
) -> (Browser, JoinHandle<()>) {
    let (browser, mut sink, stream) = channel_websocket(capacity);
    let task = tokio::spawn(async move {
        let now = Instant::now().into_std();
        let start = Start {
            limits: Limits::of(&context),
            host: "mx.example.org".into(),
            insecure: false,
            implicit_tls: false,
            probe,
            connected_at: now,
            expires: now + context.policy.session_timeout,
        };
        let metrics = Arc::clone(&context.metrics);
        let span = super::span::SessionSpan::new(tracing::Span::none());
        let ready = Relay {
            server,
            core: Conversation::new(start, now),
            shutdown: context.shutdown,
            metrics: &metrics,
            tls_timeout: context.policy.tls_timeout,
            trust: crate::tls::Trust::WebPki,
            span: &span,
        };
        let ended = relay(ready, &mut sink, stream).await;
        let frame = CloseFrame {
            code: ended.code,
            reason: "session over".into(),
        };
        let _ = sink.send(Message::Close(Some(frame))).await;
        let _ = sink.close().await;
    });
    (browser, task)
}

/// Reads what the server received within a short while (everything written so far).
async fn drain(server: &mut (impl AsyncRead + Unpin)) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(Ok(n)) = timeout(Duration::from_millis(150), server.read(&mut buf)).await {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// A JSON `line` message.
fn line(text: &str) -> String {
    serde_json::json!({ "type": "line", "text": text }).to_string()
}

/// A JSON `lines` message.
fn lines(texts: &[&str]) -> String {
    serde_json::json!({ "type": "lines", "text": texts }).to_string()
}

/// The server writes `text` as it is (CRLFs included).
async fn reply(server: &mut (impl AsyncWrite + Unpin), text: &str) {
    server.write_all(text.as_bytes()).await.expect("write");
    server.flush().await.expect("flush");
}

/// The server greets and the browser sees the greeting.
async fn greet(browser: &mut Browser, server: &mut (impl AsyncWrite + Unpin)) {
    reply(server, "220 mx\r\n").await;
    assert_eq!(browser.recv_line().await, "220 mx");
}

/// A session (in probe mode or not) after the server's greeting; the server's end reads
/// lines.
async fn greeted(
    probe: bool,
    context: Context,
) -> (Browser, BufReader<DuplexStream>, JoinHandle<()>) {
    let (mut browser, server, task) = relay_session_probe(context, probe);
    let mut server = BufReader::new(server);
    greet(&mut browser, &mut server).await;
    (browser, server, task)
}

/// The next line the server receives, CRLF included.
async fn next_line(server: &mut (impl AsyncBufRead + Unpin)) -> String {
    let mut line = String::new();
    within_wait("a line", server.read_line(&mut line)).await;
    line
}

/// Everything the server receives until the bridge closes its side.
async fn rest(server: &mut (impl AsyncRead + Unpin)) -> String {
    let mut rest = Vec::new();
    within_wait(
        "the bridge closing the connection",
        server.read_to_end(&mut rest),
    )
    .await;
    String::from_utf8_lossy(&rest).into_owned()
}

/// The browser sends `sent`; the server receives it as typed and nothing more, and answers
/// `answer` (lines joined by CRLF), each line of which reaches the browser.
async fn exchange(
    browser: &mut Browser,
    server: &mut (impl AsyncRead + AsyncWrite + Unpin),
    sent: &str,
    answer: &str,
) {
    browser.send(&line(sent)).await;
    assert_eq!(drain(server).await, format!("{sent}\r\n"));
    reply(server, &format!("{answer}\r\n")).await;
    for answer_line in answer.split("\r\n") {
        assert_eq!(browser.recv_line().await, answer_line);
    }
}

/// The session's task ends within the wait, without a panic.
async fn ends(task: JoinHandle<()>) {
    within_wait("the session's end", task).await;
}

/// What `work` gives when it succeeds within the wait; `what` names it if it does not.
async fn within_wait<T, E: std::fmt::Debug>(
    what: &str,
    work: impl Future<Output = Result<T, E>>,
) -> T {
    match timeout(WAIT, work).await {
        Ok(Ok(done)) => done,
        Ok(Err(err)) => panic!("{what} failed: {err:?}"),
        Err(_) => panic!("no {what} within {WAIT:?}"),
    }
}
