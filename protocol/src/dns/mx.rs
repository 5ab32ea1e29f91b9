//! The order a mail server tries a domain's MX hosts in (RFC 5321 5.1), as data: the shell
//! asks DNS for the MX records and hands them in with a seed; the plan says which hosts to
//! try, in which order, or that there is nothing to try.
//!
//! - Hosts are sorted by preference, lowest first; hosts of equal preference are put in
//!   random order ("randomize them to spread the load"), here from the seed, so the same
//!   seed gives the same order (the bridge passes one from the OS).
//! - No MX records: the domain itself is the only host, preference 0 (implicit MX).
//! - One MX record whose exchange is the root (`.`), preference 0: a null MX (RFC 7505),
//!   the domain accepts no mail; nothing is to be tried.
//! - An exchange that is an IP address, or the root among other records, is listed with
//!   its [`MxOddity`] and not tried.

use crate::dns::{DnsFinding, Severity, bi};
use crate::lang::Bilingual;

/// One MX record as DNS gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxRecord {
    /// The preference: lower is tried first.
    pub preference: u16,
    /// The exchange, without the final dot; empty for the root (`.`).
    pub exchange: String,
}

/// What is odd about a listed host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MxOddity {
    /// The exchange is written as an IP address; RFC 5321 5.1 requires a name, and
    /// mail servers do not connect to it.
    IpLiteral,
    /// The root (`.`) next to other MX records: a broken null MX, ignored.
    RootAmongOthers,
    /// The exchange is an alias (CNAME) of this name; RFC 5321 5.1 (and RFC 2181 10.3)
    /// forbid it, though most senders follow it. Found by the shell when it resolves.
    Alias(String),
}

impl MxOddity {
    /// Whether a sender skips the host.
    pub fn skipped(&self) -> bool {
        !matches!(self, MxOddity::Alias(_))
    }

    /// The explanation.
    pub fn explain(&self) -> Bilingual<String> {
        match self {
            MxOddity::IpLiteral => bi!(
                "This MX record names an IP address, not a host name. RFC 5321 5.1 requires a domain name here; mail servers look it up as a name (and find nothing), so it is skipped.",
                "这条 MX 记录写的是 IP 地址而不是主机名。RFC 5321 5.1 要求此处为域名；邮件服务器会把它当作名称查询（查不到），因此跳过。"
            ),
            MxOddity::RootAmongOthers => bi!(
                "\".\" (the null MX of RFC 7505) must be the only MX record; next to others it is an error and is ignored.",
                "\".\"（RFC 7505 的空 MX）必须是唯一的 MX 记录；与其他记录并存是错误，已忽略。"
            ),
            MxOddity::Alias(target) => bi!(
                "This MX host is an alias (CNAME) of {target}. RFC 5321 5.1 and RFC 2181 10.3 say an MX must name the host itself; most senders follow the alias, some do not.",
                "该 MX 主机是 {target} 的别名（CNAME）。RFC 5321 5.1 与 RFC 2181 10.3 要求 MX 指向主机本身；多数发件方会跟随别名，也有不跟随的。"
            ),
        }
    }
}

/// One host of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxHost {
    /// Its preference (0 for the implicit MX).
    pub preference: u16,
    /// Its name, lower case, without the final dot.
    pub name: String,
    /// Why it is odd, if it is; a host whose oddity is [`MxOddity::skipped`] is not tried.
    pub oddity: Option<MxOddity>,
}

/// What the MX records say about where mail for a domain goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanKind {
    /// MX records list the hosts.
    Listed,
    /// No MX records: the domain itself (RFC 5321 5.1).
    Implicit,
    /// A null MX: the domain accepts no mail (RFC 7505).
    NullMx,
}

/// The hosts to try for a domain, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxPlan {
    /// The domain, lower case, without the final dot.
    pub domain: String,
    /// Listed, implicit or null.
    pub kind: PlanKind,
    /// Every host in the order to try, odd ones included (flagged).
    pub hosts: Vec<MxHost>,
    /// What is worth saying about the records as a whole.
    pub findings: Vec<DnsFinding>,
}

