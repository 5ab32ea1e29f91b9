//! Helpers for the sandbox tests: a bridge with its sandbox SMTP server on ephemeral
//! loopback ports, a tiny HTTP client for the mailbox API, a raw SMTP client for scripted
//! sessions, and the paths of the real clients (swaks, python3).
//!
//! Everything is bounded by [`WAIT`](crate::WAIT); a missing tool makes the test fail with
//! a message saying how to install it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use bridge::Config;
use bridge::sandbox::SandboxConfig;
use protocol::records::Shape;
use protocol::records::mailbox::{self, MessageDetail, MessageList, MessageSummary, SandboxInfo};
use protocol::wire::ServerMsg;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::{BridgeHandle, WAIT, start_bridge_with};

/// A bridge whose sandbox listens on its own port.
#[derive(Debug)]
pub struct SandboxBridge {
    /// The bridge's HTTP address (mailbox API).
    pub http: SocketAddr,
    /// The sandbox's SMTP address.
    pub smtp: SocketAddr,
    /// Stops the bridge when dropped or stopped.
    pub handle: BridgeHandle,
}

/// Starts a bridge on `127.0.0.1:0` with `sandbox` (its `listen` forced to `127.0.0.1:0`)
/// and reads the sandbox's address from `GET /api/sandbox`.
///
/// # Panics
///
/// If the bridge does not start or `/api/sandbox` does not say where the sandbox listens.
pub async fn start_sandbox(sandbox: SandboxConfig) -> SandboxBridge {
    let config = Config {
        sandbox: Box::new(SandboxConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..sandbox
        }),
        ..Config::default()
    };
    let (http, handle) = start_bridge_with(config).await;
    with_sandbox_address(http, handle).await
}

/// A `public` bridge (rates generous enough for tests) whose sandbox listens on its own
/// ephemeral loopback port; the page's origin is the bridge's own.
///
/// # Panics
///
/// As [`start_sandbox`].
pub async fn start_public_sandbox() -> SandboxBridge {
    let (http, handle) = crate::security::start_bridge_at(
        |addr| Config {
            allowed_origins: vec![format!("http://{addr}")],
            policy: Box::new(crate::security::roomy_public_policy()),
            sandbox: Box::new(SandboxConfig {
                listen: SocketAddr::from(([127, 0, 0, 1], 0)),
                ..SandboxConfig::default()
            }),
            ..Config::default()
        },
        bridge::Hooks::default(),
    )
    .await;
    with_sandbox_address(http, handle).await
}

/// The bridge at `http` with its sandbox's address, read from `GET /api/sandbox`.
async fn with_sandbox_address(http: SocketAddr, handle: BridgeHandle) -> SandboxBridge {
    let smtp = sandbox_address(http).await;
    SandboxBridge { http, smtp, handle }
}

/// Where the sandbox of the bridge at `http` listens, read from `GET /api/sandbox`.
///
/// # Panics
///
/// If `/api/sandbox` does not say where the sandbox listens.
pub async fn sandbox_address(http: SocketAddr) -> SocketAddr {
    let about: SandboxInfo = get_shape(http, "/api/sandbox").await;
    about
        .listen
        .as_deref()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("/api/sandbox names no listening address: {about:?}"))
}

/// One HTTP/1.0 request (so the body ends when the connection does); returns the status,
/// the header block and the body.
///
/// # Panics
///
/// If the bridge cannot be reached or does not answer within [`WAIT`].
pub async fn http(bridge: SocketAddr, method: &str, path: &str) -> (u16, String, Vec<u8>) {
    http_with(bridge, method, path, &[]).await
}

/// [`http`] with more request headers (`Cookie`, say).
///
/// # Panics
///
/// As [`http`].
pub async fn http_with(
    bridge: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String, Vec<u8>) {
    http_request(bridge, method, path, headers, &[]).await
}

/// [`http_with`] with a body, sent with its `Content-Length` unless empty. A server may
/// answer before it has read all of the body (a refusal of one too large): its answer is
/// what counts.
///
/// # Panics
///
/// As [`http`].
pub async fn http_request(
    bridge: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let mut stream = timeout(WAIT, TcpStream::connect(bridge))
        .await
        .expect("connect to the bridge within the wait")
        .expect("the bridge accepts HTTP");
    let mut request = format!("{method} {path} HTTP/1.0\r\nHost: {bridge}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("send the request");
    let _ = stream.write_all(body).await;
    let mut response = Vec::new();
    timeout(WAIT, stream.read_to_end(&mut response))
        .await
        .expect("the response ends within the wait")
        .expect("read the response");
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&response)));
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    (status, head, response[split + 4..].to_vec())
}

/// The `Set-Cookie` header lines of a response head, lowercase names, values as sent.
pub fn set_cookies(head: &str) -> Vec<String> {
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, value)| value.trim().to_owned())
        .collect()
}

