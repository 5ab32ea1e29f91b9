//! The server check against real servers on loopback: the project's Postfix closed and as
//! an open relay, aiosmtpd, a STARTTLS server whose certificate names another host, the
//! page's endpoint in both profiles, and domain mode over the dnsmasq test zones.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use bridge::Config;
use bridge::check::{CheckOptions, Events, Target, check_standalone};
use bridge::policy::PolicyConfig;
use bridge::sandbox::SandboxConfig;
use e2e::aiosmtpd::{Aiosmtpd, certificate_for, sha1_certificate_for};
use e2e::raw_smtp::Aiosmtpd as AuthAiosmtpd;
use e2e::sandbox::http_with;
use e2e::security::{roomy_public_policy, start_bridge_at};
use e2e::{env_addr, postfix_addr, postfix_submission_addr, start_bridge_with};
use protocol::annotate::Direction;
use protocol::check::Verdict;
use protocol::records::Shape;
use protocol::records::check::{CheckEvent, CheckReport, HostRecord, ItemRecord};

/// The test Postfix's listener that relays for anyone on loopback and offers AUTH before
/// TLS (scripts/postfix.sh).
fn open_relay_addr() -> SocketAddr {
    env_addr("SMTP_PLAYGROUND_POSTFIX_OPEN_RELAY")
}

/// Checks `target` as `smtp-playground check` does, in the local profile.
async fn check(target: &str, options: &CheckOptions, dns: Option<SocketAddr>) -> CheckReport {
    let target = Target::parse(target).expect("a valid target");
    check_target(&target, options, dns).await
}

async fn check_target(
    target: &Target,
    options: &CheckOptions,
    dns: Option<SocketAddr>,
) -> CheckReport {
    let report = tokio::time::timeout(
        e2e::WAIT * 3,
        check_standalone(
            &PolicyConfig::default(),
            target,
            options,
            bridge::Hooks::for_dns_server(dns),
            &Events::default(),
        ),
    )
    .await
    .expect("the check ends within the wait");
    // Every report survives its JSON.
    assert_eq!(
        CheckReport::decode(&report.encode()).expect("decodes"),
        report
    );
    report
}

fn verdict(host: &HostRecord, id: &str) -> Verdict {
    item(host, id).verdict
}

fn item<'a>(host: &'a HostRecord, id: &str) -> &'a ItemRecord {
    host.items
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("no item {id} in {:?}", host.items))
}

/// What [`certificate_for`] and its kin return.
type Certificate = anyhow::Result<(PathBuf, PathBuf)>;

/// Checks an aiosmtpd offering STARTTLS with a certificate for `other.example` that
/// `make` writes (in a directory of its own, named with `tag`).
async fn check_aiosmtpd_with(make: fn(&str, &Path) -> Certificate, tag: &str) -> CheckReport {
    let dir = std::env::temp_dir().join(format!(
        "smtp-playground-check-{tag}-{}",
        std::process::id()
    ));
    let (cert, key) = make("other.example", &dir).expect("a certificate");
    let server = Aiosmtpd::start_starttls(&cert, &key).expect("aiosmtpd with STARTTLS");
    let report = check(&server.addr.to_string(), &CheckOptions::default(), None).await;
    let _ = std::fs::remove_dir_all(&dir);
    report
}

/// What the probe wrote, in order.
fn sent(host: &HostRecord) -> Vec<String> {
    host.lines
        .iter()
        .filter_map(|l| l.en.as_ref())
        .filter(|r| r.direction == Direction::Client)
        .map(|r| r.text.clone())
        .collect()
}

fn only_host(report: &CheckReport) -> &HostRecord {
    assert_eq!(report.hosts.len(), 1, "{report:?}");
    &report.hosts[0]
}

/// Every line in both languages, and never DATA or BDAT.
fn assert_polite_and_bilingual(host: &HostRecord) {
    for line in &host.lines {
        let (en, zh) = (line.en.as_ref().expect("en"), line.zh.as_ref().expect("zh"));
        assert_eq!(en.text, zh.text);
        if en.direction != Direction::Note {
            assert_ne!(en.title, zh.title, "{}", en.text);
        }
    }
    for line in sent(host) {
        let verb = line
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        assert!(verb != "DATA" && verb != "BDAT", "{line}");
    }
}

