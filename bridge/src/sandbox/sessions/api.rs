//! The session recorder's API. Same rules as the mailbox API (`sandbox/api.rs`): JSON
//! shapes from `protocol::records::session`, refusals as `{"error": ...}` with a 4xx,
//! the `Host` check of every route, and in the `public` profile each visitor sees, reads,
//! deletes and hears about only the sessions of their own relay connections (another
//! visitor's session answers 404, like one that never existed).
//!
//! `GET /api/sessions[?limit=N][&before=ID][&since=ID]`: the sessions, newest first, at
//! most `limit` (default 100, at most 1000); `before` pages to older ones (the last id of
//! the page before; `more` says there are), `since` keeps only sessions that began after
//! that one. An id that is no longer kept answers 404: reload the list.
//! ```json
//! { "sessions": [SESSION, ...], "count": 2, "bytes": 4096,
//!   "max_sessions": 1000, "max_bytes": 33554432, "more": false }
//! ```
//!
//! `GET /api/sessions/{id}[?lang=en|zh-CN]`: SESSION plus `lines` (each annotated in both
//! languages, or the one asked for) and `outcome` (the summary `annotate` prints).
//! `?format=text[&lang=..][&width=N]` answers `text/plain`: what `smtp-playground
//! annotate` prints for the session; `?format=transcript` the session as swaks output,
//! which `annotate` reads.
//!
//! `DELETE /api/sessions`: forgets the sessions (the visitor's, in `public`); a session
//! still open goes on unrecorded. `{ "deleted": 3 }`.
//!
//! Live: `/api/events` carries `session` events (data: SESSION) when a session begins
//! (at its first line from the client), when it ends, and at most every 250 ms between
//! while it has news; and `sessions-cleared`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Extensions, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use protocol::lang::Lang;
use protocol::records::mailbox::Deleted;
use protocol::records::session::SessionList;

use super::{Recorded, Sessions, replay};
use crate::annotate_output::{DEFAULT_WIDTH, Style};
use crate::http::{json, refuse};
use crate::sandbox::mailbox::Scope;
use crate::visitor::VisitorId;

/// The longest page of the list.
const MAX_LIMIT: usize = 1000;
/// The page length unless `limit` says otherwise.
const DEFAULT_LIMIT: usize = 100;

#[derive(Debug, Clone)]
struct ApiState {
    sessions: Arc<Sessions>,
    /// The `public` profile: each visitor sees only their own sessions.
    per_visitor: bool,
}

impl ApiState {
    fn scope(&self, extensions: &Extensions) -> Scope {
        if !self.per_visitor {
            return Scope::Everyone;
        }
        VisitorId::of(extensions).map_or(Scope::Nobody, Scope::Visitor)
    }
}

/// The routes, ready to merge into the sandbox's.
pub(crate) fn router(sessions: Arc<Sessions>, per_visitor: bool) -> Router {
    Router::new()
        .route("/api/sessions", get(list).delete(clear))
        .route("/api/sessions/{id}", get(show))
        .with_state(ApiState {
            sessions,
            per_visitor,
        })
}

/// The query's `name=value` pairs (the values this API takes need no decoding).
fn params(query: Option<&str>) -> Vec<(&str, &str)> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect()
}

/// The value of `name` as a number, or why not.
fn number(pairs: &[(&str, &str)], name: &str) -> Result<Option<u64>, String> {
    match pairs.iter().rev().find(|(n, _)| *n == name) {
        None => Ok(None),
        Some((_, value)) => value
            .parse()
            .map(Some)
            .map_err(|_| format!("{name}={value:?} is not a number")),
    }
}

fn value<'a>(pairs: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
}

