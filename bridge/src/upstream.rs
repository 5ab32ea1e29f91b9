//! Opening the TCP connection to the SMTP server a session asked for.
//!
//! The target is checked first (`policy::target`): syntax and port, then the name is
//! resolved **once**, every answer is classified, and the connection goes to exactly the
//! checked addresses, never to the name again, so a DNS answer that changes between the
//! check and the connect (rebinding) cannot redirect it. Nothing is connected before the
//! check passed.
//!
//! Resolution and connection each have a deadline, so a typo or a firewall that silently
//! drops packets ends in a clear error instead of a session that hangs. Every failure maps
//! to one [`ErrorCode`] of the wire contract and a message meant for a person.
//!
//! TLS, implicit or by STARTTLS, runs over this connection afterwards (`tls.rs`).

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use protocol::wire::{ConnectRequest, ErrorCode};
use thiserror::Error;
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::{Instant, timeout, timeout_at};

use crate::Hooks;
use crate::metrics::Metrics;
use crate::policy::connections::{ConnectionPermit, Connections};
use crate::policy::host::Host;
use crate::policy::limits::Gate;
use crate::policy::target::{Exception, TargetError, TargetRules};
use crate::sandbox::{Owners, Registration};
use crate::visitor::VisitorId;

/// How long a name may take to resolve.
pub(crate) const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// A TCP connection to the requested server.
#[derive(Debug)]
pub(crate) struct Upstream {
    /// The connection.
    pub(crate) stream: TcpStream,
    /// The address actually connected to.
    pub(crate) peer: SocketAddr,
    /// Which exception of the target rules let it through (the sandbox, an allowed
    /// target), for probe mode.
    pub(crate) exception: Option<Exception>,
    /// For a session to the sandbox: its place among the client's sandbox sessions.
    pub(crate) sandbox_place: Option<ConnectionPermit>,
    /// For a session to the sandbox with a visitor: its registration, made before the
    /// connection was (`SandboxOwner`).
    pub(crate) registration: Option<Registration>,
}

/// Who a session to the sandbox belongs to. Its local address is registered under the
/// visitor *before* it connects: the sandbox greets at accept, and by then it has chosen
/// the session's failure rules, which are the visitor's own (`sandbox/rules/`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SandboxOwner<'a> {
    /// The registry.
    pub(crate) owners: &'a Arc<Owners>,
    /// The session's visitor.
    pub(crate) visitor: VisitorId,
}

/// The sandbox sessions per client (`--sandbox-sessions-per-client`) and who asks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SandboxPlaces<'a> {
    /// The open sandbox sessions, by client.
    pub(crate) places: &'a Arc<Connections>,
    /// The client's address.
    pub(crate) client: IpAddr,
}

/// What connecting needs from the bridge.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Targets<'a> {
    pub(crate) rules: &'a TargetRules,
    pub(crate) hooks: &'a Hooks,
    pub(crate) gate: &'a Gate,
    pub(crate) metrics: &'a Metrics,
    pub(crate) connect_timeout: Duration,
    /// Where a session to the sandbox takes its place (`None`: no cap).
    pub(crate) sandbox: Option<SandboxPlaces<'a>>,
    /// Whose a session to the sandbox is (`None`: nobody's, as in `local`).
    pub(crate) owner: Option<SandboxOwner<'a>>,
}

/// Why no connection was made.
#[derive(Debug, Error)]
pub(crate) enum ConnectError {
    /// The host or port cannot be a target.
    #[error("{0}")]
    InvalidTarget(String),
    /// The target rules refuse it.
    #[error("{0}")]
    Denied(String),
    /// The destination had its share of sessions.
    #[error("{0}")]
    RateLimited(String),
    /// The name lookup failed.
    #[error("could not find the address of {host}: {cause}")]
    ResolveFailed {
        /// The host as requested.
        host: String,
        /// The resolver's explanation.
        cause: io::Error,
    },
    /// The name resolved to nothing.
    #[error("{host} has no IP address")]
    NoAddress {
        /// The host as requested.
        host: String,
    },
    /// The name lookup took too long.
    #[error("looking up {host} took longer than {} s; check the name and your DNS", RESOLVE_TIMEOUT.as_secs())]
    ResolveTimeout {
        /// The host as requested.
        host: String,
    },
    /// Every address refused or failed.
    #[error("could not connect to {target}: {}", describe_connect_error(cause))]
    ConnectFailed {
        /// The last address tried.
        target: SocketAddr,
        /// What went wrong there.
        cause: io::Error,
    },
    /// No address answered in time.
    #[error(
        "connecting to {host} port {port} took longer than {} ms; a firewall may be dropping \
         the connection (many home and cloud networks block outgoing port 25)",
        waited.as_millis()
    )]
    ConnectTimeout {
        /// The host as requested.
        host: String,
        /// The port as requested.
        port: u16,
        /// The deadline.
        waited: Duration,
    },
}

