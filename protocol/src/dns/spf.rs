//! SPF records (RFC 7208), checked as a receiver would before evaluating them: one record
//! only, known mechanisms, and the count of terms that cost a DNS query (`include`, `a`,
//! `mx`, `ptr`, `exists`, `redirect`) across every nested include, against the limit of 10
//! (4.6.4); more is a permanent error at every receiver.
//!
//! Sans-IO: [`SpfCheck::next_fetch`] names the next domain whose TXT records it needs (an
//! include or redirect target), the shell fetches them and hands them to
//! [`SpfCheck::provide`], until there is nothing left to fetch or the shell's query budget
//! runs out; [`SpfCheck::finish`] gives the [`Fact`].

use std::collections::VecDeque;

use crate::dns::{DnsFinding, Fact, FactKind, Severity, bi};

/// The most DNS-querying terms an evaluation may use (RFC 7208 4.6.4).
pub const LOOKUP_LIMIT: usize = 10;
/// The most lookups that may find nothing (RFC 7208 4.6.4).
pub const VOID_LIMIT: usize = 2;
/// The most include and redirect records this check fetches.
pub const FETCH_LIMIT: usize = 20;

/// Whether a TXT string is an SPF record: `v=spf1` alone or followed by a space.
pub fn is_spf(text: &str) -> bool {
    let text = text.trim_start();
    text.get(..6)
        .is_some_and(|v| v.eq_ignore_ascii_case("v=spf1"))
        && text[6..].chars().next().is_none_or(|c| c == ' ')
}

/// The DNS-querying terms of one record, without following includes.
fn top_level_lookups(record: &str) -> usize {
    record
        .split_ascii_whitespace()
        .skip(1)
        .filter(|term| {
            let term = term
                .trim_start_matches(['+', '-', '~', '?'])
                .to_ascii_lowercase();
            let name = term.split([':', '/', '=']).next().unwrap_or_default();
            matches!(name, "include" | "a" | "mx" | "ptr" | "exists" | "redirect")
        })
        .count()
}

/// The check in progress; see the module documentation.
#[derive(Debug, Clone)]
pub struct SpfCheck {
    fact: Fact,
    lookups: usize,
    voids: usize,
    pending: VecDeque<(String, bool)>,
    seen: Vec<String>,
    fetched: usize,
}

impl SpfCheck {
    /// Starts with the TXT records of `domain` (all of them; non-SPF ones are ignored).
    pub fn new(domain: &str, txt: &[String]) -> Self {
        let spf: Vec<String> = txt.iter().filter(|t| is_spf(t)).cloned().collect();
        let mut check = Self {
            fact: Fact::new(FactKind::Spf, domain, spf.clone()),
            lookups: 0,
            voids: 0,
            pending: VecDeque::new(),
            seen: vec![domain.trim_end_matches('.').to_ascii_lowercase()],
            fetched: 0,
        };
        if spf.len() > 1 {
            let count = spf.len();
            check.fact.push(DnsFinding::new(
                "spf-several-records",
                Severity::Error,
                bi!(
                    "{count} SPF records (v=spf1) are published at {domain}; RFC 7208 4.5 allows one, so every receiver's check ends in permerror, as if SPF failed. Merge them into one record. The lookups below are counted for the costliest of them.",
                    "{domain} 上发布了 {count} 条 SPF 记录（v=spf1）；RFC 7208 第 4.5 节只允许一条，因此所有收件方的检查都会得到 permerror，相当于 SPF 失败。请合并为一条记录。以下查询次数按其中开销最大的一条计算。"
                ),
            ));
        }
        // With several records, the lookups are counted for the one that costs most at
        // its top level (DNS gives them in any order).
        if let Some(worst) = spf
            .iter()
            .rev()
            .max_by_key(|record| top_level_lookups(record))
        {
            check.read(worst, domain, true);
        }
        check
    }

