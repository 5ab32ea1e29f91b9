//! The handshake: the first useful message must be `connect`; anything else is answered
//! with an `error` (`not_connected`, `bad_message`) and the session keeps waiting, up to
//! [`CONNECT_WAIT`]. An `auth` message may come first, with the bearer token.

use std::fmt::Display;
use std::time::Duration;

use axum::extract::ws::Message;
use futures_util::{Sink, Stream, StreamExt};
use protocol::wire::{ClientMsg, ConnectRequest, ErrorCode};
use tokio::time::{Instant, timeout_at};
use tracing::{debug, warn};

use super::from_browser::{Incoming, decode, is_too_big, too_big};
use super::to_browser::send;
use super::{CLOSED_BY_YOU, SHUTTING_DOWN, error};
use crate::metrics::Metrics;
use crate::policy::Policy;
use crate::policy::limits::Gate;
use crate::shutdown::Shutdown;

/// How long a new session may take to send `connect`.
const CONNECT_WAIT: Duration = Duration::from_secs(60);

/// What the handshake needs to decide on tokens.
pub(super) struct Admission<'a> {
    pub(super) policy: &'a Policy,
    pub(super) gate: &'a Gate,
    pub(super) client: std::net::IpAddr,
    pub(super) token_ok: &'a mut bool,
}

/// How the handshake phase ended.
pub(super) enum Handshake {
    Connect(ConnectRequest),
    /// Refuse the session: this error, `closed`, close code 1008.
    Refuse(ErrorCode, String),
    /// End the session with `closed` and this reason.
    End(String),
    BrowserGone,
}

pub(super) async fn handshake<W, R, E>(
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
