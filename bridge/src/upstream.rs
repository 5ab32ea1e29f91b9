//! Opening the TCP connection to the SMTP server a session asked for.
//!
//! Resolution and connection each have a deadline, so a typo or a firewall that silently
//! drops packets ends in a clear error instead of a session that hangs. Every failure maps
//! to one [`ErrorCode`] of the wire contract and a message meant for a person.
//!
//! TLS, implicit or by STARTTLS, runs over this connection afterwards (`tls.rs`).

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use protocol::wire::{ConnectRequest, ErrorCode};
use thiserror::Error;
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout, timeout_at};

/// How long a name may take to resolve.
pub(crate) const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// How long the TCP handshake may take, over all the addresses a name resolved to.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest host name DNS allows (RFC 1035 section 2.3.4, without the final dot).
const HOST_MAX: usize = 253;

/// A TCP connection to the requested server.
#[derive(Debug)]
pub(crate) struct Upstream {
    /// The connection.
    pub(crate) stream: TcpStream,
    /// The address actually connected to.
    pub(crate) peer: SocketAddr,
}

/// Why no connection was made.
#[derive(Debug, Error)]
pub(crate) enum ConnectError {
    /// The host or port cannot be a target.
    #[error("{0}")]
    InvalidTarget(&'static str),
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
        "connecting to {host} port {port} took longer than {} s; a firewall may be dropping \
         the connection (many home and cloud networks block outgoing port 25)",
        CONNECT_TIMEOUT.as_secs()
    )]
    ConnectTimeout {
        /// The host as requested.
        host: String,
        /// The port as requested.
        port: u16,
    },
}

impl ConnectError {
    /// The wire contract's name for this failure.
    pub(crate) fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidTarget(_) => ErrorCode::InvalidTarget,
            Self::ResolveFailed { .. } | Self::NoAddress { .. } | Self::ResolveTimeout { .. } => {
                ErrorCode::ResolveFailed
            }
            Self::ConnectFailed { .. } => ErrorCode::ConnectFailed,
            Self::ConnectTimeout { .. } => ErrorCode::ConnectTimeout,
        }
    }
}

/// Resolves the requested host and connects to the first address that answers.
///
/// # Errors
///
/// A [`ConnectError`] for an unusable target, a failed or slow lookup, or when no address
/// accepted the connection in time.
pub(crate) async fn connect(request: &ConnectRequest) -> Result<Upstream, ConnectError> {
    let host = check_target(&request.host, request.port)?;
    let addrs: Vec<SocketAddr> = timeout(
        RESOLVE_TIMEOUT,
        tokio::net::lookup_host((host, request.port)),
    )
    .await
    .map_err(|_| ConnectError::ResolveTimeout {
        host: request.host.clone(),
    })?
    .map_err(|cause| ConnectError::ResolveFailed {
        host: request.host.clone(),
        cause,
    })?
    .collect();

    let deadline = Instant::now() + CONNECT_TIMEOUT;
    let mut last_failure = None;
    for &addr in &addrs {
        match timeout_at(deadline, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                // SMTP is a conversation of short lines; don't hold them back.
                if let Err(cause) = stream.set_nodelay(true) {
                    tracing::debug!(%cause, "could not set TCP_NODELAY");
                }
                return Ok(Upstream { stream, peer: addr });
            }
            Ok(Err(cause)) => last_failure = Some((addr, cause)),
            Err(_) => {
                return Err(ConnectError::ConnectTimeout {
                    host: request.host.clone(),
                    port: request.port,
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

/// Rejects targets that cannot work before asking the resolver, and unwraps `[v6]`
/// literals, which people copy from URLs.
fn check_target(host: &str, port: u16) -> Result<&str, ConnectError> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if bare.is_empty() {
        return Err(ConnectError::InvalidTarget(
            "the host is empty; type a host name or an IP address",
        ));
    }
    if bare.len() > HOST_MAX {
        return Err(ConnectError::InvalidTarget(
            "the host is longer than 253 characters, the most a DNS name can have",
        ));
    }
    if bare
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '/')
    {
        return Err(ConnectError::InvalidTarget(
            "the host contains spaces, slashes or control characters; type only the name, \
             such as mail.example.org",
        ));
    }
    if port == 0 {
        return Err(ConnectError::InvalidTarget(
            "port 0 cannot be connected to; SMTP servers listen on 25, 587 or 465",
        ));
    }
    Ok(bare)
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

    fn request(host: &str, port: u16, tls: TlsMode) -> ConnectRequest {
        ConnectRequest {
            host: host.to_owned(),
            port,
            tls,
            insecure: false,
        }
    }

    #[test]
    fn unusable_targets_are_refused_before_resolving() {
        for (host, port) in [
            ("", 25),
            ("[]", 25),
            ("mx .example", 25),
            ("a/b", 25),
            ("mx", 0),
        ] {
            assert!(
                matches!(
                    check_target(host, port),
                    Err(ConnectError::InvalidTarget(_))
                ),
                "{host:?}:{port} must be refused"
            );
        }
        assert!(check_target(&"a".repeat(254), 25).is_err());
        assert_eq!(check_target("[::1]", 25).ok(), Some("::1"));
        assert_eq!(
            check_target("mx.example.org", 25).ok(),
            Some("mx.example.org")
        );
    }

    #[tokio::test]
    async fn connects_to_a_listening_loopback_port() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let up = connect(&request("127.0.0.1", addr.port(), TlsMode::None))
            .await
            .expect("connects");
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
        let err = connect(&request("127.0.0.1", port, TlsMode::None))
            .await
            .expect_err("nothing listens");
        assert_eq!(err.code(), ErrorCode::ConnectFailed);
        assert!(err.to_string().contains("refused"), "{err}");
    }
}
