//! Opening the connection once `connect` has arrived: the bridge resolves and connects
//! (`upstream.rs`) and, for implicit TLS, runs the TLS handshake (`tls.rs`); a failure is
//! reported as an `error`, then `closed`.

use std::time::Duration;

use protocol::wire::{ConnectRequest, ErrorCode, ServerMsg, TlsInfo, TlsMode};
use tokio::time::{Instant, timeout};

use super::registered::Registered;
use super::{BoxIo, Context, error};
use crate::policy::connections::ConnectionPermit;
use crate::policy::target::Exception;
use crate::sandbox::Registration;
use crate::tls::{self, Trust};
use crate::upstream;
use crate::visitor::VisitorId;

/// A connection ready for the relay.
pub(super) struct Opened {
    pub(super) io: BoxIo,
    pub(super) peer: std::net::SocketAddr,
    /// For implicit TLS: what was agreed.
    pub(super) tls: Option<TlsInfo>,
    /// When the TCP connection was made.
    pub(super) started: Instant,
    /// The target-rule exception that let it through (sandbox, allowed target).
    pub(super) exception: Option<Exception>,
    /// For a session to the sandbox with a visitor: files its connection under it.
    pub(super) registration: Option<Registration>,
    /// For a session to the sandbox: its place among the client's sandbox sessions.
    pub(super) sandbox_place: Option<ConnectionPermit>,
    /// The certificates TLS accepts here, now or after STARTTLS.
    pub(super) trust: Trust,
}

impl Opened {
    /// The stream alone, carrying the registration if there is one (`registered.rs`):
    /// the rest is dropped now rather than kept in the session's future for as long as
    /// the relay runs.
    pub(super) fn into_io(self) -> BoxIo {
        if self.registration.is_none() && self.sandbox_place.is_none() {
            return self.io;
        }
        Box::new(Registered::new(
            self.io,
            self.registration,
            self.sandbox_place,
        ))
    }
}

/// Connects as requested, with TLS from the first byte for implicit TLS. A connection to
/// the sandbox is registered under `mailbox` before it is made. The error is the
/// message for the browser.
pub(super) async fn open(
    request: &ConnectRequest,
    context: &Context,
    mailbox: Option<VisitorId>,
    client: std::net::IpAddr,
) -> Result<Opened, ServerMsg> {
    open_resolved(request, context, mailbox, client, None).await
}

/// [`open`], with the addresses of the host's one resolution when it was resolved
/// already (connect by MX).
pub(super) async fn open_resolved(
    request: &ConnectRequest,
    context: &Context,
    mailbox: Option<VisitorId>,
    client: std::net::IpAddr,
    resolved: Option<&[std::net::IpAddr]>,
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
        sandbox: context
            .sandbox_places
            .as_ref()
            .map(|places| upstream::SandboxPlaces { places, client }),
        owner: mailbox.map(|visitor| upstream::SandboxOwner {
            owners: &context.owners,
            visitor,
        }),
    };
    let up = upstream::connect(request, targets, resolved)
        .await
        .map_err(|err| error(err.code(), err.to_string()))?;
    let started = Instant::now();
    let trust = trust_for(up.exception, context);
    // Registered before the connect (`upstream::SandboxOwner`), so the sandbox knows
    // the visitor when it greets.
    let registration = up.registration;
    if request.tls != TlsMode::Implicit {
        return Ok(Opened {
            io: Box::new(up.stream),
            peer: up.peer,
            tls: None,
            started,
            exception: up.exception,
            registration,
            sandbox_place: up.sandbox_place,
            trust,
        });
    }
    let handshake = tls::handshake(
        up.stream,
        &request.host,
        &trust,
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
        sandbox_place: up.sandbox_place,
        trust,
    })
}

/// The bridge's own sandbox is trusted by its exact certificate: the connection reached
/// the sandbox's listening address (the target rules' `Exception::Sandbox`), and the
/// certificate is the one the sandbox was started with. Every other target is checked
/// against the certificate authorities.
fn trust_for(exception: Option<Exception>, context: &Context) -> Trust {
    match (exception, &context.sandbox_certificate) {
        (Some(Exception::Sandbox), Some(certificate)) => {
            Trust::Pinned(std::sync::Arc::clone(certificate))
        }
        _ => Trust::WebPki,
    }
}

pub(super) fn tls_too_slow(limit: Duration) -> ServerMsg {
    error(
        ErrorCode::TlsHandshakeFailed,
        format!(
            "the TLS handshake took longer than {} ms, the most this bridge waits",
            limit.as_millis()
        ),
    )
}
