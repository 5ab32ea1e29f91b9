//! The relay's event loop: the async shell around the sans-IO core (`conversation/`). One
//! loop in the session's task waits on whichever comes first: server bytes, a browser
//! message, the core's next deadline, or shutdown. It reads the clock, hands the event to
//! the core with that `now`, and does what the core answers.
//!
//! - server to browser: bytes go into the core, which frames them into lines with a
//!   [`TextFramer`](protocol::line::TextFramer); each line becomes one `line` message
//!   stamped with the milliseconds since the connection opened and, for reply lines,
//!   since the command they answer was written (`latency_ms`) (`from_server.rs`).
//! - browser to server: each `line` (or each line of a `lines` batch) is checked by the
//!   core (the bridge never trusts the browser) and queued; the core decides when queued
//!   lines may go. The queue is bounded: when it is full the bridge stops reading the
//!   browser (backpressure); when the browser is slow, the bounded outbox stops the
//!   reading of the server.
//! - STARTTLS: `starttls.rs`.
//!
//! Idle and absolute deadlines and WebSocket pings bound every session; the core says
//! when ([`Conversation::next_deadline`]) and which ([`Conversation::handle_timeout`]).

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use axum::extract::ws::Message;
use futures_util::{FutureExt, Sink, Stream, StreamExt};
use protocol::wire::{ClientMsg, ErrorCode, ServerMsg};
use tokio::io::AsyncWriteExt;
use tokio::time::{Instant, sleep_until};
use tracing::{debug, info};

use super::conversation::{Conversation, Limits, Reaction, Timeout};
use super::from_browser::{Incoming, decode, is_too_big, too_big};
use super::from_server::{Lines, forward_lines, read_into};
use super::span::SessionSpan;
use super::starttls::{NoTls, upgrade};
use super::to_browser::{Outbox, forward};
use super::to_server::{hang_up, quit, write};
use super::{
    BoxIo, CLOSE_GOING_AWAY, CLOSE_NORMAL, CLOSE_POLICY, CLOSE_TOO_BIG, CLOSED_BY_YOU,
    SHUTTING_DOWN, error,
};
use crate::metrics::Metrics;
use crate::outbox::Queue;
use crate::shutdown::Shutdown;
use crate::tls::Trust;

/// Browser messages handled before the loop writes and looks at the other events again:
/// enough that a body sent line by line goes out in large writes, few enough that a
/// reply from the server waits for at most one batch.
const BROWSER_BATCH: usize = 256;

/// An item of the browser's stream.
enum Got<E> {
    Incoming(Incoming),
    /// The stream ended.
    Ended,
    /// Reading failed.
    Failed(E),
}

/// How the relay ended.
enum End {
    /// Send `closed` with this reason.
    Closed(String),
    /// The bridge is shutting down: `closed`, then close code 1001.
    GoingAway,
    /// The browser left; there is nobody to tell.
    BrowserGone,
    /// A limit ended the session: `closed` with this reason, then this close code.
    Limit(String, u16),
}

/// What the caller needs to know about a finished relay.
pub(super) struct Ended {
    /// The WebSocket close code.
    pub(super) code: u16,
}

/// The session's stream to the server and what the loop writes with, besides the core.
pub(super) struct Relay<'a> {
    /// The server stream; STARTTLS replaces it.
    pub(super) server: BoxIo,
    /// The sans-IO core.
    pub(super) core: Conversation,
    /// Fires when the bridge shuts down.
    pub(super) shutdown: Shutdown,
    /// Where bytes and messages are counted.
    pub(super) metrics: &'a Metrics,
    /// The TLS handshake limit (STARTTLS).
    pub(super) tls_timeout: Duration,
    /// The certificates STARTTLS accepts.
    pub(super) trust: Trust,
    /// The session's span: kept out of the loop's polls, entered by its rare paths.
    pub(super) span: &'a SessionSpan,
}

/// The parts the loop borrows while it runs.
struct Shell<'a, 'o, R> {
    server: BoxIo,
    core: &'a mut Conversation,
    from_browser: R,
    /// The queue for the browser, and the metrics (`outbox.metrics`).
    outbox: &'a Outbox<'o>,
    tls_timeout: Duration,
    trust: Trust,
    span: &'a SessionSpan,
}