    /// The next domain whose TXT records are needed, if any.
    pub fn next_fetch(&mut self) -> Option<String> {
        if self.fetched >= FETCH_LIMIT {
            return None;
        }
        let (domain, _) = self.pending.front()?.clone();
        Some(domain)
    }

    /// The TXT records of the domain [`next_fetch`](Self::next_fetch) named; `None` when
    /// it does not exist or has no TXT records (a void lookup).
    pub fn provide(&mut self, domain: &str, txt: Option<&[String]>) {
        let Some(position) = self.pending.iter().position(|(d, _)| d == domain) else {
            return;
        };
        let Some((domain, is_redirect)) = self.pending.remove(position) else {
            return;
        };
        self.fetched += 1;
        let spf: Vec<&String> = txt
            .unwrap_or_default()
            .iter()
            .filter(|t| is_spf(t))
            .collect();
        if txt.is_none_or(<[String]>::is_empty) {
            self.voids += 1;
        }
        match spf.as_slice() {
            [] => {
                let what = if is_redirect { "redirect" } else { "include" };
                self.fact.push(DnsFinding::new(
                    "spf-target-without-spf",
                    Severity::Error,
                    bi!(
                        "{what}:{domain} names a domain without an SPF record: a permanent error (RFC 7208 5.2, 6.1).",
                        "{what}:{domain} 指向的域名没有 SPF 记录：这是永久错误（RFC 7208 第 5.2、6.1 节）。"
                    ),
                ));
            }
            [one] => {
                let one = (*one).clone();
                self.read(&one, &domain, false);
            }
            _ => self.fact.push(DnsFinding::new(
                "spf-several-records",
                Severity::Error,
                bi!(
                    "{domain}, included, publishes several SPF records: a permanent error.",
                    "被包含的 {domain} 发布了多条 SPF 记录：这是永久错误。"
                ),
            )),
        }
    }

    /// The fact, with the lookup count.
    pub fn finish(mut self) -> Fact {
        if self.fact.records.is_empty() {
            return self.fact;
        }
        let n = self.lookups;
        let limit = LOOKUP_LIMIT;
        if n > LOOKUP_LIMIT {
            self.fact.push(DnsFinding::new(
                "spf-too-many-lookups",
                Severity::Error,
                bi!(
                    "Evaluating this record takes {n} DNS lookups (include, a, mx, ptr, exists, redirect, across nested includes); the limit is {limit} (RFC 7208 4.6.4). Receivers stop with permerror, so SPF fails for all your mail. Replace includes with ip4:/ip6: ranges or drop unused ones.",
                    "评估这条记录需要 {n} 次 DNS 查询（include、a、mx、ptr、exists、redirect，包括嵌套的 include）；上限是 {limit}（RFC 7208 第 4.6.4 节）。收件方会以 permerror 终止，你的所有邮件 SPF 都会失败。请用 ip4:/ip6: 网段替换 include，或删去不用的。"
                ),
            ));
        } else {
            self.fact.push(DnsFinding::new(
                "spf-lookups",
                Severity::Info,
                bi!(
                    "Evaluating this record takes {n} of the {limit} DNS lookups allowed (RFC 7208 4.6.4).",
                    "评估这条记录需要 {n} 次 DNS 查询，上限为 {limit} 次（RFC 7208 第 4.6.4 节）。"
                ),
            ));
        }
        if self.voids > VOID_LIMIT {
            let voids = self.voids;
            self.fact.push(DnsFinding::new(
                "spf-too-many-void-lookups",
                Severity::Error,
                bi!(
                    "{voids} of the names this record refers to do not exist or have no records; more than {VOID_LIMIT} such void lookups is a permanent error (RFC 7208 4.6.4).",
                    "这条记录引用的名称中有 {voids} 个不存在或没有记录；此类空查询超过 {VOID_LIMIT} 次即为永久错误（RFC 7208 第 4.6.4 节）。"
                ),
            ));
        }
        if !self.pending.is_empty() {
            self.fact.push(DnsFinding::new(
                "spf-not-followed",
                Severity::Warning,
                bi!(
                    "Some includes were not followed (the check's query budget ran out), so the count is a lower bound.",
                    "部分 include 未被跟踪（检查的查询预算已用完），因此计数是下限。"
                ),
            ));
        }
        self.fact.lookups = Some(self.lookups);
        self.fact
    }

