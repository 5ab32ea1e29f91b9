//! Which web pages may open a WebSocket session (a guard against cross-site WebSocket
//! hijacking).
//!
//! The bridge usually runs on someone's laptop and can reach their network. Browsers let any
//! web page open a WebSocket to any address, including `127.0.0.1:8080`, and send cookies
//! and no CORS preflight; what they do send truthfully is the `Origin` header. So before the
//! upgrade the bridge requires:
//!
//! 1. an `Origin` header (non-browser clients can send one too; browsers always do), and
//! 2. either that origin is listed with `--allow-origin`, or
//! 3. it is the bridge's own origin: its `host:port` equals the request's `Host` header, and
//!    that host is an IP address or `localhost`. The last condition stops DNS rebinding,
//!    where a page at `evil.example` re-points its own name at `127.0.0.1`: its requests are
//!    then same-origin, but they carry `Host: evil.example:8080`.
//!
//! A bridge published under a real name (behind a reverse proxy) lists that name with
//! `--allow-origin https://playground.example.org`.

use std::net::IpAddr;

use thiserror::Error;

/// Why a WebSocket request was refused. The text is the body of the 403 response, so it
/// tells the person running the bridge how to allow a page they trust.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub(crate) enum Refusal {
    /// No `Origin` header.
    #[error(
        "refused: the request has no Origin header; WebSocket sessions are only accepted from \
         web pages the bridge trusts"
    )]
    MissingOrigin,
    /// The `Origin` header is not `http(s)://host[:port]` (for example `null`).
    #[error("refused: the Origin header {origin:?} is not an http or https origin")]
    BadOrigin {
        /// The header as received.
        origin: String,
    },
    /// No usable `Host` header to compare the origin with.
    #[error("refused: the request has no valid Host header")]
    BadHost,
    /// The page comes from another site.
    #[error(
        "refused: the page at {origin} is not served by this bridge ({host}); if you trust it, \
         start the bridge with --allow-origin {origin}"
    )]
    CrossOrigin {
        /// The `Origin` header.
        origin: String,
        /// The `Host` header.
        host: String,
    },
    /// The public profile accepts only the origins listed with `--allow-origin`.
    #[error(
        "refused: the page at {origin} is not one of the origins this public bridge serves; \
         its operator can add it with --allow-origin {origin}"
    )]
    NotListed {
        /// The `Origin` header.
        origin: String,
    },
    /// The `Host` header is not one the bridge is published under.
    #[error(
        "refused: the bridge was reached under the name {host}, which is not on its list of \
         host names; its operator can add it with --allow-host {host}"
    )]
    ForeignHost {
        /// The `Host` header.
        host: String,
    },
    /// A local bridge reached under a name that could have been re-pointed at this
    /// machine (DNS rebinding), on any route.
    #[error(
        "refused: the bridge was reached under the name {host}, which is not an IP address or \
         localhost (a DNS rebinding guard); if you trust it, start the bridge with \
         --allow-host {host}"
    )]
    RebindableHost {
        /// The `Host` header.
        host: String,
    },
    /// Same origin, but under a name that could have been re-pointed at this machine.
    #[error(
        "refused: the bridge was reached under the name {host}, which is not an IP address or \
         localhost (a DNS rebinding guard); if you trust it, start the bridge with \
         --allow-origin {origin}"
    )]
    UntrustedName {
        /// The `Origin` header.
        origin: String,
        /// The `Host` header.
        host: String,
    },
}

/// Decides whether a WebSocket upgrade request may proceed; see the module documentation.
///
/// # Errors
///
/// A [`Refusal`] saying which rule the request broke.
#[cfg(test)]
pub(crate) fn check(
    origin: Option<&str>,
    host: Option<&str>,
    allowed: &[String],
) -> Result<(), Refusal> {
    check_with(origin, host, allowed, true)
}

