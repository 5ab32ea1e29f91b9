//! A domain's MX hosts as the bridge will try them: the MX query (`dns/`), the order of
//! RFC 5321 5.1 (`protocol::dns::mx`, with a seed from the OS), and for each host its one
//! A/AAAA resolution through the same [`Resolve`] as a typed host, each address classified
//! by the target rules exactly as a typed host's would be. Connect by MX (`relay/by_mx.rs`)
//! and the DNS facts (`facts.rs`) both start here, so both show the same verdicts.

use std::net::IpAddr;
use std::time::Duration;

use protocol::dns::mx::{MxHost, MxOddity, MxPlan, MxRecord, PlanKind};
use protocol::records::dns::{AddressRecord, FindingRecord, MxHostRecord, MxSection};
use protocol::wire::{MxList, MxListAddress, MxListHost};
use tokio::time::timeout;

use crate::dns::{Dns, DnsError};
use crate::policy::resolve::Resolve;
use crate::policy::target::TargetRules;

/// The most MX hosts resolved (and tried) for one domain: real domains list a handful;
/// a longer list would only multiply queries and connection attempts.
pub const MAX_HOSTS: usize = 8;
/// How long one host's address lookup may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// One MX host with its addresses and the target rules' verdicts.
#[derive(Debug, Clone)]
pub struct MxTarget {
    /// The host as planned (name, preference, oddity).
    pub host: MxHost,
    /// Its addresses (empty when skipped or when the lookup failed).
    pub addresses: Vec<IpAddr>,
    /// For each address: `None` when the rules allow it, else why not.
    pub verdicts: Vec<Option<String>>,
    /// The verdict on the host as a whole (one refused address refuses them all).
    pub refused: Option<String>,
    /// Why its addresses are unknown.
    pub error: Option<DnsError>,
}

impl MxTarget {
    /// Whether the bridge may try it: not skipped, addresses found, all of them allowed.
    pub fn usable(&self) -> bool {
        !self.skipped() && !self.addresses.is_empty() && self.refused.is_none()
    }

    /// A sender would not try it (an IP literal, a misplaced ".").
    pub fn skipped(&self) -> bool {
        self.host.oddity.as_ref().is_some_and(|odd| odd.skipped())
    }

    /// What to say next to it: its oddity, or why it has no addresses.
    fn note(&self) -> Option<String> {
        if let Some(oddity) = &self.host.oddity {
            return Some(oddity.explain().en);
        }
        if let Some(err) = &self.error {
            return Some(err.to_string());
        }
        if self.addresses.is_empty() {
            return Some(format!("{} has no IP address", self.host.name));
        }
        None
    }
}

/// The MX hosts of a domain, resolved and classified.
#[derive(Debug, Clone)]
pub struct MxResolution {
    /// The plan.
    pub plan: MxPlan,
    /// The AD bit of the MX answer.
    pub authenticated: bool,
    /// The hosts in order (at most [`MAX_HOSTS`]).
    pub targets: Vec<MxTarget>,
    /// DNS queries made (the MX query, two per host resolved, one more per host found for
    /// its alias).
    pub queries: usize,
}

/// Looks up the MX records of `domain` and resolves each host once.
///
/// # Errors
///
/// The MX query's [`DnsError`] when it failed other than "no MX records" (which is the
/// implicit MX); NXDOMAIN included: such a domain receives no mail.
pub async fn resolve(
    dns: &Dns,
    resolver: &dyn Resolve,
    rules: &TargetRules,
    domain: &str,
    port: u16,
    seed: u64,
) -> Result<MxResolution, DnsError> {
    let (records, authenticated) = match dns.mx(domain).await {
        Ok(found) => (
            Some(
                found
                    .value
                    .into_iter()
                    .map(|mx| MxRecord {
                        preference: mx.preference,
                        exchange: mx.exchange,
                    })
                    .collect::<Vec<_>>(),
            ),
            found.authenticated,
        ),
        Err(DnsError::NoRecords { .. }) => (None, false),
        Err(err) => return Err(err),
    };
    let plan = MxPlan::new(domain, records.as_deref(), seed);
    let mut queries = 1;
    let mut targets = Vec::new();
    for host in plan.hosts.iter().take(MAX_HOSTS) {
        let mut target = MxTarget {
            host: host.clone(),
            addresses: Vec::new(),
            verdicts: Vec::new(),
            refused: None,
            error: None,
        };
        if target.skipped() {
            targets.push(target);
            continue;
        }
        queries += 2;
        match timeout(RESOLVE_TIMEOUT, resolver.resolve(&host.name)).await {
            Err(_) => {
                target.error = Some(DnsError::Timeout {
                    name: host.name.clone(),
                    kind: crate::dns::RecordKind::A,
                    seconds: RESOLVE_TIMEOUT.as_secs(),
                });
            }
            Ok(Err(cause)) => {
                target.error = Some(if cause.kind() == std::io::ErrorKind::NotFound {
                    DnsError::NxDomain {
                        name: host.name.clone(),
                    }
                } else {
                    DnsError::Network {
                        name: host.name.clone(),
                        kind: crate::dns::RecordKind::A,
                        cause: cause.to_string(),
                    }
                });
            }
            Ok(Ok(ips)) => target.addresses = ips,
        }
        if !target.addresses.is_empty() {
            // Whether the name is an alias: RFC 5321 5.1 wants the host itself. One more
            // query, read for its CNAME only; its addresses were taken above.
            queries += 1;
            if let Ok(Ok(answer)) = timeout(
                RESOLVE_TIMEOUT,
                dns.lookup().query(&host.name, crate::dns::RecordKind::A),
            )
            .await
                && let Some(canonical) = answer.canonical
            {
                target.host.oddity = Some(MxOddity::Alias(canonical));
            }
        }
        classify(&mut target, rules, port);
        targets.push(target);
    }
    Ok(MxResolution {
        plan,
        authenticated,
        targets,
        queries,
    })
}

