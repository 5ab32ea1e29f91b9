//! The WebSocket to the bridge.
//!
//! [`connect`] opens the socket at `/ws` on the server that served the page, sends the
//! `connect` message, and runs one task that forwards queued [`ClientMsg`]s to the socket
//! and decoded frames to a `Callback<BridgeEvent>`. The returned [`Connection`] is
//! the only way to talk to that task: dropping it ends the task, and the socket closes
//! with it (gloo-net's `WebSocket` closes itself when dropped). No closure is leaked.

use futures_util::future::{Either, select};
use futures_util::{SinkExt, StreamExt};
use gloo_net::websocket::{Message, WebSocketError, futures::WebSocket};
use protocol::wire::{ClientMsg, ConnectRequest, ServerMsg};
use thiserror::Error;
use yew::Callback;
use yew::platform::pinned::mpsc::unbounded;
use yew::platform::spawn_local;

use super::Connection;
use crate::vocab::BridgeEvent;

/// Why the WebSocket could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BridgeError {
    /// The page has no usable `window.location` (not running in a browser tab).
    #[error("the page's address is not available")]
    NoLocation,
    /// The browser refused to create the socket, e.g. because the URL is invalid.
    #[error("the browser could not open {url}: {detail}")]
    Open {
        /// The socket URL.
        url: String,
        /// The browser's explanation.
        detail: String,
    },
}

/// Opens the WebSocket to the bridge that served this page and asks it to connect to
/// `request`. Everything that happens afterwards arrives through `on_event`.
///
/// # Errors
///
/// [`BridgeError`] when the page address is unknown or the browser refuses to create the
/// socket. Failures after that (refused, closed) arrive as [`BridgeEvent::SocketClosed`].
pub fn connect(
    request: ConnectRequest,
    on_event: Callback<BridgeEvent>,
) -> Result<Connection, BridgeError> {
    let location = web_sys::window()
        .map(|window| window.location())
        .ok_or(BridgeError::NoLocation)?;
    let (protocol, host) = location
        .protocol()
        .and_then(|protocol| Ok((protocol, location.host()?)))
        .map_err(|_| BridgeError::NoLocation)?;
    let url = socket_url(&protocol, &host);
    let socket = WebSocket::open(&url).map_err(|err| BridgeError::Open {
        url: url.clone(),
        detail: err.to_string(),
    })?;
    let (outgoing, queue) = unbounded();
    // The receiver is alive (it is right here), so queueing cannot fail.
    let _ = outgoing.send_now(ClientMsg::Connect(request));
    spawn_local(async move {
        let mut socket = socket;
        let mut queue = queue;
        run(&mut socket, &mut queue, &on_event).await;
    });
    Ok(Connection::new(outgoing))
}

/// Moves messages both ways until the socket closes or the [`Connection`] is gone.
async fn run(
    socket: &mut WebSocket,
    queue: &mut yew::platform::pinned::mpsc::UnboundedReceiver<ClientMsg>,
    on_event: &Callback<BridgeEvent>,
) {
    loop {
        // Finish the race in its own statement: the losing `next()` future still borrows
        // its stream, and dropping it here is safe because `next()` holds no item.
        let step = match select(socket.next(), queue.next()).await {
            Either::Left((incoming, _)) => Either::Left(incoming),
            Either::Right((outgoing, _)) => Either::Right(outgoing),
        };
        match step {
            Either::Right(None) => return,
            Either::Right(Some(msg)) => {
                let last = msg == ClientMsg::Close;
                if let Err(err) = socket.send(Message::Text(msg.to_json())).await {
                    on_event.emit(BridgeEvent::SocketClosed {
                        detail: err.to_string(),
                    });
                    return;
                }
                if last {
                    return;
                }
            }
            Either::Left(Some(Ok(Message::Text(text)))) => {
                on_event.emit(match ServerMsg::from_json(&text) {
                    Ok(msg) => BridgeEvent::Message(msg),
                    Err(err) => BridgeEvent::Undecodable {
                        detail: err.to_string(),
                    },
                });
            }
            Either::Left(Some(Ok(Message::Bytes(bytes)))) => {
                on_event.emit(BridgeEvent::Undecodable {
                    detail: format!("a binary frame of {} bytes", bytes.len()),
                });
            }
            // The browser reports a failure with an `error` event and then always a
            // `close` event, which carries the code worth showing.
            Either::Left(Some(Err(WebSocketError::ConnectionError))) => {}
            Either::Left(Some(Err(WebSocketError::ConnectionClose(event)))) => {
                on_event.emit(BridgeEvent::SocketClosed {
                    detail: describe_close(event.code, &event.reason),
                });
                return;
            }
            Either::Left(Some(Err(err))) => {
                on_event.emit(BridgeEvent::SocketClosed {
                    detail: err.to_string(),
                });
                return;
            }
            Either::Left(None) => {
                on_event.emit(BridgeEvent::SocketClosed {
                    detail: "the socket ended".to_owned(),
                });
                return;
            }
        }
    }
}

/// The bridge's WebSocket URL for a page loaded from `protocol` (`"http:"` or `"https:"`,
/// as `window.location.protocol` spells it) and `host` (`host[:port]`). The socket is
/// encrypted exactly when the page is, since browsers block `ws:` from `https:` pages.
pub fn socket_url(protocol: &str, host: &str) -> String {
    let scheme = if protocol.eq_ignore_ascii_case("https:") {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{host}/ws")
}

/// A WebSocket close code and reason in words (RFC 6455 7.4.1).
pub fn describe_close(code: u16, reason: &str) -> String {
    let meaning = match code {
        1000 => "closed normally".to_owned(),
        1001 => "the bridge is shutting down".to_owned(),
        1006 => "closed without a close frame; is the bridge running?".to_owned(),
        1008 => "closed by the bridge's policy".to_owned(),
        1009 => "a message was too large for the bridge".to_owned(),
        1011 => "the bridge hit an internal error".to_owned(),
        other => format!("close code {other}"),
    };
    let reason = reason.trim();
    if reason.is_empty() {
        meaning
    } else {
        format!("{meaning}: {reason}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_url_follows_the_page() {
        assert_eq!(
            socket_url("http:", "127.0.0.1:8080"),
            "ws://127.0.0.1:8080/ws"
        );
        assert_eq!(
            socket_url("https:", "play.example"),
            "wss://play.example/ws"
        );
        assert_eq!(socket_url("HTTPS:", "[::1]:443"), "wss://[::1]:443/ws");
    }

    #[test]
    fn close_codes_are_described() {
        assert_eq!(describe_close(1000, ""), "closed normally");
        assert_eq!(
            describe_close(1008, " origin not allowed "),
            "closed by the bridge's policy: origin not allowed"
        );
        assert_eq!(describe_close(4001, ""), "close code 4001");
    }
}
