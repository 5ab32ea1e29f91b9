//! Helpers for the security tests: a bridge whose resolver and connector are scripted
//! (DNS rebinding without DNS, counting connection attempts), a fake SMTP server that
//! records what reaches it, raw HTTP upgrade requests, and close codes.
//!
//! Everything stays on loopback: the scripted connector sends connections meant for
//! "public" addresses to a loopback listener instead, and records where they were meant to go.

use std::collections::VecDeque;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bridge::policy::{PolicyConfig, Profile};
use bridge::{Config, Connect, Hooks, Resolve};
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::{BridgeHandle, Session, WAIT};

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts a bridge on `127.0.0.1:0`; `config` sees the address first (a public bridge
/// must list its own origin).
///
/// # Panics
///
/// If no loopback port can be bound.
pub async fn start_bridge_at(
    config: impl FnOnce(SocketAddr) -> Config,
    hooks: Hooks,
) -> (SocketAddr, BridgeHandle) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port for the bridge");
    let addr = listener.local_addr().expect("the bound address");
    let config = config(addr);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(bridge::serve_with(
        listener,
        config,
        async move {
            let _ = stopped.await;
        },
        hooks,
    ));
    (
        addr,
        BridgeHandle {
            stop: Some(stop),
            task,
        },
    )
}

/// The `public` profile with rates roomy enough for tests that are not about rates (they
/// open many sessions from one address).
pub fn roomy_public_policy() -> PolicyConfig {
    PolicyConfig {
        profile: Profile::Public,
        max_sessions_per_ip: Some(100),
        sandbox_sessions_per_client: Some(100),
        new_sessions_per_ip: Some(10_000),
        new_session_burst: Some(1_000),
        sessions_per_destination: Some(1_000),
        ..PolicyConfig::default()
    }
}

/// A resolver that answers from a script, one answer per call (the last one repeats), and
/// counts its calls.
#[derive(Debug, Default)]
pub struct ScriptedResolver {
    answers: Mutex<VecDeque<Vec<IpAddr>>>,
    calls: AtomicUsize,
}

impl ScriptedResolver {
    /// A resolver giving these answers in turn.
    pub fn new(answers: Vec<Vec<IpAddr>>) -> Arc<Self> {
        Arc::new(Self {
            answers: Mutex::new(answers.into()),
            calls: AtomicUsize::new(0),
        })
    }

    /// Replaces the script.
    pub fn set(&self, answers: Vec<Vec<IpAddr>>) {
        *lock(&self.answers) = answers.into();
    }

    /// How many lookups were made.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl Resolve for ScriptedResolver {
    fn resolve<'a>(&'a self, _name: &'a str) -> BoxFuture<'a, io::Result<Vec<IpAddr>>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut answers = lock(&self.answers);
        let answer = if answers.len() > 1 {
            answers.pop_front()
        } else {
            answers.front().cloned()
        };
        Box::pin(async move {
            answer.ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such name"))
        })
    }
}

/// A connector that records every address it is asked for and connects to a loopback
/// stand-in instead (when set), so "public" targets are reachable in a test.
#[derive(Debug, Default)]
pub struct RecordingConnector {
    attempts: Mutex<Vec<SocketAddr>>,
    stand_in: Mutex<Option<SocketAddr>>,
}

impl RecordingConnector {
    /// A connector sending every connection to `stand_in` (or to the address itself).
    pub fn new(stand_in: Option<SocketAddr>) -> Arc<Self> {
        Arc::new(Self {
            attempts: Mutex::new(Vec::new()),
            stand_in: Mutex::new(stand_in),
        })
    }

    /// The addresses asked for, in order.
    pub fn attempts(&self) -> Vec<SocketAddr> {
        lock(&self.attempts).clone()
    }
}

impl Connect for RecordingConnector {
    fn connect(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<TcpStream>> {
        lock(&self.attempts).push(addr);
        let target = lock(&self.stand_in).unwrap_or(addr);
        Box::pin(TcpStream::connect(target))
    }
}

/// Hooks with these test doubles.
pub fn hooks(resolver: Arc<ScriptedResolver>, connector: Arc<RecordingConnector>) -> Hooks {
    Hooks {
        resolver,
        connector,
        ..Hooks::default()
    }
}

/// How the fake SMTP server answers EHLO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ehlo {
    /// Three lines with PIPELINING and AUTH PLAIN.
    Normal,
    /// 2,000 continuation lines, then the last one.
    Huge,
}

