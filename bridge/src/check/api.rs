//! `GET /api/check?target=DOMAIN|HOST[:PORT][&port=N]`: the server check for the page, as
//! Server-Sent Events: each event named by its `type` (`host-started`, `line`,
//! `host-finished`, `done`, `error`), its data one `protocol::records::check::CheckEvent`.
//! An SSE stream rather than a message on `/ws`: a check is not an interactive session,
//! EventSource reconnects nothing by itself once `done` closes it, and the events are
//! the same records the CLI writes.
//!
//! A refusal before the check starts (a bad target, a foreign origin) is also an `error`
//! event in a 200 stream, since EventSource cannot read an error status's body.
//! Every host checked is one relay session for the client, admitted by the same gate as
//! a WebSocket session (sessions per client, new sessions per window, per destination),
//! with the same target rules and probe mode; see SECURITY.md.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use protocol::records::Shape;
use protocol::records::check::CheckEvent;
use tokio::sync::mpsc;
use tracing::{info, warn};

use super::{CheckOptions, Events, Target, run};
use crate::log_text::Untrusted;
use crate::policy::Profile;
use crate::relay::Context;
use crate::{AppState, http, origin};

/// Events queued for a slow page before the check waits for it.
const QUEUE: usize = 64;

/// Handles `GET /api/check`.
pub(crate) async fn handle(
    State(state): State<AppState>,
    request: axum::http::request::Parts,
) -> Response {
    let headers = &request.headers;
    let client = http::client(
        &request.extensions,
        &request.headers,
        &state.policy.trust_proxy,
    );
    let (tx, rx) = mpsc::channel(QUEUE);
    let errors = tx.clone();
    let refusal = match foreign(&state, headers) {
        Some(why) => Some(("bad_message", why)),
        None => match target(request.uri.query()) {
            Ok(target) => {
                let context = Context::new(&state);
                let lookups = Arc::clone(&state.check_lookups);
                let options = options(state.policy.profile);
                info!(%client, target = %Untrusted(&target.label()), "server check");
                tokio::spawn(async move {
                    let events = Events::to(tx);
                    run::run(
                        &context,
                        client,
                        &target,
                        &options,
                        lookups.as_ref(),
                        &events,
                    )
                    .await;
                });
                None
            }
            Err(why) => Some(("invalid_target", why)),
        },
    };
    if let Some((code, message)) = refusal {
        warn!(%client, "server check refused: {}", Untrusted(&message));
        let _ = errors
            .send(CheckEvent::Error {
                code: code.to_owned(),
                message,
            })
            .await;
    }
    drop(errors);
    Sse::new(stream(rx))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// The check's bounds in each profile: a public bridge answers sooner.
fn options(profile: Profile) -> CheckOptions {
    let defaults = CheckOptions::default();
    match profile {
        Profile::Local => defaults,
        Profile::Public => CheckOptions {
            host_timeout: Duration::from_secs(45),
            reply_timeout: Duration::from_secs(20),
            ..defaults
        },
    }
}

/// Why a request from another site is refused: a foreign `Origin`, or a browser saying
/// the request is cross-site (an `<img>` or EventSource on someone else's page must not
/// spend this visitor's session budget on probes).
fn foreign(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if matches!(text("sec-fetch-site"), Some("cross-site" | "same-site")) {
        return Some("refused: a server check can only be started from this bridge's page".into());
    }
    let origin = text(header::ORIGIN.as_str())?;
    let public = state.policy.profile == Profile::Public;
    origin::check_with(
        Some(origin),
        text(header::HOST.as_str()),
        &state.config.allowed_origins,
        !public,
    )
    .err()
    .map(|refusal| refusal.to_string())
}

/// The target of the query: `target`, with `port` when the target names none.
fn target(query: Option<&str>) -> Result<Target, String> {
    let mut text = None;
    let mut port = None;
    for pair in query.unwrap_or_default().split('&') {
        match pair.split_once('=') {
            Some(("target", value)) => text = Some(decode(value)),
            Some(("port", value)) => port = Some(decode(value)),
            _ => {}
        }
    }
    let text = text.ok_or("the query needs target=DOMAIN or target=HOST:PORT")?;
    let mut target = Target::parse(&text).map_err(|e| e.to_string())?;
    // `port` sets the port of a domain's MX hosts too (MX records name none); only a
    // port inside `target` makes it one host.
    if let Some(port) = port.filter(|p| !p.is_empty()) {
        if target.port_given {
            return Err("give the port once: in target or in port".into());
        }
        target.port = match port.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(format!("`{port}` is not a port (1 to 65535)")),
        };
    }
    Ok(target)
}

/// A query value, percent-decoded (`+` is a space); bytes that are not UTF-8 become
/// U+FFFD, which the target's own rules then refuse.
fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The events as SSE events named by their type; the stream ends after the last.
fn stream(mut rx: mpsc::Receiver<CheckEvent>) -> impl Stream<Item = Result<Event, Infallible>> {
    use futures_util::StreamExt;
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
        .map(|event| Ok(Event::default().event(event.kind()).data(event.encode())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_targets() {
        let t = target(Some("target=%5B%3A%3A1%5D%3A2525")).expect("ok");
        assert_eq!((t.host.as_str(), t.port), ("::1", 2525));
        let t = target(Some("target=mx.example.org&port=587")).expect("ok");
        assert_eq!((t.port, t.port_given), (587, false));
        assert!(target(Some("target=a:25&port=26")).is_err());
        assert!(target(Some("port=25")).is_err());
        assert!(target(Some("target=a%20b")).is_err());
        assert_eq!(decode("a%2"), "a%2");
        assert_eq!(decode("%zz"), "%zz");
    }
}
