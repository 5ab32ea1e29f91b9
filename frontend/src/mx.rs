//! A domain's mail servers as the connect form shows them while connecting by MX: each
//! host with its preference and addresses, whether the bridge may connect to each
//! address (or the rule that denies it), and which host it connected to.
//!
//! The bridge resolves and decides (RFC 5321 5.1, RFC 7505, its target policy); this is
//! the page's copy of what it said, kept as data so the view can be re-worded in either
//! language and the user can pick another host.

/// One address of a mail server and the bridge's verdict on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxAddress {
    /// The IP address, as the bridge wrote it.
    pub ip: String,
    /// `None` when the policy allows it, else the rule that denies it, in the bridge's
    /// words (shown with the rule's name; see `i18n::mx`).
    pub denied: Option<String>,
}

/// One mail server of the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxHost {
    /// The MX preference (lower is tried first); `None` for the implicit MX.
    pub preference: Option<u16>,
    /// The host name, without the trailing dot.
    pub name: String,
    /// Its addresses, in the order the bridge tries them.
    pub addresses: Vec<MxAddress>,
}

/// What the domain's MX lookup gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MxAnswer {
    /// MX records, in the order the bridge tries them.
    Hosts(Vec<MxHost>),
    /// No MX record: the domain itself, by its A/AAAA records (RFC 5321 5.1).
    Implicit(MxHost),
    /// A null MX (RFC 7505): the domain accepts no mail.
    NullMx,
}

/// The MX list of one connection by domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxList {
    /// The domain as requested.
    pub domain: String,
    /// The answer, once it arrived.
    pub answer: Option<MxAnswer>,
    /// The host the bridge connected to, once it did.
    pub connected: Option<String>,
}

impl MxList {
    /// A list for `domain`, waiting for the answer.
    pub fn resolving(domain: &str) -> Self {
        Self {
            domain: domain.to_owned(),
            answer: None,
            connected: None,
        }
    }

    /// The hosts to show (the implicit MX as one host), in order.
    pub fn hosts(&self) -> &[MxHost] {
        match &self.answer {
            Some(MxAnswer::Hosts(hosts)) => hosts,
            Some(MxAnswer::Implicit(host)) => std::slice::from_ref(host),
            Some(MxAnswer::NullMx) | None => &[],
        }
    }

    /// Whether `name` is the host the bridge connected to (names compare without case
    /// and without a trailing dot).
    pub fn is_connected(&self, name: &str) -> bool {
        self.connected
            .as_deref()
            .is_some_and(|c| same_name(c, name))
    }

    /// Whether at least one address of `host` may be connected to: only those hosts can
    /// be picked.
    pub fn reachable(host: &MxHost) -> bool {
        host.addresses.iter().any(|a| a.denied.is_none())
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

    fn host(preference: u16, name: &str, denied: Option<&str>) -> MxHost {
        MxHost {
            preference: Some(preference),
            name: name.into(),
            addresses: vec![MxAddress {
                ip: "127.0.0.1".into(),
                denied: denied.map(Into::into),
            }],
        }
    }

    #[test]
    fn the_list_knows_its_hosts_and_the_connected_one() {
        let mut list = MxList::resolving("example.test");
        assert!(list.hosts().is_empty());
        list.answer = Some(MxAnswer::Hosts(vec![
            host(10, "mx1.example.test", None),
            host(20, "mx2.example.test", Some("private address")),
        ]));
        list.connected = Some("MX1.example.test.".into());
        assert_eq!(list.hosts().len(), 2);
        assert!(list.is_connected("mx1.example.test"));
        assert!(!list.is_connected("mx2.example.test"));
        assert!(MxList::reachable(&list.hosts()[0]));
        assert!(!MxList::reachable(&list.hosts()[1]));
        list.answer = Some(MxAnswer::NullMx);
        assert!(list.hosts().is_empty());
        list.answer = Some(MxAnswer::Implicit(host(0, "example.test", None)));
        assert_eq!(list.hosts()[0].name, "example.test");
    }
}
