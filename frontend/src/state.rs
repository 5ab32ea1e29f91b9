//! The app state and every change to it.
//!
//! The page is a function of [`State`], and the only way to change it is to dispatch an
//! [`Action`] (Yew's [`Reducible`], as in the `function_todomvc` example). Nothing here
//! touches the DOM, the network or a clock, so every transition is unit-tested natively
//! with `cargo test -p frontend`. SMTP rules (reply codes, line limits) come from
//! `protocol`; this module only decides what the page shows.

use std::collections::VecDeque;
use std::rc::Rc;

use protocol::limits;
use protocol::line::{OutgoingLineError, check_outgoing_line};
use protocol::reply::{ReplyClass, ReplyLine};
use protocol::wire::{ClientMsg, ConnectRequest, ServerMsg, TlsMode};
use thiserror::Error;
use yew::Reducible;

use crate::messages;

/// The most transcript entries kept. Older entries are dropped first, so a session left
/// running against a chatty server cannot grow the page's memory without bound.
pub const TRANSCRIPT_CAP: usize = 2000;

/// The values of the connect form, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectForm {
    /// Host name or IP literal of the SMTP server.
    pub host: String,
    /// The port as typed; parsed only when connecting, so a half-typed value is fine.
    pub port: String,
    /// How the bridge should secure the connection.
    pub tls: TlsMode,
}

impl Default for ConnectForm {
    /// The bridge's default target: its embedded sandbox on the same machine.
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: "2525".to_owned(),
            tls: TlsMode::None,
        }
    }
}

/// Why the connect form cannot be turned into a target.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormError {
    /// The host field is empty.
    #[error("enter the host name or IP address of an SMTP server")]
    EmptyHost,
    /// The host contains a space or control character, so it cannot be a host name.
    #[error("the host {0:?} contains a space or control character")]
    BadHost(String),
    /// The port is not a number from 1 to 65535.
    #[error("the port {0:?} is not a number from 1 to 65535")]
    BadPort(String),
}

impl ConnectForm {
    /// The target to send to the bridge. Surrounding spaces are ignored. The bridge checks
    /// the target again against its own policy; this only catches typing mistakes early.
    ///
    /// # Errors
    ///
    /// [`FormError`] when the host is empty or malformed, or the port is out of range.
    pub fn request(&self) -> Result<ConnectRequest, FormError> {
        let host = self.host.trim();
        if host.is_empty() {
            return Err(FormError::EmptyHost);
        }
        if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(FormError::BadHost(host.to_owned()));
        }
        let port_text = self.port.trim();
        let port = match port_text.parse::<u16>() {
            Ok(port) if port != 0 => port,
            _ => return Err(FormError::BadPort(port_text.to_owned())),
        };
        Ok(ConnectRequest {
            host: host.to_owned(),
            port,
            tls: self.tls,
        })
    }
}

/// Identifies one WebSocket connection, so that events from a connection the user has
/// already left (they arrive asynchronously) cannot change the state of a newer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SessionId(pub u32);

impl SessionId {
    /// The id after this one.
    pub fn next(self) -> Self {
        Self(self.0.wrapping_add(1))
    }
}

/// Where the connection to the SMTP server stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Phase {
    /// No connection; the form can be edited.
    #[default]
    Disconnected,
    /// The WebSocket is opening or the bridge is connecting to the server.
    Connecting {
        /// `host:port` as requested.
        target: String,
    },
    /// The bridge is connected to the server; lines can be sent.
    Connected {
        /// The address the bridge connected to.
        peer: String,
        /// The TLS mode in effect.
        tls: TlsMode,
    },
}

/// What the bridge connection reports to the state, already decoded from the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BridgeEvent {
    /// A message from the bridge.
    Message(ServerMsg),
    /// A frame that is not a message this page knows (a broken or much newer bridge).
    Undecodable {
        /// What was wrong with it.
        detail: String,
    },
    /// The WebSocket to the bridge closed or failed; nothing more will arrive.
    SocketClosed {
        /// The close code and reason, for a person.
        detail: String,
    },
}

/// Why a typed line was not sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SendError {
    /// There is no SMTP connection to send it on.
    #[error("not connected: connect to a server first")]
    NotConnected,
    /// The line breaks a rule every SMTP line must follow.
    #[error("line not sent: {0}")]
    Invalid(#[from] OutgoingLineError),
}

