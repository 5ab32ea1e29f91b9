//! End-to-end test helpers: run the bridge in-process, find the test SMTP servers, and talk
//! to the bridge over a real WebSocket the way the browser app does.
//!
//! Every wait here is bounded by [`WAIT`]; a helper that cannot do its job panics with a
//! message saying what is missing, so a test never hangs or passes without its server.

pub mod aiosmtpd;
pub mod browser;
pub mod events;
pub mod page;
pub mod raw_smtp;
pub mod sandbox;
pub mod security;

use std::net::SocketAddr;
use std::time::Duration;

use bridge::Config;
use futures_util::{SinkExt, StreamExt};
use protocol::wire::{ClientMsg, ConnectRequest, ErrorCode, ServerMsg, TlsMode};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The longest any single step of a test may take.
pub const WAIT: Duration = Duration::from_secs(10);

/// The environment variable naming the Postfix started by `scripts/test.sh`.
pub const POSTFIX_ENV: &str = "SMTP_PLAYGROUND_POSTFIX";

/// A bridge running in this process. Dropping it stops the server.
#[derive(Debug)]
pub struct BridgeHandle {
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl BridgeHandle {
    /// Stops the bridge and waits (bounded) until it has finished.
    ///
    /// # Panics
    ///
    /// If the bridge fails or does not stop within [`WAIT`].
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        timeout(WAIT, &mut self.task)
            .await
            .expect("the bridge stops within the wait")
            .expect("the bridge task did not panic")
            .expect("the bridge served without I/O errors");
    }
}

impl Drop for BridgeHandle {
    fn drop(&mut self) {
        // Dropping the sender completes the bridge's shutdown future as well.
        self.stop.take();
    }
}

/// Starts the bridge with the default [`Config`] on `127.0.0.1:0`.
pub async fn start_bridge() -> (SocketAddr, BridgeHandle) {
    start_bridge_with(Config::default()).await
}

/// Starts the bridge with `config` on `127.0.0.1:0`.
///
/// # Panics
///
/// If no loopback port can be bound.
pub async fn start_bridge_with(config: Config) -> (SocketAddr, BridgeHandle) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port for the bridge");
    let addr = listener.local_addr().expect("the bound address");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(bridge::serve(listener, config, async move {
        let _ = stopped.await;
    }));
    (
        addr,
        BridgeHandle {
            stop: Some(stop),
            task,
        },
    )
}

/// The environment variable naming the validating resolver of the signed test zones
/// (`scripts/dnssec.sh`).
pub const DNSSEC_ENV: &str = "SMTP_PLAYGROUND_DNSSEC";

/// The validating resolver (unbound) of the signed test zones, from `SMTP_PLAYGROUND_DNSSEC`
/// (e.g. `127.0.0.1:15354`).
///
/// # Panics
///
/// When the variable is unset or not an address: these tests need the real unbound.
pub fn dnssec_addr() -> SocketAddr {
    required_addr(
        DNSSEC_ENV,
        "the validating resolver of the signed test zones; run scripts/test.sh, or eval \"$(scripts/dnssec.sh start)\"",
    )
}

/// The environment variable naming the DNS server of the test zones (`scripts/dns.sh`).
pub const DNS_ENV: &str = "SMTP_PLAYGROUND_DNS";

/// The test zones' DNS server, from `SMTP_PLAYGROUND_DNS` (e.g. `127.0.0.1:15353`).
///
/// # Panics
///
/// When the variable is unset or not an address: these tests need the real dnsmasq.
pub fn dns_addr() -> SocketAddr {
    required_addr(
        DNS_ENV,
        "the test zones' DNS server; run scripts/test.sh, or eval \"$(scripts/dns.sh start)\"",
    )
}

/// The address of the test Postfix, from `SMTP_PLAYGROUND_POSTFIX` (e.g. `127.0.0.1:10025`).
///
/// # Panics
///
/// When the variable is unset or not an address: these tests need a real Postfix.
pub fn postfix_addr() -> SocketAddr {
    required_addr(
        POSTFIX_ENV,
        "a real Postfix; run scripts/test.sh, which starts Postfix and sets it",
    )
}

