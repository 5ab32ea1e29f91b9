//! The relay: one loop in the session's task waits on whichever comes first: server
//! bytes, a browser message, the reply deadline, or shutdown.
//!
//! - server to browser: bytes are framed into lines by a
//!   [`TextFramer`](protocol::line::TextFramer) (`server.rs`); each line becomes one
//!   `line` message stamped with the milliseconds since the connection opened and, for
//!   reply lines, since the command they answer was written (`latency_ms`). Replies are
//!   assembled with a [`ReplyAssembler`](protocol::reply::ReplyAssembler) and fed to a
//!   [`ClientSession`](protocol::session::ClientSession), which knows what the server
//!   still owes (`conversation.rs`).
//! - browser to server: each `line` (or each line of a `lines` batch) is checked with
//!   [`check_outgoing_line`] (the bridge never trusts the browser) and queued; the
//!   [`Conversation`] decides when queued lines may go. The queue is bounded: when it is
//!   full the bridge stops reading the browser (backpressure); when the browser is slow,
//!   the bounded outbox stops the reading of the server.
//! - STARTTLS: `starttls.rs`.
//!
//! Idle and absolute deadlines and WebSocket pings bound every session.

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::Message;
use futures_util::{FutureExt, Sink, Stream, StreamExt};
use protocol::limits::TEXT_LINE;
use protocol::line::check_outgoing_line;
use protocol::wire::{ClientMsg, ErrorCode, ServerMsg};
use tokio::io::AsyncWriteExt;
use tokio::time::{Instant, sleep_until, timeout};
use tracing::{debug, info};

use super::conversation::Conversation;
use super::from_browser::{Incoming, decode, is_too_big, too_big};
use super::server::{Lines, QUIT_WAIT, quit, read_into, server_lines};
use super::starttls::upgrade;
use super::to_browser::{Outbox, PING, error, forward};
use super::{
    BoxIo, CLOSE_GOING_AWAY, CLOSE_NORMAL, CLOSE_POLICY, CLOSE_TOO_BIG, CLOSED_BY_YOU,
    SHUTTING_DOWN,
};
use crate::metrics::Metrics;
use crate::outbox::Queue;
use crate::shutdown::Shutdown;

/// Bytes of browser lines waiting for the server before the bridge stops reading the
/// browser (backpressure). One WebSocket message may go past it once.
const QUEUE_BYTES: usize = 64 * 1024;

