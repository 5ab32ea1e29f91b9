//! Which visitor is behind each connection to the sandbox, so a message can be filed under
//! the visitor whose session sent it.
//!
//! A relay session that connects to the sandbox registers its socket's local address (the
//! address the sandbox sees as its client) with the session's visitor, before it relays a
//! single byte. The sandbox looks the owner up when it stores a message. That lookup can
//! come a little after the session ended: the browser may close right after the final dot,
//! while the sandbox has not read it yet. So an entry outlives its session by
//! [`LINGER`], and is swept after that; a later session from the same local port replaces
//! it (the kernel does not reuse a port while the old connection exists). During the
//! linger the entry answers only for a connection the sandbox accepted *before* the
//! session ended: a local process that binds the freed port afterwards connects later,
//! and its mail is nobody's (issue 12, finding 8).
//!
//! Memory stays bounded: live sessions are capped by the bridge's limits, and ended ones
//! are kept for [`LINGER`] only.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::visitor::VisitorId;

/// How long an entry is kept after its session ended, for lines still in flight to the
/// sandbox. Lines already written reach it within milliseconds; this is generous.
pub(crate) const LINGER: Duration = Duration::from_secs(30);

/// The registry; see the module documentation.
#[derive(Debug, Default)]
pub(crate) struct Owners {
    entries: Mutex<HashMap<SocketAddr, Entry>>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    visitor: VisitorId,
    /// Registration number, so an old session's end does not touch a newer entry for the
    /// same address.
    serial: u64,
    /// When the session ended; `None` while it runs.
    ended: Option<Instant>,
}

/// Keeps an entry live; dropping it (the session ends) starts its [`LINGER`].
#[derive(Debug)]
pub(crate) struct Registration {
    owners: Arc<Owners>,
    local: SocketAddr,
    serial: u64,
}

/// The same address however the socket API spelled it (`::ffff:127.0.0.1` is
/// `127.0.0.1`), so a dual-stack sandbox and an IPv4 session agree.
fn canonical(addr: SocketAddr) -> SocketAddr {
    SocketAddr::new(addr.ip().to_canonical(), addr.port())
}

impl Owners {
    fn lock(&self) -> MutexGuard<'_, HashMap<SocketAddr, Entry>> {
        // Entries are plain values: a panic elsewhere cannot leave one half-written.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Files connections from `local` under `visitor` until the returned guard is dropped
    /// (plus [`LINGER`]). Sweeps entries whose linger is over.
    pub(crate) fn register(
        self: &Arc<Self>,
        local: SocketAddr,
        visitor: VisitorId,
    ) -> Registration {
        static SERIAL: AtomicU64 = AtomicU64::new(1);
        let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
        let local = canonical(local);
        let now = Instant::now();
        let mut entries = self.lock();
        entries.retain(|_, entry| entry.ended.is_none_or(|ended| now - ended < LINGER));
        entries.insert(
            local,
            Entry {
                visitor,
                serial,
                ended: None,
            },
        );
        Registration {
            owners: Arc::clone(self),
            local,
            serial,
        }
    }

    /// The visitor whose session connects from `peer`, if any (a live session or one that
    /// ended less than [`LINGER`] ago).
    /// `accepted` is when the sandbox accepted the connection: an entry whose session had
    /// already ended then is not this connection's. (After a session ends, another local
    /// process may bind its freed source port; that connection is accepted later.)
    pub(crate) fn owner_of(&self, peer: SocketAddr, accepted: Instant) -> Option<VisitorId> {
        let entry = *self.lock().get(&canonical(peer))?;
        match entry.ended {
            Some(ended) if ended.elapsed() >= LINGER || ended <= accepted => None,
            _ => Some(entry.visitor),
        }
    }

