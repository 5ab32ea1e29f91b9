//! One session: a WebSocket from the browser on one side, one SMTP connection on the other.
//!
//! A session has two phases: the **handshake**, in which the first useful message must be
//! `connect`, and the **relay**, one loop in the session's task that moves lines both ways
//! until either side ends. Nothing here logs a line's text: AUTH answers and message
//! bodies never reach a log.
//!
//! # Layout
//!
//! The relay is a sans-IO core driven by an async loop, like quinn-proto's `Connection`
//! and quinn's endpoint driver:
//!
//! - `conversation/`: the **core**, no I/O and no clock: what the server owes, which
//!   queued lines may go, the caps of `SECURITY.md`, byte counters, and every deadline
//!   as an `Instant` value (`deadlines.rs`, `caps.rs`).
//! - `event_loop.rs`: the **loop** that drives it: waits for server bytes, a browser
//!   message, the core's next deadline or shutdown, hands each to the core with `now`, and
//!   does what the core asks (write, forward, upgrade, end).
//! - `from_server.rs`: reading the server into the core, and its lines to the browser.
//! - `to_server.rs`: writing to the server, and the goodbye `QUIT`.
//! - `from_browser.rs`: what a WebSocket message from the browser means.
//! - `to_browser.rs`: frames for the browser (messages and pings), queued and written in
//!   batches.
//! - `starttls.rs`: the upgrade after the server's 220 to STARTTLS.
//! - `span.rs`: the session's tracing span, kept out of the loop's polls.
//!
//! Around the relay, one session from start to end:
//!
//! - `session.rs`: [`run`], one session from its admission to the WebSocket close.
//! - `handshake.rs`: waiting for `connect`, and tokens.
//! - `open.rs`: connecting to the server, with TLS from the first byte for implicit TLS.
//! - `registered.rs`: a sandbox stream that carries its visitor's registration, ended
//!   before the socket closes.
//!
//! Imports go one way (a module may use this one's items): the core imports no sibling;
//! `from_server` and `starttls` use the core and `to_browser`; the loop uses them all;
//! `session` uses the loop.
//!
//! The functions are generic over the WebSocket's `Sink`/`Stream` halves and over the
//! server stream, so the tests (`tests/`) drive them with channels and in-memory pipes.

mod by_mx;
mod conversation;
mod event_loop;
mod from_browser;
mod from_server;
mod handshake;
mod open;
mod registered;
mod session;
mod span;
mod starttls;
#[cfg(test)]
mod tests;
mod to_browser;
mod to_server;

use std::sync::Arc;
use std::time::Duration;

use protocol::wire::{ErrorCode, ServerMsg};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::metrics::Metrics;
use crate::policy::Policy;
use crate::policy::limits::{Gate, Permit, Refusal};
use crate::sandbox::Owners;
use crate::shutdown::Shutdown;
use crate::visitor::VisitorId;
use crate::{AppState, Hooks};

pub(crate) use session::run;

/// Close codes (RFC 6455 7.4.1).
const CLOSE_NORMAL: u16 = 1000;
const CLOSE_GOING_AWAY: u16 = 1001;
const CLOSE_POLICY: u16 = 1008;
const CLOSE_TOO_BIG: u16 = 1009;

/// `closed` reasons given in more than one file.
const SHUTTING_DOWN: &str = "the bridge is shutting down";
const CLOSED_BY_YOU: &str = "closed by you";

/// An `error` message for the browser.
fn error(code: ErrorCode, message: impl Into<String>) -> ServerMsg {
    ServerMsg::Error {
        code,
        message: message.into(),
    }
}

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
    /// Sessions to the sandbox per client, when capped.
    pub(crate) sandbox_places: Option<Arc<crate::policy::connections::Connections>>,
    /// The certificate the sandbox presents: a session to the sandbox trusts it, and only
    /// it (`tls::Trust::Pinned`).
    pub(crate) sandbox_certificate: Option<Arc<rustls::pki_types::CertificateDer<'static>>>,
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
            sandbox_places: state.sandbox_places.clone(),
            sandbox_certificate: state.sandbox_certificate.clone(),
        }
    }
}
