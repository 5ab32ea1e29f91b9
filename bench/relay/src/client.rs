//! The client side of every measurement: one SMTP session over direct TCP, through the
//! bridge (JSON messages of `protocol::wire`), or through websocat (raw text lines).
//!
//! Every read has a deadline, so a relay that stalls fails the run instead of hanging it.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use protocol::wire::{ClientMsg, ConnectRequest, ServerMsg, TlsMode};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

use crate::body::Body;

/// How long any one reply may take.
const REPLY_WAIT: Duration = Duration::from_secs(10);

/// How long sending a whole DATA body and getting its 250 may take.
const DATA_WAIT: Duration = Duration::from_secs(300);

/// What ends each websocat message. websocat's `ws-l:` side turns each message into a line
/// by appending LF; the CR in front makes it the CRLF SMTP wants.
pub(crate) const WEBSOCAT_SUFFIX: &str = "\r";

/// The three ways to reach the echo server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Path {
    Direct,
    Websocat,
    Bridge,
}

impl Path {
    pub(crate) const ALL: [Path; 3] = [Path::Direct, Path::Websocat, Path::Bridge];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Path::Direct => "direct TCP",
            Path::Websocat => "websocat",
            Path::Bridge => "bridge",
        }
    }
}

/// Where a session connects.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    pub(crate) path: Path,
    /// The echo server.
    pub(crate) upstream: SocketAddr,
    /// The relay (the echo server itself for direct TCP).
    pub(crate) relay: SocketAddr,
}

/// Client buffer sizes: big for the throughput session, small when thousands are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Buffers {
    Large,
    Small,
}

/// How the bridge gets a DATA body. websocat and direct TCP get it the one way they
/// can: one message per line, and one stream of bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataMode {
    /// `lines` messages of up to 64 KiB, as the page sends a pasted body.
    Batched,
    /// One `line` message per line, as the page sends what is typed.
    LineByLine,
}

/// One open SMTP session that has received the server's 220.
#[derive(Debug)]
pub(crate) enum Session {
    Tcp(BufReader<TcpStream>),
    Ws {
        socket: Box<WebSocketStream<TcpStream>>,
        /// Bridge: JSON messages; websocat: raw lines.
        json: bool,
        /// Lines received and not yet read.
        lines: VecDeque<String>,
    },
}

impl Session {
    /// Connects and reads the greeting.
    pub(crate) async fn open(target: Target, buffers: Buffers) -> io::Result<Self> {
        let stream = TcpStream::connect(target.relay).await?;
        stream.set_nodelay(true)?;
        let mut session = match target.path {
            Path::Direct => {
                let capacity = match buffers {
                    Buffers::Large => 64 * 1024,
                    Buffers::Small => 1024,
                };
                Session::Tcp(BufReader::with_capacity(capacity, stream))
            }
            Path::Websocat | Path::Bridge => {
                let socket = handshake(stream, target.relay, buffers).await?;
                Session::Ws {
                    socket: Box::new(socket),
                    json: target.path == Path::Bridge,
                    lines: VecDeque::new(),
                }
            }
        };
        if target.path == Path::Bridge {
            let connect = ClientMsg::Connect(ConnectRequest {
                host: target.upstream.ip().to_string(),
                port: target.upstream.port(),
                tls: TlsMode::None,
                insecure: false,
                ..ConnectRequest::default()
            });
            session.send_text(connect.to_json().into()).await?;
        }
        let greeting = session.read_line().await?;
        expect(&greeting, "220")?;
        Ok(session)
    }

    /// Sends one command line and returns the (single-line) reply.
    pub(crate) async fn command(&mut self, text: &str) -> io::Result<String> {
        self.send_line(text).await?;
        self.read_line().await
    }

    /// `DATA`, the body, the final dot; returns when the 250 arrives.
    pub(crate) async fn data(&mut self, body: &Body, mode: DataMode) -> io::Result<()> {
        let go = self.command("DATA").await?;
        expect(&go, "354")?;
        let sent = async {
            match self {
                Session::Tcp(stream) => {
                    stream.get_mut().write_all(&body.raw).await?;
                    stream.get_mut().flush().await
                }
                Session::Ws { socket, json, .. } => {
                    let messages = match (*json, mode) {
                        (true, DataMode::Batched) => &body.batches,
                        (true, DataMode::LineByLine) => &body.line_messages,
                        (false, _) => &body.lines,
                    };
                    for text in messages {
                        socket
                            .feed(Message::Text(text.clone()))
                            .await
                            .map_err(io::Error::other)?;
                    }
                    socket.flush().await.map_err(io::Error::other)
                }
            }
        };
        timeout(DATA_WAIT, sent)
            .await
            .map_err(|_| io::Error::other("sending the DATA body timed out"))??;
        let done = self.read_line().await?;
        expect(&done, "250")
    }

