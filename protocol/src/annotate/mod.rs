//! Annotations: for every line of a session, a title, an explanation, the RFC reference, a
//! severity and the likely next steps, in English or Simplified Chinese.
//!
//! [`Annotator`] is the one entry point: feed it the lines of a conversation in order
//! ([`Annotator::client_line`], [`Annotator::server_line`]) and it keeps a
//! [`ClientSession`] and a [`ReplyAssembler`] so that each explanation is specific to its
//! context: `250` after RCPT, after MAIL and after the final dot say different things, and
//! `334 dXNlcm5hbWU6` says it asks for the username.

mod codes;
mod envelope;
mod explain_reply;
mod message;
mod notes;
mod outcome;
mod replay;
mod reply;
mod sent;
mod summary;

pub use notes::NoteEvent;
pub use replay::{ReplayLine, replay};
pub use summary::{AuthOutcome, Ending, MessageOutcome, Summary, Tls, summarize};

use crate::auth;
use crate::extension::Extension;
use crate::finding::{Finding, Severity};
use crate::lang::Lang;
use crate::reply::{Reply, ReplyAssembler, ReplyError, ReplyLine};
use crate::session::{ClientSession, Expect, Received, Sent};
use std::collections::VecDeque;

pub(crate) use crate::{tr, tx};

/// The explanation of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// Which explanation this is: for a reply, one of the stable ids of the reply
    /// explanations (`rcpt-ok`, `relay-denied`, `generic` ...); for other lines, what kind
    /// of line it is (`command`, `body`, `note` ...).
    pub id: &'static str,
    /// How the line went: a success, a refusal, a warning, or just information.
    pub severity: Severity,
    /// One line saying what happened.
    pub title: String,
    /// What it means, in a few sentences.
    pub explanation: String,
    /// Where the rule is written, e.g. `RFC 5321 4.2.3`; empty when there is none.
    pub reference: String,
    /// What the user can type next.
    pub next_steps: Vec<String>,
    /// Problems noticed in the line itself, most important first.
    pub findings: Vec<Note>,
}

/// A finding rendered in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// How much it matters.
    pub severity: Severity,
    /// The finding's stable id, e.g. `rcpt-before-mail`.
    pub id: String,
    /// The explanation.
    pub text: String,
    /// The RFC section.
    pub reference: String,
}

impl Note {
    fn from_finding(finding: &Finding, lang: Lang) -> Self {
        Self {
            severity: finding.severity,
            id: finding.id.to_owned(),
            text: finding.explanation.get(lang).to_owned(),
            reference: finding.reference.to_owned(),
        }
    }
}

/// Who sent a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The client: the user typing.
    Client,
    /// The SMTP server.
    Server,
    /// Neither: a remark of the tool or the transcript (connect, TLS, close).
    Note,
}

impl Direction {
    /// `client`, `server` or `note`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Client => "client",
            Direction::Server => "server",
            Direction::Note => "note",
        }
    }
}

/// What a line is in the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// An SMTP command (known or unknown verb).
    Command,
    /// A line answering a 334 challenge.
    AuthAnswer,
    /// Message text between 354 and the final dot, as sent (dot-stuffed).
    Body,
    /// The lone `.` that ends the message.
    EndOfData,
    /// Octets inside a BDAT chunk.
    BdatData,
    /// The last line of a reply: the one that completes it.
    Reply,
    /// A line of a multi-line reply before its last (`250-...`).
    ReplyContinuation,
    /// Not SMTP: a tool's remark, TLS started, connection closed.
    Note,
}

