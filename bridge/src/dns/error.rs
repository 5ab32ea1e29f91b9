//! What can go wrong with one DNS query, each case apart, because each means something
//! different to a person debugging mail: NXDOMAIN (the name does not exist), no records
//! (the name exists, without that type), a timeout, a failing server.

use thiserror::Error;

use super::RecordKind;

/// Why a query gave no records. The texts are shown to people and logged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DnsError {
    /// The name does not exist (RCODE 3, NXDOMAIN).
    #[error("{name} does not exist in DNS (NXDOMAIN)")]
    NxDomain {
        /// The name asked for.
        name: String,
    },
    /// The name exists but has no records of this type (NOERROR with an empty answer).
    #[error("{name} has no {kind} records")]
    NoRecords {
        /// The name asked for.
        name: String,
        /// The record type asked for.
        kind: RecordKind,
    },
    /// No server answered within the time allowed, after every attempt.
    #[error("no DNS answer for {name} ({kind}) within {seconds} s")]
    Timeout {
        /// The name asked for.
        name: String,
        /// The record type asked for.
        kind: RecordKind,
        /// The time allowed per attempt.
        seconds: u64,
    },
    /// The server answered with an error code (SERVFAIL, REFUSED ...): often a DNSSEC
    /// validation failure at a validating resolver, or a broken authoritative server.
    #[error("the DNS server failed for {name} ({kind}): {rcode}{}", rcode_hint(.rcode))]
    ServerFailure {
        /// The name asked for.
        name: String,
        /// The record type asked for.
        kind: RecordKind,
        /// The response code, such as `SERVFAIL` or `REFUSED`.
        rcode: String,
    },
    /// The name is not a valid DNS name; nothing was sent.
    #[error("{name:?} is not a valid DNS name: {reason}")]
    InvalidName {
        /// The name as given.
        name: String,
        /// What the parser said.
        reason: String,
    },
    /// The server could not be reached, or its answer could not be read.
    #[error("could not ask the DNS server about {name} ({kind}): {cause}")]
    Network {
        /// The name asked for.
        name: String,
        /// The record type asked for.
        kind: RecordKind,
        /// The underlying error.
        cause: String,
    },
    /// There is no DNS server to ask (no `--dns-server`, nothing in `/etc/resolv.conf`).
    #[error("no DNS server is configured: {0}")]
    NoServer(String),
    /// The request would ask more queries than its budget allows.
    #[error("this request reached its limit of {0} DNS queries")]
    Budget(usize),
    /// The request ran out of the time it may spend on DNS.
    #[error("this request ran out of its {0} s for DNS queries")]
    OutOfTime(u64),
}

impl DnsError {
    /// A short stable name for the case (logs, JSON).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NxDomain { .. } => "nxdomain",
            Self::NoRecords { .. } => "no_records",
            Self::Timeout { .. } => "timeout",
            Self::ServerFailure { .. } => "server_failure",
            Self::InvalidName { .. } => "invalid_name",
            Self::Network { .. } => "network",
            Self::NoServer(_) => "no_server",
            Self::Budget(_) => "budget",
            Self::OutOfTime(_) => "out_of_time",
        }
    }

    /// Whether the name certainly has no records of the type (as opposed to "we could not
    /// find out").
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::NxDomain { .. } | Self::NoRecords { .. })
    }
}

/// What a response code most likely means, for the message of [`DnsError::ServerFailure`]:
/// a SERVFAIL from a validating resolver is how a DNSSEC validation failure looks to a
/// client (RFC 4035 5.5), and a user who sees only "SERVFAIL" would not guess it.
fn rcode_hint(rcode: &str) -> &'static str {
    if rcode == "SERVFAIL" {
        " (a validating resolver answers SERVFAIL when the records fail DNSSEC validation: \
         bad or expired signatures, or keys that do not match the chain of trust; it also does \
         when the domain's name servers cannot be reached)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_servfail_says_it_may_be_dnssec_and_other_codes_do_not() {
        let failure = |rcode: &str| DnsError::ServerFailure {
            name: "bogus.example.test".to_owned(),
            kind: RecordKind::Mx,
            rcode: rcode.to_owned(),
        };
        let servfail = failure("SERVFAIL").to_string();
        assert!(
            servfail.contains("SERVFAIL") && servfail.contains("DNSSEC validation"),
            "{servfail}"
        );
        let refused = failure("Refused").to_string();
        assert!(!refused.contains("DNSSEC"), "{refused}");
    }
}
