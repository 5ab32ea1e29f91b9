//! One session: a WebSocket from the browser on one side, one SMTP connection on the other.
//!
//! A session has two phases:
//!
//! 1. **Handshake.** The first useful message must be `connect`; anything else is answered
//!    with an `error` (`not_connected`, `bad_message`) and the session keeps waiting, up to
//!    [`CONNECT_WAIT`]. The bridge resolves, connects and, for implicit TLS, runs the TLS
//!    handshake (`tls.rs`); a failure is reported as an `error`, then `closed`.
//! 2. **Relay.** One loop in the session's task waits on whichever comes first: server
//!    bytes, a browser message, the reply deadline, or shutdown.
//!    - server to browser: bytes are framed into lines by [`TextFramer`]; each line becomes
//!      one `line` message stamped with the milliseconds since the connection opened and,
//!      for reply lines, since the command they answer was written (`latency_ms`). Replies
//!      are assembled with [`ReplyAssembler`] and fed to a [`ClientSession`], which knows
//!      what the server still owes.
//!    - browser to server: each `line` (or each line of a `lines` batch) is checked with
//!      [`check_outgoing_line`] (the bridge never trusts the browser) and queued. Queued
//!      lines are released, CRLF appended, all that may go in one write, when the server
//!      owes nothing, or, if it advertised PIPELINING, when it owes replies only to
//!      commands RFC 2920 lets a client pipeline (MAIL, RCPT, RSET). So a pasted block or
//!      a message body is sent as fast as the server allows, and never faster. The
//!      queue is bounded: when it is full the bridge stops reading the browser
//!      (backpressure); when the browser is slow, the bounded outbox stops the reading of
//!      the server.
//!    - STARTTLS: when the server answers 220 to STARTTLS, any plaintext it sent after
//!      that reply is discarded (and reported), the same connection is upgraded, the
//!      browser gets a `tls` message, and later lines are marked `encrypted`. Lines the
//!      browser sent meanwhile stay queued until the handshake is over.
//!
//!    When the session ends, one `closed` message is sent and the WebSocket is closed with
//!    1000, or 1001 when the bridge shuts down (after QUIT was sent upstream).
//!
//! Security (`SECURITY.md`): a session refused by the admission limits, a wrong or
//! missing token, or a denied target ends with an `error`, `closed` and close code 1008; a
//! browser message over the size limit with 1009. In the relay, each line is admitted
//! by [`Conversation::admit_line`]: probe mode (no DATA or BDAT), the recipient cap and
//! the DATA byte cap, using `protocol`'s `ClientSession` and `CommandLine` to know what
//! the line is. Idle and absolute deadlines and WebSocket pings bound every session.
//! Nothing here logs a line's text: AUTH answers and message bodies never reach a log.
//!
//! The functions are generic over the WebSocket's `Sink`/`Stream` halves and over the
//! server stream, so the tests below drive them with channels and in-memory pipes.

use std::collections::VecDeque;
use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message};
use futures_util::{FutureExt, Sink, SinkExt, Stream, StreamExt};
use protocol::command::{CommandLine, Verb};
use protocol::dot::{DataLine, unstuff_line};
use protocol::limits::{SERVER_LINE_MAX, TEXT_LINE};
use protocol::line::{TextFramer, check_outgoing_line};
use protocol::reply::{ReplyAssembler, ReplyError};
use protocol::session::{ClientSession, Expect, Phase};
use protocol::wire::{
    ClientMsg, ConnectRequest, ErrorCode, ServerMsg, TlsInfo, TlsMode, WIRE_VERSION,
};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::time::{Instant, sleep_until, timeout, timeout_at};
use tracing::{debug, info, warn};

use crate::metrics::Metrics;
use crate::outbox::Queue;
use crate::policy::Policy;
use crate::policy::limits::{Gate, Permit, Refusal};
use crate::policy::target::Exception;
use crate::sandbox::{Owners, Registration};
use crate::shutdown::Shutdown;
use crate::visitor::VisitorId;
use crate::{AppState, Hooks, outbox, tls, upstream};

/// How long a new session may take to send `connect`.
pub(crate) const CONNECT_WAIT: Duration = Duration::from_secs(60);

/// Bytes read from the server at a time. SMTP replies are short; small reads keep each
/// reply's lines flowing to the browser as they arrive, and keep idle sessions small.
const READ_CHUNK: usize = 4096;

/// Messages queued for the browser before the server side waits (backpressure).
const OUTBOX: usize = outbox::CAPACITY;

/// Bytes of browser lines waiting for the server before the bridge stops reading the
/// browser (backpressure). One WebSocket message may go past it once.
const QUEUE_BYTES: usize = 64 * 1024;

/// How long closing the WebSocket may take once the session is over.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// How long a goodbye `QUIT` to the server may take.
const QUIT_WAIT: Duration = Duration::from_secs(1);

/// Close codes (RFC 6455 7.4.1).
const CLOSE_NORMAL: u16 = 1000;
const CLOSE_GOING_AWAY: u16 = 1001;
const CLOSE_POLICY: u16 = 1008;
const CLOSE_TOO_BIG: u16 = 1009;

/// A trait object for the server stream: plain TCP, TLS over TCP, or a test pipe. STARTTLS
/// replaces one with another in the middle of a session.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}
type BoxIo = Box<dyn Io>;

/// What a session needs from the app.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    /// Fires when the bridge shuts down.
    pub(crate) shutdown: Shutdown,
    /// Where sessions, bytes, TLS sessions and errors are counted.
    pub(crate) metrics: Arc<Metrics>,
    /// Whether `insecure` in `connect` is honoured (`--unsafe-allow-insecure-tls`).
    pub(crate) allow_insecure: bool,
    /// How long the server may take to answer.
    pub(crate) reply_timeout: Duration,
    /// Target rules, limits, token, probe mode.
    pub(crate) policy: Arc<Policy>,
    /// Admission state (destinations, bad tokens).
    pub(crate) gate: Arc<Gate>,
    /// Resolver and connector.
    pub(crate) hooks: Hooks,
    /// Where a session to the sandbox files its connection under its visitor.
    pub(crate) owners: Arc<Owners>,
}

/// Who opened a session, as decided before the upgrade.
#[derive(Debug)]
pub(crate) struct Visitor {
    /// The client's address (behind a trusted proxy, from `X-Forwarded-For`).
    pub(crate) client: std::net::IpAddr,
    /// The page's origin, for the logs.
    pub(crate) origin: String,
    /// A valid bearer token came with the upgrade request.
    pub(crate) token_ok: bool,
    /// The session's place, or why there is none.
    pub(crate) admission: Result<Permit, Refusal>,
    /// The visitor whose sandbox mailbox gets the mail this session sends (`public`
    /// profile; `None` in `local`, where there is one mailbox for all).
    pub(crate) mailbox: Option<VisitorId>,
}

impl Context {
    /// The context for a session of this app.
    pub(crate) fn new(state: &AppState) -> Self {
        Self {
            shutdown: state.shutdown.clone(),
            metrics: Arc::clone(&state.metrics),
            allow_insecure: state.config.unsafe_allow_insecure_tls,
            reply_timeout: state.config.reply_timeout(),
            policy: Arc::clone(&state.policy),
            gate: Arc::clone(&state.gate),
            hooks: state.hooks.clone(),
            owners: Arc::clone(&state.owners),
        }
    }
}

/// Runs one session to its end; see the module documentation.
///
/// A plain `fn` returning an `async move` block rather than an `async fn`: an `async fn`
/// keeps a second copy of its arguments in its future for the whole session, and every
/// byte of that future is held by every idle session.
#[expect(
    clippy::manual_async_fn,
    reason = "an async fn would copy its arguments into its future a second time"
)]
pub(crate) fn run<W, R, E>(
    mut to_browser: W,
    mut from_browser: R,
    context: Context,
    visitor: Visitor,
) -> impl Future<Output = ()>
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
{
    async move {
        run_session(&mut to_browser, &mut from_browser, &context, &visitor).await;
    }
}

