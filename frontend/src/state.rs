//! The app state and every change to it.
//!
//! The page is a function of [`State`], and the only way to change it is to dispatch an
//! [`Action`] (Yew's [`Reducible`], as in the `function_todomvc` example). Nothing here
//! touches the DOM, the network or a clock (times arrive inside actions), so every
//! transition is unit-tested natively with `cargo test -p frontend`. SMTP rules come from
//! `protocol`: the session, its predictions and the annotations are `protocol`'s
//! [`Annotator`](protocol::annotate::Annotator) (two of them, see [`Annotators`]); this
//! module only decides what the page shows and when a line may go out.

use std::collections::VecDeque;
use std::rc::Rc;

use protocol::auth::{self, Prompt};
use protocol::extension::Capabilities;
use protocol::lang::Lang;
use protocol::limits;
use protocol::line::{OutgoingLineError, check_outgoing_line};
use protocol::session::Phase as SessionPhase;
use protocol::wire::{ClientMsg, ConnectRequest, ErrorCode, ServerMsg, TlsInfo, TlsMode};
use thiserror::Error;
use yew::Reducible;

use crate::input::{self, History};
use crate::lesson::Progress;
use crate::sandbox::{self, MessageDetail, MessageSummary, SandboxInfo};
use crate::transcript::{Annotated, Annotators, EntryKind, ReplyInfo, Tone, Transcript, Warning};
use protocol::session::Expect;

/// The largest `lines` message the page sends, in bytes of JSON. A bridge in the public
/// profile accepts WebSocket messages of at most 4 KiB; this leaves room to spare.
pub const BATCH_BYTES: usize = 3 * 1024;

/// The JSON around the lines of a `lines` message: `{"type":"lines","text":[` and `]}`.
const BATCH_OVERHEAD: usize = r#"{"type":"lines","text":[]}"#.len();

/// The values of the connect form, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectForm {
    /// Host name or IP literal of the SMTP server.
    pub host: String,
    /// The port as typed; parsed only when connecting, so a half-typed value is fine.
    pub port: String,
    /// How the bridge should secure the connection.
    pub tls: TlsMode,
    /// Accept a certificate that fails verification (self-signed test servers), if the
    /// bridge's operator allows it.
    pub insecure: bool,
    /// Talk to the in-page simulator instead of the bridge (ticked by itself when no
    /// bridge answers).
    pub simulate: bool,
}

impl Default for ConnectForm {
    /// The bridge's default target: its embedded sandbox on the same machine.
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: "2525".to_owned(),
            tls: TlsMode::None,
            insecure: false,
            simulate: false,
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
            insecure: self.insecure && self.tls != TlsMode::None,
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

/// A notice of the page or the bridge, kept as data and worded in the language shown
/// (`i18n::notice`), so switching the language rewords old notices too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The page asked the bridge to connect.
    Connecting {
        /// `host:port` as requested.
        target: String,
        /// The TLS mode requested.
        tls: TlsMode,
    },
    /// The bridge connected.
    Connected {
        /// `host:port` as requested.
        target: String,
        /// The address connected to.
        peer: String,
        /// The TLS mode in effect.
        tls: TlsMode,
    },
    /// TLS started (after STARTTLS); what the bridge said about it.
    Tls {
        /// Version, cipher and certificate, as one line.
        summary: String,
    },
    /// The bridge ended the session.
    Closed {
        /// Why, in the bridge's words.
        reason: String,
    },
    /// The user pressed Disconnect.
    Disconnected,
    /// The connect form is not valid.
    FormRejected(FormError),
    /// A line was not sent.
    SendRefused(SendError),
    /// The bridge reported an error.
    BridgeError {
        /// What kind.
        code: ErrorCode,
        /// The bridge's words.
        message: String,
    },
    /// A frame from the bridge could not be decoded.
    Undecodable {
        /// What was wrong.
        detail: String,
    },
    /// The WebSocket ended.
    SocketClosed {
        /// The close code and reason, in words.
        detail: String,
    },
    /// The page connected to the bridge's sandbox by itself.
    AutoConnect {
        /// `host:port` of the sandbox.
        target: String,
    },
    /// No bridge answered: the terminal runs the in-page simulator.
    NoBridge {
        /// Why the bridge's API did not answer.
        detail: String,
    },
    /// The session that starts is simulated in the page.
    Simulated,
    /// A remark in a pasted transcript (a tool's message, a shell prompt), shown as is.
    Remark {
        /// The text.
        text: String,
    },
}

/// The colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Light text on dark.
    #[default]
    Dark,
    /// Dark text on light.
    Light,
}

impl Theme {
    /// `dark` or `light`, as stored and as the `data-theme` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
        }
    }

    /// The theme named `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Theme> {
        match name {
            "dark" => Some(Theme::Dark),
            "light" => Some(Theme::Light),
            _ => None,
        }
    }

    /// The other theme.
    pub fn toggled(self) -> Theme {
        match self {
            Theme::Dark => Theme::Light,
            Theme::Light => Theme::Dark,
        }
    }
}

/// Which main view is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// The live terminal.
    #[default]
    Terminal,
    /// Annotating a pasted transcript.
    Paste,
}

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// swaks-style arrows.
    Text,
    /// One JSON object per line.
    Json,
    /// A link with the transcript in its fragment.
    Link,
    /// A swaks command line that replays the session.
    Swaks,
}

/// A connect-form preset: a port with what it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// The button label.
    pub label: &'static str,
    /// The host to fill in; `None` keeps the host typed.
    pub host: Option<&'static str>,
    /// The port.
    pub port: u16,
    /// The TLS mode.
    pub tls: TlsMode,
    /// One line on what the port is for: English, Chinese.
    pub about: (&'static str, &'static str),
}

/// The presets the connect form offers.
pub const PRESETS: [Preset; 5] = [
    Preset {
        label: "Sandbox",
        host: Some("127.0.0.1"),
        port: 2525,
        tls: TlsMode::None,
        about: (
            "The playground's own SMTP server: safe to experiment, mail lands in its mailbox.",
            "练习场自带的 SMTP 服务器：可以放心试验，邮件会进入它的邮箱。",
        ),
    },
    Preset {
        label: "25",
        host: None,
        port: 25,
        tls: TlsMode::None,
        about: (
            "Relay between mail servers (MX). No login; STARTTLS optional; often blocked by home ISPs.",
            "邮件服务器之间的中继（MX）。无需登录，可选 STARTTLS；家庭宽带常屏蔽此端口。",
        ),
    },
    Preset {
        label: "465",
        host: None,
        port: 465,
        tls: TlsMode::Implicit,
        about: (
            "Submission with implicit TLS (RFC 8314): TLS from the first byte, then AUTH.",
            "隐式 TLS 的邮件提交（RFC 8314）：从第一个字节起就是 TLS，然后 AUTH。",
        ),
    },
    Preset {
        label: "587",
        host: None,
        port: 587,
        tls: TlsMode::Starttls,
        about: (
            "Submission (RFC 6409): mail clients log in here, after STARTTLS.",
            "邮件提交端口（RFC 6409）：邮件客户端在 STARTTLS 之后在这里登录。",
        ),
    },
    Preset {
        label: "2525",
        host: None,
        port: 2525,
        tls: TlsMode::None,
        about: (
            "Unofficial alternative to 587, used when an ISP blocks the usual ports.",
            "587 的非官方替代端口，在运营商屏蔽常用端口时使用。",
        ),
    },
];

