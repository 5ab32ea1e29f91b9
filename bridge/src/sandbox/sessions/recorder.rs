//! What one connection tells the session store as it goes.
//!
//! The connection (`connection.rs`) calls [`Recorder::read`] after each read, with the
//! session that framed it, [`Recorder::written`] before each write, and the few other
//! hooks for TLS, delivered messages and the ending. Lines are buffered here, without a
//! lock, and handed to the store ([`Sessions::update`]) when something a reader waits for
//! happened (the first line, a delivered message, the end) or at most every
//! [`FLUSH_EVERY`] otherwise: a message costs the store a few lock round trips, however
//! many lines it has.
//!
//! The session is filed under its owner when it is first handed over, at its first line
//! from the client: the page's relay registers its connection (`owners.rs`) before it
//! sends a byte, so the owner is known by then.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use protocol::records::session::SessionEnding;
use protocol::reply::ReplyLine;
use protocol::server::{Closing, InputLine, ServerSession, written_lines};

use super::log::{ENTRY_COST, Log, What};
use super::{Facts, Recorded, Sessions, link};
use crate::sandbox::owners::Owners;

/// The longest buffered lines wait before a reader can see them.
const FLUSH_EVERY: Duration = Duration::from_millis(250);

/// How a connection ended, as the connection saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// The session closed it (after QUIT, a 421, or a rule that hangs up).
    Session,
    /// The client closed its side, or reading failed.
    ClientLeft,
    /// The connection said goodbye with a 421 of its own.
    Goodbye(Closing),
    /// A write failed or timed out.
    WriteFailed,
    /// The TLS handshake failed or timed out.
    TlsFailed,
}

/// One connection's recorder; see the module documentation.
#[derive(Debug)]
pub(crate) struct Recorder {
    sessions: Arc<Sessions>,
    owners: Arc<Owners>,
    peer: SocketAddr,
    started: SystemTime,
    accepted: Instant,
    /// In the store, once handed over.
    recorded: Option<Arc<Recorded>>,
    pending: Log,
    facts: Facts,
    /// Bytes kept so far, against the session's own cap.
    kept: usize,
    /// Lines past the session's cap.
    capped: u64,
    last_flush: Instant,
    /// When listeners last heard of the session.
    last_event: Option<Instant>,
    /// Something a reader waits for happened: hand over at the end of this round.
    urgent: bool,
    /// The reply code of the last server line, and whether one came after the client's
    /// last line.
    last_code: Option<u16>,
    replied: bool,
    /// The message delivered just now, for the reply that accepts it.
    accepting: Option<u64>,
    /// Where this round's note of left-out message text is in `pending`.
    omitted_at: Option<usize>,
    done: bool,
}

impl Recorder {
    /// A recorder for the connection from `peer` accepted at `accepted`.
    pub(crate) fn new(
        sessions: Arc<Sessions>,
        owners: Arc<Owners>,
        peer: SocketAddr,
        accepted: Instant,
    ) -> Self {
        Self {
            sessions,
            owners,
            peer,
            started: SystemTime::now(),
            accepted,
            recorded: None,
            pending: Log::default(),
            facts: Facts::default(),
            kept: 0,
            capped: 0,
            last_flush: accepted,
            last_event: None,
            urgent: false,
            last_code: None,
            replied: false,
            accepting: None,
            omitted_at: None,
            done: false,
        }
    }

