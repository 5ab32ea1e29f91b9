//! The DNS facts of a mail domain (`GET /api/dns`, `smtp-playground dns`): its MX hosts
//! with the target rules' verdict on each address (`mx.rs`), SPF with its lookup count
//! across includes, DMARC, MTA-STS, TLS-RPT, and the TLSA records of each MX host, each
//! judged by `protocol::dns` and written as `protocol::records::dns`. At most
//! [`QUERY_BUDGET`] DNS queries per report, so one request cannot make the bridge flood a
//! resolver (a chain of SPF includes could otherwise ask for hundreds).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::future::BoxFuture;
use protocol::dns::policy::{dmarc, mta_sts, tls_rpt};
use protocol::dns::spf::SpfCheck;
use protocol::dns::tlsa::{TlsaRecord, tlsa, tlsa_name};
use protocol::dns::{Fact, FactKind};
use protocol::records::dns::{DnsFactsRecord, FactRecord, MxSection};

use crate::dns::{Answer, Authenticated, Dns, DnsError, DnsLookup, RecordKind};
use crate::policy::resolve::Resolve;
use crate::policy::target::TargetRules;

/// The most DNS queries one report makes, SPF includes and MX host addresses included.
pub const QUERY_BUDGET: usize = 30;
/// The most time one report spends on DNS: with a resolver that does not answer, each
/// query would otherwise take its full timeout, one after the other.
pub const TIME_BUDGET: std::time::Duration = std::time::Duration::from_secs(20);
/// The SMTP port the MX hosts' addresses are judged for.
const SMTP_PORT: u16 = 25;

/// Counts queries and refuses those over the budget.
#[derive(Debug)]
struct Budgeted {
    inner: Arc<dyn DnsLookup>,
    used: AtomicUsize,
    limit: usize,
    deadline: tokio::time::Instant,
}

impl Budgeted {
    /// Counts `n` queries made elsewhere (the MX hosts' addresses).
    fn charge(&self, n: usize) {
        self.used.fetch_add(n, Ordering::Relaxed);
    }

    fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }
}

impl DnsLookup for Budgeted {
    fn query<'a>(
        &'a self,
        name: &'a str,
        kind: RecordKind,
    ) -> BoxFuture<'a, Result<Answer, DnsError>> {
        if self.used.fetch_add(1, Ordering::Relaxed) >= self.limit {
            self.used.fetch_sub(1, Ordering::Relaxed);
            let limit = self.limit;
            return Box::pin(async move { Err(DnsError::Budget(limit)) });
        }
        let out_of_time = DnsError::OutOfTime(TIME_BUDGET.as_secs());
        let deadline = self.deadline;
        Box::pin(async move {
            tokio::time::timeout_at(deadline, self.inner.query(name, kind))
                .await
                .unwrap_or(Err(out_of_time))
        })
    }
}

/// A TXT-based fact from a lookup result: records, none (missing), or failed (unknown).
fn txt_fact(
    kind: FactKind,
    name: &str,
    result: Result<Authenticated<Vec<String>>, DnsError>,
    judge: impl FnOnce(&str, &[String]) -> Fact,
) -> FactRecord {
    match result {
        Ok(found) => FactRecord::new(&judge(name, &found.value), found.authenticated),
        Err(err) if err.is_absent() => FactRecord::new(&judge(name, &[]), false),
        Err(err) => FactRecord::failed(kind, name, &err.to_string()),
    }
}

