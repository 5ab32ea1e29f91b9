use super::matrix::label;
use super::*;
use crate::wire::{CertificateSummary, TlsInfo, TlsMode};
use proptest::prelude::*;

fn plan() -> ProbePlan {
    ProbePlan {
        helo: "probe.example".into(),
        domain: Some("example.org".into()),
        implicit_tls: false,
    }
}

/// Runs a probe against `answer` (the reply lines for each command), with TLS when the
/// server accepts STARTTLS; returns the lines written and the probe.
fn run(mut answer: impl FnMut(&str) -> Vec<String>, tls: Option<TlsInfo>) -> (Vec<String>, Probe) {
    let mut probe = Probe::new(plan());
    for line in answer("") {
        probe.handle_line(&line, 5, Some(5));
    }
    let mut sent = Vec::new();
    for _ in 0..40 {
        match probe.poll() {
            Poll::Send(line) => {
                for reply in answer(&line) {
                    probe.handle_line(&reply, 10, Some(1));
                }
                sent.push(line);
            }
            Poll::Wait => match &tls {
                Some(info) => probe.handle_tls(info.clone()),
                None => probe.handle_error("no TLS", true),
            },
            Poll::Done => break,
        }
    }
    (sent, probe)
}

fn tls_info(sans: &[&str], version: &str, not_after: &str) -> TlsInfo {
    TlsInfo {
        mode: TlsMode::Starttls,
        version: version.into(),
        cipher: "TLS13_AES_256_GCM_SHA384".into(),
        alpn: None,
        server_name: "mx.example.org".into(),
        verified: true,
        verify_error: None,
        insecure: false,
        certificates: vec![CertificateSummary {
            subject: "CN=mx".into(),
            issuer: "CN=CA".into(),
            sans: sans.iter().map(|s| (*s).to_owned()).collect(),
            not_before: "2026-01-01T00:00:00Z".into(),
            not_after: not_after.into(),
            serial: "01".into(),
            key: "EC P-256".into(),
            signature: "ecdsa-with-SHA256".into(),
        }],
        sandbox_certificate: false,
        at_ms: 30,
    }
}

/// A server like a well-kept Postfix: STARTTLS, everything offered, relay denied.
fn closed(line: &str) -> Vec<String> {
    let v = |s: &[&str]| s.iter().map(|s| (*s).to_owned()).collect();
    match line {
        "" => v(&["220 mx.example.org ESMTP"]),
        l if l.starts_with("EHLO") => v(&[
            "250-mx.example.org",
            "250-PIPELINING",
            "250-SIZE 10240000",
            "250-STARTTLS",
            "250-8BITMIME",
            "250-SMTPUTF8",
            "250 CHUNKING",
        ]),
        "STARTTLS" => v(&["220 2.0.0 Ready to start TLS"]),
        "VRFY postmaster" => v(&["252 2.0.0 postmaster"]),
        "EXPN postmaster" => v(&["502 5.5.2 Error: command not recognized"]),
        l if l.starts_with("RCPT TO:<relay") => {
            v(&["554 5.7.1 <relay-test@example.net>: Relay access denied"])
        }
        "QUIT" => v(&["221 2.0.0 Bye"]),
        _ => v(&["250 2.0.0 Ok"]),
    }
}

fn facts(rdns: Option<ReverseDns>) -> Facts {
    Facts {
        name: "mx.example.org".into(),
        port: 25,
        submission: false,
        address: Some("192.0.2.1".into()),
        connect_ms: Some(2),
        connect_error: None,
        now_unix: cert::unix_seconds("2026-12-03T00:00:00Z"),
        rdns,
    }
}

fn verdict(card: &Scorecard, id: &str) -> Verdict {
    card.item(id)
        .unwrap_or_else(|| panic!("no item {id}"))
        .verdict
}

