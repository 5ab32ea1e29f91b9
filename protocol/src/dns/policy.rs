//! The TXT records of mail policy that are tag lists: DMARC at `_dmarc.<domain>` (RFC
//! 7489), MTA-STS at `_mta-sts.<domain>` (RFC 8461) and TLS-RPT at `_smtp._tls.<domain>`
//! (RFC 8460). Each takes every TXT string found at its name (the shell fetched them)
//! and returns a [`Fact`].

use crate::dns::tags::{Tag, tags, value};
use crate::dns::{DnsFinding, Fact, FactKind, Severity, bi};

/// The records at `name` that start with `prefix` (case-insensitive), or all of them when
/// none does (so a malformed one is still judged).
fn candidates<'a>(records: &'a [String], prefix: &str) -> Vec<&'a String> {
    let matching: Vec<&String> = records
        .iter()
        .filter(|r| {
            r.trim_start()
                .get(..prefix.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
        })
        .collect();
    matching
}

/// Whether the first tag is `v=<version>`.
fn starts_with_version(list: &[Tag], version: &str) -> bool {
    list.first().is_some_and(|tag| {
        tag.name.eq_ignore_ascii_case("v")
            && tag
                .value
                .as_deref()
                .is_some_and(|v| v.eq_ignore_ascii_case(version))
    })
}

/// A record that claims to be of `kind` but more than one is published.
fn several(fact: &mut Fact, count: usize) {
    let title = fact.kind.title();
    let name = fact.name.clone();
    fact.push(DnsFinding::new(
        "policy-several-records",
        Severity::Error,
        bi!(
            "{count} {title} records are published at {name}; there must be exactly one, so receivers ignore them all.",
            "{name} 上发布了 {count} 条 {title} 记录；只能有一条，因此收件方会全部忽略。"
        ),
    ));
}

