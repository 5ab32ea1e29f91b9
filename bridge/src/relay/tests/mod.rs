//! The relay's tests: sessions driven through channels instead of a WebSocket, against
//! in-memory pipes or loopback listeners. This file is the harness the others share.

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
use tokio::io::{AsyncReadExt, DuplexStream};
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

    async fn recv_closed(&mut self) -> String {
        match self.recv().await {
            ServerMsg::Closed { reason } => reason,
            other => panic!("expected closed, got {other:?}"),
        }
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
    let (browser, mut sink, stream) = channel_websocket();
    let (bridge_end, server_end) = tokio::io::duplex(64 * 1024);
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
        let ready = Relay {
            server: Box::new(bridge_end),
            core: Conversation::new(start, now),
            shutdown: context.shutdown,
            metrics: &metrics,
            tls_timeout: context.policy.tls_timeout,
        };
        let ended = relay(ready, &mut sink, stream).await;
        let frame = CloseFrame {
            code: ended.code,
            reason: "session over".into(),
        };
        let _ = sink.send(Message::Close(Some(frame))).await;
        let _ = sink.close().await;
    });
    (browser, server_end, task)
}

/// Reads what the server received within a short while (everything written so far).
async fn drain(server: &mut DuplexStream) -> String {
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