    fn at_ms(&self) -> u64 {
        u64::try_from(self.accepted.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Keeps a line unless the session's cap is reached; notes always fit. `at_ms` is read
    /// once per read or write, not per line (the clock is a measurable cost at thousands
    /// of messages a second).
    fn push_at(&mut self, at_ms: u64, what: What, text: &str, tls: bool, auth: bool) {
        let cost = text.len() + ENTRY_COST;
        let note = !matches!(what, What::Client | What::Server { .. });
        if !note && self.kept + cost > self.sessions.session_cap() {
            self.capped += 1;
            self.facts.lines_omitted += 1;
            return;
        }
        self.kept += cost;
        self.pending.push(what, text, at_ms, tls, auth);
    }

    fn push(&mut self, what: What, text: &str, tls: bool, auth: bool) {
        let at_ms = self.at_ms();
        self.push_at(at_ms, what, text, tls, auth);
    }

    /// The lines `session` read since the last call: call after each `handle_input`.
    pub(crate) fn read(&mut self, session: &mut ServerSession) {
        let at_ms = self.at_ms();
        while let Some(input) = session.poll_input() {
            if self.recorded.is_none() {
                self.urgent = true;
            }
            self.replied = false;
            match input {
                InputLine::Line {
                    text,
                    tls,
                    authenticated,
                } => self.push_at(at_ms, What::Client, &text, tls, authenticated),
                InputLine::Omitted { lines, bytes } => {
                    self.facts.lines_omitted += lines;
                    self.push_at(
                        at_ms,
                        What::Omitted {
                            lines,
                            bytes,
                            message: None,
                        },
                        "",
                        session.is_tls(),
                        session.user().is_some(),
                    );
                    self.omitted_at = Some(self.pending.len() - 1);
                }
                InputLine::TooLong => {
                    self.push_at(
                        at_ms,
                        What::TooLong,
                        "",
                        session.is_tls(),
                        session.user().is_some(),
                    );
                }
            }
        }
    }

    /// Bytes the connection is about to write for `session`.
    pub(crate) fn written(&mut self, bytes: &[u8], session: &ServerSession) {
        let (tls, auth) = (session.is_tls(), session.user().is_some());
        let at_ms = self.at_ms();
        for line in written_lines(bytes) {
            self.server_line(at_ms, &line, tls, auth);
        }
    }

    fn server_line(&mut self, at_ms: u64, line: &str, tls: bool, auth: bool) {
        let code = ReplyLine::parse(line).ok().map(|l| l.code.get());
        if let Some(code) = code {
            self.last_code = Some(code);
            if code >= 400 {
                self.facts.last_error = Some(line.to_owned());
            }
        }
        self.replied = true;
        let message = self.accepting.take();
        self.push_at(at_ms, What::Server { message }, line, tls, auth);
    }

    /// The mailbox stored the message the session just accepted, as `id`.
    pub(crate) fn delivered(&mut self, id: u64) {
        self.facts.delivered += 1;
        link(&mut self.facts.messages, id);
        self.accepting = Some(id);
        if let Some(at) = self.omitted_at.take()
            && let Some(entry) = self.pending.entries_mut().get_mut(at)
            && let What::Omitted { message, .. } = &mut entry.what
        {
            *message = Some(id);
        }
        self.urgent = true;
    }

    /// The id the session is recorded under, handing it over now if it was not yet (a
    /// message names its session when it is stored).
    pub(crate) fn id(&mut self, session: &ServerSession) -> u64 {
        if self.recorded.is_none() {
            self.flush(session);
        }
        self.recorded.as_ref().map_or(0, |r| r.id)
    }

    /// The TLS handshake finished with these parameters.
    pub(crate) fn tls_started(&mut self, connection: &rustls::ServerConnection) {
        let version = connection
            .protocol_version()
            .map(|v| format!("{v:?}"))
            .unwrap_or_default();
        let suite = connection
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))
            .unwrap_or_default();
        let text = format!("TLS started: {version} {suite}");
        self.facts.tls = true;
        self.push(What::TlsStarted, text.trim_end(), true, false);
        self.urgent = true;
    }

    /// The TLS handshake failed.
    pub(crate) fn tls_failed(&mut self, cause: &str) {
        self.push(
            What::TlsFailed,
            &format!("TLS failed: {cause}"),
            false,
            false,
        );
    }

    /// A line the connection wrote itself (its goodbye `421`).
    pub(crate) fn goodbye_line(&mut self, line: &str, session: &ServerSession) {
        self.written(line.as_bytes(), session);
    }

    /// After each round of reading and writing: hands the lines over when due.
    pub(crate) fn round_done(&mut self, session: &ServerSession) {
        self.omitted_at = None;
        let due = !self.pending.is_empty() && self.last_flush.elapsed() >= FLUSH_EVERY;
        if self.urgent || due {
            self.flush(session);
        }
    }

    /// The connection ended.
    pub(crate) fn end(&mut self, how: End, session: &ServerSession) {
        if self.done {
            return;
        }
        self.done = true;
        let ending = match how {
            End::Session if !self.replied => SessionEnding::Dropped,
            End::Session if self.last_code == Some(221) => SessionEnding::Quit,
            End::Session => SessionEnding::ServerClosed,
            End::ClientLeft => SessionEnding::ClientClosed,
            End::Goodbye(Closing::Idle) => SessionEnding::Timeout,
            End::Goodbye(Closing::TooLong) => SessionEnding::TooLong,
            End::Goodbye(_) => SessionEnding::ShuttingDown,
            End::WriteFailed => SessionEnding::WriteFailed,
            End::TlsFailed => SessionEnding::TlsFailed,
        };
        let (tls, auth) = (session.is_tls(), session.user().is_some());
        if self.capped > 0 {
            let lines = self.capped;
            self.push(What::Capped { lines }, "", tls, auth);
        }
        self.push(What::Closed(ending), "", tls, auth);
        self.facts.ending = ending;
        self.facts.ended = Some(SystemTime::now());
        self.flush(session);
    }

    /// Hands the buffered lines and the facts to the store, filing the session there
    /// first if it is not yet.
    /// Listeners hear of it when it is filed, when it ends, and at most every
    /// [`FLUSH_EVERY`] between: a one-message session is two events, not one per message
    /// and line, so a page keeps up while mail streams in.
    fn flush(&mut self, session: &ServerSession) {
        self.urgent = false;
        let now = Instant::now();
        self.last_flush = now;
        let announce = self.recorded.is_none()
            || self.done
            || self
                .last_event
                .is_none_or(|at| now.duration_since(at) >= FLUSH_EVERY);
        if announce {
            self.last_event = Some(now);
        }
        self.facts.tls = session.is_tls();
        if self.facts.helo.as_deref() != session.helo() {
            self.facts.helo = session.helo().map(str::to_owned);
        }
        if self.facts.user.as_deref() != session.user() {
            self.facts.user = session.user().map(str::to_owned);
        }
        let recorded = match &self.recorded {
            Some(recorded) => Arc::clone(recorded),
            None => {
                let owner = self.owners.owner_of(self.peer, self.accepted);
                let recorded = self.sessions.open(owner, self.started, self.peer);
                self.recorded = Some(Arc::clone(&recorded));
                recorded
            }
        };
        self.sessions
            .update(&recorded, &mut self.pending, &self.facts, announce);
    }
}