/// The target rules' verdict on each address and on the host.
fn classify(target: &mut MxTarget, rules: &TargetRules, port: u16) {
    match rules.parse(&target.host.name, port) {
        Err(err) => {
            let reason = err.to_string();
            target.verdicts = vec![Some(reason.clone()); target.addresses.len()];
            target.refused = Some(reason);
        }
        Ok(parsed) => {
            target.verdicts = target
                .addresses
                .iter()
                .map(|ip| {
                    rules
                        .check_addresses(&parsed, std::slice::from_ref(ip))
                        .err()
                        .map(|err| err.to_string())
                })
                .collect();
            if !target.addresses.is_empty() {
                target.refused = rules
                    .check_addresses(&parsed, &target.addresses)
                    .err()
                    .map(|err| err.to_string());
            }
        }
    }
}

impl MxResolution {
    /// The `mx_list` message.
    pub fn to_wire(&self) -> MxList {
        MxList {
            domain: self.plan.domain.clone(),
            null_mx: self.plan.kind == PlanKind::NullMx,
            implicit: self.plan.kind == PlanKind::Implicit,
            hosts: self
                .targets
                .iter()
                .map(|target| MxListHost {
                    preference: target.host.preference,
                    name: target.host.name.clone(),
                    addresses: target
                        .addresses
                        .iter()
                        .zip(&target.verdicts)
                        .map(|(ip, verdict)| MxListAddress {
                            address: ip.to_string(),
                            allowed: verdict.is_none(),
                            reason: verdict.clone(),
                        })
                        .collect(),
                    note: target.note(),
                })
                .collect(),
        }
    }

    /// The MX part of the DNS facts.
    pub fn to_record(&self) -> MxSection {
        let status = match self.plan.kind {
            PlanKind::Listed if self.plan.to_try().next().is_none() => "broken",
            PlanKind::Listed | PlanKind::NullMx => "found",
            PlanKind::Implicit => "missing",
        };
        MxSection {
            status: status.to_owned(),
            null_mx: self.plan.kind == PlanKind::NullMx,
            implicit: self.plan.kind == PlanKind::Implicit,
            authenticated: self.authenticated,
            error: None,
            hosts: self
                .targets
                .iter()
                .map(|target| MxHostRecord {
                    preference: target.host.preference,
                    name: target.host.name.clone(),
                    skipped: target.skipped(),
                    note: target.host.oddity.as_ref().map(|odd| odd.explain()),
                    error: target.error.as_ref().map(ToString::to_string),
                    addresses: target
                        .addresses
                        .iter()
                        .zip(&target.verdicts)
                        .map(|(ip, verdict)| AddressRecord {
                            address: ip.to_string(),
                            allowed: verdict.is_none(),
                            reason: verdict.clone(),
                        })
                        .collect(),
                })
                .collect(),
            findings: self.plan.findings.iter().map(FindingRecord::from).collect(),
        }
    }
}

/// A seed for the order of equal preferences, from the operating system's random source.
pub fn os_seed() -> u64 {
    use ring::rand::SecureRandom as _;
    let mut bytes = [0u8; 8];
    if ring::rand::SystemRandom::new().fill(&mut bytes).is_err() {
        tracing::warn!("no random bytes for the MX order; equal preferences keep DNS order");
    }
    u64::from_le_bytes(bytes)
}
