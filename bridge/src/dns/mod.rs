//! DNS for connect by MX and the DNS facts: MX, TXT, TLSA, PTR and the addresses of a
//! name, each answer with whether a validating resolver vouched for it (the AD bit).
//!
//! - `error.rs`: [`DnsError`], what went wrong with one query (NXDOMAIN, no records,
//!   timeout, server failure ...), so callers can explain each case.
//! - `answer.rs`: [`Answer`] and [`Rdata`], one query's records in plain types.
//! - `hickory.rs`: [`HickoryDns`], queries over UDP (TCP when truncated) with
//!   hickory-net's client, which lets the bridge ask for and read the AD bit.
//! - `server.rs`: the `--dns-server ADDR[:PORT]` syntax and the system's resolver list.
//! - `resolve.rs`: [`DnsResolver`], the A/AAAA lookup of [`Resolve`](crate::Resolve) over
//!   any [`DnsLookup`], so a typed host and an MX host resolve the same way.
//! - `fake.rs`: [`StaticDns`], answers from a table for tests.
//!
//! Nothing here decides whether an address may be connected to: every address a query
//! returns still goes through the target policy (`policy/target.rs`).

mod answer;
mod error;
mod fake;
mod hickory;
mod resolve;
mod server;

use std::fmt::Debug;
use std::net::IpAddr;
use std::sync::Arc;

use futures_util::future::BoxFuture;

pub use answer::{Answer, Mx, Rdata, RecordKind, Tlsa};
pub use error::DnsError;
pub use fake::StaticDns;
pub use hickory::HickoryDns;
pub use resolve::DnsResolver;
pub use server::{DnsServerError, parse_dns_server, reverse_name, system_servers};

/// How long one query may take before the next attempt.
pub const QUERY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// How many times one query is sent (over the configured servers in turn) before it fails.
pub const QUERY_ATTEMPTS: usize = 2;

/// One DNS query at a time: the name and the record type in, the answer out. The bridge
/// uses [`HickoryDns`]; tests hand in a [`StaticDns`].
pub trait DnsLookup: Send + Sync + Debug {
    /// The records of `kind` at `name` (a domain name without or with the final dot).
    fn query<'a>(
        &'a self,
        name: &'a str,
        kind: RecordKind,
    ) -> BoxFuture<'a, Result<Answer, DnsError>>;
}

/// The typed lookups over a [`DnsLookup`]; cheap to clone.
#[derive(Debug, Clone)]
pub struct Dns {
    lookup: Arc<dyn DnsLookup>,
}

impl Dns {
    /// Typed lookups over `lookup`.
    pub fn new(lookup: Arc<dyn DnsLookup>) -> Self {
        Self { lookup }
    }

    /// The underlying lookup (for a [`DnsResolver`]).
    pub fn lookup(&self) -> Arc<dyn DnsLookup> {
        Arc::clone(&self.lookup)
    }

    /// The MX records of `domain`, in the order the server sent them.
    ///
    /// # Errors
    ///
    /// The query's [`DnsError`]; a domain without MX records is [`DnsError::NoRecords`].
    pub async fn mx(&self, domain: &str) -> Result<Authenticated<Vec<Mx>>, DnsError> {
        self.typed(domain, RecordKind::Mx, |record| match record {
            Rdata::Mx(mx) => Some(mx.clone()),
            _ => None,
        })
        .await
    }

    /// The TXT records at `name`, each one's character strings joined (RFC 7208 3.3).
    ///
    /// # Errors
    ///
    /// The query's [`DnsError`].
    pub async fn txt(&self, name: &str) -> Result<Authenticated<Vec<String>>, DnsError> {
        self.typed(name, RecordKind::Txt, |record| match record {
            Rdata::Txt(text) => Some(text.clone()),
            _ => None,
        })
        .await
    }

    /// The TLSA records at `name` (such as `_25._tcp.mx.example.org`).
    ///
    /// # Errors
    ///
    /// The query's [`DnsError`].
    pub async fn tlsa(&self, name: &str) -> Result<Authenticated<Vec<Tlsa>>, DnsError> {
        self.typed(name, RecordKind::Tlsa, |record| match record {
            Rdata::Tlsa(tlsa) => Some(tlsa.clone()),
            _ => None,
        })
        .await
    }

    /// The PTR names of `ip` (reverse DNS), without the final dot.
    ///
    /// # Errors
    ///
    /// The query's [`DnsError`].
    pub async fn ptr(&self, ip: IpAddr) -> Result<Authenticated<Vec<String>>, DnsError> {
        let name = reverse_name(ip);
        self.typed(&name, RecordKind::Ptr, |record| match record {
            Rdata::Ptr(name) => Some(name.clone()),
            _ => None,
        })
        .await
    }

    /// One query's records of one type, picked out by `pick`.
    async fn typed<T>(
        &self,
        name: &str,
        kind: RecordKind,
        pick: impl Fn(&Rdata) -> Option<T>,
    ) -> Result<Authenticated<Vec<T>>, DnsError> {
        let answer = self.lookup.query(name, kind).await?;
        let value = answer.records.iter().filter_map(pick).collect();
        Ok(Authenticated {
            value,
            authenticated: answer.authenticated,
        })
    }

    /// The A and AAAA addresses of `name`, both asked at once; IPv4 first. A name with
    /// records of neither type is [`DnsError::NoRecords`] (kind A).
    ///
    /// # Errors
    ///
    /// NXDOMAIN, or the first failure when neither query answered.
    pub async fn addresses(&self, name: &str) -> Result<Authenticated<Vec<IpAddr>>, DnsError> {
        let (v4, v6) = futures_util::future::join(
            self.lookup.query(name, RecordKind::A),
            self.lookup.query(name, RecordKind::Aaaa),
        )
        .await;
        let mut ips = Vec::new();
        let mut authenticated = true;
        let mut any = false;
        let mut failure = None;
        for result in [v4, v6] {
            match result {
                Ok(answer) => {
                    any = true;
                    authenticated &= answer.authenticated;
                    for record in &answer.records {
                        let ip = match record {
                            Rdata::A(ip) => IpAddr::V4(*ip),
                            Rdata::Aaaa(ip) => IpAddr::V6(*ip),
                            _ => continue,
                        };
                        if !ips.contains(&ip) {
                            ips.push(ip);
                        }
                    }
                }
                Err(DnsError::NoRecords { .. }) => any = true,
                Err(err) => {
                    if failure.is_none() || matches!(err, DnsError::NxDomain { .. }) {
                        failure = Some(err);
                    }
                }
            }
        }
        if let Some(err @ DnsError::NxDomain { .. }) = failure {
            return Err(err);
        }
        if ips.is_empty() {
            return Err(match (any, failure) {
                (false, Some(err)) => err,
                _ => DnsError::NoRecords {
                    name: name.trim_end_matches('.').to_owned(),
                    kind: RecordKind::A,
                },
            });
        }
        Ok(Authenticated {
            value: ips,
            authenticated,
        })
    }
}

/// A value from DNS and whether the resolver said it validated it (the AD bit, RFC 4035
/// 3.2.3). Only meaningful from a validating resolver the bridge trusts, over a trusted
/// path; dnsmasq without DNSSEC, for one, never sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated<T> {
    /// The records.
    pub value: T,
    /// The AD bit of the response.
    pub authenticated: bool,
}
