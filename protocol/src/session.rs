//! The client side of an SMTP session as a state machine: what has been said, what the
//! server is expected to answer, and what a line the user is about to send will most likely
//! get.
//!
//! The machine is fed both directions of a conversation, in order:
//! [`ClientSession::handle_sent`] for every line the client sends and
//! [`ClientSession::handle_reply`] for every complete reply. It never blocks a line: the
//! playground lets a student send `RCPT TO` before `MAIL FROM` on purpose and learn from the
//! real `503`. [`ClientSession::predict`] says beforehand what will most likely happen.
//!
//! Transitions follow RFC 5321 4.1.4 (order of commands) and 3.3 (mail transactions), RFC
//! 4954 (AUTH), RFC 3207 (STARTTLS: forget everything, EHLO again), RFC 2920 (replies to
//! pipelined commands come back in order) and RFC 3030 (`BDAT n`: the next n octets are
//! data, whatever they look like).
//!
//! The machine cannot lose sync with what it is fed: a transcript may lack the greeting
//! (smtplib logs), a reply (a server bug), or every client line (a server-only log). Each
//! reply is matched to the oldest outstanding command it can answer (`session/fit.rs`): a `354`
//! only answers DATA, a `334` only AUTH, a `2.1.5` only RCPT, so a reply that cannot
//! belong to the oldest command moves the match forward instead of shifting every later
//! explanation by one.

mod body;
mod fit;
mod predict;

use crate::auth::{self, Prompt};
use crate::command::{Args, Command, Verb};
use crate::dot::{DataLine, unstuff_line};
use crate::enhanced::EnhancedCode;
use crate::extension::Capabilities;
use crate::reply::{Reply, ReplyClass};
use body::BodyHeaders;
use std::collections::VecDeque;

pub use body::HeaderState;

/// Where the session stands, as far as the server has confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Connected; the server's 220 greeting has not arrived yet.
    Greeting,
    /// Greeted (or TLS just started): HELO or EHLO comes next.
    Hello,
    /// Introduced: MAIL FROM, AUTH, STARTTLS, VRFY ... may follow.
    Ready,
    /// MAIL FROM accepted: RCPT TO comes next.
    Mail,
    /// At least one RCPT TO accepted: more RCPT TO, or DATA.
    Rcpt,
    /// After 354: every line is message text until a line with a single `.`.
    Data,
    /// During AUTH: the server sent a 334 challenge and waits for one base64 line.
    AuthChallenge,
    /// STARTTLS was accepted: the TLS handshake runs now.
    TlsHandshake,
    /// QUIT was answered, or the server closed the session (421).
    Closed,
}

impl Phase {
    /// A short prompt for the terminal, like the `DATA>` of a message body.
    pub fn prompt(self) -> &'static str {
        match self {
            Phase::Greeting => "wait>",
            Phase::Hello => "HELO>",
            Phase::Ready => "SMTP>",
            Phase::Mail => "MAIL>",
            Phase::Rcpt => "RCPT>",
            Phase::Data => "DATA>",
            Phase::AuthChallenge => "AUTH>",
            Phase::TlsHandshake => "TLS>",
            Phase::Closed => "closed>",
        }
    }
}

/// What a line the client sent was, in the context it was sent in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// An SMTP command (or an unknown word in command position).
    Command {
        /// The recognised verb, `None` for an unknown one.
        verb: Option<Verb>,
    },
    /// A base64 answer to a 334 challenge. Carries what the challenge asked for.
    AuthAnswer {
        /// The decoded challenge.
        prompt: Prompt,
        /// What the answer decodes to, secrets withheld: `Some(username)` for a LOGIN
        /// username, `None` otherwise.
        shown: Option<String>,
        /// `*`: the client cancels the exchange (RFC 4954 4).
        cancel: bool,
    },
    /// A line of message text between 354 and the final dot.
    BodyLine {
        /// 1-based number of the line in the message.
        number: usize,
        /// 1-based number of the line in the body, counted after the header block and
        /// its empty line; `None` for a header line or that empty line.
        in_body: Option<usize>,
    },
    /// The lone `.` that ends the message.
    EndOfData,
    /// Octets inside a `BDAT` chunk: data, whatever they look like (RFC 3030 2).
    BdatData {
        /// Octets of the chunk still to come after this line.
        remaining: u64,
    },
}