/// The address in the variable `name`, which a test server's script sets; a test that
/// needs it fails, saying it `needs` that server and how to start it.
fn required_addr(name: &str, needs: &str) -> SocketAddr {
    let value = std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: this test needs {needs}"));
    value.parse().unwrap_or_else(|err| {
        panic!("{name}={value:?} is not an address like 127.0.0.1:10025: {err}")
    })
}

/// An address from an environment variable set by `scripts/postfix.sh env`.
///
/// # Panics
///
/// When the variable is unset or not an address: these tests need a real Postfix.
pub fn env_addr(name: &str) -> SocketAddr {
    let value = env_var(name);
    value.parse().unwrap_or_else(|err| {
        panic!("{name}={value:?} is not an address like 127.0.0.1:10587: {err}")
    })
}

/// A variable set by `scripts/postfix.sh env` (through `scripts/test.sh`).
///
/// # Panics
///
/// When it is unset.
pub fn env_var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: this test needs the real Postfix started by scripts/test.sh \
             (eval \"$(scripts/postfix.sh env)\" exports it)"
        )
    })
}

/// The submission port of the test Postfix (STARTTLS required, AUTH after TLS).
pub fn postfix_submission_addr() -> SocketAddr {
    env_addr("SMTP_PLAYGROUND_POSTFIX_SUBMISSION")
}

/// The implicit-TLS port of the test Postfix (465-style).
pub fn postfix_smtps_addr() -> SocketAddr {
    env_addr("SMTP_PLAYGROUND_POSTFIX_SMTPS")
}

/// The SASL test account of the test Postfix: user and password.
pub fn postfix_account() -> (String, String) {
    (
        env_var("SMTP_PLAYGROUND_POSTFIX_USER"),
        env_var("SMTP_PLAYGROUND_POSTFIX_PASSWORD"),
    )
}

/// The directory holding one Maildir per mailbox of the test Postfix.
pub fn postfix_maildirs() -> std::path::PathBuf {
    env_var("SMTP_PLAYGROUND_POSTFIX_MAILDIRS").into()
}

/// The `connect` message for `addr` with a TLS mode, and `insecure` if asked.
pub fn connect_tls(addr: SocketAddr, tls: TlsMode, insecure: bool) -> ClientMsg {
    ClientMsg::Connect(ConnectRequest {
        host: addr.ip().to_string(),
        port: addr.port(),
        tls,
        insecure,
        ..ConnectRequest::default()
    })
}

/// A `lines` batch message.
pub fn lines(texts: &[&str]) -> ClientMsg {
    ClientMsg::Lines {
        text: texts.iter().map(|t| (*t).to_owned()).collect(),
    }
}

/// `GET /metrics` from a bridge, as text.
///
/// # Panics
///
/// If the bridge does not answer 200 within [`WAIT`].
pub async fn fetch_metrics(bridge: SocketAddr) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let response = timeout(WAIT, async {
        let mut tcp = TcpStream::connect(bridge).await?;
        tcp.write_all(
            format!("GET /metrics HTTP/1.1\r\nHost: {bridge}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await?;
        let mut body = String::new();
        tcp.read_to_string(&mut body).await?;
        std::io::Result::Ok(body)
    })
    .await
    .expect("/metrics answers within the wait")
    .expect("/metrics is readable");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    response
}

/// The value of an unlabelled sample in a Prometheus text exposition.
pub fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (key, value) = line.split_once(' ')?;
            (key == name).then(|| value.trim().parse().ok()).flatten()
        })
}

