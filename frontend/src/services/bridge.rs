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
use yew::Callback;
use yew::platform::pinned::mpsc::unbounded;
use yew::platform::spawn_local;

use super::Connection;
use crate::vocab::BridgeEvent;

/// Opens the WebSocket to the bridge that served this page and asks it to connect to
/// `request`. Everything that happens afterwards arrives through `on_event`.
///
/// `None` when the page address is unknown or the browser refuses to create the socket
/// (a blocked or invalid URL): the page then says the bridge cannot be reached and goes
/// on in the simulator, so the browser's own words are not needed. Failures after that
/// (refused, closed) arrive as [`BridgeEvent::SocketClosed`].
pub fn connect(request: ConnectRequest, on_event: Callback<BridgeEvent>) -> Option<Connection> {
    let location = web_sys::window()?.location();
    let url = socket_url(&location.protocol().ok()?, &location.host().ok()?);
    let socket = WebSocket::open(&url).ok()?;
    let (outgoing, queue) = unbounded();
    // The receiver is alive (it is right here), so queueing cannot fail.
    let _ = outgoing.send_now(ClientMsg::Connect(request));
    spawn_local(async move {
        let mut socket = socket;
        let mut queue = queue;
        run(&mut socket, &mut queue, &on_event).await;
    });
    Some(Connection::new(outgoing))
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