/// The command a reply answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// The greeting after connecting.
    Greeting,
    /// A reply to a command.
    Command(Verb),
    /// A reply to an unknown command.
    Unknown,
    /// A reply to an AUTH answer line.
    AuthAnswer {
        /// The mechanism of the exchange.
        mechanism: String,
    },
    /// The reply to the final dot of DATA, or to `BDAT n LAST`.
    EndOfData,
    /// Nothing was outstanding: the server spoke on its own (a 421 on timeout).
    Nothing,
}

impl Expect {
    /// What the reply answers in the words of the annotations' JSON: `greeting`, a verb
    /// (`RCPT`), `auth-answer`, `end-of-data`, `unknown-command` or `none`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Expect::Greeting => "greeting",
            Expect::Command(verb) => verb.as_str(),
            Expect::Unknown => "unknown-command",
            Expect::AuthAnswer { .. } => "auth-answer",
            Expect::EndOfData => "end-of-data",
            Expect::Nothing => "none",
        }
    }
}

/// What a reply meant for the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// What the reply answered.
    pub answered: Expect,
    /// The index (0-based, counting every [`ClientSession::handle_sent`]) of the client
    /// line it answered; `None` for the greeting or when the line is not in the transcript.
    pub line: Option<usize>,
    /// The RFC 3463 enhanced code at the start of the text, if any.
    pub enhanced: Option<EnhancedCode>,
    /// For a 334: what the challenge decodes to.
    pub prompt: Option<Prompt>,
    /// The phase after the reply.
    pub phase: Phase,
    /// The server answered more than was asked (a reply with nothing pending).
    pub unsolicited: bool,
    /// Outstanding commands this reply skipped because it can only answer a later one:
    /// their replies are missing (from the transcript, or the server never sent them).
    pub skipped: Vec<Expect>,
    /// Nothing in the transcript said what this reply answers; `answered` was read from
    /// the reply itself (a server-only log).
    pub inferred: bool,
}

/// One reply the server owes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Owed {
    expect: Expect,
    /// The index of the client line that asked for it.
    line: Option<usize>,
}

/// An AUTH exchange in progress (RFC 4954 4).
#[derive(Debug, Clone, PartialEq, Eq)]
struct AuthExchange {
    /// The mechanism, upper case (`LOGIN`); empty when the AUTH line is not in the transcript.
    mechanism: String,
    /// What the last 334 challenge decodes to.
    prompt: Prompt,
    /// The last 334 challenge as sent: base64 text after the code.
    challenge: String,
}

/// The client side of a session; see the module documentation.
#[derive(Debug, Clone)]
pub struct ClientSession {
    phase: Phase,
    pending: VecDeque<Owed>,
    capabilities: Option<Capabilities>,
    /// Which greeting the server accepted; `None` until HELO or EHLO got 250.
    hello: Option<Verb>,
    tls: bool,
    authenticated: bool,
    /// AUTH exchange in progress.
    auth: Option<AuthExchange>,
    recipients: usize,
    body_lines: usize,
    body_octets: u64,
    body_headers: BodyHeaders,
    /// Octets of the current BDAT chunk not yet seen.
    bdat_remaining: u64,
    /// Octets sent in BDAT chunks of the current transaction.
    bdat_octets: u64,
    /// Client lines sent so far.
    lines_sent: usize,
    /// The beginning of the session is not known (a transcript that starts after the
    /// greeting): predictions that depend on earlier commands are not made until an EHLO,
    /// HELO or MAIL reply shows where the session stands.
    partial: bool,
    /// The message was sent before the 354 arrived (a client that talked ahead): the 354
    /// that comes later must not open the message a second time.
    data_assumed: bool,
}

