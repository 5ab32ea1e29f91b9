//! The sans-IO core of the relay: the SMTP conversation as the bridge tracks it, with no
//! networking code and no clock. Like quinn-proto's `Connection`, it is told what
//! happened (`handle_*`, each with the `now` it happened at) and asked what to do
//! (`poll_*`, [`Conversation::next_deadline`]); the async loop (`event_loop.rs`) does the
//! reading, the writing and the sleeping. So every rule here, deadlines included, is
//! tested with made-up instants (`tests.rs`).
//!
//! A [`ClientSession`] knows what the server still owes, replies are assembled with a
//! [`ReplyAssembler`], and lines from the browser wait in a queue. Queued lines are
//! released, CRLF appended, all that may go in one write, when the server owes nothing,
//! or, if it advertised PIPELINING, when it owes replies only to commands RFC 2920 lets a
//! client pipeline (MAIL, RCPT, RSET). So a pasted block or a message body is sent as fast
//! as the server allows, and never faster.
//!
//! Security (`SECURITY.md`): each line is admitted by the caps (`caps.rs`): probe mode
//! (SMTP commands only, no DATA or BDAT), the recipient cap and the DATA byte cap. The
//! `ClientSession` is told each line as the server reads it ([`ServerReading`]), so what it
//! expects is what the server does. In probe mode a `354` ends the session before another
//! byte is written, whatever the bridge thought it had sent. The reply caps, the byte
//! counters and the deadlines (`deadlines.rs`) live here too.
//!
//! # Calling order
//!
//! After each event the caller: takes every [`poll_server_line`](Conversation::poll_server_line)
//! after [`handle_server_bytes`](Conversation::handle_server_bytes); then
//! [`poll_transmit`](Conversation::poll_transmit), writes its bytes and reports them with
//! [`handle_written`](Conversation::handle_written); then sleeps until
//! [`next_deadline`](Conversation::next_deadline) (or the next event) and calls
//! [`handle_timeout`](Conversation::handle_timeout) when it wakes for it.

mod caps;
mod deadlines;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use protocol::command::Verb;
use protocol::limits::{SENT_LINE_MAX, SERVER_LINE_MAX, TEXT_LINE};
use protocol::line::{TextFramer, check_outgoing_line};
use protocol::reply::{ReplyAssembler, ReplyError, ReplyLine};
use protocol::server_reading::ServerReading;
use protocol::session::{ClientSession, Expect, Phase};
use protocol::wire::{ClientMsg, ErrorCode, ServerMsg};

use self::caps::{Caps, Place, Verdict};
use self::deadlines::Deadlines;
pub(super) use self::deadlines::Timeout;
use super::Context;
use super::error;

/// Bytes of browser lines waiting for the server before the bridge stops reading the
/// browser (backpressure). One WebSocket message may go past it once.
pub(super) const QUEUE_BYTES: usize = 64 * 1024;

/// The caps and timeouts of one session (`SECURITY.md`), fixed when it starts.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// How long the server may take to complete a reply it owes.
    pub(super) reply_timeout: Duration,
    /// How long the session may go without a browser message or a server line.
    pub(super) idle_timeout: Duration,
    /// How often the browser is pinged.
    pub(super) ping_interval: Duration,
    /// Message text per session, in bytes.
    pub(super) max_data: u64,
    /// RCPT commands per transaction.
    pub(super) max_recipients: u32,
    /// Lines and bytes of one reply.
    pub(super) max_reply_lines: usize,
    pub(super) max_reply_bytes: usize,
    /// Largest browser message.
    pub(super) max_message: usize,
}

impl Limits {
    /// The limits a session of this app runs under.
    pub(super) fn of(context: &Context) -> Self {
        let policy = &context.policy;
        Self {
            reply_timeout: context.reply_timeout,
            idle_timeout: policy.idle_timeout,
            ping_interval: policy.ping_interval,
            max_data: policy.max_data,
            max_recipients: policy.max_recipients,
            max_reply_lines: policy.max_reply_lines,
            max_reply_bytes: policy.max_reply_bytes,
            max_message: policy.max_message,
        }
    }
}