    /// Counts and checks the terms of one record (`top`: the domain's own).
    fn read(&mut self, record: &str, origin: &str, top: bool) {
        for term in record.split_ascii_whitespace().skip(1) {
            let (qualifier, rest) = match term.chars().next() {
                Some(q @ ('+' | '-' | '~' | '?')) => (q, &term[1..]),
                _ => ('+', term),
            };
            let name_end = rest.find([':', '/', '=']).unwrap_or(rest.len());
            let name = rest[..name_end].to_ascii_lowercase();
            let is_modifier = rest[name_end..].starts_with('=');
            let argument = rest.get(name_end + 1..).unwrap_or_default();
            if is_modifier {
                if name == "redirect" {
                    self.lookups += 1;
                    self.follow(argument, true);
                }
                continue;
            }
            match name.as_str() {
                "all" => {
                    if top && (qualifier == '+' || qualifier == '?') {
                        let written = term.to_owned();
                        self.fact.push(DnsFinding::new(
                            "spf-permissive-all",
                            Severity::Warning,
                            bi!(
                                "{written} lets any server on the Internet pass (or be neutral) as {origin}: the record protects nothing. End with -all (fail) or ~all (softfail).",
                                "{written} 让互联网上任何服务器都能以 {origin} 的名义通过（或得到中性结果）：这条记录起不到保护作用。请以 -all（失败）或 ~all（软失败）结尾。"
                            ),
                        ));
                    }
                }
                "include" => {
                    self.lookups += 1;
                    if argument.is_empty() {
                        self.syntax(term);
                    } else {
                        self.follow(argument, false);
                    }
                }
                "a" | "mx" | "exists" => {
                    self.lookups += 1;
                    if name == "exists" && argument.is_empty() {
                        self.syntax(term);
                    }
                }
                "ptr" => {
                    self.lookups += 1;
                    self.fact.push(DnsFinding::new(
                        "spf-ptr",
                        Severity::Warning,
                        bi!(
                            "The ptr mechanism is slow and unreliable; RFC 7208 5.5 says not to use it.",
                            "ptr 机制既慢又不可靠；RFC 7208 第 5.5 节建议不要使用。"
                        ),
                    ));
                }
                "ip4" | "ip6" => {
                    let address = argument.split('/').next().unwrap_or_default();
                    let valid = if name == "ip4" {
                        address.parse::<std::net::Ipv4Addr>().is_ok()
                    } else {
                        address.parse::<std::net::Ipv6Addr>().is_ok()
                    };
                    if !valid {
                        self.syntax(term);
                    }
                }
                _ => self.syntax(term),
            }
        }
    }

    /// Queues an include or redirect target once (targets with macros are counted, not
    /// fetched: they depend on the message).
    fn follow(&mut self, target: &str, is_redirect: bool) {
        let target = target.trim_end_matches('.').to_ascii_lowercase();
        if target.is_empty() || target.contains('%') || self.seen.contains(&target) {
            return;
        }
        self.seen.push(target.clone());
        self.pending.push_back((target, is_redirect));
    }

    fn syntax(&mut self, term: &str) {
        let term = term.to_owned();
        self.fact.push(DnsFinding::new(
            "spf-bad-term",
            Severity::Error,
            bi!(
                "{term} is not a valid SPF mechanism or modifier (RFC 7208 4.6.1, 5): a permanent error.",
                "{term} 不是有效的 SPF 机制或修饰符（RFC 7208 第 4.6.1、5 节）：这是永久错误。"
            ),
        ));
    }
}

#[cfg(test)]
mod tests;