async fn run_session<W, R, E>(
    to_browser: &mut W,
    from_browser: &mut R,
    context: &Context,
    visitor: &Visitor,
) where
    W: Sink<Message> + Unpin,
    W::Error: Display,
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
{
    let _active = context.metrics.session_started();
    let metrics = &context.metrics;
    let mut shutdown = context.shutdown.clone();
    let started = Instant::now();
    debug!(origin = %visitor.origin, "session opened");
    let (outcome, code) = match &visitor.admission {
        Err(refusal) => {
            let code = match refusal {
                Refusal::Total(_) => ErrorCode::TooManySessions,
                _ => ErrorCode::RateLimited,
            };
            warn!(%refusal, "session refused");
            let _ = send(to_browser, error(code, refusal.to_string()), metrics).await;
            (Some("the session was refused".to_owned()), CLOSE_POLICY)
        }
        Ok(_permit) => {
            let mut token_ok = visitor.token_ok;
            let handshake = handshake(
                to_browser,
                from_browser,
                &mut shutdown,
                metrics,
                Admission {
                    policy: &context.policy,
                    gate: &context.gate,
                    client: visitor.client,
                    token_ok: &mut token_ok,
                },
            )
            .await;
            let admitted = Admitted {
                token_ok,
                started,
                mailbox: visitor.mailbox,
            };
            session(
                handshake,
                to_browser,
                from_browser,
                shutdown,
                context,
                admitted,
            )
            .await
        }
    };
    if let Some(reason) = outcome {
        let _ = send(to_browser, ServerMsg::Closed { reason }, metrics).await;
    }
    let reason = match code {
        CLOSE_GOING_AWAY => SHUTTING_DOWN,
        CLOSE_POLICY => "refused by the bridge's policy",
        CLOSE_TOO_BIG => "message too big",
        _ => "session over",
    };
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = timeout(CLOSE_WAIT, async {
        // `close` flushes: the `closed` message and the close frame leave in one write.
        let _ = to_browser.feed(Message::Close(Some(frame))).await;
        let _ = to_browser.close().await;
    })
    .await;
    debug!("session ended");
}

/// What a session holds once the handshake is over.
struct Admitted {
    /// A valid token came with the upgrade or the `connect` message.
    token_ok: bool,
    /// When the WebSocket session began.
    started: Instant,
    /// Whose sandbox mailbox gets this session's mail.
    mailbox: Option<VisitorId>,
}

/// A connection, told to the browser and ready for [`relay`]: only what the relay needs, so
/// nothing else of the connect step stays in the session's future while it relays.
struct Relaying {
    io: BoxIo,
    conversation: Conversation,
    /// Held until the relay ends: the sandbox files this session's mail under its visitor.
    registration: Option<Registration>,
}

/// After the handshake: connect and relay. Returns the `closed` reason still to send, if
/// any, and the close code.
async fn session<W, R, E>(
    handshake: Handshake,
    to_browser: &mut W,
    from_browser: &mut R,
    shutdown: Shutdown,
    context: &Context,
    admitted: Admitted,
) -> (Option<String>, u16)
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
{
    let metrics = &context.metrics;
    match handshake {
        Handshake::Connect(request) => {
            // Held until the relay ends: the sandbox files this session's mail under its
            // visitor.
            let registration;
            // Everything of the connect step lives inside this block, so none of it stays
            // in the session's future while the relay runs (only the relay itself does).
            let end = {
                let opened = Box::pin(open(&request, context, admitted.mailbox)).await;
                let ready = match opened {
                    Ok(opened) => {
                        Box::pin(announce(opened, &request, to_browser, context, &admitted)).await
                    }
                    Err(failure) => {
                        return refused_connect(failure, &request, to_browser, metrics).await;
                    }
                };
                let Some(ready) = ready else {
                    return (None, CLOSE_NORMAL);
                };
                registration = ready.registration;
                let timing = Timing {
                    ping: context.policy.ping_interval,
                    tls: context.policy.tls_timeout,
                };
                relay(
                    ready.io,
                    ready.conversation,
                    to_browser,
                    from_browser,
                    shutdown,
                    metrics,
                    timing,
                )
            }
            .await;
            drop(registration);
            (None, end.code)
        }
        Handshake::End(reason) => {
            let code = if reason == SHUTTING_DOWN {
                CLOSE_GOING_AWAY
            } else {
                CLOSE_NORMAL
            };
            (Some(reason), code)
        }
        Handshake::Refuse(code, message) => {
            warn!(code = ?code, "session refused: {message}");
            let _ = send(to_browser, error(code, message), metrics).await;
            let close = if code == ErrorCode::MessageTooLarge {
                CLOSE_TOO_BIG
            } else {
                CLOSE_POLICY
            };
            (Some("the session was refused".to_owned()), close)
        }
        Handshake::BrowserGone => (None, CLOSE_NORMAL),
    }
}

/// Tells the browser where it is connected (and the TLS facts of implicit TLS), and
/// prepares the relay; `None` when the browser is gone.
async fn announce<W>(
    opened: Opened,
    request: &ConnectRequest,
    to_browser: &mut W,
    context: &Context,
    admitted: &Admitted,
) -> Option<Relaying>
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    let metrics = &context.metrics;
    info!(
        host = %request.host,
        port = request.port,
        peer = %opened.peer,
        exception = ?opened.exception,
        "connected"
    );
    let connected = ServerMsg::Connected {
        version: WIRE_VERSION,
        host: request.host.clone(),
        port: request.port,
        peer: opened.peer.to_string(),
        tls: request.tls,
    };
    send(to_browser, connected, metrics).await.ok()?;
    if let Some(info) = opened.tls.clone() {
        send(to_browser, ServerMsg::Tls(info), metrics).await.ok()?;
    }
    let mut conversation = Conversation::new(request, &opened, context);
    conversation.probe =
        context.policy.probe_mode && opened.exception.is_none() && !admitted.token_ok;
    conversation.expires = admitted.started + context.policy.session_timeout;
    let (io, registration) = opened.into_parts();
    Some(Relaying {
        io,
        conversation,
        registration,
    })
}

/// Tells the browser why no connection was made; returns what [`session`] returns.
async fn refused_connect<W>(
    failure: ServerMsg,
    request: &ConnectRequest,
    to_browser: &mut W,
    metrics: &Metrics,
) -> (Option<String>, u16)
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    let code = match &failure {
        ServerMsg::Error {
            code: ErrorCode::TargetDenied | ErrorCode::RateLimited,
            message,
        } => {
            warn!(host = %request.host, port = request.port, reason = %message, "target refused");
            CLOSE_POLICY
        }
        _ => {
            info!(host = %request.host, port = request.port, cause = ?failure, "connect failed");
            CLOSE_NORMAL
        }
    };
    // If the browser is already gone, the `closed` below fails the same way.
    let _ = send(to_browser, failure, metrics).await;
    (Some("no connection was made".to_owned()), code)
}

/// A connection ready for the relay.
struct Opened {
    io: BoxIo,
    peer: std::net::SocketAddr,
    /// For implicit TLS: what was agreed.
    tls: Option<TlsInfo>,
    /// When the TCP connection was made.
    started: Instant,
    /// The target-rule exception that let it through (sandbox, allowed target).
    exception: Option<Exception>,
    /// For a session to the sandbox with a visitor: files its connection under it.
    registration: Option<Registration>,
}

impl Opened {
    /// The stream and the registration alone: the rest is dropped now rather than kept in
    /// the session's future for as long as the relay runs.
    fn into_parts(self) -> (BoxIo, Option<Registration>) {
        (self.io, self.registration)
    }
}

/// Connects as requested, with TLS from the first byte for implicit TLS. A connection to
/// the sandbox is registered under `mailbox` before a byte is sent. The error is the
/// message for the browser.
async fn open(
    request: &ConnectRequest,
    context: &Context,
    mailbox: Option<VisitorId>,
) -> Result<Opened, ServerMsg> {
    if request.insecure && !context.allow_insecure {
        return Err(error(
            ErrorCode::InsecureNotAllowed,
            "this bridge does not accept insecure TLS (certificates that fail verification); \
             its operator can allow it with --unsafe-allow-insecure-tls, for test servers only",
        ));
    }
    let policy = &context.policy;
    let targets = upstream::Targets {
        rules: &policy.targets,
        hooks: &context.hooks,
        gate: &context.gate,
        metrics: &context.metrics,
        connect_timeout: policy.connect_timeout,
    };
    let up = upstream::connect(request, targets)
        .await
        .map_err(|err| error(err.code(), err.to_string()))?;
    let started = Instant::now();
    let registration = match (up.exception, mailbox) {
        (Some(Exception::Sandbox), Some(visitor)) => match up.stream.local_addr() {
            Ok(local) => Some(context.owners.register(local, visitor)),
            Err(cause) => {
                // Then the sandbox files the mail under nobody: lost to the page, not
                // shown to anyone else.
                warn!(%cause, "no local address for the sandbox connection");
                None
            }
        },
        _ => None,
    };
    if request.tls != TlsMode::Implicit {
        return Ok(Opened {
            io: Box::new(up.stream),
            peer: up.peer,
            tls: None,
            started,
            exception: up.exception,
            registration,
        });
    }
    let handshake = tls::handshake(
        up.stream,
        &request.host,
        request.insecure,
        TlsMode::Implicit,
        started,
    );
    let (stream, info) = timeout(policy.tls_timeout, handshake)
        .await
        .map_err(|_| tls_too_slow(policy.tls_timeout))?
        .map_err(|err| error(err.code(), err.to_string()))?;
    Ok(Opened {
        io: Box::new(stream),
        peer: up.peer,
        tls: Some(info),
        started,
        exception: up.exception,
        registration,
    })
}