impl LineKind {
    /// The kind's name in JSON: `command`, `auth-answer`, `body`, `end-of-data`,
    /// `bdat-data`, `reply`, `reply-continuation`, `note`.
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Command => "command",
            LineKind::AuthAnswer => "auth-answer",
            LineKind::Body => "body",
            LineKind::EndOfData => "end-of-data",
            LineKind::BdatData => "bdat-data",
            LineKind::Reply => "reply",
            LineKind::ReplyContinuation => "reply-continuation",
            LineKind::Note => "note",
        }
    }

    /// Every kind, in the order of the enum.
    pub const ALL: [LineKind; 8] = [
        LineKind::Command,
        LineKind::AuthAnswer,
        LineKind::Body,
        LineKind::EndOfData,
        LineKind::BdatData,
        LineKind::Reply,
        LineKind::ReplyContinuation,
        LineKind::Note,
    ];

    /// The kind named `name` by [`LineKind::as_str`] (a recorded line's `kind`).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// One annotated line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotatedLine {
    /// Who sent it.
    pub direction: Direction,
    /// What it is in the conversation.
    pub kind: LineKind,
    /// The line as it may be shown: secrets (AUTH answers) replaced by `********`.
    pub text: String,
    /// The reply code, for server lines that have one.
    pub code: Option<u16>,
    /// For the last line of a reply: what it answers (`greeting`, `RCPT`, `end-of-data`,
    /// `auth-answer`, `unknown-command`, `none`; see [`Expect::as_str`]).
    pub answers: Option<&'static str>,
    /// A server line that opens a reply: a one-line reply, the first line of a multi-line
    /// one, or a line whose code differs from the unfinished reply before it. `false` for
    /// the other lines of a reply and for every line that is not a reply.
    pub starts_reply: bool,
    /// The explanation.
    pub annotation: Annotation,
}

impl AnnotatedLine {
    /// Whether this line completes a reply that accepts a message: a 2xx answering the
    /// final dot of DATA or `BDAT ... LAST`, after which the server has taken
    /// responsibility for the message (RFC 5321 4.1.1.4, RFC 3030 2).
    pub fn accepts_message(&self) -> bool {
        self.kind == LineKind::Reply
            && self.answers == Some(Expect::EndOfData.as_str())
            && self.code.is_some_and(|code| (200..300).contains(&code))
    }
}

/// A new explanation for a client line annotated earlier, now that its reply is known
/// (observed outcomes win over predictions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// Which client line: 0 for the first line passed to [`Annotator::client_line`].
    pub client_line: usize,
    /// Its explanation in the light of the reply.
    pub annotation: Annotation,
}

/// A client line that still waits for its reply, kept to explain it again when the reply
/// comes.
#[derive(Debug, Clone)]
struct Awaiting {
    index: usize,
    /// The line as shown (secrets masked).
    shown: String,
    sent: Sent,
    findings: Vec<Finding>,
}

/// How many unanswered client lines are remembered for revision: a server that never
/// answers must not grow the page's memory.
const AWAITING_CAP: usize = 256;

/// Annotates a conversation line by line; see the module documentation.
#[derive(Debug, Clone)]
pub struct Annotator {
    session: ClientSession,
    replies: ReplyAssembler,
    lang: Lang,
    /// Lines of the reply being assembled, to annotate EHLO continuation lines.
    reply_lines: usize,
    /// Client lines waiting for their replies, oldest first.
    awaiting: VecDeque<Awaiting>,
    /// Revisions not yet taken by [`Annotator::take_revisions`].
    revisions: Vec<Revision>,
    /// The last AUTH answer was `*`.
    cancelled: bool,
    /// The line before was the last line of a reply (for the server's wrapped text).
    after_reply: bool,
    /// What the last complete reply answered, with its code: what a lesson checks.
    last_reply: Option<(u16, Received)>,
}

impl Annotator {
    /// An annotator for a session that has just connected.
    pub fn new(lang: Lang) -> Self {
        Self {
            session: ClientSession::default(),
            replies: ReplyAssembler::default(),
            lang,
            reply_lines: 0,
            awaiting: VecDeque::new(),
            revisions: Vec::new(),
            cancelled: false,
            after_reply: false,
            last_reply: None,
        }
    }

    /// The session as the annotator understands it.
    pub fn session(&self) -> &ClientSession {
        &self.session
    }