impl Default for ClientSession {
    /// A session that has just connected and waits for the greeting.
    fn default() -> Self {
        Self {
            phase: Phase::Greeting,
            pending: VecDeque::from([Owed {
                expect: Expect::Greeting,
                line: None,
            }]),
            capabilities: None,
            hello: None,
            tls: false,
            authenticated: false,
            auth: None,
            recipients: 0,
            body_lines: 0,
            body_octets: 0,
            body_headers: BodyHeaders::default(),
            bdat_remaining: 0,
            bdat_octets: 0,
            lines_sent: 0,
            partial: false,
            data_assumed: false,
        }
    }
}

impl ClientSession {
    // ---- getters -----------------------------------------------------------------------

    /// The phase the server has confirmed.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// What the server advertised in its last EHLO reply.
    pub fn capabilities(&self) -> Option<&Capabilities> {
        self.capabilities.as_ref()
    }

    /// Whether TLS is on (implicit TLS or after STARTTLS).
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// Whether AUTH succeeded (235).
    pub fn is_authenticated(&self) -> bool {
        self.authenticated
    }

    /// Which greeting the server accepted: HELO or EHLO.
    pub fn hello(&self) -> Option<Verb> {
        self.hello
    }

    /// The replies the server still owes, oldest first.
    pub fn pending(&self) -> impl Iterator<Item = &Expect> {
        self.pending.iter().map(|owed| &owed.expect)
    }

    /// Recipients accepted in the current transaction.
    pub fn recipients(&self) -> usize {
        self.recipients
    }

    /// The challenge being answered, during AUTH.
    pub fn auth_prompt(&self) -> Option<&Prompt> {
        self.auth.as_ref().map(|exchange| &exchange.prompt)
    }

    /// The challenge being answered, during AUTH, as the server sent it: the base64 text
    /// after `334 ` (empty for an empty challenge), for showing next to what it decodes to.
    pub fn auth_challenge(&self) -> Option<&str> {
        self.auth
            .as_ref()
            .map(|exchange| exchange.challenge.as_str())
    }

    /// Whether the next line is message text (after 354).
    pub fn in_body(&self) -> bool {
        self.phase == Phase::Data
    }

    /// Whether the next line is inside a BDAT chunk.
    pub fn in_bdat_chunk(&self) -> bool {
        self.bdat_remaining > 0
    }

    /// Whether the next line answers a 334 challenge.
    pub fn expects_auth_answer(&self) -> bool {
        self.phase == Phase::AuthChallenge && self.pending.is_empty()
    }

    /// Where the message being typed stands: headers, the blank line, the body.
    pub fn header_state(&self) -> HeaderState {
        self.body_headers.state()
    }

    /// Whether the header block of the message typed so far has a `Subject:` field (the
    /// tutorial's first header).
    pub fn message_has_subject(&self) -> bool {
        self.body_headers.subject
    }

    /// The header fields of the message typed so far (after 354), in order: the name as
    /// typed and the value unfolded. Empty again once the transaction ends.
    pub fn message_headers(&self) -> &[(String, String)] {
        &self.body_headers.fields
    }

    /// Whether an AUTH exchange is under way: the AUTH command (or an answer line) waits
    /// for its reply, or a 334 waits for the next line.
    pub fn in_auth_exchange(&self) -> bool {
        self.phase == Phase::AuthChallenge
            || self.pending.iter().any(|owed| {
                matches!(
                    owed.expect,
                    Expect::Command(Verb::Auth) | Expect::AuthAnswer { .. }
                )
            })
    }

    /// Octets of the message sent in this transaction (DATA lines with CRLF, or BDAT
    /// chunks), for comparing with SIZE.
    pub fn message_octets(&self) -> u64 {
        self.body_octets + self.bdat_octets
    }

    /// How many client lines were sent: the index the next one will have.
    pub fn lines_sent(&self) -> usize {
        self.lines_sent
    }

    /// Whether the session's beginning is missing from what it was fed.
    pub fn is_partial(&self) -> bool {
        self.partial
    }