fn tls_too_slow(limit: Duration) -> ServerMsg {
    error(
        ErrorCode::TlsHandshakeFailed,
        format!(
            "the TLS handshake took longer than {} ms, the most this bridge waits",
            limit.as_millis()
        ),
    )
}

/// What the handshake needs to decide on tokens.
struct Admission<'a> {
    policy: &'a Policy,
    gate: &'a Gate,
    client: std::net::IpAddr,
    token_ok: &'a mut bool,
}

/// How the handshake phase ended.
enum Handshake {
    Connect(ConnectRequest),
    /// Refuse the session: this error, `closed`, close code 1008.
    Refuse(ErrorCode, String),
    /// End the session with `closed` and this reason.
    End(String),
    BrowserGone,
}

async fn handshake<W, R, E>(
    to_browser: &mut W,
    from_browser: &mut R,
    shutdown: &mut Shutdown,
    metrics: &Metrics,
    admission: Admission<'_>,
) -> Handshake
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
{
    let deadline = Instant::now() + CONNECT_WAIT.min(admission.policy.idle_timeout);
    loop {
        let next = tokio::select! {
            next = timeout_at(deadline, from_browser.next()) => next,
            () = shutdown.wait() => return Handshake::End(SHUTTING_DOWN.to_owned()),
        };
        let message = match next {
            Err(_) => {
                return Handshake::End(format!(
                    "no connect message arrived within {} ms",
                    CONNECT_WAIT.min(admission.policy.idle_timeout).as_millis()
                ));
            }
            Ok(Some(Ok(message))) => message,
            Ok(Some(Err(cause))) => {
                let cause = cause.to_string();
                if is_too_big(&cause) {
                    return Handshake::Refuse(
                        ErrorCode::MessageTooLarge,
                        too_big(admission.policy.max_message),
                    );
                }
                debug!(%cause, "WebSocket failed");
                return Handshake::BrowserGone;
            }
            Ok(None) => return Handshake::BrowserGone,
        };
        let reply = match decode(message, admission.policy.max_message) {
            Incoming::Msg(ClientMsg::Auth { token }) => {
                let valid = admission
                    .policy
                    .token
                    .as_ref()
                    .is_some_and(|secret| secret.matches(&token));
                if !valid {
                    let banned = admission.gate.bad_token(admission.client);
                    warn!(banned = banned.is_some(), "wrong token in an auth message");
                    return Handshake::Refuse(
                        ErrorCode::TokenInvalid,
                        "the token is not valid for this bridge".to_owned(),
                    );
                }
                *admission.token_ok = true;
                continue;
            }
            Incoming::Msg(ClientMsg::Connect(_))
                if admission.policy.require_token && !*admission.token_ok =>
            {
                return Handshake::Refuse(
                    ErrorCode::TokenRequired,
                    "this bridge requires a token: send {\"type\":\"auth\",\"token\":\"...\"} \
                     before connect, or the header Authorization: Bearer ..."
                        .to_owned(),
                );
            }
            Incoming::Msg(ClientMsg::Connect(request)) => return Handshake::Connect(request),
            Incoming::TooBig => {
                return Handshake::Refuse(
                    ErrorCode::MessageTooLarge,
                    too_big(admission.policy.max_message),
                );
            }
            Incoming::Msg(ClientMsg::Close) => return Handshake::End(CLOSED_BY_YOU.to_owned()),
            Incoming::Msg(ClientMsg::Line { .. } | ClientMsg::Lines { .. }) => error(
                ErrorCode::NotConnected,
                "not connected yet: send a connect message first; the line was not sent",
            ),
            Incoming::Bad(reason) => error(ErrorCode::BadMessage, reason),
            Incoming::Skip | Incoming::Pong => continue,
            Incoming::Gone => return Handshake::BrowserGone,
        };
        if send(to_browser, reply, metrics).await.is_err() {
            return Handshake::BrowserGone;
        }
    }
}

const SHUTTING_DOWN: &str = "the bridge is shutting down";
const CLOSED_BY_YOU: &str = "closed by you";

/// How the relay ended.
enum End {
    /// Send `closed` with this reason.
    Closed(String),
    /// The bridge is shutting down: `closed`, then close code 1001.
    GoingAway,
    /// The browser left; there is nobody to tell.
    BrowserGone,
    /// A limit ended the session: `closed` with this reason, then this close code.
    Limit(String, u16),
}

/// What the caller needs to know about a finished relay.
struct Ended {
    /// The WebSocket close code.
    code: u16,
}

