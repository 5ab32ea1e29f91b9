//! `GET /api/dns` through a validating resolver (`scripts/dnssec.sh`: unbound holding a
//! zone signed at every start, with its key as the trust anchor): the AD bit reaches every
//! fact, DANE is no longer said to be useless, a zone whose signatures do not validate is a
//! lookup failure that says why, and the same records through dnsmasq are not authenticated.

use e2e::{dns_addr, dnssec_addr};
use protocol::dns::{FactKind, FactStatus};

use crate::dns_facts::facts_from;

/// Every fact the signed zone holds (MTA-STS and TLS-RPT included).
const KINDS: [FactKind; 5] = [
    FactKind::Spf,
    FactKind::Dmarc,
    FactKind::MtaSts,
    FactKind::TlsRpt,
    FactKind::Tlsa,
];

#[tokio::test]
async fn the_signed_domain_is_authenticated_through_the_validating_resolver() {
    let record = facts_from(dnssec_addr(), "signed.playground.test").await;
    assert_eq!(record.mx.status, "found", "{:?}", record.mx);
    assert!(record.mx.authenticated, "unbound validated the MX answer");
    assert_eq!(record.mx.hosts[0].name, "mx.signed.playground.test");
    assert_eq!(record.mx.hosts[0].addresses[0].address, "127.0.0.1");
    for kind in KINDS {
        let fact = record
            .fact(kind)
            .unwrap_or_else(|| panic!("{kind:?} is reported"));
        assert_eq!(fact.status(), FactStatus::Found, "{fact:?}");
        assert!(fact.authenticated, "{kind:?}: the AD bit is set: {fact:?}");
    }
    let tlsa = record.fact(FactKind::Tlsa).expect("TLSA");
    assert_eq!(tlsa.name, "_25._tcp.mx.signed.playground.test");
    assert!(tlsa.records[0].starts_with("3 1 1 "), "{:?}", tlsa.records);
    assert!(
        !tlsa.has("tlsa-without-dnssec"),
        "validated TLSA records are usable: {:?}",
        tlsa.findings
    );
    assert!(
        tlsa.findings
            .iter()
            .all(|f| !f.en.contains("without DNSSEC")),
        "{:?}",
        tlsa.findings
    );
    assert!(
        tlsa.findings.iter().any(|f| f.en.contains("DANE-EE")),
        "the record itself is still explained: {:?}",
        tlsa.findings
    );
}

#[tokio::test]
async fn the_same_records_through_dnsmasq_are_not_authenticated() {
    let record = facts_from(dns_addr(), "signed.playground.test").await;
    assert_eq!(record.mx.status, "found", "{:?}", record.mx);
    assert!(!record.mx.authenticated, "dnsmasq does not validate");
    assert_eq!(record.mx.hosts[0].name, "mx.signed.playground.test");
    for kind in KINDS {
        let fact = record
            .fact(kind)
            .unwrap_or_else(|| panic!("{kind:?} is reported"));
        assert_eq!(fact.status(), FactStatus::Found, "{fact:?}");
        assert!(!fact.authenticated, "{kind:?}: no AD bit from dnsmasq");
    }
    let tlsa = record.fact(FactKind::Tlsa).expect("TLSA");
    assert!(tlsa.has("tlsa-without-dnssec"), "{:?}", tlsa.findings);
}

#[tokio::test]
async fn a_zone_that_fails_validation_is_a_lookup_failure_that_says_why() {
    let record = facts_from(dnssec_addr(), "bogus.playground.test").await;
    assert_eq!(record.mx.status, "unknown", "{:?}", record.mx);
    assert!(!record.mx.authenticated);
    assert!(record.mx.hosts.is_empty());
    let error = record.mx.error.as_deref().expect("the MX lookup failed");
    assert!(
        error.contains("bogus.playground.test")
            && error.contains("SERVFAIL")
            && error.contains("DNSSEC validation"),
        "{error}"
    );
    let spf = record.fact(FactKind::Spf).expect("SPF");
    assert_eq!(spf.status(), FactStatus::Unknown, "{spf:?}");
    assert!(!spf.authenticated);
    assert!(
        spf.error.as_deref().is_some_and(|e| e.contains("SERVFAIL")),
        "{spf:?}"
    );
}