    /// Whether a client may write its next line now: inside a BDAT chunk; when the server
    /// owes nothing; or,
    /// if it advertised PIPELINING, while it owes replies only to MAIL, RCPT and RSET, the
    /// commands RFC 2920 section 3.1 lets a client send without waiting. Everything else
    /// (EHLO, DATA, AUTH, STARTTLS, QUIT ...) ends a group and waits for its reply.
    pub fn may_send_now(&self) -> bool {
        if self.bdat_remaining > 0 {
            // A chunk follows its BDAT at once: the server answers only after reading it
            // (RFC 3030 2), so waiting for that reply first would wait for ever.
            return true;
        }
        let mut pending = self.pending().peekable();
        if pending.peek().is_none() {
            return true;
        }
        self.advertises("PIPELINING")
            && pending.all(|owed| {
                matches!(
                    owed,
                    Expect::Command(Verb::Mail | Verb::Rcpt | Verb::Rset | Verb::Bdat)
                )
            })
    }

    fn advertises(&self, keyword: &str) -> bool {
        self.capabilities.as_ref().is_some_and(|c| c.has(keyword))
    }

    // ---- inputs ------------------------------------------------------------------------

    /// The connection was made with TLS from the start (port 465, RFC 8314).
    pub fn handle_implicit_tls(&mut self) {
        self.tls = true;
    }

    /// The transcript does not show the server's greeting: it starts at the first line
    /// the client sent, so the greeting is not waited for and what came before is unknown.
    pub fn handle_greeting_not_shown(&mut self) {
        if self.phase == Phase::Greeting {
            self.pending.retain(|owed| owed.expect != Expect::Greeting);
            self.phase = Phase::Hello;
            self.partial = true;
        }
    }

    /// The client sends its message without waiting for DATA's 354, and the transcript
    /// shows the server will answer 354: the lines from here on are message text.
    /// Does nothing unless DATA is the last command waiting for its reply.
    pub fn handle_data_assumed(&mut self) {
        if self.pending().last() == Some(&Expect::Command(Verb::Data)) && self.phase != Phase::Data
        {
            self.open_message();
            self.data_assumed = true;
        }
    }

    fn open_message(&mut self) {
        self.body_lines = 0;
        self.body_octets = 0;
        self.body_headers = BodyHeaders::default();
        self.phase = Phase::Data;
    }

    /// The STARTTLS handshake finished: the server forgets everything it knew about the
    /// client (RFC 3207 4.2), so EHLO must be sent again.
    pub fn handle_tls_established(&mut self) {
        self.tls = true;
        self.capabilities = None;
        self.hello = None;
        self.authenticated = false;
        self.reset_transaction();
        self.phase = Phase::Hello;
    }

    /// Records a line the client sent (without CRLF) and says what it was.
    pub fn handle_sent(&mut self, line: &str) -> Sent {
        let index = self.lines_sent;
        self.lines_sent += 1;
        if self.bdat_remaining > 0 {
            let octets = crate::chunk::chunk_octets([line]);
            self.bdat_remaining = self.bdat_remaining.saturating_sub(octets);
            return Sent::BdatData {
                remaining: self.bdat_remaining,
            };
        }
        if self.phase == Phase::Data {
            return self.handle_body_line(line, index);
        }
        if self.expects_auth_answer() {
            let (mechanism, prompt) = self.auth.as_ref().map_or_else(
                || (String::new(), Prompt::Empty),
                |exchange| (exchange.mechanism.clone(), exchange.prompt.clone()),
            );
            let cancel = line.trim() == "*";
            let shown = (!cancel && prompt == Prompt::Username)
                .then(|| auth::decode(line).ok())
                .flatten()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
            self.owe(Expect::AuthAnswer { mechanism }, index);
            return Sent::AuthAnswer {
                prompt,
                shown,
                cancel,
            };
        }
        // What the server will do with the line: Postfix reads `" DATA"` as DATA.
        let canonical = server_reading(line);
        let command = Command::parse(canonical.as_deref().unwrap_or(line));
        let verb = command.line.verb;
        let expect = match (verb, &command.args) {
            (Some(Verb::Bdat), Args::Bdat { last: true, .. }) => Expect::EndOfData,
            (Some(verb), _) => Expect::Command(verb),
            (None, _) => Expect::Unknown,
        };
        match (verb, &command.args) {
            (Some(Verb::Auth), Args::Auth { mechanism, .. }) => {
                self.auth = Some(AuthExchange {
                    mechanism: mechanism.to_ascii_uppercase(),
                    prompt: Prompt::Empty,
                    challenge: String::new(),
                });
            }
            (
                Some(Verb::Bdat),
                Args::Bdat {
                    size: Some(size), ..
                },
            ) => {
                // The chunk follows at once, without waiting for a reply (RFC 3030 2).
                self.bdat_remaining = *size;
                self.bdat_octets += *size;
            }
            _ => {}
        }
        self.owe(expect, index);
        Sent::Command { verb }
    }

