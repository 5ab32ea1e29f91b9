//! The conversation as a lesson sees it: the session's facts, plus the little the session
//! forgets once a transaction ends.

use std::collections::VecDeque;

use crate::annotate::LineKind;
use crate::command::{Args, Command, Verb};
use crate::dot::{DataLine, unstuff_line};
use crate::reply::{ReplyClass, ReplyCode};
use crate::session::{ClientSession, Expect, HeaderState, Phase, Received, server_reading};

/// How many commands, deferred recipients and ended messages are remembered: a session
/// that runs for hours must not grow the page's memory.
const KEEP: usize = 256;
/// The most envelope recipients remembered for one message.
const RECIPIENTS_MAX: usize = 100;

/// What just happened, told to [`Watch::observe`] after the session recorded it.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The client sent `line`; `kind` is what the annotator read it as.
    Sent {
        /// The line as sent.
        line: &'a str,
        /// A command, an AUTH answer, message text, the final dot ...
        kind: LineKind,
    },
    /// A complete reply arrived: its code and what the session paired it with.
    Reply {
        /// The reply code.
        code: u16,
        /// What it answered.
        received: &'a Received,
    },
    /// The STARTTLS handshake finished.
    TlsStarted,
    /// The connection closed.
    Closed,
}

/// The facts of one command the client sent, kept until its reply (no secrets: an AUTH
/// line keeps only its mechanism).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct CommandFacts {
    pub(super) index: usize,
    pub(super) verb: Option<Verb>,
    /// MAIL FROM's or RCPT TO's address, as typed.
    pub(super) address: Option<String>,
    pub(super) utf8: bool,
    /// ESMTP parameters, upper case, `KEYWORD` or `KEYWORD=VALUE`.
    pub(super) params: Vec<String>,
    pub(super) mechanism: Option<String>,
    pub(super) bdat_last: bool,
}

/// A message as it was when its end went out (the `.`, or `BDAT ... LAST`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct MessageFacts {
    pub(super) index: usize,
    pub(super) mail_from: String,
    pub(super) recipients: Vec<String>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: bool,
    pub(super) dot_stuffed: bool,
}

/// What a lesson remembers of a conversation; see the module documentation of
/// [`crate::lesson`].
#[derive(Debug, Clone, Default)]
pub struct Watch {
    commands: VecDeque<CommandFacts>,
    ended: VecDeque<MessageFacts>,
    mail_from: String,
    recipients: Vec<String>,
    dot_stuffed: bool,
    /// Recipients that got a 4xx, lower case.
    deferred: VecDeque<String>,
    /// The most replies owed at once since nothing was owed.
    peak: usize,
    /// Every reply since then answered the line after the one before.
    in_order: bool,
    last_answered: Option<usize>,
}

/// One moment of the conversation, for a lesson's conditions to read.
#[derive(Debug, Clone, Copy)]
pub struct Moment<'a> {
    pub(super) session: &'a ClientSession,
    pub(super) happened: Happened<'a>,
    pub(super) message: MessageView<'a>,
    /// The size of a pipelined batch whose last reply this is.
    pub(super) batch: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Happened<'a> {
    Nothing,
    Reply {
        code: u16,
        received: &'a Received,
        command: Option<&'a CommandFacts>,
        retry: bool,
    },
    TlsStarted,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct MessageView<'a> {
    pub(super) mail_from: &'a str,
    pub(super) recipients: &'a [String],
    pub(super) headers: &'a [(String, String)],
    pub(super) body: bool,
    pub(super) dot_stuffed: bool,
}

impl Watch {
    /// A watch for a session that has just connected.
    pub fn new() -> Self {
        Self {
            in_order: true,
            ..Self::default()
        }
    }

    /// The moment as it stands, with nothing happening: which examples to offer now.
    pub fn now<'a>(&'a self, session: &'a ClientSession) -> Moment<'a> {
        Moment {
            session,
            happened: Happened::Nothing,
            message: self.live(session),
            batch: None,
        }
    }

