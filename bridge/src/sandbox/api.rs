//! The mailbox API: what the sandbox received, for the page's mailbox panel and for tests.
//!
//! All responses are JSON (`application/json`) unless said otherwise; errors are
//! `{"error": "<for a person>"}` with a 4xx status. Each shape is one type in
//! `protocol::records::mailbox`, which the page decodes with the same code.
//!
//! **Who sees what.** In the `local` profile the whole mailbox is visible to whoever
//! reaches the bridge. In the `public` profile each visitor (a browser, known by its
//! visitor cookie, `visitor.rs`) sees, fetches, deletes and hears about only the messages
//! sent through their own sessions; mail that reached the sandbox any other way is shown to
//! nobody. Another visitor's message id answers 404, exactly like an id that never existed.
//! Browsers do not let other sites' pages read these responses (no CORS headers) or send
//! `DELETE` (it needs a CORS preflight that is never granted).
//!
//! The recorded sessions (`/api/sessions`) follow the same rules; see `sessions/api.rs`.
//!
//! # Endpoints and JSON shapes
//!
//! `GET /api/messages`: the mailbox (the visitor's part of it in `public`), newest first.
//! ```json
//! { "messages": [SUMMARY, ...], "count": 2, "bytes": 1234,
//!   "max_messages": 500, "max_bytes": 67108864 }
//! ```
//! `count` and `bytes` are what this request sees; the caps hold for the whole mailbox.
//! where SUMMARY is
//! ```json
//! { "id": 7, "from": "alice@example.org", "to": ["bob@example.net"],
//!   "subject": "Hello" /* or null */, "size": 321 /* octets of the message text */,
//!   "received_at": "2025-05-01T12:00:00.123456Z" /* RFC 3339, UTC */,
//!   "tls": true, "authenticated_as": "demo" /* or null */,
//!   "queue_id": "1A2B3C4D0001", "helo": "client.example", "peer": "127.0.0.1:50000" }
//! ```
//! `from` is `""` for the null sender `<>`.
//!
//! `GET /api/messages/{id}`: one message: SUMMARY plus
//! ```json
//! { "raw": "Subject: Hello\r\n\r\nHi\r\n", "raw_encoding": "utf-8" /* or "base64" */,
//!   "headers": [{ "name": "Subject", "value": "Hello" }],
//!   "text_body": "Hi\r\n" /* or null */,
//!   "findings": [{ "kind": "bare_lf", "line": 3 }] }
//! ```
//! `raw` is the message exactly as received (dot-stuffing removed), as text when it is
//! UTF-8, else base64. `headers` are in order, values unfolded but not decoded (an encoded
//! word stays `=?UTF-8?B?...?=`). `text_body` is the first text part, decoded. `findings`
//! kinds: `bare_lf`, `smuggling_attempt`, `line_too_long` (with `length`), `eight_bit`.
//! 404 when the id is unknown or was dropped to keep the caps.
//!
//! `GET /api/messages/{id}/raw`: the message bytes as `message/rfc822`.
//!
//! `DELETE /api/messages`: empties the mailbox, or in `public` deletes the visitor's
//! messages (the Maildir is left alone): `{ "deleted": 3 }`.
//!
//! `GET /api/events`: Server-Sent Events (`text/event-stream`). Event `message` with
//! `{"id": N}` as data for each new message (fetch it from `/api/messages`); `cleared`
//! (data `{}`) after a delete; `resync` (data `{}`) when this listener fell behind, after
//! which the stream ends (fetch `/api/messages` again; EventSource reconnects). In
//! `public` a listener hears only of its visitor's messages and deletions. Comments every
//! 15 s keep proxies from closing the stream; it ends after 30 minutes and when the bridge
//! stops. Listeners are capped per client and in total (`listeners.rs`): 429 beyond.
//!
//! `GET /api/sandbox`: how to reach the sandbox.
//! ```json
//! { "enabled": true, "listen": "127.0.0.1:2525" /* or null */,
//!   "hostname": "sandbox.smtp-playground.test",
//!   "demo_account": { "user": "demo", "password": "demo" },
//!   "starttls": true, "auth_mechanisms": ["PLAIN", "LOGIN"],
//!   "max_message_size": 10485760, "max_messages": 500, "max_bytes": 67108864,
//!   "maildir": false, "mailbox_scope": "all" /* or "visitor" in public */,
//!   "rules": [RULE, ...],
//!   "scenarios": [{ "address": "greylist[+SECONDS]@", "local_part": "greylist",
//!                   "stage": "rcpt", "verdict": "retry_later",
//!                   "reply": "451 4.7.1 <greylist@example.com>: ..." /* slow@: "250 2.1.5 Ok" */,
//!                   "parameter": { "name": "SECONDS", "default": 60, "min": 1, "max": 3600 },
//!                   "shows": { "en": "...", "zh-CN": "..." },
//!                   "advice": { "en": "...", "zh-CN": "..." } }, ...],
//!   "max_messages_per_minute": 30 /* or null */ }
//! ```
//! `rules` are the operator's flag rules, each as `protocol::records::rules` writes it
//! (`{"stage": "rcpt", "match": "x@y", "action": "reply", "reply": "550 5.1.1 ...",
//! "when": "always", "text": "rcpt to=x@y: reply 550 5.1.1 ..."}`); the rules set at run
//! time are `GET /api/sandbox/rules` (`rules/api.rs`). `scenarios` are the recipient
//! addresses that fail on purpose (empty with `--sandbox-no-scenarios`); `reply` is null
//! for `drop@`, which hangs up instead.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::Extensions;
use axum::http::{StatusCode, header};
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use protocol::records::Shape;
use protocol::records::mailbox::{
    ApiError as ErrorBody, Deleted, DemoAccount, Header, MailboxScope, MessageDetail, MessageList,
    MessageSummary, RawEncoding, SandboxInfo,
};

