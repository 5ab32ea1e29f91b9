//! A domain's mail servers as the connect form shows them while connecting by MX: the
//! bridge's `mx_list` message (each host with its preference and addresses, whether its
//! target rules allow each address, or why not), and which host it connected to.
//!
//! The bridge resolves and decides (RFC 5321 5.1, RFC 7505, its target policy); the page
//! keeps what it said, so the view can be worded in either language and the user can
//! pick another listed host.

use protocol::wire::{MxList, MxListHost};

/// The MX list of one connection by domain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MxView {
    /// The domain as requested.
    pub domain: String,
    /// The bridge's list, once it arrived.
    pub list: Option<MxList>,
    /// The MX host the bridge connected to, once it did.
    pub connected: Option<String>,
}

impl MxView {
    /// A view of `domain`, waiting for the list.
    pub fn resolving(domain: &str) -> Self {
        Self {
            domain: domain.to_owned(),
            ..Self::default()
        }
    }

    /// The hosts, in the order the bridge tries them.
    pub fn hosts(&self) -> &[MxListHost] {
        self.list.as_ref().map_or(&[], |l| &l.hosts)
    }

    /// Whether `name` is the host the bridge connected to.
    pub fn is_connected(&self, name: &str) -> bool {
        self.connected
            .as_deref()
            .is_some_and(|c| same_name(c, name))
    }

    /// Whether at least one address of `host` may be connected to: only those hosts can
    /// be picked.
    pub fn reachable(host: &MxListHost) -> bool {
        host.addresses.iter().any(|a| a.allowed)
    }
}

/// Two host names are the same name: ASCII case and a trailing dot do not matter.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::wire::MxListAddress;

    fn host(preference: u16, name: &str, allowed: bool) -> MxListHost {
        MxListHost {
            preference,
            name: name.into(),
            addresses: vec![MxListAddress {
                address: "127.0.0.1".into(),
                allowed,
                reason: (!allowed).then(|| "a private address".into()),
            }],
            note: None,
        }
    }

    #[test]
    fn the_view_knows_its_hosts_and_the_connected_one() {
        let mut view = MxView::resolving("example.test");
        assert!(view.hosts().is_empty());
        view.list = Some(MxList {
            domain: "example.test".into(),
            hosts: vec![
                host(10, "mx1.example.test", true),
                host(20, "mx2.example.test", false),
            ],
            ..MxList::default()
        });
        view.connected = Some("MX1.example.test.".into());
        assert_eq!(view.hosts().len(), 2);
        assert!(view.is_connected("mx1.example.test"));
        assert!(!view.is_connected("mx2.example.test"));
        assert!(MxView::reachable(&view.hosts()[0]));
        assert!(!MxView::reachable(&view.hosts()[1]));
    }
}