/// Relays between a connected server stream and the browser until either side ends.
///
/// Not an `async fn`: that would keep its own copy of the core in the session's future
/// next to the one `directions` owns.
pub(super) fn relay<'a, W, R, E>(
    relay: Relay<'a>,
    to_browser: &'a mut W,
    from_browser: R,
) -> impl Future<Output = Ended> + 'a
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
    R: Stream<Item = Result<Message, E>> + Unpin + 'a,
    E: Display + 'a,
{
    let queue = Arc::new(Queue::default());
    let Relay {
        server,
        mut core,
        shutdown,
        metrics,
        tls_timeout,
        trust,
        span,
    } = relay;
    let outbox = Outbox {
        queue: Arc::clone(&queue),
        metrics,
    };
    let directions = async move {
        let shell = Shell {
            server,
            core: &mut core,
            from_browser,
            outbox: &outbox,
            tls_timeout,
            trust,
            span,
        };
        let quiet = span.quiet();
        let end = converse(shell, shutdown).await;
        // What follows logs: in a poll with the session's span entered.
        quiet.end().await;
        let (reason, code) = match end {
            End::Closed(reason) => (Some(reason), CLOSE_NORMAL),
            End::GoingAway => (Some(SHUTTING_DOWN.to_owned()), CLOSE_GOING_AWAY),
            End::BrowserGone => (None, CLOSE_NORMAL),
            End::Limit(reason, code) => (Some(reason), code),
        };
        let totals = core.totals();
        info!(
            reason = reason.as_deref().unwrap_or("the browser left"),
            bytes_to_server = totals.to_server,
            bytes_from_server = totals.from_server,
            data_bytes = totals.data,
            "session closed"
        );
        if let Some(reason) = reason {
            let _ = outbox.send(ServerMsg::Closed { reason }).await;
        }
        // Lets `forward` finish once it has written what is queued.
        outbox.queue.seal();
        Ended { code }
    };
    // Built here, not awaited in an `async` block, which would hold `directions` twice.
    // `directions` first: `join` polls its futures in order on every pass, so `forward`
    // runs after each push, which therefore need not wake the task (`outbox.rs`).
    futures_util::future::join(directions, forward(queue, to_browser, span))
        .map(|(ended, ())| ended)
}

/// The clock, as the core counts it.
fn now() -> std::time::Instant {
    Instant::now().into_std()
}

/// The relay loop; see the module documentation.
async fn converse<R, E>(mut shell: Shell<'_, '_, R>, mut shutdown: Shutdown) -> End
where
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
{
    // One timer, kept for the whole session, for every deadline of the core. A new
    // `sleep_until` per loop would register a timer on every command, which wakes tokio's
    // timer driver each time; moving a kept timer later costs nothing.
    let clock = sleep_until(Instant::from_std(shell.core.next_deadline()));
    tokio::pin!(clock);
    let stop = shutdown.wait();
    tokio::pin!(stop);
    loop {
        let room = shell.core.wants_browser_input();
        let deadline = Instant::from_std(shell.core.next_deadline());
        if clock.deadline() != deadline {
            clock.as_mut().reset(deadline);
        }
        // Each branch's future is gone when its handler runs, so the handlers may use the
        // core. They are handled in place, not through an `Event` value: a value held
        // across the handling would sit in every idle session's future.
        let end = tokio::select! {
            read = read_into(&mut shell.server, shell.core) => shell.server_read(read).await,
            next = shell.from_browser.next(), if room => shell.browser(next).await,
            () = &mut stop => {
                shell.quit().await;
                Some(End::GoingAway)
            }
            () = &mut clock => match shell.core.handle_timeout(now()) {
                // The timer only moves later, so it may fire before a deadline that moved.
                None => None,
                Some(due) => shell.timeout(due).await,
            },
        };
        if let Some(end) = end {
            return end;
        }
        if let Some(end) = shell.transmit().await {
            return end;
        }
    }
}

