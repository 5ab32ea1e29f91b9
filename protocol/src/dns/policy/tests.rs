use super::*;
use crate::dns::FactStatus;
use proptest::prelude::*;

fn one(text: &str) -> Vec<String> {
    vec![text.to_owned()]
}

#[test]
fn a_good_dmarc_record() {
    let fact = dmarc(
        "_dmarc.good.test",
        &one("v=DMARC1; p=reject; rua=mailto:d@good.test; adkim=s; aspf=s"),
    );
    assert_eq!(fact.status, FactStatus::Found, "{:?}", fact.findings);
    assert!(fact.has("dmarc-reject"));
}

#[test]
fn malformed_dmarc_explained() {
    let fact = dmarc("_dmarc.broken.test", &one("p=reject; v=DMARC1; pct=150"));
    assert_eq!(fact.status, FactStatus::Broken);
    assert!(fact.has("dmarc-version-not-first"));
    assert!(fact.has("dmarc-bad-pct"));
    let fact = dmarc("_dmarc.x.test", &one("v=DMARC1; rua=mailto:a@x.test"));
    assert!(fact.has("dmarc-no-policy"));
    assert!(fact.findings.iter().all(|f| !f.text.zh.is_empty()));
    let fact = dmarc("_dmarc.x.test", &one("v=DMARC1; p=none"));
    assert_eq!(fact.status, FactStatus::Found);
    assert!(fact.has("dmarc-none") && fact.has("dmarc-no-rua"));
    let two = dmarc(
        "_dmarc.x.test",
        &[
            String::from("v=DMARC1; p=none"),
            String::from("v=DMARC1; p=reject"),
        ],
    );
    assert!(two.has("policy-several-records"));
    assert_eq!(dmarc("_dmarc.x.test", &[]).status, FactStatus::Missing);
}

#[test]
fn mta_sts_and_tls_rpt() {
    assert!(
        mta_sts("_mta-sts.g.test", &one("v=STSv1; id=20261203T000000")).has("mta-sts-policy-id")
    );
    let broken = mta_sts("_mta-sts.b.test", &one("v=STSv1;"));
    assert_eq!(broken.status, FactStatus::Broken);
    assert!(broken.has("mta-sts-no-id"));
    assert!(mta_sts("_mta-sts.b.test", &one("v=STSv1; id=a-b")).has("mta-sts-bad-id"));
    assert!(mta_sts("_mta-sts.b.test", &one("hello")).has("mta-sts-no-version"));
    let good = tls_rpt("_smtp._tls.g.test", &one("v=TLSRPTv1; rua=mailto:t@g.test"));
    assert_eq!(good.status, FactStatus::Found);
    assert!(tls_rpt("_smtp._tls.g.test", &one("v=TLSRPTv1;")).has("tls-rpt-no-rua"));
    assert!(tls_rpt("_smtp._tls.g.test", &one("v=TLSRPTv1; rua=ftp://x")).has("tls-rpt-bad-rua"));
}

proptest! {
    #[test]
    fn never_panics(records in proptest::collection::vec(".{0,80}", 0..4)) {
        let _ = dmarc("_dmarc.p.test", &records);
        let _ = mta_sts("_mta-sts.p.test", &records);
        let _ = tls_rpt("_smtp._tls.p.test", &records);
    }

    #[test]
    fn never_panics_on_tag_lists(text in "(v=(DMARC1|STSv1|TLSRPTv1|x)?;?)?([a-z]{0,5}=?[ -~]{0,10};){0,6}") {
        let records = vec![text];
        let _ = dmarc("_dmarc.p.test", &records);
        let _ = mta_sts("_mta-sts.p.test", &records);
        let _ = tls_rpt("_smtp._tls.p.test", &records);
    }
}
