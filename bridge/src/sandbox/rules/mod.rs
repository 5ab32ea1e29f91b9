//! The sandbox's failure rules at run time: the operator's flag rules, and the rules set
//! through `PUT /api/sandbox/rules` (`api.rs`), for everyone (`local`) or per visitor
//! (`public`).
//!
//! The rules themselves, what they do and how "next N sessions" and probabilities are
//! decided all live in `protocol::server::rules`; this store only keeps one
//! [`RuleSet`] per scope behind a lock and asks the right ones when a session starts
//! ([`RulesStore::start_session`], called at accept, before the greeting):
//!
//! - every session gets the flag rules (`--sandbox-rule` and the older flags);
//! - `local`: every session also gets the API's rules;
//! - `public`: a session gets the API rules of the visitor whose page opened it (the relay
//!   registers its local address in `owners.rs` *before* it connects, so the owner is
//!   known at accept); a session from any other client (an app, swaks) gets only the
//!   flag rules. A visitor's rules cannot touch another visitor's or an outside client's
//!   sessions.
//!
//! Memory is bounded: at most [`RuleSet::MAX_RULES`] rules per set, reply lines of one
//! SMTP line each, and at most [`MAX_VISITOR_SETS`] visitors' sets (the least recently
//! written is dropped first; an empty PUT removes the visitor's set).

pub(super) mod api;

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use protocol::records::rules::{RulesDocument, RulesScope};
use protocol::server::{Rule, RuleSet};

use crate::visitor::VisitorId;

/// Visitors whose rules are kept at once (`public`).
pub(crate) const MAX_VISITOR_SETS: usize = 1000;

/// What a new session gets: its rules and the rate limit that applies to it.
#[derive(Debug, Default)]
pub(crate) struct Picked {
    /// The rules, flag rules first.
    pub(crate) rules: Vec<Rule>,
    /// Messages per minute past which the sandbox answers `421` (set through the API).
    pub(crate) max_messages_per_minute: Option<u32>,
}

/// The API's rules for one scope.
#[derive(Debug, Default)]
struct Scoped {
    set: RuleSet,
    max_messages_per_minute: Option<u32>,
    /// When it was last written (a counter), to drop the oldest visitor first.
    written: u64,
}

#[derive(Debug, Default)]
struct ApiRules {
    everyone: Scoped,
    visitors: HashMap<VisitorId, Scoped>,
    writes: u64,
}

/// The store; see the module documentation.
#[derive(Debug)]
pub(crate) struct RulesStore {
    per_visitor: bool,
    flags: Mutex<RuleSet>,
    api: Mutex<ApiRules>,
    /// Seeds the API sets whose PUT gave none.
    seeds: std::collections::hash_map::RandomState,
}

/// Why a PUT was refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PutError {
    /// `public` without a visitor: nobody to file the rules under.
    #[error(
        "this bridge keeps failure rules per visitor, and this request has no visitor \
         cookie; load the page first"
    )]
    NoVisitor,
    /// The rules do not make a set (too many).
    #[error("{0}")]
    Rules(#[from] protocol::server::rules::RuleError),
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The values are whole after every statement: a panic elsewhere cannot half-write one.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl RulesStore {
    /// A store with the operator's `flag_rules` (drawn from `seed`); `per_visitor` in the
    /// `public` profile.
    pub(crate) fn new(flag_rules: Vec<Rule>, seed: u64, per_visitor: bool) -> Self {
        let flags = RuleSet::new(flag_rules, seed).unwrap_or_else(|_| {
            tracing::warn!("more flag rules than a set holds; the flag rules are off");
            RuleSet::default()
        });
        Self {
            per_visitor,
            flags: Mutex::new(flags),
            api: Mutex::default(),
            seeds: std::collections::hash_map::RandomState::new(),
        }
    }

    /// A session starts, from a client that is `owner`'s page (`None`: anyone else): the
    /// rules it gets; "next N" rules count it.
    pub(crate) fn start_session(&self, owner: Option<VisitorId>) -> Picked {
        let mut rules = lock(&self.flags).start_session();
        let mut api = lock(&self.api);
        let scoped = if self.per_visitor {
            owner.and_then(|visitor| api.visitors.get_mut(&visitor))
        } else {
            Some(&mut api.everyone)
        };
        let Some(scoped) = scoped else {
            return Picked {
                rules,
                max_messages_per_minute: None,
            };
        };
        rules.extend(scoped.set.start_session());
        Picked {
            rules,
            max_messages_per_minute: scoped.max_messages_per_minute,
        }
    }

    /// The rules `visitor` sees (`GET`): theirs in `public`, everyone's in `local`.
    pub(crate) fn document(&self, visitor: Option<VisitorId>) -> RulesDocument {
        let flag_rules = lock(&self.flags).rules().to_vec();
        let api = lock(&self.api);
        let scoped = if self.per_visitor {
            visitor.and_then(|visitor| api.visitors.get(&visitor))
        } else {
            Some(&api.everyone)
        };
        RulesDocument {
            rules: scoped.map(|s| s.set.rules().to_vec()).unwrap_or_default(),
            max_messages_per_minute: scoped.and_then(|s| s.max_messages_per_minute),
            seed: None,
            scope: Some(if self.per_visitor {
                RulesScope::Visitor
            } else {
                RulesScope::All
            }),
            flag_rules,
            max_rules: Some(RuleSet::MAX_RULES as u64),
        }
    }

    /// Replaces the rules of `visitor`'s scope (`PUT`) with `document`'s; they apply to
    /// sessions that start from now on.
    pub(crate) fn replace(
        &self,
        visitor: Option<VisitorId>,
        document: RulesDocument,
    ) -> Result<(), PutError> {
        use std::hash::{BuildHasher, Hasher};
        let seed = document.seed.unwrap_or_else(|| {
            let mut hasher = self.seeds.build_hasher();
            hasher.write_u64(lock(&self.api).writes);
            hasher.finish()
        });
        let set = RuleSet::new(document.rules, seed)?;
        let empty = set.is_empty() && document.max_messages_per_minute.is_none();
        let mut api = lock(&self.api);
        api.writes += 1;
        let scoped = Scoped {
            set,
            max_messages_per_minute: document.max_messages_per_minute,
            written: api.writes,
        };
        if !self.per_visitor {
            api.everyone = scoped;
            return Ok(());
        }
        let visitor = visitor.ok_or(PutError::NoVisitor)?;
        if empty {
            api.visitors.remove(&visitor);
            return Ok(());
        }
        if !api.visitors.contains_key(&visitor) && api.visitors.len() >= MAX_VISITOR_SETS {
            let oldest = api
                .visitors
                .iter()
                .min_by_key(|(_, s)| s.written)
                .map(|(v, _)| *v);
            if let Some(oldest) = oldest {
                api.visitors.remove(&oldest);
            }
        }
        api.visitors.insert(visitor, scoped);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
