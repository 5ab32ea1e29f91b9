//! The app state and every change to it.
//!
//! The page is a function of [`State`], and the only way to change it is to dispatch an
//! [`Action`] (Yew's [`Reducible`], as in the `function_todomvc` example). Nothing here
//! touches the DOM, the network or a clock (times arrive inside actions), so every
//! transition is unit-tested natively with `cargo test -p frontend`. SMTP rules come from
//! `protocol`: the session, its predictions and the annotations are `protocol`'s
//! [`Annotator`](protocol::annotate::Annotator) (two of them, see
//! [`Annotators`](crate::transcript::Annotators)); this module only decides what the page
//! shows and when a line may go out.
//!
//! # Layout
//!
//! [`State`] is made of one part per concern, each in its own file with the methods that
//! change it; [`State::apply`] (here) routes each [`Action`] to them, and handles the
//! few actions that touch several parts (connecting, the bridge's events).
//!
//! - `form.rs`: [`ConnectForm`], the connect form as typed and the target it makes.
//! - `connection.rs`: [`Connection`], the current session's id, backend, phase and TLS.
//! - `conversation.rs`: [`Conversation`], the transcript, `protocol`'s session, the
//!   lesson; [`AuthStep`].
//! - `command_line.rs`: [`CommandLine`], the draft, Tab's candidates, history, the queue.
//! - `outgoing.rs`: what Enter does and which queued lines go out ([`Submit`]).
//! - `queue.rs`: [`PasteQueue`], the pasted lines waiting, cheap to copy.
//! - `mailbox.rs`: [`Mailbox`], the bridge's sandbox and the simulator's mailbox.
//! - `sessions.rs`: [`Sessions`], the sessions the sandbox recorded and the one opened.
//! - `prefs.rs`: [`Preferences`], language, theme, view, export, shared transcript.
//! - `library.rs`: [`Library`], the lessons' index, the one picked, what went wrong.

mod check;
mod command_line;
mod connection;
mod conversation;
mod dns;
mod form;
mod library;
mod link;
mod mailbox;
mod outgoing;
mod prefs;
mod queue;
mod sessions;

use std::rc::Rc;

use protocol::extension::Capabilities;
use protocol::lang::Lang;
use protocol::lesson::{IndexEntry, parse_lesson};
use protocol::records::session::{SessionDetail, SessionList, SessionSummary};
use protocol::wire::{ConnectRequest, ServerMsg, TlsMode};
use yew::Reducible;

use crate::sandbox::{MessageDetail, MessageSummary, SandboxInfo};
use crate::transcript::Tone;
use crate::vocab::{
    Backend, BridgeEvent, ExportKind, Failure, FormError, Notice, Phase, Preset, SendError,
    SessionId, Theme, View,
};

pub use check::{CheckPhase, CheckRun};
pub use command_line::CommandLine;
pub use connection::Connection;
pub use conversation::{AuthStep, Conversation};
pub use dns::DnsView;
pub use form::{CheckTarget, ConnectForm, to_host};
pub use library::{LessonProblem, Library};
pub use mailbox::{
    BridgePresence, MAILBOX_ROWS_CAP, Mailbox, MessageView, SIMULATED_MAILBOX_CAP, SimulatedMessage,
};
pub use outgoing::{BATCH_BYTES, Submit};
pub use prefs::Preferences;
pub use queue::PasteQueue;
pub use sessions::{RecordedSession, SESSION_ROWS_CAP, SessionView, Sessions};