/// The DMARC record at `_dmarc.<domain>`: `v=DMARC1` first, `p=` required (none,
/// quarantine, reject), optional `sp`, `pct` (0-100), `rua`/`ruf` (URIs), `adkim`/`aspf`
/// (r or s).
pub fn dmarc(name: &str, records: &[String]) -> Fact {
    let mut fact = Fact::new(FactKind::Dmarc, name, records.to_vec());
    if records.is_empty() {
        return fact;
    }
    let marked = candidates(records, "v=DMARC1");
    if marked.len() > 1 {
        several(&mut fact, marked.len());
        return fact;
    }
    // A record that does not start with the version is not a DMARC record (RFC 7489 6.6.3);
    // judge the one there anyway, to say what is wrong.
    let Some(text) = marked.first().copied().or(records.first()) else {
        return fact;
    };
    let list = tags(text);
    if !starts_with_version(&list, "DMARC1") {
        fact.push(DnsFinding::new(
            "dmarc-version-not-first",
            Severity::Error,
            bi!(
                "A DMARC record must begin with v=DMARC1 (RFC 7489 6.4); this one does not, so receivers ignore it as if there were no DMARC record.",
                "DMARC 记录必须以 v=DMARC1 开头（RFC 7489 第 6.4 节）；这条不是，收件方会忽略它，就像没有 DMARC 记录一样。"
            ),
        ));
    }
    match value(&list, "p") {
        None => fact.push(DnsFinding::new(
            "dmarc-no-policy",
            Severity::Error,
            bi!(
                "The p= tag (the policy: none, quarantine or reject) is required (RFC 7489 6.3) and missing.",
                "必需的 p= 标签（策略：none、quarantine 或 reject）缺失（RFC 7489 第 6.3 节）。"
            ),
        )),
        Some(policy) => match policy.to_ascii_lowercase().as_str() {
            "reject" => fact.push(DnsFinding::new(
                "dmarc-reject",
                Severity::Info,
                bi!(
                    "p=reject: receivers refuse mail whose From: domain fails DMARC. The strongest protection against spoofing.",
                    "p=reject：收件方拒收 From: 域名未通过 DMARC 的邮件。这是防伪造最强的设置。"
                ),
            )),
            "quarantine" => fact.push(DnsFinding::new(
                "dmarc-quarantine",
                Severity::Info,
                bi!(
                    "p=quarantine: failing mail goes to spam. A step before p=reject.",
                    "p=quarantine：未通过的邮件进入垃圾箱。是迈向 p=reject 之前的一步。"
                ),
            )),
            "none" => fact.push(DnsFinding::new(
                "dmarc-none",
                Severity::Warning,
                bi!(
                    "p=none: monitoring only; failing mail is delivered as usual. Move to quarantine or reject once the reports look clean.",
                    "p=none：仅监测，未通过的邮件照常投递。报告正常后应改为 quarantine 或 reject。"
                ),
            )),
            _ => fact.push(DnsFinding::new(
                "dmarc-bad-policy",
                Severity::Error,
                bi!(
                    "p={policy} is not a DMARC policy; use none, quarantine or reject.",
                    "p={policy} 不是有效的 DMARC 策略；请使用 none、quarantine 或 reject。"
                ),
            )),
        },
    }
    if let Some(pct) = value(&list, "pct") {
        let valid = pct.parse::<u8>().is_ok_and(|n| n <= 100);
        if !valid {
            fact.push(DnsFinding::new(
                "dmarc-bad-pct",
                Severity::Error,
                bi!(
                    "pct={pct} is not a percentage from 0 to 100 (RFC 7489 6.3).",
                    "pct={pct} 不是 0 到 100 之间的百分比（RFC 7489 第 6.3 节）。"
                ),
            ));
        }
    }
    for tag in ["adkim", "aspf"] {
        if let Some(mode) = value(&list, tag)
            && !mode.eq_ignore_ascii_case("r")
            && !mode.eq_ignore_ascii_case("s")
        {
            fact.push(DnsFinding::new(
                "dmarc-bad-alignment",
                Severity::Error,
                bi!(
                    "{tag}={mode}: alignment is r (relaxed) or s (strict).",
                    "{tag}={mode}：对齐模式只能是 r（宽松）或 s（严格）。"
                ),
            ));
        }
    }
    if let Some(sp) = value(&list, "sp")
        && !["none", "quarantine", "reject"].contains(&sp.to_ascii_lowercase().as_str())
    {
        fact.push(DnsFinding::new(
            "dmarc-bad-policy",
            Severity::Error,
            bi!(
                "sp={sp} is not a DMARC policy; use none, quarantine or reject.",
                "sp={sp} 不是有效的 DMARC 策略；请使用 none、quarantine 或 reject。"
            ),
        ));
    }
    for tag in ["rua", "ruf"] {
        if let Some(uris) = value(&list, tag) {
            let bad: Vec<&str> = uris
                .split(',')
                .map(str::trim)
                .filter(|uri| !uri.to_ascii_lowercase().starts_with("mailto:"))
                .collect();
            if !bad.is_empty() {
                let bad = bad.join(", ");
                fact.push(DnsFinding::new(
                    "dmarc-bad-report-uri",
                    Severity::Warning,
                    bi!(
                        "{tag}: {bad} is not a mailto: URI; receivers send reports only to mailto: addresses.",
                        "{tag}：{bad} 不是 mailto: URI；收件方只向 mailto: 地址发送报告。"
                    ),
                ));
            }
        }
    }
    if value(&list, "rua").is_none() {
        fact.push(DnsFinding::new(
            "dmarc-no-rua",
            Severity::Warning,
            bi!(
                "No rua= address: you receive no aggregate reports, so you cannot see who sends as your domain.",
                "没有 rua= 地址：你收不到汇总报告，也就无法看到谁在以你的域名发信。"
            ),
        ));
    }
    fact
}

