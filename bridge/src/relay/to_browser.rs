//! Messages for the browser: written one at a time before the relay ([`send`]), queued in
//! an [`Outbox`] during it and written in batches by [`forward`].

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;

use axum::extract::ws::Message;
use futures_util::{Sink, SinkExt};
use protocol::wire::{ErrorCode, ServerMsg};
use tracing::debug;

use crate::metrics::Metrics;
use crate::outbox::{self, Queue};

/// Messages queued for the browser before the server side waits (backpressure).
const OUTBOX: usize = outbox::CAPACITY;

/// In the queue for the browser, a WebSocket ping rather than a message (every encoded
/// message is a JSON object, never empty). Pings share the queue so that a session
/// allocates one channel, not two.
pub(super) const PING: &str = "";

/// The queue of messages for the browser, encoded: a session's server side puts them in,
/// [`forward`] writes them out. Messages are counted in the metrics as they are queued.
pub(super) struct Outbox<'m> {
    pub(super) queue: Arc<Queue>,
    pub(super) metrics: &'m Metrics,
}

impl Outbox<'_> {
    /// Queues one message; waits while the queue is full. Fails when the browser is gone.
    /// Encodes before it returns, so the waiting future holds the text only.
    pub(super) fn send(&self, message: ServerMsg) -> impl Future<Output = Result<(), ()>> + '_ {
        self.metrics.observe(&message);
        let text = message.to_json();
        self.queue.push(text)
    }
}

/// Writes `first` and every message already waiting behind it (at most [`OUTBOX`]), then
/// flushes once: a multi-line reply leaves in one TCP write instead of one per line.
async fn write_batch<W>(to_browser: &mut W, first: String, inbox: &Queue) -> Result<(), ()>
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    let failed = |cause: W::Error| debug!(%cause, "could not write to the browser");
    to_browser.feed(frame(first)).await.map_err(failed)?;
    for _ in 1..OUTBOX {
        let Some(next) = inbox.try_pop() else {
            break;
        };
        to_browser.feed(frame(next)).await.map_err(failed)?;
    }
    to_browser.flush().await.map_err(failed)
}

/// The WebSocket message for an entry of the queue: a ping for [`PING`], else the text.
fn frame(text: String) -> Message {
    if text == PING {
        Message::Ping(Default::default())
    } else {
        Message::text(text)
    }
}

/// Writes queued messages (and pings) to the browser until the queue's senders are gone.
pub(super) async fn forward<W>(inbox: Arc<Queue>, to_browser: &mut W)
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    while let Some(first) = inbox.pop().await {
        if write_batch(to_browser, first, &inbox).await.is_err() {
            // The directions' next send fails, which ends them.
            inbox.abandon();
            return;
        }
    }
}

pub(super) fn error(code: ErrorCode, message: impl Into<String>) -> ServerMsg {
    ServerMsg::Error {
        code,
        message: message.into(),
    }
}

pub(super) async fn send<W>(
    to_browser: &mut W,
    message: ServerMsg,
    metrics: &Metrics,
) -> Result<(), ()>
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    metrics.observe(&message);
    to_browser
        .send(Message::text(message.to_json()))
        .await
        .map_err(|cause| debug!(%cause, "could not write to the browser"))
}