#[tokio::test]
async fn closed_postfix_and_open_relay_postfix_are_told_apart() {
    let options = CheckOptions::default();
    let closed = check(&postfix_addr().to_string(), &options, None).await;
    let open = check(&open_relay_addr().to_string(), &options, None).await;
    let (closed, open) = (only_host(&closed), only_host(&open));
    assert_polite_and_bilingual(closed);
    assert_polite_and_bilingual(open);
    assert_eq!(
        verdict(closed, "open-relay"),
        Verdict::Pass,
        "{:?}",
        sent(closed)
    );
    assert_eq!(
        verdict(open, "open-relay"),
        Verdict::Fail,
        "{:?}",
        sent(open)
    );
    for host in [closed, open] {
        assert_eq!(verdict(host, "banner"), Verdict::Pass);
        assert_eq!(verdict(host, "ehlo"), Verdict::Pass);
        assert_eq!(verdict(host, "postmaster"), Verdict::Pass);
        assert_eq!(host.address.as_deref(), Some("127.0.0.1"));
        let stages: Vec<&str> = host.timings.iter().map(|t| t.stage.as_str()).collect();
        assert_eq!(&stages[..3], ["connect", "banner", "EHLO"], "{stages:?}");
        let rcpt = sent(host);
        assert!(
            rcpt.contains(&"RCPT TO:<relay-test@example.net>".to_owned()),
            "{rcpt:?}"
        );
        assert_eq!(rcpt.last().map(String::as_str), Some("QUIT"));
    }
    // The plain port offers no STARTTLS; the open relay's does, with a certificate for
    // postfix.test and 127.0.0.1.
    assert_eq!(verdict(closed, "starttls"), Verdict::Fail);
    assert_eq!(verdict(open, "starttls"), Verdict::Pass);
    assert_eq!(verdict(open, "tls-handshake"), Verdict::Pass);
    assert_eq!(verdict(open, "cert-chain"), Verdict::Fail, "self-signed");
    // scripts/postfix.sh makes an RSA 2048 key, signed with SHA-256.
    let key = item(open, "cert-key");
    assert_eq!(
        (key.verdict, key.value.as_str()),
        (Verdict::Pass, "RSA 2048"),
        "{key:?}"
    );
    assert_eq!(verdict(open, "cert-signature"), Verdict::Pass);
    assert_eq!(verdict(closed, "cert-key"), Verdict::NotTested, "no TLS");
    assert_eq!(
        verdict(open, "cert-name"),
        Verdict::Pass,
        "the address is in the certificate"
    );
    // The relay refusal is explained as one, line by line as a session would.
    let refusal = closed
        .lines
        .iter()
        .filter_map(|l| l.en.as_ref())
        .find(|r| r.text.contains("relay-test@example.net") && r.direction == Direction::Server)
        .expect("the refusal of the outside recipient");
    assert!(refusal.code.is_some_and(|c| c >= 500), "{refusal:?}");
}

#[tokio::test]
async fn auth_before_tls_fails_on_a_submission_port_and_passes_when_only_after_tls() {
    let submission = CheckOptions {
        submission: true,
        ..CheckOptions::default()
    };
    let open = check(&open_relay_addr().to_string(), &submission, None).await;
    let open = only_host(&open);
    assert_eq!(verdict(open, "auth-before-tls"), Verdict::Fail);
    let item = open
        .items
        .iter()
        .find(|i| i.id == "auth-before-tls")
        .expect("item");
    assert!(item.reference.contains("RFC 8314"), "{item:?}");
    assert!(
        item.zh.explanation.contains("smtpd_tls_auth_only"),
        "{item:?}"
    );
    // On port 25 (not told it is submission) the same server is a warning.
    let plain = check(
        &open_relay_addr().to_string(),
        &CheckOptions::default(),
        None,
    )
    .await;
    assert_eq!(verdict(only_host(&plain), "auth-before-tls"), Verdict::Warn);
    // The real submission listener offers AUTH only inside TLS.
    let good = check(&postfix_submission_addr().to_string(), &submission, None).await;
    let good = only_host(&good);
    assert_eq!(verdict(good, "auth-before-tls"), Verdict::Pass);
    assert_eq!(verdict(good, "starttls"), Verdict::Pass);
    let sent = sent(good);
    assert_eq!(
        &sent[..3],
        [
            "EHLO smtp-playground.invalid",
            "STARTTLS",
            "EHLO smtp-playground.invalid"
        ]
    );
    assert!(
        good.lines
            .iter()
            .filter_map(|l| l.en.as_ref())
            .any(|r| r.tls),
        "lines inside TLS"
    );
}

#[tokio::test]
async fn aiosmtpd_is_checked_and_found_to_relay() {
    let server = AuthAiosmtpd::start().await;
    let report = check(&server.addr.to_string(), &CheckOptions::default(), None).await;
    let host = only_host(&report);
    assert_polite_and_bilingual(host);
    assert_eq!(verdict(host, "banner"), Verdict::Pass);
    assert_eq!(verdict(host, "ehlo"), Verdict::Pass);
    // aiosmtpd's Sink accepts every recipient, and offers AUTH without TLS.
    assert_eq!(verdict(host, "open-relay"), Verdict::Fail);
    assert_eq!(verdict(host, "starttls"), Verdict::Fail);
    assert_eq!(verdict(host, "auth-before-tls"), Verdict::Warn);
    assert_eq!(verdict(host, "tls-version"), Verdict::NotTested);
    assert!(report.failed());
}

