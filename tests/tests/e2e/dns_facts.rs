//! `GET /api/dns` against the real test zones (`scripts/dns/zones.conf`, dnsmasq): every
//! fact of the good domain found, the broken domain's faults named, and the AD flag false
//! (dnsmasq does not validate).

use std::net::SocketAddr;

use bridge::Config;
use bridge::sandbox::SandboxConfig;
use e2e::{BridgeHandle, WAIT, dns_addr, start_bridge_with};
use protocol::dns::{FactKind, FactStatus};
use protocol::records::Shape;
use protocol::records::dns::DnsFactsRecord;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::timeout;

/// `GET path` from the bridge: the status line and the body.
pub(crate) async fn get(bridge: SocketAddr, path: &str) -> (String, String) {
    let response = timeout(WAIT, async {
        let mut tcp = tokio::net::TcpStream::connect(bridge).await?;
        tcp.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {bridge}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await?;
        let mut text = String::new();
        tcp.read_to_string(&mut text).await?;
        std::io::Result::Ok(text)
    })
    .await
    .expect("an answer within the wait")
    .expect("a readable answer");
    let (head, body) = response.split_once("\r\n\r\n").expect("headers and body");
    let status = head.lines().next().unwrap_or_default().to_owned();
    (status, body.to_owned())
}

/// A local bridge without a sandbox, asking the test zones' DNS server.
async fn dns_bridge() -> (SocketAddr, BridgeHandle) {
    bridge_asking(dns_addr()).await
}

/// A local bridge without a sandbox, asking the DNS server at `server`.
pub(crate) async fn bridge_asking(server: SocketAddr) -> (SocketAddr, BridgeHandle) {
    start_bridge_with(Config {
        dns_server: Some(server),
        sandbox: Box::new(SandboxConfig {
            disabled: true,
            ..SandboxConfig::default()
        }),
        ..Config::default()
    })
    .await
}

async fn facts(domain: &str) -> DnsFactsRecord {
    facts_from(dns_addr(), domain).await
}

/// The DNS facts of `domain` from `GET /api/dns` of a bridge asking `server`.
pub(crate) async fn facts_from(server: SocketAddr, domain: &str) -> DnsFactsRecord {
    let (bridge, handle) = bridge_asking(server).await;
    let (status, body) = get(bridge, &format!("/api/dns?domain={domain}")).await;
    assert!(status.contains("200"), "{status}: {body}");
    handle.stop().await;
    DnsFactsRecord::decode(&body).expect("the DNS facts record")
}

#[tokio::test]
async fn the_good_domain_has_every_fact_and_tlsa_is_said_to_need_dnssec() {
    let record = facts("good.playground.test").await;
    assert_eq!(record.domain, "good.playground.test");
    assert_eq!(record.mx.status, "found");
    assert!(!record.mx.authenticated, "dnsmasq does not validate");
    assert_eq!(record.mx.hosts[0].name, "mx.good.playground.test");
    assert_eq!(record.mx.hosts[0].addresses[0].address, "127.0.0.1");
    for kind in [
        FactKind::Spf,
        FactKind::Dmarc,
        FactKind::MtaSts,
        FactKind::TlsRpt,
        FactKind::Tlsa,
    ] {
        let fact = record
            .fact(kind)
            .unwrap_or_else(|| panic!("{kind:?} is reported"));
        assert_eq!(fact.status(), FactStatus::Found, "{fact:?}");
        assert!(!fact.authenticated, "{kind:?}: dnsmasq sets no AD bit");
        assert!(!fact.meaning.en.is_empty() && !fact.meaning.zh.is_empty());
        assert!(!fact.records.is_empty());
    }
    assert_eq!(record.fact(FactKind::Spf).and_then(|f| f.lookups), Some(1));
    let tlsa = record.fact(FactKind::Tlsa).expect("TLSA");
    assert_eq!(tlsa.name, "_25._tcp.mx.good.playground.test");
    assert!(tlsa.records[0].starts_with("3 1 1 "), "{:?}", tlsa.records);
    assert!(tlsa.has("tlsa-without-dnssec"));
    assert!(
        tlsa.findings
            .iter()
            .any(|f| f.en.contains("DNSSEC") && f.zh.contains("DNSSEC"))
    );
    assert!(
        record.queries > 0 && record.queries <= 30,
        "{}",
        record.queries
    );
}

