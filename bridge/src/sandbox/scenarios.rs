//! The sandbox's side of the scenario addresses and the rate limiter: the one
//! cross-session [`Memory`] (greylisting triplets, message rates) behind a lock, the wall
//! clock the sans-IO session cannot read, who the client is, and the scenario list
//! `/api/sandbox` serves.
//!
//! A client is its IP address, as for Postfix's anvil, except a page's session: those all
//! reach the sandbox from the bridge itself, so each is counted as its visitor (`public`
//! profile), and one visitor's greylisting or message rate is not another's.
//!
//! The decisions are all `protocol::server`'s (`scenarios.rs`, `scenario_hooks.rs`); this
//! file only lends the memory and says the time. The memory is bounded by the protocol
//! crate (4096 triplets, 1024 clients), so it needs no cap here.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use protocol::records::mailbox::ScenarioRecord;
use protocol::server::scenarios::SCENARIOS;
use protocol::server::{Memory, ServerSession};

use super::SandboxConfig;
use super::owners::Owners;

/// The memory every connection of one sandbox shares.
pub(super) fn shared_memory() -> Arc<Mutex<Memory>> {
    Arc::default()
}

/// Feeds what the client at `peer` (accepted at `accepted`) sent, after saying the time and
/// who the client is, with the shared memory lent for the call. The lock is held only while
/// the session digests this input, never across an await.
pub(super) fn feed(
    session: &mut ServerSession,
    memory: &Mutex<Memory>,
    owners: &Owners,
    peer: SocketAddr,
    accepted: Instant,
    bytes: &[u8],
) {
    session.set_now(now_ms());
    // Looked up at each input, not at accept: a page's session registers just after its
    // connect returns (`owners.rs`).
    match owners.owner_of(peer, accepted) {
        Some(visitor) => session.set_client(&format!("visitor {visitor}")),
        None => session.set_client(&peer.ip().to_canonical().to_string()),
    }
    // A panic in another session cannot leave the memory worse than stale: keep serving.
    let mut memory = memory.lock().unwrap_or_else(PoisonError::into_inner);
    session.handle_input_with(bytes, &mut memory);
}

/// The wall clock in Unix milliseconds (0 if the clock is before 1970).
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The scenarios `/api/sandbox` lists: the table's, unless `--sandbox-no-scenarios`.
pub(super) fn listed(config: &SandboxConfig) -> Vec<ScenarioRecord> {
    if config.no_scenarios {
        return Vec::new();
    }
    SCENARIOS.iter().map(ScenarioRecord::of).collect()
}