    /// `QUIT`, its 221, then the connection is dropped.
    pub(crate) async fn quit(mut self) -> io::Result<()> {
        let bye = self.command("QUIT").await?;
        expect(&bye, "221")
    }

    async fn send_line(&mut self, text: &str) -> io::Result<()> {
        match self {
            Session::Tcp(stream) => {
                let mut wire = Vec::with_capacity(text.len() + 2);
                wire.extend_from_slice(text.as_bytes());
                wire.extend_from_slice(b"\r\n");
                stream.get_mut().write_all(&wire).await
            }
            Session::Ws { json: true, .. } => {
                let line = ClientMsg::Line {
                    text: text.to_owned(),
                };
                self.send_text(line.to_json().into()).await
            }
            Session::Ws { json: false, .. } => {
                self.send_text(format!("{text}{WEBSOCAT_SUFFIX}").into())
                    .await
            }
        }
    }

    /// Sends one text message and flushes it.
    async fn send_text(&mut self, text: Utf8Bytes) -> io::Result<()> {
        let Session::Ws { socket, .. } = self else {
            return Err(io::Error::other("not a WebSocket session"));
        };
        socket
            .send(Message::Text(text))
            .await
            .map_err(io::Error::other)
    }

    /// The next line from the server, without its line ending.
    pub(crate) async fn read_line(&mut self) -> io::Result<String> {
        timeout(REPLY_WAIT, self.next_line())
            .await
            .map_err(|_| io::Error::other("no reply within 10 s"))?
    }

    async fn next_line(&mut self) -> io::Result<String> {
        match self {
            Session::Tcp(stream) => {
                let mut line = String::new();
                if stream.read_line(&mut line).await? == 0 {
                    return Err(io::Error::other("the server closed the connection"));
                }
                Ok(line.trim_end_matches(['\r', '\n']).to_owned())
            }
            Session::Ws {
                socket,
                json,
                lines,
            } => loop {
                if let Some(line) = lines.pop_front() {
                    return Ok(line);
                }
                let message = socket
                    .next()
                    .await
                    .ok_or_else(|| io::Error::other("the WebSocket ended"))?
                    .map_err(io::Error::other)?;
                let text = match message {
                    Message::Text(text) => text,
                    Message::Close(frame) => {
                        return Err(io::Error::other(format!("WebSocket closed: {frame:?}")));
                    }
                    _ => continue,
                };
                if *json {
                    bridge_message(text.as_str(), lines)?;
                } else {
                    lines.extend(
                        text.as_str()
                            .lines()
                            .map(|line| line.trim_end_matches('\r').to_owned()),
                    );
                }
            },
        }
    }
}

/// Takes the server line out of a bridge message; `error` and `closed` end the session.
fn bridge_message(json: &str, lines: &mut VecDeque<String>) -> io::Result<()> {
    match ServerMsg::from_json(json).map_err(io::Error::other)? {
        ServerMsg::Line { text, .. } => lines.push_back(text),
        ServerMsg::Connected { .. } | ServerMsg::Tls(_) | ServerMsg::MxList(_) => {}
        ServerMsg::Error { code, message } => {
            return Err(io::Error::other(format!(
                "the bridge reported {code:?}: {message}"
            )));
        }
        ServerMsg::Closed { reason } => {
            return Err(io::Error::other(format!("the bridge closed: {reason}")));
        }
    }
    Ok(())
}

/// The WebSocket handshake, with the same-origin `Origin` header the bridge requires.
async fn handshake(
    stream: TcpStream,
    relay: SocketAddr,
    buffers: Buffers,
) -> io::Result<WebSocketStream<TcpStream>> {
    let mut request = format!("ws://{relay}/ws")
        .into_client_request()
        .map_err(io::Error::other)?;
    let origin = HeaderValue::from_str(&format!("http://{relay}")).map_err(io::Error::other)?;
    request.headers_mut().insert("Origin", origin);
    let config = match buffers {
        Buffers::Large => WebSocketConfig::default(),
        Buffers::Small => WebSocketConfig::default()
            .read_buffer_size(4 * 1024)
            .write_buffer_size(0),
    };
    let (socket, _response) = timeout(
        REPLY_WAIT,
        tokio_tungstenite::client_async_with_config(request, stream, Some(config)),
    )
    .await
    .map_err(|_| io::Error::other("the WebSocket handshake timed out"))?
    .map_err(io::Error::other)?;
    Ok(socket)
}

/// Fails unless `line` starts with the reply code `code`.
fn expect(line: &str, code: &str) -> io::Result<()> {
    if line.starts_with(code) {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "expected a {code} reply, got {line:?}"
        )))
    }
}