#[tokio::test]
async fn a_certificate_for_another_host_is_flagged_though_the_check_goes_on() {
    let report = check_aiosmtpd_with(certificate_for, "sha256").await;
    let host = only_host(&report);
    assert_eq!(verdict(host, "tls-handshake"), Verdict::Pass);
    assert_eq!(verdict(host, "cert-name"), Verdict::Fail);
    let name = item(host, "cert-name");
    assert!(name.value.contains("other.example"), "{name:?}");
    assert!(name.en.title.contains("127.0.0.1"), "{name:?}");
    assert_eq!(verdict(host, "cert-chain"), Verdict::Fail, "self-signed");
    assert_eq!(verdict(host, "cert-expiry"), Verdict::Pass, "30 days");
    assert_eq!(verdict(host, "cert-key"), Verdict::Pass, "EC P-256");
    assert_eq!(verdict(host, "cert-signature"), Verdict::Pass, "SHA-256");
    // The conversation went on inside TLS to the end.
    assert_eq!(verdict(host, "open-relay"), Verdict::Pass);
    assert_eq!(sent(host).last().map(String::as_str), Some("QUIT"));
}

#[tokio::test]
async fn a_sha1_signed_certificate_fails_cert_signature_and_its_key_is_named() {
    let report = check_aiosmtpd_with(sha1_certificate_for, "sha1").await;
    let host = only_host(&report);
    assert_eq!(verdict(host, "tls-handshake"), Verdict::Pass);
    let signature = item(host, "cert-signature");
    assert_eq!(signature.verdict, Verdict::Fail, "{signature:?}");
    assert_eq!(signature.value, "ecdsa-with-SHA1");
    assert_ne!(signature.en.explanation, signature.zh.explanation);
    let key = item(host, "cert-key");
    assert_eq!(
        (key.verdict, key.value.as_str()),
        (Verdict::Pass, "EC P-256")
    );
    assert!(report.failed());
}

