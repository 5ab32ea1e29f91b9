//! The `/ws` endpoint: check who is asking, then upgrade and hand over to [`relay`].
//!
//! The origin check runs before the upgrade, so a page that may not use the bridge gets a
//! plain 403 and never a session.

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tracing::{Instrument, info_span, warn};

use crate::{AppState, origin, relay};

/// Largest message accepted from the browser. A line is at most 1000 octets
/// (`protocol::limits::TEXT_LINE`); the rest is JSON and escaping headroom.
const MAX_MESSAGE: usize = 64 * 1024;

/// Read buffer per connection; messages are small, and a bridge may hold many sessions.
const READ_BUFFER: usize = 8 * 1024;

/// Write buffer per connection: replies are small and sent (flushed) one by one.
const WRITE_BUFFER: usize = 4 * 1024;

/// Upper bound of queued outgoing bytes before writes push back.
const MAX_WRITE_BUFFER: usize = WRITE_BUFFER + MAX_MESSAGE;

/// Handles `GET /ws`.
pub(crate) async fn handle(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let text = |name| headers.get(name).and_then(|value| value.to_str().ok());
    if let Err(refusal) = origin::check(
        text(header::ORIGIN),
        text(header::HOST),
        &state.config.allowed_origins,
    ) {
        warn!(origin = ?text(header::ORIGIN), host = ?text(header::HOST), "{refusal}");
        return (StatusCode::FORBIDDEN, refusal.to_string()).into_response();
    }
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let id = state.next_session.fetch_add(1, Ordering::Relaxed);
    let context = relay::Context::new(&state);
    upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| {
            let (to_browser, from_browser) = socket.split();
            relay::run(to_browser, from_browser, context).instrument(info_span!("session", id))
        })
}
