//! The words of the DNS facts panel: each record of a mail domain, what it is for, and
//! what its absence means, in both languages.

use protocol::lang::{Lang, Text};
use protocol::tr;

/// The fixed words of the DNS facts in one language.
#[derive(Debug)]
pub struct DnsUi {
    /// The connect form's button and the panel's heading.
    pub button: &'static str,
    /// What the panel shows (the button's title).
    pub about: &'static str,
    /// Close the panel.
    pub close: &'static str,
    /// Waiting for the answer.
    pub loading: &'static str,
    /// A record that is missing.
    pub missing: &'static str,
    /// Validated by DNSSEC (the AD bit).
    pub validated: &'static str,
    /// Not validated.
    pub not_validated: &'static str,
}

const EN: DnsUi = DnsUi {
    button: "DNS facts",
    about: "The domain's mail records (MX, SPF, DMARC, MTA-STS, TLS-RPT, DANE TLSA) and whether DNSSEC validated them, each explained.",
    close: "Close",
    loading: "Asking the DNS…",
    missing: "missing",
    validated: "DNSSEC-validated (the resolver set the AD bit)",
    not_validated: "not DNSSEC-validated: the answers could have been forged on the way",
};

const ZH: DnsUi = DnsUi {
    button: "DNS 信息",
    about: "该域名与邮件有关的记录（MX、SPF、DMARC、MTA-STS、TLS-RPT、DANE TLSA），以及它们是否经过 DNSSEC 验证，并逐项解释。",
    close: "关闭",
    loading: "正在查询 DNS…",
    missing: "缺失",
    validated: "已通过 DNSSEC 验证（解析器设置了 AD 标志）",
    not_validated: "未经 DNSSEC 验证：应答可能在途中被伪造",
};

/// The DNS panel's words in `lang`.
pub fn words(lang: Lang) -> &'static DnsUi {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}

/// The heading of the panel for `domain`.
pub fn title(lang: Lang, domain: &str) -> String {
    tr!(lang, "DNS facts of {domain}", "{domain} 的 DNS 信息")
}

/// The records the panel explains, in the order it shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// The domain's mail servers.
    Mx,
    /// SPF, the TXT record `v=spf1` of the domain.
    Spf,
    /// DMARC, the TXT record at `_dmarc.<domain>`.
    Dmarc,
    /// MTA-STS, the TXT record at `_mta-sts.<domain>`.
    MtaSts,
    /// TLS-RPT, the TXT record at `_smtp._tls.<domain>`.
    TlsRpt,
    /// DANE, the TLSA records at `_25._tcp.<mx>`.
    Tlsa,
}

impl Record {
    /// The record's name as the panel shows it, the same in both languages.
    pub fn label(self) -> &'static str {
        match self {
            Record::Mx => "MX",
            Record::Spf => "SPF",
            Record::Dmarc => "DMARC",
            Record::MtaSts => "MTA-STS",
            Record::TlsRpt => "TLS-RPT",
            Record::Tlsa => "DANE TLSA",
        }
    }

    /// Where it is defined.
    pub fn reference(self) -> &'static str {
        match self {
            Record::Mx => "RFC 5321 5.1",
            Record::Spf => "RFC 7208",
            Record::Dmarc => "RFC 7489",
            Record::MtaSts => "RFC 8461",
            Record::TlsRpt => "RFC 8460",
            Record::Tlsa => "RFC 7672",
        }
    }

    /// What the record does, in `lang`.
    pub fn about(self, lang: Lang) -> &'static str {
        let text = match self {
            Record::Mx => Text {
                en: "Which servers receive mail for the domain, tried in order of preference (lowest first).",
                zh: "哪些服务器为该域名接收邮件，按优先级（数值小的先）依次尝试。",
            },
            Record::Spf => Text {
                en: "Which servers may send mail with this domain in MAIL FROM. Receivers evaluate it with at most 10 DNS lookups (RFC 7208 4.6.4).",
                zh: "哪些服务器可以在 MAIL FROM 中使用该域名发信。接收方最多只做 10 次 DNS 查询来评估它（RFC 7208 4.6.4）。",
            },
            Record::Dmarc => Text {
                en: "What receivers should do with mail whose From: domain fails SPF and DKIM alignment, and where to send reports.",
                zh: "当 From: 的域名未通过 SPF 和 DKIM 对齐时，接收方应如何处理这封邮件，以及把报告发到哪里。",
            },
            Record::MtaSts => Text {
                en: "Announces a policy (served over HTTPS) that requires senders to use STARTTLS with a valid certificate.",
                zh: "声明一项策略（通过 HTTPS 提供），要求发信方使用 STARTTLS 且证书有效。",
            },
            Record::TlsRpt => Text {
                en: "Where senders report TLS failures when delivering to this domain.",
                zh: "发信方在向该域名投递时遇到 TLS 失败后，把报告发往何处。",
            },
            Record::Tlsa => Text {
                en: "Pins each MX host's certificate or key in DNS (DANE); only trustworthy when the answers are DNSSEC-validated.",
                zh: "在 DNS 中固定每台 MX 主机的证书或公钥（DANE）；只有应答经过 DNSSEC 验证时才可信。",
            },
        };
        text.get(lang)
    }

    /// Why it matters that the record is missing, in `lang`.
    pub fn missing(self, lang: Lang) -> &'static str {
        let text = match self {
            Record::Mx => Text {
                en: "No MX record: senders fall back to the domain's own address (implicit MX), which often is a web server.",
                zh: "没有 MX 记录：发信方会退而使用域名本身的地址（隐式 MX），而它往往是网站服务器。",
            },
            Record::Spf => Text {
                en: "No SPF record: anyone can use this domain in MAIL FROM, and many receivers score such mail as spam.",
                zh: "没有 SPF 记录：任何人都能在 MAIL FROM 中使用该域名，许多接收方会把这类邮件判为垃圾邮件。",
            },
            Record::Dmarc => Text {
                en: "No DMARC record: forged From: addresses of this domain are not rejected, and the owner gets no reports.",
                zh: "没有 DMARC 记录：冒用该域名的 From: 地址不会被拒收，域名所有者也收不到报告。",
            },
            Record::MtaSts => Text {
                en: "No MTA-STS: a man in the middle can strip STARTTLS and senders will deliver in clear text.",
                zh: "没有 MTA-STS：中间人可以去掉 STARTTLS，发信方就会以明文投递。",
            },
            Record::TlsRpt => Text {
                en: "No TLS-RPT: when senders cannot establish TLS, nobody tells the domain's owner.",
                zh: "没有 TLS-RPT：发信方无法建立 TLS 时，没有人会告诉域名所有者。",
            },
            Record::Tlsa => Text {
                en: "No TLSA record: senders cannot authenticate this MX by DANE and fall back to opportunistic TLS.",
                zh: "没有 TLSA 记录：发信方无法用 DANE 验证这台 MX，只能退回到机会性 TLS。",
            },
        };
        text.get(lang)
    }
}

/// The SPF lookup count against its limit.
pub fn spf_lookups(lang: Lang, count: u64) -> String {
    if count > 10 {
        tr!(
            lang,
            "{count} DNS lookups: over the limit of 10, so receivers give up with permerror (RFC 7208 4.6.4).",
            "需要 {count} 次 DNS 查询：超过 10 次的上限，接收方会以 permerror 放弃（RFC 7208 4.6.4）。"
        )
    } else {
        tr!(
            lang,
            "{count} of 10 DNS lookups.",
            "需要 {count} 次 DNS 查询（上限 10 次）。"
        )
    }
}
