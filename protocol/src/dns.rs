//! DNS facts of a mail domain, sans-IO: the shell asks DNS and hands the answers in; these
//! modules decide what they mean, in English and Chinese.
//!
//! - [`mx`]: the order a mail server tries a domain's MX hosts in (RFC 5321 5.1: by
//!   preference, random among equals from a seed passed in), the implicit MX (no MX: the
//!   domain itself) and the null MX (RFC 7505: accepts no mail) as an [`mx::MxPlan`].
//! - [`spf`]: SPF records (RFC 7208) with their DNS-lookup count across includes, fetched
//!   by the shell step by step ([`spf::SpfCheck`]).
//! - [`policy`]: DMARC (RFC 7489), MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) TXT records,
//!   over one tag-list reader (`tags.rs`).
//! - [`tlsa`]: DANE TLSA records (RFC 6698, RFC 7672).
//! - `fact.rs`: [`Fact`], one record kind's verdict: found, missing or broken, with
//!   findings, what it means, why it matters when missing, and its RFC.
//!
//! Nothing here panics on any input (property tests).

mod fact;
pub mod mx;
pub mod policy;
pub mod spf;
mod tags;
pub mod tlsa;

pub use fact::{DnsFinding, Fact, FactKind, FactStatus, Severity};

/// Builds a [`Bilingual`](crate::lang::Bilingual) `String` from two format strings that
/// capture variables in scope: `bi!("{n} lookups", "{n} 次查询")`.
macro_rules! bi {
    ($en:literal, $zh:literal $(,)?) => {
        $crate::lang::Bilingual {
            en: format!($en),
            zh: format!($zh),
        }
    };
}
pub(crate) use bi;