/// Fetches `/metrics` and asserts that one of its lines is exactly `sample`, a sample as the
/// exposition writes it (`name value` or `name{label="x"} value`).
///
/// # Panics
///
/// As [`fetch_metrics`], or when no line is `sample` (the message shows the exposition).
pub async fn assert_metric(bridge: SocketAddr, sample: &str) {
    let text = fetch_metrics(bridge).await;
    assert!(
        text.lines().any(|line| line == sample),
        "no line `{sample}` in /metrics:\n{text}"
    );
}

/// [`assert_metric`] once the bridge has no active session: what a session counts is final
/// only when it has ended.
///
/// # Panics
///
/// As [`expect_no_active_sessions`] and [`assert_metric`].
pub async fn assert_metric_once_idle(bridge: SocketAddr, sample: &str) {
    expect_no_active_sessions(bridge).await;
    assert_metric(bridge, sample).await;
}

/// Checks `done` every 20 ms until it holds, for conditions the bridge reaches in its own
/// time (a freed place, bytes upstream, a closed session).
///
/// # Panics
///
/// If `done` does not hold within [`WAIT`]; the message says `what` was awaited.
pub async fn wait_until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let polled = timeout(WAIT, async {
        while !done().await {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        polled.is_ok(),
        "still waiting after {} s for {what}",
        WAIT.as_secs()
    );
}

/// Waits (bounded by [`WAIT`]) until the bridge reports no active session.
///
/// # Panics
///
/// If sessions are still active after the wait: a session task leaked or hangs.
pub async fn expect_no_active_sessions(bridge: SocketAddr) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let text = fetch_metrics(bridge).await;
        let active = metric(&text, "smtp_playground_sessions_active")
            .expect("the bridge reports smtp_playground_sessions_active");
        if active == 0.0 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{active} sessions still active after {} s:\n{text}",
            WAIT.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A loopback port with nothing listening on it (bound, then released).
///
/// # Panics
///
/// If no loopback port can be bound.
pub async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("the bound address").port()
}

/// The `connect` message for a plain connection to `addr`.
pub fn connect_to(addr: SocketAddr) -> ClientMsg {
    ClientMsg::Connect(ConnectRequest {
        host: addr.ip().to_string(),
        port: addr.port(),
        tls: TlsMode::None,
        insecure: false,
        ..ConnectRequest::default()
    })
}

/// A `line` message.
pub fn line(text: &str) -> ClientMsg {
    ClientMsg::Line {
        text: text.to_owned(),
    }
}

/// Opens `ws://<bridge>/ws` with the given `Origin` header, as a browser page would.
///
/// # Errors
///
/// The handshake error, e.g. [`tungstenite::Error::Http`] carrying a 403.
///
/// # Panics
///
/// If the handshake does not finish within [`WAIT`].
pub async fn open_session(bridge: SocketAddr, origin: &str) -> Result<Session, tungstenite::Error> {
    let mut request = format!("ws://{bridge}/ws").into_client_request()?;
    request.headers_mut().insert(
        "Origin",
        HeaderValue::from_str(origin).expect("a valid header value"),
    );
    let (socket, _response) = timeout(WAIT, tokio_tungstenite::connect_async(request))
        .await
        .expect("the WebSocket handshake finishes within the wait")?;
    Ok(Session { socket })
}

/// A WebSocket session with the bridge, seen from the browser's side.
#[derive(Debug)]
pub struct Session {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Session {
    /// Sends one message.
    ///
    /// # Panics
    ///
    /// If the WebSocket is broken.
    pub async fn send(&mut self, message: &ClientMsg) {
        self.send_text(&message.to_json()).await;
    }

    /// Sends a raw text frame, to test what the bridge does with bad input.
    ///
    /// # Panics
    ///
    /// If the WebSocket is broken or the send takes longer than [`WAIT`].
    pub async fn send_text(&mut self, text: &str) {
        timeout(WAIT, self.socket.send(Message::text(text)))
            .await
            .expect("the send finishes within the wait")
            .expect("the WebSocket accepts the message");
    }

