//! One session from start to end: its admission, the handshake (`handshake.rs`), the
//! connection (`open.rs`), the relay (`event_loop.rs` around `conversation/`), then the
//! WebSocket close.
//!
//! When the session ends, one `closed` message is sent and the WebSocket is closed with
//! 1000, or 1001 when the bridge shuts down (after QUIT was sent upstream).
//!
//! Security (`SECURITY.md`): a session refused by the admission limits, a wrong or
//! missing token, or a denied target ends with an `error`, `closed` and close code 1008; a
//! browser message over the size limit with 1009.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message};
use futures_util::{Sink, SinkExt, Stream};
use protocol::wire::{ConnectRequest, ErrorCode, ServerMsg, WIRE_VERSION};
use tokio::time::{Instant, timeout};
use tracing::{Span, debug, info, warn};

use super::by_mx::open_by_mx;
use super::conversation::{Conversation, Limits, Start};
use super::event_loop::{Relay, relay};
use super::handshake::{Admission, Handshake, handshake};
use super::open::{Opened, open};
use super::span::SessionSpan;
use super::to_browser::send;
use super::{
    BoxIo, CLOSE_GOING_AWAY, CLOSE_NORMAL, CLOSE_POLICY, CLOSE_TOO_BIG, Context, SHUTTING_DOWN,
    Visitor, error,
};
use crate::log_text::{Untrusted, escaped};
use crate::metrics::Metrics;
use crate::policy::limits::Refusal;
use crate::shutdown::Shutdown;
use crate::tls::Trust;
use crate::visitor::VisitorId;

/// How long closing the WebSocket may take once the session is over.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Runs one session to its end; see the module documentation.
///
/// A plain `fn` returning an `async move` block rather than an `async fn`: an `async fn`
/// keeps a second copy of its arguments in its future for the whole session, and every
/// byte of that future is held by every idle session.
#[expect(
    clippy::manual_async_fn,
    reason = "an async fn would copy its arguments into its future a second time"
)]
///
/// `span` is the session's (`id`, `client`): entered for every poll of the session except
/// while the relay loop runs (`span.rs`).
pub(crate) fn run<W, R, E>(
    mut to_browser: W,
    mut from_browser: R,
    context: Context,
    visitor: Visitor,
    span: Span,
) -> impl Future<Output = ()>
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: Display,
{
    async move {
        let span = SessionSpan::new(span);
        // Pinned where it is made, so the session's future holds it once.
        let mut session = std::pin::pin!(run_session(
            &mut to_browser,
            &mut from_browser,
            &context,
            &visitor,
            &span
        ));
        std::future::poll_fn(|cx| {
            let _entered = span.enter_unless_quiet();
            session.as_mut().poll(cx)
        })
        .await;
    }
}