/// A loopback SMTP server that speaks just enough SMTP, records every line it receives,
/// counts connections, and after STARTTLS records the first raw bytes (a TLS
/// ClientHello starts with 0x16).
#[derive(Debug)]
pub struct FakeSmtp {
    /// Where it listens.
    pub addr: SocketAddr,
    state: Arc<FakeState>,
}

#[derive(Debug, Default)]
struct FakeState {
    accepted: AtomicUsize,
    lines: Mutex<Vec<String>>,
    after_starttls: Mutex<Vec<u8>>,
}

impl FakeSmtp {
    /// Starts it; it runs until the test's runtime ends.
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound.
    pub async fn start(ehlo: Ehlo) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(FakeState::default());
        let shared = Arc::clone(&state);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                shared.accepted.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve_fake(stream, Arc::clone(&shared), ehlo));
            }
        });
        Self { addr, state }
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.state.accepted.load(Ordering::SeqCst)
    }

    /// Every line received so far, over all connections.
    pub fn lines(&self) -> Vec<String> {
        lock(&self.state.lines).clone()
    }

    /// The first raw bytes received after a 220 to STARTTLS.
    pub fn after_starttls(&self) -> Vec<u8> {
        lock(&self.state.after_starttls).clone()
    }
}

async fn serve_fake(stream: TcpStream, state: Arc<FakeState>, ehlo: Ehlo) {
    let mut stream = BufReader::new(stream);
    let _ = stream.get_mut().write_all(b"220 fake ESMTP\r\n").await;
    let mut in_data = false;
    let mut auth_prompted = false;
    loop {
        let mut line = String::new();
        match timeout(Duration::from_secs(30), stream.read_line(&mut line)).await {
            Ok(Ok(n)) if n > 0 => {}
            _ => return,
        }
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        lock(&state.lines).push(line.clone());
        let upper = line.to_ascii_uppercase();
        let reply: Vec<u8> = if in_data {
            if line == "." {
                in_data = false;
                b"250 2.0.0 queued\r\n".to_vec()
            } else {
                continue;
            }
        } else if upper.starts_with("EHLO") {
            match ehlo {
                Ehlo::Normal => {
                    b"250-fake\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n".to_vec()
                }
                Ehlo::Huge => {
                    let mut out = Vec::new();
                    for i in 0..2000 {
                        out.extend_from_slice(format!("250-line {i:04}\r\n").as_bytes());
                    }
                    out.extend_from_slice(b"250 end\r\n");
                    out
                }
            }
        } else if upper == "DATA" {
            in_data = true;
            b"354 go ahead\r\n".to_vec()
        } else if upper == "AUTH PLAIN" {
            auth_prompted = true;
            b"334 \r\n".to_vec()
        } else if upper.starts_with("AUTH") || std::mem::take(&mut auth_prompted) {
            b"235 2.7.0 Authentication successful\r\n".to_vec()
        } else if upper == "STARTTLS" {
            // The 220 and an injected line in one segment, then raw bytes are recorded.
            let _ = stream
                .get_mut()
                .write_all(b"220 2.0.0 ready\r\n250 injected\r\n")
                .await;
            let mut first = [0u8; 5];
            if let Ok(Ok(_)) = timeout(Duration::from_secs(5), stream.read_exact(&mut first)).await
            {
                lock(&state.after_starttls).extend_from_slice(&first);
            }
            return;
        } else if upper == "QUIT" {
            let _ = stream.get_mut().write_all(b"221 bye\r\n").await;
            return;
        } else {
            b"250 ok\r\n".to_vec()
        };
        if stream.get_mut().write_all(&reply).await.is_err() {
            return;
        }
    }
}

