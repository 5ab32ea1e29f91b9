//! Places counted per client and in total, each given back when its permit is dropped.
//!
//! Two things a client holds open are capped this way: HTTP connections at accept
//! (`connections.rs`) and mailbox event listeners (`sandbox/listeners.rs`). Both need the
//! same bookkeeping: refuse past either cap, count a client under [`client_key`], and free
//! the place exactly once, whichever way the holder ends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use super::client::client_key;

/// The places held now, by client.
#[derive(Debug)]
pub struct Caps {
    per_client: Option<usize>,
    total: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    total: usize,
    by_client: HashMap<IpAddr, usize>,
}

/// One place; dropping it frees the place.
#[derive(Debug)]
pub struct CapPermit {
    caps: Arc<Caps>,
    /// The client's key, when it was counted per client.
    key: Option<IpAddr>,
}

impl Caps {
    /// No places held yet; at most `per_client` per client (`None`: no per-client cap) and
    /// `total` in all.
    pub fn new(per_client: Option<usize>, total: usize) -> Arc<Self> {
        Arc::new(Self {
            per_client,
            total,
            state: Mutex::default(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for `client`, or `None` when a cap is reached. A client given as `None`
    /// counts only toward the total (a trusted proxy is every client at once).
    pub fn admit(self: &Arc<Self>, client: Option<IpAddr>) -> Option<CapPermit> {
        let key = client.filter(|_| self.per_client.is_some()).map(client_key);
        let mut state = self.lock();
        if state.total >= self.total {
            return None;
        }
        if let (Some(key), Some(cap)) = (key, self.per_client) {
            let count = state.by_client.entry(key).or_default();
            if *count >= cap {
                return None;
            }
            *count += 1;
        }
        state.total += 1;
        Some(CapPermit {
            caps: Arc::clone(self),
            key,
        })
    }

    /// Places held now.
    pub fn held(&self) -> usize {
        self.lock().total
    }
}

impl Drop for CapPermit {
    fn drop(&mut self) {
        let mut state = self.caps.lock();
        state.total = state.total.saturating_sub(1);
        if let Some(key) = self.key
            && let Some(count) = state.by_client.get_mut(&key)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                state.by_client.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().expect("ip"))
    }

    #[test]
    fn per_client_and_total_caps_and_their_release() {
        let caps = Caps::new(Some(2), 3);
        let a1 = caps.admit(ip("192.0.2.1")).expect("first");
        let _a2 = caps.admit(ip("192.0.2.1")).expect("second");
        assert!(caps.admit(ip("192.0.2.1")).is_none(), "per client");
        let _b = caps.admit(ip("2001:db8::1")).expect("v6");
        assert!(caps.admit(ip("2001:db8:1::1")).is_none(), "the total");
        assert_eq!(caps.held(), 3);
        drop(a1);
        assert_eq!(caps.held(), 2);
        assert!(caps.admit(ip("192.0.2.1")).is_some(), "a place came back");
    }

    #[test]
    fn a_v6_client_is_its_slash_64_and_an_uncounted_client_only_counts_in_total() {
        let caps = Caps::new(Some(1), 10);
        let _first = caps.admit(ip("2001:db8:1:2::5")).expect("first of its /64");
        assert!(caps.admit(ip("2001:db8:1:2::6")).is_none(), "same /64");
        let held: Vec<_> = (0..5)
            .map(|_| caps.admit(None).expect("uncounted"))
            .collect();
        assert_eq!(held.len(), 5);
        let no_per_client = Caps::new(None, 2);
        let _x = no_per_client.admit(ip("192.0.2.1")).expect("1");
        let _y = no_per_client.admit(ip("192.0.2.1")).expect("2");
        assert!(no_per_client.admit(ip("192.0.2.1")).is_none(), "the total");
    }
}