/// Whether a bridge served this page, as learned from `GET /api/sandbox`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BridgePresence {
    /// Not known yet.
    #[default]
    Unknown,
    /// The bridge's API answered.
    Present,
    /// Nothing answered like a bridge (e.g. static hosting): only the simulator works.
    Absent,
}

/// A message of the in-page simulator's mailbox: its list entry and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedMessage {
    /// The list entry.
    pub summary: MessageSummary,
    /// The message as received, dot-stuffing removed (lossy UTF-8).
    pub raw: String,
}

/// The most messages the simulator's mailbox keeps; the oldest go first.
pub const SIMULATED_MAILBOX_CAP: usize = 50;

/// The message opened in the mailbox panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageView {
    /// Being fetched from the bridge.
    Loading(u64),
    /// Ready to show.
    Loaded(Rc<MessageDetail>),
    /// It could not be fetched.
    Failed(String),
}

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

/// What pressing Enter on a line leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submit {
    /// Send this message.
    Send(ClientMsg),
    /// Show the warnings first; the next Enter sends.
    Warn,
    /// It cannot be sent.
    Refuse(SendError),
}

/// Everything the page shows.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// The connect form as typed.
    pub form: ConnectForm,
    /// The connection's progress.
    pub phase: Phase,
    /// The connection whose events are accepted; `None` when there is none.
    pub active: Option<SessionId>,
    /// The conversation; behind an `Rc` so the terminal's props are cheap to compare.
    pub transcript: Rc<Transcript>,
    /// The language of the page and the annotations.
    pub lang: Lang,
    /// The colour scheme.
    pub theme: Theme,
    /// The main view.
    pub view: View,
    /// The export box, when open.
    pub export: Option<ExportKind>,
    /// The command line as typed.
    pub draft: String,
    /// Completions offered by the last Tab.
    pub candidates: Vec<&'static str>,
    /// Pasted lines waiting until the server has answered the previous one.
    pub queue: VecDeque<String>,
    /// The TLS facts of the bridge, when it sent them.
    pub tls: Option<Rc<TlsInfo>>,
    /// The lesson's progress in this session.
    pub lesson: Progress,
    /// Messages the server accepted in this page's sessions (250 after the final dot); the
    /// mailbox is fetched again when it changes.
    pub delivered: u32,
    /// Where the bridge's sandbox listens, when the bridge has one.
    pub sandbox: Option<SandboxInfo>,
    /// A transcript opened from a shared link, shown read-only in the paste view.
    pub shared: Option<Rc<str>>,
    /// The sandbox mailbox as last fetched, or why it could not be.
    pub mailbox: Option<Result<Rc<Vec<MessageSummary>>, String>>,
    /// Whether a bridge served the page.
    pub bridge: BridgePresence,
    /// The current (or last) session runs in the in-page simulator.
    pub simulated: bool,
    /// The app should open a connection now (to the sandbox, or the simulator without a
    /// bridge); cleared when it does.
    pub auto_connect: bool,
    /// The simulator's mailbox, newest first.
    pub simulated_mailbox: Rc<Vec<SimulatedMessage>>,
    /// The message opened in the mailbox panel.
    pub message: Option<MessageView>,
    /// The user pressed Disconnect in this page: never connect by ourselves again.
    user_disconnected: bool,
    /// The id of the simulator's last message.
    simulated_ids: u64,
    /// The session as `protocol` understands it, with the annotations.
    annotators: Annotators,
    /// The line whose warnings the user has seen: Enter on it again sends it.
    confirm: Option<String>,
    history: History,
    /// The code of a multi-line reply whose last line has not arrived yet.
    open_reply: Option<u16>,
    /// When the last client line went out (ms since connect), until its reply starts.
    last_sent_at: Option<u64>,
    /// The connection uses implicit TLS.
    implicit_tls: bool,
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
    /// A preset (index into [`PRESETS`]) was chosen.
    Preset(usize),
    /// "Accept unverified certificates" was ticked or unticked.
    SetInsecure(bool),
    /// A valid form was submitted and WebSocket `session` is opening to send `request`.
    Connect {
        /// The new connection.
        session: SessionId,
        /// Where it goes.
        request: ConnectRequest,
        /// It goes to the in-page simulator, not the bridge.
        simulated: bool,
    },
    /// "Simulate (no bridge)" was ticked or unticked.
    SetSimulate(bool),
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
    /// The bridge said where its sandbox is.
    Sandbox(SandboxInfo),
    /// The mailbox was fetched.
    Mailbox(Result<Vec<MessageSummary>, String>),
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
}

impl State {
    /// A fresh page in `lang` and `theme` (read from the browser by the app).
    pub fn new(lang: Lang, theme: Theme) -> Self {
        Self {
            lang,
            theme,
            ..Self::default()
        }
    }

    /// Whether lines can be sent now.
    pub fn is_connected(&self) -> bool {
        matches!(self.phase, Phase::Connected { .. })
    }

    /// The SMTP session as `protocol` models it.
    pub fn session(&self) -> &protocol::session::ClientSession {
        self.annotators.session()
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
        self.implicit_tls || self.session().is_tls()
    }

    /// The warnings to show: those of the line the user pressed Enter on, while the
    /// command line still holds it.
    pub fn warnings(&self) -> Vec<Warning> {
        match &self.confirm {
            Some(line) if *line == self.draft && self.is_connected() => {
                self.annotators.warnings(line)
            }
            _ => Vec::new(),
        }
    }

    /// The warnings for the line being typed, as the user types (shown lightly).
    pub fn live_warnings(&self) -> Vec<Warning> {
        if self.draft.trim().is_empty() || !self.is_connected() {
            return Vec::new();
        }
        self.annotators.warnings(&self.draft)
    }

    /// What the AUTH helper offers now, if anything.
    pub fn auth_step(&self) -> Option<AuthStep> {
        if !self.is_connected() {
            return None;
        }
        let session = self.session();
        if session.phase() == SessionPhase::AuthChallenge && session.pending().next().is_none() {
            let challenge = self.last_challenge().unwrap_or_default();
            return Some(AuthStep::Answer {
                prompt: auth::decode_prompt(&challenge),
                challenge,
            });
        }
        if session.phase() == SessionPhase::Ready && !session.is_authenticated() {
            let mechanisms = session.capabilities()?.auth_mechanisms();
            if !mechanisms.is_empty() {
                return Some(AuthStep::Start { mechanisms });
            }
        }
        None
    }

    /// The text after `334 ` of the newest server line, the challenge being answered.
    fn last_challenge(&self) -> Option<String> {
        self.transcript
            .iter()
            .rev()
            .find_map(|entry| match &entry.kind {
                EntryKind::Server { text, .. } => Some(
                    text.strip_prefix("334")
                        .map(|rest| rest.trim().to_owned())
                        .unwrap_or_default(),
                ),
                _ => None,
            })
    }