impl<R, E> Shell<'_, '_, R>
where
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
{
    /// What a read from the server gave; `Some` when it ends the session.
    async fn server_read(&mut self, read: std::io::Result<usize>) -> Option<End> {
        match read {
            Ok(0) => {
                let closed = self.core.handle_server_closed(now());
                if let Some(tail) = closed.tail
                    && self.outbox.send(tail).await.is_err()
                {
                    return Some(End::BrowserGone);
                }
                Some(End::Closed(closed.reason))
            }
            Ok(read) => {
                self.outbox.metrics.received(read);
                self.server_lines().await
            }
            Err(cause) => {
                let message = format!("reading from the server failed: {cause}");
                let _ = self
                    .outbox
                    .send(error(ErrorCode::UpstreamIo, message))
                    .await;
                Some(End::Closed(
                    "the connection to the server failed".to_owned(),
                ))
            }
        }
    }

    /// What the browser's stream gave, and every message already waiting behind it;
    /// `Some` when it ends the session.
    ///
    /// Lines are only queued here; the loop writes what the core releases once they are
    /// all in ([`transmit`](Self::transmit)). So a body typed or sent line by line leaves
    /// in one write per batch of messages that arrived together, not one per line: a
    /// system call and a loopback packet per line were most of the relay's cost
    /// (bench/README.md, "relay"). Anything but a `line` or `lines` message writes what
    /// is queued first, so it acts where it did before (a `close` after a line half-closes
    /// the server after writing that line).
    async fn browser(&mut self, next: Option<Result<Message, E>>) -> Option<End> {
        let mut next = next;
        let mut handled = 0;
        // One clock reading for the batch: its messages arrived together.
        let at = now();
        loop {
            match self.got(next) {
                Got::Incoming(Incoming::Msg(
                    message @ (ClientMsg::Line { .. } | ClientMsg::Lines { .. }),
                )) => {
                    if let Reaction::Answer(reply) = self.core.handle_browser(at, message)
                        && self.outbox.send(reply).await.is_err()
                    {
                        return Some(End::BrowserGone);
                    }
                }
                // Rare (a ping's answer, a close, a bad message): boxed, so that its
                // states do not make every idle session's future larger, and with the
                // session's span entered, as it may log.
                got => {
                    let span = self.span;
                    if let Some(end) = span.entered(self.transmit_then_handle(got)).await {
                        return Some(end);
                    }
                }
            }
            handled += 1;
            if handled == BROWSER_BATCH || !self.core.wants_browser_input() {
                return None;
            }
            // The next message if it is here already (in tungstenite's buffer or the
            // socket's), polled with this task's waker, so a `Pending` leaves it
            // registered as the loop's own poll would.
            let more =
                std::future::poll_fn(|cx| Poll::Ready(self.from_browser.poll_next_unpin(cx))).await;
            match more {
                Poll::Ready(more) => next = more,
                Poll::Pending => return None,
            }
        }
    }

    /// Writes what is queued, then handles `got`; `Some` when either ends the session.
    async fn transmit_then_handle(&mut self, got: Got<E>) -> Option<End> {
        if let Some(end) = self.transmit().await {
            return Some(end);
        }
        self.handle(got).await
    }

    /// What an item of the browser's stream is.
    fn got(&self, next: Option<Result<Message, E>>) -> Got<E> {
        match next {
            Some(Ok(message)) => Got::Incoming(decode(message, self.core.limits().max_message)),
            None => Got::Ended,
            Some(Err(cause)) => Got::Failed(cause),
        }
    }

    /// Handles one item of the browser's stream; `Some` when it ends the session.
    async fn handle(&mut self, got: Got<E>) -> Option<End> {
        let incoming = match got {
            Got::Incoming(incoming) => incoming,
            Got::Ended => {
                self.quit().await;
                return Some(End::BrowserGone);
            }
            Got::Failed(cause) => {
                let cause = cause.to_string();
                self.quit().await;
                if is_too_big(&cause) {
                    let limit = self.core.limits().max_message;
                    let _ = self
                        .outbox
                        .send(error(ErrorCode::MessageTooLarge, too_big(limit)))
                        .await;
                    return Some(End::Limit(
                        "the message was too big".to_owned(),
                        CLOSE_TOO_BIG,
                    ));
                }
                debug!(%cause, "WebSocket failed");
                return Some(End::BrowserGone);
            }
        };
        let reply = match incoming {
            Incoming::Msg(message) => match self.core.handle_browser(now(), message) {
                Reaction::Quiet => None,
                Reaction::Answer(reply) => Some(reply),
                Reaction::Close => {
                    // Half-close: the server sees end of input, as if the user hung up.
                    let _ = self.server.shutdown().await;
                    return Some(End::Closed(CLOSED_BY_YOU.to_owned()));
                }
            },
            Incoming::TooBig => {
                let _ = self
                    .outbox
                    .send(error(
                        ErrorCode::MessageTooLarge,
                        too_big(self.core.limits().max_message),
                    ))
                    .await;
                self.quit().await;
                return Some(End::Limit(
                    "the message was too big".to_owned(),
                    CLOSE_TOO_BIG,
                ));
            }
            Incoming::Bad(reason) => {
                self.core.handle_other_browser_message(now());
                Some(error(ErrorCode::BadMessage, reason))
            }
            Incoming::Pong => {
                self.core.handle_pong(now());
                None
            }
            Incoming::Skip => {
                self.core.handle_other_browser_message(now());
                None
            }
            Incoming::Gone => {
                self.quit().await;
                return Some(End::BrowserGone);
            }
        };
        if let Some(reply) = reply
            && self.outbox.send(reply).await.is_err()
        {
            return Some(End::BrowserGone);
        }
        None
    }

    /// Forwards the server's complete lines and does what they ask.
    async fn server_lines(&mut self) -> Option<End> {
        match forward_lines(self.core, self.outbox).await {
            Lines::Done => None,
            Lines::BrowserGone => Some(End::BrowserGone),
            Lines::TooLarge => {
                let message = {
                    let limits = self.core.limits();
                    format!(
                        "the server sent a reply of more than {} lines or {} bytes, more than \
                         this bridge relays; the connection was closed",
                        limits.max_reply_lines, limits.max_reply_bytes
                    )
                };
                let _ = self
                    .outbox
                    .send(error(ErrorCode::ReplyTooLarge, message))
                    .await;
                self.quit().await;
                Some(End::Closed("the server's reply was too large".to_owned()))
            }
            Lines::LineTooLong(err) => {
                let message = format!(
                    "the server sent a {err}, more than this bridge relays; the connection \
                     was closed"
                );
                let _ = self
                    .outbox
                    .send(error(ErrorCode::ServerLineTooLong, message))
                    .await;
                self.quit().await;
                Some(End::Closed("the server sent an over-long line".to_owned()))
            }
            Lines::ProbeData => {
                let message = "the server answered 354 and now waits for message text, which \
                               this public bridge in probe mode does not send; the connection \
                               was closed without it, so the server discards the message"
                    .to_owned();
                let _ = self.outbox.send(error(ErrorCode::ProbeMode, message)).await;
                // No QUIT: inside DATA it would be message text.
                hang_up(&mut self.server).await;
                Some(End::Limit(
                    "probe mode: the server asked for message text".to_owned(),
                    CLOSE_POLICY,
                ))
            }
            Lines::StartTls => {
                let server = std::mem::replace(&mut self.server, Box::new(tokio::io::empty()));
                // With the session's span entered: the TLS layers may log.
                let upgraded = self.span.entered(upgrade(
                    server,
                    self.core,
                    self.outbox,
                    self.tls_timeout,
                    &self.trust,
                ));
                match upgraded.await {
                    Ok(upgraded) => {
                        self.server = upgraded;
                        None
                    }
                    Err(NoTls::BrowserGone) => Some(End::BrowserGone),
                    Err(NoTls::Failed) => Some(End::Closed(
                        "TLS could not be established after STARTTLS, so the connection was \
                         closed"
                            .to_owned(),
                    )),
                }
            }
        }
    }

    /// A deadline the core found passed.
    async fn timeout(&mut self, due: Timeout) -> Option<End> {
        let (code, reason) = match due {
            Timeout::Ping => {
                self.outbox.ping();
                return None;
            }
            Timeout::PingsUnanswered => {
                self.quit().await;
                return Some(End::Closed(
                    "the browser stopped answering pings".to_owned(),
                ));
            }
            Timeout::Silent => (ErrorCode::ReplyTimeout, "the server did not answer in time"),
            Timeout::Idle => (ErrorCode::IdleTimeout, "the session was idle too long"),
            Timeout::Expired => (
                ErrorCode::SessionExpired,
                "the session reached its time limit",
            ),
        };
        // Built before the first await: nothing of the limits is held while it waits.
        let notice = error(code, deadline_text(code, self.core.limits()));
        let _ = self.outbox.send(notice).await;
        self.quit().await;
        Some(End::Closed(reason.to_owned()))
    }

    /// Writes what the core releases now; `Some` when that ends the session.
    async fn transmit(&mut self) -> Option<End> {
        let transmit = self.core.poll_transmit(now());
        if !transmit.bytes.is_empty() {
            if let Err(cause) = write(&mut self.server, &transmit.bytes).await {
                let message = format!("writing to the server failed: {cause}");
                let _ = self
                    .outbox
                    .send(error(ErrorCode::UpstreamIo, message))
                    .await;
                return Some(End::Closed(
                    "the connection to the server failed".to_owned(),
                ));
            }
            self.outbox.metrics.sent(transmit.bytes.len());
            self.core.handle_written(now(), transmit.bytes.len());
        }
        if let Some(notice) = transmit.notice
            && self.outbox.send(notice).await.is_err()
        {
            return Some(End::BrowserGone);
        }
        if transmit.ends_session {
            // Inside DATA: no QUIT (it would be message text); the server sees the
            // connection end without the final dot and discards the message.
            hang_up(&mut self.server).await;
            return Some(End::Limit(
                "the message was too large".to_owned(),
                CLOSE_POLICY,
            ));
        }
        None
    }

    async fn quit(&mut self) {
        quit(&mut self.server, self.core.in_body()).await;
    }
}

/// What the browser is told when a deadline ends the session (`code` is one of the three
/// deadline errors).
fn deadline_text(code: ErrorCode, limits: &Limits) -> String {
    match code {
        ErrorCode::ReplyTimeout => format!(
            "the server has not answered for {} ms; the bridge gave up waiting (RFC 5321 \
             4.5.3.2 lets a client give up after 5 minutes)",
            limits.reply_timeout.as_millis()
        ),
        ErrorCode::IdleTimeout => format!(
            "nothing happened for {} ms, so the bridge closed the session",
            limits.idle_timeout.as_millis()
        ),
        _ => "the session reached the longest time this bridge allows; start a new one to go \
              on"
        .to_owned(),
    }
}
