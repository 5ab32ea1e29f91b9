//! Which addresses and ports a session may connect to.
//!
//! The order matters and is the whole defence against SSRF and DNS rebinding:
//!
//! 1. the port and the host's syntax are checked ([`host::parse_host`](super::host)),
//! 2. the name is resolved **once** (A and AAAA),
//! 3. **every** answer is classified after `to_canonical()` (so `::ffff:127.0.0.1` is
//!    `127.0.0.1`); one denied answer denies the target (mixed answers),
//! 4. the session connects only to the addresses checked here, never to the name.
//!
//! The denied table is the one of `SECURITY.md`: everything that is not global unicast.
//! The `local` profile (someone's own machine) denies only what is never an SMTP server
//! and the bridge itself; the `public` profile denies the whole table and every port but
//! the SMTP ones. The embedded sandbox and `--allow-target` entries are the exceptions.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use super::cidr::Cidr;
use super::host::{Host, HostError, parse_host};

/// The ports a public bridge connects to unless told otherwise: SMTP (25), submission with
/// implicit TLS (465) and with STARTTLS (587), and the customary unprivileged 2525.
pub const DEFAULT_PORTS: [u16; 4] = [25, 465, 587, 2525];

/// One row of the denied table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeniedRange {
    /// The network.
    pub network: Cidr,
    /// What it is, for the person refused.
    pub what: &'static str,
}

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8, what: &'static str) -> DeniedRange {
    DeniedRange {
        network: Cidr::raw(IpAddr::V4(Ipv4Addr::new(a, b, c, d)), prefix),
        what,
    }
}

const fn v6(segments: [u16; 8], prefix: u8, what: &'static str) -> DeniedRange {
    let [a, b, c, d, e, f, g, h] = segments;
    DeniedRange {
        network: Cidr::raw(IpAddr::V6(Ipv6Addr::new(a, b, c, d, e, f, g, h)), prefix),
        what,
    }
}

/// Addresses a public bridge never connects to (RFC 6890 and the IANA special-purpose
/// registries). More specific rows come first so the reason is the most precise one.
pub const DENIED: &[DeniedRange] = &[
    v4(255, 255, 255, 255, 32, "the broadcast address"),
    v4(
        0,
        0,
        0,
        0,
        8,
        "\"this network\" (0.0.0.0/8, which reaches the bridge's own machine)",
    ),
    v4(10, 0, 0, 0, 8, "a private network (RFC 1918)"),
    v4(100, 64, 0, 0, 10, "carrier-grade NAT space (RFC 6598)"),
    v4(127, 0, 0, 0, 8, "loopback (the bridge's own machine)"),
    v4(
        169,
        254,
        0,
        0,
        16,
        "link-local (cloud metadata services live at 169.254.169.254)",
    ),
    v4(172, 16, 0, 0, 12, "a private network (RFC 1918)"),
    v4(192, 0, 0, 0, 24, "IETF protocol assignments (RFC 6890)"),
    v4(192, 0, 2, 0, 24, "documentation (TEST-NET-1, RFC 5737)"),
    v4(
        192,
        88,
        99,
        0,
        24,
        "the deprecated 6to4 relay anycast (RFC 7526)",
    ),
    v4(192, 168, 0, 0, 16, "a private network (RFC 1918)"),
    v4(198, 18, 0, 0, 15, "benchmarking (RFC 2544)"),
    v4(198, 51, 100, 0, 24, "documentation (TEST-NET-2, RFC 5737)"),
    v4(203, 0, 113, 0, 24, "documentation (TEST-NET-3, RFC 5737)"),
    v4(224, 0, 0, 0, 4, "multicast"),
    v4(240, 0, 0, 0, 4, "reserved (240.0.0.0/4)"),
    v6([0, 0, 0, 0, 0, 0, 0, 0], 128, "the unspecified address ::"),
    v6(
        [0, 0, 0, 0, 0, 0, 0, 1],
        128,
        "loopback ::1 (the bridge's own machine)",
    ),
    v6(
        [0, 0, 0, 0, 0, 0, 0, 0],
        96,
        "IPv4-compatible IPv6 (deprecated, RFC 4291)",
    ),
    v6(
        [0x64, 0xff9b, 0, 0, 0, 0, 0, 0],
        96,
        "NAT64 (64:ff9b::/96 reaches IPv4 addresses)",
    ),
    v6(
        [0x64, 0xff9b, 1, 0, 0, 0, 0, 0],
        48,
        "local-use NAT64 (RFC 8215)",
    ),
    v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64, "discard-only (RFC 6666)"),
    v6(
        [0x2001, 0, 0, 0, 0, 0, 0, 0],
        32,
        "Teredo (2001::/32 tunnels to IPv4)",
    ),
    v6([0x2001, 2, 0, 0, 0, 0, 0, 0], 48, "benchmarking (RFC 5180)"),
    v6([0x2001, 0x10, 0, 0, 0, 0, 0, 0], 28, "ORCHID (RFC 4843)"),
    v6([0x2001, 0x20, 0, 0, 0, 0, 0, 0], 28, "ORCHIDv2 (RFC 7343)"),
    v6(
        [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0],
        32,
        "documentation (RFC 3849)",
    ),
    v6(
        [0x2002, 0, 0, 0, 0, 0, 0, 0],
        16,
        "6to4 (2002::/16 tunnels to IPv4)",
    ),
    v6(
        [0x3fff, 0, 0, 0, 0, 0, 0, 0],
        20,
        "documentation (RFC 9637)",
    ),
    v6(
        [0xfc00, 0, 0, 0, 0, 0, 0, 0],
        7,
        "a unique local network (fc00::/7, private)",
    ),
    v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, "link-local (fe80::/10)"),
    v6(
        [0xfec0, 0, 0, 0, 0, 0, 0, 0],
        10,
        "site-local (deprecated, fec0::/10)",
    ),
    v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, "multicast (ff00::/8)"),
];