#[tokio::test]
async fn the_broken_domain_has_its_faults_named() {
    let record = facts("broken.playground.test").await;
    let spf = record.fact(FactKind::Spf).expect("SPF");
    assert_eq!(spf.status(), FactStatus::Broken);
    assert!(
        spf.has("spf-several-records"),
        "two SPF records are a permerror"
    );
    assert_eq!(spf.lookups, Some(12));
    let too_many = spf
        .findings
        .iter()
        .find(|f| f.id == "spf-too-many-lookups")
        .expect("the lookup count is flagged");
    assert!(
        too_many.en.contains("12") && too_many.en.contains("10"),
        "{}",
        too_many.en
    );
    let dmarc = record.fact(FactKind::Dmarc).expect("DMARC");
    assert_eq!(dmarc.status(), FactStatus::Broken);
    assert!(dmarc.has("dmarc-version-not-first"));
    assert!(dmarc.has("dmarc-bad-pct"));
    assert!(
        record
            .fact(FactKind::MtaSts)
            .is_some_and(|f| f.has("mta-sts-no-id"))
    );
    assert_eq!(
        record.fact(FactKind::TlsRpt).map(|f| f.status()),
        Some(FactStatus::Missing)
    );
}

#[tokio::test]
async fn bad_names_are_refused_before_any_query() {
    let (bridge, handle) = dns_bridge().await;
    for path in [
        "/api/dns",
        "/api/dns?domain=0x7f000001",
        "/api/dns?domain=a_b..c",
        "/api/dns?domain=127.0.0.1",
    ] {
        let (status, body) = get(bridge, path).await;
        assert!(status.contains("400"), "{path}: {status}");
        assert!(body.contains("\"error\""), "{body}");
    }
    let alias = facts("cname-mx.playground.test").await;
    let note = alias.mx.hosts[0].note.as_ref().expect("the alias is noted");
    assert!(
        note.en.contains("live.two-mx.playground.test") && note.en.contains("CNAME"),
        "{note:?}"
    );
    assert!(!alias.mx.hosts[0].skipped, "senders still follow an alias");
    let record = facts("null-mx.playground.test").await;
    assert!(record.mx.null_mx);
    assert!(record.mx.hosts.is_empty());
    handle.stop().await;
}

/// The resolver itself against dnsmasq: PTR, a CNAME, NXDOMAIN apart from no records, and
/// the null MX as DNS gives it (what the server check and connect by MX build on).
#[tokio::test]
async fn the_resolver_reads_the_test_zones() {
    use bridge::dns::{Dns, DnsError, HickoryDns, RecordKind};
    use std::sync::Arc;
    let lookup = Arc::new(HickoryDns::new(vec![dns_addr()]));
    let dns = Dns::new(lookup.clone());
    let ptr = dns
        .ptr("127.0.0.2".parse().expect("an address"))
        .await
        .expect("a PTR record");
    assert_eq!(ptr.value, ["live.two-mx.playground.test"]);
    assert!(!ptr.authenticated);
    let alias = bridge::dns::DnsLookup::query(
        lookup.as_ref(),
        "alias.cname-mx.playground.test",
        RecordKind::A,
    )
    .await
    .expect("the alias resolves");
    assert_eq!(
        alias.canonical.as_deref(),
        Some("live.two-mx.playground.test")
    );
    let null = dns
        .mx("null-mx.playground.test")
        .await
        .expect("the null MX");
    assert_eq!(null.value.len(), 1);
    assert_eq!(
        (null.value[0].preference, null.value[0].exchange.as_str()),
        (0, "")
    );
    assert!(matches!(
        dns.mx("nothing.playground.test").await,
        Err(DnsError::NxDomain { .. })
    ));
    assert!(matches!(
        dns.mx("a-only.playground.test").await,
        Err(DnsError::NoRecords {
            kind: RecordKind::Mx,
            ..
        })
    ));
    let addresses = dns
        .addresses("mx.good.playground.test")
        .await
        .expect("addresses");
    assert_eq!(
        addresses.value,
        ["127.0.0.1".parse::<std::net::IpAddr>().expect("ip")]
    );
}
