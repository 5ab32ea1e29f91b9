//! The DNS facts panel: the domain asked about, and the answer or why there is none.

use std::rc::Rc;

use crate::dns::DnsFacts;
use crate::vocab::Failure;

/// What the DNS facts panel shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsView {
    /// Asked about this domain; waiting.
    Loading(String),
    /// The answer.
    Loaded(Rc<DnsFacts>),
    /// No answer for this domain, and why.
    Failed(String, Failure),
}

impl DnsView {
    /// The domain the panel is about.
    pub fn domain(&self) -> &str {
        match self {
            DnsView::Loading(domain) | DnsView::Failed(domain, _) => domain,
            DnsView::Loaded(facts) => &facts.domain,
        }
    }

    /// The answer for `domain` arrived: shown only when the panel still waits for it
    /// (an older answer after the user asked about another domain is dropped).
    pub fn answered(&mut self, domain: &str, result: Result<DnsFacts, Failure>) {
        if !matches!(self, DnsView::Loading(asked) if asked == domain) {
            return;
        }
        *self = match result {
            Ok(facts) => DnsView::Loaded(Rc::new(facts)),
            Err(failure) => DnsView::Failed(domain.to_owned(), failure),
        };
    }
}
