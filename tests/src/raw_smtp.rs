//! A raw SMTP client for talking to real servers byte for byte (no CRLF rules of our
//! own, no parsing beyond where a reply ends), and a launcher for aiosmtpd, the second,
//! independent server implementation the tests compare Postfix with.
//!
//! Every read is bounded by [`WAIT`] and every reply by [`MAX_REPLY_LINES`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;

use protocol::reply::ReplyLine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio::time::timeout;

use crate::WAIT;

/// The most lines one reply may have before the client gives up on it.
pub const MAX_REPLY_LINES: usize = 100;

/// One reply: its code and its lines without CRLF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawReply {
    /// The three-digit code of the first line (0 when the line had none).
    pub code: u16,
    /// The lines as received.
    pub lines: Vec<String>,
}

impl RawReply {
    /// The last line, the one a human reads.
    pub fn last(&self) -> &str {
        self.lines.last().map_or("", String::as_str)
    }
}

/// A plain TCP connection to an SMTP server.
#[derive(Debug)]
pub struct RawSmtp {
    stream: BufReader<TcpStream>,
}

impl RawSmtp {
    /// Connects and reads the greeting.
    ///
    /// # Panics
    ///
    /// If the server cannot be reached or does not greet within [`WAIT`]: the test needs
    /// it.
    pub async fn connect(addr: SocketAddr) -> (Self, RawReply) {
        let mut client = Self::open(addr).await;
        let greeting = client.reply().await;
        (client, greeting)
    }

    /// [`connect`](Self::connect), `None` when the server closes the connection before
    /// its greeting.
    ///
    /// # Panics
    ///
    /// As [`connect`](Self::connect), but not on a closed connection.
    pub async fn try_connect(addr: SocketAddr) -> Option<(Self, RawReply)> {
        let mut client = Self::open(addr).await;
        let greeting = client.try_reply().await?;
        Some((client, greeting))
    }

    /// The TCP connection, before anything is read.
    async fn open(addr: SocketAddr) -> Self {
        let stream = timeout(WAIT, TcpStream::connect(addr))
            .await
            .unwrap_or_else(|_| panic!("connecting to {addr} took longer than the wait"))
            .unwrap_or_else(|err| panic!("the SMTP server at {addr} is not reachable: {err}"));
        Self {
            stream: BufReader::new(stream),
        }
    }

    /// A client on a stream already connected; reads the greeting.
    ///
    /// # Panics
    ///
    /// As [`reply`](Self::reply).
    pub async fn from_stream(stream: TcpStream) -> Self {
        let mut client = Self {
            stream: BufReader::new(stream),
        };
        let greeting = client.reply().await;
        assert_eq!(greeting.code, 220, "{greeting:?}");
        client
    }

    /// Writes `line` and CRLF, whatever the line holds.
    ///
    /// # Panics
    ///
    /// If the write fails or takes longer than [`WAIT`].
    pub async fn send(&mut self, line: &str) {
        let mut bytes = line.as_bytes().to_vec();
        bytes.extend_from_slice(b"\r\n");
        timeout(WAIT, self.stream.get_mut().write_all(&bytes))
            .await
            .expect("the write finishes within the wait")
            .expect("the server accepts the bytes");
    }

    /// Writes `line` and reads the reply to it.
    ///
    /// # Panics
    ///
    /// As [`send`](Self::send) and [`reply`](Self::reply).
    pub async fn command(&mut self, line: &str) -> RawReply {
        self.send(line).await;
        self.reply().await
    }

    /// Reads one complete reply.
    ///
    /// # Panics
    ///
    /// If the server closes the connection, sends no reply within [`WAIT`], or a reply of
    /// more than [`MAX_REPLY_LINES`] lines.
    pub async fn reply(&mut self) -> RawReply {
        self.try_reply()
            .await
            .unwrap_or_else(|| panic!("the server closed the connection without a reply"))
    }

