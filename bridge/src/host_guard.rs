//! The `Host` check on every route (issue 12, finding 5).
//!
//! `/ws` checked `Host` and `Origin`, but the mailbox API, `/metrics` and the page
//! answered any `Host`. A page at `evil.example` that re-points its own name at 127.0.0.1
//! (DNS rebinding) then reads a local bridge's mailbox with same-origin requests, which
//! carry `Host: evil.example`. So this middleware applies [`origin::check_route_host`] to
//! every request before any handler runs (and before a visitor cookie is set): 403 with
//! the reason, and the refusal counted under `host` in `/metrics`.
//!
//! `/healthz` is the exception: it says only "ok", and load balancers poll it under
//! whatever name or address they know the instance by.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::warn;

use crate::log_text::Untrusted;
use crate::metrics::Metrics;
use crate::origin;

/// What the check needs, shared by every request.
#[derive(Debug)]
pub(crate) struct HostRule {
    /// `--allow-host` entries.
    pub(crate) allowed_hosts: Vec<String>,
    /// `--allow-origin` entries (the public profile's default host list).
    pub(crate) allowed_origins: Vec<String>,
    /// The public profile.
    pub(crate) public: bool,
    /// Where refusals are counted.
    pub(crate) metrics: Arc<Metrics>,
}

/// The path that answers under any `Host`.
const HEALTH: &str = "/healthz";

/// The middleware; see the module documentation.
pub(crate) async fn layer(rule: Arc<HostRule>, request: Request, next: Next) -> Response {
    if request.uri().path() == HEALTH {
        return next.run(request).await;
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok());
    match origin::check_route_host(
        host,
        &rule.allowed_hosts,
        &rule.allowed_origins,
        rule.public,
    ) {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            rule.metrics.refused("host");
            // Debug formatting escapes what the client sent (control characters, quotes).
            warn!(
                host = ?host,
                path = ?request.uri().path(),
                "{}",
                Untrusted(&refusal.to_string())
            );
            (StatusCode::FORBIDDEN, refusal.to_string()).into_response()
        }
    }
}
