//! The DNS facts of a mail domain as the panel shows them: the bridge's
//! `GET /api/dns?domain=` answer, `protocol::records::dns`'s shape (MX hosts, SPF with its
//! lookup count, DMARC, MTA-STS, TLS-RPT, a TLSA fact per MX host, each found, missing,
//! broken or unknown, with findings and explanations in both languages, and the AD bit
//! of each answer).

use protocol::dns::FactStatus;
use protocol::records::Shape;
pub use protocol::records::dns::DnsFactsRecord as DnsFacts;

/// Reads `GET /api/dns?domain=`.
///
/// # Errors
///
/// When the text is not the DNS facts' shape.
pub fn read(text: &str) -> Result<DnsFacts, protocol::records::ShapeError> {
    DnsFacts::decode(text)
}

/// The index of `status` in `i18n::dns`'s words, and its CSS class and test hook.
pub fn status(status: FactStatus) -> (usize, &'static str) {
    match status {
        FactStatus::Found => (0, "found"),
        FactStatus::Missing => (1, "missing"),
        FactStatus::Broken => (2, "broken"),
        FactStatus::Unknown => (3, "unknown"),
    }
}

/// Whether every answer was DNSSEC-validated (the resolver set the AD bit on the MX
/// answer and on every fact found).
pub fn validated(facts: &DnsFacts) -> bool {
    facts.mx.authenticated
        && facts
            .facts
            .iter()
            .filter(|f| f.status() == FactStatus::Found)
            .all(|f| f.authenticated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::records::dns::FactRecord;

    #[test]
    fn dnssec_means_every_answer_was_validated() {
        let mut facts = DnsFacts::default();
        assert!(!validated(&facts));
        facts.mx.authenticated = true;
        facts.facts.push(FactRecord {
            status: "found".into(),
            authenticated: true,
            ..FactRecord::default()
        });
        facts.facts.push(FactRecord {
            status: "missing".into(),
            ..FactRecord::default()
        });
        assert!(validated(&facts));
        facts.facts[0].authenticated = false;
        assert!(!validated(&facts));
        assert_eq!(status(FactStatus::Broken), (2, "broken"));
    }
}