/// Gathers the facts of `domain` (already checked as a host name).
pub async fn gather(
    lookup: Arc<dyn DnsLookup>,
    resolver: &dyn Resolve,
    rules: &TargetRules,
    domain: &str,
) -> DnsFactsRecord {
    let budget = Arc::new(Budgeted {
        inner: lookup,
        used: AtomicUsize::new(0),
        limit: QUERY_BUDGET,
        deadline: tokio::time::Instant::now() + TIME_BUDGET,
    });
    let dns = Dns::new(Arc::clone(&budget) as Arc<dyn DnsLookup>);
    let mut record = DnsFactsRecord {
        domain: domain.to_owned(),
        ..DnsFactsRecord::default()
    };
    let mut tlsa_hosts = Vec::new();
    match crate::mx::resolve(
        &dns,
        resolver,
        rules,
        domain,
        SMTP_PORT,
        crate::mx::os_seed(),
    )
    .await
    {
        Ok(resolution) => {
            // The MX query went through the budget; the hosts' addresses did not.
            budget.charge(resolution.queries.saturating_sub(1));
            tlsa_hosts = resolution
                .targets
                .iter()
                .filter(|target| !target.skipped())
                .map(|target| target.host.name.clone())
                .collect();
            record.mx = resolution.to_record();
        }
        Err(err) => {
            record.mx = MxSection {
                status: if err.is_absent() {
                    "missing"
                } else {
                    "unknown"
                }
                .to_owned(),
                error: Some(err.to_string()),
                ..MxSection::default()
            };
        }
    }

    // SPF: the domain's TXT records, then each include and redirect target in turn.
    let top = dns.txt(domain).await;
    let spf = match &top {
        Ok(found) => {
            let mut check = SpfCheck::new(domain, &found.value);
            while let Some(next) = check.next_fetch() {
                match dns.txt(&next).await {
                    Ok(found) => check.provide(&next, Some(&found.value)),
                    Err(err) if err.is_absent() => check.provide(&next, None),
                    // Out of budget or a failing server: the count stays a lower bound.
                    Err(_) => break,
                }
            }
            FactRecord::new(&check.finish(), found.authenticated)
        }
        Err(err) if err.is_absent() => FactRecord::new(&SpfCheck::new(domain, &[]).finish(), false),
        Err(err) => FactRecord::failed(FactKind::Spf, domain, &err.to_string()),
    };
    record.facts.push(spf);

    let name = format!("_dmarc.{domain}");
    record.facts.push(txt_fact(
        FactKind::Dmarc,
        &name,
        dns.txt(&name).await,
        dmarc,
    ));
    let name = format!("_mta-sts.{domain}");
    record.facts.push(txt_fact(
        FactKind::MtaSts,
        &name,
        dns.txt(&name).await,
        mta_sts,
    ));
    let name = format!("_smtp._tls.{domain}");
    record.facts.push(txt_fact(
        FactKind::TlsRpt,
        &name,
        dns.txt(&name).await,
        tls_rpt,
    ));

    for host in tlsa_hosts {
        let name = tlsa_name(&host);
        let fact = match dns.tlsa(&name).await {
            Ok(found) => {
                let records: Vec<TlsaRecord> = found
                    .value
                    .iter()
                    .map(|t| TlsaRecord {
                        usage: t.usage,
                        selector: t.selector,
                        matching: t.matching,
                        data: t.data.clone(),
                    })
                    .collect();
                FactRecord::new(
                    &tlsa(&host, &records, found.authenticated),
                    found.authenticated,
                )
            }
            Err(err) if err.is_absent() => FactRecord::new(&tlsa(&host, &[], false), false),
            Err(err) => FactRecord::failed(FactKind::Tlsa, &name, &err.to_string()),
        };
        record.facts.push(fact);
    }
    record.queries = budget.used() as u64;
    record
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::{Mx, Rdata, StaticDns};
    use crate::policy::PolicyConfig;

    fn txt(text: &str) -> Result<Answer, DnsError> {
        Ok(Answer {
            records: vec![Rdata::Txt(text.to_owned())],
            ..Answer::default()
        })
    }

    /// A resolver that never answers.
    #[derive(Debug)]
    struct Silent;

    impl DnsLookup for Silent {
        fn query<'a>(
            &'a self,
            _name: &'a str,
            _kind: RecordKind,
        ) -> BoxFuture<'a, Result<Answer, DnsError>> {
            Box::pin(std::future::pending())
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_resolver_costs_the_time_budget_once_not_per_query() {
        let lookup: Arc<dyn DnsLookup> = Arc::new(Silent);
        let resolver = crate::dns::DnsResolver::new(Arc::clone(&lookup));
        let rules = PolicyConfig::default().resolve().targets;
        let started = tokio::time::Instant::now();
        let record = gather(lookup, &resolver, &rules, "slow.test").await;
        assert_eq!(started.elapsed(), TIME_BUDGET);
        assert_eq!(record.mx.status, "unknown");
        assert!(
            record.facts.iter().all(|f| f.status == "unknown"),
            "{record:?}"
        );
        assert!(
            record.facts[0]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("ran out"))
        );
    }

    #[tokio::test]
    async fn spf_includes_count_and_the_budget_holds() {
        let mut table = StaticDns::new()
            .with(
                "loop.test",
                RecordKind::Mx,
                Ok(Answer {
                    records: vec![Rdata::Mx(Mx {
                        preference: 10,
                        exchange: "mx.loop.test".to_owned(),
                    })],
                    ..Answer::default()
                }),
            )
            .with(
                "mx.loop.test",
                RecordKind::A,
                Ok(Answer {
                    records: vec![Rdata::A([192, 0, 2, 1].into())],
                    ..Answer::default()
                }),
            )
            .with(
                "loop.test",
                RecordKind::Txt,
                txt("v=spf1 include:i0.loop.test -all"),
            );
        // A chain of 40 includes: far over the budget.
        for i in 0..40 {
            table = table.with(
                &format!("i{i}.loop.test"),
                RecordKind::Txt,
                txt(&format!("v=spf1 include:i{}.loop.test -all", i + 1)),
            );
        }
        let lookup: Arc<dyn DnsLookup> = Arc::new(table);
        let resolver = crate::dns::DnsResolver::new(Arc::clone(&lookup));
        let rules = PolicyConfig::default().resolve().targets;
        let record = gather(lookup, &resolver, &rules, "loop.test").await;
        assert!(
            record.queries as usize <= QUERY_BUDGET,
            "{}",
            record.queries
        );
        let spf = record.fact(FactKind::Spf).expect("spf");
        assert!(spf.has("spf-too-many-lookups"), "{spf:?}");
        assert!(spf.has("spf-not-followed"));
        assert_eq!(record.mx.hosts.len(), 1);
        assert!(
            record.mx.hosts[0].addresses[0].allowed,
            "the local profile allows it"
        );
        assert_eq!(
            record.fact(FactKind::Dmarc).map(|f| f.status.as_str()),
            Some("missing")
        );
    }
}