/// What a conversation starts from, once the connection is open.
#[derive(Debug)]
pub(super) struct Start {
    pub(super) limits: Limits,
    /// For a STARTTLS upgrade: the name to verify and whether failures are accepted.
    pub(super) host: String,
    pub(super) insecure: bool,
    /// TLS from the first byte (the server's greeting comes inside it).
    pub(super) implicit_tls: bool,
    /// Probe mode: SMTP commands only, DATA and BDAT refused.
    pub(super) probe: bool,
    /// When the TCP connection was made: the greeting is owed since then.
    pub(super) connected_at: Instant,
    /// The absolute end of the session.
    pub(super) expires: Instant,
}

/// What the STARTTLS handshake needs to know.
#[derive(Debug, Clone, Copy)]
pub(super) struct TlsTarget<'a> {
    /// The name the certificate must be valid for.
    pub(super) host: &'a str,
    /// Whether verification failures are accepted.
    pub(super) insecure: bool,
    /// When the TCP connection was made (the TLS facts' `at_ms`).
    pub(super) connected_at: Instant,
}

/// Bytes both ways, for the log line of a finished session.
#[derive(Debug, Clone, Copy)]
pub(super) struct Totals {
    pub(super) to_server: u64,
    pub(super) from_server: u64,
    /// The message text among `to_server`.
    pub(super) data: u64,
}

/// What [`Conversation::poll_server_line`] found.
#[derive(Debug)]
pub(super) enum ServerLine {
    /// A complete line.
    Heard(Heard),
    /// A line over [`SERVER_LINE_MAX`] (the framer's words for it): the session ends.
    /// Skipping it would let a server send one endless line, every byte of it read,
    /// until the session's absolute limit.
    TooLong(String),
}

/// A complete line from the server: the `line` message for the browser, and what comes
/// after it.
#[derive(Debug)]
pub(super) struct Heard {
    pub(super) message: ServerMsg,
    pub(super) then: Then,
}

/// What follows a server line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Then {
    /// Forward it and go on.
    Continue,
    /// Forward it, then upgrade before reading anything else: it was the 220 that
    /// accepts STARTTLS.
    StartTls,
    /// Forward it, then end before another byte is written: a `354` in probe mode, the
    /// server waits for message text the bridge must not send.
    ProbeData,
    /// Do not forward it, and end: the reply went over the line or byte cap.
    TooLarge,
}

/// The server closed the connection, from [`Conversation::handle_server_closed`].
#[derive(Debug)]
pub(super) struct ServerClosed {
    /// The last line, sent without a line end.
    pub(super) tail: Option<ServerMsg>,
    /// Why the session ended, in the words of where it happened.
    pub(super) reason: String,
}

/// What a browser message asks of the session, from [`Conversation::handle_browser`].
#[derive(Debug)]
pub(super) enum Reaction {
    /// Nothing to say.
    Quiet,
    /// Tell the browser this (an error); the session goes on.
    Answer(ServerMsg),
    /// The browser asked to close: half-close the server and end.
    Close,
}

/// What [`Conversation::poll_transmit`] produced.
#[derive(Debug)]
pub(super) struct Transmit {
    /// The bytes to write now.
    pub(super) bytes: Vec<u8>,
    /// An error for the browser (a refused line).
    pub(super) notice: Option<ServerMsg>,
    /// The session ends after writing (the DATA cap).
    pub(super) ends_session: bool,
}

/// A reply the server owes: when it was asked for, and the RCPT count at that moment.
#[derive(Debug, Clone, Copy)]
struct Asked {
    at: Instant,
    rcpt_sent: u64,
}

/// Lines from the browser not yet written, and their total size in wire form.
#[derive(Debug, Default)]
struct Queue {
    lines: VecDeque<String>,
    bytes: usize,
}

/// The SMTP conversation as the bridge tracks it between reads and writes.
#[derive(Debug)]
pub(super) struct Conversation {
    limits: Limits,
    /// What the server owes, and whether it advertised PIPELINING (from `protocol`).
    session: ClientSession,
    framer: TextFramer,
    replies: ReplyAssembler,
    /// When each reply the server owes was asked for, oldest first; in step with
    /// `session.pending()`.
    asked: VecDeque<Asked>,
    queue: Queue,
    caps: Caps,
    clock: Deadlines,
    /// Whether the connection is inside TLS now.
    encrypted: bool,
    probe: bool,
    host: String,
    insecure: bool,
    /// Bytes to and from the server, for the log.
    sent_bytes: u64,
    received_bytes: u64,
}

