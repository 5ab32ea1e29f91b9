//! One fact of a domain's DNS (its SPF record, its DMARC record ...): whether it is there,
//! whether it is well formed, what was found in it, and what it is for.

use crate::lang::{Bilingual, Text, t};

/// Which record a [`Fact`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FactKind {
    /// The MX records.
    #[default]
    Mx,
    /// The SPF TXT record at the domain.
    Spf,
    /// The DMARC TXT record at `_dmarc.<domain>`.
    Dmarc,
    /// The MTA-STS TXT record at `_mta-sts.<domain>`.
    MtaSts,
    /// The TLS-RPT TXT record at `_smtp._tls.<domain>`.
    TlsRpt,
    /// The TLSA records at `_25._tcp.<mx host>`.
    Tlsa,
}

impl FactKind {
    /// Every kind, in the order facts are shown.
    pub const ALL: [FactKind; 6] = [
        FactKind::Mx,
        FactKind::Spf,
        FactKind::Dmarc,
        FactKind::MtaSts,
        FactKind::TlsRpt,
        FactKind::Tlsa,
    ];

    /// The name in JSON: `mx`, `spf`, `dmarc`, `mta_sts`, `tls_rpt`, `tlsa`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mx => "mx",
            Self::Spf => "spf",
            Self::Dmarc => "dmarc",
            Self::MtaSts => "mta_sts",
            Self::TlsRpt => "tls_rpt",
            Self::Tlsa => "tlsa",
        }
    }

    /// The kind for a JSON name; `None` for names this version does not know.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// The record's usual name, for people.
    pub fn title(self) -> &'static str {
        match self {
            Self::Mx => "MX",
            Self::Spf => "SPF",
            Self::Dmarc => "DMARC",
            Self::MtaSts => "MTA-STS",
            Self::TlsRpt => "TLS-RPT",
            Self::Tlsa => "DANE TLSA",
        }
    }

    /// The defining document.
    pub fn rfc(self) -> &'static str {
        match self {
            Self::Mx => "RFC 5321 5.1, RFC 7505",
            Self::Spf => "RFC 7208",
            Self::Dmarc => "RFC 7489",
            Self::MtaSts => "RFC 8461",
            Self::TlsRpt => "RFC 8460",
            Self::Tlsa => "RFC 6698, RFC 7672",
        }
    }

    /// What the record is for.
    pub fn meaning(self) -> Text {
        match self {
            Self::Mx => t!(
                "The MX records name the servers that receive mail for the domain, tried in order of preference (lowest first).",
                "MX 记录列出为该域名接收邮件的服务器，按优先级数值从小到大依次尝试。"
            ),
            Self::Spf => t!(
                "SPF lists the servers allowed to send mail with this domain in the envelope sender (MAIL FROM); receivers check the connecting address against it.",
                "SPF 列出允许以该域名作为信封发件人（MAIL FROM）发信的服务器；收件方用它核对连入的地址。"
            ),
            Self::Dmarc => t!(
                "DMARC tells receivers what to do with mail whose From: domain fails both SPF and DKIM alignment (none, quarantine, reject), and where to send reports.",
                "DMARC 告诉收件方：From: 域名的 SPF 与 DKIM 对齐都失败时如何处理（none、quarantine、reject），以及把报告发往何处。"
            ),
            Self::MtaSts => t!(
                "MTA-STS announces that the domain's MX hosts support TLS with valid certificates; senders then fetch the policy over HTTPS and refuse to deliver in clear text.",
                "MTA-STS 声明该域名的 MX 主机支持使用有效证书的 TLS；发件方随后通过 HTTPS 获取策略，并拒绝明文投递。"
            ),
            Self::TlsRpt => t!(
                "TLS-RPT asks sending servers to report TLS failures (MTA-STS, DANE, certificate problems) when delivering to this domain.",
                "TLS-RPT 请求发件服务器在向该域名投递时报告 TLS 失败（MTA-STS、DANE、证书问题）。"
            ),
            Self::Tlsa => t!(
                "A TLSA record at _25._tcp.<MX host> pins the certificate or key that host must present (DANE). Senders use it only when the answer is DNSSEC-validated.",
                "位于 _25._tcp.<MX 主机> 的 TLSA 记录固定了该主机必须出示的证书或公钥（DANE）。只有当应答经过 DNSSEC 验证时，发件方才会使用它。"
            ),
        }
    }

    /// Why it matters when the record is missing.
    pub fn when_missing(self) -> Text {
        match self {
            Self::Mx => t!(
                "Without MX records, senders fall back to the domain's own address (implicit MX); if it has none, mail to the domain cannot be delivered.",
                "没有 MX 记录时，发件方退而使用该域名自身的地址（隐式 MX）；若连地址也没有，发往该域名的邮件无法投递。"
            ),
            Self::Spf => t!(
                "Without SPF, receivers cannot tell your servers from forgers; mail from the domain is more likely to be marked as spam, and DMARC can pass only through DKIM.",
                "没有 SPF，收件方无法区分你的服务器与伪造者；该域名发出的邮件更容易被判为垃圾邮件，DMARC 也只能依靠 DKIM 通过。"
            ),
            Self::Dmarc => t!(
                "Without DMARC, anyone can put your domain in From: and receivers have no policy to apply; large mailbox providers now require it of bulk senders.",
                "没有 DMARC，任何人都能把你的域名写进 From:，收件方也没有可执行的策略；大型邮箱服务商现已要求批量发件人配置它。"
            ),
            Self::MtaSts => t!(
                "Without MTA-STS (or DANE), STARTTLS is opportunistic: an attacker on the path can strip it and read mail sent to the domain.",
                "没有 MTA-STS（或 DANE）时，STARTTLS 只是尽力而为：路径上的攻击者可以剥离它并读取发往该域名的邮件。"
            ),
            Self::TlsRpt => t!(
                "Without TLS-RPT, you do not hear about senders that fail to reach your servers over TLS.",
                "没有 TLS-RPT，你就不会得知哪些发件方无法通过 TLS 连上你的服务器。"
            ),
            Self::Tlsa => t!(
                "Without TLSA (DANE), senders cannot authenticate the MX host's certificate from DNS; MTA-STS is the alternative for domains without DNSSEC.",
                "没有 TLSA（DANE），发件方无法通过 DNS 认证 MX 主机的证书；对没有 DNSSEC 的域名，MTA-STS 是替代方案。"
            ),
        }
    }
}

