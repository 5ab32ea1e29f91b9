//! `/api/events` listeners (issue 12, finding 4): how many one client and everyone
//! together may hold.
//!
//! A listener is an open HTTP response and a task for as long as it lasts; 20,000 of
//! them took every file descriptor, and the bridge stopped accepting anything. So each
//! listener takes a [`ListenerPermit`] first, per client address (IPv6 by /64, behind a
//! `--trust-proxy` the `X-Forwarded-For` client) and in total; without one the request
//! gets 429. (Not per visitor: a client without a cookie gets a new visitor id on every
//! request.)

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// The listeners open now, by client.
#[derive(Debug)]
pub(super) struct Listeners {
    per_client: usize,
    total: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    total: usize,
    by_client: HashMap<IpAddr, usize>,
}

/// One open listener; dropping it frees its place.
#[derive(Debug)]
pub(super) struct ListenerPermit {
    listeners: Arc<Listeners>,
    key: IpAddr,
}

impl Listeners {
    /// No listeners yet, these caps (each at least 1).
    pub(super) fn new(per_client: usize, total: usize) -> Arc<Self> {
        Arc::new(Self {
            per_client: per_client.max(1),
            total: total.max(1),
            state: Mutex::default(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for a listener of `client`, or `None` when a cap is reached.
    pub(super) fn admit(self: &Arc<Self>, client: IpAddr) -> Option<ListenerPermit> {
        let key = key(client);
        let mut state = self.lock();
        if state.total >= self.total {
            return None;
        }
        let count = state.by_client.entry(key).or_default();
        if *count >= self.per_client {
            return None;
        }
        *count += 1;
        state.total += 1;
        Some(ListenerPermit {
            listeners: Arc::clone(self),
            key,
        })
    }
}

impl Drop for ListenerPermit {
    fn drop(&mut self) {
        let mut state = self.listeners.lock();
        state.total = state.total.saturating_sub(1);
        if let Some(count) = state.by_client.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                state.by_client.remove(&self.key);
            }
        }
    }
}

fn key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & (u128::MAX << 64)).into()),
        v4 => v4,
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