use super::listeners::Listeners;
use super::mailbox::{Scope, StoredMessage};
use super::{Sandbox, events};
use crate::policy::cidr::Cidr;
use crate::shutdown::Shutdown;
use crate::visitor::VisitorId;

#[derive(Debug, Clone)]
struct ApiState {
    sandbox: Sandbox,
    shutdown: Shutdown,
    /// The `public` profile: each visitor sees only their own messages.
    per_visitor: bool,
    /// `/api/events` listeners open now.
    listeners: Arc<Listeners>,
    /// Proxies whose `X-Forwarded-For` names the client (`--trust-proxy`).
    trust_proxy: Vec<Cidr>,
}

impl ApiState {
    /// Whose messages this request sees.
    fn scope(&self, extensions: &Extensions) -> Scope {
        if !self.per_visitor {
            return Scope::Everyone;
        }
        VisitorId::of(extensions).map_or(Scope::Nobody, Scope::Visitor)
    }
}

/// The API's routes with their state, ready to merge into the bridge's router.
pub(super) fn router(
    sandbox: Sandbox,
    shutdown: Shutdown,
    per_visitor: bool,
    trust_proxy: Vec<Cidr>,
) -> Router {
    let config = &sandbox.inner.config;
    let listeners = Listeners::new(config.max_listeners_per_client, config.max_listeners);
    Router::new()
        .route("/api/messages", get(list).delete(clear))
        .route("/api/messages/{id}", get(show))
        .route("/api/messages/{id}/raw", get(raw))
        .route("/api/events", get(events))
        .route("/api/sandbox", get(about))
        .with_state(ApiState {
            sandbox,
            shutdown,
            per_visitor,
            listeners,
            trust_proxy,
        })
}

/// A shape as the body of an `application/json` response.
fn json(status: StatusCode, body: &impl Shape) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.encode(),
    )
        .into_response()
}

async fn list(State(state): State<ApiState>, extensions: Extensions) -> Response {
    let mailbox = &state.sandbox.inner.mailbox;
    let visible = mailbox.list(state.scope(&extensions));
    let bytes: usize = visible.iter().map(|m| m.cost()).sum();
    let messages: Vec<MessageSummary> = visible.iter().map(|m| summary(m)).collect();
    let (max_messages, max_bytes) = mailbox.caps();
    let list = MessageList {
        count: messages.len() as u64,
        messages,
        bytes: bytes as u64,
        max_messages: max_messages as u64,
        max_bytes: max_bytes as u64,
    };
    json(StatusCode::OK, &list)
}

async fn show(
    State(state): State<ApiState>,
    extensions: Extensions,
    Path(id): Path<String>,
) -> Response {
    match find(&state, &extensions, &id) {
        Ok(message) => json(StatusCode::OK, &detail(&message)),
        Err(refusal) => refusal.into_response(),
    }
}