/// What even a local bridge refuses: addresses that are never an SMTP server, or that
/// reach the bridge's machine by a side door (`0.0.0.0` connects to localhost on Linux).
const DENIED_LOCAL: &[DeniedRange] = &[
    v4(255, 255, 255, 255, 32, "the broadcast address"),
    v4(
        0,
        0,
        0,
        0,
        8,
        "\"this network\" (0.0.0.0/8, which reaches the bridge's own machine)",
    ),
    v4(224, 0, 0, 0, 4, "multicast"),
    v6([0, 0, 0, 0, 0, 0, 0, 0], 128, "the unspecified address ::"),
    v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, "multicast (ff00::/8)"),
];

/// IPv6 global unicast (RFC 4291 2.4); a public bridge denies everything outside it.
const GLOBAL_UNICAST_V6: Cidr =
    Cidr::raw(IpAddr::V6(Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0)), 3);

/// Why `ip` may not be a public target, or `None` when it is global unicast. The address
/// is canonicalised first, so IPv4-mapped IPv6 is judged as the IPv4 address it is.
pub fn classify_public(ip: IpAddr) -> Option<&'static str> {
    let ip = ip.to_canonical();
    if let Some(row) = DENIED.iter().find(|row| row.network.contains(ip)) {
        return Some(row.what);
    }
    if ip.is_ipv6() && !GLOBAL_UNICAST_V6.contains(ip) {
        return Some("outside 2000::/3, the IPv6 global unicast space");
    }
    None
}

/// Why `ip` may not be a target even of a local bridge.
pub fn classify_local(ip: IpAddr) -> Option<&'static str> {
    let ip = ip.to_canonical();
    DENIED_LOCAL
        .iter()
        .find(|row| row.network.contains(ip))
        .map(|row| row.what)
}

/// An operator's `--allow-target HOST:PORT` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedTarget {
    /// The host as it must be requested (canonical form).
    pub host: Host,
    /// The port.
    pub port: u16,
}

impl FromStr for AllowedTarget {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad =
            || format!("{text:?} is not HOST:PORT, such as mx.example.org:25 or [2001:db8::1]:25");
        let (host, port) = text.rsplit_once(':').ok_or_else(bad)?;
        if host.contains(':') && !host.starts_with('[') {
            return Err(bad());
        }
        let port: u16 = port.parse().map_err(|_| bad())?;
        if port == 0 {
            return Err(bad());
        }
        let host = parse_host(host).map_err(|err| format!("{text:?}: {err}"))?;
        Ok(Self { host, port })
    }
}

