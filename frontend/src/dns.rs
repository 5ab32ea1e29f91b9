//! The DNS facts of a mail domain as the panel shows them: `protocol::dns`'s facts (MX,
//! SPF with its lookup count, DMARC, MTA-STS, TLS-RPT, a TLSA fact per MX host), each
//! found, missing, broken or unknown with its findings in both languages, and whether
//! the resolver validated the answers with DNSSEC. Read from the bridge's
//! `GET /api/dns?domain=` answer.

use protocol::dns::{Fact, FactStatus};

/// The facts of one domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsFacts {
    /// The domain asked about.
    pub domain: String,
    /// Whether the resolver validated the answers (its AD bit); `None` when unknown.
    pub dnssec: Option<bool>,
    /// The facts, in the order shown.
    pub facts: Vec<Fact>,
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