/// `GET path`, which must answer 200 with JSON.
///
/// # Panics
///
/// On another status or a body that is not JSON.
pub async fn get_json(bridge: SocketAddr, path: &str) -> Value {
    let (status, head, body) = http(bridge, "GET", path).await;
    assert_eq!(status, 200, "GET {path}: {head}");
    serde_json::from_slice(&body).unwrap_or_else(|err| panic!("GET {path}: not JSON: {err}"))
}

/// `GET path`, which must answer 200 with the JSON shape `T`, read as the page reads it
/// (`protocol::records::mailbox`).
///
/// # Panics
///
/// On another status or a body that is not `T`.
pub async fn get_shape<T: Shape>(bridge: SocketAddr, path: &str) -> T {
    let (status, head, body) = http(bridge, "GET", path).await;
    assert_eq!(status, 200, "GET {path}: {head}");
    let text = String::from_utf8_lossy(&body);
    mailbox::read(&text).unwrap_or_else(|err| panic!("GET {path}: {err}: {text}"))
}

/// The mailbox list, newest first.
pub async fn messages(bridge: SocketAddr) -> Vec<MessageSummary> {
    get_shape::<MessageList>(bridge, "/api/messages")
        .await
        .messages
}

/// Waits (bounded) until the mailbox holds at least `n` messages; returns them.
///
/// # Panics
///
/// If they do not arrive within [`WAIT`].
pub async fn wait_for_messages(bridge: SocketAddr, n: usize) -> Vec<MessageSummary> {
    for _ in 0..100 {
        let list = messages(bridge).await;
        if list.len() >= n {
            return list;
        }
        tokio::time::sleep(WAIT / 100).await;
    }
    panic!("the mailbox did not reach {n} messages within {WAIT:?}");
}

/// Waits (bounded) until the mailbox holds at least `n` messages; returns each one's raw
/// text (see [`raw_message`]), for tests that look for what a page's session stored.
///
/// # Panics
///
/// If they do not arrive within [`WAIT`], or a message is not UTF-8.
pub async fn wait_for_raw_texts(bridge: SocketAddr, n: usize) -> Vec<String> {
    let mut raws = Vec::new();
    for summary in wait_for_messages(bridge, n).await {
        let raw = raw_message(bridge, summary.id).await;
        raws.push(String::from_utf8(raw).expect("a sandbox message in UTF-8"));
    }
    raws
}

/// The raw bytes of a message from `GET /api/messages/{id}/raw`, checked against the
/// `raw` field of `GET /api/messages/{id}`.
///
/// # Panics
///
/// If either request fails or they disagree.
pub async fn raw_message(bridge: SocketAddr, id: u64) -> Vec<u8> {
    let (status, head, body) = http(bridge, "GET", &format!("/api/messages/{id}/raw")).await;
    assert_eq!(status, 200, "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: message/rfc822"),
        "{head}"
    );
    let detail: MessageDetail = get_shape(bridge, &format!("/api/messages/{id}")).await;
    if detail.raw_encoding == mailbox::RawEncoding::Utf8 {
        assert_eq!(detail.raw.as_bytes(), &body[..]);
    }
    body
}

/// A hex SHA-like fingerprint for messages in assertion messages: FNV-1a 64, enough to
/// show two byte strings differ without printing megabytes.
pub fn fingerprint(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x} ({} bytes)", bytes.len())
}

/// A raw SMTP client for scripted sessions: one line out, one complete reply in.
#[derive(Debug)]
pub struct RawSmtp {
    reader: BufReader<TcpStream>,
}

impl RawSmtp {
    /// Connects and reads the greeting; returns the client and the greeting's code.
    ///
    /// # Panics
    ///
    /// If the server cannot be reached or says nothing within [`WAIT`].
    pub async fn connect(addr: SocketAddr) -> (Self, u16) {
        let stream = timeout(WAIT, TcpStream::connect(addr))
            .await
            .expect("connect within the wait")
            .unwrap_or_else(|err| panic!("connect to {addr}: {err}"));
        let mut client = Self {
            reader: BufReader::new(stream),
        };
        let (code, _) = client.reply().await;
        (client, code)
    }

    /// Sends `line` + CRLF and reads the reply.
    pub async fn command(&mut self, line: &str) -> (u16, String) {
        self.send(format!("{line}\r\n").as_bytes()).await;
        self.reply().await
    }

    /// Writes bytes as they are.
    ///
    /// # Panics
    ///
    /// If the write fails.
    pub async fn send(&mut self, bytes: &[u8]) {
        timeout(WAIT, self.reader.get_mut().write_all(bytes))
            .await
            .expect("write within the wait")
            .expect("the server takes the bytes");
    }

    /// Reads one complete (possibly multi-line) reply: its code and text. Code 0 means the
    /// server closed the connection instead.
    ///
    /// # Panics
    ///
    /// If nothing complete arrives within [`WAIT`] or a line is not a reply line.
    pub async fn reply(&mut self) -> (u16, String) {
        let mut text = String::new();
        for _ in 0..100 {
            let mut line = String::new();
            let n = timeout(WAIT, self.reader.read_line(&mut line))
                .await
                .unwrap_or_else(|_| panic!("a reply within the wait; so far {text:?}"))
                .unwrap_or(0);
            if n == 0 {
                return (0, text);
            }
            text.push_str(&line);
            let code = line
                .get(..3)
                .and_then(|c| c.parse().ok())
                .unwrap_or_else(|| panic!("not a reply line: {line:?}"));
            if line.as_bytes().get(3) != Some(&b'-') {
                return (code, text);
            }
        }
        panic!("a reply of more than 100 lines: {text}");
    }

