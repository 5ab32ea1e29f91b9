//! The stream of one `/api/events` listener (issue 12, finding 4).
//!
//! An event names what changed (`message` with `{"id": N}`, `cleared`, `resync`; for the
//! session recorder `session` with the session's summary and `sessions-cleared`); the page
//! fetches what it shows, so the broadcast channel holds ids and summaries, never mail. A listener ends:
//!
//! - when it falls more than the channel's backlog behind (a slow or stalled reader): it
//!   gets `resync` if it still reads, then the stream ends, and the browser's EventSource
//!   reconnects and fetches the list again;
//! - after [`LIFETIME`], so a listener that stopped reading long ago does not hold its
//!   connection and place forever (EventSource reconnects by itself);
//! - when the bridge stops.
//!
//! It holds its [`ListenerPermit`] until it ends.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::Event;
use futures_util::Stream;
use protocol::records::Shape;
use protocol::records::mailbox::NewMessage;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::{Instant, sleep_until};

use super::listeners::ListenerPermit;
use super::mailbox::{MailboxEvent, Scope};
use crate::shutdown::Shutdown;

/// The longest one listener stays open.
pub(super) const LIFETIME: Duration = Duration::from_secs(30 * 60);

/// Where a listener's stream stands.
struct Listening {
    receiver: broadcast::Receiver<MailboxEvent>,
    shutdown: Shutdown,
    ends: Instant,
    /// `resync` was sent after a lag: the stream ends now.
    done: bool,
    _permit: Option<ListenerPermit>,
}

/// The events `scope` may hear from `receiver`, until one of the ends above.
pub(super) fn stream(
    receiver: broadcast::Receiver<MailboxEvent>,
    scope: Scope,
    shutdown: Shutdown,
    permit: Option<ListenerPermit>,
    lifetime: Duration,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let start = Listening {
        receiver,
        shutdown,
        ends: Instant::now() + lifetime,
        done: false,
        _permit: permit,
    };
    futures_util::stream::unfold(start, move |mut listening| async move {
        if listening.done {
            return None;
        }
        // Events of other visitors are skipped without a word: a listener learns nothing
        // of them, not even that they happened.
        let event = loop {
            tokio::select! {
                received = listening.receiver.recv() => match received {
                    Ok(MailboxEvent::Stored { id, owner }) if scope.sees_owner(owner) => {
                        break Event::default()
                            .event("message")
                            .data(NewMessage { id }.encode());
                    }
                    Ok(MailboxEvent::Cleared(cleared)) if scope.overlaps(cleared) => {
                        break Event::default().event("cleared").data("{}");
                    }
                    Ok(MailboxEvent::Session { owner, data }) if scope.sees_owner(owner) => {
                        break Event::default().event("session").data(&*data);
                    }
                    Ok(MailboxEvent::SessionsCleared(cleared)) if scope.overlaps(cleared) => {
                        break Event::default().event("sessions-cleared").data("{}");
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => {
                        listening.done = true;
                        break Event::default().event("resync").data("{}");
                    }
                    Err(RecvError::Closed) => return None,
                },
                () = sleep_until(listening.ends) => return None,
                // An open stream would otherwise keep the server's graceful shutdown
                // waiting.
                () = listening.shutdown.wait() => return None,
            }
        };
        Some((Ok(event), listening))
    })
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    fn stored(id: u64) -> MailboxEvent {
        MailboxEvent::Stored { id, owner: None }
    }

    #[tokio::test]
    async fn a_listener_that_fell_behind_gets_resync_and_is_dropped() {
        let (sender, receiver) = broadcast::channel(4);
        let events = stream(receiver, Scope::Everyone, Shutdown::never(), None, LIFETIME);
        futures_util::pin_mut!(events);
        for id in 0..10 {
            sender.send(stored(id)).expect("a receiver");
        }
        let first = events.next().await.expect("an event").expect("infallible");
        assert!(format!("{first:?}").contains("resync"), "{first:?}");
        assert!(events.next().await.is_none(), "then the stream ends");
    }

    #[tokio::test]
    async fn a_listener_ends_after_its_lifetime() {
        let (sender, receiver) = broadcast::channel(4);
        let lifetime = Duration::from_millis(50);
        let events = stream(receiver, Scope::Everyone, Shutdown::never(), None, lifetime);
        futures_util::pin_mut!(events);
        sender.send(stored(7)).expect("a receiver");
        let first = events.next().await.expect("an event").expect("infallible");
        assert!(format!("{first:?}").contains(r#"{\"id\":7}"#), "{first:?}");
        // Nothing more arrives; the lifetime ends the stream (bounded by the wait).
        let next = tokio::time::timeout(Duration::from_secs(10), events.next()).await;
        assert!(matches!(next, Ok(None)), "the stream ends");
        drop(sender);
    }
}