    /// How many entries are held (live and lingering), for tests.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut entries = self.owners.lock();
        if let Some(entry) = entries.get_mut(&self.local)
            && entry.serial == self.serial
        {
            entry.ended = Some(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visitor(n: u8) -> VisitorId {
        VisitorId::parse(&format!("{n:02x}").repeat(16)).expect("valid id")
    }

    fn addr(text: &str) -> SocketAddr {
        text.parse().expect("address")
    }

    #[test]
    fn a_registered_address_has_its_owner_and_others_have_none() {
        let owners = Arc::new(Owners::default());
        let accepted = Instant::now();
        let _a = owners.register(addr("127.0.0.1:40000"), visitor(1));
        let _b = owners.register(addr("127.0.0.1:40001"), visitor(2));
        assert_eq!(
            owners.owner_of(addr("127.0.0.1:40000"), accepted),
            Some(visitor(1))
        );
        assert_eq!(
            owners.owner_of(addr("127.0.0.1:40001"), accepted),
            Some(visitor(2))
        );
        assert_eq!(owners.owner_of(addr("127.0.0.1:40002"), accepted), None);
        assert_eq!(owners.owner_of(addr("127.0.0.2:40000"), accepted), None);
    }

    #[test]
    fn mapped_ipv6_and_ipv4_spellings_agree() {
        let owners = Arc::new(Owners::default());
        let accepted = Instant::now();
        let _a = owners.register(addr("127.0.0.1:40000"), visitor(1));
        assert_eq!(
            owners.owner_of(addr("[::ffff:127.0.0.1]:40000"), accepted),
            Some(visitor(1))
        );
    }

    #[test]
    fn the_owner_outlives_the_session_for_lines_still_in_flight() {
        let owners = Arc::new(Owners::default());
        let accepted = Instant::now();
        drop(owners.register(addr("127.0.0.1:40000"), visitor(1)));
        assert_eq!(
            owners.owner_of(addr("127.0.0.1:40000"), accepted),
            Some(visitor(1))
        );
    }

    #[test]
    fn a_newer_session_on_the_same_port_is_not_ended_by_the_old_one() {
        let owners = Arc::new(Owners::default());
        let accepted = Instant::now();
        let old = owners.register(addr("127.0.0.1:40000"), visitor(1));
        let new = owners.register(addr("127.0.0.1:40000"), visitor(2));
        drop(old);
        assert_eq!(
            owners.owner_of(addr("127.0.0.1:40000"), accepted),
            Some(visitor(2))
        );
        let entries = owners.lock();
        assert_eq!(
            entries.get(&addr("127.0.0.1:40000")).map(|e| e.ended),
            Some(None),
            "still live"
        );
        drop(entries);
        drop(new);
    }

    #[test]
    fn ended_entries_are_swept_after_their_linger() {
        let owners = Arc::new(Owners::default());
        let accepted = Instant::now();
        drop(owners.register(addr("127.0.0.1:40000"), visitor(1)));
        // Age the entry past its linger without sleeping.
        if let Some(entry) = owners.lock().get_mut(&addr("127.0.0.1:40000")) {
            entry.ended = Instant::now().checked_sub(LINGER + Duration::from_secs(1));
        }
        assert_eq!(
            owners.owner_of(addr("127.0.0.1:40000"), accepted),
            None,
            "expired"
        );
        let _live = owners.register(addr("127.0.0.1:40001"), visitor(2));
        assert_eq!(owners.len(), 1, "the expired entry was swept");
    }

    /// Issue 12, finding 8: a local process that binds a visitor's freed source port after
    /// the session ended, within the linger, must not get its mail filed under that
    /// visitor; the session's own connection, accepted while it ran, still does.
    #[test]
    fn a_connection_accepted_after_the_session_ended_has_no_owner() {
        let owners = Arc::new(Owners::default());
        let registration = owners.register(addr("127.0.0.1:40000"), visitor(1));
        let accepted_while_alive = Instant::now();
        std::thread::sleep(Duration::from_millis(2));
        drop(registration);
        std::thread::sleep(Duration::from_millis(2));
        let accepted_after_the_end = Instant::now();
        assert_eq!(
            owners.owner_of(addr("127.0.0.1:40000"), accepted_after_the_end),
            None,
            "a bystander on the freed port"
        );
        assert_eq!(
            owners.owner_of(addr("127.0.0.1:40000"), accepted_while_alive),
            Some(visitor(1)),
            "the session's own connection, read after the session ended"
        );
    }
}