    /// The language of the annotations.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Switches the language of the annotations that follow.
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
    }

    /// The transcript does not show the server's greeting (see
    /// [`ClientSession::handle_greeting_not_shown`]).
    pub fn greeting_not_shown(&mut self) {
        self.session.handle_greeting_not_shown();
    }

    /// The client sends its message before DATA's 354 arrives, which a transcript shows
    /// will come (see [`ClientSession::handle_data_assumed`]).
    pub fn data_assumed(&mut self) {
        self.session.handle_data_assumed();
    }

    /// The code of the last complete reply and what it answered (the session's pairing),
    /// for a lesson's conditions.
    pub fn last_reply(&self) -> Option<(u16, &Received)> {
        self.last_reply
            .as_ref()
            .map(|(code, received)| (*code, received))
    }

    /// Client lines whose explanation changed since the last call, because their reply
    /// arrived and contradicted a prediction.
    pub fn take_revisions(&mut self) -> Vec<Revision> {
        std::mem::take(&mut self.revisions)
    }

    /// Annotates a line the client sent, and records it in the session.
    pub fn client_line(&mut self, line: &str) -> AnnotatedLine {
        self.after_reply = false;
        let index = self.session.lines_sent();
        let findings = self.session.predict(line);
        let expecting_password = self.session.auth_prompt() == Some(&auth::Prompt::Password);
        let auth_answer = self.session.expects_auth_answer();
        let before = self.session.header_state();
        let owed_before = self.session.pending().count();
        let sent = self.session.handle_sent(line);
        let kind = match sent {
            Sent::Command { .. } => LineKind::Command,
            Sent::AuthAnswer { .. } => LineKind::AuthAnswer,
            Sent::BodyLine { .. } => LineKind::Body,
            Sent::EndOfData => LineKind::EndOfData,
            Sent::BdatData { .. } => LineKind::BdatData,
        };
        if let Sent::AuthAnswer { cancel, .. } = sent {
            self.cancelled = cancel;
        }
        let shown = match kind {
            LineKind::Command | LineKind::AuthAnswer => {
                auth::redact_client_line(line, auth_answer, expecting_password)
            }
            _ => None,
        }
        .unwrap_or_else(|| line.to_owned());
        let context = sent::Context {
            session: &self.session,
            header_before: before,
        };
        let mut annotation = sent::annotate(&sent, line, &findings, &context, self.lang);
        if kind == LineKind::Command && owed_before > 0 {
            annotation.explanation.push(' ');
            annotation.explanation.push_str(&tr!(
                self.lang,
                "Pipelined: {owed_before} earlier replies come first.",
                "流水线：前面 {owed_before} 个回复先到。"
            ));
        }
        if self.session.pending().count() > owed_before {
            if self.awaiting.len() == AWAITING_CAP {
                self.awaiting.pop_front();
            }
            self.awaiting.push_back(Awaiting {
                index,
                shown: shown.clone(),
                sent,
                findings,
            });
        }
        AnnotatedLine {
            direction: Direction::Client,
            kind,
            text: shown,
            code: None,
            answers: None,
            starts_reply: false,
            annotation,
        }
    }

    /// Annotates a line the server sent. Continuation lines of a multi-line reply are
    /// explained on their own (an EHLO extension each); the last line explains the reply.
    pub fn server_line(&mut self, line: &str) -> AnnotatedLine {
        let lang = self.lang;
        let parsed = ReplyLine::parse(line);
        let code = parsed.as_ref().ok().map(|l| l.code.get());
        let mut kind = LineKind::Reply;
        let mut answers = None;
        let opens = !self.replies.in_progress();
        let mut pushed = self.replies.push(line);
        let mut unfinished = false;
        if let Err(ReplyError::CodeChanged { .. }) = pushed {
            // The reply before never sent its last line; this line starts a new one (a
            // 354 must not be lost because the reply before it was broken).
            unfinished = true;
            self.reply_lines = 0;
            pushed = self.replies.push(line);
        }
        let wrapped = matches!(pushed, Err(ReplyError::Line(_)))
            && self.after_reply
            && !line.trim().is_empty();
        let mut annotation = match pushed {
            Err(_) if wrapped => {
                kind = LineKind::ReplyContinuation;
                wrapped_text(lang)
            }
            Err(err) => {
                self.reply_lines = 0;
                reply::malformed(&err, lang)
            }
            Ok(None) => {
                self.reply_lines += 1;
                kind = LineKind::ReplyContinuation;
                let text = parsed.map(|l| l.text).unwrap_or_default();
                self.continuation(text, self.reply_lines == 1)
            }
            Ok(Some(complete)) => {
                let was_ehlo = self.reply_lines > 0
                    && self.session.pending().next()
                        == Some(&Expect::Command(crate::command::Verb::Ehlo));
                self.reply_lines = 0;
                let message_octets = self.session.message_octets();
                let received = self.session.handle_reply(&complete);
                answers = Some(received.answered.as_str());
                self.last_reply = Some((complete.code.get(), received.clone()));
                let answered_line = self.answered(&received, &complete);
                let pairing = reply::Pairing {
                    line: answered_line.as_deref(),
                    cancel: self.cancelled,
                    message_octets,
                };
                let mut annotation =
                    reply::annotate(&received, &complete, &self.session, &pairing, lang);
                if was_ehlo && complete.code.get() == 250 {
                    let ext = Extension::parse(complete.last_line());
                    let (keyword, reference) = (ext.keyword(), ext.reference());
                    let meaning = ext.explanation().get(lang);
                    annotation.explanation.push_str(&tr!(
                        lang,
                        "\n{keyword} ({reference}): {meaning}",
                        "\n{keyword}（{reference}）：{meaning}"
                    ));
                }
                annotation
            }
        };
        self.after_reply = kind == LineKind::Reply || wrapped;
        let starts_reply = (opens || unfinished) && code.is_some() && !wrapped;
        if unfinished {
            annotation.explanation.push_str(&tx!(
                lang,
                "\nThe reply before this line never ended: its last line (a space after the code) is missing, so it is dropped and this line starts a new reply.",
                "\n这一行之前的回复没有结束：缺少它的最后一行（回复码后面是空格），所以它被丢弃，这一行开始一个新的回复。"
            ));
        }
        AnnotatedLine {
            direction: Direction::Server,
            kind,
            text: line.to_owned(),
            code,
            answers,
            starts_reply,
            annotation,
        }
    }

    /// Takes the client lines a complete reply settles off the waiting list: the one it
    /// answers, which may now be explained again, and those before it whose replies are
    /// missing. Returns the answered line as shown.
    fn answered(&mut self, received: &Received, reply: &Reply) -> Option<String> {
        let index = received.line?;
        while self.awaiting.front().is_some_and(|a| a.index < index) {
            self.awaiting.pop_front();
        }
        let entry = self
            .awaiting
            .front()
            .filter(|a| a.index == index)
            .cloned()?;
        self.awaiting.pop_front();
        if let Some(annotation) = outcome::revise(&entry, reply, &self.session, self.lang) {
            self.revisions.push(Revision {
                client_line: index,
                annotation,
            });
        }
        Some(entry.shown)
    }

    fn continuation(&self, text: &str, first: bool) -> Annotation {
        let lang = self.lang;
        let answering_ehlo =
            self.session.pending().next() == Some(&Expect::Command(crate::command::Verb::Ehlo));
        if answering_ehlo && first {
            return Annotation {
                id: "ehlo-name",
                severity: Severity::Info,
                title: tx!(
                    lang,
                    "EHLO reply: the server's name",
                    "EHLO 回复：服务器的名称"
                ),
                explanation: tr!(
                    lang,
                    "The first line of the EHLO reply greets you as '{text}'. Each following line names one extension the server supports; the '-' after 250 means more lines follow.",
                    "EHLO 回复的第一行以“{text}”向你问好。后面每一行列出服务器支持的一项扩展；250 后面的“-”表示还有后续行。"
                ),
                reference: "RFC 5321 4.1.1.1".into(),
                next_steps: Vec::new(),
                findings: Vec::new(),
            };
        }
        if answering_ehlo {
            let ext = Extension::parse(text);
            let keyword = ext.keyword();
            return Annotation {
                id: "extension",
                severity: Severity::Info,
                title: tr!(lang, "Extension {keyword}", "扩展 {keyword}"),
                explanation: ext.explanation().get(lang).to_owned(),
                reference: ext.reference().to_owned(),
                next_steps: Vec::new(),
                findings: Vec::new(),
            };
        }
        Annotation {
            id: "reply-continues",
            severity: Severity::Info,
            title: tx!(lang, "Reply continues", "回复未完"),
            explanation: tx!(
                lang,
                "The '-' after the code means this reply has more lines; the last line has a space after the code.",
                "回复码后面的“-”表示此回复还有后续行；最后一行的回复码后面是空格。"
            ),
            reference: "RFC 5321 4.2.1".into(),
            next_steps: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// Records that the connection is TLS from its first byte (port 465, RFC 8314), so a
    /// STARTTLS typed later is predicted to fail.
    pub fn implicit_tls(&mut self) {
        self.session.handle_implicit_tls();
    }

    /// Annotates the end of a STARTTLS handshake and records it in the session.
    pub fn tls_established(&mut self, detail: &str) -> AnnotatedLine {
        self.session.handle_tls_established();
        let lang = self.lang;
        note_line(
            detail,
            Annotation {
                id: "tls-started",
                severity: Severity::Success,
                title: tx!(lang, "TLS is on", "TLS 已开启"),
                explanation: tx!(
                    lang,
                    "The connection is encrypted from here on. The server has forgotten the earlier EHLO, so introduce yourself again.",
                    "从这里开始连接已加密。服务器已经忘记之前的 EHLO，所以需要重新打招呼。"
                ),
                reference: "RFC 3207 4.2".into(),
                next_steps: vec![tx!(lang, "EHLO your.name", "EHLO 你的主机名")],
                findings: Vec::new(),
            },
        )
    }

    /// Annotates a remark that is neither client nor server (a transcript's comment, the
    /// tool's own messages).
    pub fn note(&mut self, text: &str) -> AnnotatedLine {
        let lang = self.lang;
        note_line(
            text,
            Annotation {
                id: "note",
                severity: Severity::Info,
                title: tx!(lang, "Note", "备注"),
                explanation: String::new(),
                reference: String::new(),
                next_steps: Vec::new(),
                findings: Vec::new(),
            },
        )
    }

    /// Annotates a tool's remark by what it says happened, and records that in the
    /// session: a closed connection, a message sent but not shown.
    pub fn note_event(&mut self, text: &str, event: NoteEvent) -> AnnotatedLine {
        let lang = self.lang;
        let lost = event == NoteEvent::Closed && self.message_under_way();
        match event {
            NoteEvent::Closed | NoteEvent::TlsFailed => self.session.handle_closed(),
            NoteEvent::MessageNotShown if self.session.in_body() => {
                self.client_line(".");
            }
            _ => {}
        }
        let mut annotation = notes::annotation(event, lang);
        if event == NoteEvent::NotSent {
            annotation.title = notes::not_sent_title(text, lang);
        }
        if lost {
            notes::message_lost(&mut annotation, lang);
        }
        note_line(text, annotation)
    }

    /// Records that the connection closed.
    pub fn closed(&mut self, reason: &str) -> AnnotatedLine {
        let lost = self.message_under_way();
        self.session.handle_closed();
        let lang = self.lang;
        let mut line = self.note(reason);
        line.annotation.id = "closed";
        line.annotation.title = tx!(lang, "Connection closed", "连接已关闭");
        if lost {
            notes::message_lost(&mut line.annotation, lang);
        }
        line
    }

    /// Whether a message was being sent and its end not yet answered: a close now loses it.
    fn message_under_way(&self) -> bool {
        self.session.in_body()
            || self.session.in_bdat_chunk()
            || self.session.pending().any(|e| *e == Expect::EndOfData)
    }
}

/// A server line without a code right after a complete reply: the reply's text, wrapped.
fn wrapped_text(lang: Lang) -> Annotation {
    Annotation {
        id: "wrapped-text",
        severity: Severity::Info,
        title: tx!(lang, "The reply's text, continued", "回复的文字（续）"),
        explanation: tx!(
            lang,
            "This line has no reply code: it is the rest of the reply above, broken onto a new line by the terminal or the log.",
            "这一行没有回复码：它是上面那条回复的剩余文字，被终端或日志折到了新的一行。"
        ),
        reference: "RFC 5321 4.2".into(),
        next_steps: Vec::new(),
        findings: Vec::new(),
    }
}

fn note_line(text: &str, annotation: Annotation) -> AnnotatedLine {
    AnnotatedLine {
        direction: Direction::Note,
        kind: LineKind::Note,
        text: text.to_owned(),
        code: None,
        answers: None,
        starts_reply: false,
        annotation,
    }
}

#[cfg(test)]
mod tests;