async fn raw(
    State(state): State<ApiState>,
    extensions: Extensions,
    Path(id): Path<String>,
) -> Response {
    match find(&state, &extensions, &id) {
        Ok(message) => (
            [(header::CONTENT_TYPE, "message/rfc822")],
            message.message.data.clone(),
        )
            .into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

async fn clear(State(state): State<ApiState>, extensions: Extensions) -> Response {
    let scope = state.scope(&extensions);
    let deleted = state.sandbox.inner.mailbox.clear(scope) as u64;
    json(StatusCode::OK, &Deleted { deleted })
}

async fn about(State(state): State<ApiState>) -> Response {
    let inner = &state.sandbox.inner;
    let config = &inner.config;
    let info = SandboxInfo {
        enabled: inner.listening.is_some(),
        listen: inner.listening.map(|a| a.to_string()),
        hostname: config.hostname.clone(),
        demo_account: Some(DemoAccount {
            user: config.demo_user.clone(),
            password: config.demo_password.clone(),
        }),
        starttls: inner.starttls,
        auth_mechanisms: vec!["PLAIN".to_owned(), "LOGIN".to_owned()],
        max_message_size: config.effective_max_message_size() as u64,
        max_messages: config.max_messages as u64,
        max_bytes: config.max_bytes as u64,
        maildir: inner.mailbox.maildir().is_some(),
        mailbox_scope: if state.per_visitor {
            MailboxScope::Visitor
        } else {
            MailboxScope::All
        },
        rules: config.rules(),
        scenarios: super::scenarios::listed(config),
        max_messages_per_minute: config.max_messages_per_minute.map(u64::from),
    };
    json(StatusCode::OK, &info)
}

async fn events(
    State(state): State<ApiState>,
    headers: axum::http::HeaderMap,
    extensions: Extensions,
) -> Response {
    let client = crate::http::client(&extensions, &headers, &state.trust_proxy);
    let Some(permit) = state.listeners.admit(client) else {
        let config = &state.sandbox.inner.config;
        return ApiError(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "too many live listeners: {} per client and {} in all; close another tab \
                 or reload later",
                config.max_listeners_per_client, config.max_listeners
            ),
        )
        .into_response();
    };
    let receiver = state.sandbox.inner.mailbox.subscribe();
    let scope = state.scope(&extensions);
    let stream = events::stream(
        receiver,
        scope,
        state.shutdown.clone(),
        Some(permit),
        events::LIFETIME,
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// The message with the id in the path, if this request's scope sees it, or the error
/// response (the same for another visitor's message as for one that never existed).
fn find(
    state: &ApiState,
    extensions: &Extensions,
    id: &str,
) -> Result<Arc<StoredMessage>, ApiError> {
    let Ok(number) = id.parse::<u64>() else {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            format!("{id:?} is not a message id; ids are numbers from /api/messages"),
        ));
    };
    let mailbox = &state.sandbox.inner.mailbox;
    mailbox.get(number, state.scope(extensions)).ok_or_else(|| {
        let (max_messages, max_bytes) = mailbox.caps();
        ApiError(
            StatusCode::NOT_FOUND,
            format!(
                "no message {number}: it never arrived, was deleted, {}or was dropped because \
                 the mailbox keeps only the newest {max_messages} messages and {max_bytes} bytes",
                if state.per_visitor {
                    "was sent from another browser (each visitor sees only their own mail), "
                } else {
                    ""
                }
            ),
        )
    })
}

/// A refusal: its status and a message for a person, sent as `{"error": ...}`.
#[derive(Debug)]
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json(self.0, &ErrorBody { error: self.1 })
    }
}

/// The list entry of a message.
fn summary(stored: &StoredMessage) -> MessageSummary {
    let m = &stored.message;
    MessageSummary {
        id: stored.id,
        from: m.mail_from.clone(),
        to: m.rcpt_to.clone(),
        subject: stored.subject.clone(),
        size: m.data.len() as u64,
        received_at: rfc3339(stored.received),
        tls: m.tls,
        authenticated_as: m.authenticated_as.clone(),
        queue_id: m.queue_id.clone(),
        helo: m.helo.clone(),
        peer: stored.peer.map(|p| p.to_string()),
        session: stored.session,
    }
}

