//! [`StaticDns`]: answers from a table, for tests of everything above a query.

use std::collections::HashMap;
use std::sync::Mutex;

use futures_util::future::BoxFuture;

use super::{Answer, DnsError, DnsLookup, RecordKind};

/// A table of answers keyed by (lower-case name without the final dot, type). A name with
/// no entry of any type is NXDOMAIN; a known name without the asked type has no records.
/// Counts the queries it was asked.
#[derive(Debug, Default)]
pub struct StaticDns {
    answers: HashMap<(String, RecordKind), Result<Answer, DnsError>>,
    asked: Mutex<Vec<(String, RecordKind)>>,
}

impl StaticDns {
    /// An empty table: every name is NXDOMAIN.
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers `kind` queries for `name` with `answer`.
    #[must_use]
    pub fn with(mut self, name: &str, kind: RecordKind, answer: Result<Answer, DnsError>) -> Self {
        self.answers.insert((key(name), kind), answer);
        self
    }

    /// Every query asked so far, in order.
    pub fn asked(&self) -> Vec<(String, RecordKind)> {
        self.asked
            .lock()
            .map(|asked| asked.clone())
            .unwrap_or_default()
    }
}

fn key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

impl DnsLookup for StaticDns {
    fn query<'a>(
        &'a self,
        name: &'a str,
        kind: RecordKind,
    ) -> BoxFuture<'a, Result<Answer, DnsError>> {
        let name = key(name);
        if let Ok(mut asked) = self.asked.lock() {
            asked.push((name.clone(), kind));
        }
        let result = match self.answers.get(&(name.clone(), kind)) {
            Some(answer) => answer.clone(),
            None if self.answers.keys().any(|(known, _)| *known == name) => {
                Err(DnsError::NoRecords { name, kind })
            }
            None => Err(DnsError::NxDomain { name }),
        };
        Box::pin(async move { result })
    }
}