/// Opens `ws://<bridge>/ws` with these headers.
///
/// # Errors
///
/// The handshake error, e.g. [`tungstenite::Error::Http`] carrying a 403.
///
/// # Panics
///
/// If the handshake does not finish within [`WAIT`].
pub async fn open_with_headers(
    bridge: SocketAddr,
    headers: &[(&str, &str)],
) -> Result<Session, tungstenite::Error> {
    let mut request = format!("ws://{bridge}/ws").into_client_request()?;
    for (name, value) in headers {
        let name = tungstenite::http::HeaderName::from_bytes(name.as_bytes())
            .expect("a valid header name");
        request
            .headers_mut()
            .insert(name, HeaderValue::from_str(value).expect("a valid value"));
    }
    let (socket, _) = timeout(WAIT, tokio_tungstenite::connect_async(request))
        .await
        .expect("the WebSocket handshake finishes within the wait")?;
    Ok(Session { socket })
}

/// The HTTP status of a refused WebSocket handshake, or `None` when it succeeded.
pub fn refused_status(result: &Result<Session, tungstenite::Error>) -> Option<u16> {
    match result {
        Ok(_) => None,
        Err(tungstenite::Error::Http(response)) => Some(response.status().as_u16()),
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
    }
}

impl Session {
    /// Sends a raw text frame and reports whether the send worked (it may fail when the
    /// bridge closes the WebSocket meanwhile).
    pub async fn try_send_text(&mut self, text: String) -> bool {
        use futures_util::SinkExt;
        matches!(
            timeout(WAIT, self.socket.send(Message::text(text))).await,
            Ok(Ok(()))
        )
    }

    /// Reads until the close frame and returns its code; text messages on the way are
    /// returned too.
    ///
    /// # Panics
    ///
    /// If the WebSocket does not close within [`WAIT`], or ends without a close frame.
    pub async fn close_code(&mut self) -> (Option<u16>, Vec<String>) {
        let mut texts = Vec::new();
        loop {
            let frame = timeout(WAIT, self.socket.next())
                .await
                .expect("the bridge closes the WebSocket within the wait");
            match frame {
                Some(Ok(Message::Close(frame))) => {
                    return (frame.map(|f| u16::from(f.code)), texts);
                }
                Some(Ok(Message::Text(text))) => texts.push(text.to_string()),
                Some(Ok(_)) => {}
                None | Some(Err(_)) => return (None, texts),
            }
        }
    }
}

/// Sends `head` (an HTTP request without its final blank line, or a part of it) to the
/// bridge and returns the first line of its answer, or `None` if it closed without one.
///
/// # Panics
///
/// If nothing happens within [`WAIT`].
pub async fn raw_request(bridge: SocketAddr, head: &str) -> Option<String> {
    let mut tcp = TcpStream::connect(bridge).await.expect("connect");
    tcp.write_all(head.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    // Until the status line is complete or the bridge closes (it may keep the connection).
    while !answer.contains(&b'\n') {
        let n = timeout(WAIT, tcp.read(&mut buf))
            .await
            .expect("the bridge answers within the wait")
            .unwrap_or(0);
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&answer);
    text.lines().next().map(str::to_owned)
}

/// The resident set size of this process, in KiB (Linux).
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .expect("/proc/self/status has VmRSS")
}

/// A `tracing` writer into shared memory, for asserting on the bridge's logs.
#[derive(Debug, Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&lock(&self.0)).into_owned()
    }
}

impl io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        lock(&self.0).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Installs (once per process), for every thread, the bridge's own log filter at
/// `RUST_LOG=trace` writing into memory, with the `log` crate's records too (as the
/// binary does: dependencies such as tungstenite log through `log`), and returns its
/// capture.
///
/// # Panics
///
/// If another global subscriber was installed first.
pub fn global_log_capture() -> LogCapture {
    use tracing_subscriber::util::SubscriberInitExt as _;
    static CAPTURE: std::sync::OnceLock<LogCapture> = std::sync::OnceLock::new();
    CAPTURE
        .get_or_init(|| {
            use tracing_subscriber::Layer as _;
            use tracing_subscriber::layer::SubscriberExt as _;
            let capture = LogCapture::default();
            tracing_subscriber::registry()
                .with(
                    tracing_subscriber::fmt::layer()
                        .with_writer(capture.clone())
                        .with_ansi(false)
                        .with_filter(bridge::logging::filter("trace")),
                )
                .try_init()
                .expect("no other global subscriber or logger in the test binary");
            capture
        })
        .clone()
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogCapture {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