/// The full view of a message: the summary, the raw text, headers and text body.
fn detail(stored: &StoredMessage) -> MessageDetail {
    let data = &stored.message.data;
    let (raw, raw_encoding) = match std::str::from_utf8(data) {
        Ok(text) => (text.to_owned(), RawEncoding::Utf8),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(data),
            RawEncoding::Base64,
        ),
    };
    let parsed = mail_parser::MessageParser::new().parse(data.as_slice());
    let headers: Vec<Header> = parsed
        .as_ref()
        .map(|message| {
            message
                .headers()
                .iter()
                .map(|h| {
                    let start = h.offset_start() as usize;
                    let end = (h.offset_end() as usize).min(data.len());
                    let value = data.get(start..end).map(unfold).unwrap_or_default();
                    Header {
                        name: h.name().to_owned(),
                        value,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let text_body = parsed
        .as_ref()
        .and_then(|message| message.body_text(0).map(|body| body.into_owned()));
    MessageDetail {
        summary: summary(stored),
        raw,
        raw_encoding,
        headers,
        text_body,
        findings: stored.message.findings.clone(),
    }
}

/// A header value as text on one line: folding (CRLF before white space) removed, the
/// line ending and surrounding blanks trimmed.
fn unfold(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if i > 0 && !line.is_empty() {
            out.push(' ');
        }
        out.push_str(line.trim_start_matches([' ', '\t']));
    }
    out.trim().to_owned()
}

/// RFC 3339 in UTC with microseconds, e.g. `2025-05-01T12:00:00.123456Z`.
pub(super) fn rfc3339(time: std::time::SystemTime) -> String {
    let time = time::OffsetDateTime::from(time);
    time.replace_nanosecond(time.microsecond() * 1000)
        .unwrap_or(time)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::dot::DataFinding;

    #[test]
    fn header_values_are_unfolded() {
        assert_eq!(unfold(b" Hello\r\n"), "Hello");
        assert_eq!(unfold(b" a long\r\n\tsubject\r\n"), "a long subject");
        assert_eq!(unfold(b"x\n y\n"), "x y");
    }

    #[test]
    fn times_are_rfc3339_utc() {
        let t = std::time::UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456);
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20.123456Z");
        assert_eq!(rfc3339(std::time::UNIX_EPOCH), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn detail_has_raw_headers_and_body() {
        let stored = StoredMessage {
            id: 3,
            received: std::time::UNIX_EPOCH,
            peer: None,
            subject: Some("Hi".into()),
            owner: None,
            session: None,
            message: protocol::server::ReceivedMessage {
                helo: "h".into(),
                mail_from: String::new(),
                rcpt_to: vec!["b@c".into()],
                data: b"Subject: Hi\r\nX-Long: one\r\n two\r\n\r\n.dot\r\n".to_vec(),
                authenticated_as: Some("demo".into()),
                tls: true,
                queue_id: "Q1".into(),
                findings: vec![DataFinding::BareLf { line: 2 }],
            },
        };
        let v = detail(&stored);
        assert_eq!(v.raw, "Subject: Hi\r\nX-Long: one\r\n two\r\n\r\n.dot\r\n");
        assert_eq!(v.raw_encoding, RawEncoding::Utf8);
        assert_eq!(
            v.headers[1],
            Header {
                name: "X-Long".into(),
                value: "one two".into()
            }
        );
        assert_eq!(v.text_body.as_deref(), Some(".dot\r\n"));
        assert_eq!(v.summary.from, "");
        assert_eq!(v.summary.authenticated_as.as_deref(), Some("demo"));
        assert_eq!(v.findings, [DataFinding::BareLf { line: 2 }]);
        // What goes over HTTP is the shape the page decodes.
        assert_eq!(
            protocol::records::mailbox::read::<MessageDetail>(&v.encode()),
            Ok(v)
        );

        let binary = StoredMessage {
            message: protocol::server::ReceivedMessage {
                data: b"Subject: \xff\r\n\r\n\xfe\r\n".to_vec(),
                ..stored.message.clone()
            },
            ..stored
        };
        let v = detail(&binary);
        assert_eq!(v.raw_encoding, RawEncoding::Base64);
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(&v.raw)
                .expect("base64"),
            binary.message.data
        );
    }
}