/// The SMTP conversation as the bridge tracks it between reads and writes.
struct Conversation {
    started: Instant,
    /// What the server owes, and whether it advertised PIPELINING (from `protocol`).
    session: ClientSession,
    framer: TextFramer,
    replies: ReplyAssembler,
    /// When each reply the server owes was asked for, oldest first; in step with
    /// `session.pending()`.
    asked_at: VecDeque<Instant>,
    /// Lines from the browser not yet written, and their total size.
    queue: VecDeque<String>,
    queued_bytes: usize,
    /// Whether the connection is inside TLS now.
    encrypted: bool,
    /// For a STARTTLS upgrade: the name to verify and whether failures are accepted.
    host: String,
    insecure: bool,
    /// The last time the server sent something or a command was written.
    last_activity: Instant,
    reply_timeout: Duration,
    /// Probe mode: DATA and BDAT are refused.
    probe: bool,
    /// The absolute end of the session.
    expires: Instant,
    /// The last message from the browser or byte from the server (idle timeout).
    last_seen: Instant,
    idle_timeout: Duration,
    /// Message text sent so far, and the cap.
    data_bytes: u64,
    max_data: u64,
    /// RCPT commands sent in this transaction, and the cap.
    recipients: u32,
    max_recipients: u32,
    /// The reply being received: lines and bytes, and the caps.
    reply_lines: usize,
    reply_bytes: usize,
    max_reply_lines: usize,
    max_reply_bytes: usize,
    /// Largest browser message.
    max_message: usize,
    /// Bytes to and from the server, for the log.
    sent_bytes: u64,
    received_bytes: u64,
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
struct Release {
    /// The bytes to write now.
    out: Vec<u8>,
    /// An error for the browser.
    notice: Option<ServerMsg>,
    /// The session ends after writing.
    end: bool,
}

impl Conversation {
    fn new(request: &ConnectRequest, opened: &Opened, context: &Context) -> Self {
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
            asked_at: VecDeque::from([opened.started]),
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
            recipients: 0,
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

    /// Decides whether a line may go to the server now, from what `protocol` says it is:
    /// message text counts against the DATA cap; in probe mode DATA and BDAT are refused;
    /// RCPT counts against the recipient cap. AUTH answers pass untouched (and unread).
    fn admit_line(&mut self, line: &str) -> Verdict {
        if self.session.in_body() {
            if matches!(unstuff_line(line.as_bytes()), DataLine::End) {
                self.recipients = 0;
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
        let auth_answer =
            self.session.phase() == Phase::AuthChallenge && self.session.pending().next().is_none();
        if auth_answer {
            return Verdict::Send;
        }
        match CommandLine::parse(line).verb {
            Some(verb @ (Verb::Data | Verb::Bdat)) if self.probe => Verdict::Refuse(error(
                ErrorCode::ProbeMode,
                format!(
                    "{} was not sent: this public bridge runs in probe mode, which relays \
                     EHLO, STARTTLS, AUTH, MAIL and RCPT but delivers no mail to servers on the \
                     internet. Send to the sandbox to try DATA, or ask the operator for a token",
                    if verb == Verb::Data { "DATA" } else { "BDAT" }
                ),
            )),
            Some(Verb::Rcpt) if self.recipients >= self.max_recipients => Verdict::Refuse(error(
                ErrorCode::RecipientLimit,
                format!(
                    "RCPT was not sent: this bridge allows {} recipients per message",
                    self.max_recipients
                ),
            )),
            Some(Verb::Rcpt) => {
                self.recipients += 1;
                Verdict::Send
            }
            Some(Verb::Mail | Verb::Rset | Verb::Ehlo | Verb::Helo) => {
                self.recipients = 0;
                Verdict::Send
            }
            _ => Verdict::Send,
        }
    }

    fn owed(&self) -> usize {
        self.session.pending().count()
    }

    /// When the session's timer must next look at the deadlines: the earliest of the reply
    /// deadline, the idle deadline and the session's end. While nothing is owed there is no
    /// reply deadline, but the time stays at most a reply timeout after the last look, so
    /// that it only ever moves later: the reply deadline a command starts is never earlier.
    fn check_at(&self, last_check: Instant) -> Instant {
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
    fn due<E>(&self, now: Instant) -> Event<E> {
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

    fn enqueue(&mut self, line: String) {
        self.queued_bytes += line.len() + 2;
        self.queue.push_back(line);
    }

    /// Takes every queued line that may go now, in wire form, for one write; stops at a
    /// line [`admit_line`](Self::admit_line) refuses.
    fn release(&mut self) -> Release {
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
            self.session.handle_sent(&line);
            if self.owed() > before {
                self.asked_at.push_back(Instant::now());
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

    /// One line from the server: the message for the browser, and whether it was the 220
    /// that accepts STARTTLS.
    /// The third value says the reply went over the line or byte cap.
    fn server_line(&mut self, text: String) -> (ServerMsg, bool, bool) {
        let latency_ms = self.asked_at.front().map(|asked| millis(asked.elapsed()));
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
            let received = self.session.handle_reply(&reply);
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
        (message, starttls, too_large)
    }

    /// Why the server's hang-up ended the session, in the words of where it happened.
    fn hang_up_reason(&mut self) -> String {
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

/// What woke the relay loop.
enum Event<E> {
    Server(std::io::Result<usize>),
    Browser(Option<Result<Message, E>>),
    Shutdown,
    Silent,
    Idle,
    Expired,
    Ping,
    /// The session's timer fired before any deadline was due.
    Tick,
}

/// Reads what the server sent into `framer`, through a buffer on the stack that exists
/// only while the read runs: an idle session holds no read buffer.
fn read_into<'a>(
    server: &'a mut BoxIo,
    framer: &'a mut TextFramer,
) -> impl Future<Output = std::io::Result<usize>> + 'a {
    std::future::poll_fn(move |cx| {
        let mut chunk = [std::mem::MaybeUninit::<u8>::uninit(); READ_CHUNK];
        let mut buf = ReadBuf::uninit(&mut chunk);
        match Pin::new(&mut **server).poll_read(cx, &mut buf) {
            Poll::Ready(Ok(())) => {
                framer.push(buf.filled());
                Poll::Ready(Ok(buf.filled().len()))
            }
            Poll::Ready(Err(cause)) => Poll::Ready(Err(cause)),
            Poll::Pending => Poll::Pending,
        }
    })
}

/// Relays between a connected server stream and the browser until either side ends.
///
/// Not an `async fn`: that would keep its own copy of `conversation` in the session's
/// future next to the one `directions` owns.
fn relay<'a, W, R, E>(
    server: BoxIo,
    mut conversation: Conversation,
    to_browser: &'a mut W,
    from_browser: R,
    shutdown: Shutdown,
    metrics: &'a Metrics,
    timing: Timing,
) -> impl Future<Output = Ended> + 'a
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
    R: Stream<Item = Result<Message, E>> + Unpin + 'a,
    E: Display + 'a,
{
    let queue = Arc::new(Queue::default());
    let outbox = Outbox {
        queue: Arc::clone(&queue),
        metrics,
    };
    let directions = async move {
        let end = converse(
            server,
            &mut conversation,
            from_browser,
            &outbox,
            shutdown,
            metrics,
            timing,
        )
        .await;
        let (reason, code) = match end {
            End::Closed(reason) => (Some(reason), CLOSE_NORMAL),
            End::GoingAway => (Some(SHUTTING_DOWN.to_owned()), CLOSE_GOING_AWAY),
            End::BrowserGone => (None, CLOSE_NORMAL),
            End::Limit(reason, code) => (Some(reason), code),
        };
        info!(
            reason = reason.as_deref().unwrap_or("the browser left"),
            bytes_to_server = conversation.sent_bytes,
            bytes_from_server = conversation.received_bytes,
            data_bytes = conversation.data_bytes,
            "session closed"
        );
        if let Some(reason) = reason {
            let _ = outbox.send(ServerMsg::Closed { reason }).await;
        }
        // Lets `forward` finish once it has written what is queued.
        outbox.queue.seal();
        Ended { code }
    };
    // Built here, not awaited in an `async` block, which would hold `directions` twice.
    futures_util::future::join(directions, forward(queue, to_browser)).map(|(ended, ())| ended)
}

/// The session's clocks that are not the conversation's own.
#[derive(Debug, Clone, Copy)]
struct Timing {
    /// WebSocket ping interval.
    ping: Duration,
    /// TLS handshake limit (STARTTLS).
    tls: Duration,
}

/// Pings the browser has not answered before the session ends.
const MISSED_PONGS: u32 = 2;

/// The relay loop; see the module documentation.
#[allow(clippy::too_many_arguments)]
async fn converse<R, E>(
    mut server: BoxIo,
    conv: &mut Conversation,
    mut from_browser: R,
    outbox: &Outbox<'_>,
    mut shutdown: Shutdown,
    metrics: &Metrics,
    timing: Timing,
) -> End
where
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
{
    let mut unanswered: u32 = 0;
    let mut next_ping = Instant::now() + timing.ping;
    // One timer, kept for the whole session, for the reply, idle and session deadlines and
    // the pings. A new `sleep_until` per loop would register a timer on every command,
    // which wakes tokio's timer driver each time; moving a kept timer later costs nothing.
    let mut last_check = Instant::now();
    let clock = sleep_until(conv.check_at(last_check).min(next_ping));
    tokio::pin!(clock);
    let stop = shutdown.wait();
    tokio::pin!(stop);
    loop {
        let room = conv.queued_bytes < QUEUE_BYTES;
        let check_at = conv.check_at(last_check).min(next_ping);
        if clock.deadline() != check_at {
            clock.as_mut().reset(check_at);
        }
        let event = tokio::select! {
            read = read_into(&mut server, &mut conv.framer) => Event::Server(read),
            next = from_browser.next(), if room => Event::Browser(next),
            () = &mut stop => Event::Shutdown,
            () = &mut clock => {
                last_check = Instant::now();
                match conv.due(last_check) {
                    Event::Tick if last_check >= next_ping => {
                        next_ping = last_check + timing.ping;
                        Event::Ping
                    }
                    due => due,
                }
            }
        };
        match event {
            Event::Tick => {}
            Event::Server(Ok(0)) => {
                if let Some(text) = conv.framer.finish() {
                    let (line, _, _) = conv.server_line(text);
                    if outbox.send(line).await.is_err() {
                        return End::BrowserGone;
                    }
                }
                return End::Closed(conv.hang_up_reason());
            }
            Event::Server(Ok(read)) => {
                metrics.received(read);
                conv.received_bytes += u64::try_from(read).unwrap_or(u64::MAX);
                conv.last_activity = Instant::now();
                conv.last_seen = conv.last_activity;
                match server_lines(conv, outbox).await {
                    Lines::Done => {}
                    Lines::BrowserGone => return End::BrowserGone,
                    Lines::TooLarge => {
                        let message = format!(
                            "the server sent a reply of more than {} lines or {} bytes, more \
                             than this bridge relays; the connection was closed",
                            conv.max_reply_lines, conv.max_reply_bytes
                        );
                        let _ = outbox.send(error(ErrorCode::ReplyTooLarge, message)).await;
                        quit(&mut server, conv).await;
                        return End::Closed("the server's reply was too large".to_owned());
                    }
                    Lines::StartTls => {
                        server = match Box::pin(upgrade(server, conv, outbox, timing.tls)).await {
                            Ok(upgraded) => upgraded,
                            Err(end) => return end,
                        };
                    }
                }
            }
            Event::Server(Err(cause)) => {
                let message = format!("reading from the server failed: {cause}");
                let _ = outbox.send(error(ErrorCode::UpstreamIo, message)).await;
                return End::Closed("the connection to the server failed".to_owned());
            }
            Event::Browser(None) => {
                quit(&mut server, conv).await;
                return End::BrowserGone;
            }
            Event::Browser(Some(Err(cause))) => {
                let cause = cause.to_string();
                quit(&mut server, conv).await;
                if is_too_big(&cause) {
                    let _ = outbox
                        .send(error(ErrorCode::MessageTooLarge, too_big(conv.max_message)))
                        .await;
                    return End::Limit("the message was too big".to_owned(), CLOSE_TOO_BIG);
                }
                debug!(%cause, "WebSocket failed");
                return End::BrowserGone;
            }
            Event::Browser(Some(Ok(message))) => {
                conv.last_seen = Instant::now();
                let reply = match decode(message, conv.max_message) {
                    Incoming::Msg(ClientMsg::Line { text }) => {
                        match check_outgoing_line(&text, TEXT_LINE) {
                            Ok(()) => {
                                conv.enqueue(text);
                                None
                            }
                            Err(err) => {
                                Some(error(ErrorCode::InvalidLine, format!("not sent: {err}")))
                            }
                        }
                    }
                    Incoming::Msg(ClientMsg::Lines { text }) => {
                        let total = text.len();
                        let bad = text.iter().enumerate().find_map(|(i, line)| {
                            check_outgoing_line(line, TEXT_LINE)
                                .err()
                                .map(|err| (i + 1, err))
                        });
                        match bad {
                            Some((number, err)) => Some(error(
                                ErrorCode::InvalidLine,
                                format!(
                                    "line {number} of {total} refused: {err}; none of the \
                                     {total} lines was sent"
                                ),
                            )),
                            None => {
                                text.into_iter().for_each(|line| conv.enqueue(line));
                                None
                            }
                        }
                    }
                    Incoming::Msg(ClientMsg::Close) => {
                        // Half-close: the server sees end of input, as if the user hung up.
                        let _ = server.shutdown().await;
                        return End::Closed(CLOSED_BY_YOU.to_owned());
                    }
                    Incoming::Msg(ClientMsg::Connect(_)) => Some(error(
                        ErrorCode::AlreadyConnected,
                        "this session is already connected; close it and start a new one to \
                         connect elsewhere",
                    )),
                    Incoming::Msg(ClientMsg::Auth { .. }) => Some(error(
                        ErrorCode::BadMessage,
                        "auth must come before connect; the token was ignored",
                    )),
                    Incoming::TooBig => {
                        let _ = outbox
                            .send(error(ErrorCode::MessageTooLarge, too_big(conv.max_message)))
                            .await;
                        quit(&mut server, conv).await;
                        return End::Limit("the message was too big".to_owned(), CLOSE_TOO_BIG);
                    }
                    Incoming::Bad(reason) => Some(error(ErrorCode::BadMessage, reason)),
                    Incoming::Pong => {
                        unanswered = 0;
                        None
                    }
                    Incoming::Skip => None,
                    Incoming::Gone => {
                        quit(&mut server, conv).await;
                        return End::BrowserGone;
                    }
                };
                if let Some(reply) = reply
                    && outbox.send(reply).await.is_err()
                {
                    return End::BrowserGone;
                }
            }
            Event::Shutdown => {
                quit(&mut server, conv).await;
                return End::GoingAway;
            }
            Event::Silent => {
                let waited = conv.reply_timeout.as_millis();
                let message = format!(
                    "the server has not answered for {waited} ms; the bridge gave up waiting \
                     (RFC 5321 4.5.3.2 lets a client give up after 5 minutes)"
                );
                let _ = outbox.send(error(ErrorCode::ReplyTimeout, message)).await;
                quit(&mut server, conv).await;
                return End::Closed("the server did not answer in time".to_owned());
            }
            Event::Idle => {
                let message = format!(
                    "nothing happened for {} ms, so the bridge closed the session",
                    conv.idle_timeout.as_millis()
                );
                let _ = outbox.send(error(ErrorCode::IdleTimeout, message)).await;
                quit(&mut server, conv).await;
                return End::Closed("the session was idle too long".to_owned());
            }
            Event::Expired => {
                let _ = outbox
                    .send(error(
                        ErrorCode::SessionExpired,
                        "the session reached the longest time this bridge allows; start a new \
                         one to go on",
                    ))
                    .await;
                quit(&mut server, conv).await;
                return End::Closed("the session reached its time limit".to_owned());
            }
            Event::Ping => {
                if unanswered >= MISSED_PONGS {
                    quit(&mut server, conv).await;
                    return End::Closed("the browser stopped answering pings".to_owned());
                }
                unanswered += 1;
                // A full queue means the browser is not reading what it has: a ping would
                // not reach it sooner, and the missed pong counts all the same.
                let _ = outbox.queue.try_push(PING.to_owned());
            }
        }
        let release = conv.release();
        if !release.out.is_empty() {
            let written = async {
                server.write_all(&release.out).await?;
                server.flush().await
            };
            if let Err(cause) = written.await {
                let message = format!("writing to the server failed: {cause}");
                let _ = outbox.send(error(ErrorCode::UpstreamIo, message)).await;
                return End::Closed("the connection to the server failed".to_owned());
            }
            metrics.sent(release.out.len());
            conv.sent_bytes += u64::try_from(release.out.len()).unwrap_or(u64::MAX);
            conv.last_activity = Instant::now();
        }
        if let Some(notice) = release.notice
            && outbox.send(notice).await.is_err()
        {
            return End::BrowserGone;
        }
        if release.end {
            // Inside DATA: no QUIT (it would be message text); the server sees the
            // connection end without the final dot and discards the message.
            let _ = timeout(QUIT_WAIT, server.shutdown()).await;
            return End::Limit("the message was too large".to_owned(), CLOSE_POLICY);
        }
    }
}

/// How handling the framed server lines ended.
enum Lines {
    Done,
    BrowserGone,
    /// The server accepted STARTTLS: upgrade before reading anything else.
    StartTls,
    /// The reply went over the size caps.
    TooLarge,
}

/// Sends every complete line the framer holds to the browser.
async fn server_lines(conv: &mut Conversation, outbox: &Outbox<'_>) -> Lines {
    while let Some(framed) = conv.framer.next_line() {
        let (message, starttls, too_large) = match framed {
            Ok(line) => {
                let text = line.text.to_owned();
                conv.server_line(text)
            }
            Err(err) => (
                error(
                    ErrorCode::ServerLineTooLong,
                    format!("the server sent a {err}; the bridge skipped it"),
                ),
                false,
                false,
            ),
        };
        if too_large {
            return Lines::TooLarge;
        }
        if outbox.send(message).await.is_err() {
            return Lines::BrowserGone;
        }
        if starttls {
            return Lines::StartTls;
        }
    }
    Lines::Done
}

/// Upgrades the connection after the server's 220 to STARTTLS (RFC 3207 4.2).
async fn upgrade(
    server: BoxIo,
    conv: &mut Conversation,
    outbox: &Outbox<'_>,
    tls_timeout: Duration,
) -> Result<BoxIo, End> {
    let ahead = conv.framer.discard_buffered();
    if ahead > 0 {
        let message = format!(
            "the server sent {ahead} bytes after its 220 to STARTTLS, before TLS began; the \
             bridge discarded them unread, as RFC 3207 section 4.2 requires (plaintext there \
             may be an injection by a man in the middle)"
        );
        if outbox
            .send(error(ErrorCode::PlaintextDiscarded, message))
            .await
            .is_err()
        {
            return Err(End::BrowserGone);
        }
    }
    conv.replies = ReplyAssembler::with_max_lines(conv.max_reply_lines);
    let handshake = tls::handshake(
        server,
        &conv.host,
        conv.insecure,
        TlsMode::Starttls,
        conv.started,
    );
    let result = match timeout(tls_timeout, handshake).await {
        Ok(result) => result,
        Err(_) => {
            let _ = outbox.send(tls_too_slow(tls_timeout)).await;
            return Err(End::Closed(
                "TLS could not be established after STARTTLS, so the connection was closed"
                    .to_owned(),
            ));
        }
    };
    match result {
        Ok((stream, info)) => {
            conv.encrypted = true;
            conv.session.handle_tls_established();
            conv.asked_at.clear();
            conv.last_activity = Instant::now();
            if outbox.send(ServerMsg::Tls(info)).await.is_err() {
                return Err(End::BrowserGone);
            }
            Ok(Box::new(stream))
        }
        Err(err) => {
            let _ = outbox.send(error(err.code(), err.to_string())).await;
            Err(End::Closed(
                "TLS could not be established after STARTTLS, so the connection was closed"
                    .to_owned(),
            ))
        }
    }
}

/// Says goodbye to the server, unless a message body is open (QUIT would become part of
/// it); then closes our side. Bounded by [`QUIT_WAIT`]. Boxed: it runs once, at the end,
/// and inlined it would make every idle session's future larger.
async fn quit(server: &mut BoxIo, conv: &Conversation) {
    Box::pin(quit_now(server, conv)).await;
}

async fn quit_now(server: &mut BoxIo, conv: &Conversation) {
    let _ = timeout(QUIT_WAIT, async {
        if !conv.session.in_body() {
            let _ = server.write_all(b"QUIT\r\n").await;
            let _ = server.flush().await;
        }
        let _ = server.shutdown().await;
    })
    .await;
}

/// In the queue for the browser, a WebSocket ping rather than a message (every encoded
/// message is a JSON object, never empty). Pings share the queue so that a session
/// allocates one channel, not two.
const PING: &str = "";

/// The queue of messages for the browser, encoded: a session's server side puts them in,
/// [`forward`] writes them out. Messages are counted in the metrics as they are queued.
struct Outbox<'m> {
    queue: Arc<Queue>,
    metrics: &'m Metrics,
}

impl Outbox<'_> {
    /// Queues one message; waits while the queue is full. Fails when the browser is gone.
    /// Encodes before it returns, so the waiting future holds the text only.
    fn send(&self, message: ServerMsg) -> impl Future<Output = Result<(), ()>> + '_ {
        self.metrics.observe(&message);
        let text = message.to_json();
        self.queue.push(text)
    }
}

/// Writes `first` and every message already waiting behind it (at most [`OUTBOX`]), then
/// flushes once: a multi-line reply leaves in one TCP write instead of one per line.
async fn write_batch<W>(to_browser: &mut W, first: String, inbox: &Queue) -> Result<(), ()>
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    let failed = |cause: W::Error| debug!(%cause, "could not write to the browser");
    to_browser.feed(frame(first)).await.map_err(failed)?;
    for _ in 1..OUTBOX {
        let Some(next) = inbox.try_pop() else {
            break;
        };
        to_browser.feed(frame(next)).await.map_err(failed)?;
    }
    to_browser.flush().await.map_err(failed)
}

/// The WebSocket message for an entry of the queue: a ping for [`PING`], else the text.
fn frame(text: String) -> Message {
    if text == PING {
        Message::Ping(Default::default())
    } else {
        Message::text(text)
    }
}

/// Writes queued messages (and pings) to the browser until the queue's senders are gone.
async fn forward<W>(inbox: Arc<Queue>, to_browser: &mut W)
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    while let Some(first) = inbox.pop().await {
        if write_batch(to_browser, first, &inbox).await.is_err() {
            // The directions' next send fails, which ends them.
            inbox.abandon();
            return;
        }
    }
}

/// What a WebSocket message means to a session.
enum Incoming {
    Msg(ClientMsg),
    /// Not a valid message; the text says why.
    Bad(String),
    /// Larger than the bridge accepts (close 1009).
    TooBig,
    /// The answer to a ping.
    Pong,
    /// A ping, answered by the WebSocket layer itself.
    Skip,
    /// The browser closed the WebSocket.
    Gone,
}

fn decode(message: Message, max_message: usize) -> Incoming {
    match message {
        Message::Text(text) if text.len() > max_message => Incoming::TooBig,
        Message::Text(text) => match ClientMsg::from_json(text.as_str()) {
            Ok(msg) => Incoming::Msg(msg),
            Err(err) => Incoming::Bad(err.to_string()),
        },
        Message::Binary(data) if data.len() > max_message => Incoming::TooBig,
        Message::Binary(_) => Incoming::Bad(
            "binary WebSocket messages are not part of the protocol; send JSON text".to_owned(),
        ),
        Message::Pong(_) => Incoming::Pong,
        Message::Ping(_) => Incoming::Skip,
        Message::Close(_) => Incoming::Gone,
    }
}

/// Whether a WebSocket read error is the size limit (tungstenite's "Space limit exceeded:
/// Message too long" / "Frame too long"), which closes with 1009.
fn is_too_big(cause: &str) -> bool {
    cause.contains("Space limit exceeded") || cause.contains("too long")
}

fn too_big(limit: usize) -> String {
    format!(
        "a message from the browser was larger than {limit} bytes, the most this bridge \
         accepts; the session was closed"
    )
}

fn error(code: ErrorCode, message: impl Into<String>) -> ServerMsg {
    ServerMsg::Error {
        code,
        message: message.into(),
    }
}

async fn send<W>(to_browser: &mut W, message: ServerMsg, metrics: &Metrics) -> Result<(), ()>
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    metrics.observe(&message);
    to_browser
        .send(Message::text(message.to_json()))
        .await
        .map_err(|cause| debug!(%cause, "could not write to the browser"))
}

fn millis(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader, DuplexStream};
    use tokio::net::TcpListener;
    use tokio::sync::mpsc;
    use tokio::task::JoinHandle;