    fn owe(&mut self, expect: Expect, line: usize) {
        self.pending.push_back(Owed {
            expect,
            line: Some(line),
        });
    }

    fn handle_body_line(&mut self, line: &str, index: usize) -> Sent {
        match unstuff_line(line.as_bytes()) {
            DataLine::End => {
                self.owe(Expect::EndOfData, index);
                // Until the server answers, further lines are commands again.
                self.phase = Phase::Ready;
                Sent::EndOfData
            }
            DataLine::Text(text) => {
                self.body_lines += 1;
                self.body_octets += text.len() as u64 + 2;
                self.body_headers.observe(text);
                Sent::BodyLine {
                    number: self.body_lines,
                    in_body: self.body_headers.body_number(),
                }
            }
        }
    }

    /// Records a complete reply and says what it answered and what it changed.
    pub fn handle_reply(&mut self, reply: &Reply) -> Received {
        let code = reply.code.get();
        let first = reply.first_line();
        let enhanced = EnhancedCode::parse_prefix(first).map(|(code, _)| code);
        let (owed, skipped, inferred) = self.match_reply(reply);
        let unsolicited = owed.is_none() && !inferred && skipped.is_empty();
        let Owed {
            expect: answered,
            line,
        } = owed.unwrap_or(Owed {
            expect: if inferred {
                fit::infer(reply, self.phase)
            } else {
                Expect::Nothing
            },
            line: None,
        });
        if skipped.contains(&Expect::Greeting) {
            self.partial = true;
        }
        let ok = reply.code.class() == ReplyClass::PositiveCompletion;
        let mut prompt = None;
        // The client already sent its message (it talked ahead): replies to the commands
        // before DATA do not move the phase back.
        let held = (self.data_assumed && answered != Expect::Command(Verb::Data))
            .then_some((self.phase, self.body_octets));
        match &answered {
            Expect::Greeting => {
                self.phase = if code == 220 {
                    Phase::Hello
                } else {
                    Phase::Greeting
                };
            }
            Expect::Command(Verb::Ehlo | Verb::Helo) if ok => {
                let is_ehlo = answered == Expect::Command(Verb::Ehlo);
                self.hello = Some(if is_ehlo { Verb::Ehlo } else { Verb::Helo });
                self.capabilities = is_ehlo.then(|| Capabilities::from_reply(reply));
                self.partial = false;
                self.reset_transaction();
                self.phase = Phase::Ready;
            }
            Expect::Command(Verb::Mail) if ok => {
                self.reset_transaction();
                self.partial = false;
                self.phase = Phase::Mail;
            }
            Expect::Command(Verb::Rcpt) if ok => {
                self.recipients += 1;
                self.phase = Phase::Rcpt;
            }
            // Any 354 opens the message, whatever the transcript says was asked: a server
            // may read a line as DATA that we did not (" DATA", "DATA\x0b").
            _ if code == 354 && self.data_assumed => self.data_assumed = false,
            _ if code == 354 => self.open_message(),
            Expect::Command(Verb::Data) => {}
            Expect::EndOfData | Expect::Command(Verb::Rset) => {
                // Accepted or refused, the transaction is over (RFC 5321 4.1.1.4, 4.1.1.5).
                self.reset_transaction();
                self.bdat_remaining = 0;
                if self.phase != Phase::Closed {
                    self.phase = self.ready_phase();
                }
            }
            Expect::Command(Verb::Bdat) if !ok => {
                // A refused chunk ends the transaction's data (RFC 3030 2: the server
                // discards it and the transaction is over after an error).
                self.bdat_remaining = 0;
            }
            Expect::Command(Verb::Auth) | Expect::AuthAnswer { .. } if code == 334 => {
                let decoded = auth::decode_prompt(first);
                prompt = Some(decoded.clone());
                let exchange = self.auth.get_or_insert_with(|| AuthExchange {
                    mechanism: String::new(),
                    prompt: Prompt::Empty,
                    challenge: String::new(),
                });
                exchange.prompt = decoded;
                first.trim().clone_into(&mut exchange.challenge);
                self.phase = Phase::AuthChallenge;
            }
            Expect::Command(Verb::Auth) | Expect::AuthAnswer { .. } => {
                if code == 235 {
                    self.authenticated = true;
                }
                self.auth = None;
                self.phase = self.ready_phase();
            }
            Expect::Command(Verb::StartTls) if code == 220 => {
                self.phase = Phase::TlsHandshake;
            }
            Expect::Command(Verb::Quit) if code == 221 => {
                self.phase = Phase::Closed;
            }
            _ => {}
        }
        if let Some((phase, octets)) = held {
            self.phase = phase;
            self.body_octets = octets;
        }
        if code == 421 {
            // "Service not available, closing transmission channel" (RFC 5321 3.8).
            self.phase = Phase::Closed;
            self.pending.clear();
        }
        Received {
            answered,
            line,
            enhanced,
            prompt,
            phase: self.phase,
            unsolicited,
            skipped,
            inferred,
        }
    }

