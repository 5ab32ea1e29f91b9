//! The `/ws` endpoint: check who is asking, then upgrade and hand over to [`relay`].
//!
//! Before the upgrade, in this order: the client's address (from `X-Forwarded-For` only
//! behind a `--trust-proxy`), the penalty box for token guessers (429), the Host and
//! Origin allow lists (403), and a bearer token in `Authorization` (401 when wrong). A
//! request refused here never gets a session.
//!
//! Session caps and the new-session rate are decided here too, but told after the upgrade
//! (an `error` with `too_many_sessions` or `rate_limited`, then close 1008), because a
//! browser cannot read the status of a refused WebSocket handshake and the person would
//! see only "connection failed".

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tracing::{info_span, warn};

use crate::log_text::Untrusted;
use crate::policy::{Profile, token};
use crate::visitor::VisitorId;
use crate::{AppState, http, origin, relay};

/// Read buffer per connection, allocated for each session, and also the most tungstenite
/// reads in one system call. Larger messages, up to the message limit, still fit (the
/// buffer grows while one is read), but a 64 KiB batch of DATA lines then takes one read
/// per KiB. Measured (bench/README.md, "relay"): 2 KiB instead of 4 saved 2 KiB per idle
/// session, which the 8 KiB target needed; 1 KiB instead of 2 saves 1 KiB more (8.2 ->
/// 7.2 KiB per idle session) for about 3 % of batched DATA throughput (378-392 against
/// 389-419 MB/s, alternated runs), still over four times websocat's. Idle sessions are what
/// a public bridge holds most of.
const READ_BUFFER: usize = 1024;

/// Write buffer per connection: replies are small; the messages waiting for the browser
/// are written into it, then flushed once (`write_batch` in `relay/to_browser.rs`).
const WRITE_BUFFER: usize = 4 * 1024;

/// Upper bound of queued outgoing bytes before writes push back (256 KiB, SECURITY.md).
const MAX_WRITE_BUFFER: usize = 256 * 1024;

/// Handles `GET /ws`.
pub(crate) async fn handle(
    State(state): State<AppState>,
    request: axum::http::request::Parts,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let headers = &request.headers;
    let policy = &state.policy;
    let client = http::client(&request.extensions, &request.headers, &policy.trust_proxy);
    let text = |name| header_text(headers, name);
    let origin_header = text(header::ORIGIN);

    if let Some(left) = state.gate.banned(client) {
        state.metrics.refused("banned");
        warn!(%client, "refused: too many wrong tokens from this address");
        let message = format!(
            "refused: too many wrong tokens from this address; try again in {} s",
            left.as_secs().max(1)
        );
        return (StatusCode::TOO_MANY_REQUESTS, message).into_response();
    }
    let public = policy.profile == Profile::Public;
    let allowed = origin::check_host(
        text(header::HOST),
        &policy.allowed_hosts,
        &state.config.allowed_origins,
        public,
    )
    .and_then(|()| {
        origin::check_with(
            origin_header,
            text(header::HOST),
            &state.config.allowed_origins,
            !public,
        )
    });
    if let Err(refusal) = allowed {
        state.metrics.refused("origin");
        warn!(
            %client,
            origin = ?origin_header,
            host = ?text(header::HOST),
            "{}",
            Untrusted(&refusal.to_string())
        );
        return (StatusCode::FORBIDDEN, refusal.to_string()).into_response();
    }
    let mut token_ok = false;
    if let Some(offered) = text(header::AUTHORIZATION).and_then(token::bearer) {
        let valid = policy.token.as_ref().is_some_and(|t| t.matches(offered));
        if !valid {
            state.metrics.refused("token");
            let banned = state.gate.bad_token(client);
            warn!(%client, banned = banned.is_some(), "refused: wrong bearer token");
            return (
                StatusCode::UNAUTHORIZED,
                "refused: the bearer token is not valid for this bridge",
            )
                .into_response();
        }
        token_ok = true;
    }
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let admission = state.gate.admit(client);
    let id = state.next_session.fetch_add(1, Ordering::Relaxed);
    let context = relay::Context::new(&state);
    let visitor = relay::Visitor {
        client,
        origin: origin_header.unwrap_or_default().to_owned(),
        token_ok,
        admission,
        mailbox: VisitorId::of(&request.extensions),
    };
    let max_message = policy.max_message;
    let upgrade = upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .max_message_size(max_message)
        .max_frame_size(max_message);
    // Boxed: axum keeps this closure's captures in the session's task until it ends, and
    // `run` keeps its own copies of them.
    let session = Box::new((context, visitor));
    upgrade.on_upgrade(move |socket| {
        let (to_browser, from_browser) = socket.split();
        let (context, visitor) = *session;
        relay::run(
            to_browser,
            from_browser,
            context,
            visitor,
            info_span!("session", id, %client),
        )
    })
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}