/// The verdict on one fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FactStatus {
    /// Present and well formed (findings may still warn).
    Found,
    /// Absent (NXDOMAIN or no records of the kind).
    #[default]
    Missing,
    /// Present but malformed or invalid: receivers treat it as an error.
    Broken,
    /// The lookup failed (timeout, server failure): nothing can be said.
    Unknown,
}

impl FactStatus {
    /// The name in JSON: `found`, `missing`, `broken`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Found => "found",
            Self::Missing => "missing",
            Self::Broken => "broken",
            Self::Unknown => "unknown",
        }
    }

    /// The status for a JSON name; `Unknown` for names this version does not know.
    pub fn from_name(name: &str) -> Self {
        match name {
            "found" => Self::Found,
            "missing" => Self::Missing,
            "broken" => Self::Broken,
            _ => Self::Unknown,
        }
    }
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Works, but is risky or weak.
    Warning,
    /// Breaks the record: receivers treat it as an error.
    Error,
}

impl Severity {
    /// The name in JSON: `info`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }

    /// The severity for a JSON name; `Info` for names this version does not know.
    pub fn from_name(name: &str) -> Self {
        match name {
            "warning" => Self::Warning,
            "error" => Self::Error,
            _ => Self::Info,
        }
    }
}

/// One thing found in a record, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsFinding {
    /// A stable id, such as `spf-too-many-lookups`.
    pub id: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// The explanation in both languages.
    pub text: Bilingual<String>,
}

impl DnsFinding {
    pub(crate) fn new(id: &'static str, severity: Severity, text: Bilingual<String>) -> Self {
        Self { id, severity, text }
    }
}

/// One record kind's verdict for a domain (or, for TLSA, for one MX host).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fact {
    /// What record.
    pub kind: FactKind,
    /// The name queried, such as `_dmarc.example.org`.
    pub name: String,
    /// Found, missing, broken or unknown.
    pub status: FactStatus,
    /// The records as received (TXT strings joined; TLSA in presentation form).
    pub records: Vec<String>,
    /// What was found in them.
    pub findings: Vec<DnsFinding>,
    /// For SPF: the DNS-querying terms counted across includes (limit 10).
    pub lookups: Option<usize>,
}

impl Fact {
    /// A fact about `kind` at `name` from the records found there (empty: missing).
    pub(crate) fn new(kind: FactKind, name: &str, records: Vec<String>) -> Self {
        Self {
            kind,
            name: name.to_owned(),
            status: if records.is_empty() {
                FactStatus::Missing
            } else {
                FactStatus::Found
            },
            records,
            findings: Vec::new(),
            lookups: None,
        }
    }

    /// Adds a finding; an error makes the fact broken.
    pub(crate) fn push(&mut self, finding: DnsFinding) {
        if finding.severity == Severity::Error {
            self.status = FactStatus::Broken;
        }
        self.findings.push(finding);
    }

    /// Whether a finding with `id` is present.
    pub fn has(&self, id: &str) -> bool {
        self.findings.iter().any(|finding| finding.id == id)
    }
}
