//! The offline simulator: `protocol::server::ServerSession` running inside the page, for
//! when no bridge can be reached (the page served from static hosting) or when the user
//! ticks "Simulate (no bridge)".
//!
//! [`connect`] has the shape of [`bridge::connect`](super::bridge::connect): it takes the
//! same `Callback<BridgeEvent>` and returns a handle that queues [`ClientMsg`]s, so the
//! reducer treats both alike. One task owns the session: it feeds each line (with the CRLF
//! the bridge would add), turns the session's output into `connected`, `line`, `tls` and
//! `closed` messages, waits out `Pause`s with a timer, and hands accepted messages to
//! `on_delivered` for the page's own mailbox. There is no network and no TLS: STARTTLS is
//! answered by the protocol, then the handshake is taken as done at once and reported as
//! simulated. The scenario addresses (`busy@`, `greylist@`, `bounce@` ...) work as in the
//! sandbox: the shell says the time and keeps greylisting's memory across simulated
//! sessions. Dropping the handle ends the task.

use std::time::Duration;

use futures_util::StreamExt;
use protocol::limits;
use protocol::line::LineFramer;
use protocol::server::{
    Account, Memory, ReceivedMessage, ServerConfig, ServerOutput, ServerSession,
};
use protocol::wire::{ClientMsg, ConnectRequest, ServerMsg, TlsInfo, TlsMode, WIRE_VERSION};
use yew::Callback;
use yew::platform::pinned::mpsc::{UnboundedReceiver, unbounded};
use yew::platform::spawn_local;

use super::{Connection, browser};
use crate::vocab::BridgeEvent;

/// The simulated server's name, in its greeting and in the status bar.
pub const HOSTNAME: &str = "simulator.smtp-playground.test";

/// The demo account the simulated server accepts, as the bridge's sandbox does.
pub const DEMO_ACCOUNT: (&str, &str) = ("demo", "demo");

/// The longest pause a failure rule may impose (the simulator has none by default).
const MAX_PAUSE_MS: u64 = 30_000;

thread_local! {
    /// What simulated sessions remember of each other (greylisting's triplets), as the
    /// sandbox's shared memory does; the page's one thread needs no lock.
    static MEMORY: std::cell::RefCell<Memory> = std::cell::RefCell::new(Memory::default());
}

/// The simulated server's configuration: the sandbox's defaults, the demo account, and
/// STARTTLS offered (answered per protocol, then simulated).
pub fn config(request: &ConnectRequest) -> ServerConfig {
    ServerConfig {
        hostname: HOSTNAME.to_owned(),
        accounts: vec![Account {
            user: DEMO_ACCOUNT.0.to_owned(),
            password: DEMO_ACCOUNT.1.to_owned(),
        }],
        starttls: request.tls != TlsMode::Implicit,
        implicit_tls: request.tls == TlsMode::Implicit,
        ..ServerConfig::default()
    }
}

/// A seed for the session's queue ids and probabilistic rules, from `Math.random`: the
/// protocol crate takes randomness in, it never makes it.
fn seed() -> u64 {
    let part = || (js_sys::Math::random() * f64::from(u32::MAX)) as u64;
    (part() << 32) ^ part()
}

/// Starts a simulated session for `request` (its host and port are only echoed back).
/// Events arrive through `on_event`; accepted messages through `on_delivered`.
pub fn connect(
    request: ConnectRequest,
    on_event: Callback<BridgeEvent>,
    on_delivered: Callback<ReceivedMessage>,
) -> Connection {
    let (outgoing, queue) = unbounded();
    spawn_local(async move {
        let mut shell = Shell::new(request, on_event, on_delivered);
        shell.run(queue).await;
    });
    Connection::new(outgoing)
}

/// The shell around the session: what the bridge's relay does, minus the network.
struct Shell {
    session: ServerSession,
    request: ConnectRequest,
    on_event: Callback<BridgeEvent>,
    on_delivered: Callback<ReceivedMessage>,
    framer: LineFramer,
    started: f64,
    /// When the last client line was fed, for the reply latency.
    last_input: Option<f64>,
}

impl Shell {
    fn new(
        request: ConnectRequest,
        on_event: Callback<BridgeEvent>,
        on_delivered: Callback<ReceivedMessage>,
    ) -> Self {
        Self {
            session: ServerSession::new(config(&request), seed()),
            request,
            on_event,
            on_delivered,
            framer: LineFramer::new(limits::REPLY_LINE * 4),
            started: browser::now_ms().unwrap_or_default(),
            last_input: None,
        }
    }