impl std::fmt::Display for AllowedTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.host {
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]:{}", self.port),
            _ => write!(f, "{}:{}", self.host, self.port),
        }
    }
}

/// The rules of one bridge, fixed at start.
#[derive(Debug, Clone, Default)]
pub struct TargetRules {
    /// The public profile's table and ports apply.
    pub public: bool,
    /// `--unsafe-allow-private`: the public profile accepts the denied table too (but
    /// still not the bridge itself, nor the addresses even a local bridge refuses).
    pub allow_private: bool,
    /// `--unsafe-allow-any-port`.
    pub any_port: bool,
    /// Ports of the public profile.
    pub ports: Vec<u16>,
    /// `--allow-target` entries.
    pub allowed: Vec<AllowedTarget>,
    /// Where the bridge itself listens.
    pub own: Vec<SocketAddr>,
    /// Where the embedded sandbox listens, if it runs.
    pub sandbox: Option<SocketAddr>,
    /// The addresses of this machine's network interfaces (filled in at start in the
    /// public profile): any port there is this machine, whose own mail server may trust
    /// its own address for relaying.
    pub interfaces: Vec<IpAddr>,
}

/// Why a target was refused before any connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The host or port cannot be written that way.
    #[error("{0}")]
    Invalid(String),
    /// The target is well-formed but not allowed; the text says which rule and how an
    /// operator allows it.
    #[error("{0}")]
    Denied(String),
}

impl From<HostError> for TargetError {
    fn from(err: HostError) -> Self {
        Self::Invalid(err.to_string())
    }
}

/// Which exception let a target through, for probe mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exception {
    /// The embedded sandbox.
    Sandbox,
    /// An `--allow-target` entry.
    Allowed,
}

/// What the syntax and port check found, before resolving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The host.
    pub host: Host,
    /// The port.
    pub port: u16,
    /// Listed with `--allow-target`.
    pub allowed: bool,
}

impl TargetRules {
    /// The first step: syntax, and the port rule (which needs no DNS, so a port scan
    /// costs no lookups).
    ///
    /// # Errors
    ///
    /// [`TargetError`] for a malformed host, port 0, or a port a public bridge refuses.
    pub fn parse(&self, host: &str, port: u16) -> Result<Parsed, TargetError> {
        if port == 0 {
            return Err(TargetError::Invalid(
                "port 0 cannot be connected to; SMTP servers listen on 25, 587 or 465".to_owned(),
            ));
        }
        let host = parse_host(host)?;
        let allowed = self
            .allowed
            .iter()
            .any(|entry| entry.host == host && entry.port == port);
        // The sandbox's port is open only at the sandbox's own address, as an IP literal
        // (what `/api/sandbox` gives the page): never to other hosts.
        let sandbox = matches!(&host, Host::Ip(ip) if self.is_sandbox(SocketAddr::new(*ip, port)));
        if self.public && !allowed && !sandbox && !self.any_port && !self.ports.contains(&port) {
            return Err(TargetError::Denied(format!(
                "port {port} is not an SMTP port this bridge connects to (it allows {}); \
                 its operator can allow this target with --allow-target {}",
                list_ports(&self.ports),
                AllowedTarget { host, port }
            )));
        }
        Ok(Parsed {
            host,
            port,
            allowed,
        })
    }

