//! The DNS facts of a mail domain as the panel shows them: one row per record (MX, SPF,
//! DMARC, MTA-STS, TLS-RPT, a TLSA row per MX host), each with the name asked, what was
//! found or that it is missing, and the problems found in it; and whether the resolver
//! validated the answers with DNSSEC. Filled from the bridge's `GET /api/dns` answer.

use crate::i18n::dns::Record;

/// One record of the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactRow {
    /// Which record.
    pub record: Record,
    /// The name asked for (`_dmarc.example.org`, `_25._tcp.mx.example.org` ...).
    pub name: String,
    /// What was found, one value per record; empty when it is missing.
    pub values: Vec<String>,
    /// For SPF: how many DNS lookups evaluating it takes (limit 10, RFC 7208 4.6.4).
    pub spf_lookups: Option<u64>,
    /// What is wrong with it (malformed, over a limit), in the bridge's words.
    pub problems: Vec<String>,
}

impl FactRow {
    /// A row for `record` at `name` with `values`.
    pub fn new(record: Record, name: &str, values: Vec<String>) -> Self {
        Self {
            record,
            name: name.to_owned(),
            values,
            spf_lookups: None,
            problems: Vec::new(),
        }
    }

    /// The row's verdict: `ok`, `missing` or `problem` (its CSS class and test hook).
    pub fn verdict(&self) -> &'static str {
        if !self.problems.is_empty() || self.spf_lookups.is_some_and(|n| n > 10) {
            "problem"
        } else if self.values.is_empty() {
            "missing"
        } else {
            "ok"
        }
    }
}

/// The facts of one domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsFacts {
    /// The domain asked about.
    pub domain: String,
    /// Whether the resolver validated the answers (its AD bit); `None` when unknown.
    pub dnssec: Option<bool>,
    /// The records, in the order shown.
    pub rows: Vec<FactRow>,
}

/// Reads `GET /api/dns?domain=`.
///
/// # Errors
///
/// When the text is not the DNS facts' shape.
pub fn read(text: &str) -> Result<DnsFacts, protocol::records::ShapeError> {
    // Filled in from `protocol::records`' DNS shape.
    let _ = text;
    Err(protocol::records::ShapeError::Invalid("not yet".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_says_whether_it_is_fine_missing_or_wrong() {
        let mut spf = FactRow::new(Record::Spf, "example.test", vec!["v=spf1 -all".into()]);
        assert_eq!(spf.verdict(), "ok");
        spf.spf_lookups = Some(11);
        assert_eq!(spf.verdict(), "problem");
        spf.spf_lookups = Some(10);
        assert_eq!(spf.verdict(), "ok");
        let dmarc = FactRow::new(Record::Dmarc, "_dmarc.example.test", vec![]);
        assert_eq!(dmarc.verdict(), "missing");
        let mut broken = FactRow::new(
            Record::Dmarc,
            "_dmarc.example.test",
            vec!["v=DMARC1; p=maybe".into()],
        );
        broken
            .problems
            .push("p= must be none, quarantine or reject".into());
        assert_eq!(broken.verdict(), "problem");
    }
}