    /// Writes `line` and reads the reply, `None` when the server closes the connection
    /// instead.
    ///
    /// # Panics
    ///
    /// As [`try_reply`](Self::try_reply).
    pub async fn try_command(&mut self, line: &str) -> Option<RawReply> {
        self.send(line).await;
        self.try_reply().await
    }

    /// Reads one complete reply, `None` when the server closes the connection first.
    ///
    /// # Panics
    ///
    /// If no reply comes within [`WAIT`], or one of more than [`MAX_REPLY_LINES`] lines.
    pub async fn try_reply(&mut self) -> Option<RawReply> {
        let mut lines = Vec::new();
        for _ in 0..MAX_REPLY_LINES {
            let mut raw = Vec::new();
            let read = timeout(WAIT, self.stream.read_until(b'\n', &mut raw))
                .await
                .unwrap_or_else(|_| panic!("no reply within the wait after {lines:?}"))
                .expect("the connection is readable");
            if read == 0 {
                return None;
            }
            let text = String::from_utf8_lossy(&raw)
                .trim_end_matches(['\r', '\n'])
                .to_owned();
            let parsed = ReplyLine::parse(&text);
            let last = parsed.as_ref().map_or(true, |line| line.is_last);
            let code = parsed.map_or(0, |line| line.code.get());
            lines.push(text);
            if last {
                let code = if lines.len() == 1 {
                    code
                } else {
                    ReplyLine::parse(&lines[0]).map_or(0, |line| line.code.get())
                };
                return Some(RawReply { code, lines });
            }
        }
        panic!("a reply of more than {MAX_REPLY_LINES} lines: {lines:?}");
    }
}

/// An aiosmtpd server on a loopback port, from the venv `scripts/setup.sh` makes
/// (`SMTP_PLAYGROUND_VENV`, which `scripts/lib/env.sh` exports). It accepts every
/// recipient and AUTH PLAIN/LOGIN for [`AIOSMTPD_USER`] without TLS. Dropping it kills it.
#[derive(Debug)]
pub struct Aiosmtpd {
    /// Where it listens.
    pub addr: SocketAddr,
    _child: Child,
}

/// The account aiosmtpd accepts: user and password.
pub const AIOSMTPD_USER: (&str, &str) = ("alice", "alice-playground-password");

impl Aiosmtpd {
    /// Starts it and waits (bounded) until it says where it listens.
    ///
    /// # Panics
    ///
    /// If the venv is missing or the server does not start within [`WAIT`]: a test that
    /// needs a second server fails without it, never skips.
    pub async fn start() -> Self {
        Self::start_at("127.0.0.1:0".parse().expect("an address")).await
    }

    /// Starts it listening at `addr` (port 0: any free port), as [`start`](Self::start).
    ///
    /// # Panics
    ///
    /// As [`start`](Self::start), and when `addr` is taken.
    pub async fn start_at(addr: SocketAddr) -> Self {
        let venv = std::env::var_os("SMTP_PLAYGROUND_VENV")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tmp/venv"));
        let python = venv.join("bin/python");
        assert!(
            python.exists(),
            "no Python venv with aiosmtpd at {}: run scripts/setup.sh, or set \
             SMTP_PLAYGROUND_VENV to the venv it made",
            venv.display()
        );
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("aiosmtpd_server.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .env("AIOSMTPD_USER", AIOSMTPD_USER.0)
            .env("AIOSMTPD_PASSWORD", AIOSMTPD_USER.1)
            .env("AIOSMTPD_HOST", addr.ip().to_string())
            .env("AIOSMTPD_PORT", addr.port().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|err| panic!("starting {} failed: {err}", python.display()));
        let stdout = child.stdout.take().expect("a piped stdout");
        let mut first = String::new();
        timeout(WAIT, BufReader::new(stdout).read_line(&mut first))
            .await
            .expect("aiosmtpd says where it listens within the wait")
            .expect("aiosmtpd's stdout is readable");
        let addr = first.trim().parse().unwrap_or_else(|err| {
            panic!("aiosmtpd printed {first:?}, not its address (see its stderr): {err}")
        });
        Self {
            addr,
            _child: child,
        }
    }
}
