//! The sandbox's side of the scenario addresses and the rate limiter: the one
//! cross-session [`Memory`] (greylisting triplets, message rates) behind a lock, the wall
//! clock the sans-IO session cannot read, and the scenario list `/api/sandbox` serves.
//!
//! The decisions are all `protocol::server`'s (`scenarios.rs`, `scenario_hooks.rs`); this
//! file only lends the memory and says the time. The memory is bounded by the protocol
//! crate (4096 triplets, 1024 clients), so it needs no cap here.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use protocol::records::mailbox::ScenarioRecord;
use protocol::server::scenarios::SCENARIOS;
use protocol::server::{Memory, ServerSession};

use super::SandboxConfig;

/// The memory every connection of one sandbox shares.
pub(super) fn shared_memory() -> Arc<Mutex<Memory>> {
    Arc::default()
}

/// Feeds what the client sent, after saying the time, with the shared memory lent for the
/// call. The lock is held only while the session digests this input, never across an
/// await.
pub(super) fn feed(session: &mut ServerSession, memory: &Mutex<Memory>, bytes: &[u8]) {
    session.set_now(now_ms());
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