/// The SSE events of `GET path`, decoded; the stream ends with the check.
async fn events(bridge: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Vec<CheckEvent> {
    let (status, head, body) = http_with(bridge, "GET", path, headers).await;
    assert_eq!(status, 200, "{head}");
    assert!(
        head.to_ascii_lowercase().contains("text/event-stream"),
        "{head}"
    );
    let body = String::from_utf8(body).expect("UTF-8");
    let mut out = Vec::new();
    let mut name = String::new();
    for line in body.lines() {
        if let Some(event) = line.strip_prefix("event: ") {
            name = event.to_owned();
        } else if let Some(data) = line.strip_prefix("data: ") {
            let event = CheckEvent::decode(data).expect("a check event");
            assert_eq!(event.kind(), name, "the SSE event is named by the type");
            out.push(event);
        }
    }
    out
}

#[tokio::test]
async fn the_page_endpoint_streams_a_check_in_the_local_profile() {
    let config = Config {
        sandbox: Box::new(SandboxConfig {
            disabled: true,
            ..SandboxConfig::default()
        }),
        ..Config::default()
    };
    let (bridge, _handle) = start_bridge_with(config).await;
    let target = open_relay_addr();
    let path = format!("/api/check?target={target}");
    let events = events(bridge, &path, &[]).await;
    assert!(
        matches!(
            events.first(),
            Some(CheckEvent::HostStarted { host: 0, .. })
        ),
        "{events:?}"
    );
    let lines = events
        .iter()
        .filter(|e| matches!(e, CheckEvent::Line { .. }))
        .count();
    assert!(lines > 20, "{lines} lines");
    let Some(CheckEvent::Done { report }) = events.last() else {
        panic!("ends with done: {events:?}");
    };
    assert_eq!(verdict(only_host(report), "open-relay"), Verdict::Fail);
    let finished = events
        .iter()
        .find_map(|e| match e {
            CheckEvent::HostFinished { report, .. } => Some(report),
            _ => None,
        })
        .expect("host-finished");
    assert_eq!(finished.items, only_host(report).items);
    // A page elsewhere cannot start one.
    let foreign = events_refused(bridge, &path, &[("Origin", "http://evil.example")]).await;
    assert!(
        foreign.contains("evil.example") || foreign.contains("origin"),
        "{foreign}"
    );
    let bad = events_refused(bridge, "/api/check?target=a%20b", &[]).await;
    assert!(bad.contains("spaces"), "{bad}");
}

/// The one `error` event of a refused check: its message.
async fn events_refused(bridge: SocketAddr, path: &str, headers: &[(&str, &str)]) -> String {
    let events = events(bridge, path, headers).await;
    match events.as_slice() {
        [CheckEvent::Error { message, .. }] => message.clone(),
        other => panic!("one error event, got {other:?}"),
    }
}

#[tokio::test]
async fn the_public_endpoint_refuses_loopback_with_the_policy_reason() {
    let (bridge, _handle) = start_bridge_at(
        |addr| Config {
            allowed_origins: vec![format!("http://{addr}")],
            sandbox: Box::new(SandboxConfig {
                disabled: true,
                ..SandboxConfig::default()
            }),
            policy: Box::new(roomy_public_policy()),
            ..Config::default()
        },
        bridge::Hooks::default(),
    )
    .await;
    // Port 25, which the public profile allows: the address is what is refused (and no
    // connection is made, so nothing needs to listen there).
    let events = events(bridge, "/api/check?target=127.0.0.1:25", &[]).await;
    let Some(CheckEvent::Error { code, message }) = events.last() else {
        panic!("ends with an error: {events:?}");
    };
    assert_eq!(code, "target_denied", "{message}");
    assert!(
        message.contains("does not connect to 127.0.0.1") && message.contains("--allow-target"),
        "{message}"
    );
    assert!(!events.iter().any(|e| matches!(e, CheckEvent::Done { .. })));
    let host = events
        .iter()
        .find_map(|e| match e {
            CheckEvent::HostFinished { report, .. } => Some(report),
            _ => None,
        })
        .expect("the host's record says why");
    assert!(
        host.address.is_none()
            && host.lines.iter().all(|l| l
                .en
                .as_ref()
                .is_some_and(|r| r.direction == Direction::Note))
    );
    assert_eq!(verdict(host, "connect"), Verdict::Fail);
}

fn dns_server() -> SocketAddr {
    env_addr("SMTP_PLAYGROUND_DNS")
}

#[tokio::test]
async fn domain_mode_checks_every_mx_with_reverse_dns_and_the_mx_name() {
    let port = open_relay_addr().port();
    let options = CheckOptions::default();
    let mut target = Target::parse("three-mx.playground.test").expect("valid");
    target.port = port;
    let report = check_target(&target, &options, Some(dns_server())).await;
    assert_eq!(report.domain.as_deref(), Some("three-mx.playground.test"));
    let names: Vec<&str> = report.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "a.three-mx.playground.test",
            "b.three-mx.playground.test",
            "c.three-mx.playground.test"
        ]
    );
    assert_eq!(
        report
            .hosts
            .iter()
            .map(|h| h.preference)
            .collect::<Vec<_>>(),
        [Some(10), Some(20), Some(30)]
    );
    assert_eq!(report.matrix.hosts, names);
    let relay = report
        .matrix
        .rows
        .iter()
        .find(|r| r.id == "open-relay")
        .expect("row");
    assert_eq!(relay.verdicts, [Verdict::Fail; 3]);
    for host in &report.hosts {
        // The certificate names postfix.test and 127.0.0.1, not the MX name.
        assert_eq!(verdict(host, "cert-name"), Verdict::Fail, "{}", host.name);
        // 127.0.0.1's PTR is mx.good.playground.test, which resolves back to it.
        assert_eq!(verdict(host, "rdns"), Verdict::Pass);
        assert_eq!(
            verdict(host, "rdns-match"),
            Verdict::Warn,
            "the banner says postfix.test"
        );
        // postmaster@ the domain, as RFC 5321 4.5.1 asks.
        assert!(sent(host).contains(&"RCPT TO:<postmaster@three-mx.playground.test>".to_owned()));
    }

    // A domain whose first MX is down: it fails to connect, the second is checked.
    let mut two = Target::parse("two-mx.playground.test").expect("valid");
    two.port = port;
    let report = check_target(&two, &options, Some(dns_server())).await;
    let hosts: Vec<(&str, Option<&str>)> = report
        .hosts
        .iter()
        .map(|h| (h.name.as_str(), h.address.as_deref()))
        .collect();
    assert_eq!(hosts[0].0, "dead.two-mx.playground.test");
    assert_eq!(verdict(&report.hosts[0], "connect"), Verdict::Fail);
    assert_eq!(hosts[1].0, "live.two-mx.playground.test");

    // A null MX: nothing to check, said so.
    let report = check("null-mx.playground.test", &options, Some(dns_server())).await;
    assert!(report.hosts.is_empty());
    assert!(
        report
            .error
            .as_deref()
            .is_some_and(|e| e.contains("RFC 7505")),
        "{report:?}"
    );
    assert!(report.failed());
}
