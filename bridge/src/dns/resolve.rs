//! [`Resolve`] over a [`DnsLookup`]: the A and AAAA queries a typed host and an MX host
//! both go through when `--dns-server` is given, so both resolve the same way, once.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use futures_util::future::BoxFuture;

use super::{Dns, DnsError, DnsLookup};
use crate::policy::resolve::Resolve;

/// The addresses of a name from a [`DnsLookup`].
#[derive(Debug, Clone)]
pub struct DnsResolver {
    dns: Dns,
}

impl DnsResolver {
    /// Resolves with `lookup`.
    pub fn new(lookup: Arc<dyn DnsLookup>) -> Self {
        Self {
            dns: Dns::new(lookup),
        }
    }
}

impl Resolve for DnsResolver {
    fn resolve<'a>(&'a self, name: &'a str) -> BoxFuture<'a, io::Result<Vec<IpAddr>>> {
        Box::pin(async move {
            if is_localhost(name) {
                return Ok(vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()]);
            }
            match self.dns.addresses(name).await {
                Ok(found) => Ok(found.value),
                // The caller reports "resolved to nothing" itself.
                Err(DnsError::NoRecords { .. }) => Ok(Vec::new()),
                Err(err @ DnsError::NxDomain { .. }) => {
                    Err(io::Error::new(io::ErrorKind::NotFound, err.to_string()))
                }
                Err(err @ DnsError::Timeout { .. }) => {
                    Err(io::Error::new(io::ErrorKind::TimedOut, err.to_string()))
                }
                Err(err) => Err(io::Error::other(err.to_string())),
            }
        })
    }
}

/// `localhost` and the names under it are this machine's loopback (RFC 6761 6.3): answered
/// here, as `getaddrinfo` does from `/etc/hosts`, never asked of the DNS server, which
/// would not know them. What the answer then meets is the target policy as for any address.
fn is_localhost(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    name.eq_ignore_ascii_case("localhost")
        || name
            .len()
            .checked_sub(".localhost".len())
            .and_then(|at| name.get(at..))
            .is_some_and(|tail| tail.eq_ignore_ascii_case(".localhost"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::{Answer, Rdata, RecordKind, StaticDns};

    fn answer(records: Vec<Rdata>) -> Result<Answer, DnsError> {
        Ok(Answer {
            records,
            ..Answer::default()
        })
    }

    #[tokio::test]
    async fn both_families_once_each_nxdomain_apart_from_empty() {
        let table = Arc::new(
            StaticDns::new()
                .with(
                    "mx.test",
                    RecordKind::A,
                    answer(vec![Rdata::A([192, 0, 2, 1].into())]),
                )
                .with(
                    "mx.test",
                    RecordKind::Aaaa,
                    answer(vec![Rdata::Aaaa(
                        "2001:db8::1".parse().expect("a valid test value"),
                    )]),
                )
                .with(
                    "v6less.test",
                    RecordKind::A,
                    answer(vec![Rdata::A([192, 0, 2, 2].into())]),
                )
                .with("empty.test", RecordKind::Mx, answer(Vec::new())),
        );
        let resolver = DnsResolver::new(table.clone());
        let ips = resolver.resolve("mx.test").await.expect("addresses");
        assert_eq!(
            ips,
            vec![
                "192.0.2.1".parse::<IpAddr>().expect("a valid test value"),
                "2001:db8::1".parse().expect("a valid test value")
            ]
        );
        assert_eq!(table.asked().len(), 2, "one A and one AAAA query");
        assert_eq!(
            resolver
                .resolve("v6less.test")
                .await
                .expect("v4 only")
                .len(),
            1
        );
        assert!(
            resolver
                .resolve("empty.test")
                .await
                .expect("exists")
                .is_empty()
        );
        let missing = resolver
            .resolve("nowhere.test")
            .await
            .expect_err("NXDOMAIN");
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
    }

    #[tokio::test]
    async fn localhost_is_loopback_without_asking_the_server() {
        let table = Arc::new(StaticDns::new());
        let resolver = DnsResolver::new(table.clone());
        for name in ["localhost", "LocalHost.", "mail.localhost"] {
            let ips = resolver.resolve(name).await.expect("loopback");
            assert!(
                ips.iter().all(IpAddr::is_loopback) && ips.len() == 2,
                "{name}: {ips:?}"
            );
        }
        assert!(table.asked().is_empty(), "{:?}", table.asked());
        assert!(!is_localhost("notlocalhost"));
        assert!(!is_localhost("localhost.example"));
    }
}