    /// The next message from the bridge.
    ///
    /// # Panics
    ///
    /// If none arrives within [`WAIT`], the WebSocket ends or fails, or the message is not
    /// valid JSON of the wire contract.
    pub async fn recv(&mut self) -> ServerMsg {
        loop {
            let frame = timeout(WAIT, self.socket.next())
                .await
                .expect("a message from the bridge within the wait")
                .expect("the WebSocket is still open")
                .expect("the WebSocket did not fail");
            match frame {
                Message::Text(text) => {
                    return ServerMsg::from_json(text.as_str()).unwrap_or_else(|err| {
                        panic!("the bridge sent {text:?}, which is not a wire message: {err}")
                    });
                }
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("expected a JSON text message, got {other:?}"),
            }
        }
    }

    /// The next message, which must be a `line`; returns its text.
    ///
    /// # Panics
    ///
    /// As [`recv`](Self::recv), or if the message is something else.
    pub async fn recv_line(&mut self) -> String {
        match self.recv().await {
            ServerMsg::Line { text, .. } => text,
            other => panic!("expected a line, got {other:?}"),
        }
    }

    /// The lines of one reply (through the line whose code is followed by a space).
    ///
    /// # Panics
    ///
    /// As [`recv`](Self::recv), if a message is not a `line`, or if the reply does not
    /// end within 100 lines.
    pub async fn recv_reply(&mut self) -> Vec<ServerMsg> {
        let mut lines = Vec::new();
        loop {
            let message = self.recv().await;
            let ServerMsg::Line { text, .. } = &message else {
                panic!("expected a reply line, got {message:?} after {lines:?}");
            };
            let last = protocol::reply::ReplyLine::parse(text)
                .map(|reply| reply.is_last)
                .unwrap_or(true);
            lines.push(message);
            if last {
                return lines;
            }
            assert!(lines.len() < 100, "a reply must end: {lines:?}");
        }
    }

    /// Sends a line and returns the text of the reply's lines.
    ///
    /// # Panics
    ///
    /// As [`recv_reply`](Self::recv_reply).
    pub async fn command(&mut self, text: &str) -> Vec<String> {
        self.send(&line(text)).await;
        self.recv_reply_text().await
    }

    /// The text of the lines of one reply.
    ///
    /// # Panics
    ///
    /// As [`recv_reply`](Self::recv_reply).
    pub async fn recv_reply_text(&mut self) -> Vec<String> {
        self.recv_reply()
            .await
            .into_iter()
            .filter_map(|message| match message {
                ServerMsg::Line { text, .. } => Some(text),
                _ => None,
            })
            .collect()
    }

    /// Closes the WebSocket abruptly from the browser's side (no `close` message), as a
    /// closed tab does.
    pub async fn drop_connection(self) {
        drop(self.socket);
    }

    /// The next message, which must be an `error`; returns its code and message.
    ///
    /// # Panics
    ///
    /// As [`recv`](Self::recv), or if the message is something else.
    pub async fn recv_error(&mut self) -> (ErrorCode, String) {
        match self.recv().await {
            ServerMsg::Error { code, message } => (code, message),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    /// The next message, which must be `closed`; returns its reason.
    ///
    /// # Panics
    ///
    /// As [`recv`](Self::recv), or if the message is something else.
    pub async fn recv_closed(&mut self) -> String {
        match self.recv().await {
            ServerMsg::Closed { reason } => reason,
            other => panic!("expected closed, got {other:?}"),
        }
    }

    /// Waits for the bridge to end the WebSocket after `closed`.
    ///
    /// # Panics
    ///
    /// If another message arrives, or the WebSocket stays open longer than [`WAIT`].
    pub async fn expect_end(&mut self) {
        loop {
            let frame = timeout(WAIT, self.socket.next())
                .await
                .expect("the bridge ends the WebSocket within the wait");
            match frame {
                None | Some(Ok(Message::Close(_))) | Some(Err(_)) => return,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Ok(other)) => panic!("expected the end of the session, got {other:?}"),
            }
        }
    }
}