impl Conversation {
    /// A conversation that starts at `now`.
    pub(super) fn new(start: Start, now: Instant) -> Self {
        let mut session = ClientSession::default();
        if start.implicit_tls {
            session.handle_implicit_tls();
        }
        Self {
            limits: start.limits,
            session,
            framer: TextFramer::new(SERVER_LINE_MAX),
            replies: ReplyAssembler::with_max_lines(start.limits.max_reply_lines),
            // The greeting is owed since the connection was made.
            asked: VecDeque::from([Asked {
                at: start.connected_at,
                rcpt_sent: 0,
            }]),
            queue: Queue::default(),
            caps: Caps::default(),
            clock: Deadlines::new(&start.limits, start.connected_at, start.expires, now),
            encrypted: start.implicit_tls,
            probe: start.probe,
            host: start.host,
            insecure: start.insecure,
            sent_bytes: 0,
            received_bytes: 0,
        }
    }

    // Getters.

    pub(super) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Whether a message body is open (a `QUIT` now would be message text).
    pub(super) fn in_body(&self) -> bool {
        self.session.in_body()
    }

    /// Whether the browser may be read: the queue for the server has room.
    pub(super) fn wants_browser_input(&self) -> bool {
        self.queue.bytes < QUEUE_BYTES
    }

    /// When [`handle_timeout`](Self::handle_timeout) must next be called; see
    /// `deadlines.rs`.
    pub(super) fn next_deadline(&self) -> Instant {
        self.clock.next(&self.limits, self.owed() > 0)
    }

