//! Security headers on every response (issue 12, small items).
//!
//! - `Content-Security-Policy: frame-ancestors 'none'` and the older `X-Frame-Options:
//!   DENY`: no other site may frame the page (clickjacking: a hidden frame over a button
//!   that sends mail). `base-uri 'none'` and `object-src 'none'` close two ways an injected
//!   tag could load code; `form-action 'self'` keeps forms on the bridge.
//! - `X-Content-Type-Options: nosniff`: a mailbox message served as text stays text.
//! - `Referrer-Policy: no-referrer`: the bridge's URLs (message ids) stay on the bridge.
//!
//! An HTML page's own response carries a fuller policy with `script-src` (`csp.rs`); this
//! middleware keeps a header a handler set.

use axum::http::HeaderValue;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::response::Response;

/// The Content-Security-Policy of every response.
pub(crate) const CSP: &str =
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'";

/// Adds the headers (`axum::middleware::map_response`), keeping any a handler set itself.
pub(crate) async fn add(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (CONTENT_SECURITY_POLICY, CSP),
        (X_FRAME_OPTIONS, "DENY"),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (REFERRER_POLICY, "no-referrer"),
    ] {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    }
    response
}