/// [`check`], and with `same_origin` false (the public profile) only the listed origins.
///
/// # Errors
///
/// A [`Refusal`] saying which rule the request broke.
pub(crate) fn check_with(
    origin: Option<&str>,
    host: Option<&str>,
    allowed: &[String],
    same_origin: bool,
) -> Result<(), Refusal> {
    let origin_text = origin.ok_or(Refusal::MissingOrigin)?;
    let Some(origin) = Origin::parse(origin_text) else {
        return Err(Refusal::BadOrigin {
            origin: origin_text.to_owned(),
        });
    };
    if allowed
        .iter()
        .filter_map(|entry| Origin::parse(entry))
        .any(|entry| entry == origin)
    {
        return Ok(());
    }
    if !same_origin {
        return Err(Refusal::NotListed {
            origin: origin_text.to_owned(),
        });
    }
    let host_text = host.ok_or(Refusal::BadHost)?;
    let (host, port) =
        split_authority(host_text, origin.scheme.default_port()).ok_or(Refusal::BadHost)?;
    if host != origin.host || port != origin.port {
        return Err(Refusal::CrossOrigin {
            origin: origin_text.to_owned(),
            host: host_text.to_owned(),
        });
    }
    if !is_local_or_ip(&host) {
        return Err(Refusal::UntrustedName {
            origin: origin_text.to_owned(),
            host: host_text.to_owned(),
        });
    }
    Ok(())
}

/// Checks the `Host` header against the host allow list: the `--allow-host` entries, or,
/// when there are none and `derive` is set (the public profile), the hosts of the allowed
/// origins. An entry without a port matches any port. With no list, any Host passes here
/// (the origin check then compares it with the origin).
///
/// # Errors
///
/// [`Refusal::ForeignHost`] or [`Refusal::BadHost`].
pub(crate) fn check_host(
    host: Option<&str>,
    allowed_hosts: &[String],
    allowed_origins: &[String],
    derive: bool,
) -> Result<(), Refusal> {
    let mut entries: Vec<(String, Option<u16>)> = allowed_hosts
        .iter()
        .filter_map(|entry| {
            let (name, port) = split_authority(entry, 0)?;
            Some((name, (port != 0).then_some(port)))
        })
        .collect();
    if entries.is_empty() && derive {
        entries = allowed_origins
            .iter()
            .filter_map(|o| Origin::parse(o))
            .map(|o| (o.host, None))
            .collect();
    }
    if entries.is_empty() {
        return Ok(());
    }
    let text = host.ok_or(Refusal::BadHost)?;
    let (name, port) = split_authority(text, 0).ok_or(Refusal::BadHost)?;
    let listed = entries
        .iter()
        .any(|(entry, entry_port)| *entry == name && entry_port.is_none_or(|p| p == port));
    if listed {
        Ok(())
    } else {
        Err(Refusal::ForeignHost {
            host: text.to_owned(),
        })
    }
}

/// The `Host` rule of every route: the host allow list (`--allow-host`, or in the public
/// profile the hosts of `--allow-origin`); without one (the local profile), an IP address
/// or `localhost`, so that a page whose own name was re-pointed at 127.0.0.1 (DNS
/// rebinding) reads nothing from the bridge.
///
/// # Errors
///
/// [`Refusal::ForeignHost`], [`Refusal::RebindableHost`] or [`Refusal::BadHost`].
pub(crate) fn check_route_host(
    host: Option<&str>,
    allowed_hosts: &[String],
    allowed_origins: &[String],
    public: bool,
) -> Result<(), Refusal> {
    check_host(host, allowed_hosts, allowed_origins, public)?;
    if !allowed_hosts.is_empty() || public {
        return Ok(());
    }
    let text = host.ok_or(Refusal::BadHost)?;
    let (name, _) = split_authority(text, 0).ok_or(Refusal::BadHost)?;
    if is_local_or_ip(&name) {
        Ok(())
    } else {
        Err(Refusal::RebindableHost {
            host: text.to_owned(),
        })
    }
}