impl MxPlan {
    /// The plan for `domain` from its MX records (`None` or empty when it has none), with
    /// equal preferences shuffled by `seed`.
    pub fn new(domain: &str, records: Option<&[MxRecord]>, seed: u64) -> Self {
        let domain = normalize(domain);
        let records = records.unwrap_or_default();
        let mut findings = Vec::new();
        if records.is_empty() {
            findings.push(DnsFinding::new(
                "mx-implicit",
                Severity::Warning,
                bi!(
                    "{domain} has no MX records, so senders use the domain's own address (the implicit MX of RFC 5321 5.1). It works, but an explicit MX record is clearer.",
                    "{domain} 没有 MX 记录，发件方会使用域名自身的地址（RFC 5321 5.1 的隐式 MX）。这样可行，但明确的 MX 记录更清楚。"
                ),
            ));
            return Self {
                hosts: vec![MxHost {
                    preference: 0,
                    name: domain.clone(),
                    oddity: None,
                }],
                domain,
                kind: PlanKind::Implicit,
                findings,
            };
        }
        if let [only] = records
            && normalize(&only.exchange).is_empty()
        {
            if only.preference != 0 {
                let p = only.preference;
                findings.push(DnsFinding::new(
                    "mx-null-preference",
                    Severity::Warning,
                    bi!(
                        "A null MX should have preference 0 (RFC 7505 3); this one has {p}. It still means: no mail.",
                        "空 MX 的优先级应为 0（RFC 7505 第 3 节）；这条为 {p}。它仍然表示：不接收邮件。"
                    ),
                ));
            }
            findings.push(DnsFinding::new(
                "mx-null",
                Severity::Info,
                bi!(
                    "{domain} publishes a null MX (\".\", RFC 7505): it accepts no mail, and senders bounce at once instead of retrying for days.",
                    "{domain} 发布了空 MX（\".\"，RFC 7505）：它不接收任何邮件，发件方会立即退信，而不是重试数天。"
                ),
            ));
            return Self {
                domain,
                kind: PlanKind::NullMx,
                hosts: Vec::new(),
                findings,
            };
        }
        let mut hosts: Vec<MxHost> = Vec::new();
        for record in records {
            let name = normalize(&record.exchange);
            if let Some(known) = hosts.iter_mut().find(|host| host.name == name) {
                known.preference = known.preference.min(record.preference);
                continue;
            }
            let oddity = if name.is_empty() {
                Some(MxOddity::RootAmongOthers)
            } else if looks_like_ip(&name) {
                Some(MxOddity::IpLiteral)
            } else {
                None
            };
            hosts.push(MxHost {
                preference: record.preference,
                name,
                oddity,
            });
        }
        hosts.sort_by_key(|host| host.preference);
        shuffle_equal(&mut hosts, seed);
        if hosts
            .iter()
            .all(|host| host.oddity.as_ref().is_some_and(MxOddity::skipped))
        {
            findings.push(DnsFinding::new(
                "mx-none-usable",
                Severity::Error,
                bi!(
                    "None of {domain}'s MX records names a usable host, so mail to it cannot be delivered.",
                    "{domain} 的 MX 记录中没有可用的主机，发往它的邮件无法投递。"
                ),
            ));
        }
        Self {
            domain,
            kind: PlanKind::Listed,
            hosts,
            findings,
        }
    }

    /// The hosts a sender tries, in order (odd ones that are skipped left out).
    pub fn to_try(&self) -> impl Iterator<Item = &MxHost> {
        self.hosts
            .iter()
            .filter(|host| !host.oddity.as_ref().is_some_and(MxOddity::skipped))
    }
}

/// Lower case, without the final dot.
fn normalize(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// A dotted quad or anything with a colon (IPv6).
fn looks_like_ip(name: &str) -> bool {
    name.contains(':') || name.parse::<std::net::Ipv4Addr>().is_ok()
}

/// Fisher-Yates within each run of equal preference, from a SplitMix64 stream of `seed`.
fn shuffle_equal(hosts: &mut [MxHost], seed: u64) {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut start = 0;
    while start < hosts.len() {
        let preference = hosts[start].preference;
        let end = hosts[start..]
            .iter()
            .position(|host| host.preference != preference)
            .map_or(hosts.len(), |offset| start + offset);
        let run = &mut hosts[start..end];
        for i in (1..run.len()).rev() {
            let bound = u64::try_from(i + 1).unwrap_or(u64::MAX);
            let j = usize::try_from(next() % bound).unwrap_or(0);
            run.swap(i, j);
        }
        start = end;
    }
}

#[cfg(test)]
mod tests;
