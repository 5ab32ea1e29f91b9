//! `smtp-playground dns DOMAIN` as text: the DNS facts record (`facts.rs`) written for a
//! person, in one language, every fact with its verdict, its records, its findings, what it
//! is for, and why it matters when missing.

use std::fmt::Write as _;

use protocol::lang::{Bilingual, Lang};
use protocol::records::dns::{DnsFactsRecord, FactRecord, FindingRecord};

fn pick(text: &Bilingual<String>, lang: Lang) -> &str {
    text.get(lang)
}

fn finding_line(out: &mut String, finding: &FindingRecord, lang: Lang) {
    let mark = match finding.severity.as_str() {
        "error" => "✗",
        "warning" => "!",
        _ => "·",
    };
    let text = if lang == Lang::ZhCn {
        &finding.zh
    } else {
        &finding.en
    };
    let _ = writeln!(out, "    {mark} {text}");
}

fn status_word(status: &str, lang: Lang) -> String {
    match (status, lang) {
        ("found", Lang::En) => "found".to_owned(),
        ("found", Lang::ZhCn) => "已找到".to_owned(),
        ("missing", Lang::En) => "missing".to_owned(),
        ("missing", Lang::ZhCn) => "缺失".to_owned(),
        ("broken", Lang::En) => "BROKEN".to_owned(),
        ("broken", Lang::ZhCn) => "有错误".to_owned(),
        (_, Lang::En) => "unknown (the lookup failed)".to_owned(),
        (_, Lang::ZhCn) => "未知（查询失败）".to_owned(),
    }
}

fn dnssec(authenticated: bool, lang: Lang) -> String {
    match (authenticated, lang) {
        (true, Lang::En) => "DNSSEC-validated (AD)".to_owned(),
        (true, Lang::ZhCn) => "已经 DNSSEC 验证（AD）".to_owned(),
        (false, Lang::En) => "not DNSSEC-validated".to_owned(),
        (false, Lang::ZhCn) => "未经 DNSSEC 验证".to_owned(),
    }
}

fn fact(out: &mut String, fact: &FactRecord, lang: Lang) {
    let title = fact.kind().map_or(fact.kind.as_str(), |k| k.title());
    let _ = writeln!(
        out,
        "\n{title} ({}) — {}, {}  [{}]",
        fact.name,
        status_word(&fact.status, lang),
        dnssec(fact.authenticated, lang),
        fact.rfc
    );
    for record in &fact.records {
        let _ = writeln!(out, "    \"{record}\"");
    }
    if let Some(error) = &fact.error {
        let _ = writeln!(out, "    ✗ {error}");
    }
    for finding in &fact.findings {
        finding_line(out, finding, lang);
    }
    let _ = writeln!(out, "    {}", pick(&fact.meaning, lang));
    if fact.status == "missing" {
        let _ = writeln!(out, "    {}", pick(&fact.when_missing, lang));
    }
}

/// The record as text in `lang`.
pub fn render(record: &DnsFactsRecord, lang: Lang) -> String {
    let mut out = String::new();
    let heading = match lang {
        Lang::En => format!("DNS facts of {}", record.domain),
        Lang::ZhCn => format!("{} 的 DNS 信息", record.domain),
    };
    let _ = writeln!(out, "{heading}");
    let mx = &record.mx;
    let _ = writeln!(
        out,
        "\nMX — {}, {}  [RFC 5321 5.1, RFC 7505]",
        status_word(&mx.status, lang),
        dnssec(mx.authenticated, lang)
    );
    if let Some(error) = &mx.error {
        let _ = writeln!(out, "    ✗ {error}");
    }
    for host in &mx.hosts {
        let _ = writeln!(out, "    {:>5} {}", host.preference, host.name);
        if let Some(note) = &host.note {
            let _ = writeln!(out, "          ! {}", pick(note, lang));
        }
        if let Some(error) = &host.error {
            let _ = writeln!(out, "          ✗ {error}");
        }
        for address in &host.addresses {
            let verdict = match (&address.reason, lang) {
                (None, Lang::En) => "allowed".to_owned(),
                (None, Lang::ZhCn) => "允许".to_owned(),
                (Some(reason), Lang::En) => format!("denied: {reason}"),
                (Some(reason), Lang::ZhCn) => format!("拒绝：{reason}"),
            };
            let _ = writeln!(out, "          {} ({verdict})", address.address);
        }
    }
    for finding in &mx.findings {
        finding_line(&mut out, finding, lang);
    }
    for item in &record.facts {
        fact(&mut out, item, lang);
    }
    let _ = match lang {
        Lang::En => writeln!(out, "\n{} DNS queries.", record.queries),
        Lang::ZhCn => writeln!(out, "\n共 {} 次 DNS 查询。", record.queries),
    };
    out
}