#[test]
fn a_well_kept_server_passes_every_item_in_the_polite_order() {
    let info = tls_info(&["mx.example.org"], "TLSv1.3", "2027-03-01T00:00:00Z");
    let (sent, probe) = run(closed, Some(info));
    assert_eq!(
        sent,
        [
            "EHLO probe.example",
            "STARTTLS",
            "EHLO probe.example",
            "MAIL FROM:<>",
            "RCPT TO:<postmaster@example.org>",
            "RSET",
            "VRFY postmaster",
            "EXPN postmaster",
            "MAIL FROM:<relay-test@example.com>",
            "RCPT TO:<relay-test@example.net>",
            "RSET",
            "QUIT",
        ]
    );
    let rdns = ReverseDns {
        names: vec!["mx.example.org".into()],
        confirmed: vec!["mx.example.org".into()],
        error: None,
    };
    let check = probe.finish(facts(Some(rdns)));
    let card = &check.scorecard;
    for item in &card.items {
        assert!(
            matches!(item.verdict, Verdict::Pass | Verdict::Info),
            "{} is {:?}: {}",
            item.id,
            item.verdict,
            item.text.en.title
        );
        assert!(!item.text.zh.title.is_empty() && !item.text.en.explanation.is_empty());
    }
    assert!(!card.failed());
    assert_eq!(
        card.item("open-relay").map(|i| i.value.as_str()),
        Some("554 5.7.1 <relay-test@example.net>: Relay access denied")
    );
    let stages: Vec<&str> = check
        .observations
        .timings
        .iter()
        .map(|t| t.stage.as_str())
        .collect();
    assert_eq!(
        &stages[..5],
        ["connect", "banner", "EHLO", "STARTTLS", "TLS"]
    );
    // Every line is annotated in both languages, client and server.
    assert!(check.lines.len() > 20);
    let relay = check
        .lines
        .iter()
        .find(|l| l.annotated.en.text.contains("Relay access denied"))
        .expect("the relay refusal");
    assert_eq!(relay.annotated.en.annotation.id, "relay-denied");
}

#[test]
fn an_open_relay_and_exposed_vrfy_fail_and_warn() {
    let open = |line: &str| match line {
        l if l.starts_with("RCPT TO:<relay") => vec!["250 2.1.5 Ok".to_owned()],
        "VRFY postmaster" => vec!["250 <postmaster@mx.example.org>".to_owned()],
        "EXPN postmaster" => vec!["250 <root@mx.example.org>".to_owned()],
        other => closed(other),
    };
    let (sent, probe) = run(
        open,
        Some(tls_info(
            &["mx.example.org"],
            "TLSv1.2",
            "2027-01-01T00:00:00Z",
        )),
    );
    assert!(
        sent.iter()
            .all(|l| !l.starts_with("DATA") && !l.starts_with("BDAT"))
    );
    assert_eq!(sent.last().map(String::as_str), Some("QUIT"));
    let card = probe.finish(facts(None)).scorecard;
    assert_eq!(verdict(&card, "open-relay"), Verdict::Fail);
    assert_eq!(verdict(&card, "vrfy"), Verdict::Warn);
    assert_eq!(verdict(&card, "expn"), Verdict::Warn);
    assert_eq!(verdict(&card, "rdns"), Verdict::NotTested);
    assert!(card.failed());
}

#[test]
fn tls_items_fail_on_a_wrong_name_an_untrusted_chain_old_versions_and_expiry() {
    let mut info = tls_info(&["other.example"], "TLSv1.1", "2026-12-10T00:00:00Z");
    info.verified = false;
    info.verify_error =
        Some("it was not issued by a certificate authority the bridge trusts".into());
    info.cipher = "TLS_RSA_WITH_3DES_EDE_CBC_SHA".into();
    let (_, probe) = run(closed, Some(info));
    let card = probe.finish(facts(None)).scorecard;
    assert_eq!(verdict(&card, "cert-name"), Verdict::Fail);
    assert_eq!(verdict(&card, "cert-chain"), Verdict::Fail);
    assert_eq!(verdict(&card, "tls-version"), Verdict::Fail);
    assert_eq!(verdict(&card, "tls-cipher"), Verdict::Warn);
    assert_eq!(verdict(&card, "cert-expiry"), Verdict::Warn, "7 days left");
    let name = card.item("cert-name").expect("item");
    assert!(name.text.en.title.contains("mx.example.org") && name.value.contains("other.example"));

    let mut expired = tls_info(&["*.example.org"], "TLSv1.3", "2026-11-01T00:00:00Z");
    expired.verify_error = Some("it is not valid for the name mx.example.org".into());
    expired.verified = false;
    let (_, probe) = run(closed, Some(expired));
    let card = probe.finish(facts(None)).scorecard;
    assert_eq!(verdict(&card, "cert-expiry"), Verdict::Fail);
    assert_eq!(
        verdict(&card, "cert-chain"),
        Verdict::Pass,
        "only the name failed"
    );
    assert_eq!(
        verdict(&card, "cert-name"),
        Verdict::Pass,
        "the wildcard names it"
    );
}