/// Validates an `--allow-origin` value and returns it in canonical form
/// (`scheme://host:port`, lower case), so a typo fails at start-up rather than silently
/// never matching.
///
/// # Errors
///
/// A message for the command line when the value is not an http(s) origin.
pub(crate) fn normalize_allowed(value: &str) -> Result<String, String> {
    let origin = Origin::parse(value).ok_or_else(|| {
        format!(
            "{value:?} is not an origin; expected scheme, host and optional port, such as \
             http://127.0.0.1:8081 (no path)"
        )
    })?;
    Ok(format!(
        "{}://{}:{}",
        origin.scheme.as_str(),
        origin.host,
        origin.port
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Http,
    Https,
}

impl Scheme {
    fn default_port(self) -> u16 {
        match self {
            Self::Http => 80,
            Self::Https => 443,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Https => "https",
        }
    }
}

/// A web origin (RFC 6454) with the port made explicit, so `http://a` equals `http://a:80`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: Scheme,
    /// Lower case; IPv6 addresses keep their brackets.
    host: String,
    port: u16,
}

impl Origin {
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let text = text.strip_suffix('/').unwrap_or(text);
        let (scheme, authority) = text.split_once("://")?;
        let scheme = if scheme.eq_ignore_ascii_case("http") {
            Scheme::Http
        } else if scheme.eq_ignore_ascii_case("https") {
            Scheme::Https
        } else {
            return None;
        };
        if authority.contains(['/', '?', '#', '@']) {
            return None;
        }
        let (host, port) = split_authority(authority, scheme.default_port())?;
        Some(Self { scheme, host, port })
    }
}

/// Splits `host[:port]` (or `[v6]:port`) into a lower-case host and a port, using
/// `default_port` when none is given.
fn split_authority(authority: &str, default_port: u16) -> Option<(String, u16)> {
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')?;
        let (host, rest) = authority.split_at(end + 1);
        match rest {
            "" => (host, None),
            _ => (host, Some(rest.strip_prefix(':')?)),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let valid_host = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._[]:".contains(&b));
    if !valid_host {
        return None;
    }
    let port = match port {
        None => default_port,
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse().ok()?
        }
        Some(_) => return None,
    };
    Some((host.to_ascii_lowercase(), port))
}