async fn run_session<W, R, E>(
    to_browser: &mut W,
    from_browser: &mut R,
    context: &Context,
    visitor: &Visitor,
    span: &SessionSpan,
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
    debug!(origin = %Untrusted(&visitor.origin), "session opened");
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
                client: visitor.client,
            };
            session(
                handshake,
                to_browser,
                from_browser,
                shutdown,
                context,
                admitted,
                span,
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
    /// The client's address (sandbox sessions are capped per client).
    client: std::net::IpAddr,
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
    /// The stream; for the sandbox it carries the registration that files this
    /// session's mail under its visitor (`registered.rs`).
    io: BoxIo,
    conversation: Conversation,
    /// The certificates a STARTTLS upgrade accepts.
    trust: Trust,
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
    span: &SessionSpan,
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
            // Everything of the connect step lives inside this block, so none of it stays
            // in the session's future while the relay runs (only the relay itself does).
            let end = {
                let (opened, made, mx_host) = if request.by_mx {
                    let by_mx = Box::pin(open_by_mx(
                        &request,
                        context,
                        admitted.mailbox,
                        admitted.client,
                        to_browser,
                    ))
                    .await;
                    match by_mx {
                        Ok(by_mx) => (Ok(by_mx.opened), by_mx.request, Some(by_mx.mx_host)),
                        Err(failure) => (Err(failure), request.clone(), None),
                    }
                } else {
                    let opened =
                        Box::pin(open(&request, context, admitted.mailbox, admitted.client)).await;
                    (opened, request.clone(), None)
                };
                let ready = match opened {
                    Ok(opened) => {
                        let made = Made {
                            request: &made,
                            shown_host: &request.host,
                            mx_host,
                        };
                        Box::pin(announce(opened, made, to_browser, context, &admitted)).await
                    }
                    Err(failure) => {
                        return refused_connect(failure, &request, to_browser, metrics).await;
                    }
                };
                let Some(ready) = ready else {
                    return (None, CLOSE_NORMAL);
                };
                let ready = Relay {
                    server: ready.io,
                    core: ready.conversation,
                    shutdown,
                    metrics,
                    tls_timeout: context.policy.tls_timeout,
                    trust: ready.trust,
                    span,
                };
                relay(ready, to_browser, from_browser)
            }
            .await;
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
            warn!(code = ?code, "session refused: {}", Untrusted(&message));
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

/// The connection as made: the request as made to the host (for connect by MX, to the
/// MX host by name), the host the browser asked for, and the MX host used.
struct Made<'a> {
    request: &'a ConnectRequest,
    shown_host: &'a str,
    mx_host: Option<String>,
}

/// Tells the browser where it is connected (and the TLS facts of implicit TLS), and
/// prepares the relay; `None` when the browser is gone.
async fn announce<W>(
    opened: Opened,
    made: Made<'_>,
    to_browser: &mut W,
    context: &Context,
    admitted: &Admitted,
) -> Option<Relaying>
where
    W: Sink<Message> + Unpin,
    W::Error: Display,
{
    let metrics = &context.metrics;
    let request = made.request;
    info!(
        host = %Untrusted(made.shown_host),
        mx_host = made.mx_host.as_deref().map(Untrusted).map(tracing::field::display),
        port = request.port,
        peer = %opened.peer,
        exception = ?opened.exception,
        "connected"
    );
    let connected = ServerMsg::Connected {
        version: WIRE_VERSION,
        host: made.shown_host.to_owned(),
        port: request.port,
        peer: opened.peer.to_string(),
        tls: request.tls,
        mx_host: made.mx_host,
    };
    send(to_browser, connected, metrics).await.ok()?;
    if let Some(info) = opened.tls.clone() {
        send(to_browser, ServerMsg::Tls(info), metrics).await.ok()?;
    }
    let start = Start {
        limits: Limits::of(context),
        host: request.host.clone(),
        insecure: request.insecure && context.allow_insecure,
        implicit_tls: opened.tls.is_some(),
        probe: context.policy.probe_mode && opened.exception.is_none() && !admitted.token_ok,
        connected_at: opened.started.into_std(),
        expires: (admitted.started + context.policy.session_timeout).into_std(),
    };
    let conversation = Conversation::new(start, Instant::now().into_std());
    let trust = opened.trust.clone();
    let io = opened.into_io();
    Some(Relaying {
        io,
        conversation,
        trust,
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
            warn!(
                host = %Untrusted(&request.host),
                port = request.port,
                reason = %Untrusted(message),
                "target refused"
            );
            CLOSE_POLICY
        }
        _ => {
            let cause = match &failure {
                ServerMsg::Error { code, message } => format!("{code:?}: {}", escaped(message)),
                other => escaped(&format!("{other:?}")),
            };
            info!(
                host = %Untrusted(&request.host),
                port = request.port,
                %cause,
                "connect failed"
            );
            CLOSE_NORMAL
        }
    };
    // If the browser is already gone, the `closed` below fails the same way.
    let _ = send(to_browser, failure, metrics).await;
    (Some("no connection was made".to_owned()), code)
}
