//! Code that talks to the outside world, kept out of the components (the Yew
//! `async_clock` example's `services.rs`): components call these functions and receive
//! plain events through `Callback`s.

pub mod api;
pub mod bridge;
pub mod browser;
pub mod simulator;

use protocol::wire::ClientMsg;

/// The active SMTP session, through the bridge or the in-page simulator. Both report
/// the same `BridgeEvent`s, so the rest of the app does not care which one it is.
#[derive(Debug)]
pub enum Connection {
    /// A WebSocket to the bridge.
    Bridge(bridge::BridgeConnection),
    /// The offline simulator.
    Simulator(simulator::SimulatorConnection),
}

impl Connection {
    /// Queues a message; `false` when the session has already ended.
    pub fn send(&self, msg: ClientMsg) -> bool {
        match self {
            Connection::Bridge(open) => open.send(msg),
            Connection::Simulator(open) => open.send(msg),
        }
    }

    /// Ends the session politely.
    pub fn close(self) {
        match self {
            Connection::Bridge(open) => open.close(),
            Connection::Simulator(open) => open.close(),
        }
    }
}
