//! The connect form: the values as typed, and the target they make.

use protocol::wire::{ConnectRequest, TlsMode};

use crate::vocab::{Backend, FormError, Preset};

/// The values of the connect form, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectForm {
    /// Host name or IP literal of the SMTP server.
    pub host: String,
    /// The port as typed; parsed only when connecting, so a half-typed value is fine.
    pub port: String,
    /// How the bridge should secure the connection.
    pub tls: TlsMode,
    /// Accept a certificate that fails verification (self-signed test servers), if the
    /// bridge's operator allows it.
    pub insecure: bool,
    /// Where the next session runs: the bridge, or the in-page simulator ("Simulate (no
    /// bridge)", chosen by itself when no bridge answers).
    pub backend: Backend,
    /// The host field names a mail domain: the bridge looks up its MX hosts and connects
    /// to them as a mail server would (RFC 5321 5.1), instead of to the name itself.
    pub by_mx: bool,
}

impl Default for ConnectForm {
    /// The bridge's default target: its embedded sandbox on the same machine.
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: "2525".to_owned(),
            tls: TlsMode::None,
            insecure: false,
            backend: Backend::Bridge,
            by_mx: false,
        }
    }
}

impl ConnectForm {
    /// The target to send to the bridge. Surrounding spaces are ignored. The bridge checks
    /// the target again against its own policy; this only catches typing mistakes early.
    ///
    /// # Errors
    ///
    /// [`FormError`] when the host is empty or malformed, or the port is out of range.
    pub fn request(&self) -> Result<ConnectRequest, FormError> {
        let host = self.host.trim();
        if host.is_empty() {
            return Err(FormError::EmptyHost);
        }
        if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(FormError::BadHost(host.to_owned()));
        }
        let port_text = self.port.trim();
        let port = match port_text.parse::<u16>() {
            Ok(port) if port != 0 => port,
            _ => return Err(FormError::BadPort(port_text.to_owned())),
        };
        if self.by_mx && self.domain().is_none() {
            return Err(FormError::NotADomain(host.to_owned()));
        }
        Ok(ConnectRequest {
            host: host.to_owned(),
            port,
            tls: self.tls,
            insecure: self.insecure && self.tls != TlsMode::None,
            by_mx: self.by_mx,
            ..ConnectRequest::default()
        })
    }

    /// Fills in `preset`. The sandbox preset goes to `sandbox`, where the bridge's sandbox
    /// really listens, when the bridge said so.
    pub fn apply_preset(&mut self, preset: Preset, sandbox: Option<(String, u16)>) {
        if let Some(host) = preset.host() {
            host.clone_into(&mut self.host);
        }
        self.port = preset.port().to_string();
        self.tls = preset.tls();
        if preset == Preset::Sandbox
            && let Some((host, port)) = sandbox
        {
            self.host = host;
            self.port = port.to_string();
        }
    }

    /// Switches between a host and a domain by MX. A domain's mail servers listen on 25,
    /// so the port becomes 25 when the mode is switched on (it can still be changed).
    pub fn set_by_mx(&mut self, by_mx: bool) {
        if by_mx && !self.by_mx {
            self.port = "25".to_owned();
        }
        self.by_mx = by_mx;
    }

    /// The domain the host field names, for the DNS facts: the host as typed (without a
    /// trailing dot) when it is a name, `None` for an IP literal or an empty field.
    pub fn domain(&self) -> Option<String> {
        let host = self.host.trim().trim_end_matches('.');
        // A name has a dot and a last label that is not a number (no top-level domain
        // is); an IPv4 literal's is, and IPv6 literals have colons.
        let last = host.rsplit('.').next().unwrap_or_default();
        let name = host.contains('.')
            && last.bytes().any(|b| b.is_ascii_alphabetic())
            && !host.contains([':', '[', ' ', '\t']);
        name.then(|| host.to_ascii_lowercase())
    }

    /// What "Check this server" checks: the domain's MX hosts in MX mode, else the host
    /// and port typed; `None` when the host field is empty or not usable.
    pub fn check_target(&self) -> Option<CheckTarget> {
        let port = self.port.trim().parse::<u16>().ok().filter(|p| *p != 0)?;
        if self.by_mx {
            return self
                .domain()
                .map(|domain| CheckTarget::Domain { domain, port });
        }
        let host = self.host.trim();
        (!host.is_empty() && !host.contains(char::is_whitespace)).then(|| CheckTarget::Host {
            host: host.to_owned(),
            port,
        })
    }

    /// Points the form at the sandbox at `host:port`.
    pub fn point_at(&mut self, host: &str, port: u16) {
        host.clone_into(&mut self.host);
        self.port = port.to_string();
    }

    /// The preset the values match, to show its description.
    pub fn matching_preset(&self) -> Option<Preset> {
        let port: u16 = self.port.trim().parse().ok()?;
        Preset::ALL.into_iter().find(|p| {
            p.port() == port
                && p.tls() == self.tls
                && p.host().is_none_or(|h| h == self.host.trim())
        })
    }
}

/// What a server check covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckTarget {
    /// One host (a name or an address) and port.
    Host {
        /// The host as typed.
        host: String,
        /// The port.
        port: u16,
    },
    /// Every MX host of a domain, at `port`.
    Domain {
        /// The domain.
        domain: String,
        /// The port (25 unless changed).
        port: u16,
    },
}

impl CheckTarget {
    /// The target as the panel names it and `/api/check` reads it: `host:port`,
    /// `[v6]:port`, or the domain (its port goes apart, see [`CheckTarget::query`]).
    pub fn label(&self) -> String {
        match self {
            CheckTarget::Host { host, port } if host.contains(':') => format!("[{host}]:{port}"),
            CheckTarget::Host { host, port } => format!("{host}:{port}"),
            // `domain:port` would name one host (the domain's own address).
            CheckTarget::Domain { domain, .. } => domain.clone(),
        }
    }

    /// The query of `/api/check`, each value made safe by `escape`: `target=`, and for a
    /// domain's MX hosts at a port other than 25, `&port=`.
    pub fn query(&self, escape: impl Fn(&str) -> String) -> String {
        let target = escape(&self.label());
        match self {
            CheckTarget::Domain { port, .. } if *port != 25 => {
                format!("target={target}&port={port}")
            }
            _ => format!("target={target}"),
        }
    }
}

/// `request` to the domain's MX host `mx_host` only: a host the user picked from the MX
/// list (same domain, port and TLS; the bridge checks it is one of the domain's).
pub fn to_host(request: ConnectRequest, mx_host: String) -> ConnectRequest {
    ConnectRequest {
        by_mx: true,
        mx_host: Some(mx_host),
        ..request
    }
}
