//! The lookups the check needs beyond the relay's own resolution: a domain's MX hosts
//! and the reverse DNS of a connected address. Behind a trait, so the check runs without
//! a resolver (one host named directly, no reverse DNS) and tests inject answers.

use std::net::IpAddr;

use futures_util::future::BoxFuture;
use protocol::check::ReverseDns;

/// What a domain's MX lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MxAnswer {
    /// MX hosts as (preference, name), in the order to try (RFC 5321 5.1).
    Hosts(Vec<(u16, String)>),
    /// No MX record: the domain itself is the implicit MX (RFC 5321 5.1).
    Implicit,
    /// The null MX (`MX 0 .`, RFC 7505): the domain accepts no mail.
    Null,
    /// The lookup failed; why, for a person.
    Failed(String),
    /// No lookup was made (no resolver): the target is checked as one host.
    NotLooked,
}

/// The check's DNS.
pub trait Lookups: Send + Sync + std::fmt::Debug {
    /// The MX hosts of `domain`.
    fn mx<'a>(&'a self, domain: &'a str) -> BoxFuture<'a, MxAnswer>;
    /// The PTR names of `ip` and which of them resolve back to it; `None` when not
    /// looked up.
    fn reverse(&self, ip: IpAddr) -> BoxFuture<'_, Option<ReverseDns>>;
}

/// No DNS: every target is one host, reverse DNS is "not looked up".
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLookups;

impl Lookups for NoLookups {
    fn mx<'a>(&'a self, _domain: &'a str) -> BoxFuture<'a, MxAnswer> {
        Box::pin(async { MxAnswer::NotLooked })
    }

    fn reverse(&self, _ip: IpAddr) -> BoxFuture<'_, Option<ReverseDns>> {
        Box::pin(async { None })
    }
}