impl ConnectError {
    /// The wire contract's name for this failure.
    pub(crate) fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidTarget(_) => ErrorCode::InvalidTarget,
            Self::Denied(_) => ErrorCode::TargetDenied,
            Self::RateLimited(_) => ErrorCode::RateLimited,
            Self::ResolveFailed { .. } | Self::NoAddress { .. } | Self::ResolveTimeout { .. } => {
                ErrorCode::ResolveFailed
            }
            Self::ConnectFailed { .. } => ErrorCode::ConnectFailed,
            Self::ConnectTimeout { .. } => ErrorCode::ConnectTimeout,
        }
    }
}

impl From<TargetError> for ConnectError {
    fn from(err: TargetError) -> Self {
        match err {
            TargetError::Invalid(text) => Self::InvalidTarget(text),
            TargetError::Denied(text) => Self::Denied(text),
        }
    }
}

/// Checks the target, resolves it once (unless `resolved` holds the addresses of its
/// one resolution already), checks every address, and connects to the first checked
/// address that answers.
///
/// # Errors
///
/// A [`ConnectError`] for an unusable or refused target, a failed or slow lookup, or when
/// no address accepted the connection in time.
pub(crate) async fn connect(
    request: &ConnectRequest,
    targets: Targets<'_>,
    resolved: Option<&[IpAddr]>,
) -> Result<Upstream, ConnectError> {
    let parsed = targets.rules.parse(&request.host, request.port)?;
    let ips: Vec<IpAddr> = match (&parsed.host, resolved) {
        (Host::Ip(ip), _) => vec![*ip],
        // Connect by MX resolved the host once already (`mx.rs`); never twice.
        (Host::Name(_), Some(ips)) => ips.to_vec(),
        (Host::Name(name), None) => timeout(RESOLVE_TIMEOUT, targets.hooks.resolver.resolve(name))
            .await
            .map_err(|_| ConnectError::ResolveTimeout {
                host: request.host.clone(),
            })?
            .map_err(|cause| ConnectError::ResolveFailed {
                host: request.host.clone(),
                cause,
            })?,
    };
    if ips.is_empty() {
        return Err(ConnectError::NoAddress {
            host: request.host.clone(),
        });
    }
    let exception = targets.rules.check_addresses(&parsed, &ips)?;
    let addrs: Vec<SocketAddr> = ips
        .iter()
        .map(|ip| SocketAddr::new(ip.to_canonical(), request.port))
        .collect();
    if exception != Some(Exception::Sandbox)
        && let Some(first) = addrs.first()
    {
        targets
            .gate
            .destination(*first)
            .map_err(|refusal| ConnectError::RateLimited(refusal.to_string()))?;
    }
    // The sandbox serves a fixed number of connections: one client may hold only a few.
    let sandbox_place = match (exception, targets.sandbox) {
        (Some(Exception::Sandbox), Some(sandbox)) => {
            Some(sandbox.places.admit(sandbox.client).ok_or_else(|| {
                ConnectError::RateLimited(
                    "you already have as many sessions to the sandbox as this bridge allows \
                     one address; close one first"
                        .to_owned(),
                )
            })?)
        }
        _ => None,
    };

    let deadline = Instant::now() + targets.connect_timeout;
    let mut last_failure = None;
    let owner = targets
        .owner
        .filter(|_| exception == Some(Exception::Sandbox));
    for &addr in &addrs {
        targets.metrics.connect_attempt();
        let attempt = async {
            match owner {
                Some(owner) => connect_registered(addr, owner).await,
                None => Ok((targets.hooks.connector.connect(addr).await?, None)),
            }
        };
        match timeout_at(deadline, attempt).await {
            Ok(Ok((stream, registration))) => {
                // SMTP is a conversation of short lines; don't hold them back.
                if let Err(cause) = stream.set_nodelay(true) {
                    tracing::debug!(%cause, "could not set TCP_NODELAY");
                }
                return Ok(Upstream {
                    stream,
                    peer: addr,
                    exception,
                    sandbox_place,
                    registration,
                });
            }
            Ok(Err(cause)) => last_failure = Some((addr, cause)),
            Err(_) => {
                return Err(ConnectError::ConnectTimeout {
                    host: request.host.clone(),
                    port: request.port,
                    waited: targets.connect_timeout,
                });
            }
        }
    }
    match last_failure {
        Some((target, cause)) => Err(ConnectError::ConnectFailed { target, cause }),
        None => Err(ConnectError::NoAddress {
            host: request.host.clone(),
        }),
    }
}

