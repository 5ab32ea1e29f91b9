//! The server check as the page shows it: the lines of each host's conversation (the
//! terminal's own transcript entries), which host is being checked, and the scorecard,
//! one card per host and, for a domain, the matrix of every MX host against every item.
//!
//! The bridge runs the check and `protocol::check` grades it; the items arrive worded in
//! both languages, so switching the language re-renders without running it again.

use protocol::lang::{Bilingual, Lang};

/// How an item of the scorecard came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// As it should be.
    Pass,
    /// Works, but below what is recommended.
    Warn,
    /// Broken, or a danger (an open relay).
    Fail,
    /// A fact, not graded.
    Info,
}

impl Verdict {
    /// Every verdict, in the order of `i18n::check`'s words.
    pub const ALL: [Verdict; 4] = [Verdict::Pass, Verdict::Warn, Verdict::Fail, Verdict::Info];

    /// The CSS class and test hook: `pass`, `warn`, `fail`, `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Info => "info",
        }
    }

    /// The verdict named `name`; `Info` for a name this page does not know.
    pub fn from_name(name: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == name)
            .unwrap_or(Verdict::Info)
    }

    /// The mark shown before an item (colour is not the only cue).
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Pass => "✓",
            Verdict::Warn => "!",
            Verdict::Fail => "✗",
            Verdict::Info => "i",
        }
    }
}

/// One item of a host's scorecard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreItem {
    /// The stable id (`starttls`, `open-relay` ...): the matrix's column.
    pub id: String,
    /// How it came out.
    pub verdict: Verdict,
    /// The item's name, in both languages.
    pub title: Bilingual<String>,
    /// What was seen and why it matters, in both languages.
    pub explanation: Bilingual<String>,
    /// The RFC or BCP, e.g. `RFC 3207`.
    pub reference: String,
}

/// The scorecard of one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostCard {
    /// The host checked (the MX name, or the host as typed).
    pub host: String,
    /// The address connected to, when it got that far.
    pub address: Option<String>,
    /// Its items, in the order checked.
    pub items: Vec<ScoreItem>,
}

impl HostCard {
    /// How many items came out `verdict`.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.items.iter().filter(|i| i.verdict == verdict).count()
    }
}

/// The whole check's result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scorecard {
    /// One card per host, in the order checked (MX preference for a domain).
    pub hosts: Vec<HostCard>,
}

impl Scorecard {
    /// The matrix's columns: every item id in the order first met, with its title in
    /// `lang`.
    pub fn columns(&self, lang: Lang) -> Vec<(&str, &str)> {
        let mut columns: Vec<(&str, &str)> = Vec::new();
        for item in self.hosts.iter().flat_map(|h| &h.items) {
            if !columns.iter().any(|(id, _)| *id == item.id) {
                columns.push((&item.id, item.title.get(lang)));
            }
        }
        columns
    }

    /// `host`'s verdict for item `id`; `None` when that host has no such item (it was
    /// not reached, say).
    pub fn cell(host: &HostCard, id: &str) -> Option<Verdict> {
        host.items.iter().find(|i| i.id == id).map(|i| i.verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, verdict: Verdict) -> ScoreItem {
        ScoreItem {
            id: id.into(),
            verdict,
            title: Bilingual {
                en: format!("{id} title"),
                zh: format!("{id} 标题"),
            },
            explanation: Bilingual {
                en: String::new(),
                zh: String::new(),
            },
            reference: "RFC 5321".into(),
        }
    }

    #[test]
    fn the_matrix_has_every_item_once_in_order() {
        let card = Scorecard {
            hosts: vec![
                HostCard {
                    host: "mx1".into(),
                    address: None,
                    items: vec![item("banner", Verdict::Fail)],
                },
                HostCard {
                    host: "mx2".into(),
                    address: Some("127.0.0.1:25".into()),
                    items: vec![
                        item("banner", Verdict::Pass),
                        item("open-relay", Verdict::Fail),
                        item("rdns", Verdict::Warn),
                    ],
                },
            ],
        };
        let columns = card.columns(Lang::ZhCn);
        assert_eq!(
            columns,
            [
                ("banner", "banner 标题"),
                ("open-relay", "open-relay 标题"),
                ("rdns", "rdns 标题")
            ]
        );
        assert_eq!(Scorecard::cell(&card.hosts[0], "open-relay"), None);
        assert_eq!(Scorecard::cell(&card.hosts[1], "rdns"), Some(Verdict::Warn));
        assert_eq!(card.hosts[1].count(Verdict::Fail), 1);
        assert_eq!(Verdict::from_name("warn"), Verdict::Warn);
        assert_eq!(Verdict::from_name("odd"), Verdict::Info);
    }
}
