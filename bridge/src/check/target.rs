//! What to check: `DOMAIN`, `HOST`, `HOST:PORT`, `IPv4:PORT`, `[IPv6]:PORT` or a bare
//! IPv6 address. The host's syntax is judged by the same strict rules as a typed host
//! (`policy::host`), here and not first at the relay, because a domain's MX lookup comes
//! before any relay session.

use std::net::IpAddr;

use crate::policy::host::parse_host;

/// The port checked when none is given: SMTP between servers.
pub(crate) const DEFAULT_PORT: u16 = 25;

/// A target to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The host name, domain or address (IPv6 without brackets).
    pub host: String,
    /// The port.
    pub port: u16,
    /// A port was given: the target is one host, not a domain's MX hosts.
    pub port_given: bool,
}

/// Why a target cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Nothing was given.
    #[error("no target: give a domain, or a host with an optional :port")]
    Empty,
    /// The port is not a number from 1 to 65535.
    #[error("`{0}` is not a port (1 to 65535)")]
    BadPort(String),
    /// White space or control characters.
    #[error("the target must not contain spaces or control characters")]
    BadCharacters,
    /// Not a host name or address by the rules of a typed host.
    #[error("{0}")]
    BadHost(String),
}

impl Target {
    /// Reads `text`; see the module documentation.
    ///
    /// # Errors
    ///
    /// [`TargetError`] for an empty target, a bad port or white space.
    pub fn parse(text: &str) -> Result<Self, TargetError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TargetError::Empty);
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(TargetError::BadCharacters);
        }
        let port = |p: &str| match p.parse::<u16>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(TargetError::BadPort(p.to_owned())),
        };
        if let Some(rest) = text.strip_prefix('[') {
            let (host, after) = rest.split_once(']').ok_or(TargetError::BadCharacters)?;
            return match after.strip_prefix(':') {
                Some(p) => Ok(Self::of(host, port(p)?, true)),
                None if after.is_empty() => Ok(Self::of(host, DEFAULT_PORT, false)),
                None => Err(TargetError::BadPort(after.to_owned())),
            };
        }
        if text.parse::<IpAddr>().is_ok() {
            return Ok(Self::of(text, DEFAULT_PORT, false));
        }
        let target = match text.rsplit_once(':') {
            Some((host, p)) if !host.is_empty() => Self::of(host, port(p)?, true),
            Some(_) => return Err(TargetError::Empty),
            None => Self::of(text, DEFAULT_PORT, false),
        };
        parse_host(&target.host).map_err(|err| TargetError::BadHost(err.to_string()))?;
        Ok(target)
    }

    fn of(host: &str, port: u16, port_given: bool) -> Self {
        Self {
            host: host.trim_end_matches('.').to_owned(),
            port,
            port_given,
        }
    }

    /// Whether the host is an address literal (never a domain to look MX up for).
    pub fn is_address(&self) -> bool {
        self.host.parse::<IpAddr>().is_ok()
    }

    /// The target as typed back: `host:port`, `[v6]:port`, or the domain.
    pub fn label(&self) -> String {
        match (self.port_given, self.host.contains(':')) {
            (false, _) => self.host.clone(),
            (true, true) => format!("[{}]:{}", self.host, self.port),
            (true, false) => format!("{}:{}", self.host, self.port),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let t = Target::parse("example.org").expect("ok");
        assert_eq!(
            (t.host.as_str(), t.port, t.port_given),
            ("example.org", 25, false)
        );
        let t = Target::parse("mx.example.org:587").expect("ok");
        assert_eq!(
            (t.host.as_str(), t.port, t.port_given),
            ("mx.example.org", 587, true)
        );
        let t = Target::parse("[::1]:2525").expect("ok");
        assert_eq!((t.host.as_str(), t.port), ("::1", 2525));
        assert_eq!(t.label(), "[::1]:2525");
        let t = Target::parse("::1").expect("ok");
        assert!(t.is_address() && !t.port_given);
        assert_eq!(Target::parse(""), Err(TargetError::Empty));
        assert_eq!(Target::parse("a:0"), Err(TargetError::BadPort("0".into())));
        assert_eq!(Target::parse("a:x"), Err(TargetError::BadPort("x".into())));
        assert_eq!(Target::parse("a b"), Err(TargetError::BadCharacters));
        assert_eq!(Target::parse(":25"), Err(TargetError::Empty));
        for bad in [
            "example..com",
            "-x.example",
            "999.1.1.1",
            "0x7f000001:25",
            "a_b.example",
        ] {
            assert!(
                matches!(Target::parse(bad), Err(TargetError::BadHost(_))),
                "{bad}: {:?}",
                Target::parse(bad)
            );
        }
        let long = format!("{}.com", "a".repeat(64));
        assert!(matches!(Target::parse(&long), Err(TargetError::BadHost(_))));
        assert!(Target::parse("Mail.Example.org.").is_ok());
    }
}
