//! The SMTP conversation as the bridge tracks it: a [`ClientSession`] knows what the
//! server still owes, replies are assembled with a [`ReplyAssembler`], and lines from the
//! browser wait in a queue. Queued lines are released, CRLF appended, all that may go in
//! one write, when the server owes nothing, or, if it advertised PIPELINING, when it owes
//! replies only to commands RFC 2920 lets a client pipeline (MAIL, RCPT, RSET). So a
//! pasted block or a message body is sent as fast as the server allows, and never faster.
//!
//! Security (`SECURITY.md`): each line is admitted by [`Conversation::admit_line`]: probe
//! mode (SMTP commands only, no DATA or BDAT), the recipient cap and the DATA byte cap.
//! What a line *is* comes from `protocol`'s [`ServerReading`], the verb as the most lenient
//! real server reads it (Postfix takes `" DATA"` and `"DATA\x0b"` as DATA), and the
//! `ClientSession` is told the line in that reading, so what it expects is what the server
//! does. The recipient count starts again only when the server *accepts* a new
//! transaction (a 2xx to MAIL, RSET, EHLO or HELO, or the end of a message), never because
//! a line looked like one. In probe mode a `354` ends the session before another byte is
//! written, whatever the bridge thought it had sent. The reply caps, the byte counters and
//! the deadlines ([`Conversation::check_at`]) live here too.

use std::collections::VecDeque;
use std::time::Duration;

use protocol::command::Verb;
use protocol::dot::{DataLine, unstuff_line};
use protocol::limits::SERVER_LINE_MAX;
use protocol::line::TextFramer;
use protocol::reply::{ReplyAssembler, ReplyError, ReplyLine};
use protocol::server_reading::ServerReading;
use protocol::session::{ClientSession, Expect, Phase};
use protocol::wire::{ConnectRequest, ErrorCode, ServerMsg};
use tokio::time::Instant;

use super::Context;
use super::converse::Event;
use super::open::Opened;
use super::to_browser::error;

/// The SMTP conversation as the bridge tracks it between reads and writes.
pub(super) struct Conversation {
    pub(super) started: Instant,
    /// What the server owes, and whether it advertised PIPELINING (from `protocol`).
    pub(super) session: ClientSession,
    pub(super) framer: TextFramer,
    pub(super) replies: ReplyAssembler,
    /// When each reply the server owes was asked for, and how many RCPT lines had been
    /// sent before it, oldest first; in step with `session.pending()`.
    pub(super) asked_at: VecDeque<Asked>,
    /// Lines from the browser not yet written, and their total size.
    queue: VecDeque<String>,
    pub(super) queued_bytes: usize,
    /// Whether the connection is inside TLS now.
    pub(super) encrypted: bool,
    /// For a STARTTLS upgrade: the name to verify and whether failures are accepted.
    pub(super) host: String,
    pub(super) insecure: bool,
    /// The last time the server completed a reply or a command was written: the reply
    /// deadline counts from here, not from the last byte.
    pub(super) last_activity: Instant,
    pub(super) reply_timeout: Duration,
    /// Probe mode: DATA and BDAT are refused.
    pub(super) probe: bool,
    /// The absolute end of the session.
    pub(super) expires: Instant,
    /// The last message from the browser or complete line from the server (idle
    /// timeout).
    pub(super) last_seen: Instant,
    pub(super) idle_timeout: Duration,
    /// Message text sent so far, and the cap.
    pub(super) data_bytes: u64,
    max_data: u64,
    /// RCPT commands sent in the whole session, and that count when the server last
    /// accepted the start of a transaction: the difference is what the cap limits.
    rcpt_sent: u64,
    rcpt_at_transaction: u64,
    max_recipients: u32,
    /// The reply being received: lines and bytes, and the caps.
    reply_lines: usize,
    reply_bytes: usize,
    pub(super) max_reply_lines: usize,
    pub(super) max_reply_bytes: usize,
    /// Largest browser message.
    pub(super) max_message: usize,
    /// Bytes to and from the server, for the log.
    pub(super) sent_bytes: u64,
    pub(super) received_bytes: u64,
}