    /// The second step, on every resolved address: the bridge itself, the sandbox, the
    /// allow list and the denied table. Returns the exception that applied, if any.
    ///
    /// # Errors
    ///
    /// [`TargetError::Denied`] naming the first refused address and its rule.
    pub fn check_addresses(
        &self,
        parsed: &Parsed,
        addrs: &[IpAddr],
    ) -> Result<Option<Exception>, TargetError> {
        let addrs: Vec<SocketAddr> = addrs
            .iter()
            .map(|ip| SocketAddr::new(ip.to_canonical(), parsed.port))
            .collect();
        let mixed = if addrs.len() > 1 {
            format!(
                " ({} is one of the {} addresses {} resolves to; one refused address refuses \
                 them all)",
                "{ADDR}",
                addrs.len(),
                parsed.host
            )
        } else {
            String::new()
        };
        for addr in &addrs {
            if self.is_own(*addr) {
                return Err(TargetError::Denied(format!(
                    "{addr} is this bridge itself; a session cannot connect the bridge to \
                     itself{}",
                    mixed.replace("{ADDR}", &addr.ip().to_string())
                )));
            }
        }
        if !addrs.is_empty() && addrs.iter().all(|addr| self.is_sandbox(*addr)) {
            return Ok(Some(Exception::Sandbox));
        }
        if parsed.allowed {
            return Ok(Some(Exception::Allowed));
        }
        if self.public
            && let Some(addr) = addrs.iter().find(|addr| {
                self.interfaces
                    .iter()
                    .any(|own| own.to_canonical() == addr.ip())
            })
        {
            return Err(TargetError::Denied(format!(
                "the bridge does not connect to {}: it is an address of this machine, whose \
                 own mail server may trust it for relaying{}; its operator can allow this \
                 target with --allow-target {}",
                addr.ip(),
                mixed.replace("{ADDR}", &addr.ip().to_string()),
                AllowedTarget {
                    host: parsed.host.clone(),
                    port: parsed.port
                }
            )));
        }
        for addr in &addrs {
            let verdict = if self.public && !self.allow_private {
                classify_public(addr.ip())
            } else {
                classify_local(addr.ip())
            };
            if let Some(what) = verdict {
                let hint = if self.public {
                    format!(
                        "; this public bridge connects only to public SMTP servers, and its \
                         operator can allow this one with --allow-target {}",
                        AllowedTarget {
                            host: parsed.host.clone(),
                            port: parsed.port
                        }
                    )
                } else {
                    String::new()
                };
                return Err(TargetError::Denied(format!(
                    "the bridge does not connect to {}: it is {what}{}{hint}",
                    addr.ip(),
                    mixed.replace("{ADDR}", &addr.ip().to_string())
                )));
            }
        }
        Ok(None)
    }

    fn is_own(&self, addr: SocketAddr) -> bool {
        self.own.iter().any(|own| {
            own.port() == addr.port()
                && (own.ip() == addr.ip()
                    || (own.ip().is_unspecified() && is_this_machine(addr.ip()))
                    || (own.ip().is_loopback() && addr.ip().is_loopback()))
        })
    }

    /// Whether `addr` is exactly where the sandbox listens. Not "any loopback address at
    /// its port": 127.0.0.2, `::1` or `::ffff:127.1.2.3` may be other servers on this
    /// machine, and the sandbox's exception (DATA without a token, no destination limit)
    /// must not reach them. `::ffff:127.0.0.1` is 127.0.0.1, the same listener. A sandbox
    /// on an unspecified address (`0.0.0.0`, refused in the public profile) matches nothing.
    fn is_sandbox(&self, addr: SocketAddr) -> bool {
        self.sandbox.is_some_and(|sandbox| {
            SocketAddr::new(sandbox.ip().to_canonical(), sandbox.port())
                == SocketAddr::new(addr.ip().to_canonical(), addr.port())
        })
    }
}

/// Addresses that certainly reach this machine. (Its other interface addresses are
/// covered by the public table's private ranges; a local bridge listens on loopback.)
fn is_this_machine(ip: IpAddr) -> bool {
    ip.is_loopback() || ip.is_unspecified()
}

