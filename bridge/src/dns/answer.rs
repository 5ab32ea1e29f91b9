//! One query's answer in plain types, independent of the DNS library, so tests and the
//! rest of the bridge never see hickory's types.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The record types the bridge asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// IPv4 address.
    A,
    /// IPv6 address.
    Aaaa,
    /// Mail exchanger (RFC 5321 5.1).
    Mx,
    /// Text (SPF, DMARC, MTA-STS, TLS-RPT).
    Txt,
    /// DANE certificate association (RFC 6698).
    Tlsa,
    /// Reverse DNS.
    Ptr,
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::A => "A",
            Self::Aaaa => "AAAA",
            Self::Mx => "MX",
            Self::Txt => "TXT",
            Self::Tlsa => "TLSA",
            Self::Ptr => "PTR",
        })
    }
}

/// One MX record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mx {
    /// Lower is tried first.
    pub preference: u16,
    /// The exchange's name without the final dot; empty for the root (`.`, a null MX).
    pub exchange: String,
}

/// One TLSA record (RFC 6698 2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlsa {
    /// Certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE.
    pub usage: u8,
    /// Selector: 0 full certificate, 1 SubjectPublicKeyInfo.
    pub selector: u8,
    /// Matching type: 0 exact, 1 SHA-256, 2 SHA-512.
    pub matching: u8,
    /// The association data.
    pub data: Vec<u8>,
}

/// One record of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rdata {
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An IPv6 address.
    Aaaa(Ipv6Addr),
    /// A mail exchanger.
    Mx(Mx),
    /// A TXT record, its strings joined.
    Txt(String),
    /// A TLSA record.
    Tlsa(Tlsa),
    /// A PTR name without the final dot.
    Ptr(String),
}

/// The records of one response and its AD bit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    /// The records of the type asked for, in the order received.
    pub records: Vec<Rdata>,
    /// Whether the response's AD bit was set.
    pub authenticated: bool,
    /// The name the records belong to when the query name was an alias (CNAME), without
    /// the final dot.
    pub canonical: Option<String>,
}