/// Everything the page shows.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// The connect form as typed.
    pub form: ConnectForm,
    /// The current (or last) connection.
    pub connection: Connection,
    /// The transcript, `protocol`'s session and the lesson.
    pub conversation: Conversation,
    /// The lesson library: index, the lesson picked.
    pub library: Library,
    /// The command line.
    pub command_line: CommandLine,
    /// The sandbox and simulator mailboxes.
    pub mailbox: Mailbox,
    /// The sessions the sandbox recorded.
    pub sessions: Sessions,
    /// Language, theme, view.
    pub prefs: Preferences,
    /// The DNS facts panel, when open.
    pub dns: Option<DnsView>,
    /// The server check, when open.
    pub check: Option<CheckRun>,
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
    /// A preset was chosen.
    Preset(Preset),
    /// "Accept unverified certificates" was ticked or unticked.
    SetInsecure(bool),
    /// "Domain, by MX" was ticked or unticked.
    SetByMx(bool),
    /// A valid form was submitted and connection `session` is opening to send `request`.
    Connect {
        /// The new connection.
        session: SessionId,
        /// Where it goes.
        request: ConnectRequest,
        /// Whether it goes to the bridge or the in-page simulator.
        backend: Backend,
    },
    /// "Simulate (no bridge)" was ticked (the simulator) or unticked (the bridge).
    SelectBackend(Backend),
    /// The form was submitted but is not valid.
    FormRejected(FormError),
    /// The command line changed.
    EditDraft(String),
    /// Up: the previous line of the history.
    HistoryUp,
    /// Down: the next line of the history.
    HistoryDown,
    /// Tab: complete the command line.
    Complete,
    /// Ctrl+L: clear the transcript (the session goes on).
    ClearScreen,
    /// Esc: forget the warning, the completions and the queued lines.
    Cancel,
    /// Several lines were pasted: they are sent one by one.
    Paste(Vec<String>),
    /// The lessons' index arrived, or could not be fetched or read.
    LessonIndex(Result<Vec<IndexEntry>, ()>),
    /// A lesson was picked (from the link, local storage or the picker): its file is
    /// fetched.
    PickLesson(String),
    /// A lesson's file arrived (or failed), with the progress local storage kept from an
    /// earlier visit.
    LessonLoaded {
        /// The lesson's id.
        id: String,
        /// The file's text, or that it could not be fetched.
        text: Result<String, ()>,
        /// [`Progress::encode`](protocol::lesson::Progress::encode)'s text, if stored.
        stored: Option<String>,
    },
    /// "Restart lesson": every step undone.
    RestartLesson,
    /// Enter on a line with warnings: show them and wait for a second Enter.
    Warn {
        /// The line.
        text: String,
        /// It came from the paste queue (its front).
        queued: bool,
    },
    /// The line was handed to the bridge.
    Sent {
        /// The line.
        text: String,
        /// Milliseconds since the connection opened, measured by the page.
        at_ms: Option<u64>,
        /// It came from the paste queue (its front).
        queued: bool,
    },
    /// Several lines went out in one `lines` message: each recorded as [`Action::Sent`]
    /// would, in one change of the state (one copy of it, one render).
    SentLines {
        /// The lines, in order.
        lines: Vec<String>,
        /// Milliseconds since the connection opened, measured by the page.
        at_ms: Option<u64>,
        /// They came from the paste queue (its front).
        queued: bool,
    },
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
    /// Another language was chosen.
    SetLang(Lang),
    /// Another theme was chosen.
    SetTheme(Theme),
    /// Another view was chosen.
    ShowView(View),
    /// The export box was opened or closed.
    ShowExport(Option<ExportKind>),
    /// The page was opened from a shared link holding this transcript.
    OpenShared(String),
    /// This transcript was pasted and annotated in the paste view.
    Pasted(String),
    /// The bridge said where its sandbox is.
    Sandbox(SandboxInfo),
    /// The mailbox changed (an event, a delivery, Refresh): fetch its list.
    MailboxWanted,
    /// The mailbox list request was sent.
    MailboxRequested,
    /// The mailbox was fetched.
    Mailbox(Result<Vec<MessageSummary>, String>),
    /// The event stream (re)opened or lost events: fetch the session list.
    SessionsWanted,
    /// The session list request was sent.
    SessionsRequested,
    /// The session list was fetched.
    SessionsListed(Result<Box<SessionList>, String>),
    /// A `session` event: a session started or changed.
    SessionEvent(Box<SessionSummary>),
    /// A session was clicked, or asked for from the message it delivered.
    OpenSession(u64),
    /// The opened session's request was sent.
    SessionRequested,
    /// Session `id` was fetched.
    SessionLoaded {
        /// Which session.
        id: u64,
        /// It, or why not.
        result: Result<Box<SessionDetail>, String>,
    },
    /// The session view was closed.
    CloseSession,
    /// `GET /api/sandbox` failed: there is no bridge here.
    NoBridge(String),
    /// The simulator accepted a message (at `received_at`, RFC 3339).
    SimulatedDelivery {
        /// What the simulated server received.
        message: Box<protocol::server::ReceivedMessage>,
        /// When, as the page's clock says.
        received_at: String,
    },
    /// A message of the mailbox panel was clicked.
    OpenMessage(u64),
    /// The opened message was fetched.
    MessageLoaded(Result<MessageDetail, String>),
    /// The message view was closed.
    CloseMessage,
    /// The DNS facts of this domain were asked for.
    DnsAsked(String),
    /// The DNS facts of a domain arrived, or why not.
    DnsAnswered {
        /// The domain asked about.
        domain: String,
        /// Its facts, or why there are none.
        result: Result<Box<crate::dns::DnsFacts>, Failure>,
    },
    /// The DNS facts panel was closed.
    CloseDns,
    /// Run `run` of the server check of `target` starts (or, in the simulator, cannot).
    CheckStarted {
        /// Which run.
        run: u32,
        /// A host (`host:port`) or a domain.
        target: String,
    },
    /// Something happened in run `run` of the check.
    CheckEvent {
        /// Which run.
        run: u32,
        /// What happened.
        step: Box<crate::check::CheckStep>,
    },
    /// The user stopped the running check.
    StopCheck,
    /// The check panel was closed.
    CloseCheck,
}