/// How a notice should be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Progress, e.g. "Connected".
    Info,
    /// Something failed.
    Error,
}

/// What a server line says about its reply, when it parses as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyInfo {
    /// The three-digit code, e.g. 250.
    pub code: u16,
    /// What the first digit means.
    pub class: ReplyClass,
    /// Whether this line starts a reply, rather than continuing a `250-` line before it.
    pub is_first: bool,
    /// Whether this line ends the reply (`250 ` rather than `250-`).
    pub is_last: bool,
}

/// One transcript line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A line the user sent to the server.
    Client {
        /// The line as typed.
        text: String,
    },
    /// A line the server sent.
    Server {
        /// The line as received.
        text: String,
        /// The reply code and class; `None` when the line is not a valid reply line.
        reply: Option<ReplyInfo>,
        /// Milliseconds since the connection was established.
        at_ms: u64,
    },
    /// A notice from the page or the bridge, not part of the SMTP conversation.
    Note {
        /// Progress or failure.
        tone: Tone,
        /// The sentence to show.
        text: String,
    },
}

/// A transcript line with an id that stays the same while it is shown (a Yew list key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Unique within the page's lifetime.
    pub id: u64,
    /// What the line is.
    pub kind: EntryKind,
}

/// The conversation so far, oldest first, at most [`TRANSCRIPT_CAP`] entries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Transcript {
    entries: VecDeque<Entry>,
    next_id: u64,
}

impl Transcript {
    /// The entries, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// The number of entries kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing has happened yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The id of the newest entry; it changes whenever an entry is added.
    pub fn last_id(&self) -> Option<u64> {
        self.entries.back().map(|entry| entry.id)
    }

    fn push(&mut self, kind: EntryKind) {
        if self.entries.len() == TRANSCRIPT_CAP {
            self.entries.pop_front();
        }
        let id = self.next_id;
        self.next_id += 1;
        self.entries.push_back(Entry { id, kind });
    }
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct State {
    /// The connect form as typed.
    pub form: ConnectForm,
    /// The connection's progress.
    pub phase: Phase,
    /// The connection whose events are accepted; `None` when there is none.
    pub active: Option<SessionId>,
    /// The conversation; behind an `Rc` so the terminal's props are cheap to compare.
    pub transcript: Rc<Transcript>,
    /// The code of a multi-line reply whose last line has not arrived yet.
    open_reply: Option<u16>,
}

/// Everything that can change the [`State`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The host field changed.
    EditHost(String),
    /// The port field changed.
    EditPort(String),
    /// Another TLS mode was selected.
    SelectTls(TlsMode),
    /// A valid form was submitted and WebSocket `session` is opening to send `request`.
    Connect {
        /// The new connection.
        session: SessionId,
        /// Where it goes.
        request: ConnectRequest,
    },
    /// The form was submitted but is not valid.
    FormRejected(FormError),
    /// The line was handed to the bridge.
    Sent(String),
    /// The typed line was not sent.
    SendRefused(SendError),
    /// The user ended the connection.
    Disconnect,
    /// Something arrived from the connection `session`.
    Bridge {
        /// Which connection it came from.
        session: SessionId,
        /// What happened.
        event: BridgeEvent,
    },
}

impl State {
    /// Whether lines can be sent now.
    pub fn is_connected(&self) -> bool {
        matches!(self.phase, Phase::Connected { .. })
    }

    /// The message that sends `text` to the server, if that is possible now.
    ///
    /// The frontend does not yet track whether the session is inside DATA, so it applies
    /// the longer text-line limit (RFC 5321 4.5.3.1.6); the bridge enforces the exact limit
    /// with the same `protocol` rules and reports `invalid_line` when it refuses.
    ///
    /// # Errors
    ///
    /// [`SendError`] when not connected, or when the line contains CR, LF or NUL or is
    /// too long.
    pub fn prepare_line(&self, text: &str) -> Result<ClientMsg, SendError> {
        if !self.is_connected() {
            return Err(SendError::NotConnected);
        }
        check_outgoing_line(text, limits::TEXT_LINE)?;
        Ok(ClientMsg::Line {
            text: text.to_owned(),
        })
    }