    /// Decides what Enter on `text` does: send it, warn first (unless `force`, or the
    /// warning for this very line was already shown), or refuse it.
    pub fn submit(&self, text: &str, force: bool) -> Submit {
        match self.prepare_line(text) {
            Err(err) => Submit::Refuse(err),
            Ok(msg) => {
                let seen = self.confirm.as_deref() == Some(text);
                if force || seen || self.annotators.warnings(text).is_empty() {
                    Submit::Send(msg)
                } else {
                    Submit::Warn
                }
            }
        }
    }

    /// The message that sends `text` to the server, if that is possible now. Inside DATA
    /// the text-line limit applies, otherwise the command-line limit (RFC 5321 4.5.3.1);
    /// the bridge checks again with the same `protocol` rules.
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

    /// The pasted line to send next, once the server has answered everything sent before
    /// (inside DATA nothing is answered, so body lines follow each other at once).
    pub fn next_queued(&self) -> Option<&str> {
        let session = self.session();
        let idle = self.is_connected()
            && self.confirm.is_none()
            && session.pending().next().is_none()
            && session.phase() != SessionPhase::TlsHandshake;
        idle.then(|| self.queue.front().map(String::as_str))
            .flatten()
    }

    fn push(&mut self, kind: EntryKind) {
        Rc::make_mut(&mut self.transcript).push(kind);
    }

    fn note(&mut self, tone: Tone, notice: Notice) {
        self.push(EntryKind::Note {
            tone,
            notice,
            annotation: None,
        });
    }

    fn end_session(&mut self) {
        self.phase = Phase::Disconnected;
        self.active = None;
        self.queue.clear();
        self.confirm = None;
    }

