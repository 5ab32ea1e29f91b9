//! End-to-end test helpers: run the bridge in-process, find the test SMTP servers, and talk
//! to the bridge over a real WebSocket the way the browser app does.
//!
//! Every wait here is bounded by [`WAIT`]; a helper that cannot do its job panics with a
//! message saying what is missing, so a test never hangs or passes without its server.

pub mod browser;

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

/// The address of the test Postfix, from `SMTP_PLAYGROUND_POSTFIX` (e.g. `127.0.0.1:10025`).
///
/// # Panics
///
/// When the variable is unset or not an address: these tests need a real Postfix.
pub fn postfix_addr() -> SocketAddr {
    let value = std::env::var(POSTFIX_ENV).unwrap_or_else(|_| {
        panic!(
            "{POSTFIX_ENV} is not set: this test needs a real Postfix; run scripts/test.sh, \
             which starts Postfix and sets it"
        )
    });
    value.parse().unwrap_or_else(|err| {
        panic!("{POSTFIX_ENV}={value:?} is not an address like 127.0.0.1:10025: {err}")
    })
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
