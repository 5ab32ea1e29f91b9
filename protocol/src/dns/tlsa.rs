//! DANE TLSA records at `_25._tcp.<MX host>` (RFC 6698, and RFC 7672 for SMTP): each
//! record's usage, selector and matching type explained, and the rule that matters most:
//! a TLSA record is used only when its answer is DNSSEC-validated, so without the AD bit
//! it protects nothing.

use std::fmt::Write as _;

use crate::dns::{DnsFinding, Fact, FactKind, Severity, bi};

/// One TLSA record's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsaRecord {
    /// Certificate usage (0-3).
    pub usage: u8,
    /// Selector (0-1).
    pub selector: u8,
    /// Matching type (0-2).
    pub matching: u8,
    /// The association data.
    pub data: Vec<u8>,
}

impl TlsaRecord {
    /// Presentation form: `3 1 1 <hex>`.
    pub fn to_text(&self) -> String {
        let mut out = format!("{} {} {} ", self.usage, self.selector, self.matching);
        for byte in &self.data {
            let _ = write!(out, "{byte:02x}");
        }
        out
    }
}

/// The name TLSA records of `host` live at for SMTP on port 25 (RFC 7672 2.2).
pub fn tlsa_name(host: &str) -> String {
    format!("_25._tcp.{}", host.trim_end_matches('.'))
}