    const WAIT: Duration = Duration::from_secs(5);

    /// The browser's end of a session driven by channels.
    struct Browser {
        tx: mpsc::Sender<Result<Message, Infallible>>,
        rx: mpsc::Receiver<Message>,
    }

    impl Browser {
        async fn send(&self, json: &str) {
            self.tx
                .send(Ok(Message::text(json)))
                .await
                .expect("session is reading");
        }

        async fn recv(&mut self) -> ServerMsg {
            let message = timeout(WAIT, self.rx.recv())
                .await
                .expect("a message within 5 s")
                .expect("session still open");
            match message {
                Message::Text(text) => ServerMsg::from_json(text.as_str()).expect("valid JSON"),
                other => panic!("expected a text message, got {other:?}"),
            }
        }

        async fn recv_line(&mut self) -> String {
            match self.recv().await {
                ServerMsg::Line { text, .. } => text,
                other => panic!("expected a line, got {other:?}"),
            }
        }

        async fn recv_error(&mut self) -> (ErrorCode, String) {
            match self.recv().await {
                ServerMsg::Error { code, message } => (code, message),
                other => panic!("expected an error, got {other:?}"),
            }
        }

        async fn recv_closed(&mut self) -> String {
            match self.recv().await {
                ServerMsg::Closed { reason } => reason,
                other => panic!("expected closed, got {other:?}"),
            }
        }

