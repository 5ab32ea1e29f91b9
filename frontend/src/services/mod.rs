//! Code that talks to the outside world, kept out of the components (the Yew
//! `async_clock` example's `services.rs`): components call these functions and receive
//! plain events through `Callback`s.

pub mod api;
pub mod bridge;
pub mod browser;
pub mod check;
pub mod rules_hook;
pub mod simulator;

use protocol::wire::ClientMsg;
use yew::platform::pinned::mpsc::UnboundedSender;

/// The handle of the active SMTP session, through the bridge or the in-page simulator:
/// both run one task that takes the queued [`ClientMsg`]s and reports the same
/// `BridgeEvent`s, so the rest of the app does not care which one it is. Dropping the
/// handle ends the task (and closes the bridge's socket).
#[derive(Debug)]
pub struct Connection {
    outgoing: UnboundedSender<ClientMsg>,
}

impl Connection {
    /// The handle of the task reading `outgoing`'s queue.
    fn new(outgoing: UnboundedSender<ClientMsg>) -> Self {
        Self { outgoing }
    }

    /// Queues a message. Returns `false` when the session has already ended, so the
    /// caller can say the message was not sent.
    pub fn send(&self, msg: ClientMsg) -> bool {
        self.outgoing.send_now(msg).is_ok()
    }

    /// Asks the bridge (or the simulator) to end the session politely; the task closes
    /// the socket once that message is written.
    pub fn close(self) {
        // If the task has already ended, there is nothing left to close.
        let _ = self.outgoing.send_now(ClientMsg::Close);
    }
}
