//! [`Resolve`] over a [`DnsLookup`]: the A and AAAA queries a typed host and an MX host
//! both go through when `--dns-server` is given, so both resolve the same way, once.

use std::io;
use std::net::IpAddr;
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
}