/// A reply the server owes: when it was asked for, and the RCPT count at that moment.
#[derive(Debug, Clone, Copy)]
pub(super) struct Asked {
    pub(super) at: Instant,
    rcpt_sent: u64,
}

/// Why a server line ends the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// The reply went over the line or byte cap.
    TooLarge,
    /// A `354` in probe mode: the server waits for message text the bridge must not send.
    ProbeData,
}

/// What [`Conversation::admit_line`] decided.
enum Verdict {
    Send,
    /// Not sent; the rest of the queue is dropped too.
    Refuse(ServerMsg),
    /// The session must end (the DATA cap).
    End(ServerMsg),
}

/// What [`Conversation::release`] produced.
pub(super) struct Release {
    /// The bytes to write now.
    pub(super) out: Vec<u8>,
    /// An error for the browser.
    pub(super) notice: Option<ServerMsg>,
    /// The session ends after writing.
    pub(super) end: bool,
}

impl Conversation {
    pub(super) fn new(request: &ConnectRequest, opened: &Opened, context: &Context) -> Self {
        let mut session = ClientSession::default();
        if opened.tls.is_some() {
            session.handle_implicit_tls();
        }
        let policy = &context.policy;
        Self {
            started: opened.started,
            session,
            framer: TextFramer::new(SERVER_LINE_MAX),
            replies: ReplyAssembler::with_max_lines(policy.max_reply_lines),
            // The greeting is owed since the connection was made.
            asked_at: VecDeque::from([Asked {
                at: opened.started,
                rcpt_sent: 0,
            }]),
            queue: VecDeque::new(),
            queued_bytes: 0,
            encrypted: opened.tls.is_some(),
            host: request.host.clone(),
            insecure: request.insecure && context.allow_insecure,
            last_activity: Instant::now(),
            reply_timeout: context.reply_timeout,
            probe: false,
            expires: Instant::now() + policy.session_timeout,
            last_seen: Instant::now(),
            idle_timeout: policy.idle_timeout,
            data_bytes: 0,
            max_data: policy.max_data,
            rcpt_sent: 0,
            rcpt_at_transaction: 0,
            max_recipients: policy.max_recipients,
            reply_lines: 0,
            reply_bytes: 0,
            max_reply_lines: policy.max_reply_lines,
            max_reply_bytes: policy.max_reply_bytes,
            max_message: policy.max_message,
            sent_bytes: 0,
            received_bytes: 0,
        }
    }

