//! Which DNS servers to ask: `--dns-server ADDR[:PORT]`, or the system's resolver list
//! (`/etc/resolv.conf`), and the reverse-DNS name of an address.

use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};

use thiserror::Error;

/// The DNS port.
const DNS_PORT: u16 = 53;

/// Why a DNS server setting was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DnsServerError {
    /// Not `ADDR`, `ADDR:PORT`, `[V6]` or `[V6]:PORT`.
    #[error(
        "{0:?} is not a DNS server address: write an IP address with an optional port, such as \
         127.0.0.1, 127.0.0.1:5353, ::1 or [::1]:5353"
    )]
    Syntax(String),
    /// The system's resolver configuration could not be read or names no server.
    #[error("the system's resolver configuration names no usable DNS server: {0}")]
    System(String),
}

/// Reads `--dns-server`: an IP address with an optional port (53 by default). Names are
/// refused: the server that resolves names cannot itself be found by name.
///
/// # Errors
///
/// [`DnsServerError::Syntax`].
pub fn parse_dns_server(text: &str) -> Result<SocketAddr, DnsServerError> {
    let text = text.trim();
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let bare = text
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(text);
    bare.parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, DNS_PORT))
        .map_err(|_| DnsServerError::Syntax(text.to_owned()))
}

/// The name servers of the system's resolver configuration (`/etc/resolv.conf` on Unix),
/// in their order.
///
/// # Errors
///
/// [`DnsServerError::System`] when it cannot be read or lists no server.
pub fn system_servers() -> Result<Vec<SocketAddr>, DnsServerError> {
    let (config, _) = hickory_resolver::system_conf::read_system_conf()
        .map_err(|err| DnsServerError::System(err.to_string()))?;
    let mut servers: Vec<SocketAddr> = Vec::new();
    for server in config.name_servers() {
        let port = server
            .connections
            .first()
            .map_or(DNS_PORT, |connection| connection.port);
        let addr = SocketAddr::new(server.ip, port);
        if !servers.contains(&addr) {
            servers.push(addr);
        }
    }
    if servers.is_empty() {
        return Err(DnsServerError::System("no nameserver line".to_owned()));
    }
    Ok(servers)
}

/// The name a PTR query asks for: `4.3.2.1.in-addr.arpa` for 1.2.3.4, the nibbles of an
/// IPv6 address under `ip6.arpa` (RFC 3596 2.5).
pub fn reverse_name(ip: IpAddr) -> String {
    let mut name = String::new();
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            for octet in v4.octets().iter().rev() {
                let _ = write!(name, "{octet}.");
            }
            name.push_str("in-addr.arpa");
        }
        IpAddr::V6(v6) => {
            for octet in v6.octets().iter().rev() {
                let _ = write!(name, "{:x}.{:x}.", octet & 0xf, octet >> 4);
            }
            name.push_str("ip6.arpa");
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_server_forms() {
        assert_eq!(
            parse_dns_server("127.0.0.1").expect("a valid test value"),
            "127.0.0.1:53".parse().expect("a valid test value")
        );
        assert_eq!(
            parse_dns_server("127.0.0.1:15353").expect("a valid test value"),
            "127.0.0.1:15353".parse().expect("a valid test value")
        );
        assert_eq!(
            parse_dns_server("::1").expect("a valid test value"),
            "[::1]:53".parse().expect("a valid test value")
        );
        assert_eq!(
            parse_dns_server("[::1]:5353").expect("a valid test value"),
            "[::1]:5353".parse().expect("a valid test value")
        );
        assert_eq!(
            parse_dns_server("[::1]").expect("a valid test value"),
            "[::1]:53".parse().expect("a valid test value")
        );
        for bad in ["", "dns.example", "127.0.0.1:x", "1.2.3:53", "[::1"] {
            assert!(
                matches!(parse_dns_server(bad), Err(DnsServerError::Syntax(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn reverse_names() {
        assert_eq!(
            reverse_name("192.0.2.25".parse().expect("a valid test value")),
            "25.2.0.192.in-addr.arpa"
        );
        assert_eq!(
            reverse_name("::ffff:127.0.0.2".parse().expect("a valid test value")),
            "2.0.0.127.in-addr.arpa"
        );
        let v6 = reverse_name("2001:db8::1".parse().expect("a valid test value"));
        assert!(v6.starts_with("1.0.0.0."), "{v6}");
        assert!(v6.ends_with(".8.b.d.0.1.0.0.2.ip6.arpa"), "{v6}");
        assert_eq!(v6.split('.').count(), 34);
    }
}
