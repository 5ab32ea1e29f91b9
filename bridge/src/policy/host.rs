//! Strict parsing of the host a browser asks for.
//!
//! The system resolver (`getaddrinfo`, via `inet_aton`) still accepts the old numeric
//! spellings of IPv4: `2130706433`, `0x7f000001`, `0177.0.0.1` and `127.1` all mean
//! `127.0.0.1`. A filter that classifies only "real" IP literals would let those through as
//! names, and the resolver would turn them into loopback. So a host is either a canonical
//! IP literal or a DNS name by the LDH rule (RFC 1123 2.1, RFC 3696 2) whose labels are not
//! all numeric; anything else is refused before any lookup.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use thiserror::Error;

/// The longest host name DNS allows (RFC 1035 2.3.4), without the final dot.
const NAME_MAX: usize = 253;
/// The longest label (RFC 1035 2.3.4).
const LABEL_MAX: usize = 63;

/// A host that passed the syntax check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// An IP literal: dotted-quad IPv4, or IPv6 with or without brackets.
    Ip(IpAddr),
    /// A DNS name, lower case, without a final dot.
    Name(String),
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Ip(ip) => ip.fmt(f),
            Self::Name(name) => f.write_str(name),
        }
    }
}

/// Why a host was refused; the text is shown to the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HostError {
    /// Nothing was typed.
    #[error("the host is empty; type a host name such as mail.example.org or an IP address")]
    Empty,
    /// Longer than DNS allows.
    #[error("the host is longer than {NAME_MAX} characters, the most a DNS name can have")]
    TooLong,
    /// Looks numeric but is not a dotted quad of four decimal numbers 0-255 without
    /// leading zeros.
    #[error(
        "{0:?} is not a canonical IPv4 address; write four decimal numbers 0-255 without \
         leading zeros, such as 192.0.2.25 (octal, hexadecimal and single-number forms are \
         refused because resolvers read them differently)"
    )]
    NonCanonicalIpv4(String),
    /// Brackets or colons, but not an IPv6 address.
    #[error("{0:?} is not a valid IPv6 address (zone ids such as %eth0 are not accepted)")]
    BadIpv6(String),
    /// Not a DNS name by the letters-digits-hyphen rule.
    #[error(
        "{0:?} is not a valid host name: use letters, digits, hyphens and dots only, labels \
         of 1 to 63 characters that do not start or end with a hyphen"
    )]
    BadName(String),
}

/// Parses a host as typed; see the module documentation.
///
/// # Errors
///
/// A [`HostError`] that says what is wrong and how to write it.
pub fn parse_host(text: &str) -> Result<Host, HostError> {
    if text.is_empty() || text == "[]" {
        return Err(HostError::Empty);
    }
    if let Some(inner) = text.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or_else(|| HostError::BadIpv6(text.to_owned()))?;
        return inner
            .parse::<Ipv6Addr>()
            .map(|ip| Host::Ip(IpAddr::V6(ip)))
            .map_err(|_| HostError::BadIpv6(text.to_owned()));
    }
    if text.contains(':') {
        return text
            .parse::<Ipv6Addr>()
            .map(|ip| Host::Ip(IpAddr::V6(ip)))
            .map_err(|_| HostError::BadIpv6(text.to_owned()));
    }
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return parse_dotted_quad(text)
            .map(|ip| Host::Ip(IpAddr::V4(ip)))
            .ok_or_else(|| HostError::NonCanonicalIpv4(text.to_owned()));
    }
    let name = text.strip_suffix('.').unwrap_or(text);
    if name.len() > NAME_MAX {
        return Err(HostError::TooLong);
    }
    if name.is_empty() {
        return Err(HostError::Empty);
    }
    let labels: Vec<&str> = name.split('.').collect();
    if !labels.iter().all(|label| is_ldh_label(label)) {
        return Err(HostError::BadName(text.to_owned()));
    }
    // `inet_aton` forms: every label decimal, octal or 0x-hex (`0x7f000001`, `0x7f.1`).
    if labels.iter().all(|label| is_inet_aton_number(label)) {
        return Err(HostError::NonCanonicalIpv4(text.to_owned()));
    }
    // A top-level label is never all-numeric (RFC 3696 2).
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(HostError::BadName(text.to_owned()));
    }
    Ok(Host::Name(name.to_ascii_lowercase()))
}

/// Four decimal parts 0-255, no leading zeros, nothing else.
fn parse_dotted_quad(text: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 || (part.len() > 1 && part.starts_with('0')) {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    parts.next().is_none().then_some(Ipv4Addr::from(octets))
}

fn is_ldh_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= LABEL_MAX
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn is_inet_aton_number(label: &str) -> bool {
    let lower = label.to_ascii_lowercase();
    match lower.strip_prefix("0x") {
        Some(hex) => hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => lower.bytes().all(|b| b.is_ascii_digit()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_canonical_literals_and_names() {
        let ok: &[(&str, &str)] = &[
            ("192.0.2.25", "192.0.2.25"),
            ("0.0.0.0", "0.0.0.0"),
            ("255.255.255.255", "255.255.255.255"),
            ("::1", "::1"),
            ("[::1]", "::1"),
            ("[2001:db8::25]", "2001:db8::25"),
            ("::ffff:127.0.0.1", "::ffff:127.0.0.1"),
            ("mx.example.org", "mx.example.org"),
            ("MX.Example.ORG.", "mx.example.org"),
            ("localhost", "localhost"),
            ("a-b.c1", "a-b.c1"),
            ("1a.example", "1a.example"),
            ("0xmail.example", "0xmail.example"),
        ];
        for (text, shown) in ok {
            let host = parse_host(text).unwrap_or_else(|err| panic!("{text}: {err}"));
            assert_eq!(host.to_string(), *shown, "{text}");
        }
    }

    #[test]
    fn refuses_non_canonical_ipv4_and_bad_names() {
        for bad in [
            "",
            "[]",
            "2130706433",
            "0x7f000001",
            "0X7F000001",
            "0177.0.0.1",
            "127.1",
            "127.0.0.01",
            "127.0.0.1.",
            "1.2.3.4.5",
            "256.1.1.1",
            "0x7f.0.0.1",
            "0x7f.1",
            "1.2.3.0x4",
            "127.0.0.1 ",
            " mx",
            "mx..example",
            "-mx.example",
            "mx-.example",
            "mx_1.example",
            "mx.example/x",
            "user@mx.example",
            "[::1",
            "::1]",
            "[fe80::1%eth0]",
            "fe80::1%eth0",
            "::g",
            "example.123",
            "ünicode.example",
            ".",
        ] {
            assert!(parse_host(bad).is_err(), "{bad:?} must be refused");
        }
        assert!(parse_host(&"a".repeat(64)).is_err());
        assert!(parse_host(&format!("{}.x", "a.".repeat(127))).is_err());
        assert!(matches!(
            parse_host("2130706433"),
            Err(HostError::NonCanonicalIpv4(_))
        ));
        assert!(matches!(
            parse_host("0x7f000001"),
            Err(HostError::NonCanonicalIpv4(_))
        ));
    }
}