    /// Decides whether a line may go to the server now, from what the server will read
    /// in it: message text counts against the DATA cap; in probe mode only SMTP commands
    /// go, and DATA and BDAT are refused; RCPT counts against the recipient cap. AUTH
    /// answers pass untouched (and unread).
    fn admit_line(&mut self, line: &str) -> Verdict {
        if self.session.in_body() {
            if matches!(unstuff_line(line.as_bytes()), DataLine::End) {
                return Verdict::Send;
            }
            self.data_bytes = self
                .data_bytes
                .saturating_add(u64::try_from(line.len() + 2).unwrap_or(u64::MAX));
            if self.data_bytes > self.max_data {
                return Verdict::End(error(
                    ErrorCode::DataLimit,
                    format!(
                        "the message text went over {} bytes, the most this bridge relays in \
                         one session; the connection was closed without ending DATA, so the \
                         server discards the message",
                        self.max_data
                    ),
                ));
            }
            return Verdict::Send;
        }
        if self.answers_auth() {
            return Verdict::Send;
        }
        match ServerReading::of(line).verb {
            None if self.probe => Verdict::Refuse(error(
                ErrorCode::ProbeMode,
                "the line was not sent: this public bridge runs in probe mode, which relays \
                 SMTP commands only (EHLO, STARTTLS, AUTH, MAIL, RCPT, RSET, NOOP, QUIT ...), \
                 and this line does not start with one",
            )),
            Some(verb @ (Verb::Data | Verb::Bdat)) if self.probe => Verdict::Refuse(error(
                ErrorCode::ProbeMode,
                format!(
                    "{} was not sent: this public bridge runs in probe mode, which relays \
                     EHLO, STARTTLS, AUTH, MAIL and RCPT but delivers no mail to servers on the \
                     internet. Send to the sandbox to try DATA, or ask the operator for a token",
                    if verb == Verb::Data { "DATA" } else { "BDAT" }
                ),
            )),
            Some(Verb::Rcpt)
                if self.rcpt_sent - self.rcpt_at_transaction >= u64::from(self.max_recipients) =>
            {
                Verdict::Refuse(error(
                    ErrorCode::RecipientLimit,
                    format!(
                        "RCPT was not sent: this bridge allows {} recipients per message (a new \
                     message starts when the server accepts MAIL after RSET or the end of \
                     the last one)",
                        self.max_recipients
                    ),
                ))
            }
            Some(Verb::Rcpt) => {
                self.rcpt_sent += 1;
                Verdict::Send
            }
            _ => Verdict::Send,
        }
    }

    /// Whether the next line answers an AUTH challenge (and so is no command).
    fn answers_auth(&self) -> bool {
        self.session.phase() == Phase::AuthChallenge && self.session.pending().next().is_none()
    }

    fn owed(&self) -> usize {
        self.session.pending().count()
    }

    /// When the session's timer must next look at the deadlines: the earliest of the reply
    /// deadline, the idle deadline and the session's end. While nothing is owed there is no
    /// reply deadline, but the time stays at most a reply timeout after the last look, so
    /// that it only ever moves later: the reply deadline a command starts is never earlier.
    pub(super) fn check_at(&self, last_check: Instant) -> Instant {
        let reply_from = if self.owed() > 0 {
            self.last_activity
        } else {
            self.last_activity.max(last_check)
        };
        (reply_from + self.reply_timeout)
            .min(self.last_seen + self.idle_timeout)
            .min(self.expires)
    }

    /// Which deadline, if any, has passed at `now`.
    pub(super) fn due<E>(&self, now: Instant) -> Event<E> {
        if now >= self.expires {
            Event::Expired
        } else if self.owed() > 0 && now >= self.last_activity + self.reply_timeout {
            Event::Silent
        } else if now >= self.last_seen + self.idle_timeout {
            Event::Idle
        } else {
            Event::Tick
        }
    }

    pub(super) fn enqueue(&mut self, line: String) {
        self.queued_bytes += line.len() + 2;
        self.queue.push_back(line);
    }

