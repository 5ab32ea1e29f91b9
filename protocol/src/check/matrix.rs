//! Several MX hosts side by side: one row per item, one column per host, so a domain's
//! servers are compared at a glance (the first that refuses postmaster, the backup MX
//! that relays).

use super::{ItemText, Scorecard, Verdict};
use crate::lang::{Bilingual, Text, t};

/// A row's label: what the item is about, the same for every host (an item's title says
/// what was found on one host).
pub(super) fn label(id: &str) -> Option<Text> {
    Some(match id {
        "connect" => t!("Connection", "连接"),
        "banner" => t!("Banner (220)", "欢迎信息（220）"),
        "banner-time" => t!("Banner delay", "欢迎信息延迟"),
        "banner-name" => t!("Banner host name", "欢迎信息中的主机名"),
        "ehlo" => t!("EHLO", "EHLO"),
        "extensions" => t!("Extensions", "扩展"),
        "starttls" => t!("STARTTLS offered", "提供 STARTTLS"),
        "tls-handshake" => t!("TLS handshake", "TLS 握手"),
        "tls-version" => t!("TLS version", "TLS 版本"),
        "tls-cipher" => t!("TLS cipher", "TLS 密码套件"),
        "cert-chain" => t!("Certificate chain", "证书链"),
        "cert-expiry" => t!("Certificate expiry", "证书有效期"),
        "cert-name" => t!("Certificate name", "证书名称"),
        "cert-key" => t!("Certificate key", "证书密钥"),
        "cert-signature" => t!("Certificate signature", "证书签名"),
        "auth-before-tls" => t!("AUTH only after TLS", "仅在 TLS 之后提供 AUTH"),
        "size" => t!("SIZE", "SIZE"),
        "pipelining" => t!("PIPELINING", "PIPELINING"),
        "8bitmime" => t!("8BITMIME", "8BITMIME"),
        "smtputf8" => t!("SMTPUTF8", "SMTPUTF8"),
        "chunking" => t!("CHUNKING", "CHUNKING"),
        "postmaster" => t!("postmaster accepted", "接受 postmaster"),
        "vrfy" => t!("VRFY exposure", "VRFY 泄露"),
        "expn" => t!("EXPN exposure", "EXPN 泄露"),
        "open-relay" => t!("Open relay", "开放中继"),
        "rdns" => t!("Reverse DNS", "反向解析"),
        "rdns-match" => t!("Name matches reverse DNS", "名称与反向解析一致"),
        "timings" => t!("Timings", "耗时"),
        _ => return None,
    })
}

/// One item across the hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRow {
    /// The item's id, e.g. `open-relay`.
    pub id: String,
    /// The item's reference.
    pub reference: String,
    /// What the row is about (the first host's title for an id this version does not
    /// label).
    pub title: Bilingual<String>,
    /// One verdict per host, in the order of [`Matrix::hosts`]; `NotTested` where a host
    /// has no such item.
    pub verdicts: Vec<Verdict>,
}

/// Hosts × items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matrix {
    /// The hosts' names, in the order checked (MX preference order).
    pub hosts: Vec<String>,
    /// One row per item id, in the scorecard's order.
    pub rows: Vec<MatrixRow>,
}

impl Matrix {
    /// The matrix of `cards`, each with its host's name.
    pub fn new<'a>(cards: impl IntoIterator<Item = (&'a str, &'a Scorecard)>) -> Self {
        let cards: Vec<(&str, &Scorecard)> = cards.into_iter().collect();
        let mut rows: Vec<MatrixRow> = Vec::new();
        for (_, card) in &cards {
            for item in &card.items {
                if rows.iter().any(|r| r.id == item.id) {
                    continue;
                }
                let title = |t: &ItemText| t.title.clone();
                let title = match label(item.id) {
                    Some(text) => Bilingual {
                        en: text.en.to_owned(),
                        zh: text.zh.to_owned(),
                    },
                    None => Bilingual {
                        en: title(&item.text.en),
                        zh: title(&item.text.zh),
                    },
                };
                rows.push(MatrixRow {
                    id: item.id.to_owned(),
                    reference: item.reference.to_owned(),
                    title,
                    verdicts: Vec::new(),
                });
            }
        }
        for row in &mut rows {
            row.verdicts = cards
                .iter()
                .map(|(_, card)| card.item(&row.id).map_or(Verdict::NotTested, |i| i.verdict))
                .collect();
        }
        Self {
            hosts: cards.iter().map(|(name, _)| (*name).to_owned()).collect(),
            rows,
        }
    }

    /// The worst verdict in the matrix.
    pub fn worst(&self) -> Verdict {
        self.rows
            .iter()
            .flat_map(|r| r.verdicts.iter().copied())
            .max()
            .unwrap_or_default()
    }
}