    fn reset_command_line(&mut self) {
        self.draft.clear();
        self.confirm = None;
        self.candidates.clear();
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::EditHost(host) => self.form.host = host,
            Action::EditPort(port) => self.form.port = port,
            Action::SelectTls(tls) => self.form.tls = tls,
            Action::SetInsecure(insecure) => self.form.insecure = insecure,
            Action::Preset(index) => {
                if let Some(preset) = PRESETS.get(index) {
                    if let Some(host) = preset.host {
                        host.clone_into(&mut self.form.host);
                    }
                    self.form.port = preset.port.to_string();
                    self.form.tls = preset.tls;
                    // The sandbox preset goes where the bridge's sandbox really listens.
                    if index == 0
                        && let Some((host, port)) =
                            self.sandbox.as_ref().and_then(SandboxInfo::target)
                    {
                        self.form.host = host;
                        self.form.port = port.to_string();
                    }
                }
            }
            Action::Connect {
                session,
                request,
                simulated,
            } => {
                let target = format!("{}:{}", request.host, request.port);
                self.note(
                    Tone::Info,
                    Notice::Connecting {
                        target: target.clone(),
                        tls: request.tls,
                    },
                );
                if simulated {
                    self.note(Tone::Info, Notice::Simulated);
                }
                self.simulated = simulated;
                self.auto_connect = false;
                self.phase = Phase::Connecting { target };
                self.active = Some(session);
                self.annotators = Annotators::default();
                self.open_reply = None;
                self.last_sent_at = None;
                self.implicit_tls = false;
                self.tls = None;
                self.lesson = Progress::default();
                self.queue.clear();
                self.confirm = None;
            }
            Action::FormRejected(err) => {
                self.auto_connect = false;
                self.note(Tone::Error, Notice::FormRejected(err));
            }
            Action::SetSimulate(simulate) => {
                self.form.simulate = simulate;
                self.message = None;
            }
            Action::EditDraft(text) => {
                if self.confirm.as_ref() != Some(&text) {
                    self.confirm = None;
                }
                self.candidates.clear();
                self.draft = text;
            }
            Action::HistoryUp => {
                if let Some(line) = self.history.up(&self.draft) {
                    self.draft = line;
                    self.confirm = None;
                }
            }
            Action::HistoryDown => {
                if let Some(line) = self.history.down() {
                    self.draft = line;
                    self.confirm = None;
                }
            }
            Action::Complete => {
                let completion = input::complete(&self.draft);
                self.draft = completion.line;
                self.candidates = completion.candidates;
                self.confirm = None;
            }
            Action::ClearScreen => Rc::make_mut(&mut self.transcript).clear(),
            Action::Cancel => {
                self.confirm = None;
                self.candidates.clear();
                self.queue.clear();
            }
            Action::Paste(lines) => self.queue.extend(lines),
            Action::Warn { text, queued } => {
                if queued {
                    self.queue.pop_front();
                }
                self.draft.clone_from(&text);
                self.confirm = Some(text);
            }
            Action::Sent {
                text,
                at_ms,
                queued,
            } => self.sent(text, at_ms, queued),
            Action::SendRefused(err) => self.note(Tone::Error, Notice::SendRefused(err)),
            Action::Disconnect => {
                if self.active.is_some() {
                    self.user_disconnected = true;
                    self.end_session();
                    self.note(Tone::Info, Notice::Disconnected);
                }
            }
            Action::Bridge { session, event } => {
                if self.active == Some(session) {
                    self.apply_bridge(event);
                }
            }
            Action::SetLang(lang) => self.lang = lang,
            Action::SetTheme(theme) => self.theme = theme,
            Action::ShowView(view) => {
                self.view = view;
                // Leaving the shared view returns to the ordinary paste box.
                self.shared = None;
            }
            Action::ShowExport(export) => self.export = export,
            Action::OpenShared(text) => {
                self.auto_connect = false;
                self.shared = Some(text.into());
                self.view = View::Paste;
            }
            Action::Sandbox(info) => {
                self.bridge = BridgePresence::Present;
                // Point the untouched form at the real sandbox (its port may differ), and
                // open the page connected to it.
                if let Some((host, port)) = info.target()
                    && self.form == ConnectForm::default()
                {
                    self.form.host = host.clone();
                    self.form.port = port.to_string();
                    if self.may_connect_by_itself() {
                        self.auto_connect = true;
                        self.note(
                            Tone::Info,
                            Notice::AutoConnect {
                                target: format!("{host}:{port}"),
                            },
                        );
                    }
                }
                self.sandbox = Some(info);
            }
            Action::NoBridge(detail) => {
                self.bridge = BridgePresence::Absent;
                if self.form == ConnectForm::default() {
                    self.form.simulate = true;
                    if self.may_connect_by_itself() {
                        self.auto_connect = true;
                    }
                }
                self.note(Tone::Info, Notice::NoBridge { detail });
            }
            Action::Mailbox(result) => self.mailbox = Some(result.map(Rc::new)),
            Action::SimulatedDelivery {
                message,
                received_at,
            } => self.simulated_delivery(*message, received_at),
            Action::OpenMessage(id) => {
                self.message = Some(if self.form.simulate {
                    self.simulated_detail(id).map_or_else(
                        || MessageView::Failed(format!("no message {id}")),
                        |detail| MessageView::Loaded(Rc::new(detail)),
                    )
                } else {
                    MessageView::Loading(id)
                });
            }
            Action::MessageLoaded(result) => {
                // A late answer for a view the user already closed is dropped.
                if matches!(self.message, Some(MessageView::Loading(_))) {
                    self.message = Some(match result {
                        Ok(detail) => MessageView::Loaded(Rc::new(detail)),
                        Err(err) => MessageView::Failed(err),
                    });
                }
            }
            Action::CloseMessage => self.message = None,
        }
    }

    /// Whether the page may open a connection without being asked: not while one is
    /// open, not after the user disconnected, not when showing a shared transcript.
    fn may_connect_by_itself(&self) -> bool {
        self.active.is_none() && !self.user_disconnected && self.shared.is_none()
    }

    fn simulated_delivery(&mut self, message: protocol::server::ReceivedMessage, at: String) {
        self.simulated_ids += 1;
        let raw = String::from_utf8_lossy(&message.data).into_owned();
        let (headers, _) = sandbox::split_message(&raw);
        let entry = SimulatedMessage {
            summary: MessageSummary {
                id: self.simulated_ids,
                from: message.mail_from,
                to: message.rcpt_to,
                subject: sandbox::header(&headers, "Subject").map(str::to_owned),
                received_at: at,
                size: message.data.len() as u64,
            },
            raw,
        };
        let list = Rc::make_mut(&mut self.simulated_mailbox);
        list.insert(0, entry);
        list.truncate(SIMULATED_MAILBOX_CAP);
    }

    /// The simulator's message `id`, read into headers and body.
    fn simulated_detail(&self, id: u64) -> Option<MessageDetail> {
        let message = self.simulated_mailbox.iter().find(|m| m.summary.id == id)?;
        let (headers, text_body) = sandbox::split_message(&message.raw);
        Some(MessageDetail {
            summary: message.summary.clone(),
            headers,
            text_body,
            raw: message.raw.clone(),
        })
    }

    /// The mailbox panel's list: the simulator's messages in simulator mode, else the
    /// bridge's sandbox mailbox; `None` when there is no mailbox to show.
    pub fn mailbox_list(&self) -> Option<Result<Rc<Vec<MessageSummary>>, String>> {
        if self.form.simulate {
            return Some(Ok(Rc::new(
                self.simulated_mailbox
                    .iter()
                    .map(|m| m.summary.clone())
                    .collect(),
            )));
        }
        if self.sandbox.as_ref().is_some_and(|s| s.enabled) {
            return Some(self.mailbox.clone().unwrap_or_else(|| Ok(Rc::default())));
        }
        None
    }

    /// Queued lines that can go out together in one `lines` message: inside DATA, the
    /// body lines from the front of the queue through the lone `.`, as long as each may
    /// be sent without a warning and the message stays within [`BATCH_BYTES`]; a longer
    /// body goes out in several batches. `None` when the front of the queue is not such a
    /// batch of at least two lines (it then goes out on its own, as typed lines do).
    pub fn next_batch(&self) -> Option<Vec<String>> {
        self.next_queued()?;
        if !self.session().in_body() {
            return None;
        }
        // Each line is judged as it will be: after the lines before it in the batch.
        let mut session = self.session().clone();
        let mut batch = Vec::new();
        let mut bytes = BATCH_OVERHEAD;
        for line in &self.queue {
            // Each line as it will be encoded: quoted, escaped, followed by a comma.
            let encoded = protocol::json::string(line).len() + 1;
            if !batch.is_empty() && bytes.saturating_add(encoded) > BATCH_BYTES {
                break;
            }
            bytes = bytes.saturating_add(encoded);
            let warned = session
                .predict(line)
                .iter()
                .any(|f| f.severity >= protocol::finding::Severity::Warning);
            if warned || self.prepare_line(line).is_err() {
                break;
            }
            session.handle_sent(line);
            batch.push(line.clone());
            if line == "." {
                break;
            }
        }
        (batch.len() >= 2).then_some(batch)
    }

    fn sent(&mut self, text: String, at_ms: Option<u64>, queued: bool) {
        if queued {
            self.queue.pop_front();
        } else {
            self.reset_command_line();
        }
        if self.confirm.as_ref() == Some(&text) {
            self.reset_command_line();
        }
        let encrypted = self.encrypted();
        self.lesson.sent(&text, self.session().in_body());
        let Annotated {
            text: shown,
            client_line,
            annotation,
        } = self.annotators.client_line(&text);
        // A line with a secret in it (an AUTH answer) never goes into the history.
        if shown == text {
            self.history.record(&text);
        }
        self.last_sent_at = at_ms.or(self.last_sent_at);
        self.push(EntryKind::Client {
            text: shown,
            line: client_line,
            at_ms,
            encrypted,
            annotation,
        });
    }

    /// A server line; `latency_ms` and `encrypted` as the bridge measured them, when it
    /// did (older bridges do not): otherwise the page's own clock and session decide.
    fn server_line(&mut self, text: String, at_ms: u64, latency_ms: Option<u64>, encrypted: bool) {
        let reply = ReplyInfo::parse(&text, self.open_reply);
        self.open_reply = reply.and_then(|r| (!r.is_last).then_some(r.code));
        let starts_reply = reply.is_none_or(|r| r.is_first);
        let measured = if starts_reply {
            self.last_sent_at
                .take()
                .map(|sent| at_ms.saturating_sub(sent))
        } else {
            None
        };
        let latency_ms = if starts_reply {
            latency_ms.or(measured)
        } else {
            None
        };
        let encrypted = encrypted || self.encrypted();
        let ends_message = self.session().pending().next() == Some(&Expect::EndOfData);
        let Annotated { annotation, .. } = self.annotators.server_line(&text);
        // The reply may contradict what was predicted for the lines it answers.
        for revised in self.annotators.take_revisions() {
            Rc::make_mut(&mut self.transcript).revise(revised);
        }
        if let Some(reply) = reply.filter(|r| r.is_last) {
            let delivered = ends_message && reply.code == 250;
            if delivered {
                self.delivered += 1;
            }
            self.lesson
                .replied(reply.code, self.annotators.session(), delivered);
        }
        self.push(EntryKind::Server {
            text,
            reply,
            at_ms: Some(at_ms),
            latency_ms,
            encrypted,
            annotation,
        });
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
                self.implicit_tls = tls == TlsMode::Implicit;
                self.note(
                    Tone::Info,
                    Notice::Connected {
                        target,
                        peer: peer.clone(),
                        tls,
                    },
                );
                self.phase = Phase::Connected { peer, tls };
            }
            BridgeEvent::Message(ServerMsg::Line {
                text,
                at_ms,
                latency_ms,
                encrypted,
            }) => self.server_line(text, at_ms, latency_ms, encrypted),
            BridgeEvent::Message(ServerMsg::Tls(info)) => self.tls_started(info),
            BridgeEvent::Message(ServerMsg::Error { code, message }) => {
                self.note(Tone::Error, Notice::BridgeError { code, message });
            }
            BridgeEvent::Message(ServerMsg::Closed { reason }) => {
                self.end_session();
                let Annotated { annotation, .. } = self.annotators.closed(&reason);
                self.push(EntryKind::Note {
                    tone: Tone::Info,
                    notice: Notice::Closed { reason },
                    annotation: Some(annotation),
                });
            }
            BridgeEvent::Undecodable { detail } => {
                self.note(Tone::Error, Notice::Undecodable { detail });
            }
            BridgeEvent::SocketClosed { detail } => {
                self.end_session();
                self.note(Tone::Error, Notice::SocketClosed { detail });
            }
        }
    }

    /// Records that TLS is up. After STARTTLS the session starts over (EHLO again), which
    /// `protocol` explains; implicit TLS was already noted when connecting.
    fn tls_started(&mut self, info: TlsInfo) {
        let summary = tls_summary(&info);
        let annotation = match info.mode {
            TlsMode::Starttls => Some(self.annotators.tls_established(&summary).annotation),
            TlsMode::Implicit | TlsMode::None => None,
        };
        if info.mode == TlsMode::Implicit {
            self.implicit_tls = true;
        }
        self.tls = Some(Rc::new(info));
        self.push(EntryKind::Note {
            tone: Tone::Info,
            notice: Notice::Tls { summary },
            annotation,
        });
    }
}