    /// Takes every queued line that may go now, in wire form, for one write; stops at a
    /// line [`admit_line`](Self::admit_line) refuses.
    pub(super) fn release(&mut self) -> Release {
        let mut out = Vec::new();
        while !self.queue.is_empty() && self.session.may_send_now() {
            let Some(line) = self.queue.pop_front() else {
                break;
            };
            self.queued_bytes = self.queued_bytes.saturating_sub(line.len() + 2);
            match self.admit_line(&line) {
                Verdict::Send => {}
                Verdict::Refuse(notice) => {
                    let dropped = self.queue.len();
                    self.queue.clear();
                    self.queued_bytes = 0;
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
                    return Release {
                        out,
                        notice: Some(notice),
                        end: false,
                    };
                }
                Verdict::End(notice) => {
                    self.queue.clear();
                    self.queued_bytes = 0;
                    return Release {
                        out,
                        notice: Some(notice),
                        end: true,
                    };
                }
            }
            let before = self.owed();
            self.record_sent(&line);
            if self.owed() > before {
                self.asked_at.push_back(Asked {
                    at: Instant::now(),
                    rcpt_sent: self.rcpt_sent,
                });
            }
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        Release {
            out,
            notice: None,
            end: false,
        }
    }

    /// Tells the `ClientSession` about a line as the server reads it: `" DATA"` is DATA
    /// there, so the session must expect a 354 and then message text. Message text and
    /// AUTH answers are passed as they are.
    fn record_sent(&mut self, line: &str) {
        let as_command = !self.session.in_body() && !self.answers_auth();
        match as_command
            .then(|| ServerReading::of(line).canonical(line))
            .flatten()
        {
            Some(canonical) => self.session.handle_sent(&canonical),
            None => self.session.handle_sent(line),
        };
    }

    /// A complete reply answered `answered`, asked for when `rcpt_sent` RCPTs had been
    /// sent: if the server accepted a new transaction there, the recipients counted
    /// from then on are the new transaction's.
    fn transaction_check(&mut self, answered: &Expect, code: u16, rcpt_sent: Option<u64>) {
        let accepted = (200..300).contains(&code);
        let new_transaction = match answered {
            Expect::Command(Verb::Mail | Verb::Rset | Verb::Ehlo | Verb::Helo) => accepted,
            // Accepted or refused, the message is over (RFC 5321 4.1.1.4).
            Expect::EndOfData => true,
            _ => code == 421,
        };
        if let (true, Some(mark)) = (new_transaction, rcpt_sent) {
            self.rcpt_at_transaction = self.rcpt_at_transaction.max(mark);
        }
    }

    /// TLS is up after STARTTLS: the server forgets everything (RFC 3207 4.2), the
    /// transaction included, and owes nothing.
    pub(super) fn tls_established(&mut self) {
        self.session.handle_tls_established();
        self.asked_at.clear();
        self.rcpt_at_transaction = self.rcpt_sent;
    }

    /// One line from the server: the message for the browser, whether it was the 220
    /// that accepts STARTTLS, and whether it ends the session.
    pub(super) fn server_line(&mut self, text: String) -> (ServerMsg, bool, Option<Stop>) {
        if self.probe && ReplyLine::parse(&text).is_ok_and(|line| line.code.get() == 354) {
            let message = ServerMsg::Line {
                text,
                at_ms: millis(self.started.elapsed()),
                latency_ms: None,
                encrypted: self.encrypted,
            };
            return (message, false, Some(Stop::ProbeData));
        }
        self.last_seen = Instant::now();
        let latency_ms = self
            .asked_at
            .front()
            .map(|asked| millis(asked.at.elapsed()));
        let mut starttls = false;
        self.reply_lines += 1;
        self.reply_bytes += text.len() + 2;
        let mut too_large =
            self.reply_lines > self.max_reply_lines || self.reply_bytes > self.max_reply_bytes;
        let pushed = self.replies.push(&text);
        if !matches!(pushed, Ok(None)) {
            self.reply_lines = 0;
            self.reply_bytes = 0;
        }
        if matches!(pushed, Err(ReplyError::TooManyLines { .. })) {
            too_large = true;
        }
        if let Ok(Some(reply)) = pushed {
            self.last_activity = self.last_seen;
            let mark = self.asked_at.front().map(|asked| asked.rcpt_sent);
            let received = self.session.handle_reply(&reply);
            self.transaction_check(&received.answered, reply.code.get(), mark);
            starttls =
                received.answered == Expect::Command(Verb::StartTls) && reply.code.get() == 220;
            let owed = self.owed();
            while self.asked_at.len() > owed {
                self.asked_at.pop_front();
            }
        }
        let message = ServerMsg::Line {
            text,
            at_ms: millis(self.started.elapsed()),
            latency_ms,
            encrypted: self.encrypted,
        };
        (message, starttls, too_large.then_some(Stop::TooLarge))
    }

    /// Why the server's hang-up ended the session, in the words of where it happened.
    pub(super) fn hang_up_reason(&mut self) -> String {
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
