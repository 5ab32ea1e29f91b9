//! The lookups the check needs beyond the relay's own resolution: a domain's MX hosts
//! and the reverse DNS of a connected address. Behind a trait, so the check runs without
//! a resolver (one host named directly, no reverse DNS) and tests inject answers;
//! [`DnsLookups`] asks the bridge's DNS (`crate::dns`).

use std::net::IpAddr;

use futures_util::future::BoxFuture;
use protocol::check::ReverseDns;
use protocol::dns::mx::{MxPlan, MxRecord, PlanKind};

use crate::dns::{Dns, DnsError};

/// What a domain's MX lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MxAnswer {
    /// MX hosts as (preference, name), in the order to try (RFC 5321 5.1).
    Hosts(Vec<(u16, String)>),
    /// No MX record: the domain itself is the implicit MX (RFC 5321 5.1).
    Implicit,
    /// The null MX (`MX 0 .`, RFC 7505): the domain accepts no mail.
    Null,
    /// The lookup failed; why, for a person.
    Failed(String),
    /// No lookup was made (no resolver): the target is checked as one host.
    NotLooked,
}

/// The check's DNS.
pub trait Lookups: Send + Sync + std::fmt::Debug {
    /// The MX hosts of `domain`.
    fn mx<'a>(&'a self, domain: &'a str) -> BoxFuture<'a, MxAnswer>;
    /// The PTR names of `ip` and which of them resolve back to it; `None` when not
    /// looked up.
    fn reverse(&self, ip: IpAddr) -> BoxFuture<'_, Option<ReverseDns>>;
}

/// No DNS: every target is one host, reverse DNS is "not looked up".
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLookups;

impl Lookups for NoLookups {
    fn mx<'a>(&'a self, _domain: &'a str) -> BoxFuture<'a, MxAnswer> {
        Box::pin(async { MxAnswer::NotLooked })
    }

    fn reverse(&self, _ip: IpAddr) -> BoxFuture<'_, Option<ReverseDns>> {
        Box::pin(async { None })
    }
}

/// The lookups over the bridge's DNS (`--dns-server`, else the system's servers): the MX
/// plan of RFC 5321 5.1 (`protocol::dns::mx`), and PTR names confirmed forward.
#[derive(Debug, Clone)]
pub struct DnsLookups {
    dns: Dns,
}

/// How many PTR names are confirmed forward (an address rarely has more than one).
const MAX_PTR_NAMES: usize = 4;

impl DnsLookups {
    /// Lookups over `dns`.
    pub fn new(dns: Dns) -> Self {
        Self { dns }
    }
}

/// A seed from the OS's randomness (the standard library's hasher keys), for the order
/// of equal MX preferences.
fn seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

impl Lookups for DnsLookups {
    fn mx<'a>(&'a self, domain: &'a str) -> BoxFuture<'a, MxAnswer> {
        Box::pin(async move {
            let records = match self.dns.mx(domain).await {
                Ok(found) => found
                    .value
                    .into_iter()
                    .map(|mx| MxRecord {
                        preference: mx.preference,
                        exchange: mx.exchange,
                    })
                    .collect(),
                Err(DnsError::NoRecords { .. }) => Vec::new(),
                Err(err) => return MxAnswer::Failed(err.to_string()),
            };
            let plan = MxPlan::new(domain, Some(&records), seed());
            match plan.kind {
                PlanKind::NullMx => MxAnswer::Null,
                PlanKind::Implicit => MxAnswer::Implicit,
                PlanKind::Listed => MxAnswer::Hosts(
                    plan.to_try()
                        .map(|host| (host.preference, host.name.clone()))
                        .collect(),
                ),
            }
        })
    }

    fn reverse(&self, ip: IpAddr) -> BoxFuture<'_, Option<ReverseDns>> {
        Box::pin(async move {
            let names = match self.dns.ptr(ip).await {
                Ok(found) => found.value,
                Err(DnsError::NoRecords { .. } | DnsError::NxDomain { .. }) => Vec::new(),
                Err(err) => {
                    return Some(ReverseDns {
                        error: Some(err.to_string()),
                        ..ReverseDns::default()
                    });
                }
            };
            let mut confirmed = Vec::new();
            for name in names.iter().take(MAX_PTR_NAMES) {
                if let Ok(found) = self.dns.addresses(name).await
                    && found
                        .value
                        .iter()
                        .any(|a| a.to_canonical() == ip.to_canonical())
                {
                    confirmed.push(name.clone());
                }
            }
            Some(ReverseDns {
                names,
                confirmed,
                error: None,
            })
        })
    }
}