    fn elapsed(&self, since: f64) -> u64 {
        (browser::now_ms().unwrap_or_default() - since)
            .max(0.0)
            .round() as u64
    }

    fn emit(&self, msg: ServerMsg) {
        self.on_event.emit(BridgeEvent::Message(msg));
    }

    async fn run(&mut self, mut queue: UnboundedReceiver<ClientMsg>) {
        let implicit = self.request.tls == TlsMode::Implicit;
        self.emit(ServerMsg::Connected {
            version: WIRE_VERSION,
            host: self.request.host.clone(),
            port: self.request.port,
            peer: HOSTNAME.to_owned(),
            tls: if implicit {
                TlsMode::Implicit
            } else {
                TlsMode::None
            },
            mx_host: None,
        });
        if implicit {
            self.emit(ServerMsg::Tls(simulated_tls(TlsMode::Implicit, 0)));
        }
        self.last_input = Some(self.started);
        if !self.drain().await {
            return;
        }
        while let Some(msg) = queue.next().await {
            let lines = match msg {
                ClientMsg::Line { text } => vec![text],
                ClientMsg::Lines { text } => text,
                ClientMsg::Close => {
                    self.emit(ServerMsg::Closed {
                        reason: "the page closed the simulated connection".to_owned(),
                    });
                    return;
                }
                // Neither a second `connect` nor a bridge token means anything here.
                ClientMsg::Connect(_) | ClientMsg::Auth { .. } => continue,
            };
            let mut bytes = Vec::new();
            for line in lines {
                bytes.extend_from_slice(line.as_bytes());
                bytes.extend_from_slice(b"\r\n");
            }
            self.last_input = browser::now_ms();
            // The scenario addresses (greylisting, bounces) need the wall clock.
            self.session.set_now(js_sys::Date::now() as u64);
            MEMORY.with_borrow_mut(|memory| self.session.handle_input_with(&bytes, memory));
            if !self.drain().await {
                return;
            }
        }
    }

    /// Carries out the session's output; `false` once the session closed.
    async fn drain(&mut self) -> bool {
        while let Some(output) = self.session.poll_output() {
            match output {
                ServerOutput::Write(bytes) => self.write(&bytes),
                ServerOutput::Pause(ms) => {
                    yew::platform::time::sleep(Duration::from_millis(ms.min(MAX_PAUSE_MS))).await;
                }
                // The simulator runs no failure rules; its lines arrive whole.
                ServerOutput::Throttle(_) => {}
                ServerOutput::StartTls => {
                    // No handshake in the page: it is done the moment it starts.
                    let at_ms = self.elapsed(self.started);
                    self.session.handle_tls_established();
                    self.emit(ServerMsg::Tls(simulated_tls(TlsMode::Starttls, at_ms)));
                }
                ServerOutput::Close => {
                    self.emit(ServerMsg::Closed {
                        reason: "the simulated server closed the connection".to_owned(),
                    });
                    return false;
                }
                ServerOutput::Delivered(message) => self.on_delivered.emit(*message),
            }
        }
        true
    }

    fn write(&mut self, bytes: &[u8]) {
        self.framer.push(bytes);
        while let Some(line) = self.framer.next_line() {
            let Ok(line) = line else { continue };
            let text = line.to_text();
            // The first line after the client's input starts the reply that answers it.
            let latency_ms = self.last_input.take().map(|at| self.elapsed(at));
            self.emit(ServerMsg::Line {
                text,
                at_ms: self.elapsed(self.started),
                latency_ms,
                encrypted: self.session.is_tls(),
            });
        }
    }
}

/// What the TLS panel shows for the simulator: no handshake happened, and it says so.
pub fn simulated_tls(mode: TlsMode, at_ms: u64) -> TlsInfo {
    TlsInfo {
        mode,
        version: "simulated".to_owned(),
        cipher: "none (simulated in the page)".to_owned(),
        alpn: None,
        server_name: HOSTNAME.to_owned(),
        verified: false,
        verify_error: Some("simulated TLS: no handshake, nothing is encrypted".to_owned()),
        insecure: false,
        certificates: Vec::new(),
        sandbox_certificate: false,
        at_ms,
    }
}