/// The MTA-STS record at `_mta-sts.<domain>`: `v=STSv1; id=<1-32 letters and digits>`.
pub fn mta_sts(name: &str, records: &[String]) -> Fact {
    let mut fact = Fact::new(FactKind::MtaSts, name, records.to_vec());
    let marked = candidates(records, "v=STSv1");
    if records.is_empty() {
        return fact;
    }
    if marked.is_empty() {
        fact.push(DnsFinding::new(
            "mta-sts-no-version",
            Severity::Error,
            bi!(
                "No record here starts with v=STSv1 (RFC 8461 3.1), so senders see no MTA-STS policy.",
                "这里没有以 v=STSv1 开头的记录（RFC 8461 第 3.1 节），发件方看不到 MTA-STS 策略。"
            ),
        ));
        return fact;
    }
    if marked.len() > 1 {
        several(&mut fact, marked.len());
        return fact;
    }
    let list = tags(marked[0]);
    match value(&list, "id") {
        Some(id) if !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            fact.push(DnsFinding::new(
                "mta-sts-policy-id",
                Severity::Info,
                bi!(
                    "Policy id {id}: senders fetch https://mta-sts.<domain>/.well-known/mta-sts.txt and fetch it again when the id changes. This check reads only the DNS record, not the policy file.",
                    "策略 id {id}：发件方会获取 https://mta-sts.<域名>/.well-known/mta-sts.txt，并在 id 变化时重新获取。本检查只读取 DNS 记录，不读取策略文件。"
                ),
            ));
        }
        Some(id) => fact.push(DnsFinding::new(
            "mta-sts-bad-id",
            Severity::Error,
            bi!(
                "id={id} is not 1 to 32 letters and digits (RFC 8461 3.1).",
                "id={id} 不是 1 到 32 个字母和数字（RFC 8461 第 3.1 节）。"
            ),
        )),
        None => fact.push(DnsFinding::new(
            "mta-sts-no-id",
            Severity::Error,
            bi!(
                "The id= tag is required (RFC 8461 3.1): senders use it to know when the policy changed.",
                "id= 标签是必需的（RFC 8461 第 3.1 节）：发件方靠它判断策略是否更新。"
            ),
        )),
    }
    fact
}

/// The TLS-RPT record at `_smtp._tls.<domain>`: `v=TLSRPTv1; rua=<mailto: or https: URIs>`.
pub fn tls_rpt(name: &str, records: &[String]) -> Fact {
    let mut fact = Fact::new(FactKind::TlsRpt, name, records.to_vec());
    if records.is_empty() {
        return fact;
    }
    let marked = candidates(records, "v=TLSRPTv1");
    if marked.is_empty() {
        fact.push(DnsFinding::new(
            "tls-rpt-no-version",
            Severity::Error,
            bi!(
                "No record here starts with v=TLSRPTv1 (RFC 8460 3), so senders send no reports.",
                "这里没有以 v=TLSRPTv1 开头的记录（RFC 8460 第 3 节），发件方不会发送报告。"
            ),
        ));
        return fact;
    }
    if marked.len() > 1 {
        several(&mut fact, marked.len());
        return fact;
    }
    let list = tags(marked[0]);
    match value(&list, "rua") {
        None => fact.push(DnsFinding::new(
            "tls-rpt-no-rua",
            Severity::Error,
            bi!(
                "The rua= tag (where reports go) is required (RFC 8460 3).",
                "rua= 标签（报告发往何处）是必需的（RFC 8460 第 3 节）。"
            ),
        )),
        Some(uris) => {
            let bad: Vec<&str> = uris
                .split(',')
                .map(str::trim)
                .filter(|uri| {
                    let lower = uri.to_ascii_lowercase();
                    !lower.starts_with("mailto:") && !lower.starts_with("https:")
                })
                .collect();
            if bad.is_empty() {
                fact.push(DnsFinding::new(
                    "tls-rpt-rua",
                    Severity::Info,
                    bi!("Reports go to {uris}.", "报告发往 {uris}。"),
                ));
            } else {
                let bad = bad.join(", ");
                fact.push(DnsFinding::new(
                    "tls-rpt-bad-rua",
                    Severity::Error,
                    bi!(
                        "rua: {bad} is neither a mailto: nor an https: URI (RFC 8460 3).",
                        "rua：{bad} 既不是 mailto: 也不是 https: URI（RFC 8460 第 3 节）。"
                    ),
                ));
            }
        }
    }
    fact
}

#[cfg(test)]
mod tests;
