//! Connections at accept (issue 12, finding 3): how many HTTP connections one client and
//! everyone together may hold open before their requests are read.
//!
//! Each accepted connection costs a task and up to a header buffer
//! (`http.rs`) until its request is read or the header timeout ends it; 2,000 half-sent
//! requests once took the bridge to 856 MB. So [`Connections::admit`] runs right after
//! `accept`, before one byte is parsed, and a connection over a cap is closed at once.
//! The client is the TCP peer (the request, with its `X-Forwarded-For`, is not read yet);
//! a `--trust-proxy` peer is every client at once, so it counts only toward the total.
//! IPv6 peers are counted by their /64, as sessions are.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use super::cidr::Cidr;

/// The caps.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// Per client address (`None`: no per-client cap).
    pub per_ip: Option<u32>,
    /// In total.
    pub total: u32,
    /// Peers counted only toward the total (`--trust-proxy`).
    pub exempt: Vec<Cidr>,
}

/// The open connections, by client.
#[derive(Debug)]
pub struct Connections {
    limits: ConnectionLimits,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    total: u32,
    by_client: HashMap<IpAddr, u32>,
}

/// One admitted connection; dropping it frees its place.
#[derive(Debug)]
pub struct ConnectionPermit {
    connections: Arc<Connections>,
    /// The per-client key, when the client is counted.
    key: Option<IpAddr>,
}

impl Connections {
    /// No connections yet, these caps.
    pub fn new(limits: ConnectionLimits) -> Arc<Self> {
        Arc::new(Self {
            limits,
            state: Mutex::default(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for a connection from `peer`, or `None` when a cap is reached.
    pub fn admit(self: &Arc<Self>, peer: IpAddr) -> Option<ConnectionPermit> {
        let exempt = self
            .limits
            .exempt
            .iter()
            .any(|net| net.contains(peer.to_canonical()));
        let key = (!exempt && self.limits.per_ip.is_some()).then(|| key(peer));
        let mut state = self.lock();
        if state.total >= self.limits.total {
            return None;
        }
        if let (Some(key), Some(cap)) = (key, self.limits.per_ip) {
            let count = state.by_client.entry(key).or_default();
            if *count >= cap {
                return None;
            }
            *count += 1;
        }
        state.total += 1;
        Some(ConnectionPermit {
            connections: Arc::clone(self),
            key,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> u32 {
        self.lock().total
    }
}

impl Drop for ConnectionPermit {
    fn drop(&mut self) {
        let mut state = self.connections.lock();
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

/// The key a client is counted under: its address, or its /64 for IPv6.
fn key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & (u128::MAX << 64)).into()),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn per_client_and_total_caps_and_their_release() {
        let connections = Connections::new(ConnectionLimits {
            per_ip: Some(2),
            total: 3,
            exempt: vec!["10.0.0.1/32".parse().expect("cidr")],
        });
        let a1 = connections.admit(ip("192.0.2.1")).expect("first");
        let _a2 = connections.admit(ip("192.0.2.1")).expect("second");
        assert!(connections.admit(ip("192.0.2.1")).is_none(), "per client");
        // The same /64.
        let _b = connections.admit(ip("2001:db8::1")).expect("v6");
        assert!(connections.admit(ip("10.0.0.1")).is_none(), "the total");
        drop(a1);
        let _proxy = connections
            .admit(ip("10.0.0.1"))
            .expect("the proxy counts in the total");
        assert_eq!(connections.open(), 3);
        assert!(connections.admit(ip("2001:db8::2")).is_none());
    }

    #[test]
    fn a_trusted_proxy_is_not_capped_per_client() {
        let connections = Connections::new(ConnectionLimits {
            per_ip: Some(1),
            total: 10,
            exempt: vec!["127.0.0.1/32".parse().expect("cidr")],
        });
        let held: Vec<_> = (0..5)
            .map(|_| connections.admit(ip("127.0.0.1")).expect("a proxy"))
            .collect();
        assert_eq!(held.len(), 5);
        let _v6 = connections
            .admit(ip("2001:db8:1:2::5"))
            .expect("first of its /64");
        assert!(
            connections.admit(ip("2001:db8:1:2::6")).is_none(),
            "same /64"
        );
    }
}