    /// Records `event`, after `session` recorded it, and returns the moment it makes.
    pub fn observe<'a>(&'a mut self, event: Event<'a>, session: &'a ClientSession) -> Moment<'a> {
        match event {
            Event::Sent { line, kind } => {
                self.sent(line, kind, session);
                self.now(session)
            }
            Event::Reply { code, received } => self.reply(code, received, session),
            Event::TlsStarted => {
                self.clear_transaction();
                Moment {
                    happened: Happened::TlsStarted,
                    ..self.now(session)
                }
            }
            Event::Closed => self.now(session),
        }
    }

    fn live<'a>(&'a self, session: &'a ClientSession) -> MessageView<'a> {
        MessageView {
            mail_from: &self.mail_from,
            recipients: &self.recipients,
            headers: session.message_headers(),
            body: session.header_state() == HeaderState::Body,
            dot_stuffed: self.dot_stuffed,
        }
    }

    fn sent(&mut self, line: &str, kind: LineKind, session: &ClientSession) {
        let index = session.lines_sent().saturating_sub(1);
        match kind {
            LineKind::Command => {
                let facts = command_facts(line, index);
                if facts.bdat_last {
                    self.end_message(index, session);
                }
                self.remember(facts);
            }
            LineKind::Body if stuffed(line) => self.dot_stuffed = true,
            LineKind::EndOfData => self.end_message(index, session),
            _ => {}
        }
        if matches!(
            kind,
            LineKind::Command | LineKind::EndOfData | LineKind::AuthAnswer
        ) {
            self.peak = self.peak.max(session.pending().count());
        }
    }

    fn remember(&mut self, facts: CommandFacts) {
        if self.commands.len() == KEEP {
            self.commands.pop_front();
        }
        self.commands.push_back(facts);
    }

    fn end_message(&mut self, index: usize, session: &ClientSession) {
        if self.ended.len() == KEEP {
            self.ended.pop_front();
        }
        self.ended.push_back(MessageFacts {
            index,
            mail_from: self.mail_from.clone(),
            recipients: self.recipients.clone(),
            headers: session.message_headers().to_vec(),
            body: session.header_state() == HeaderState::Body,
            dot_stuffed: self.dot_stuffed,
        });
        self.dot_stuffed = false;
    }

    fn clear_transaction(&mut self) {
        self.mail_from.clear();
        self.recipients.clear();
        self.dot_stuffed = false;
    }

    fn reply<'a>(
        &'a mut self,
        code: u16,
        received: &'a Received,
        session: &'a ClientSession,
    ) -> Moment<'a> {
        let class = ReplyCode::new(code).map(ReplyCode::class);
        let ok = class == Some(ReplyClass::PositiveCompletion);
        let command = received
            .line
            .and_then(|line| self.commands.iter().position(|c| c.index == line));
        let mut retry = false;
        if let Some(facts) = command.map(|i| &self.commands[i]) {
            let address = facts.address.clone().unwrap_or_default();
            match (facts.verb, class) {
                (Some(Verb::Mail), Some(ReplyClass::PositiveCompletion)) => {
                    self.recipients.clear();
                    self.mail_from = address;
                }
                (Some(Verb::Rcpt), Some(ReplyClass::PositiveCompletion)) => {
                    let lower = address.to_ascii_lowercase();
                    retry = self.deferred.contains(&lower);
                    if self.recipients.len() < RECIPIENTS_MAX {
                        self.recipients.push(address);
                    }
                }
                (Some(Verb::Rcpt), Some(ReplyClass::TransientNegative)) => {
                    if self.deferred.len() == KEEP {
                        self.deferred.pop_front();
                    }
                    self.deferred.push_back(address.to_ascii_lowercase());
                }
                (Some(Verb::Ehlo | Verb::Helo | Verb::Rset), _) if ok => self.clear_transaction(),
                _ => {}
            }
        }
        // Pipelining: were the replies in order, and is the batch over?
        let in_order = received.skipped.is_empty()
            && match (received.line, self.last_answered) {
                (Some(line), Some(last)) => line > last,
                _ => true,
            };
        self.in_order &= in_order;
        if received.line.is_some() {
            self.last_answered = received.line;
        }
        let mut batch = None;
        if session.pending().next().is_none() {
            batch = self.in_order.then_some(self.peak);
            self.peak = 0;
            self.in_order = true;
        }
        let ended = (received.answered == Expect::EndOfData)
            .then(|| {
                received
                    .line
                    .and_then(|line| self.ended.iter().position(|m| m.index == line))
            })
            .flatten();
        if received.answered == Expect::EndOfData || session.phase() == Phase::Closed {
            self.mail_from_after_message();
        }
        let this = &*self;
        let message = match ended.map(|i| &this.ended[i]) {
            Some(m) => MessageView {
                mail_from: &m.mail_from,
                recipients: &m.recipients,
                headers: &m.headers,
                body: m.body,
                dot_stuffed: m.dot_stuffed,
            },
            None => this.live(session),
        };
        Moment {
            session,
            happened: Happened::Reply {
                code,
                received,
                command: command.map(|i| &this.commands[i]),
                retry,
            },
            message,
            batch,
        }
    }

    /// After the end of a message was answered the transaction is over (accepted or not).
    fn mail_from_after_message(&mut self) {
        self.clear_transaction();
    }
}

/// Whether a message line was sent dot-stuffed: the server takes its first `.` away.
fn stuffed(line: &str) -> bool {
    !matches!(unstuff_line(line.as_bytes()), DataLine::Text(text) if text.len() == line.len())
}

fn command_facts(line: &str, index: usize) -> CommandFacts {
    // The verb as the server will read it, as the session does.
    let canonical = server_reading(line);
    let command = Command::parse(canonical.as_deref().unwrap_or(line));
    let mut facts = CommandFacts {
        index,
        verb: command.line.verb,
        ..CommandFacts::default()
    };
    match command.args {
        Args::Envelope { path, params } => {
            if let Some(path) = path {
                facts.utf8 = path.is_utf8();
                facts.address = Some(path.address);
            }
            facts.params = params
                .into_iter()
                .map(|p| match p.value {
                    Some(v) => format!("{}={}", p.keyword, v).to_ascii_uppercase(),
                    None => p.keyword.to_ascii_uppercase(),
                })
                .collect();
        }
        Args::Auth { mechanism, .. } => facts.mechanism = Some(mechanism.to_ascii_uppercase()),
        Args::Bdat { last, .. } => facts.bdat_last = last,
        _ => {}
    }
    facts
}
