//! The words of connecting by domain: the connect form's "by MX" mode and the MX list it
//! shows while connecting, in both languages.

use protocol::lang::Lang;
use protocol::tr;

/// The fixed words of the MX list in one language.
#[derive(Debug)]
pub struct MxUi {
    /// The host field's label in MX mode.
    pub domain: &'static str,
    /// The checkbox that switches the mode on.
    pub by_mx: &'static str,
    /// What the mode does (the checkbox's title).
    pub by_mx_about: &'static str,
    /// What the number before a host is.
    pub preference: &'static str,
    /// Marks the host the bridge connected to.
    pub connected: &'static str,
    /// The button that connects to one listed host instead.
    pub pick: &'static str,
    /// An address the bridge's policy allows.
    pub allowed: &'static str,
    /// A null MX (RFC 7505).
    pub null_mx: &'static str,
    /// No MX record: the domain's own address is its mail server.
    pub implicit: &'static str,
    /// Waiting for the list.
    pub resolving: &'static str,
    /// A host with no address.
    pub no_address: &'static str,
}

const EN: MxUi = MxUi {
    domain: "Domain",
    by_mx: "domain, by MX",
    by_mx_about: "Look up the domain's MX records and connect to its mail servers in order of preference, as a sending mail server would (RFC 5321 5.1).",
    preference: "MX preference: lower is tried first",
    connected: "connected",
    pick: "Connect to this one",
    allowed: "allowed",
    null_mx: "This domain accepts no mail: it publishes a null MX (RFC 7505).",
    implicit: "The domain has no MX record, so mail goes to the domain's own address (implicit MX, RFC 5321 5.1).",
    resolving: "Looking up the MX records…",
    no_address: "no address",
};

const ZH: MxUi = MxUi {
    domain: "域名",
    by_mx: "域名（按 MX）",
    by_mx_about: "查询该域名的 MX 记录，并像发信的邮件服务器那样按优先级依次连接它的邮件服务器（RFC 5321 5.1）。",
    preference: "MX 优先级：数值小的先尝试",
    connected: "已连接",
    pick: "改连这一台",
    allowed: "允许",
    null_mx: "该域名不接收任何邮件：它发布了空 MX 记录（RFC 7505）。",
    implicit: "该域名没有 MX 记录，因此邮件发往域名本身的地址（隐式 MX，RFC 5321 5.1）。",
    resolving: "正在查询 MX 记录…",
    no_address: "无地址",
};

/// The MX list's words in `lang`.
pub fn words(lang: Lang) -> &'static MxUi {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}

/// The list's heading for `domain`.
pub fn title(lang: Lang, domain: &str) -> String {
    tr!(
        lang,
        "Mail servers of {domain} (MX)",
        "{domain} 的邮件服务器（MX）"
    )
}

/// The verdict on one address: allowed, or why the bridge's target rules deny it (its
/// reason is English: in Chinese it stays in the tooltip).
pub fn verdict(lang: Lang, allowed: bool, reason: Option<&str>) -> String {
    match (allowed, lang) {
        (true, _) => words(lang).allowed.to_owned(),
        (false, Lang::En) => format!("denied: {}", reason.unwrap_or("by the target rules")),
        (false, Lang::ZhCn) => "被桥接服务的目标规则拒绝".to_owned(),
    }
}
