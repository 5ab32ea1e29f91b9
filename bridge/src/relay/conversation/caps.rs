//! The caps of `SECURITY.md` that count: what a line from the browser may be (probe
//! mode, the recipient cap, the DATA byte cap) and how large a reply from the server may
//! grow, with the counters they need.
//!
//! What a line *is* comes from `protocol`'s [`ServerReading`], the verb as the most lenient
//! real server reads it (Postfix takes `" DATA"` and `"DATA\x0b"` as DATA). The recipient
//! count starts again only when the server *accepts* a new transaction (a 2xx to MAIL,
//! RSET, EHLO or HELO, or the end of a message), never because a line looked like one.

use protocol::command::Verb;
use protocol::dot::{DataLine, unstuff_line};
use protocol::server_reading::ServerReading;
use protocol::session::Expect;
use protocol::wire::{ErrorCode, ServerMsg};

use super::Limits;
use crate::relay::error;

/// Where a line from the browser lands on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// Inside DATA: message text.
    Body,
    /// The answer to an AUTH challenge: no command, passed untouched (and unread).
    AuthAnswer,
    /// A command.
    Command,
}

/// What [`Caps::admit`] decided about a line.
#[derive(Debug)]
pub(super) enum Verdict {
    Send,
    /// Not sent; the rest of the queue is dropped too.
    Refuse(ServerMsg),
    /// The session must end (the DATA cap).
    End(ServerMsg),
}

/// The counters the caps are checked against.
#[derive(Debug, Default)]
pub(super) struct Caps {
    /// Message text sent so far.
    data_bytes: u64,
    /// RCPT commands sent in the whole session, and that count when the server last
    /// accepted the start of a transaction: the difference is what the cap limits.
    rcpt_sent: u64,
    rcpt_at_transaction: u64,
    /// The reply being received: lines and bytes.
    reply_lines: usize,
    reply_bytes: usize,
}

impl Caps {
    /// Message text sent so far, for the log.
    pub(super) fn data_bytes(&self) -> u64 {
        self.data_bytes
    }

    /// RCPT commands sent so far: the mark a reply owed is asked with.
    pub(super) fn rcpt_sent(&self) -> u64 {
        self.rcpt_sent
    }

    /// Decides whether a line may go to the server now, from what the server will read
    /// in it: message text counts against the DATA cap; in `probe` mode only SMTP
    /// commands go, and DATA and BDAT are refused; RCPT counts against the recipient cap.
    /// AUTH answers pass untouched (and unread).
    pub(super) fn admit(
        &mut self,
        line: &str,
        place: Place,
        limits: &Limits,
        probe: bool,
    ) -> Verdict {
        match place {
            Place::Body => return self.admit_text(line, limits),
            Place::AuthAnswer => return Verdict::Send,
            Place::Command => {}
        }
        match ServerReading::of(line).verb {
            None if probe => Verdict::Refuse(error(
                ErrorCode::ProbeMode,
                "the line was not sent: this public bridge runs in probe mode, which relays \
                 SMTP commands only (EHLO, STARTTLS, AUTH, MAIL, RCPT, RSET, NOOP, QUIT ...), \
                 and this line does not start with one",
            )),
            Some(verb @ (Verb::Data | Verb::Bdat)) if probe => Verdict::Refuse(error(
                ErrorCode::ProbeMode,
                format!(
                    "{} was not sent: this public bridge runs in probe mode, which relays \
                     EHLO, STARTTLS, AUTH, MAIL and RCPT but delivers no mail to servers on the \
                     internet. Send to the sandbox to try DATA, or ask the operator for a token",
                    if verb == Verb::Data { "DATA" } else { "BDAT" }
                ),
            )),
            Some(Verb::Rcpt)
                if self.rcpt_sent - self.rcpt_at_transaction
                    >= u64::from(limits.max_recipients) =>
            {
                Verdict::Refuse(error(
                    ErrorCode::RecipientLimit,
                    format!(
                        "RCPT was not sent: this bridge allows {} recipients per message (a new \
                     message starts when the server accepts MAIL after RSET or the end of \
                     the last one)",
                        limits.max_recipients
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

    /// Message text: the final dot goes; anything else counts against the DATA cap.
    fn admit_text(&mut self, line: &str, limits: &Limits) -> Verdict {
        if matches!(unstuff_line(line.as_bytes()), DataLine::End) {
            return Verdict::Send;
        }
        self.data_bytes = self
            .data_bytes
            .saturating_add(u64::try_from(line.len() + 2).unwrap_or(u64::MAX));
        if self.data_bytes > limits.max_data {
            return Verdict::End(error(
                ErrorCode::DataLimit,
                format!(
                    "the message text went over {} bytes, the most this bridge relays in \
                     one session; the connection was closed without ending DATA, so the \
                     server discards the message",
                    limits.max_data
                ),
            ));
        }
        Verdict::Send
    }

    /// Counts one line of the reply being received; says whether the reply went over the
    /// line or byte cap.
    pub(super) fn reply_line(&mut self, text: &str, limits: &Limits) -> bool {
        self.reply_lines += 1;
        self.reply_bytes += text.len() + 2;
        self.reply_lines > limits.max_reply_lines || self.reply_bytes > limits.max_reply_bytes
    }

    /// The reply being received ended (complete, or refused by the assembler).
    pub(super) fn reply_ended(&mut self) {
        self.reply_lines = 0;
        self.reply_bytes = 0;
    }

    /// A complete reply answered `answered`, asked for when `rcpt_sent` RCPTs had been
    /// sent: if the server accepted a new transaction there, the recipients counted
    /// from then on are the new transaction's.
    pub(super) fn replied(&mut self, answered: &Expect, code: u16, rcpt_sent: Option<u64>) {
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

    /// TLS is up after STARTTLS: the server forgot the transaction (RFC 3207 4.2).
    pub(super) fn tls_established(&mut self) {
        self.rcpt_at_transaction = self.rcpt_sent;
    }
}