    fn note(&mut self, tone: Tone, text: String) {
        Rc::make_mut(&mut self.transcript).push(EntryKind::Note { tone, text });
    }

    fn end_session(&mut self) {
        self.phase = Phase::Disconnected;
        self.active = None;
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::EditHost(host) => self.form.host = host,
            Action::EditPort(port) => self.form.port = port,
            Action::SelectTls(tls) => self.form.tls = tls,
            Action::Connect { session, request } => {
                let target = format!("{}:{}", request.host, request.port);
                self.note(
                    Tone::Info,
                    format!(
                        "Connecting to {target} ({})…",
                        messages::tls_label(request.tls)
                    ),
                );
                self.phase = Phase::Connecting { target };
                self.active = Some(session);
                self.open_reply = None;
            }
            Action::FormRejected(err) => self.note(Tone::Error, format!("Cannot connect: {err}.")),
            Action::Sent(text) => {
                Rc::make_mut(&mut self.transcript).push(EntryKind::Client { text });
            }
            Action::SendRefused(err) => self.note(Tone::Error, format!("{}.", capitalise(&err))),
            Action::Disconnect => {
                if self.active.is_some() {
                    self.end_session();
                    self.note(Tone::Info, "Disconnected.".to_owned());
                }
            }
            Action::Bridge { session, event } => {
                if self.active == Some(session) {
                    self.apply_bridge(event);
                }
            }
        }
    }

    fn apply_bridge(&mut self, event: BridgeEvent) {
        match event {
            BridgeEvent::Message(ServerMsg::Connected {
                host,
                port,
                peer,
                tls,
                ..
            }) => {
                let target = format!("{host}:{port}");
                let tls_label = messages::tls_label(tls);
                self.note(
                    Tone::Info,
                    if peer == target {
                        format!("Connected to {target} ({tls_label}).")
                    } else {
                        format!("Connected to {target} (address {peer}, {tls_label}).")
                    },
                );
                self.phase = Phase::Connected { peer, tls };
            }
            BridgeEvent::Message(ServerMsg::Line { text, at_ms }) => {
                let reply = ReplyLine::parse(&text).ok().map(|line| ReplyInfo {
                    code: line.code.get(),
                    class: line.code.class(),
                    // A changed code starts a new reply even if the old one never ended.
                    is_first: self.open_reply != Some(line.code.get()),
                    is_last: line.is_last,
                });
                self.open_reply = reply.and_then(|r| (!r.is_last).then_some(r.code));
                Rc::make_mut(&mut self.transcript).push(EntryKind::Server { text, reply, at_ms });
            }
            BridgeEvent::Message(ServerMsg::Error { code, message }) => {
                let sentence = messages::error_sentence(code);
                let message = message.trim();
                let text = if message.is_empty() {
                    sentence.to_owned()
                } else {
                    // "The server … failed (what the bridge saw)."
                    format!("{} ({message}).", sentence.trim_end_matches('.'))
                };
                self.note(Tone::Error, text);
            }
            BridgeEvent::Message(ServerMsg::Closed { reason }) => {
                self.end_session();
                let text = if reason.trim().is_empty() {
                    "Connection closed.".to_owned()
                } else {
                    format!("Connection closed: {reason}.")
                };
                self.note(Tone::Info, text);
            }
            BridgeEvent::Undecodable { detail } => self.note(
                Tone::Error,
                format!("The bridge sent a message this page does not understand ({detail})."),
            ),
            BridgeEvent::SocketClosed { detail } => {
                self.end_session();
                self.note(
                    Tone::Error,
                    format!("Lost the connection to the bridge ({detail})."),
                );
            }
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        next.apply(action);
        Rc::new(next)
    }
}