    /// Takes the outstanding command `reply` answers off the queue: the oldest one it can
    /// answer. Returns it, the commands skipped before it, and whether the answer had to be
    /// inferred from the reply alone because nothing was outstanding.
    fn match_reply(&mut self, reply: &Reply) -> (Option<Owed>, Vec<Expect>, bool) {
        if self.pending.is_empty() {
            // A server-only log, or a reply nothing asked for. A 421 or a 221 on its own
            // is the server closing; anything else is read from its content.
            let inferred = !matches!(reply.code.get(), 421) && self.lines_sent == 0;
            return (None, Vec::new(), inferred);
        }
        if fit::is_idle_timeout(reply) {
            // The server hung up on an idle client: it answers nothing, even when the log
            // prints it after the client's next command.
            return (None, Vec::new(), false);
        }
        let only_greeting = self.pending.len() == 1 && self.phase == Phase::Greeting;
        if only_greeting && !fit::can_greet(reply) {
            // A log that starts later than the connection (the tutorial's snippet starts
            // at `354`): the greeting is not in it, and this reply answers something the
            // log does not show either.
            self.pending.clear();
            self.phase = Phase::Hello;
            self.partial = true;
            return (None, vec![Expect::Greeting], self.lines_sent == 0);
        }
        let skip = fit::first_fitting(self.pending.iter().map(|o| &o.expect), reply).unwrap_or(0);
        let skipped: Vec<Expect> = self.pending.drain(..skip).map(|o| o.expect).collect();
        (self.pending.pop_front(), skipped, false)
    }

    /// The server closed the connection.
    pub fn handle_closed(&mut self) {
        self.phase = Phase::Closed;
        self.pending.clear();
        self.bdat_remaining = 0;
    }

    /// The phase outside a transaction: Ready once introduced, otherwise unchanged.
    fn ready_phase(&self) -> Phase {
        match (self.hello, self.phase) {
            (Some(_), _) => Phase::Ready,
            (None, _) if self.partial => Phase::Ready,
            (None, Phase::Greeting) => Phase::Greeting,
            (None, _) => Phase::Hello,
        }
    }

    fn reset_transaction(&mut self) {
        self.recipients = 0;
        self.bdat_octets = 0;
        self.body_octets = 0;
        if matches!(self.phase, Phase::Mail | Phase::Rcpt | Phase::Data) {
            self.phase = Phase::Ready;
        }
    }
}

/// The line as the server reads it, when that differs from the strict reading: a verb
/// with white space around it that Postfix and Exim skip (`" DATA"`, `"DATA\x0b"`).
pub(crate) fn server_reading(line: &str) -> Option<String> {
    if Command::parse(line).line.verb.is_some() {
        return None;
    }
    let reading = crate::server_reading::ServerReading::of(line);
    reading.canonical(line).map(std::borrow::Cow::into_owned)
}

#[cfg(test)]
mod tests;
