//! IP networks written as `address/prefix`, for the target table and `--trust-proxy`.

use std::net::IpAddr;
use std::str::FromStr;

/// An IP network such as `10.0.0.0/8` or `fc00::/7`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// The network of `network` with `prefix` bits; `None` when the prefix is too long.
    pub const fn new(network: IpAddr, prefix: u8) -> Option<Self> {
        let max = match network {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        };
        if prefix > max {
            None
        } else {
            Some(Self { network, prefix })
        }
    }

    /// A network from parts known to be valid (the built-in tables).
    pub(crate) const fn raw(network: IpAddr, prefix: u8) -> Self {
        Self { network, prefix }
    }

    /// Whether `ip` lies in this network. IPv4 and IPv6 never match each other: callers
    /// canonicalise IPv4-mapped addresses first.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

impl FromStr for Cidr {
    type Err = String;

    /// `10.0.0.0/8`, `::1/128`, or a bare address (a network of one).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{text:?} is not an address or network such as 10.0.0.0/8 or ::1");
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                digits.parse::<u8>().map_err(|_| bad())?
            }
            Some(_) => return Err(bad()),
        };
        Self::new(network, prefix).ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(text: &str) -> Cidr {
        text.parse().expect("a network")
    }

    #[test]
    fn contains_by_prefix() {
        assert!(cidr("10.0.0.0/8").contains("10.255.1.2".parse().expect("ip")));
        assert!(!cidr("10.0.0.0/8").contains("11.0.0.0".parse().expect("ip")));
        assert!(cidr("0.0.0.0/0").contains("1.2.3.4".parse().expect("ip")));
        assert!(cidr("127.0.0.1").contains("127.0.0.1".parse().expect("ip")));
        assert!(!cidr("127.0.0.1").contains("127.0.0.2".parse().expect("ip")));
        assert!(cidr("fc00::/7").contains("fd12::1".parse().expect("ip")));
        assert!(!cidr("fc00::/7").contains("fe00::1".parse().expect("ip")));
        assert!(!cidr("::/0").contains("1.2.3.4".parse().expect("ip")));
        for bad in ["10.0.0.0/33", "::/129", "x/8", "10.0.0.0/", "10.0.0.0/-1"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }
}