/// Connects to the bridge's own sandbox from a local address registered under `owner`
/// first: bound to the sandbox's own address (it is local, since the sandbox listens on
/// it) with a port the system picks, registered, then connected. If the system chose
/// another source address after all (a sandbox on the unspecified address), the real one
/// is registered once connected.
async fn connect_registered(
    addr: SocketAddr,
    owner: SandboxOwner<'_>,
) -> io::Result<(TcpStream, Option<Registration>)> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.bind(SocketAddr::new(addr.ip(), 0))?;
    let bound = socket.local_addr()?;
    let registration = owner.owners.register(bound, owner.visitor);
    let stream = socket.connect(addr).await?;
    match stream.local_addr() {
        Ok(local) if local != bound => {
            drop(registration);
            Ok((stream, Some(owner.owners.register(local, owner.visitor))))
        }
        _ => Ok((stream, Some(registration))),
    }
}

/// A friendlier text for the common connection failures than the OS's terse one.
fn describe_connect_error(cause: &io::Error) -> String {
    match cause.kind() {
        io::ErrorKind::ConnectionRefused => {
            "the connection was refused (nothing is listening on that port)".to_owned()
        }
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => {
            format!("the network cannot reach it ({cause})")
        }
        _ => cause.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use protocol::wire::TlsMode;

    use crate::policy::limits::GateLimits;

    fn request(host: &str, port: u16, tls: TlsMode) -> ConnectRequest {
        ConnectRequest {
            host: host.to_owned(),
            port,
            tls,
            insecure: false,
            ..ConnectRequest::default()
        }
    }

    async fn connect_local(request: &ConnectRequest) -> Result<Upstream, ConnectError> {
        let rules = TargetRules::default();
        let hooks = Hooks::default();
        let gate = Gate::new(GateLimits::default());
        let metrics = Metrics::default();
        connect(
            request,
            Targets {
                rules: &rules,
                hooks: &hooks,
                gate: &gate,
                metrics: &metrics,
                connect_timeout: Duration::from_secs(10),
                sandbox: None,
                owner: None,
            },
            None,
        )
        .await
    }

    #[tokio::test]
    async fn unusable_targets_are_refused_before_resolving() {
        for (host, port) in [
            ("", 25),
            ("[]", 25),
            ("mx .example", 25),
            ("a/b", 25),
            ("mx", 0),
            ("2130706433", 25),
        ] {
            assert!(
                matches!(
                    connect_local(&request(host, port, TlsMode::None)).await,
                    Err(ConnectError::InvalidTarget(_))
                ),
                "{host:?}:{port} must be refused"
            );
        }
    }

    #[tokio::test]
    async fn connects_to_a_listening_loopback_port() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let up = connect_local(&request("127.0.0.1", addr.port(), TlsMode::None))
            .await
            .expect("connects");
        assert_eq!(up.peer, addr);
        let up = connect_local(&request("[::ffff:127.0.0.1]", addr.port(), TlsMode::None))
            .await
            .expect("IPv4-mapped connects to the IPv4 address");
        assert_eq!(up.peer, addr);
    }

    #[tokio::test]
    async fn closed_port_is_connect_failed() {
        let port = {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            listener.local_addr().expect("addr").port()
        };
        let err = connect_local(&request("127.0.0.1", port, TlsMode::None))
            .await
            .expect_err("nothing listens");
        assert_eq!(err.code(), ErrorCode::ConnectFailed);
        assert!(err.to_string().contains("refused"), "{err}");
    }
}
