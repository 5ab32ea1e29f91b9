//! Several MX hosts side by side: one row per item, one column per host, so a domain's
//! servers are compared at a glance (the first that refuses postmaster, the backup MX
//! that relays).

use super::{ItemText, Scorecard, Verdict};
use crate::lang::Bilingual;

/// One item across the hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRow {
    /// The item's id, e.g. `open-relay`.
    pub id: String,
    /// The item's reference.
    pub reference: String,
    /// The item's title as the first host that has it words it (a label for the row).
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
                let label = |t: &ItemText| t.title.clone();
                rows.push(MatrixRow {
                    id: item.id.to_owned(),
                    reference: item.reference.to_owned(),
                    title: Bilingual {
                        en: label(&item.text.en),
                        zh: label(&item.text.zh),
                    },
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