/// One line about a TLS connection: `TLSv1.3, TLS13_AES_256_GCM_SHA384, certificate
/// CN=mx verified` (or why it was not).
pub fn tls_summary(info: &TlsInfo) -> String {
    let subject = info
        .certificates
        .first()
        .map_or(info.server_name.as_str(), |c| c.subject.as_str());
    let verdict = match (&info.verify_error, info.verified) {
        (_, true) => "verified".to_owned(),
        (Some(why), false) => format!("NOT verified: {why}"),
        (None, false) => "NOT verified".to_owned(),
    };
    format!(
        "{}, {}, certificate {subject} {verdict}",
        info.version, info.cipher
    )
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
mod tests {
    use super::*;
    use crate::i18n;
    use protocol::finding::Severity;
    use protocol::reply::ReplyClass;

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
            simulated: false,
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

    fn line_at(session: SessionId, text: &str, at_ms: u64) -> Action {
        from_bridge(
            session,
            ServerMsg::Line {
                text: text.into(),
                at_ms,
                latency_ms: None,
                encrypted: false,
            },
        )
    }

    fn line(session: SessionId, text: &str) -> Action {
        line_at(session, text, 7)
    }

    fn sent(text: &str) -> Action {
        Action::Sent {
            text: text.into(),
            at_ms: None,
            queued: false,
        }
    }

    fn note_texts(state: &State, tone: Tone) -> Vec<String> {
        kinds(state)
            .into_iter()
            .filter_map(|kind| match kind {
                EntryKind::Note {
                    tone: t, notice, ..
                } if t == tone => Some(i18n::notice(Lang::En, &notice)),
                _ => None,
            })
            .collect()
    }

    fn client_texts(state: &State) -> Vec<String> {
        kinds(state)
            .into_iter()
            .filter_map(|kind| match kind {
                EntryKind::Client { text, .. } => Some(text),
                _ => None,
            })
            .collect()
    }

    /// Connected to a server that greeted and answered EHLO with AUTH and PIPELINING.
    fn ready() -> State {
        reduce(
            State::default(),
            [
                connect(S1),
                connected(S1),
                line_at(S1, "220 mx.example ESMTP", 3),
                sent("EHLO me"),
                line(S1, "250-mx.example"),
                line(S1, "250-PIPELINING"),
                line(S1, "250-AUTH PLAIN LOGIN"),
                line(S1, "250 8BITMIME"),
            ],
        )
    }

    #[test]
    fn form_defaults_to_the_local_sandbox() {
        let request = ConnectForm::default().request().expect("valid");
        assert_eq!(
            request,
            ConnectRequest {
                host: "127.0.0.1".into(),
                port: 2525,
                tls: TlsMode::None,
                insecure: false,
            }
        );
    }

    #[test]
    fn form_validation_names_the_problem() {
        let form = |host: &str, port: &str| ConnectForm {
            host: host.into(),
            port: port.into(),
            tls: TlsMode::Implicit,
            insecure: false,
            simulate: false,
        };
        assert!(form("  mx.example.org ", " 465").request().is_ok());
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
    fn presets_fill_port_and_tls_and_keep_a_typed_host() {
        let state = reduce(
            State::default(),
            [Action::EditHost("mx.example.org".into()), Action::Preset(3)],
        );
        assert_eq!(state.form.host, "mx.example.org");
        assert_eq!(state.form.port, "587");
        assert_eq!(state.form.tls, TlsMode::Starttls);
        let state = reduce(state, [Action::Preset(0), Action::Preset(99)]);
        assert_eq!(state.form, ConnectForm::default());
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
        assert_eq!(state.prompt(), "C:");
        let state = reduce(state, [connected(S1)]);
        assert!(state.is_connected());
        assert_eq!(state.prompt(), "wait>");
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
        assert_eq!(
            note_texts(&state, Tone::Info),
            [
                "Connecting to 127.0.0.1:2525 (no TLS)…",
                "Connected to 127.0.0.1:2525 (no TLS).",
                "Connection closed: the server closed the connection."
            ]
        );
        // The close carries protocol's explanation.
        assert!(matches!(
            kinds(&state).last(),
            Some(EntryKind::Note {
                annotation: Some(_),
                ..
            })
        ));
    }

    #[test]
    fn server_lines_carry_code_annotation_and_latency() {
        let state = ready();
        assert_eq!(state.prompt(), "SMTP>");
        let state = reduce(
            state,
            [
                Action::Sent {
                    text: "MAIL FROM:<a@b.example>".into(),
                    at_ms: Some(100),
                    queued: false,
                },
                line_at(S1, "250 2.1.0 Ok", 142),
            ],
        );
        assert_eq!(state.prompt(), "MAIL>");
        let Some(EntryKind::Server {
            reply,
            latency_ms,
            annotation,
            ..
        }) = kinds(&state).last().cloned()
        else {
            panic!("the last entry is the reply");
        };
        assert_eq!(
            reply.map(|r| (r.code, r.class)),
            Some((250, ReplyClass::PositiveCompletion))
        );
        assert_eq!(latency_ms, Some(42));
        assert!(!annotation.en.title.is_empty() && !annotation.zh.title.is_empty());
        assert_ne!(annotation.en.title, annotation.zh.title);
    }

    #[test]
    fn continuation_lines_start_no_new_reply_and_have_no_latency() {
        let state = ready();
        let replies: Vec<_> = kinds(&state)
            .into_iter()
            .filter_map(|kind| match kind {
                EntryKind::Server {
                    reply, latency_ms, ..
                } => Some(reply.map(|r| (r.code, r.is_first, r.is_last, latency_ms.is_some()))),
                _ => None,
            })
            .collect();
        assert_eq!(
            replies,
            [
                Some((220, true, true, false)),
                Some((250, true, false, false)),
                Some((250, false, false, false)),
                Some((250, false, false, false)),
                Some((250, false, true, false)),
            ]
        );
        let caps = state.capabilities().expect("EHLO answered");
        assert!(caps.has("PIPELINING"));
    }

    #[test]
    fn rcpt_before_mail_warns_first_and_sends_on_the_second_enter() {
        let state = reduce(ready(), [Action::EditDraft("RCPT TO:<x@y.example>".into())]);
        assert_eq!(
            state
                .live_warnings()
                .iter()
                .map(|w| w.id)
                .collect::<Vec<_>>(),
            ["rcpt-before-mail"]
        );
        assert!(state.warnings().is_empty(), "no panel before Enter");
        assert_eq!(state.submit("RCPT TO:<x@y.example>", false), Submit::Warn);
        assert!(matches!(
            state.submit("RCPT TO:<x@y.example>", true),
            Submit::Send(_)
        ));
        let state = reduce(
            state,
            [Action::Warn {
                text: "RCPT TO:<x@y.example>".into(),
                queued: false,
            }],
        );
        let warnings = state.warnings();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].severity, Severity::Error);
        assert!(warnings[0].text.en.contains("MAIL FROM"));
        // The second Enter sends it.
        assert!(matches!(
            state.submit("RCPT TO:<x@y.example>", false),
            Submit::Send(_)
        ));
        // Editing the line drops the warning.
        let edited = reduce(
            state.clone(),
            [Action::EditDraft("RCPT TO:<x@y.exampl>".into())],
        );
        assert!(edited.warnings().is_empty());
        assert_eq!(edited.submit("RCPT TO:<x@y.exampl>", false), Submit::Warn);
        // Sent anyway: it is in the transcript and the command line is empty.
        let state = reduce(
            state,
            [
                sent("RCPT TO:<x@y.example>"),
                line(S1, "503 5.5.1 Error: need MAIL command"),
            ],
        );
        assert_eq!(state.draft, "");
        assert!(state.warnings().is_empty());
        assert_eq!(
            client_texts(&state).last().map(String::as_str),
            Some("RCPT TO:<x@y.example>")
        );
        let Some(EntryKind::Server { annotation, .. }) = kinds(&state).last().cloned() else {
            panic!("the 503 is last");
        };
        assert_eq!(annotation.en.severity, Severity::Error);
    }

    #[test]
    fn a_warning_the_server_contradicts_is_withdrawn_from_the_transcript() {
        let severity = |state: &State| match kinds(state).into_iter().rev().find(
            |k| matches!(k, EntryKind::Client { text, .. } if text == "RCPT TO:<x@y.example>"),
        ) {
            Some(EntryKind::Client { annotation, .. }) => {
                (annotation.en.severity, annotation.zh.severity)
            }
            _ => panic!("the RCPT is in the transcript"),
        };
        let state = reduce(ready(), [sent("RCPT TO:<x@y.example>")]);
        assert_eq!(severity(&state), (Severity::Error, Severity::Error));
        // A lenient server accepts RCPT before MAIL: the prediction is withdrawn.
        let state = reduce(state, [line(S1, "250 2.1.5 Ok")]);
        assert_eq!(severity(&state), (Severity::Info, Severity::Info));
    }

    #[test]
    fn lines_can_be_sent_only_when_connected_and_valid() {
        assert_eq!(
            State::default().submit("EHLO me", false),
            Submit::Refuse(SendError::NotConnected)
        );
        let state = ready();
        // An empty command line is valid to send, but `protocol` predicts a 500 for it.
        assert_eq!(state.submit("", false), Submit::Warn);
        assert!(matches!(state.submit("", true), Submit::Send(_)));
        assert!(matches!(
            state.submit("RSET\r\nQUIT", true),
            Submit::Refuse(SendError::Invalid(OutgoingLineError::ControlCharacter {
                name: "CR",
                ..
            }))
        ));
        assert!(matches!(
            state.submit(&"x".repeat(limits::TEXT_LINE), true),
            Submit::Refuse(SendError::Invalid(OutgoingLineError::TooLong { .. }))
        ));
    }

    #[test]
    fn auth_login_helper_follows_the_challenges_and_passwords_stay_hidden() {
        let state = ready();
        assert_eq!(
            state.auth_step(),
            Some(AuthStep::Start {
                mechanisms: vec!["PLAIN".into(), "LOGIN".into()]
            })
        );
        let state = reduce(state, [sent("AUTH LOGIN"), line(S1, "334 VXNlcm5hbWU6")]);
        assert_eq!(state.prompt(), "AUTH>");
        assert_eq!(
            state.auth_step(),
            Some(AuthStep::Answer {
                challenge: "VXNlcm5hbWU6".into(),
                prompt: Prompt::Username
            })
        );
        let user = auth::encode("alice");
        let password = auth::encode("s3cret");
        let state = reduce(state, [sent(&user), line(S1, "334 UGFzc3dvcmQ6")]);
        assert!(matches!(
            state.auth_step(),
            Some(AuthStep::Answer {
                prompt: Prompt::Password,
                ..
            })
        ));
        let state = reduce(
            state,
            [
                sent(&password),
                line(S1, "235 2.7.0 Authentication successful"),
            ],
        );
        assert_eq!(state.auth_step(), None);
        let shown = client_texts(&state);
        assert!(!shown.contains(&password), "{shown:?}");
        assert!(shown.iter().any(|t| t.contains("****")));
        // Up never brings the password back.
        let mut state = state;
        let mut seen = Vec::new();
        for _ in 0..5 {
            state = reduce(state, [Action::HistoryUp]);
            seen.push(state.draft.clone());
        }
        assert!(!seen.contains(&password), "{seen:?}");
        assert!(seen.contains(&"AUTH LOGIN".to_owned()));
    }

    #[test]
    fn history_and_completion_edit_the_command_line() {
        let state = reduce(ready(), [Action::EditDraft("m".into()), Action::Complete]);
        assert_eq!(state.draft, "MAIL FROM:<");
        let state = reduce(state, [Action::EditDraft("au".into()), Action::Complete]);
        assert_eq!(state.draft, "AUTH ");
        assert_eq!(state.candidates, ["AUTH LOGIN", "AUTH PLAIN "]);
        let state = reduce(state, [Action::EditDraft("NO".into()), Action::HistoryUp]);
        assert_eq!(state.draft, "EHLO me");
        let state = reduce(state, [Action::HistoryDown]);
        assert_eq!(state.draft, "NO");
    }

    #[test]
    fn pasted_lines_wait_for_each_reply_and_flow_inside_data() {
        let state = reduce(
            ready(),
            [Action::Paste(vec![
                "MAIL FROM:<a@b.example>".into(),
                "RCPT TO:<c@d.example>".into(),
                "DATA".into(),
                "Subject: hi".into(),
                "".into(),
                ".".into(),
            ])],
        );
        assert_eq!(state.next_queued(), Some("MAIL FROM:<a@b.example>"));
        let queued = |text: &str| Action::Sent {
            text: text.into(),
            at_ms: None,
            queued: true,
        };
        let state = reduce(state, [queued("MAIL FROM:<a@b.example>")]);
        assert_eq!(state.next_queued(), None, "waits for the 250");
        let state = reduce(state, [line(S1, "250 2.1.0 Ok")]);
        assert_eq!(state.next_queued(), Some("RCPT TO:<c@d.example>"));
        let state = reduce(
            state,
            [
                queued("RCPT TO:<c@d.example>"),
                line(S1, "250 2.1.5 Ok"),
                queued("DATA"),
                line(S1, "354 End data with <CR><LF>.<CR><LF>"),
            ],
        );
        assert_eq!(state.prompt(), "DATA>");
        assert_eq!(state.next_queued(), Some("Subject: hi"));
        let state = reduce(state, [queued("Subject: hi")]);
        assert_eq!(state.next_queued(), Some(""), "body lines need no reply");
        let state = reduce(state, [Action::Cancel]);
        assert_eq!(state.next_queued(), None);
        assert!(state.queue.is_empty());
    }

    #[test]
    fn a_queued_line_with_a_warning_stops_in_the_command_line() {
        let state = reduce(
            ready(),
            [Action::Paste(vec![
                "RCPT TO:<c@d.example>".into(),
                "QUIT".into(),
            ])],
        );
        let text = state.next_queued().expect("queued").to_owned();
        assert_eq!(state.submit(&text, false), Submit::Warn);
        let state = reduce(state, [Action::Warn { text, queued: true }]);
        assert_eq!(state.draft, "RCPT TO:<c@d.example>");
        assert_eq!(state.warnings().len(), 1);
        assert_eq!(state.next_queued(), None, "the queue waits for the user");
        assert_eq!(state.queue.len(), 1);
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
            ],
        );
        assert!(state.is_connected());
        assert_eq!(
            note_texts(&state, Tone::Error),
            ["The bridge refused the line, so it was not sent (the line is too long)."]
        );
    }

    #[test]
    fn events_from_an_old_session_are_ignored() {
        let state = reduce(
            State::default(),
            [connect(S1), Action::Disconnect, connect(S2)],
        );
        let before = kinds(&state);
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
        assert_eq!(kinds(&state), before);
        assert_eq!(state.active, Some(S2));
        assert!(!state.is_connected());
    }

    #[test]
    fn disconnect_and_socket_loss_end_the_session() {
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
        assert_eq!(
            note_texts(&state, Tone::Info)
                .iter()
                .filter(|t| *t == "Disconnected.")
                .count(),
            1
        );
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
        assert_eq!(
            note_texts(&state, Tone::Error),
            ["Lost the connection to the bridge (code 1006)."]
        );
    }

    #[test]
    fn clear_screen_keeps_the_session() {
        let state = reduce(ready(), [Action::ClearScreen]);
        assert!(state.transcript.is_empty());
        assert!(state.is_connected());
        assert_eq!(state.prompt(), "SMTP>");
    }

    #[test]
    fn implicit_tls_marks_lines_encrypted() {
        let state = reduce(
            State::default(),
            [
                connect(S1),
                from_bridge(
                    S1,
                    ServerMsg::Connected {
                        version: 1,
                        host: "localhost".into(),
                        port: 465,
                        peer: "[::1]:465".into(),
                        tls: TlsMode::Implicit,
                    },
                ),
                line(S1, "220 hi"),
            ],
        );
        assert!(matches!(
            kinds(&state).last(),
            Some(EntryKind::Server {
                encrypted: true,
                ..
            })
        ));
        assert_eq!(
            note_texts(&state, Tone::Info).last().map(String::as_str),
            Some("Connected to localhost:465 (address [::1]:465, implicit TLS).")
        );
    }

    #[test]
    fn preferences_change() {
        let state = reduce(
            State::new(Lang::ZhCn, Theme::Light),
            [
                Action::SetTheme(Theme::Light.toggled()),
                Action::SetLang(Lang::En),
            ],
        );
        assert_eq!((state.lang, state.theme), (Lang::En, Theme::Dark));
        assert_eq!(Theme::from_name("light"), Some(Theme::Light));
        assert_eq!(Theme::from_name("blue"), None);
    }

    #[test]
    fn the_lesson_checks_off_each_step_on_the_real_reply() {
        let state = ready();
        assert_eq!(state.lesson.current(), Some(2), "connected and greeted");
        let state = reduce(
            state,
            [
                sent("AUTH LOGIN"),
                line(S1, "334 VXNlcm5hbWU6"),
                sent(&auth::encode("demo")),
                line(S1, "334 UGFzc3dvcmQ6"),
                sent(&auth::encode("demo")),
                line(S1, "235 2.7.0 ok"),
                sent("MAIL FROM:<a@b.example>"),
                line(S1, "250 ok"),
                sent("RCPT TO:<c@d.example>"),
            ],
        );
        assert_eq!(state.lesson.current(), Some(4), "RCPT not answered yet");
        let state = reduce(
            state,
            [
                line(S1, "250 ok"),
                sent("DATA"),
                line(S1, "354 go ahead"),
                sent("Subject: hi"),
                sent(""),
                sent("hello"),
                sent("."),
            ],
        );
        assert_eq!(state.lesson.current(), Some(7), "the dot waits for its 250");
        assert_eq!(state.delivered, 0);
        let state = reduce(
            state,
            [
                line(S1, "250 2.0.0 queued"),
                sent("QUIT"),
                line(S1, "221 bye"),
            ],
        );
        assert_eq!(state.lesson.current(), None);
        assert_eq!(state.lesson.count(), 9);
        assert_eq!(state.delivered, 1);
    }

    #[test]
    fn the_sandbox_address_fills_the_untouched_form_and_the_preset() {
        let info = SandboxInfo {
            enabled: true,
            listen: Some("127.0.0.1:40001".into()),
            demo: Some(("demo".into(), "demo".into())),
            per_visitor: false,
        };
        let state = reduce(State::default(), [Action::Sandbox(info.clone())]);
        assert_eq!(state.form.port, "40001");
        let state = reduce(
            State::default(),
            [
                Action::EditPort("25".into()),
                Action::Sandbox(info),
                Action::Preset(4),
            ],
        );
        assert_eq!(state.form.port, "2525", "a typed form is left alone");
        let state = reduce(state, [Action::Preset(0)]);
        assert_eq!(
            (state.form.host.as_str(), state.form.port.as_str()),
            ("127.0.0.1", "40001")
        );
    }

    #[test]
    fn starttls_marks_later_lines_encrypted_and_asks_for_ehlo_again() {
        let state = reduce(
            ready(),
            [
                sent("STARTTLS"),
                line(S1, "220 2.0.0 Ready to start TLS"),
                from_bridge(
                    S1,
                    ServerMsg::Tls(TlsInfo {
                        mode: TlsMode::Starttls,
                        version: "TLSv1.3".into(),
                        cipher: "TLS13_AES_128_GCM_SHA256".into(),
                        alpn: None,
                        server_name: "127.0.0.1".into(),
                        verified: false,
                        verify_error: Some("self-signed".into()),
                        insecure: true,
                        certificates: Vec::new(),
                        at_ms: 9,
                    }),
                ),
                sent("EHLO me"),
            ],
        );
        assert_eq!(
            state.prompt(),
            "HELO>",
            "after STARTTLS the session starts over"
        );
        assert!(state.tls.is_some());
        assert!(matches!(
            kinds(&state).last(),
            Some(EntryKind::Client {
                encrypted: true,
                ..
            })
        ));
        let tls_note = note_texts(&state, Tone::Info);
        assert!(
            tls_note
                .iter()
                .any(|n| n.contains("TLSv1.3") && n.contains("NOT verified: self-signed")),
            "{tls_note:?}"
        );
    }

    fn sandbox_info() -> SandboxInfo {
        SandboxInfo {
            enabled: true,
            listen: Some("127.0.0.1:40001".into()),
            demo: Some(("demo".into(), "demo".into())),
            per_visitor: false,
        }
    }

    #[test]
    fn the_page_connects_to_the_sandbox_by_itself_unless_told_otherwise() {
        let state = reduce(State::default(), [Action::Sandbox(sandbox_info())]);
        assert!(state.auto_connect);
        assert_eq!(state.bridge, BridgePresence::Present);
        assert!(
            note_texts(&state, Tone::Info)
                .iter()
                .any(|n| n.contains("127.0.0.1:40001") && n.contains("automatically")),
            "a notice says so"
        );
        let state = reduce(state, [connect(S1)]);
        assert!(!state.auto_connect, "connecting clears the request");

        // Not with a shared transcript, not with a typed form, not after Disconnect.
        let shared = reduce(
            State::default(),
            [
                Action::OpenShared("-> EHLO me".into()),
                Action::Sandbox(sandbox_info()),
            ],
        );
        assert!(!shared.auto_connect);
        let typed = reduce(
            State::default(),
            [
                Action::EditHost("mx".into()),
                Action::Sandbox(sandbox_info()),
            ],
        );
        assert!(!typed.auto_connect);
        let left = reduce(
            State::default(),
            [
                connect(S1),
                Action::Disconnect,
                Action::Sandbox(sandbox_info()),
            ],
        );
        assert!(!left.auto_connect);
        let disabled = reduce(
            State::default(),
            [Action::Sandbox(SandboxInfo {
                enabled: false,
                ..sandbox_info()
            })],
        );
        assert!(!disabled.auto_connect);
    }

    #[test]
    fn without_a_bridge_the_simulator_takes_over_and_is_marked() {
        let state = reduce(
            State::default(),
            [Action::NoBridge("/api/sandbox: HTTP 404".into())],
        );
        assert_eq!(state.bridge, BridgePresence::Absent);
        assert!(state.form.simulate && state.auto_connect);
        assert!(
            note_texts(&state, Tone::Info)
                .iter()
                .any(|n| n.starts_with("No bridge answered (/api/sandbox: HTTP 404)"))
        );
        let state = reduce(
            state,
            [Action::Connect {
                session: S1,
                request: ConnectForm::default().request().expect("valid"),
                simulated: true,
            }],
        );
        assert!(state.simulated && !state.auto_connect);
        assert!(
            note_texts(&state, Tone::Info)
                .iter()
                .any(|n| n.starts_with("SIMULATED")),
            "the transcript says the session is simulated"
        );
        assert_eq!(state.mailbox_list(), Some(Ok(Rc::default())));
    }

    #[test]
    fn simulated_deliveries_fill_the_page_mailbox_and_open() {
        let message = protocol::server::ReceivedMessage {
            helo: "me".into(),
            mail_from: "a@b.example".into(),
            rcpt_to: vec!["c@d.example".into()],
            data: b"Subject: Hi there\r\nFrom: a@b.example\r\n\r\nHello\r\n".to_vec(),
            authenticated_as: Some("demo".into()),
            tls: false,
            queue_id: "Q1".into(),
            findings: Vec::new(),
        };
        let state = reduce(
            State::default(),
            [
                Action::SetSimulate(true),
                Action::SimulatedDelivery {
                    message: Box::new(message),
                    received_at: "2025-05-01T12:00:00.000Z".into(),
                },
            ],
        );
        let Some(Ok(list)) = state.mailbox_list() else {
            panic!("a list");
        };
        assert_eq!(list[0].subject.as_deref(), Some("Hi there"));
        assert_eq!(list[0].id, 1);
        let state = reduce(state, [Action::OpenMessage(1)]);
        let Some(MessageView::Loaded(detail)) = &state.message else {
            panic!("opened at once: {:?}", state.message);
        };
        assert_eq!(detail.text_body.as_deref(), Some("Hello\r\n"));
        assert!(detail.raw.starts_with("Subject: Hi there"));
        let state = reduce(state, [Action::OpenMessage(9)]);
        assert!(matches!(state.message, Some(MessageView::Failed(_))));
        let state = reduce(state, [Action::CloseMessage]);
        assert_eq!(state.message, None);
    }

    #[test]
    fn bridge_messages_load_and_late_answers_are_dropped() {
        let state = reduce(
            State::default(),
            [Action::Sandbox(sandbox_info()), Action::OpenMessage(4)],
        );
        assert_eq!(state.message, Some(MessageView::Loading(4)));
        let state = reduce(state, [Action::MessageLoaded(Err("HTTP 404".into()))]);
        assert_eq!(state.message, Some(MessageView::Failed("HTTP 404".into())));
        let state = reduce(
            state,
            [
                Action::CloseMessage,
                Action::MessageLoaded(Err("late".into())),
            ],
        );
        assert_eq!(state.message, None);
    }

    /// A session inside DATA (after 354) with `lines` pasted into the command line.
    fn pasted_in_body(lines: Vec<String>) -> State {
        reduce(
            ready(),
            [
                sent("MAIL FROM:<a@b.example>"),
                line(S1, "250 ok"),
                sent("RCPT TO:<c@d.example>"),
                line(S1, "250 ok"),
                sent("DATA"),
                line(S1, "354 go ahead"),
                Action::Paste(lines),
            ],
        )
    }

    #[test]
    fn a_pasted_body_goes_out_as_one_batch_through_the_dot() {
        let state = pasted_in_body(vec![
            "Subject: hi".into(),
            "From: a@b.example".into(),
            "".into(),
            "Hello".into(),
            ".".into(),
            "QUIT".into(),
        ]);
        assert_eq!(
            state.next_batch(),
            Some(vec![
                "Subject: hi".to_owned(),
                "From: a@b.example".to_owned(),
                "".to_owned(),
                "Hello".to_owned(),
                ".".to_owned(),
            ])
        );
        // A long body goes out in batches that each fit a public bridge's 4 KiB message.
        let body: Vec<String> = (0..200)
            .map(|i| format!("line {i}: {}", "x".repeat(70)))
            .collect();
        let mut pasted = body.clone();
        pasted.push(".".into());
        let state = pasted_in_body(pasted);
        let batch = state.next_batch().expect("a batch");
        let json = ClientMsg::Lines {
            text: batch.clone(),
        }
        .to_json();
        assert!(json.len() <= BATCH_BYTES, "{} bytes", json.len());
        assert!(
            batch.len() > 30 && batch.len() < body.len(),
            "{} lines",
            batch.len()
        );
        assert_eq!(batch[..], body[..batch.len()]);
        // Outside DATA there is no batch: commands wait for their replies.
        let state = reduce(ready(), [Action::Paste(vec!["NOOP".into(), "QUIT".into()])]);
        assert_eq!(state.next_batch(), None);
        assert_eq!(state.next_queued(), Some("NOOP"));
    }

    #[test]
    fn session_ids_advance() {
        assert_eq!(SessionId(1).next(), SessionId(2));
        assert_eq!(SessionId(u32::MAX).next(), SessionId(0));
    }
}
