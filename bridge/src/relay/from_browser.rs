//! What a WebSocket message from the browser means to a session, and the size limit on
//! those messages.

use axum::extract::ws::Message;
use protocol::wire::ClientMsg;

/// What a WebSocket message means to a session.
pub(super) enum Incoming {
    Msg(ClientMsg),
    /// Not a valid message; the text says why.
    Bad(String),
    /// Larger than the bridge accepts (close 1009).
    TooBig,
    /// The answer to a ping.
    Pong,
    /// A ping, answered by the WebSocket layer itself.
    Skip,
    /// The browser closed the WebSocket.
    Gone,
}

pub(super) fn decode(message: Message, max_message: usize) -> Incoming {
    match message {
        Message::Text(text) if text.len() > max_message => Incoming::TooBig,
        Message::Text(text) => match ClientMsg::from_json(text.as_str()) {
            Ok(msg) => Incoming::Msg(msg),
            Err(err) => Incoming::Bad(err.to_string()),
        },
        Message::Binary(data) if data.len() > max_message => Incoming::TooBig,
        Message::Binary(_) => Incoming::Bad(
            "binary WebSocket messages are not part of the protocol; send JSON text".to_owned(),
        ),
        Message::Pong(_) => Incoming::Pong,
        Message::Ping(_) => Incoming::Skip,
        Message::Close(_) => Incoming::Gone,
    }
}

/// Whether a WebSocket read error is the size limit (tungstenite's "Space limit exceeded:
/// Message too long" / "Frame too long"), which closes with 1009.
pub(super) fn is_too_big(cause: &str) -> bool {
    cause.contains("Space limit exceeded") || cause.contains("too long")
}

pub(super) fn too_big(limit: usize) -> String {
    format!(
        "a message from the browser was larger than {limit} bytes, the most this bridge \
         accepts; the session was closed"
    )
}