/// The fact for the TLSA records of one MX host; `authenticated` is the AD bit of their
/// answer.
pub fn tlsa(host: &str, records: &[TlsaRecord], authenticated: bool) -> Fact {
    let name = tlsa_name(host);
    let mut fact = Fact::new(
        FactKind::Tlsa,
        &name,
        records.iter().map(TlsaRecord::to_text).collect(),
    );
    if records.is_empty() {
        return fact;
    }
    if !authenticated {
        fact.push(DnsFinding::new(
            "tlsa-without-dnssec",
            Severity::Warning,
            bi!(
                "These TLSA records came without DNSSEC validation (no AD bit). DANE works only with DNSSEC-signed answers (RFC 7672 2.2); senders ignore unvalidated TLSA records, so they protect nothing. Sign the zone, or check from a validating resolver.",
                "这些 TLSA 记录没有经过 DNSSEC 验证（没有 AD 位）。DANE 只对经 DNSSEC 签名的应答有效（RFC 7672 第 2.2 节）；发件方会忽略未验证的 TLSA 记录，因此它们起不到保护作用。请为区域签名，或从验证型解析器检查。"
            ),
        ));
    }
    for record in records {
        let text = record.to_text();
        let usage = match record.usage {
            0 => Some(bi!(
                "usage 0 (PKIX-TA): a CA that must also be publicly trusted; RFC 7672 3.1 says SMTP senders treat it as unusable.",
                "用途 0（PKIX-TA）：必须同时受公共信任的 CA；RFC 7672 第 3.1 节规定 SMTP 发件方视其为不可用。"
            )),
            1 => Some(bi!(
                "usage 1 (PKIX-EE): the server's own certificate, also publicly trusted; unusable for SMTP (RFC 7672 3.1).",
                "用途 1（PKIX-EE）：服务器自身的证书，且需受公共信任；在 SMTP 中不可用（RFC 7672 第 3.1 节）。"
            )),
            2 => Some(bi!(
                "usage 2 (DANE-TA): a trust anchor (your own CA) that must sign the server's chain.",
                "用途 2（DANE-TA）：信任锚（你自己的 CA），服务器的证书链必须由它签发。"
            )),
            3 => Some(bi!(
                "usage 3 (DANE-EE): the server's own certificate or key; names and expiry are not checked (RFC 7672 3.1.1). The most common choice.",
                "用途 3（DANE-EE）：服务器自身的证书或公钥；不检查名称和有效期（RFC 7672 第 3.1.1 节）。最常用的选择。"
            )),
            _ => None,
        };
        let selector = match record.selector {
            0 => Some(bi!(
                "selector 0: the whole certificate",
                "选择器 0：整张证书"
            )),
            1 => Some(bi!(
                "selector 1: the public key (SubjectPublicKeyInfo), which survives certificate renewals with the same key",
                "选择器 1：公钥（SubjectPublicKeyInfo），使用同一密钥续期证书时不必更改"
            )),
            _ => None,
        };
        let expected_len = match record.matching {
            0 => Some(None),
            1 => Some(Some(32)),
            2 => Some(Some(64)),
            _ => None,
        };
        let matching = match record.matching {
            0 => Some(bi!("matching 0: the data itself", "匹配类型 0：数据原文")),
            1 => Some(bi!(
                "matching 1: its SHA-256 digest",
                "匹配类型 1：其 SHA-256 摘要"
            )),
            2 => Some(bi!(
                "matching 2: its SHA-512 digest",
                "匹配类型 2：其 SHA-512 摘要"
            )),
            _ => None,
        };
        match (usage, selector, matching) {
            (Some(usage), Some(selector), Some(matching)) => {
                let severity = if record.usage < 2 {
                    Severity::Warning
                } else {
                    Severity::Info
                };
                fact.push(DnsFinding::new(
                    "tlsa-record",
                    severity,
                    crate::lang::Bilingual {
                        en: format!(
                            "{text}: {}; {}; {}.",
                            usage.en.trim_end_matches('.'),
                            selector.en,
                            matching.en
                        ),
                        zh: format!(
                            "{text}：{}；{}；{}。",
                            usage.zh.trim_end_matches('。'),
                            selector.zh,
                            matching.zh
                        ),
                    },
                ));
            }
            _ => fact.push(DnsFinding::new(
                "tlsa-unknown-parameters",
                Severity::Error,
                bi!(
                    "{text}: usage, selector or matching type outside the values RFC 6698 and RFC 7218 define; senders cannot use it.",
                    "{text}：用途、选择器或匹配类型超出了 RFC 6698 与 RFC 7218 定义的取值；发件方无法使用。"
                ),
            )),
        }
        if let Some(Some(len)) = expected_len
            && record.data.len() != len
        {
            let got = record.data.len();
            fact.push(DnsFinding::new(
                "tlsa-bad-digest-length",
                Severity::Error,
                bi!(
                    "{text}: the digest is {got} bytes; this matching type needs {len}.",
                    "{text}：摘要长度为 {got} 字节；该匹配类型需要 {len} 字节。"
                ),
            ));
        }
    }
    fact
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::FactStatus;
    use proptest::prelude::*;

    #[test]
    fn explained_and_useless_without_dnssec() {
        let record = TlsaRecord {
            usage: 3,
            selector: 1,
            matching: 1,
            data: vec![0xab; 32],
        };
        let fact = tlsa("mx.good.test.", std::slice::from_ref(&record), false);
        assert_eq!(fact.name, "_25._tcp.mx.good.test");
        assert_eq!(fact.status, FactStatus::Found);
        assert!(fact.has("tlsa-without-dnssec"));
        assert!(fact.records[0].starts_with("3 1 1 abab"));
        assert!(
            fact.findings
                .iter()
                .any(|f| f.text.en.contains("DANE-EE") && f.text.zh.contains("DANE-EE"))
        );
        assert!(!tlsa("mx.good.test", &[record], true).has("tlsa-without-dnssec"));
        let short = TlsaRecord {
            usage: 3,
            selector: 1,
            matching: 1,
            data: vec![1; 5],
        };
        assert_eq!(tlsa("mx", &[short], true).status, FactStatus::Broken);
        assert_eq!(tlsa("mx", &[], false).status, FactStatus::Missing);
    }

    proptest! {
        #[test]
        fn never_panics(usage in any::<u8>(), selector in any::<u8>(), matching in any::<u8>(), data in proptest::collection::vec(any::<u8>(), 0..80), ad in any::<bool>()) {
            let fact = tlsa("mx.p.test", &[TlsaRecord { usage, selector, matching, data }], ad);
            prop_assert!(!fact.findings.is_empty());
        }
    }
}