/// The scorecard of a probe whose certificates have these keys and signatures (the
/// first is the server's own; `self_signed` marks the last as a root).
fn crypto_card(chain: &[(&str, &str)], self_signed: bool) -> Scorecard {
    let mut info = tls_info(&["mx.example.org"], "TLSv1.3", "2027-06-01T00:00:00Z");
    info.certificates = chain
        .iter()
        .enumerate()
        .map(|(i, (key, signature))| CertificateSummary {
            subject: format!("CN=c{i}"),
            issuer: if self_signed && i + 1 == chain.len() {
                format!("CN=c{i}")
            } else {
                format!("CN=c{}", i + 1)
            },
            key: (*key).into(),
            signature: (*signature).into(),
            ..CertificateSummary::default()
        })
        .collect();
    let (_, probe) = run(closed, Some(info));
    probe.finish(facts(None)).scorecard
}

#[test]
fn cert_key_grades_rsa_size_and_curves_and_leaves_unknown_keys_as_info() {
    for (key, expected) in [
        ("RSA 1024", Verdict::Fail),
        ("RSA 2047", Verdict::Fail),
        ("RSA 2048", Verdict::Pass),
        ("RSA 4096", Verdict::Pass),
        ("EC P-256", Verdict::Pass),
        ("EC P-384", Verdict::Pass),
        ("EC P-521", Verdict::Pass),
        ("Ed25519", Verdict::Pass),
        ("EC secp256k1", Verdict::Info),
        ("DSA 1024", Verdict::Info),
        ("", Verdict::Info),
    ] {
        let card = crypto_card(&[(key, "sha256WithRSAEncryption")], false);
        assert_eq!(verdict(&card, "cert-key"), expected, "{key}");
        let item = card.item("cert-key").expect("item");
        assert_eq!(item.value, key);
        assert!(!item.text.en.title.is_empty() && !item.text.zh.title.is_empty());
        assert_ne!(item.text.en.explanation, item.text.zh.explanation);
    }
}

#[test]
fn cert_signature_fails_on_sha1_or_md5_below_the_root_only() {
    let sha256 = "sha256WithRSAEncryption";
    let sha1 = "sha1WithRSAEncryption";
    let cases = [
        (
            vec![("EC P-256", "ecdsa-with-SHA256")],
            false,
            Verdict::Pass,
        ),
        (vec![("Ed25519", "ed25519")], false, Verdict::Pass),
        (vec![("RSA 2048", sha1)], false, Verdict::Fail),
        (
            vec![("RSA 2048", "md5WithRSAEncryption")],
            false,
            Verdict::Fail,
        ),
        (vec![("RSA 2048", "ecdsa-with-SHA1")], false, Verdict::Fail),
        // An intermediate signed with SHA-1.
        (
            vec![("RSA 2048", sha256), ("RSA 2048", sha1)],
            false,
            Verdict::Fail,
        ),
        // A self-signed root's own SHA-1 signature does not matter.
        (
            vec![("RSA 2048", sha256), ("RSA 2048", sha1)],
            true,
            Verdict::Pass,
        ),
        (vec![("RSA 2048", "rsassa-pss")], false, Verdict::Info),
        (vec![("RSA 2048", "")], false, Verdict::Info),
    ];
    for (chain, self_signed, expected) in cases {
        let card = crypto_card(&chain, self_signed);
        assert_eq!(
            verdict(&card, "cert-signature"),
            expected,
            "{chain:?} self-signed root: {self_signed}"
        );
    }
    let card = crypto_card(&[("RSA 2048", sha256), ("RSA 2048", sha1)], false);
    assert_eq!(card.item("cert-signature").expect("item").value, sha1);
    assert!(label("cert-key").is_some() && label("cert-signature").is_some());
}

