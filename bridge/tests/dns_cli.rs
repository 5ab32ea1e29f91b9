//! `smtp-playground dns` as a user runs it: the real binary against the test zones' DNS
//! server (`scripts/dns.sh`, exported as `SMTP_PLAYGROUND_DNS` by `scripts/test.sh`), and
//! against the validating resolver of the signed zone (`scripts/dnssec.sh`, exported as
//! `SMTP_PLAYGROUND_DNSSEC`).

use std::process::Command;

use protocol::dns::FactKind;
use protocol::records::Shape;
use protocol::records::dns::DnsFactsRecord;

fn dns_server() -> String {
    std::env::var("SMTP_PLAYGROUND_DNS").unwrap_or_else(|_| {
        panic!(
            "SMTP_PLAYGROUND_DNS is not set: this test needs the test zones' DNS server; run \
             scripts/test.sh, or eval \"$(scripts/dns.sh start)\""
        )
    })
}

fn dnssec_server() -> String {
    std::env::var("SMTP_PLAYGROUND_DNSSEC").unwrap_or_else(|_| {
        panic!(
            "SMTP_PLAYGROUND_DNSSEC is not set: this test needs the validating resolver of the \
             signed test zones; run scripts/test.sh, or eval \"$(scripts/dnssec.sh start)\""
        )
    })
}

fn run(args: &[&str]) -> String {
    run_with(&dns_server(), args)
}

/// `smtp-playground dns --dns-server SERVER ARGS`; its standard output, after it succeeded.
fn run_with(server: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_smtp-playground"))
        .args(["dns", "--dns-server", server])
        .args(args)
        .output()
        .expect("run smtp-playground");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn json_is_the_api_record() {
    let text = run(&["--format", "json", "broken.playground.test"]);
    let record = DnsFactsRecord::decode(text.trim()).expect("one DNS facts record");
    assert_eq!(record.domain, "broken.playground.test");
    let spf = record.fact(FactKind::Spf).expect("SPF");
    assert_eq!(spf.lookups, Some(12));
    assert!(spf.has("spf-too-many-lookups"));
}

#[test]
fn text_in_english_and_chinese() {
    let en = run(&["good.playground.test"]);
    assert!(en.contains("DNS facts of good.playground.test"), "{en}");
    assert!(en.contains("10 mx.good.playground.test"), "{en}");
    assert!(en.contains("127.0.0.1 (allowed)"), "{en}");
    assert!(en.contains("without DNSSEC validation"), "{en}");
    let zh = run(&["--lang", "zh-CN", "broken.playground.test"]);
    assert!(zh.contains("broken.playground.test 的 DNS 信息"), "{zh}");
    assert!(zh.contains("12 次 DNS 查询"), "{zh}");
    assert!(zh.contains("v=DMARC1"), "{zh}");
}

#[test]
fn a_name_that_is_not_a_domain_fails_with_a_reason() {
    let out = Command::new(env!("CARGO_BIN_EXE_smtp-playground"))
        .args(["dns", "--dns-server", "127.0.0.1:9", "0x7f000001"])
        .output()
        .expect("run smtp-playground");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("canonical IPv4"));
}

#[test]
fn json_of_the_signed_domain_is_authenticated_through_the_validating_resolver() {
    let text = run_with(
        &dnssec_server(),
        &["--format", "json", "signed.playground.test"],
    );
    let record = DnsFactsRecord::decode(text.trim()).expect("one DNS facts record");
    assert!(record.mx.authenticated, "{:?}", record.mx);
    assert_eq!(record.mx.hosts[0].name, "mx.signed.playground.test");
    let tlsa = record.fact(FactKind::Tlsa).expect("TLSA");
    assert!(tlsa.authenticated, "{tlsa:?}");
    assert!(!tlsa.has("tlsa-without-dnssec"), "{:?}", tlsa.findings);
    let unsigned = run(&["--format", "json", "signed.playground.test"]);
    let unsigned = DnsFactsRecord::decode(unsigned.trim()).expect("one DNS facts record");
    assert!(!unsigned.mx.authenticated, "dnsmasq does not validate");
}
