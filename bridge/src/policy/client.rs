//! The client's address. Behind a reverse proxy every connection comes from the proxy, so
//! the real client is in `X-Forwarded-For`; but anyone can send that header, so it is
//! believed only when the connection comes from a network named with `--trust-proxy`.

use std::net::IpAddr;

use super::cidr::Cidr;

/// The address to count and log a request under. With a trusted peer, the rightmost
/// `X-Forwarded-For` entry that is not itself a trusted proxy (the one the first proxy
/// saw); otherwise the peer.
pub fn client_ip(peer: IpAddr, forwarded_for: &[&str], trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip.to_canonical()));
    if !is_trusted(peer) {
        return peer;
    }
    let mut hops: Vec<IpAddr> = Vec::new();
    for header in forwarded_for {
        for entry in header.split(',') {
            match entry.trim().parse::<IpAddr>() {
                Ok(ip) => hops.push(ip),
                // A malformed chain: believe only the proxy.
                Err(_) => return peer,
            }
        }
    }
    hops.into_iter()
        .rev()
        .find(|ip| !is_trusted(*ip))
        .unwrap_or(peer)
}

/// The key a client is counted under in every cap and rate: its address, or its /64 for
/// IPv6 (one subscriber usually holds a whole /64, so counting single addresses would let
/// one machine take every place).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & (u128::MAX << 64)).into()),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn forwarded_only_from_trusted_proxies() {
        let proxies: Vec<Cidr> = vec!["10.0.0.0/8".parse().expect("cidr")];
        assert_eq!(
            client_ip(ip("192.0.2.7"), &["198.51.100.1"], &proxies),
            ip("192.0.2.7")
        );
        assert_eq!(
            client_ip(ip("10.0.0.2"), &["198.51.100.1"], &proxies),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_ip(
                ip("10.0.0.2"),
                &["6.6.6.6, 198.51.100.1, 10.0.0.3"],
                &proxies
            ),
            ip("198.51.100.1"),
            "the spoofable left part is ignored"
        );
        assert_eq!(client_ip(ip("10.0.0.2"), &[], &proxies), ip("10.0.0.2"));
        assert_eq!(
            client_ip(ip("10.0.0.2"), &["junk"], &proxies),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_ip(ip("10.0.0.2"), &["198.51.100.1"], &[]),
            ip("10.0.0.2")
        );
    }
}