#[test]
fn a_failed_handshake_ends_the_probe_and_leaves_the_rest_not_tested() {
    let (sent, probe) = run(closed, None);
    assert_eq!(sent, ["EHLO probe.example", "STARTTLS"]);
    let card = probe.finish(facts(None)).scorecard;
    assert_eq!(verdict(&card, "tls-handshake"), Verdict::Fail);
    assert_eq!(verdict(&card, "open-relay"), Verdict::NotTested);
    assert_eq!(verdict(&card, "postmaster"), Verdict::NotTested);
    assert_eq!(verdict(&card, "cert-name"), Verdict::NotTested);
    assert_eq!(verdict(&card, "cert-key"), Verdict::NotTested);
    assert_eq!(verdict(&card, "cert-signature"), Verdict::NotTested);
}

#[test]
fn no_starttls_auth_in_cleartext_and_missing_extensions() {
    let plain = |line: &str| match line {
        l if l.starts_with("EHLO") => vec![
            "250-mx.example.org".to_owned(),
            "250 AUTH PLAIN LOGIN".to_owned(),
        ],
        l if l.starts_with("RCPT TO:<postmaster") => vec!["550 5.1.1 unknown".to_owned()],
        other => closed(other),
    };
    let (sent, probe) = run(plain, None);
    assert!(!sent.iter().any(|l| l == "STARTTLS"));
    let mut f = facts(None);
    f.port = 587;
    let card = probe.finish(f).scorecard;
    assert_eq!(verdict(&card, "starttls"), Verdict::Fail);
    assert_eq!(
        verdict(&card, "auth-before-tls"),
        Verdict::Fail,
        "submission port"
    );
    assert_eq!(verdict(&card, "postmaster"), Verdict::Fail);
    assert_eq!(verdict(&card, "size"), Verdict::Warn);
    assert_eq!(verdict(&card, "pipelining"), Verdict::Warn);
    assert_eq!(verdict(&card, "8bitmime"), Verdict::Warn);
    assert_eq!(verdict(&card, "smtputf8"), Verdict::Info);
    assert_eq!(verdict(&card, "chunking"), Verdict::Info);
    let (_, probe) = run(plain, None);
    assert_eq!(
        verdict(&probe.finish(facts(None)).scorecard, "auth-before-tls"),
        Verdict::Warn,
        "port 25"
    );
}

#[test]
fn banner_rules_slow_refusing_and_nameless() {
    let mut probe = Probe::new(plan());
    probe.handle_line("554 no SMTP service here", 9000, Some(9000));
    assert_eq!(probe.poll(), Poll::Send("QUIT".into()));
    probe.handle_line("221 bye", 9001, Some(1));
    assert_eq!(probe.poll(), Poll::Done);
    let card = probe.finish(facts(None)).scorecard;
    assert_eq!(verdict(&card, "banner"), Verdict::Fail);
    assert_eq!(verdict(&card, "banner-time"), Verdict::Warn);
    assert_eq!(verdict(&card, "banner-name"), Verdict::Warn);
    assert_eq!(verdict(&card, "ehlo"), Verdict::NotTested);

    let refused = Facts {
        connect_error: Some("connection refused".into()),
        address: None,
        ..facts(None)
    };
    let mut probe = Probe::new(plan());
    probe.handle_closed("no connection");
    assert_eq!(probe.poll(), Poll::Done);
    let card = probe.finish(refused).scorecard;
    assert_eq!(verdict(&card, "connect"), Verdict::Fail);
    assert_eq!(verdict(&card, "banner"), Verdict::NotTested);
}

#[test]
fn reverse_dns_rules() {
    let (_, probe) = run(
        closed,
        Some(tls_info(
            &["mx.example.org"],
            "TLSv1.3",
            "2027-03-01T00:00:00Z",
        )),
    );
    let check = probe.finish(facts(None));
    let o = &check.observations;
    let card = |rdns: ReverseDns| scorecard(o, &facts(Some(rdns)));
    let none = card(ReverseDns::default());
    assert_eq!(verdict(&none, "rdns"), Verdict::Fail);
    assert_eq!(verdict(&none, "rdns-match"), Verdict::NotTested);
    let unconfirmed = card(ReverseDns {
        names: vec!["host-1.isp.example".into()],
        ..ReverseDns::default()
    });
    assert_eq!(verdict(&unconfirmed, "rdns"), Verdict::Warn);
    assert_eq!(verdict(&unconfirmed, "rdns-match"), Verdict::Warn);
    let failed = card(ReverseDns {
        error: Some("timeout".into()),
        ..ReverseDns::default()
    });
    assert_eq!(verdict(&failed, "rdns"), Verdict::Warn);
}