impl State {
    /// A fresh page in `lang` and `theme` (read from the browser by the app).
    pub fn new(lang: Lang, theme: Theme) -> Self {
        Self {
            prefs: Preferences {
                lang,
                theme,
                ..Preferences::default()
            },
            ..Self::default()
        }
    }

    /// Whether lines can be sent now.
    pub fn is_connected(&self) -> bool {
        self.connection.is_connected()
    }

    /// The SMTP session as `protocol` models it.
    pub fn session(&self) -> &protocol::session::ClientSession {
        self.conversation.session()
    }

    /// The terminal prompt: the session phase (`SMTP>`, `DATA>` ...), or `C:` offline.
    pub fn prompt(&self) -> &'static str {
        if self.is_connected() {
            self.session().phase().prompt()
        } else {
            "C:"
        }
    }

    /// What the server advertised in its last EHLO reply.
    pub fn capabilities(&self) -> Option<&Capabilities> {
        self.session().capabilities()
    }

    /// Whether lines travel inside TLS now.
    pub fn encrypted(&self) -> bool {
        self.connection.is_implicit_tls() || self.session().is_tls()
    }

    /// What the AUTH helper offers now, if anything.
    pub fn auth_step(&self) -> Option<AuthStep> {
        self.is_connected()
            .then(|| self.conversation.auth_step())
            .flatten()
    }

    /// The mailbox panel's list: the simulator's messages when the form is set to the
    /// simulator, else the bridge's sandbox mailbox; `None` when there is none to show.
    pub fn mailbox_list(&self) -> Option<Result<Rc<Vec<MessageSummary>>, String>> {
        self.mailbox.list(self.form.backend)
    }

    /// Whether the page may open a connection without being asked: not while one is
    /// open, not after the user disconnected, not when showing a shared transcript.
    /// Whether the page is still opening: the bridge not heard from yet, or the session it
    /// opens by itself (the sandbox's, or the simulator's) not greeted yet. The app leaves
    /// everything else (the side panels, the mailbox, the lessons) until after that, so
    /// the greeting comes first.
    pub fn opening(&self) -> bool {
        self.mailbox.bridge == BridgePresence::Unknown
            || self.connection.auto_connect
            || self
                .connection
                .opening_by_itself(self.session().phase() != protocol::session::Phase::Greeting)
    }

    fn may_connect_by_itself(&self) -> bool {
        self.connection.may_open_by_itself() && self.prefs.shared.is_none()
    }

    fn pick_lesson(&mut self, id: String) {
        if id == self.library.chosen && self.library.problem.is_none() {
            return;
        }
        self.library.chosen = id;
        self.library.loading = true;
        self.library.problem = None;
        self.conversation.lesson.unset();
    }

    fn lesson_loaded(&mut self, id: &str, text: Result<String, ()>, stored: Option<String>) {
        if id != self.library.chosen {
            return;
        }
        self.library.loading = false;
        match text.map(|text| parse_lesson(&text, Some(id))) {
            Ok(Ok(lesson)) => self
                .conversation
                .lesson
                .set_lesson(Rc::new(lesson), stored.as_deref()),
            Ok(Err(err)) => self.library.problem = Some(LessonProblem::Unreadable(err)),
            Err(()) => self.library.problem = Some(LessonProblem::Fetch),
        }
    }

    fn sent(&mut self, text: &str, at_ms: Option<u64>, queued: bool) {
        let encrypted = self.encrypted();
        let as_typed = self.conversation.sent(text, at_ms, encrypted);
        self.command_line.sent(text, queued, as_typed);
    }

    fn end_session(&mut self) {
        self.connection.end();
        self.command_line.end_session();
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::EditHost(host) => self.form.host = host,
            Action::EditPort(port) => self.form.port = port,
            Action::SelectTls(tls) => self.form.tls = tls,
            Action::SetInsecure(insecure) => self.form.insecure = insecure,
            Action::SetByMx(by_mx) => self.form.set_by_mx(by_mx),
            Action::Preset(preset) => self
                .form
                .apply_preset(preset, self.mailbox.sandbox_target()),
            Action::Connect {
                session,
                request,
                backend,
            } => self.connect(session, &request, backend),
            Action::FormRejected(err) => {
                self.connection.auto_connect = false;
                self.conversation
                    .note(Tone::Error, Notice::FormRejected(err));
            }
            Action::SelectBackend(backend) => {
                self.form.backend = backend;
                self.mailbox.message = None;
            }
            Action::EditDraft(text) => self.command_line.edit(text),
            Action::HistoryUp => self.command_line.history_up(),
            Action::HistoryDown => self.command_line.history_down(),
            Action::Complete => self.command_line.complete(),
            Action::ClearScreen => self.conversation.clear_screen(),
            Action::Cancel => self.command_line.cancel(),
            Action::Paste(lines) => self.command_line.queue.extend(lines),
            Action::LessonIndex(Ok(index)) => self.library.index = Some(Rc::new(index)),
            Action::LessonIndex(Err(())) => self.library.index_failed = true,
            Action::PickLesson(id) => self.pick_lesson(id),
            Action::LessonLoaded { id, text, stored } => self.lesson_loaded(&id, text, stored),
            Action::RestartLesson => {
                self.conversation.lesson.restart();
                self.library.restarts += 1;
            }
            Action::Warn { text, queued } => self.command_line.warn(text, queued),
            Action::Sent {
                text,
                at_ms,
                queued,
            } => self.sent(&text, at_ms, queued),
            Action::SentLines {
                lines,
                at_ms,
                queued,
            } => {
                for text in lines {
                    self.sent(&text, at_ms, queued);
                }
            }
            Action::SendRefused(err) => {
                self.conversation
                    .note(Tone::Error, Notice::SendRefused(err));
            }
            Action::Disconnect => {
                if self.connection.active.is_some() {
                    self.connection.end_by_user();
                    self.command_line.end_session();
                    self.conversation.note(Tone::Info, Notice::Disconnected);
                }
            }
            Action::Bridge { session, event } => {
                if self.connection.active == Some(session) {
                    self.apply_bridge(event);
                }
            }
            Action::SetLang(lang) => self.prefs.lang = lang,
            Action::SetTheme(theme) => self.prefs.theme = theme,
            Action::ShowView(view) => self.prefs.show(view),
            Action::ShowExport(export) => self.prefs.export = export,
            Action::OpenShared(text) => {
                self.connection.auto_connect = false;
                self.prefs.open_shared(text);
            }
            Action::Pasted(text) => self.prefs.pasted = Some(text.into()),
            Action::Sandbox(info) => self.sandbox_found(info),
            Action::NoBridge(detail) => {
                self.mailbox.bridge = BridgePresence::Absent;
                if self.form == ConnectForm::default() {
                    self.form.backend = Backend::Simulator;
                    if self.may_connect_by_itself() {
                        self.connection.auto_connect = true;
                    }
                }
                self.conversation
                    .note(Tone::Info, Notice::NoBridge { detail });
            }
            Action::MailboxWanted => self.mailbox.want_list(),
            Action::MailboxRequested => self.mailbox.list_requested(),
            Action::Mailbox(result) => self.mailbox.listed(result),
            Action::SessionsWanted => self.sessions.want_list(),
            Action::SessionsRequested => self.sessions.list_requested(),
            Action::SessionsListed(result) => self.sessions.listed(result.map(|list| *list)),
            Action::SessionEvent(summary) => self.sessions.event(*summary),
            Action::OpenSession(id) => self.sessions.open(id),
            Action::SessionRequested => self.sessions.session_requested(),
            Action::SessionLoaded { id, result } => {
                self.sessions.loaded(id, result.map(|detail| *detail));
            }
            Action::CloseSession => self.sessions.close(),
            Action::SimulatedDelivery {
                message,
                received_at,
            } => self.mailbox.simulated_delivery(*message, received_at),
            Action::OpenMessage(id) => self.mailbox.open(id, self.form.backend),
            Action::MessageLoaded(result) => self.mailbox.loaded(result),
            Action::CloseMessage => self.mailbox.message = None,
            Action::DnsAsked(domain) => self.dns = Some(DnsView::Loading(domain)),
            Action::DnsAnswered { domain, result } => {
                if let Some(view) = &mut self.dns {
                    view.answered(&domain, result.map(|facts| *facts));
                }
            }
            Action::CloseDns => self.dns = None,
            Action::CheckStarted { run, target } => {
                self.check = Some(if self.form.backend.is_simulator() {
                    CheckRun::unavailable(run, &target)
                } else {
                    CheckRun::start(run, &target)
                });
            }
            Action::CheckEvent { run, step } => {
                if let Some(check) = self.check.as_mut().filter(|c| c.run == run) {
                    check.step(*step);
                }
            }
            Action::StopCheck => {
                if let Some(check) = &mut self.check {
                    check.stop();
                }
            }
            Action::CloseCheck => self.check = None,
        }
    }

    fn connect(&mut self, session: SessionId, request: &ConnectRequest, backend: Backend) {
        let target = format!("{}:{}", request.host, request.port);
        self.conversation.note(
            Tone::Info,
            Notice::Connecting {
                target: target.clone(),
                tls: request.tls,
            },
        );
        if backend.is_simulator() {
            self.conversation.note(Tone::Info, Notice::Simulated);
        }
        self.connection.start(session, request, target, backend);
        self.conversation.restart();
        self.command_line.end_session();
    }

    /// The bridge said where its sandbox is: point the untouched form at it (its port
    /// may differ), and open the page connected to it.
    fn sandbox_found(&mut self, info: SandboxInfo) {
        self.mailbox.bridge = BridgePresence::Present;
        if let Some((host, port)) = info.target()
            && self.form == ConnectForm::default()
        {
            self.form.point_at(&host, port);
            if self.may_connect_by_itself() {
                self.connection.auto_connect = true;
                self.conversation.note(
                    Tone::Info,
                    Notice::AutoConnect {
                        target: format!("{host}:{port}"),
                    },
                );
            }
        }
        self.mailbox.sandbox = Some(info);
    }

    fn apply_bridge(&mut self, event: BridgeEvent) {
        match event {
            BridgeEvent::Message(ServerMsg::Connected {
                host,
                port,
                peer,
                tls,
                mx_host,
                ..
            }) => {
                // By MX, the host connected to is the MX host, not the domain.
                let host = match (mx_host, &mut self.connection.mx) {
                    (Some(mx_host), Some(view)) => {
                        Rc::make_mut(view).connected = Some(mx_host.clone());
                        mx_host
                    }
                    (mx_host, _) => mx_host.unwrap_or(host),
                };
                self.conversation.note(
                    Tone::Info,
                    Notice::Connected {
                        target: format!("{host}:{port}"),
                        peer: peer.clone(),
                        tls,
                    },
                );
                self.connection.connected(peer, tls);
            }
            BridgeEvent::Message(ServerMsg::Line {
                text,
                at_ms,
                latency_ms,
                encrypted,
            }) => {
                let encrypted = encrypted || self.encrypted();
                self.conversation
                    .server_line(text, at_ms, latency_ms, encrypted);
            }
            // The simulator's STARTTLS has no handshake: no TLS facts to show.
            BridgeEvent::Message(ServerMsg::Tls(info))
                if self.connection.backend.is_simulator() =>
            {
                self.conversation.simulated_tls(info.mode);
            }
            BridgeEvent::Message(ServerMsg::Tls(info)) => {
                let info = Rc::new(info);
                self.connection.tls_started(Rc::clone(&info));
                self.conversation.tls_started(info);
            }
            // Connect by MX: the list before `connected`.
            BridgeEvent::Message(ServerMsg::MxList(list)) => {
                let view = self.connection.mx.get_or_insert_with(Rc::default);
                let view = Rc::make_mut(view);
                view.domain.clone_from(&list.domain);
                view.list = Some(list);
            }
            BridgeEvent::Message(ServerMsg::Error { code, message }) => {
                self.conversation
                    .note(Tone::Error, Notice::BridgeError { code, message });
            }
            BridgeEvent::Message(ServerMsg::Closed { reason }) => {
                self.end_session();
                self.conversation.closed(reason);
            }
            BridgeEvent::Undecodable { detail } => {
                self.conversation
                    .note(Tone::Error, Notice::Undecodable { detail });
            }
            BridgeEvent::SocketClosed { detail } => {
                // The socket failed before the bridge said anything: it cannot be used
                // from this page (a proxy without WebSockets, a blocked port). The
                // simulator still works, so the page goes on there.
                let never_opened = self.connection.backend == Backend::Bridge
                    && matches!(self.connection.phase, Phase::Connecting { .. });
                self.end_session();
                if never_opened {
                    self.conversation.note(Tone::Info, Notice::SocketFailed);
                    self.form.backend = Backend::Simulator;
                    self.mailbox.message = None;
                    self.connection.auto_connect = self.may_connect_by_itself();
                } else {
                    self.conversation
                        .note(Tone::Error, Notice::SocketClosed { detail });
                }
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

#[cfg(test)]
mod tests;
