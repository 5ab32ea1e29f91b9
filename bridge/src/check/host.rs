//! One host's check: a relay session driven in-process by a scripted browser. The check
//! speaks `protocol::wire` to the same `relay::run` a WebSocket session uses, over
//! channels, so the target policy, probe mode, caps, TLS verification and the `tls`
//! facts are exactly a visitor's. [`protocol::check::Probe`] decides every line.

use std::convert::Infallible;
use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::ws::Message;
use protocol::check::{Facts, HostCheck, Poll, Probe, ProbePlan};
use protocol::records::check::{CheckEvent, line};
use protocol::wire::{ClientMsg, ConnectRequest, ErrorCode, ServerMsg, TlsMode};
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout_at};

use super::{Events, Lookups};
use crate::relay::{self, Context, Visitor};

/// What one host's check is about.
#[derive(Debug, Clone)]
pub(super) struct HostJob {
    /// The host's number in the report.
    pub(super) index: u64,
    /// The name connected to (an MX name, or the host as typed).
    pub(super) name: String,
    /// The MX preference.
    pub(super) preference: Option<u16>,
    /// The port.
    pub(super) port: u16,
    /// The probe's plan.
    pub(super) plan: ProbePlan,
    /// The whole host's check ends by then, whatever the server does.
    pub(super) deadline: Instant,
    /// Judge the port as a submission port.
    pub(super) submission: bool,
}

/// What the runner learnt besides the probe's lines.
pub(super) struct Ran {
    /// The check.
    pub(super) check: HostCheck,
    /// The `wire` code of a refusal before any connection (policy, rate, resolution).
    pub(super) refused: Option<ErrorCode>,
}

/// The implicit TLS port (RFC 8314).
const IMPLICIT_TLS_PORT: u16 = 465;

/// How long the relay may take to end once it was told to close.
const CLOSE_WAIT: Duration = Duration::from_secs(3);

/// Checks one host; see the module documentation. `dns` looks the connected address up
/// once it is known.
pub(super) async fn check(
    context: &Context,
    client: IpAddr,
    job: HostJob,
    events: &Events,
    dns: &dyn Lookups,
) -> Ran {
    let (to_relay, relay_in) = mpsc::channel::<Result<Message, Infallible>>(16);
    let (relay_out, mut from_relay) = mpsc::channel::<Message>(64);
    let sink = futures_util::sink::unfold(relay_out, |tx, message: Message| async move {
        tx.send(message).await.map(|()| tx)
    });
    let stream = futures_util::stream::unfold(relay_in, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let visitor = Visitor {
        client,
        origin: "server check".to_owned(),
        token_ok: false,
        admission: context.gate.admit(client),
        mailbox: None,
    };
    let session = tokio::spawn(relay::run(
        Box::pin(sink),
        Box::pin(stream),
        context.clone(),
        visitor,
        tracing::Span::none(),
    ));
    let implicit = job.port == IMPLICIT_TLS_PORT;
    let connect = ClientMsg::Connect(ConnectRequest {
        host: job.name.clone(),
        port: job.port,
        tls: if implicit {
            TlsMode::Implicit
        } else {
            TlsMode::None
        },
        // The check reads the certificate and reports every fault in it, and sends no
        // secret and no message over the connection, so it goes on past a failed
        // verification (SECURITY.md).
        insecure: true,
        ..ConnectRequest::default()
    });
    let started = Instant::now();
    let mut probe = Probe::new(ProbePlan {
        implicit_tls: implicit,
        ..job.plan.clone()
    });
    let mut facts = Facts {
        name: job.name.clone(),
        port: job.port,
        submission: job.submission,
        ..Facts::default()
    };
    let mut refused = None;
    let mut connected = false;
    let mut asked_to_close = false;
    let send = |msg: ClientMsg| {
        let to_relay = to_relay.clone();
        async move {
            to_relay
                .send(Ok(Message::text(msg.to_json())))
                .await
                .is_ok()
        }
    };
    let _ = send(connect).await;
    loop {
        let message = match timeout_at(job.deadline, from_relay.recv()).await {
            Ok(Some(message)) => message,
            Ok(None) => break,
            Err(_) => {
                probe.handle_error("the check took too long and was stopped", false);
                break;
            }
        };
        let Message::Text(text) = message else {
            // The close frame: the session is over.
            continue;
        };
        let Ok(msg) = ServerMsg::from_json(text.as_str()) else {
            continue;
        };
        match msg {
            ServerMsg::Connected { peer, .. } => {
                connected = true;
                facts.connect_ms = Some(millis(started.elapsed()));
                facts.address = peer
                    .parse::<std::net::SocketAddr>()
                    .ok()
                    .map(|a| a.ip().to_canonical().to_string());
            }
            ServerMsg::Line {
                text,
                at_ms,
                latency_ms,
                ..
            } => probe.handle_line(&text, at_ms, latency_ms),
            ServerMsg::Tls(info) => probe.handle_tls(info),
            ServerMsg::Error { code, message } => {
                if connected {
                    let tls = matches!(
                        code,
                        ErrorCode::CertificateRejected
                            | ErrorCode::TlsHandshakeFailed
                            | ErrorCode::NotTls
                    );
                    probe.handle_error(&message, tls);
                } else {
                    refused = Some(code);
                    facts.connect_error = Some(message);
                }
            }
            ServerMsg::Closed { reason } => {
                probe.handle_closed(&reason);
                break;
            }
            // Only a connection by MX gets one; the check connects to each host itself.
            ServerMsg::MxList(_) => {}
        }
        stream_lines(&mut probe, job.index, events).await;
        loop {
            match probe.poll() {
                Poll::Send(line) => {
                    let _ = send(ClientMsg::Line { text: line }).await;
                }
                Poll::Wait => break,
                Poll::Done => {
                    if !asked_to_close {
                        asked_to_close = true;
                        let _ = send(ClientMsg::Close).await;
                    }
                    break;
                }
            }
        }
        stream_lines(&mut probe, job.index, events).await;
    }
    stream_lines(&mut probe, job.index, events).await;
    drop(to_relay);
    if tokio::time::timeout(CLOSE_WAIT, session).await.is_err() {
        tracing::warn!("a check's relay session did not end in time");
    }
    if let Some(ip) = facts.address.as_deref().and_then(|a| a.parse().ok()) {
        facts.rdns = dns.reverse(ip).await;
    }
    facts.now_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok());
    Ran {
        check: probe.finish(facts),
        refused,
    }
}

/// Sends the lines annotated since the last call as `line` events.
async fn stream_lines(probe: &mut Probe, host: u64, events: &Events) {
    for probe_line in probe.take_new_lines() {
        let event = CheckEvent::Line {
            host,
            line: Box::new(line(probe_line)),
        };
        events.send(event).await;
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
