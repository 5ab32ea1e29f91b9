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

use std::net::IpAddr;
use std::sync::Arc;

use super::caps::{CapPermit, Caps};
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
    caps: Arc<Caps>,
    exempt: Vec<Cidr>,
}

/// One admitted connection; dropping it frees its place.
pub type ConnectionPermit = CapPermit;

impl Connections {
    /// No connections yet, these caps.
    pub fn new(limits: ConnectionLimits) -> Arc<Self> {
        let per_client = limits.per_ip.map(|cap| cap as usize);
        Arc::new(Self {
            caps: Caps::new(per_client, limits.total as usize),
            exempt: limits.exempt,
        })
    }

    /// A place for a connection from `peer`, or `None` when a cap is reached.
    pub fn admit(&self, peer: IpAddr) -> Option<ConnectionPermit> {
        let exempt = self
            .exempt
            .iter()
            .any(|net| net.contains(peer.to_canonical()));
        self.caps.admit((!exempt).then_some(peer))
    }

    /// Connections open now.
    pub fn open(&self) -> u32 {
        u32::try_from(self.caps.held()).unwrap_or(u32::MAX)
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
