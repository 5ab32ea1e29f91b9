//! The words of the DNS facts panel: each record of a mail domain, what it is for, and
//! what its absence means, in both languages.

use protocol::lang::Lang;
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
    /// The statuses of a record: found, missing, broken, unknown (`FactStatus`).
    pub statuses: [&'static str; 4],
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
    statuses: ["found", "missing", "broken", "lookup failed"],
    validated: "DNSSEC-validated (the resolver set the AD bit)",
    not_validated: "not DNSSEC-validated: the answers could have been forged on the way",
};

const ZH: DnsUi = DnsUi {
    button: "DNS 信息",
    about: "该域名与邮件有关的记录（MX、SPF、DMARC、MTA-STS、TLS-RPT、DANE TLSA），以及它们是否经过 DNSSEC 验证，并逐项解释。",
    close: "关闭",
    loading: "正在查询 DNS…",
    statuses: ["已找到", "缺失", "有错误", "查询失败"],
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

/// Why a lookup failed: the bridge's words are English, so Chinese only says it failed.
pub fn lookup_error(lang: Lang, error: &str) -> String {
    match lang {
        Lang::En => format!("The lookup failed: {error}"),
        Lang::ZhCn => "查询失败（超时或 DNS 服务器故障），无法判断。".to_owned(),
    }
}