fn gone(id: u64, state: &ApiState) -> Response {
    let (max_sessions, max_bytes) = state.sessions.caps();
    refuse(
        StatusCode::NOT_FOUND,
        format!(
            "no session {id}: it never happened, was deleted, {}or was dropped because the \
             recorder keeps only the newest {max_sessions} sessions and {max_bytes} bytes",
            if state.per_visitor {
                "belongs to another browser (each visitor sees only their own sessions), "
            } else {
                ""
            }
        ),
    )
}

async fn list(
    State(state): State<ApiState>,
    extensions: Extensions,
    RawQuery(query): RawQuery,
) -> Response {
    let pairs = params(query.as_deref());
    let (limit, before, since) = match (
        number(&pairs, "limit"),
        number(&pairs, "before"),
        number(&pairs, "since"),
    ) {
        (Ok(limit), Ok(before), Ok(since)) => (limit, before, since),
        (Err(why), _, _) | (_, Err(why), _) | (_, _, Err(why)) => {
            return refuse(StatusCode::BAD_REQUEST, why);
        }
    };
    let limit = limit.map_or(DEFAULT_LIMIT, |n| (n as usize).clamp(1, MAX_LIMIT));
    let visible = state.sessions.list(state.scope(&extensions));
    let bytes: u64 = visible.iter().map(|s| s.summary().bytes).sum();
    let position = |id: u64| visible.iter().position(|s| s.id == id);
    let start = match before {
        None => 0,
        Some(id) => match position(id) {
            Some(at) => at + 1,
            None => return gone(id, &state),
        },
    };
    let end = match since {
        None => visible.len(),
        Some(id) => match position(id) {
            Some(at) => at,
            None => return gone(id, &state),
        },
    };
    let page: &[Arc<Recorded>] = visible.get(start..end.max(start)).unwrap_or_default();
    let (max_sessions, max_bytes) = state.sessions.caps();
    let list = SessionList {
        sessions: page.iter().take(limit).map(|s| s.summary()).collect(),
        count: visible.len() as u64,
        bytes,
        max_sessions: max_sessions as u64,
        max_bytes: max_bytes as u64,
        more: page.len() > limit,
    };
    json(StatusCode::OK, &list)
}

async fn show(
    State(state): State<ApiState>,
    extensions: Extensions,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Ok(wanted) = id.parse::<u64>() else {
        return refuse(
            StatusCode::BAD_REQUEST,
            format!("{id:?} is not a session id; ids are numbers from /api/sessions"),
        );
    };
    let Some(recorded) = state.sessions.get(wanted, state.scope(&extensions)) else {
        return gone(wanted, &state);
    };
    let pairs = params(query.as_deref());
    let lang = match value(&pairs, "lang") {
        None => None,
        Some("en") => Some(Lang::En),
        Some("zh-CN" | "zh") => Some(Lang::ZhCn),
        Some(other) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("lang={other:?}: the languages are en and zh-CN"),
            );
        }
    };
    let width = match number(&pairs, "width") {
        Ok(width) => width.map_or(DEFAULT_WIDTH, |w| (w as usize).clamp(20, 1000)),
        Err(why) => return refuse(StatusCode::BAD_REQUEST, why),
    };
    let plain = |body: String| {
        ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
    };
    match value(&pairs, "format") {
        None | Some("json") => {
            let langs = lang.map_or(vec![Lang::En, Lang::ZhCn], |l| vec![l]);
            json(StatusCode::OK, &replay::detail(&recorded, &langs))
        }
        Some("text") => plain(replay::text(
            &recorded,
            lang.unwrap_or(Lang::En),
            Style::new(false).with_width(width),
        )),
        Some("transcript") => plain(replay::transcript(&recorded, lang.unwrap_or(Lang::En))),
        Some(other) => refuse(
            StatusCode::BAD_REQUEST,
            format!("format={other:?}: the formats are json, text and transcript"),
        ),
    }
}

async fn clear(State(state): State<ApiState>, extensions: Extensions) -> Response {
    let deleted = state.sessions.clear(state.scope(&extensions)) as u64;
    json(StatusCode::OK, &Deleted { deleted })
}