/// `text` with its first letter in upper case, for errors shown as sentences.
fn capitalise(text: &impl ToString) -> String {
    let text = text.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::wire::ErrorCode;

    const S1: SessionId = SessionId(1);
    const S2: SessionId = SessionId(2);

    fn reduce(state: State, actions: impl IntoIterator<Item = Action>) -> State {
        let mut state = Rc::new(state);
        for action in actions {
            state = state.reduce(action);
        }
        Rc::unwrap_or_clone(state)
    }

    fn kinds(state: &State) -> Vec<EntryKind> {
        state.transcript.iter().map(|e| e.kind.clone()).collect()
    }

    fn connect(session: SessionId) -> Action {
        Action::Connect {
            session,
            request: ConnectForm::default()
                .request()
                .expect("default form is valid"),
        }
    }

    fn from_bridge(session: SessionId, msg: ServerMsg) -> Action {
        Action::Bridge {
            session,
            event: BridgeEvent::Message(msg),
        }
    }

    fn connected(session: SessionId) -> Action {
        from_bridge(
            session,
            ServerMsg::Connected {
                version: 1,
                host: "127.0.0.1".into(),
                port: 2525,
                peer: "127.0.0.1:2525".into(),
                tls: TlsMode::None,
            },
        )
    }

    fn line(session: SessionId, text: &str) -> Action {
        from_bridge(
            session,
            ServerMsg::Line {
                text: text.into(),
                at_ms: 7,
            },
        )
    }

    fn note_texts(state: &State, tone: Tone) -> Vec<String> {
        kinds(state)
            .into_iter()
            .filter_map(|kind| match kind {
                EntryKind::Note { tone: t, text } if t == tone => Some(text),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn form_defaults_to_the_local_sandbox() {
        let request = ConnectForm::default().request().expect("valid");
        assert_eq!(
            request,
            ConnectRequest {
                host: "127.0.0.1".into(),
                port: 2525,
                tls: TlsMode::None
            }
        );
    }

    #[test]
    fn form_validation_names_the_problem() {
        let form = |host: &str, port: &str| ConnectForm {
            host: host.into(),
            port: port.into(),
            tls: TlsMode::Implicit,
        };
        let ok = form("  mx.example.org ", " 465").request().expect("valid");
        assert_eq!(
            (ok.host.as_str(), ok.port, ok.tls),
            ("mx.example.org", 465, TlsMode::Implicit)
        );
        assert_eq!(form(" ", "25").request(), Err(FormError::EmptyHost));
        assert_eq!(
            form("mx example", "25").request(),
            Err(FormError::BadHost("mx example".into()))
        );
        for port in ["", "0", "65536", "25a", "-1"] {
            assert_eq!(
                form("mx", port).request(),
                Err(FormError::BadPort(port.into())),
                "port {port:?}"
            );
        }
    }

    #[test]
    fn edits_change_only_the_form() {
        let state = reduce(
            State::default(),
            [
                Action::EditHost("::1".into()),
                Action::EditPort("587".into()),
                Action::SelectTls(TlsMode::Starttls),
            ],
        );
        assert_eq!(
            state.form,
            ConnectForm {
                host: "::1".into(),
                port: "587".into(),
                tls: TlsMode::Starttls
            }
        );
        assert!(state.transcript.is_empty());
        assert_eq!(state.phase, Phase::Disconnected);
    }

    #[test]
    fn a_session_goes_from_connecting_to_connected_to_closed() {
        let state = reduce(State::default(), [connect(S1)]);
        assert_eq!(
            state.phase,
            Phase::Connecting {
                target: "127.0.0.1:2525".into()
            }
        );
        assert_eq!(state.active, Some(S1));
        assert!(!state.is_connected());

        let state = reduce(state, [connected(S1)]);
        assert!(state.is_connected());

        let state = reduce(
            state,
            [from_bridge(
                S1,
                ServerMsg::Closed {
                    reason: "the server closed the connection".into(),
                },
            )],
        );
        assert_eq!(state.phase, Phase::Disconnected);
        assert_eq!(state.active, None);
        assert_eq!(
            note_texts(&state, Tone::Info),
            [
                "Connecting to 127.0.0.1:2525 (no TLS)…",
                "Connected to 127.0.0.1:2525 (no TLS).",
                "Connection closed: the server closed the connection."
            ]
        );
    }

    #[test]
    fn connected_note_names_the_address_only_when_it_differs() {
        let state = reduce(
            State::default(),
            [
                connect(S1),
                from_bridge(
                    S1,
                    ServerMsg::Connected {
                        version: 1,
                        host: "localhost".into(),
                        port: 25,
                        peer: "[::1]:25".into(),
                        tls: TlsMode::Implicit,
                    },
                ),
            ],
        );
        assert_eq!(
            state.phase,
            Phase::Connected {
                peer: "[::1]:25".into(),
                tls: TlsMode::Implicit
            }
        );
        assert_eq!(
            note_texts(&state, Tone::Info).last().map(String::as_str),
            Some("Connected to localhost:25 (address [::1]:25, implicit TLS).")
        );
    }

    #[test]
    fn a_new_session_starts_a_new_reply() {
        let state = reduce(
            State::default(),
            [
                connect(S1),
                connected(S1),
                line(S1, "250-cut off"),
                Action::Disconnect,
                connect(S2),
                connected(S2),
                line(S2, "250 fresh"),
            ],
        );
        let last = state.transcript.iter().last().map(|e| e.kind.clone());
        assert!(matches!(
            last,
            Some(EntryKind::Server {
                reply: Some(ReplyInfo { is_first: true, .. }),
                ..
            })
        ));
    }

    #[test]
    fn server_lines_carry_their_reply_code_and_class() {
        let state = reduce(
            State::default(),
            [
                connect(S1),
                connected(S1),
                line(S1, "220 mx.example ESMTP"),
                line(S1, "250-mx.example"),
                line(S1, "250-PIPELINING"),
                line(S1, "250 8BITMIME"),
                line(S1, "354 go ahead"),
                line(S1, "451-try"),
                line(S1, "550 no"),
                line(S1, "hello?"),
                line(S1, "221 bye"),
            ],
        );
        let replies: Vec<_> = kinds(&state)
            .into_iter()
            .filter_map(|kind| match kind {
                EntryKind::Server { reply, at_ms, .. } => {
                    assert_eq!(at_ms, 7);
                    Some(reply.map(|r| (r.code, r.class, r.is_first, r.is_last)))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            replies,
            [
                Some((220, ReplyClass::PositiveCompletion, true, true)),
                Some((250, ReplyClass::PositiveCompletion, true, false)),
                Some((250, ReplyClass::PositiveCompletion, false, false)),
                Some((250, ReplyClass::PositiveCompletion, false, true)),
                Some((354, ReplyClass::PositiveIntermediate, true, true)),
                Some((451, ReplyClass::TransientNegative, true, false)),
                // A changed code starts a new reply.
                Some((550, ReplyClass::PermanentNegative, true, true)),
                None,
                Some((221, ReplyClass::PositiveCompletion, true, true)),
            ]
        );
    }

    #[test]
    fn lines_can_be_sent_only_when_connected_and_valid() {
        let idle = State::default();
        assert_eq!(idle.prepare_line("EHLO me"), Err(SendError::NotConnected));
        let connecting = reduce(State::default(), [connect(S1)]);
        assert_eq!(
            connecting.prepare_line("EHLO me"),
            Err(SendError::NotConnected)
        );

        let state = reduce(connecting, [connected(S1)]);
        assert_eq!(
            state.prepare_line("EHLO me"),
            Ok(ClientMsg::Line {
                text: "EHLO me".into()
            })
        );
        // An empty line is legal SMTP: inside DATA it separates headers from the body.
        assert_eq!(
            state.prepare_line(""),
            Ok(ClientMsg::Line {
                text: String::new()
            })
        );
        assert!(matches!(
            state.prepare_line("RSET\r\nQUIT"),
            Err(SendError::Invalid(OutgoingLineError::ControlCharacter {
                name: "CR",
                ..
            }))
        ));
        assert!(matches!(
            state.prepare_line(&"x".repeat(limits::TEXT_LINE)),
            Err(SendError::Invalid(OutgoingLineError::TooLong { .. }))
        ));
    }

    #[test]
    fn sent_and_refused_lines_are_shown() {
        let state = reduce(
            State::default(),
            [
                Action::Sent("EHLO me".into()),
                Action::SendRefused(SendError::NotConnected),
            ],
        );
        assert_eq!(
            kinds(&state),
            [
                EntryKind::Client {
                    text: "EHLO me".into()
                },
                EntryKind::Note {
                    tone: Tone::Error,
                    text: "Not connected: connect to a server first.".into()
                }
            ]
        );
    }

    #[test]
    fn bridge_errors_become_sentences_and_keep_the_session() {
        let state = reduce(
            State::default(),
            [
                connect(S1),
                connected(S1),
                from_bridge(
                    S1,
                    ServerMsg::Error {
                        code: ErrorCode::InvalidLine,
                        message: "the line is too long".into(),
                    },
                ),
                from_bridge(
                    S1,
                    ServerMsg::Error {
                        code: ErrorCode::Unknown,
                        message: " ".into(),
                    },
                ),
            ],
        );
        assert!(state.is_connected());
        assert_eq!(
            note_texts(&state, Tone::Error),
            [
                "The bridge refused the line, so it was not sent (the line is too long)."
                    .to_owned(),
                messages::error_sentence(ErrorCode::Unknown).to_owned()
            ]
        );
    }

    #[test]
    fn events_from_an_old_session_are_ignored() {
        let state = reduce(
            State::default(),
            [connect(S1), Action::Disconnect, connect(S2)],
        );
        let before = state.clone();
        let state = reduce(
            state,
            [
                connected(S1),
                line(S1, "220 stale"),
                Action::Bridge {
                    session: S1,
                    event: BridgeEvent::SocketClosed {
                        detail: "code 1000".into(),
                    },
                },
            ],
        );
        assert_eq!(state, before);
        assert_eq!(state.active, Some(S2));
    }

    #[test]
    fn disconnect_ends_the_session_once() {
        let state = reduce(
            State::default(),
            [
                connect(S1),
                connected(S1),
                Action::Disconnect,
                Action::Disconnect,
            ],
        );
        assert_eq!(state.phase, Phase::Disconnected);
        assert_eq!(state.active, None);
        assert_eq!(
            note_texts(&state, Tone::Info)
                .iter()
                .filter(|t| *t == "Disconnected.")
                .count(),
            1
        );
    }

    #[test]
    fn losing_the_socket_ends_the_session_with_an_error() {
        let state = reduce(
            State::default(),
            [
                connect(S1),
                Action::Bridge {
                    session: S1,
                    event: BridgeEvent::SocketClosed {
                        detail: "code 1006".into(),
                    },
                },
            ],
        );
        assert_eq!(state.phase, Phase::Disconnected);
        assert_eq!(
            note_texts(&state, Tone::Error),
            ["Lost the connection to the bridge (code 1006)."]
        );
    }

    #[test]
    fn undecodable_frames_are_reported_not_fatal() {
        let state = reduce(
            State::default(),
            [
                connect(S1),
                connected(S1),
                Action::Bridge {
                    session: S1,
                    event: BridgeEvent::Undecodable {
                        detail: "a binary frame".into(),
                    },
                },
            ],
        );
        assert!(state.is_connected());
        assert_eq!(note_texts(&state, Tone::Error).len(), 1);
    }

    #[test]
    fn form_rejection_is_a_note() {
        let state = reduce(
            State::default(),
            [Action::FormRejected(FormError::EmptyHost)],
        );
        assert_eq!(
            note_texts(&state, Tone::Error),
            ["Cannot connect: enter the host name or IP address of an SMTP server."]
        );
        assert_eq!(state.active, None);
    }

    #[test]
    fn transcript_keeps_the_newest_entries_up_to_the_cap() {
        let mut actions = vec![connect(S1), connected(S1)];
        actions.extend((0..TRANSCRIPT_CAP + 5).map(|i| line(S1, &format!("250 line {i}"))));
        let state = reduce(State::default(), actions);
        assert_eq!(state.transcript.len(), TRANSCRIPT_CAP);
        let first = state.transcript.iter().next().expect("entries");
        assert_eq!(
            first.kind,
            EntryKind::Server {
                text: "250 line 5".into(),
                reply: Some(ReplyInfo {
                    code: 250,
                    class: ReplyClass::PositiveCompletion,
                    is_first: true,
                    is_last: true
                }),
                at_ms: 7
            }
        );
        let ids: Vec<u64> = state.transcript.iter().map(|e| e.id).collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "ids stay unique and ordered"
        );
        assert_eq!(state.transcript.last_id(), ids.last().copied());
    }

    #[test]
    fn session_ids_advance() {
        assert_eq!(SessionId(1).next(), SessionId(2));
        assert_eq!(SessionId(u32::MAX).next(), SessionId(0));
    }
}
