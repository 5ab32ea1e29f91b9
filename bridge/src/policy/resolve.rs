//! The two network operations a session's target needs, as traits: looking a name up and
//! opening a TCP connection. The bridge uses the system's; tests inject their own to play
//! DNS rebinding and mixed answers, and to count connection attempts, without any DNS.

use std::fmt::Debug;
use std::io;
use std::net::{IpAddr, SocketAddr};

use futures_util::future::BoxFuture;
use tokio::net::TcpStream;

/// Looks up the addresses (A and AAAA) of a host name.
pub trait Resolve: Send + Sync + Debug {
    /// Every address of `name`; the bridge classifies all of them.
    fn resolve<'a>(&'a self, name: &'a str) -> BoxFuture<'a, io::Result<Vec<IpAddr>>>;
}

/// Opens a TCP connection to an address that has already been checked.
pub trait Connect: Send + Sync + Debug {
    /// Connects to exactly `addr`; never resolves anything.
    fn connect(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<TcpStream>>;
}

/// Lists the addresses of this machine's network interfaces.
pub trait Interfaces: Send + Sync + Debug {
    /// Every interface address (IPv4 and IPv6).
    fn addresses(&self) -> Vec<IpAddr>;
}

/// The operating system's interface list (netlink on Linux). A failure lists nothing and
/// says so in the log: the denied table still refuses private and loopback addresses.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemInterfaces;

impl Interfaces for SystemInterfaces {
    fn addresses(&self) -> Vec<IpAddr> {
        match local_ip_address::list_afinet_netifas() {
            Ok(list) => list.into_iter().map(|(_, ip)| ip.to_canonical()).collect(),
            Err(cause) => {
                tracing::warn!(%cause, "could not list this machine's interface addresses");
                Vec::new()
            }
        }
    }
}

/// The operating system's resolver (`getaddrinfo`), asked for a name only after it passed
/// the strict syntax check, so its numeric IPv4 spellings never reach it.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve<'a>(&'a self, name: &'a str) -> BoxFuture<'a, io::Result<Vec<IpAddr>>> {
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((name, 0)).await?;
            let mut ips: Vec<IpAddr> = Vec::new();
            for addr in addrs {
                if !ips.contains(&addr.ip()) {
                    ips.push(addr.ip());
                }
            }
            Ok(ips)
        })
    }
}

/// Plain `TcpStream::connect`.
#[derive(Debug, Default, Clone, Copy)]
pub struct TcpConnector;

impl Connect for TcpConnector {
    fn connect(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<TcpStream>> {
        Box::pin(TcpStream::connect(addr))
    }
}