#[test]
fn a_421_ends_the_probe_and_bare_postmaster_without_a_domain() {
    let mut probe = Probe::new(ProbePlan {
        domain: None,
        ..plan()
    });
    probe.handle_line("220 mx.example.org", 1, Some(1));
    assert_eq!(probe.poll(), Poll::Send("EHLO probe.example".into()));
    probe.handle_line("250 mx.example.org", 2, Some(1));
    assert_eq!(probe.poll(), Poll::Send("MAIL FROM:<>".into()));
    probe.handle_line("250 ok", 3, Some(1));
    assert_eq!(probe.poll(), Poll::Send("RCPT TO:<postmaster>".into()));
    probe.handle_line("421 4.3.2 shutting down", 4, Some(1));
    assert_eq!(probe.poll(), Poll::Done);
    assert!(probe.observations().ended_early.is_some());
}

#[test]
fn the_matrix_lines_hosts_up_item_by_item() {
    let (_, good) = run(
        closed,
        Some(tls_info(
            &["mx.example.org"],
            "TLSv1.3",
            "2027-03-01T00:00:00Z",
        )),
    );
    let good = good.finish(facts(None)).scorecard;
    let mut probe = Probe::new(plan());
    probe.handle_closed("refused");
    let down = probe.finish(Facts {
        connect_error: Some("refused".into()),
        ..facts(None)
    });
    let matrix = Matrix::new([("mx1", &down.scorecard), ("mx2", &good)]);
    assert_eq!(matrix.hosts, ["mx1", "mx2"]);
    let row = matrix.rows.iter().find(|r| r.id == "connect").expect("row");
    assert_eq!(row.verdicts, [Verdict::Fail, Verdict::Pass]);
    // Every row has a label of its own, not one host's finding.
    for row in &matrix.rows {
        assert!(label(&row.id).is_some(), "{} has no label", row.id);
    }
    let relay = matrix
        .rows
        .iter()
        .find(|r| r.id == "open-relay")
        .expect("row");
    assert_eq!(relay.title.zh, "开放中继");
    assert_eq!(matrix.rows.len(), good.items.len());
    assert_eq!(matrix.worst(), Verdict::Fail);
}

/// Server lines a proptest picks from: any code, multi-line or not, garbage too.
fn server_line() -> impl Strategy<Value = String> {
    prop_oneof![
        (200u16..600, any::<bool>(), "[ -~]{0,20}")
            .prop_map(|(c, more, t)| { format!("{c}{}{t}", if more { "-" } else { " " }) }),
        Just("250-STARTTLS".to_owned()),
        Just("250 CHUNKING".to_owned()),
        Just("354 go ahead".to_owned()),
        "[ -~]{0,30}",
    ]
}

proptest! {
    /// Whatever the server says, and whether TLS works, the probe never writes DATA or
    /// BDAT, ends within its command budget, and every line it writes is one line.
    #[test]
    fn never_data_or_bdat_and_always_bounded(
        replies in proptest::collection::vec(server_line(), 0..80),
        tls_works in any::<bool>(),
        closes in any::<bool>(),
    ) {
        let mut probe = Probe::new(plan());
        let mut replies = replies.into_iter();
        let mut written = 0usize;
        let mut tls_given = false;
        for _ in 0..200 {
            match probe.poll() {
                Poll::Send(line) => {
                    written += 1;
                    let verb = line.split([' ', ':']).next().unwrap_or_default().to_ascii_uppercase();
                    prop_assert!(verb != "DATA" && verb != "BDAT", "{line}");
                    prop_assert!(!line.contains(['\r', '\n']));
                }
                Poll::Wait => match replies.next() {
                    Some(line) => probe.handle_line(&line, 1, Some(1)),
                    None if tls_works && !tls_given => {
                        tls_given = true;
                        probe.handle_tls(tls_info(&["x"], "TLSv1.3", ""));
                    }
                    None if closes => probe.handle_closed("closed"),
                    None => probe.handle_error("timeout", false),
                },
                Poll::Done => break,
            }
        }
        prop_assert_eq!(probe.poll(), Poll::Done);
        prop_assert!(written <= MAX_COMMANDS);
        let card = probe.finish(facts(None)).scorecard;
        prop_assert!(card.item("open-relay").is_some());
    }
}
