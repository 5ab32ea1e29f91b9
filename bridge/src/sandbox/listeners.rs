//! `/api/events` listeners (issue 12, finding 4): how many one client and everyone
//! together may hold.
//!
//! A listener is an open HTTP response and a task for as long as it lasts; 20,000 of
//! them took every file descriptor, and the bridge stopped accepting anything. So each
//! listener takes a [`ListenerPermit`] first, per client address (IPv6 by /64, behind a
//! `--trust-proxy` the `X-Forwarded-For` client) and in total; without one the request
//! gets 429. (Not per visitor: a client without a cookie gets a new visitor id on every
//! request.)

use std::net::IpAddr;
use std::sync::Arc;

use crate::policy::caps::{CapPermit, Caps};

/// The listeners open now, by client.
#[derive(Debug)]
pub(super) struct Listeners {
    caps: Arc<Caps>,
}

/// One open listener; dropping it frees its place.
pub(super) type ListenerPermit = CapPermit;

impl Listeners {
    /// No listeners yet, these caps (each at least 1).
    pub(super) fn new(per_client: usize, total: usize) -> Arc<Self> {
        Arc::new(Self {
            caps: Caps::new(Some(per_client.max(1)), total.max(1)),
        })
    }

    /// A place for a listener of `client`, or `None` when a cap is reached.
    pub(super) fn admit(&self, client: IpAddr) -> Option<ListenerPermit> {
        self.caps.admit(Some(client))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_and_places_come_back() {
        let listeners = Listeners::new(2, 3);
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let first = listeners.admit(a).expect("1");
        let _second = listeners.admit(a).expect("2");
        assert!(listeners.admit(a).is_none(), "per client");
        let _b = listeners
            .admit("2001:db8::1".parse().expect("ip"))
            .expect("b");
        assert!(
            listeners
                .admit("2001:db8:1::1".parse().expect("ip"))
                .is_none(),
            "total"
        );
        drop(first);
        assert!(listeners.admit(a).is_some(), "a place came back");
    }
}
