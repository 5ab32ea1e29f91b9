//! `GET /api/dns?domain=NAME`: the DNS facts of a mail domain (`facts.rs`), as
//! `protocol::records::dns`. The name passes the strict host syntax first; in the `public`
//! profile each request takes a session's place in the admission gate (rate and
//! concurrency per client, like a session), and every report is bounded in queries.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::AppState;
use crate::http::{json, refuse};
use crate::policy::host::{Host, parse_host};

/// The `domain` parameter of the query string (a domain name needs no percent-decoding;
/// one that has `%` in it fails the syntax check and says so).
fn domain_param(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("domain="))
}

/// The handler.
pub(crate) async fn handle(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: axum::http::HeaderMap,
    extensions: axum::http::Extensions,
) -> Response {
    let Some(text) = domain_param(query.as_deref()) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "give the domain: /api/dns?domain=example.org".to_owned(),
        );
    };
    let domain = match parse_host(text.trim()) {
        Ok(Host::Name(name)) => name,
        Ok(Host::Ip(ip)) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("{ip} is an address, not a mail domain"),
            );
        }
        Err(err) => return refuse(StatusCode::BAD_REQUEST, err.to_string()),
    };
    let _permit = if state.policy.profile == crate::policy::Profile::Public {
        let client = crate::http::client(&extensions, &headers, &state.policy.trust_proxy);
        match state.gate.admit(client) {
            Ok(permit) => Some(permit),
            Err(refusal) => {
                state.metrics.refused("dns");
                return refuse(StatusCode::TOO_MANY_REQUESTS, refusal.to_string());
            }
        }
    } else {
        None
    };
    let record = crate::facts::gather(
        state.hooks.dns.clone(),
        state.hooks.resolver.as_ref(),
        &state.policy.targets,
        &domain,
    )
    .await;
    json(StatusCode::OK, &record)
}
