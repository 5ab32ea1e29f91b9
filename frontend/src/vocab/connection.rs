//! A connection's identity, progress and events, and where it runs.

use protocol::wire::{ServerMsg, TlsMode};

/// Identifies one WebSocket connection, so that events from a connection the user has
/// already left (they arrive asynchronously) cannot change the state of a newer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SessionId(pub u32);

impl SessionId {
    /// The id after this one.
    pub fn next(self) -> Self {
        Self(self.0.wrapping_add(1))
    }
}

/// Where an SMTP session runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// Through the bridge, to a real server (or the bridge's sandbox).
    #[default]
    Bridge,
    /// In the in-page simulator (`protocol::server` inside the page): no network.
    Simulator,
}

impl Backend {
    /// Whether this is the in-page simulator.
    pub fn is_simulator(self) -> bool {
        self == Backend::Simulator
    }
}

/// Where the connection to the SMTP server stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Phase {
    /// No connection; the form can be edited.
    #[default]
    Disconnected,
    /// The WebSocket is opening or the bridge is connecting to the server.
    Connecting {
        /// `host:port` as requested.
        target: String,
    },
    /// The bridge is connected to the server; lines can be sent.
    Connected {
        /// The address the bridge connected to.
        peer: String,
        /// The TLS mode in effect.
        tls: TlsMode,
    },
}

/// What the bridge connection (or the simulator) reports to the state, already decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BridgeEvent {
    /// A message from the bridge.
    Message(ServerMsg),
    /// A frame that is not a message this page knows (a broken or much newer bridge).
    Undecodable {
        /// What was wrong with it.
        detail: String,
    },
    /// The WebSocket to the bridge closed or failed; nothing more will arrive.
    SocketClosed {
        /// The close code and reason, for a person.
        detail: String,
    },
}

/// What is true of the connection's encryption now, for the status bar: one answer,
/// derived from `protocol`'s session (which knows whether STARTTLS completed) and the
/// connection's mode, so the status, the TLS panel and the notes never disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Nothing is encrypted yet.
    Plain {
        /// STARTTLS was chosen in the form (the user still types it).
        requested: bool,
        /// Whether the server's EHLO offered STARTTLS; `None` before EHLO.
        offered: Option<bool>,
    },
    /// Encrypted after STARTTLS.
    Starttls {
        /// The certificate is the bridge's own sandbox's.
        sandbox_certificate: bool,
    },
    /// Encrypted from the first byte (port 465).
    Implicit {
        /// The certificate is the bridge's own sandbox's.
        sandbox_certificate: bool,
    },
    /// The in-page simulator accepted STARTTLS: the session goes on as after a handshake,
    /// but nothing travels over a network, so nothing is encrypted either.
    SimulatedTls,
}
