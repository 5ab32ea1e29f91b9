//! `GET /api/sandbox/rules` and `PUT /api/sandbox/rules`: the failure rules set at run
//! time. The JSON is `protocol::records::rules::RulesDocument`, documented there.
//!
//! - `GET`: `200` with the rules this request's scope has (the visitor's in `public`,
//!   everyone's in `local`), what is left of each "next N", the operator's `flag_rules`
//!   (read-only: they apply to every session) and `max_rules`.
//! - `PUT`: replaces the whole set (`rules`, `max_messages_per_minute`, optional `seed`)
//!   for sessions that start afterwards; `200` with the new state. `400` with
//!   `{"error": ...}` naming the rule and what is wrong; `413` past [`MAX_BODY`] bytes;
//!   `403` in `public` without a visitor cookie.
//!
//! Browsers do not let other sites' pages send `PUT` here: it needs a CORS preflight,
//! which this bridge never grants, and its answers carry no CORS headers.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{Extensions, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use protocol::records::Shape;
use protocol::records::mailbox::ApiError;
use protocol::records::rules::RulesDocument;
use tracing::info;

use super::{PutError, RulesStore};
use crate::visitor::VisitorId;

/// The largest body a PUT may have: 32 rules of one reply line each fit many times over.
pub(crate) const MAX_BODY: usize = 64 * 1024;

/// The routes, ready to merge into the sandbox's API.
pub(in crate::sandbox) fn router(store: Arc<RulesStore>) -> Router {
    Router::new()
        .route("/api/sandbox/rules", get(show).put(replace))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(store)
}

fn json(status: StatusCode, body: &impl Shape) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.encode(),
    )
        .into_response()
}

fn refuse(status: StatusCode, error: impl Into<String>) -> Response {
    json(
        status,
        &ApiError {
            error: error.into(),
        },
    )
}

async fn show(State(store): State<Arc<RulesStore>>, extensions: Extensions) -> Response {
    json(StatusCode::OK, &store.document(VisitorId::of(&extensions)))
}

async fn replace(
    State(store): State<Arc<RulesStore>>,
    extensions: Extensions,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the rules document is larger than {MAX_BODY} bytes"),
            );
        }
        Err(rejection) => return refuse(rejection.status(), rejection.body_text()),
    };
    let Ok(text) = std::str::from_utf8(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "the rules document is not UTF-8");
    };
    let document = match RulesDocument::decode(text) {
        Ok(document) => document,
        Err(why) => return refuse(StatusCode::BAD_REQUEST, why.to_string()),
    };
    let visitor = VisitorId::of(&extensions);
    let count = document.rules.len();
    match store.replace(visitor, document) {
        Ok(()) => {
            info!(rules = count, "sandbox failure rules replaced");
            json(StatusCode::OK, &store.document(visitor))
        }
        Err(PutError::NoVisitor) => refuse(StatusCode::FORBIDDEN, PutError::NoVisitor.to_string()),
        Err(err @ PutError::Rules(_)) => refuse(StatusCode::BAD_REQUEST, err.to_string()),
    }
}
