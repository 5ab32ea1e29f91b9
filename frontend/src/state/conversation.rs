//! The conversation: the transcript the terminal shows, the session as `protocol`
//! understands it (two annotators, one per language), the lesson's progress and the
//! messages delivered. Every SMTP fact here is `protocol`'s: whether a line is a reply's
//! first or last, whether a reply accepted a message, what the AUTH challenge asks.

use std::rc::Rc;

use protocol::auth::Prompt;
use protocol::session::ClientSession;
use protocol::wire::{TlsInfo, TlsMode};

use crate::lesson::Progress;
use crate::transcript::{Annotated, Annotators, EntryKind, Tone, Transcript, Warning};
use crate::vocab::Notice;

/// What the AUTH helper should offer now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthStep {
    /// The server sent 334 and waits for one base64 line.
    Answer {
        /// The challenge as sent, base64.
        challenge: String,
        /// What it decodes to.
        prompt: Prompt,
    },
    /// Logged in nowhere yet, and the server offers these mechanisms.
    Start {
        /// E.g. `["PLAIN", "LOGIN"]`.
        mechanisms: Vec<String>,
    },
}

/// The conversation part of the state; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Conversation {
    /// The conversation; behind an `Rc` so the terminal's props are cheap to compare.
    pub transcript: Rc<Transcript>,
    /// The lesson's progress in this session.
    pub lesson: Progress,
    /// Messages the server accepted in this page's sessions (a 2xx to the final dot);
    /// the mailbox is fetched again when it changes.
    pub delivered: u32,
    /// The session as `protocol` understands it, with the annotations.
    annotators: Annotators,
    /// When the last client line went out (ms since connect), until its reply starts.
    last_sent_at: Option<u64>,
}

impl Conversation {
    /// The SMTP session as `protocol` models it.
    pub fn session(&self) -> &ClientSession {
        self.annotators.session()
    }

    /// The predictions for `line` that say it will likely fail.
    pub fn warnings(&self, line: &str) -> Vec<Warning> {
        self.annotators.warnings(line)
    }

    /// What the AUTH helper offers now, if anything.
    pub fn auth_step(&self) -> Option<AuthStep> {
        let session = self.session();
        if session.expects_auth_answer() {
            return Some(AuthStep::Answer {
                challenge: session.auth_challenge().unwrap_or_default().to_owned(),
                prompt: session.auth_prompt().cloned().unwrap_or(Prompt::Empty),
            });
        }
        if session.phase() == protocol::session::Phase::Ready && !session.is_authenticated() {
            let mechanisms = session.capabilities()?.auth_mechanisms();
            if !mechanisms.is_empty() {
                return Some(AuthStep::Start { mechanisms });
            }
        }
        None
    }

    /// A new session starts: the protocol's view and the lesson start over; the
    /// transcript goes on.
    pub fn restart(&mut self) {
        self.annotators = Annotators::default();
        self.last_sent_at = None;
        self.lesson = Progress::default();
    }

    /// Ctrl+L: clear the terminal (the session goes on; Export and Share keep it all).
    pub fn clear_screen(&mut self) {
        Rc::make_mut(&mut self.transcript).clear_screen();
    }

    /// Adds a line to the transcript.
    pub fn push(&mut self, kind: EntryKind) {
        Rc::make_mut(&mut self.transcript).push(kind);
    }

    /// Adds a notice to the transcript.
    pub fn note(&mut self, tone: Tone, notice: Notice) {
        self.push(EntryKind::Note {
            tone,
            notice,
            annotation: None,
        });
    }

    /// The user's line `text` went out at `at_ms`. Returns whether the transcript shows
    /// it as typed: a line with a secret in it (an AUTH answer) is masked.
    pub fn sent(&mut self, text: &str, at_ms: Option<u64>, encrypted: bool) -> bool {
        let Annotated {
            text: shown,
            client_line,
            kind,
            annotation,
            ..
        } = self.annotators.client_line(text);
        self.lesson.sent(self.annotators.session());
        self.last_sent_at = at_ms.or(self.last_sent_at);
        let as_typed = shown == text;
        self.push(EntryKind::Client {
            text: shown,
            line: client_line,
            kind,
            at_ms,
            encrypted,
            annotation,
        });
        as_typed
    }

    /// A server line; `latency_ms` as the bridge measured it, when it did (older bridges
    /// do not): otherwise the page's own clock decides.
    pub fn server_line(
        &mut self,
        text: String,
        at_ms: u64,
        latency_ms: Option<u64>,
        encrypted: bool,
    ) {
        let annotated = self.annotators.server_line(&text);
        let reply = annotated.reply;
        let starts_reply = reply.is_none_or(|r| r.is_first);
        let latency_ms = if starts_reply {
            let measured = self
                .last_sent_at
                .take()
                .map(|sent| at_ms.saturating_sub(sent));
            latency_ms.or(measured)
        } else {
            None
        };
        // The reply may contradict what was predicted for the lines it answers.
        for revised in self.annotators.take_revisions() {
            Rc::make_mut(&mut self.transcript).revise(revised);
        }
        if reply.is_some_and(|r| r.is_last) {
            if annotated.accepts_message {
                self.delivered += 1;
            }
            self.lesson.replied(&annotated, self.annotators.session());
        }
        self.push(EntryKind::Server {
            text,
            reply,
            at_ms: Some(at_ms),
            latency_ms,
            encrypted,
            annotation: annotated.annotation,
        });
    }

    /// Records that TLS is up. After STARTTLS the session starts over (EHLO again), which
    /// `protocol` explains; implicit TLS was already noted when connecting.
    pub fn tls_started(&mut self, info: Rc<TlsInfo>) {
        let annotation = match info.mode {
            // The note's text is the notice, worded when shown; only the explanation is kept.
            TlsMode::Starttls => Some(self.annotators.tls_established("").annotation),
            TlsMode::Implicit | TlsMode::None => None,
        };
        self.push(EntryKind::Note {
            tone: Tone::Info,
            notice: Notice::Tls { info },
            annotation,
        });
    }

    /// The simulator accepted STARTTLS: `protocol`'s session moves on as after a
    /// handshake (EHLO again), but the note says what is true: nothing was encrypted, so
    /// `protocol`'s "encrypted from here on" is not shown.
    pub fn simulated_tls(&mut self, mode: TlsMode) {
        let starttls = mode == TlsMode::Starttls;
        if starttls {
            let _ = self.annotators.tls_established("");
        }
        self.push(EntryKind::Note {
            tone: Tone::Info,
            notice: Notice::SimulatedTls { starttls },
            annotation: None,
        });
    }

    /// The bridge ended the session, for `reason`.
    pub fn closed(&mut self, reason: String) {
        let Annotated { annotation, .. } = self.annotators.closed(&reason);
        self.push(EntryKind::Note {
            tone: Tone::Info,
            notice: Notice::Closed { reason },
            annotation: Some(annotation),
        });
    }
}
