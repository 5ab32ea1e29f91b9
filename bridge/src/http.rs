//! The HTTP server loop: accepts connections and serves the router on each with hyper,
//! directly, for two things `axum::serve` does not offer:
//!
//! - a **header read timeout** (`--header-timeout-ms`): a client that sends its request
//!   headers byte by byte (slowloris) is cut off instead of holding a connection forever;
//! - the **peer address** of each connection, which the `/ws` handler needs for the
//!   per-client limits (as [`axum::extract::ConnectInfo`]);
//! - **caps at accept** (`policy/connections.rs`): a connection over the per-client or
//!   total cap is closed before one byte is read, and request headers are read into at
//!   most [`MAX_HEADER_BUFFER`] bytes (431 beyond), so half-sent requests cost little.
//!
//! On shutdown it stops accepting, asks open HTTP connections to finish their request and
//! close, and returns; upgraded WebSockets are not HTTP connections any more and are ended
//! by their sessions (`shutdown.rs`).

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt as _;
use tracing::{debug, error};

use crate::policy::connections::Connections;
use crate::shutdown::Shutdown;

/// The most bytes of one request's head hyper buffers (its minimum): an upgrade request
/// needs a few KB; hyper's default (about 400 KB) let each half-sent request hold that.
pub(crate) const MAX_HEADER_BUFFER: usize = 8 * 1024;

/// Serves `router` on `listener` until `stop` fires; waits up to `drain` for open HTTP
/// requests to finish. `caps` limits the connections at accept.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    caps: std::sync::Arc<Connections>,
    mut stop: Shutdown,
    drain: Duration,
) {
    let (connections, _) = watch::channel(());
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(cause) => {
                    // Usually out of file descriptors: wait a little rather than spin.
                    error!(%cause, "failed to accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = stop.wait() => break,
        };
        // Before anything is read: over a cap, the connection is closed unanswered.
        let Some(permit) = caps.admit(peer.ip()) else {
            debug!(%peer, "connection cap reached; closed at accept");
            drop(tcp);
            continue;
        };
        // Each reply line is its own small WebSocket frame; without TCP_NODELAY, Nagle's
        // algorithm holds the second one until the browser's delayed ACK (~40 ms) arrives.
        if let Err(cause) = tcp.set_nodelay(true) {
            debug!(%cause, "could not set TCP_NODELAY on a browser connection");
        }
        let service = router
            .clone()
            .map_request(move |request: Request<Incoming>| {
                let mut request = request.map(axum::body::Body::new);
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let mut stop = stop.clone();
        let alive = connections.subscribe();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .max_buf_size(MAX_HEADER_BUFFER);
            let connection = builder
                .serve_connection(TokioIo::new(tcp), TowerToHyperService::new(service))
                .with_upgrades();
            tokio::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(cause) = result {
                        debug!(%peer, %cause, "HTTP connection ended with an error");
                    }
                }
                () = stop.wait() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(drain, connection).await;
                }
            }
            drop(permit);
            drop(alive);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(drain, connections.closed()).await;
}

/// For handlers: the peer address, `None` when the router runs without [`serve`] (tests
/// that call the router directly).
pub(crate) fn peer(extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr)
}

/// For handlers: the client's address, the peer's or, behind a `--trust-proxy`, the one
/// `X-Forwarded-For` names (`policy::client::client_ip`); loopback without a peer (tests
/// that call the router directly).
pub(crate) fn client(
    extensions: &axum::http::Extensions,
    headers: &axum::http::HeaderMap,
    trusted: &[crate::policy::cidr::Cidr],
) -> std::net::IpAddr {
    let peer = peer(extensions).map_or(
        std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        |addr| addr.ip(),
    );
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect();
    crate::policy::client::client_ip(peer, &forwarded, trusted)
}

/// A JSON response of one `protocol::records` shape.
pub(crate) fn json(
    status: axum::http::StatusCode,
    body: &impl protocol::records::Shape,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.encode(),
    )
        .into_response()
}

/// A refusal: `{"error": ...}` with `status`.
pub(crate) fn refuse(status: axum::http::StatusCode, error: String) -> axum::response::Response {
    json(status, &protocol::records::mailbox::ApiError { error })
}