    pub(super) fn tls_target(&self) -> TlsTarget<'_> {
        TlsTarget {
            host: &self.host,
            insecure: self.insecure,
            connected_at: self.clock.connected_at(),
        }
    }

    pub(super) fn totals(&self) -> Totals {
        Totals {
            to_server: self.sent_bytes,
            from_server: self.received_bytes,
            data: self.caps.data_bytes(),
        }
    }

    fn owed(&self) -> usize {
        self.session.pending().count()
    }

    /// Whether the next line answers an AUTH challenge (and so is no command).
    fn answers_auth(&self) -> bool {
        self.session.phase() == Phase::AuthChallenge && self.session.pending().next().is_none()
    }

    /// Where the next line to the server lands.
    fn place(&self) -> Place {
        if self.session.in_body() {
            Place::Body
        } else if self.answers_auth() {
            Place::AuthAnswer
        } else {
            Place::Command
        }
    }

    // Inputs.

    /// Bytes from the server. They take no `now`: bytes are not progress. The deadlines
    /// move on complete lines and replies ([`poll_server_line`](Self::poll_server_line)),
    /// so a server that dribbles or never ends a line still meets the reply and idle
    /// timeouts.
    pub(super) fn handle_server_bytes(&mut self, bytes: &[u8]) {
        self.framer.push(bytes);
        self.received_bytes = self
            .received_bytes
            .saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
    }

    /// The server closed the connection at `now`: the last line if it had no line end,
    /// and why the session ends.
    pub(super) fn handle_server_closed(&mut self, now: Instant) -> ServerClosed {
        let tail = self
            .framer
            .finish()
            .map(|text| self.server_line(text, now).message);
        ServerClosed {
            tail,
            reason: self.hang_up_reason(),
        }
    }

    /// A message from the browser at `now` (any message is a sign of life); lines are
    /// checked (the bridge never trusts the browser) and queued.
    pub(super) fn handle_browser(&mut self, now: Instant, message: ClientMsg) -> Reaction {
        self.clock.seen(now);
        match message {
            // A typed line may go past the RFC's limit (the server's refusal is a lesson);
            // a batch of pasted message lines may not.
            ClientMsg::Line { text } => match check_outgoing_line(&text, SENT_LINE_MAX) {
                Ok(()) => {
                    self.enqueue(text);
                    Reaction::Quiet
                }
                Err(err) => {
                    Reaction::Answer(error(ErrorCode::InvalidLine, format!("not sent: {err}")))
                }
            },
            ClientMsg::Lines { text } => {
                let total = text.len();
                let bad = text.iter().enumerate().find_map(|(i, line)| {
                    check_outgoing_line(line, TEXT_LINE)
                        .err()
                        .map(|err| (i + 1, err))
                });
                match bad {
                    Some((number, err)) => Reaction::Answer(error(
                        ErrorCode::InvalidLine,
                        format!(
                            "line {number} of {total} refused: {err}; none of the {total} \
                             lines was sent"
                        ),
                    )),
                    None => {
                        text.into_iter().for_each(|line| self.enqueue(line));
                        Reaction::Quiet
                    }
                }
            }
            ClientMsg::Close => Reaction::Close,
            ClientMsg::Connect(_) => Reaction::Answer(error(
                ErrorCode::AlreadyConnected,
                "this session is already connected; close it and start a new one to connect \
                 elsewhere",
            )),
            ClientMsg::Auth { .. } => Reaction::Answer(error(
                ErrorCode::BadMessage,
                "auth must come before connect; the token was ignored",
            )),
        }
    }

    /// A WebSocket message from the browser at `now` that is no protocol message (a
    /// ping, or one that could not be read): a sign of life all the same.
    pub(super) fn handle_other_browser_message(&mut self, now: Instant) {
        self.clock.seen(now);
    }

    /// The browser answered a ping at `now`.
    pub(super) fn handle_pong(&mut self, now: Instant) {
        self.clock.seen(now);
        self.clock.ponged();
    }

    /// The caller's timer fired at `now`: which deadline, if any, has passed.
    pub(super) fn handle_timeout(&mut self, now: Instant) -> Option<Timeout> {
        let owed = self.owed() > 0;
        self.clock.handle_timeout(&self.limits, now, owed)
    }

    /// `bytes` from [`poll_transmit`](Self::poll_transmit) were written at `now`: the
    /// reply deadline counts from here.
    pub(super) fn handle_written(&mut self, now: Instant, bytes: usize) {
        self.sent_bytes = self
            .sent_bytes
            .saturating_add(u64::try_from(bytes).unwrap_or(u64::MAX));
        self.clock.progressed(now);
    }

    /// The server accepted STARTTLS: whatever it sent after that reply is dropped unread
    /// (RFC 3207 4.2: plaintext there may be an injection); returns how many bytes.
    pub(super) fn handle_starttls_accepted(&mut self) -> usize {
        self.replies = ReplyAssembler::with_max_lines(self.limits.max_reply_lines);
        self.framer.discard_buffered()
    }

    /// TLS is up after STARTTLS at `now`: the server forgets everything (RFC 3207 4.2),
    /// the transaction included, and owes nothing.
    pub(super) fn handle_tls_established(&mut self, now: Instant) {
        self.encrypted = true;
        self.session.handle_tls_established();
        self.asked.clear();
        self.caps.tls_established();
        self.clock.progressed(now);
    }

    // Outputs.

    /// The next complete line from the server, handled at `now`.
    pub(super) fn poll_server_line(&mut self, now: Instant) -> Option<ServerLine> {
        let framed = self.framer.next_line()?;
        Some(match framed {
            Ok(line) => {
                let text = line.text.to_owned();
                ServerLine::Heard(self.server_line(text, now))
            }
            Err(err) => ServerLine::TooLong(err.to_string()),
        })
    }

    /// Takes every queued line that may go now, in wire form, for one write; stops at a
    /// line the caps refuse. A reply owed from here on counts its latency from `now`.
    pub(super) fn poll_transmit(&mut self, now: Instant) -> Transmit {
        let mut bytes = Vec::new();
        while !self.queue.lines.is_empty() && self.session.may_send_now() {
            let Some(line) = self.queue.lines.pop_front() else {
                break;
            };
            self.queue.bytes = self.queue.bytes.saturating_sub(line.len() + 2);
            let place = self.place();
            match self.caps.admit(&line, place, &self.limits, self.probe) {
                Verdict::Send => {}
                Verdict::Refuse(notice) => {
                    let dropped = self.queue.lines.len();
                    self.queue = Queue::default();
                    let notice = match notice {
                        ServerMsg::Error { code, message } if dropped > 0 => ServerMsg::Error {
                            code,
                            message: format!(
                                "{message}; the {dropped} lines queued after it were not sent \
                                 either"
                            ),
                        },
                        other => other,
                    };
                    return Transmit {
                        bytes,
                        notice: Some(notice),
                        ends_session: false,
                    };
                }
                Verdict::End(notice) => {
                    self.queue = Queue::default();
                    return Transmit {
                        bytes,
                        notice: Some(notice),
                        ends_session: true,
                    };
                }
            }
            let before = self.owed();
            self.record_sent(&line, place);
            if self.owed() > before {
                self.asked.push_back(Asked {
                    at: now,
                    rcpt_sent: self.caps.rcpt_sent(),
                });
            }
            bytes.extend_from_slice(line.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        Transmit {
            bytes,
            notice: None,
            ends_session: false,
        }
    }

    // The rest.

    fn enqueue(&mut self, line: String) {
        self.queue.bytes += line.len() + 2;
        self.queue.lines.push_back(line);
    }

    /// Tells the `ClientSession` about a line as the server reads it: `" DATA"` is DATA
    /// there, so the session must expect a 354 and then message text. Message text and
    /// AUTH answers are passed as they are. `place` is where the line was admitted.
    fn record_sent(&mut self, line: &str, place: Place) {
        match (place == Place::Command)
            .then(|| ServerReading::of(line).canonical(line))
            .flatten()
        {
            Some(canonical) => self.session.handle_sent(&canonical),
            None => self.session.handle_sent(line),
        };
    }

    /// One line from the server at `now`: the message for the browser and what follows.
    fn server_line(&mut self, text: String, now: Instant) -> Heard {
        let at_ms = millis(self.clock.since_connect(now));
        if self.probe && ReplyLine::parse(&text).is_ok_and(|line| line.code.get() == 354) {
            let message = ServerMsg::Line {
                text,
                at_ms,
                latency_ms: None,
                encrypted: self.encrypted,
            };
            return Heard {
                message,
                then: Then::ProbeData,
            };
        }
        self.clock.seen(now);
        let latency_ms = self
            .asked
            .front()
            .map(|asked| millis(now.saturating_duration_since(asked.at)));
        let mut then = Then::Continue;
        let mut too_large = self.caps.reply_line(&text, &self.limits);
        let pushed = self.replies.push(&text);
        if !matches!(pushed, Ok(None)) {
            self.caps.reply_ended();
        }
        if matches!(pushed, Err(ReplyError::TooManyLines { .. })) {
            too_large = true;
        }
        if let Ok(Some(reply)) = pushed {
            self.clock.progressed(now);
            let mark = self.asked.front().map(|asked| asked.rcpt_sent);
            let received = self.session.handle_reply(&reply);
            self.caps
                .replied(&received.answered, reply.code.get(), mark);
            if received.answered == Expect::Command(Verb::StartTls) && reply.code.get() == 220 {
                then = Then::StartTls;
            }
            let owed = self.owed();
            while self.asked.len() > owed {
                self.asked.pop_front();
            }
        }
        if too_large {
            then = Then::TooLarge;
        }
        let message = ServerMsg::Line {
            text,
            at_ms,
            latency_ms,
            encrypted: self.encrypted,
        };
        Heard { message, then }
    }

    /// Why the server's hang-up ended the session, in the words of where it happened.
    fn hang_up_reason(&mut self) -> String {
        let in_body = self.session.in_body();
        let awaiting_dot = self
            .session
            .pending()
            .any(|owed| *owed == Expect::EndOfData);
        let owed = self.owed();
        self.session.handle_closed();
        if in_body {
            "the server closed the connection in the middle of DATA; the message was not \
             delivered"
                .to_owned()
        } else if awaiting_dot {
            "the server closed the connection before answering the end of DATA; the message \
             was probably not delivered"
                .to_owned()
        } else if owed > 0 {
            format!("the server closed the connection without answering ({owed} replies owed)")
        } else {
            "the server closed the connection".to_owned()
        }
    }
}

fn millis(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
}