/// Names that DNS rebinding cannot point elsewhere: IP literals, and `localhost`, which
/// browsers resolve to loopback themselves (RFC 6761 section 6.3).
fn is_local_or_ip(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok() || host == "localhost" || host.ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions() {
        let allowed = vec![
            "http://127.0.0.1:8081".to_owned(),
            "https://Play.Example.org/".to_owned(),
        ];
        // (origin, host, allowed?)
        let table: &[(Option<&str>, Option<&str>, bool)] = &[
            (Some("http://127.0.0.1:8080"), Some("127.0.0.1:8080"), true),
            (Some("http://localhost:8080"), Some("localhost:8080"), true),
            (Some("http://LOCALHOST:8080"), Some("localhost:8080"), true),
            (
                Some("http://app.localhost:8080"),
                Some("app.localhost:8080"),
                true,
            ),
            (Some("http://[::1]:8080"), Some("[::1]:8080"), true),
            (Some("http://127.0.0.1"), Some("127.0.0.1:80"), true),
            (Some("http://127.0.0.1:80"), Some("127.0.0.1"), true),
            (Some("http://127.0.0.1:8080/"), Some("127.0.0.1:8080"), true),
            // Allowed explicitly, whatever the Host.
            (Some("http://127.0.0.1:8081"), Some("127.0.0.1:8080"), true),
            (
                Some("https://play.example.org"),
                Some("play.example.org"),
                true,
            ),
            (Some("https://play.example.org:443"), None, true),
            // Refused.
            (None, Some("127.0.0.1:8080"), false),
            (Some("null"), Some("127.0.0.1:8080"), false),
            (Some("file://"), Some("127.0.0.1:8080"), false),
            (Some("http://evil.example"), Some("127.0.0.1:8080"), false),
            (Some("http://127.0.0.1:9999"), Some("127.0.0.1:8080"), false),
            (Some("https://127.0.0.1:8080"), Some("127.0.0.1:8080"), true),
            (Some("http://localhost:8080"), Some("127.0.0.1:8080"), false),
            (Some("http://127.0.0.1:8080"), None, false),
            (Some("http://127.0.0.1:8080"), Some(""), false),
            (Some("http://127.0.0.1:8080"), Some("127.0.0.1:x"), false),
            // DNS rebinding: same origin, but under a name.
            (
                Some("http://evil.example:8080"),
                Some("evil.example:8080"),
                false,
            ),
            (
                Some("http://user@127.0.0.1:8080"),
                Some("127.0.0.1:8080"),
                false,
            ),
            (
                Some("http://127.0.0.1:8080/path"),
                Some("127.0.0.1:8080"),
                false,
            ),
            (
                Some("http://127.0.0.1:99999"),
                Some("127.0.0.1:99999"),
                false,
            ),
        ];
        for &(origin, host, expected) in table {
            assert_eq!(
                check(origin, host, &allowed).is_ok(),
                expected,
                "origin {origin:?}, host {host:?}"
            );
        }
    }

    #[test]
    fn public_lists_only_and_hosts() {
        let allowed = vec!["https://play.example.org:443".to_owned()];
        assert!(check_with(Some("https://play.example.org"), Some("x"), &allowed, false).is_ok());
        assert!(matches!(
            check_with(
                Some("http://127.0.0.1:8080"),
                Some("127.0.0.1:8080"),
                &allowed,
                false
            ),
            Err(Refusal::NotListed { .. })
        ));
        assert!(check_host(Some("play.example.org"), &[], &allowed, true).is_ok());
        assert!(check_host(Some("PLAY.example.org:443"), &[], &allowed, true).is_ok());
        assert!(matches!(
            check_host(Some("evil.example"), &[], &allowed, true),
            Err(Refusal::ForeignHost { .. })
        ));
        assert!(check_host(Some("evil.example"), &[], &allowed, false).is_ok());
        let hosts = vec!["127.0.0.1:8080".to_owned()];
        assert!(check_host(Some("127.0.0.1:8080"), &hosts, &[], false).is_ok());
        assert!(check_host(Some("127.0.0.1:9090"), &hosts, &[], false).is_err());
        assert!(check_host(None, &hosts, &[], false).is_err());
    }

    #[test]
    fn refusals_say_what_to_do() {
        let err = check(Some("http://evil.example"), Some("127.0.0.1:8080"), &[])
            .expect_err("cross-origin");
        assert!(matches!(err, Refusal::CrossOrigin { .. }));
        assert!(
            err.to_string()
                .contains("--allow-origin http://evil.example"),
            "{err}"
        );
        assert_eq!(check(None, Some("h"), &[]), Err(Refusal::MissingOrigin));
        assert!(matches!(
            check(
                Some("http://rebind.example:8080"),
                Some("rebind.example:8080"),
                &[]
            ),
            Err(Refusal::UntrustedName { .. })
        ));
    }

    #[test]
    fn allowed_origins_are_validated_and_canonical() {
        assert_eq!(
            normalize_allowed("HTTP://LocalHost:8081/").as_deref(),
            Ok("http://localhost:8081")
        );
        assert_eq!(
            normalize_allowed("https://play.example.org").as_deref(),
            Ok("https://play.example.org:443")
        );
        for bad in [
            "localhost:8081",
            "http://",
            "ftp://x",
            "http://x/app",
            "http://x:port",
        ] {
            assert!(normalize_allowed(bad).is_err(), "{bad:?} must be refused");
        }
    }
}
