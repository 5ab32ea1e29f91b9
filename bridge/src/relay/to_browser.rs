//! Messages for the browser: written one at a time before the relay ([`send`]), queued in
//! an [`Outbox`] during it, with the relay's pings, as [`Frame`]s, and written in batches
//! by [`forward`].

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;

use axum::extract::ws::Message;
use futures_util::{Sink, SinkExt};
use protocol::wire::ServerMsg;
use tracing::debug;

use super::span::SessionSpan;
use crate::metrics::Metrics;
use crate::outbox::{self, Queue};

/// The browser is gone: its WebSocket could not be written (the outbox's writer stopped).
pub(super) use crate::outbox::Abandoned as BrowserGone;

/// Messages queued for the browser before the server side waits (backpressure).
const OUTBOX: usize = outbox::CAPACITY;

/// An entry of the queue for the browser. Pings share the queue with messages so that a
/// session allocates one queue, not two; a `String`'s niche makes the enum no larger.
#[derive(Debug)]
pub(super) enum Frame {
    /// A message, encoded.
    Text(String),
    /// A WebSocket ping.
    Ping,
}

/// The queue of frames for the browser: a session's server side puts them in, [`forward`]
/// writes them out. Messages are counted in the metrics as they are queued.
pub(super) struct Outbox<'m> {
    pub(super) queue: Arc<Queue<Frame>>,
    pub(super) metrics: &'m Metrics,
}

impl Outbox<'_> {
    /// Queues one message; waits while the queue is full. Fails when the browser is gone.
    /// Encodes before it returns, so the waiting future holds the text only.
    pub(super) fn send(
        &self,
        message: ServerMsg,
    ) -> impl Future<Output = Result<(), BrowserGone>> + '_ {
        self.metrics.observe(&message);
        let text = message.to_json();
        self.queue.push(Frame::Text(text))
    }

    /// Queues a ping if there is room. A full queue means the browser is not reading what
    /// it has: a ping would not reach it sooner, and the missed pong counts all the same.
    pub(super) fn ping(&self) {
        let _ = self.queue.try_push(Frame::Ping);
    }
}

/// Writes `first` and every frame already waiting behind it (at most [`OUTBOX`]), then
/// flushes once: a multi-line reply leaves in one TCP write instead of one per line.
async fn write_batch<W>(
    to_browser: &mut W,
    first: Frame,
    inbox: &Queue<Frame>,
    span: &SessionSpan,
) -> Result<(), BrowserGone>
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    // In the session's span: the relay loop's polls do not enter it (`span.rs`).
    let failed = |cause: W::Error| {
        span.in_scope(|| debug!(%cause, "could not write to the browser"));
        BrowserGone
    };
    to_browser.feed(message(first)).await.map_err(failed)?;
    for _ in 1..OUTBOX {
        let Some(next) = inbox.try_pop() else {
            break;
        };
        to_browser.feed(message(next)).await.map_err(failed)?;
    }
    to_browser.flush().await.map_err(failed)
}

/// The WebSocket message for an entry of the queue.
fn message(frame: Frame) -> Message {
    match frame {
        Frame::Text(text) => Message::text(text),
        Frame::Ping => Message::Ping(Default::default()),
    }
}

/// Writes queued frames to the browser until the queue is sealed and empty.
pub(super) async fn forward<W>(inbox: Arc<Queue<Frame>>, to_browser: &mut W, span: &SessionSpan)
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    while let Some(first) = inbox.pop().await {
        if write_batch(to_browser, first, &inbox, span).await.is_err() {
            // The directions' next send fails, which ends them.
            inbox.abandon();
            return;
        }
    }
}

pub(super) async fn send<W>(
    to_browser: &mut W,
    message: ServerMsg,
    metrics: &Metrics,
) -> Result<(), BrowserGone>
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    metrics.observe(&message);
    to_browser
        .send(Message::text(message.to_json()))
        .await
        .map_err(|cause| {
            debug!(%cause, "could not write to the browser");
            BrowserGone
        })
}