        /// After `closed`, the session closes its sink and drops it.
        async fn expect_end(&mut self) {
            self.expect_close_code(CLOSE_NORMAL).await;
        }

        /// The close frame with this code, then the end of the stream.
        async fn expect_close_code(&mut self, code: u16) {
            let next = timeout(WAIT, self.rx.recv()).await.expect("session ends");
            match next {
                Some(Message::Close(Some(frame))) => assert_eq!(frame.code, code),
                other => panic!("expected a close frame, got {other:?}"),
            }
            let next = timeout(WAIT, self.rx.recv()).await.expect("session ends");
            assert!(
                next.is_none(),
                "nothing after the close frame, got {next:?}"
            );
        }
    }

    /// The halves a session gets instead of a WebSocket.
    type SessionSink =
        std::pin::Pin<Box<dyn Sink<Message, Error = mpsc::error::SendError<Message>> + Send>>;
    type SessionStream = std::pin::Pin<Box<dyn Stream<Item = Result<Message, Infallible>> + Send>>;

    fn channel_websocket() -> (Browser, SessionSink, SessionStream) {
        let (to_session, session_rx) = mpsc::channel(16);
        let (session_tx, from_session) = mpsc::channel(16);
        let sink = futures_util::sink::unfold(session_tx, |tx, message: Message| async move {
            tx.send(message).await.map(|()| tx)
        });
        let stream = futures_util::stream::unfold(session_rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        (
            Browser {
                tx: to_session,
                rx: from_session,
            },
            Box::pin(sink),
            Box::pin(stream),
        )
    }

    /// A session relaying to an in-memory server; returns the server's end of the pipe.
    fn relay_session(shutdown: Shutdown) -> (Browser, DuplexStream, JoinHandle<()>) {
        relay_session_with(test_context(shutdown))
    }

    fn test_context(shutdown: Shutdown) -> Context {
        let policy = crate::policy::PolicyConfig::default().resolve();
        Context {
            shutdown,
            metrics: Arc::new(Metrics::default()),
            allow_insecure: false,
            reply_timeout: Duration::from_secs(60),
            gate: Gate::new(policy.gate.clone()),
            policy: Arc::new(policy),
            hooks: Hooks::default(),
            owners: Arc::default(),
        }
    }

    fn visitor() -> Visitor {
        let gate = Gate::new(crate::policy::limits::GateLimits::default());
        Visitor {
            client: std::net::Ipv4Addr::LOCALHOST.into(),
            origin: "http://127.0.0.1:8080".to_owned(),
            token_ok: false,
            admission: gate.admit(std::net::Ipv4Addr::LOCALHOST.into()),
            mailbox: None,
        }
    }

    fn relay_session_with(context: Context) -> (Browser, DuplexStream, JoinHandle<()>) {
        relay_session_probe(context, false)
    }

    fn relay_session_probe(
        context: Context,
        probe: bool,
    ) -> (Browser, DuplexStream, JoinHandle<()>) {
        let (browser, mut sink, stream) = channel_websocket();
        let (bridge_end, server_end) = tokio::io::duplex(64 * 1024);
        let task = tokio::spawn(async move {
            let request = ConnectRequest {
                host: "mx.example.org".into(),
                port: 25,
                tls: TlsMode::None,
                insecure: false,
            };
            let opened = Opened {
                io: Box::new(bridge_end),
                peer: "127.0.0.1:25".parse().expect("addr"),
                tls: None,
                started: Instant::now(),
                exception: None,
                registration: None,
            };
            let mut conversation = Conversation::new(&request, &opened, &context);
            conversation.probe = probe;
            let metrics = Arc::clone(&context.metrics);
            let timing = Timing {
                ping: context.policy.ping_interval,
                tls: context.policy.tls_timeout,
            };
            relay(
                opened.io,
                conversation,
                &mut sink,
                stream,
                context.shutdown,
                &metrics,
                timing,
            )
            .await;
            let frame = CloseFrame {
                code: CLOSE_NORMAL,
                reason: "session over".into(),
            };
            let _ = sink.send(Message::Close(Some(frame))).await;
            let _ = sink.close().await;
        });
        (browser, server_end, task)
    }

    async fn read_server_line(server: &mut BufReader<DuplexStream>) -> String {
        let mut line = String::new();
        timeout(WAIT, server.read_line(&mut line))
            .await
            .expect("a line within 5 s")
            .expect("readable");
        line
    }

    #[tokio::test]
    async fn server_lines_arrive_one_message_each_whatever_the_chunks() {
        let (mut browser, mut server, _task) = relay_session(Shutdown::never());
        for chunk in [
            "220 mx ESMTP\r\n250-mx\r",
            "\n250-PIPE",
            "LINING\r\n250 8BITMIME\r\n",
        ] {
            server.write_all(chunk.as_bytes()).await.expect("write");
            server.flush().await.expect("flush");
        }
        for expected in ["220 mx ESMTP", "250-mx", "250-PIPELINING", "250 8BITMIME"] {
            assert_eq!(browser.recv_line().await, expected);
        }
    }

    #[tokio::test]
    async fn lines_are_checked_then_sent_with_crlf() {
        let (mut browser, server, _task) = relay_session(Shutdown::never());
        let mut server = BufReader::new(server);
        browser
            .send(r#"{"type":"line","text":"NOOP\r\nRSET"}"#)
            .await;
        let (code, message) = browser.recv_error().await;
        assert_eq!(code, ErrorCode::InvalidLine);
        assert!(message.contains("CR"), "{message}");
        let long = format!(r#"{{"type":"line","text":"{}"}}"#, "x".repeat(TEXT_LINE));
        browser.send(&long).await;
        assert_eq!(browser.recv_error().await.0, ErrorCode::InvalidLine);

        // Sent before the greeting: held until the server has spoken (RFC 5321 3.1).
        browser.send(r#"{"type":"line","text":"EHLO me"}"#).await;
        let mut early = [0u8; 1];
        assert!(
            timeout(Duration::from_millis(100), server.read(&mut early))
                .await
                .is_err(),
            "nothing is written before the greeting"
        );
        server
            .get_mut()
            .write_all(b"220 mx\r\n")
            .await
            .expect("write");
        assert_eq!(browser.recv_line().await, "220 mx");
        assert_eq!(read_server_line(&mut server).await, "EHLO me\r\n");
    }

    #[tokio::test]
    async fn bad_and_repeated_messages_are_errors_and_the_session_goes_on() {
        let (mut browser, server, _task) = relay_session(Shutdown::never());
        let mut server = BufReader::new(server);
        browser.send("not json").await;
        assert_eq!(browser.recv_error().await.0, ErrorCode::BadMessage);
        browser
            .tx
            .send(Ok(Message::binary(vec![1, 2])))
            .await
            .expect("send");
        assert_eq!(browser.recv_error().await.0, ErrorCode::BadMessage);
        browser
            .send(r#"{"type":"connect","host":"x","port":25}"#)
            .await;
        assert_eq!(browser.recv_error().await.0, ErrorCode::AlreadyConnected);
        server
            .get_mut()
            .write_all(b"220 mx\r\n")
            .await
            .expect("write");
        browser.send(r#"{"type":"line","text":"NOOP"}"#).await;
        assert_eq!(read_server_line(&mut server).await, "NOOP\r\n");
    }

    #[tokio::test]
    async fn overlong_server_line_is_reported_and_skipped() {
        let (mut browser, mut server, _task) = relay_session(Shutdown::never());
        let long = format!("250 {}\r\n250 OK\r\n", "x".repeat(SERVER_LINE_MAX));
        server.write_all(long.as_bytes()).await.expect("write");
        let (code, message) = browser.recv_error().await;
        assert_eq!(code, ErrorCode::ServerLineTooLong);
        assert!(message.contains("2048"), "{message}");
        assert_eq!(browser.recv_line().await, "250 OK");
    }

    #[tokio::test]
    async fn server_close_flushes_the_tail_then_closes() {
        let (mut browser, mut server, task) = relay_session(Shutdown::never());
        server
            .write_all(b"221 2.0.0 Bye\r\n421 unterminated")
            .await
            .expect("write");
        drop(server);
        assert_eq!(browser.recv_line().await, "221 2.0.0 Bye");
        assert_eq!(browser.recv_line().await, "421 unterminated");
        assert_eq!(
            browser.recv_closed().await,
            "the server closed the connection"
        );
        browser.expect_end().await;
        timeout(WAIT, task)
            .await
            .expect("relay ends")
            .expect("no panic");
    }

    #[tokio::test]
    async fn close_half_closes_the_server_and_ends() {
        let (mut browser, mut server, task) = relay_session(Shutdown::never());
        browser.send(r#"{"type":"close"}"#).await;
        assert_eq!(browser.recv_closed().await, "closed by you");
        let mut rest = Vec::new();
        timeout(WAIT, server.read_to_end(&mut rest))
            .await
            .expect("server sees end of input")
            .expect("readable");
        assert!(rest.is_empty());
        browser.expect_end().await;
        timeout(WAIT, task)
            .await
            .expect("relay ends")
            .expect("no panic");
    }

    #[tokio::test]
    async fn browser_leaving_drops_the_server_connection() {
        let (browser, mut server, task) = relay_session(Shutdown::never());
        drop(browser);
        let mut rest = Vec::new();
        timeout(WAIT, server.read_to_end(&mut rest))
            .await
            .expect("server connection dropped")
            .expect("readable");
        timeout(WAIT, task)
            .await
            .expect("relay ends")
            .expect("no panic");
    }

    #[tokio::test]
    async fn shutdown_closes_the_session() {
        let (trigger, signal) = crate::shutdown::channel();
        let (mut browser, _server, task) = relay_session(signal);
        trigger.fire();
        assert_eq!(browser.recv_closed().await, SHUTTING_DOWN);
        timeout(WAIT, task)
            .await
            .expect("relay ends")
            .expect("no panic");
    }

    /// Whole sessions, handshake included, against a loopback listener.
    fn session() -> (Browser, JoinHandle<()>) {
        let (browser, sink, stream) = channel_websocket();
        let task = tokio::spawn(run(
            sink,
            stream,
            test_context(Shutdown::never()),
            visitor(),
        ));
        (browser, task)
    }

    #[tokio::test]
    async fn handshake_wants_connect_first() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let (mut browser, _task) = session();
        browser.send(r#"{"type":"line","text":"EHLO me"}"#).await;
        assert_eq!(browser.recv_error().await.0, ErrorCode::NotConnected);
        browser.send(r#"{"type":"hello"}"#).await;
        assert_eq!(browser.recv_error().await.0, ErrorCode::BadMessage);

        browser
            .send(&format!(
                r#"{{"type":"connect","host":"127.0.0.1","port":{port}}}"#
            ))
            .await;
        let (mut server, _) = timeout(WAIT, listener.accept())
            .await
            .expect("accepted")
            .expect("accept");
        match browser.recv().await {
            ServerMsg::Connected {
                version,
                port: p,
                peer,
                tls,
                ..
            } => {
                assert_eq!((version, p, tls), (WIRE_VERSION, port, TlsMode::None));
                assert_eq!(peer, format!("127.0.0.1:{port}"));
            }
            other => panic!("expected connected, got {other:?}"),
        }
        server.write_all(b"220 hello\r\n").await.expect("write");
        match browser.recv().await {
            ServerMsg::Line { text, at_ms, .. } => {
                assert_eq!(text, "220 hello");
                assert!(at_ms < 5_000, "at_ms counts from the connection: {at_ms}");
            }
            other => panic!("expected a line, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn connect_failures_are_reported_then_closed() {
        let closed_port = {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            listener.local_addr().expect("addr").port()
        };
        let cases = [
            (
                format!(r#"{{"type":"connect","host":"127.0.0.1","port":{closed_port}}}"#),
                ErrorCode::ConnectFailed,
            ),
            (
                r#"{"type":"connect","host":"","port":25}"#.to_owned(),
                ErrorCode::InvalidTarget,
            ),
            (
                r#"{"type":"connect","host":"127.0.0.1","port":0}"#.to_owned(),
                ErrorCode::InvalidTarget,
            ),
            (
                r#"{"type":"connect","host":"127.0.0.1","port":465,"tls":"implicit","insecure":true}"#
                    .to_owned(),
                ErrorCode::InsecureNotAllowed,
            ),
        ];
        for (connect, expected) in cases {
            let (mut browser, task) = session();
            browser.send(&connect).await;
            let (code, message) = browser.recv_error().await;
            assert_eq!(code, expected, "{connect}: {message}");
            assert!(!message.is_empty());
            assert_eq!(browser.recv_closed().await, "no connection was made");
            browser.expect_end().await;
            timeout(WAIT, task)
                .await
                .expect("session ends")
                .expect("no panic");
        }
    }

    #[tokio::test]
    async fn close_before_connect_ends_the_session() {
        let (mut browser, task) = session();
        browser.send(r#"{"type":"close"}"#).await;
        assert_eq!(browser.recv_closed().await, "closed by you");
        browser.expect_end().await;
        timeout(WAIT, task)
            .await
            .expect("session ends")
            .expect("no panic");
    }

    /// Reads what the server received within a short while (everything written so far).
    async fn drain(server: &mut DuplexStream) -> String {
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(Ok(n)) = timeout(Duration::from_millis(150), server.read(&mut buf)).await {
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&got).into_owned()
    }

    async fn recv_reply_line(browser: &mut Browser) -> (String, Option<u64>, bool) {
        match browser.recv().await {
            ServerMsg::Line {
                text,
                latency_ms,
                encrypted,
                ..
            } => (text, latency_ms, encrypted),
            other => panic!("expected a line, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn one_command_at_a_time_without_pipelining() {
        let (mut browser, mut server, _task) = relay_session(Shutdown::never());
        server.write_all(b"220 mx\r\n").await.expect("write");
        let (_, latency, encrypted) = recv_reply_line(&mut browser).await;
        assert!(
            latency.is_some(),
            "the greeting's latency counts from connect"
        );
        assert!(!encrypted);
        browser
            .send(r#"{"type":"lines","text":["EHLO me","MAIL FROM:<a@b>","RCPT TO:<c@d>"]}"#)
            .await;
        assert_eq!(drain(&mut server).await, "EHLO me\r\n");
        server
            .write_all(b"250-mx\r\n250 SIZE 1000\r\n")
            .await
            .expect("write");
        assert!(recv_reply_line(&mut browser).await.1.is_some());
        assert!(recv_reply_line(&mut browser).await.1.is_some());
        assert_eq!(drain(&mut server).await, "MAIL FROM:<a@b>\r\n");
        server.write_all(b"250 ok\r\n").await.expect("write");
        let _ = browser.recv_line().await;
        assert_eq!(drain(&mut server).await, "RCPT TO:<c@d>\r\n");
    }

    #[tokio::test]
    async fn pipelining_when_advertised_and_data_in_one_write() {
        let (mut browser, mut server, _task) = relay_session(Shutdown::never());
        server.write_all(b"220 mx\r\n").await.expect("write");
        let _ = browser.recv_line().await;
        browser.send(r#"{"type":"line","text":"EHLO me"}"#).await;
        assert_eq!(drain(&mut server).await, "EHLO me\r\n");
        server
            .write_all(b"250-mx\r\n250 PIPELINING\r\n")
            .await
            .expect("write");
        let _ = browser.recv_line().await;
        let _ = browser.recv_line().await;
        browser
            .send(
                r#"{"type":"lines","text":["MAIL FROM:<a@b>","RCPT TO:<c@d>","DATA","Subject: x"]}"#,
            )
            .await;
        // MAIL, RCPT and DATA go together; the body waits for 354.
        assert_eq!(
            drain(&mut server).await,
            "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"
        );
        server
            .write_all(b"250 ok\r\n250 ok\r\n354 go\r\n")
            .await
            .expect("write");
        for _ in 0..3 {
            let (_, latency, _) = recv_reply_line(&mut browser).await;
            assert!(latency.is_some());
        }
        browser
            .send(r#"{"type":"lines","text":["","body","..dot",".","QUIT"]}"#)
            .await;
        // QUIT waits for the reply to the final dot.
        assert_eq!(
            drain(&mut server).await,
            "Subject: x\r\n\r\nbody\r\n..dot\r\n.\r\n"
        );
        server.write_all(b"250 queued\r\n").await.expect("write");
        let _ = browser.recv_line().await;
        assert_eq!(drain(&mut server).await, "QUIT\r\n");
    }

    #[tokio::test]
    async fn a_batch_with_one_bad_line_sends_nothing() {
        let (mut browser, mut server, _task) = relay_session(Shutdown::never());
        server.write_all(b"220 mx\r\n").await.expect("write");
        let _ = browser.recv_line().await;
        browser
            .send(r#"{"type":"lines","text":["NOOP","bad\u0000line","NOOP"]}"#)
            .await;
        let (code, message) = browser.recv_error().await;
        assert_eq!(code, ErrorCode::InvalidLine);
        assert!(message.contains("line 2 of 3"), "{message}");
        assert_eq!(drain(&mut server).await, "");
    }

    #[tokio::test]
    async fn starttls_discards_plaintext_sent_ahead_then_handshakes() {
        let (mut browser, mut server, task) = relay_session(Shutdown::never());
        server.write_all(b"220 mx\r\n").await.expect("write");
        let _ = browser.recv_line().await;
        browser
            .send(r#"{"type":"lines","text":["STARTTLS","EHLO after"]}"#)
            .await;
        assert_eq!(drain(&mut server).await, "STARTTLS\r\n");
        // An injected reply rides behind the 220, in the same segment.
        server
            .write_all(b"220 go ahead\r\n250 injected\r\n")
            .await
            .expect("write");
        assert_eq!(browser.recv_line().await, "220 go ahead");
        let (code, message) = browser.recv_error().await;
        assert_eq!(code, ErrorCode::PlaintextDiscarded);
        assert!(message.contains("14 bytes"), "{message}");
        // The bridge now speaks TLS: a ClientHello, not the queued EHLO.
        let mut hello = [0u8; 5];
        timeout(WAIT, server.read_exact(&mut hello))
            .await
            .expect("a ClientHello")
            .expect("readable");
        assert_eq!(hello[0], 0x16, "a TLS handshake record");
        drop(server);
        let (code, _) = browser.recv_error().await;
        assert_eq!(code, ErrorCode::TlsHandshakeFailed);
        assert!(browser.recv_closed().await.contains("STARTTLS"));
        timeout(WAIT, task).await.expect("ends").expect("no panic");
    }

    #[tokio::test]
    async fn hang_up_mid_data_is_explained() {
        let (mut browser, mut server, task) = relay_session(Shutdown::never());
        server.write_all(b"220 mx\r\n").await.expect("write");
        let _ = browser.recv_line().await;
        browser.send(r#"{"type":"line","text":"DATA"}"#).await;
        assert_eq!(drain(&mut server).await, "DATA\r\n");
        server.write_all(b"354 go\r\n").await.expect("write");
        let _ = browser.recv_line().await;
        browser.send(r#"{"type":"line","text":"Subject: x"}"#).await;
        assert_eq!(drain(&mut server).await, "Subject: x\r\n");
        drop(server);
        let reason = browser.recv_closed().await;
        assert!(reason.contains("middle of DATA"), "{reason}");
        timeout(WAIT, task).await.expect("ends").expect("no panic");
    }

    #[tokio::test]
    async fn a_silent_server_times_out_with_an_error() {
        let mut context = test_context(Shutdown::never());
        context.reply_timeout = Duration::from_millis(200);
        let (mut browser, mut server, task) = relay_session_with(context);
        let (code, message) = browser.recv_error().await;
        assert_eq!(code, ErrorCode::ReplyTimeout);
        assert!(message.contains("200 ms"), "{message}");
        assert_eq!(
            browser.recv_closed().await,
            "the server did not answer in time"
        );
        assert_eq!(drain(&mut server).await, "QUIT\r\n");
        timeout(WAIT, task).await.expect("ends").expect("no panic");
    }

    #[tokio::test]
    async fn shutdown_sends_quit_and_closes_with_1001() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let (trigger, signal) = crate::shutdown::channel();
        let (mut browser, sink, stream) = channel_websocket();
        let context = test_context(signal);
        let metrics = Arc::clone(&context.metrics);
        let task = tokio::spawn(run(sink, stream, context, visitor()));
        browser
            .send(&format!(
                r#"{{"type":"connect","host":"127.0.0.1","port":{port}}}"#
            ))
            .await;
        let (server, _) = timeout(WAIT, listener.accept())
            .await
            .expect("accepted")
            .expect("accept");
        assert!(matches!(browser.recv().await, ServerMsg::Connected { .. }));
        let mut server = BufReader::new(server);
        server
            .get_mut()
            .write_all(b"220 mx\r\n")
            .await
            .expect("write");
        let _ = browser.recv_line().await;
        assert_eq!(metrics.active(), 1);
        trigger.fire();
        assert_eq!(browser.recv_closed().await, SHUTTING_DOWN);
        browser.expect_close_code(CLOSE_GOING_AWAY).await;
        let mut quit = String::new();
        timeout(WAIT, server.read_line(&mut quit))
            .await
            .expect("QUIT")
            .expect("readable");
        assert_eq!(quit, "QUIT\r\n");
        timeout(WAIT, task).await.expect("ends").expect("no panic");
        assert_eq!(metrics.active(), 0);
    }
}