    /// Whether the server closed the connection (within [`WAIT`]).
    pub async fn closed(&mut self) -> bool {
        let mut rest = Vec::new();
        matches!(
            timeout(WAIT, self.reader.read_to_end(&mut rest)).await,
            Ok(Ok(_)) | Ok(Err(_))
        )
    }
}

/// Runs a real client program and returns its exit code (`None` if a signal ended it) and
/// its combined output, whatever the code: a client the server refuses exits non-zero.
///
/// # Panics
///
/// If the program is missing (with how to install it) or hangs past `limit`.
pub async fn run_client_any(
    program: &str,
    args: &[String],
    limit: Duration,
) -> (Option<i32>, String) {
    let output = timeout(
        limit,
        tokio::process::Command::new(program)
            .args(args)
            .kill_on_drop(true)
            .output(),
    )
    .await
    .unwrap_or_else(|_| panic!("{program} did not finish within {limit:?}"))
    .unwrap_or_else(|err| {
        panic!(
            "{program} could not be run ({err}); these tests need it: run scripts/setup.sh \
             (apt packages swaks and python3)"
        )
    });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), text)
}

/// Runs a real client program and returns its combined output; fails unless it exits 0.
///
/// # Panics
///
/// As [`run_client_any`], and if the program fails.
pub async fn run_client(program: &str, args: &[String], limit: Duration) -> String {
    let (code, text) = run_client_any(program, args, limit).await;
    assert_eq!(code, Some(0), "{program} {args:?} failed:\n{text}");
    text
}

/// swaks's arguments for one message to the SMTP server at `smtp` from `from` to `to`
/// (comma-separated), then `extra` as they are (`--header`, `--auth`, `--tls`...).
pub fn swaks_args(smtp: SocketAddr, from: &str, to: &str, extra: &[&str]) -> Vec<String> {
    let server = smtp.to_string();
    ["--server", server.as_str(), "--from", from, "--to", to]
        .iter()
        .chain(extra)
        .map(|s| (*s).to_owned())
        .collect()
}

/// The `name=value` of the visitor cookie a response head sets.
///
/// # Panics
///
/// If the head sets none.
pub fn visitor_cookie(head: &str) -> String {
    set_cookies(head)
        .iter()
        .find_map(|c| {
            c.split(';')
                .next()
                .filter(|nv| nv.starts_with("smtp_playground_visitor="))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no visitor cookie in {head}"))
}

/// A new visitor of a `public` bridge: the cookie (`name=value`) it sets on a first
/// `GET /api/sandbox`.
///
/// # Panics
///
/// If the request fails or sets no visitor cookie.
pub async fn new_visitor(bridge: SocketAddr) -> String {
    let (status, head, _) = http(bridge, "GET", "/api/sandbox").await;
    assert_eq!(status, 200, "{head}");
    visitor_cookie(&head)
}

/// swaks's flags to log in with AUTH PLAIN as the sandbox's default user (`demo`, password
/// `demo`).
pub const SWAKS_DEMO_LOGIN: [&str; 6] = [
    "--auth",
    "PLAIN",
    "--auth-user",
    "demo",
    "--auth-password",
    "demo",
];

/// A session through the bridge's relay to the sandbox at `smtp`, as the page of the
/// visitor `cookie` opens it (its own origin): connected, greeted and past `EHLO helo`.
///
/// # Panics
///
/// If the bridge refuses the page or a step goes otherwise.
pub async fn page_session(
    bridge: SocketAddr,
    smtp: SocketAddr,
    cookie: &str,
    helo: &str,
) -> crate::Session {
    let origin = format!("http://{bridge}");
    let mut s =
        crate::security::open_with_headers(bridge, &[("Origin", &origin), ("Cookie", cookie)])
            .await
            .expect("the bridge accepts its own origin");
    s.send(&crate::connect_to(smtp)).await;
    assert!(
        matches!(s.recv().await, ServerMsg::Connected { .. }),
        "connected"
    );
    assert!(s.recv_line().await.starts_with("220 "), "greeting");
    assert!(s.command(&format!("EHLO {helo}")).await.last().is_some());
    s
}

/// The Python to run smtplib with: `python3` from the system (smtplib is in its standard
/// library), else the project's venv.
pub fn python() -> String {
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return "python3".to_owned();
    }
    std::env::var_os("SMTP_PLAYGROUND_VENV")
        .map(|venv| PathBuf::from(venv).join("bin/python"))
        .filter(|p| p.is_file())
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| panic!("no python3 found: install it (apt package python3)"))
}

/// A fresh scratch directory for files the clients read.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("e2e-sandbox-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}