fn list_ports(ports: &[u16]) -> String {
    if ports.is_empty() {
        return "none".to_owned();
    }
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    fn public() -> TargetRules {
        TargetRules {
            public: true,
            ports: DEFAULT_PORTS.to_vec(),
            own: vec!["0.0.0.0:8080".parse().expect("addr")],
            sandbox: Some("127.0.0.1:2525".parse().expect("addr")),
            ..TargetRules::default()
        }
    }

    #[test]
    fn the_denied_table() {
        for denied in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.255.255.255",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "64:ff9b::7f00:1",
            "2002:7f00:1::1",
            "2001::1",
            "2001:db8::1",
            "100::1",
            "fec0::1",
            "4000::1",
        ] {
            assert!(
                classify_public(ip(denied)).is_some(),
                "{denied} must be denied"
            );
        }
        for allowed in [
            "8.8.8.8",
            "1.1.1.1",
            "172.15.255.255",
            "172.32.0.0",
            "100.63.255.255",
            "192.0.43.8",
            "::ffff:8.8.8.8",
            "2a00:1450:4001::1a",
            "2606:4700::1111",
        ] {
            assert_eq!(
                classify_public(ip(allowed)),
                None,
                "{allowed} is global unicast"
            );
        }
        assert!(classify_public(ip("::ffff:127.0.0.1")).is_some_and(|w| w.contains("loopback")));
    }

    #[test]
    fn local_allows_private_but_not_side_doors() {
        for ok in ["127.0.0.1", "10.0.0.1", "192.168.1.1", "::1", "fd00::1"] {
            assert_eq!(classify_local(ip(ok)), None, "{ok}");
        }
        for denied in [
            "0.0.0.0",
            "::ffff:0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "ff02::1",
        ] {
            assert!(classify_local(ip(denied)).is_some(), "{denied}");
        }
    }

    #[test]
    fn ports_are_checked_before_resolving() {
        let rules = public();
        for port in [25, 465, 587, 2525] {
            assert!(rules.parse("mx.example.org", port).is_ok(), "{port}");
        }
        for port in [22, 80, 443, 6379, 8080, 11211] {
            let err = rules
                .parse("mx.example.org", port)
                .expect_err("denied port");
            assert!(
                matches!(&err, TargetError::Denied(m) if m.contains("--allow-target mx.example.org:")),
                "{err}"
            );
        }
        assert!(matches!(rules.parse("mx", 0), Err(TargetError::Invalid(_))));
        assert!(matches!(
            rules.parse("2130706433", 25),
            Err(TargetError::Invalid(_))
        ));
        let local = TargetRules::default();
        assert!(local.parse("127.0.0.1", 6379).is_ok());
    }

    #[test]
    fn mixed_answers_and_exceptions() {
        let rules = public();
        let parsed = rules.parse("mx.example.org", 25).expect("ok");
        assert_eq!(rules.check_addresses(&parsed, &[ip("8.8.8.8")]), Ok(None));
        let err = rules
            .check_addresses(&parsed, &[ip("8.8.8.8"), ip("10.0.0.5")])
            .expect_err("one private answer denies all");
        assert!(err.to_string().contains("10.0.0.5"), "{err}");
        assert!(err.to_string().contains("2 addresses"), "{err}");
        // The sandbox is the exception, on loopback.
        let sandbox = rules.parse("127.0.0.1", 2525).expect("ok");
        assert_eq!(
            rules.check_addresses(&sandbox, &[ip("127.0.0.1")]),
            Ok(Some(Exception::Sandbox))
        );
        // The bridge itself, even in the local profile.
        let local = TargetRules {
            own: vec!["127.0.0.1:8080".parse().expect("addr")],
            ..TargetRules::default()
        };
        let me = local.parse("127.0.0.1", 8080).expect("syntax");
        assert!(local.check_addresses(&me, &[ip("127.0.0.1")]).is_err());
        assert!(
            local
                .check_addresses(&me, &[ip("::ffff:127.0.0.1")])
                .is_err()
        );
        // An allowed target skips the table.
        let allowing = TargetRules {
            allowed: vec!["10.0.0.5:25".parse().expect("entry")],
            ..public()
        };
        let parsed = allowing.parse("10.0.0.5", 25).expect("ok");
        assert_eq!(
            allowing.check_addresses(&parsed, &[ip("10.0.0.5")]),
            Ok(Some(Exception::Allowed))
        );
    }

    /// Issue 12, finding 11: the machine's own interface addresses, public or not, are
    /// refused in the public profile (a local MTA trusts its own address for relaying).
    #[test]
    fn the_machines_own_addresses_are_refused() {
        let rules = TargetRules {
            interfaces: vec![ip("192.0.43.8"), ip("2a00:1450::5")],
            ..public()
        };
        for own in ["192.0.43.8", "2a00:1450::5", "::ffff:192.0.43.8"] {
            let parsed = rules.parse(own, 25).expect("syntax and port");
            let verdict = rules.check_addresses(&parsed, &[ip(own)]);
            assert!(
                matches!(&verdict, Err(TargetError::Denied(why)) if why.contains("this machine")),
                "{own}: {verdict:?}"
            );
        }
        let parsed = rules.parse("mx.example.org", 25).expect("ok");
        assert_eq!(rules.check_addresses(&parsed, &[ip("8.8.8.8")]), Ok(None));
    }

    /// Issue 12, finding 2: only the exact configured address is the sandbox.
    #[test]
    fn only_the_exact_sandbox_address_is_the_sandbox() {
        let rules = TargetRules {
            sandbox: Some("127.0.0.1:2526".parse().expect("addr")),
            ..public()
        };
        let sandbox = rules
            .parse("127.0.0.1", 2526)
            .expect("the sandbox's own address");
        assert_eq!(
            rules.check_addresses(&sandbox, &[ip("127.0.0.1")]),
            Ok(Some(Exception::Sandbox))
        );
        // The same socket address spelt as IPv4-mapped IPv6 is the same listener.
        let mapped = rules
            .parse("::ffff:127.0.0.1", 2526)
            .expect("the same address");
        assert_eq!(
            rules.check_addresses(&mapped, &[ip("::ffff:127.0.0.1")]),
            Ok(Some(Exception::Sandbox))
        );
        for other in ["127.0.0.2", "127.1.2.3", "::1", "::ffff:127.0.0.2"] {
            let verdict = rules
                .parse(other, 2526)
                .and_then(|parsed| rules.check_addresses(&parsed, &[ip(other)]));
            assert!(
                matches!(verdict, Err(TargetError::Denied(_))),
                "{other}: {verdict:?}"
            );
        }
        // A name that resolves to loopback is not the sandbox either.
        let parsed = rules.parse("localhost", 2526);
        assert!(matches!(parsed, Err(TargetError::Denied(_))), "{parsed:?}");
    }

    #[test]
    fn the_sandbox_port_is_not_open_to_every_host() {
        let rules = TargetRules {
            sandbox: Some("127.0.0.1:2526".parse().expect("addr")),
            ..public()
        };
        for host in ["mx.example.org", "8.8.8.8", "2001:4860::8888"] {
            let parsed = rules.parse(host, 2526);
            assert!(
                matches!(&parsed, Err(TargetError::Denied(why)) if why.contains("port 2526")),
                "{host}: {parsed:?}"
            );
        }
    }

    proptest::proptest! {
        /// An IPv4 address and its IPv4-mapped IPv6 form get the same verdict, in both
        /// profiles; and the local table never refuses what the public one allows.
        #[test]
        fn ipv4_and_mapped_ipv4_are_classified_alike(bits: u32, v6: u128) {
            let v4 = Ipv4Addr::from(bits);
            let mapped = IpAddr::V6(v4.to_ipv6_mapped());
            proptest::prop_assert_eq!(classify_public(IpAddr::V4(v4)), classify_public(mapped));
            proptest::prop_assert_eq!(classify_local(IpAddr::V4(v4)), classify_local(mapped));
            for ip in [IpAddr::V4(v4), IpAddr::V6(Ipv6Addr::from(v6))] {
                if classify_public(ip).is_none() {
                    proptest::prop_assert!(classify_local(ip).is_none());
                }
            }
        }

        /// Whatever the strict parser accepts prints back to the same host.
        #[test]
        fn accepted_hosts_round_trip(text in "[0-9a-fA-Fx.:\\[\\]-]{1,40}") {
            if let Ok(host) = parse_host(&text) {
                proptest::prop_assert_eq!(parse_host(&host.to_string()), Ok(host));
            }
        }
    }

    #[test]
    fn allowed_target_syntax() {
        assert!("mx.example.org:25".parse::<AllowedTarget>().is_ok());
        assert!("[2001:db8::1]:25".parse::<AllowedTarget>().is_ok());
        for bad in [
            "mx.example.org",
            "mx:0",
            "2001:db8::1:25",
            "0x7f000001:25",
            ":25",
        ] {
            assert!(bad.parse::<AllowedTarget>().is_err(), "{bad}");
        }
    }
}