/// How the relay ended.
pub(super) enum End {
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

/// What woke the relay loop.
pub(super) enum Event<E> {
    Server(std::io::Result<usize>),
    Browser(Option<Result<Message, E>>),
    Shutdown,
    Silent,
    Idle,
    Expired,
    Ping,
    /// The session's timer fired before any deadline was due.
    Tick,
}

/// Relays between a connected server stream and the browser until either side ends.
///
/// Not an `async fn`: that would keep its own copy of `conversation` in the session's
/// future next to the one `directions` owns.
pub(super) fn relay<'a, W, R, E>(
    server: BoxIo,
    mut conversation: Conversation,
    to_browser: &'a mut W,
    from_browser: R,
    shutdown: Shutdown,
    metrics: &'a Metrics,
    timing: Timing,
) -> impl Future<Output = Ended> + 'a
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
    R: Stream<Item = Result<Message, E>> + Unpin + 'a,
    E: Display + 'a,
{
    let queue = Arc::new(Queue::default());
    let outbox = Outbox {
        queue: Arc::clone(&queue),
        metrics,
    };
    let directions = async move {
        let end = converse(
            server,
            &mut conversation,
            from_browser,
            &outbox,
            shutdown,
            metrics,
            timing,
        )
        .await;
        let (reason, code) = match end {
            End::Closed(reason) => (Some(reason), CLOSE_NORMAL),
            End::GoingAway => (Some(SHUTTING_DOWN.to_owned()), CLOSE_GOING_AWAY),
            End::BrowserGone => (None, CLOSE_NORMAL),
            End::Limit(reason, code) => (Some(reason), code),
        };
        info!(
            reason = reason.as_deref().unwrap_or("the browser left"),
            bytes_to_server = conversation.sent_bytes,
            bytes_from_server = conversation.received_bytes,
            data_bytes = conversation.data_bytes,
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
    futures_util::future::join(directions, forward(queue, to_browser)).map(|(ended, ())| ended)
}

/// The session's clocks that are not the conversation's own.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timing {
    /// WebSocket ping interval.
    pub(super) ping: Duration,
    /// TLS handshake limit (STARTTLS).
    pub(super) tls: Duration,
}

/// Pings the browser has not answered before the session ends.
const MISSED_PONGS: u32 = 2;

/// The relay loop; see the module documentation.
#[allow(clippy::too_many_arguments)]
async fn converse<R, E>(
    mut server: BoxIo,
    conv: &mut Conversation,
    mut from_browser: R,
    outbox: &Outbox<'_>,
    mut shutdown: Shutdown,
    metrics: &Metrics,
    timing: Timing,
) -> End
where
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
{
    let mut unanswered: u32 = 0;
    let mut next_ping = Instant::now() + timing.ping;
    // One timer, kept for the whole session, for the reply, idle and session deadlines and
    // the pings. A new `sleep_until` per loop would register a timer on every command,
    // which wakes tokio's timer driver each time; moving a kept timer later costs nothing.
    let mut last_check = Instant::now();
    let clock = sleep_until(conv.check_at(last_check).min(next_ping));
    tokio::pin!(clock);
    let stop = shutdown.wait();
    tokio::pin!(stop);
    loop {
        let room = conv.queued_bytes < QUEUE_BYTES;
        let check_at = conv.check_at(last_check).min(next_ping);
        if clock.deadline() != check_at {
            clock.as_mut().reset(check_at);
        }
        let event = tokio::select! {
            read = read_into(&mut server, &mut conv.framer) => Event::Server(read),
            next = from_browser.next(), if room => Event::Browser(next),
            () = &mut stop => Event::Shutdown,
            () = &mut clock => {
                last_check = Instant::now();
                match conv.due(last_check) {
                    Event::Tick if last_check >= next_ping => {
                        next_ping = last_check + timing.ping;
                        Event::Ping
                    }
                    due => due,
                }
            }
        };
        match event {
            Event::Tick => {}
            Event::Server(Ok(0)) => {
                if let Some(text) = conv.framer.finish() {
                    let (line, _, _) = conv.server_line(text);
                    if outbox.send(line).await.is_err() {
                        return End::BrowserGone;
                    }
                }
                return End::Closed(conv.hang_up_reason());
            }
            Event::Server(Ok(read)) => {
                metrics.received(read);
                conv.received_bytes += u64::try_from(read).unwrap_or(u64::MAX);
                // Bytes are not progress: the deadlines move on complete lines and replies
                // (`Conversation::server_line`), so a server that dribbles or never ends a
                // line still meets the reply and idle timeouts.
                match server_lines(conv, outbox).await {
                    Lines::Done => {}
                    Lines::BrowserGone => return End::BrowserGone,
                    Lines::TooLarge => {
                        let message = format!(
                            "the server sent a reply of more than {} lines or {} bytes, more \
                             than this bridge relays; the connection was closed",
                            conv.max_reply_lines, conv.max_reply_bytes
                        );
                        let _ = outbox.send(error(ErrorCode::ReplyTooLarge, message)).await;
                        quit(&mut server, conv).await;
                        return End::Closed("the server's reply was too large".to_owned());
                    }
                    Lines::LineTooLong(err) => {
                        let message = format!(
                            "the server sent a {err}, more than this bridge relays; the \
                             connection was closed"
                        );
                        let _ = outbox
                            .send(error(ErrorCode::ServerLineTooLong, message))
                            .await;
                        quit(&mut server, conv).await;
                        return End::Closed("the server sent an over-long line".to_owned());
                    }
                    Lines::ProbeData => {
                        let message = "the server answered 354 and now waits for message text, \
                                       which this public bridge in probe mode does not send; \
                                       the connection was closed without it, so the server \
                                       discards the message"
                            .to_owned();
                        let _ = outbox.send(error(ErrorCode::ProbeMode, message)).await;
                        // No QUIT: inside DATA it would be message text.
                        let _ = timeout(QUIT_WAIT, server.shutdown()).await;
                        return End::Limit(
                            "probe mode: the server asked for message text".to_owned(),
                            CLOSE_POLICY,
                        );
                    }
                    Lines::StartTls => {
                        server = match Box::pin(upgrade(server, conv, outbox, timing.tls)).await {
                            Ok(upgraded) => upgraded,
                            Err(end) => return end,
                        };
                    }
                }
            }
            Event::Server(Err(cause)) => {
                let message = format!("reading from the server failed: {cause}");
                let _ = outbox.send(error(ErrorCode::UpstreamIo, message)).await;
                return End::Closed("the connection to the server failed".to_owned());
            }
            Event::Browser(None) => {
                quit(&mut server, conv).await;
                return End::BrowserGone;
            }
            Event::Browser(Some(Err(cause))) => {
                let cause = cause.to_string();
                quit(&mut server, conv).await;
                if is_too_big(&cause) {
                    let _ = outbox
                        .send(error(ErrorCode::MessageTooLarge, too_big(conv.max_message)))
                        .await;
                    return End::Limit("the message was too big".to_owned(), CLOSE_TOO_BIG);
                }
                debug!(%cause, "WebSocket failed");
                return End::BrowserGone;
            }
            Event::Browser(Some(Ok(message))) => {
                conv.last_seen = Instant::now();
                let reply = match decode(message, conv.max_message) {
                    Incoming::Msg(ClientMsg::Line { text }) => {
                        match check_outgoing_line(&text, TEXT_LINE) {
                            Ok(()) => {
                                conv.enqueue(text);
                                None
                            }
                            Err(err) => {
                                Some(error(ErrorCode::InvalidLine, format!("not sent: {err}")))
                            }
                        }
                    }
                    Incoming::Msg(ClientMsg::Lines { text }) => {
                        let total = text.len();
                        let bad = text.iter().enumerate().find_map(|(i, line)| {
                            check_outgoing_line(line, TEXT_LINE)
                                .err()
                                .map(|err| (i + 1, err))
                        });
                        match bad {
                            Some((number, err)) => Some(error(
                                ErrorCode::InvalidLine,
                                format!(
                                    "line {number} of {total} refused: {err}; none of the \
                                     {total} lines was sent"
                                ),
                            )),
                            None => {
                                text.into_iter().for_each(|line| conv.enqueue(line));
                                None
                            }
                        }
                    }
                    Incoming::Msg(ClientMsg::Close) => {
                        // Half-close: the server sees end of input, as if the user hung up.
                        let _ = server.shutdown().await;
                        return End::Closed(CLOSED_BY_YOU.to_owned());
                    }
                    Incoming::Msg(ClientMsg::Connect(_)) => Some(error(
                        ErrorCode::AlreadyConnected,
                        "this session is already connected; close it and start a new one to \
                         connect elsewhere",
                    )),
                    Incoming::Msg(ClientMsg::Auth { .. }) => Some(error(
                        ErrorCode::BadMessage,
                        "auth must come before connect; the token was ignored",
                    )),
                    Incoming::TooBig => {
                        let _ = outbox
                            .send(error(ErrorCode::MessageTooLarge, too_big(conv.max_message)))
                            .await;
                        quit(&mut server, conv).await;
                        return End::Limit("the message was too big".to_owned(), CLOSE_TOO_BIG);
                    }
                    Incoming::Bad(reason) => Some(error(ErrorCode::BadMessage, reason)),
                    Incoming::Pong => {
                        unanswered = 0;
                        None
                    }
                    Incoming::Skip => None,
                    Incoming::Gone => {
                        quit(&mut server, conv).await;
                        return End::BrowserGone;
                    }
                };
                if let Some(reply) = reply
                    && outbox.send(reply).await.is_err()
                {
                    return End::BrowserGone;
                }
            }
            Event::Shutdown => {
                quit(&mut server, conv).await;
                return End::GoingAway;
            }
            Event::Silent => {
                let waited = conv.reply_timeout.as_millis();
                let message = format!(
                    "the server has not answered for {waited} ms; the bridge gave up waiting \
                     (RFC 5321 4.5.3.2 lets a client give up after 5 minutes)"
                );
                let _ = outbox.send(error(ErrorCode::ReplyTimeout, message)).await;
                quit(&mut server, conv).await;
                return End::Closed("the server did not answer in time".to_owned());
            }
            Event::Idle => {
                let message = format!(
                    "nothing happened for {} ms, so the bridge closed the session",
                    conv.idle_timeout.as_millis()
                );
                let _ = outbox.send(error(ErrorCode::IdleTimeout, message)).await;
                quit(&mut server, conv).await;
                return End::Closed("the session was idle too long".to_owned());
            }
            Event::Expired => {
                let _ = outbox
                    .send(error(
                        ErrorCode::SessionExpired,
                        "the session reached the longest time this bridge allows; start a new \
                         one to go on",
                    ))
                    .await;
                quit(&mut server, conv).await;
                return End::Closed("the session reached its time limit".to_owned());
            }
            Event::Ping => {
                if unanswered >= MISSED_PONGS {
                    quit(&mut server, conv).await;
                    return End::Closed("the browser stopped answering pings".to_owned());
                }
                unanswered += 1;
                // A full queue means the browser is not reading what it has: a ping would
                // not reach it sooner, and the missed pong counts all the same.
                let _ = outbox.queue.try_push(PING.to_owned());
            }
        }
        let release = conv.release();
        if !release.out.is_empty() {
            let written = async {
                server.write_all(&release.out).await?;
                server.flush().await
            };
            if let Err(cause) = written.await {
                let message = format!("writing to the server failed: {cause}");
                let _ = outbox.send(error(ErrorCode::UpstreamIo, message)).await;
                return End::Closed("the connection to the server failed".to_owned());
            }
            metrics.sent(release.out.len());
            conv.sent_bytes += u64::try_from(release.out.len()).unwrap_or(u64::MAX);
            conv.last_activity = Instant::now();
        }
        if let Some(notice) = release.notice
            && outbox.send(notice).await.is_err()
        {
            return End::BrowserGone;
        }
        if release.end {
            // Inside DATA: no QUIT (it would be message text); the server sees the
            // connection end without the final dot and discards the message.
            let _ = timeout(QUIT_WAIT, server.shutdown()).await;
            return End::Limit("the message was too large".to_owned(), CLOSE_POLICY);
        }
    }
}
