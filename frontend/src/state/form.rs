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
        Ok(ConnectRequest {
            host: host.to_owned(),
            port,
            tls: self.tls,
            insecure: self.insecure && self.tls != TlsMode::None,
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
