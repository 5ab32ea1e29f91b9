//! Who may use the bridge, where it may connect, and how much: the two profiles and every
//! limit of `SECURITY.md`, as flags ([`PolicyConfig`]) and as the values in force
//! ([`Policy`]).
//!
//! - `host.rs`: strict host syntax (no `2130706433`, `0x7f000001`, `0177.0.0.1`).
//! - `cidr.rs`: IP networks, for the denied table and `--trust-proxy`.
//! - `target.rs`: the denied table, allowed ports, the bridge itself, the exceptions.
//! - `resolve.rs`: the resolver and connector as traits, so tests inject their own.
//! - `limits.rs`: sessions per client and in total, new-session rate, destinations,
//!   the penalty box for bad tokens.
//! - `token.rs`: the bearer token, compared in constant time and never logged.
//! - `client.rs`: the client's address, from `X-Forwarded-For` only behind a trusted proxy.

pub mod caps;
pub mod cidr;
pub mod client;
pub mod connections;
pub mod host;
pub mod limits;
pub mod resolve;
pub mod target;
pub mod token;

use std::time::Duration;

use cidr::Cidr;
use connections::ConnectionLimits;
use limits::GateLimits;
use target::{AllowedTarget, DEFAULT_PORTS, TargetRules};
use token::Secret;

/// Which defaults apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// Your own machine: binds loopback only; any port and private addresses are
    /// allowed targets; only pages from the bridge's own origin.
    #[default]
    Local,
    /// A hosted teaching site: the target table, SMTP ports only, rate limits, probe mode.
    Public,
}

/// The security flags of `smtp-playground serve`. Every limit is optional: when absent,
/// the profile's default applies (see `SECURITY.md` for the table).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PolicyConfig {
    /// `local` (default): loopback only, for your own machine. `public`: a shared site,
    /// with the target rules, limits and probe mode of SECURITY.md.
    #[arg(long, value_enum, default_value_t = Profile::Local, env = "SMTP_PLAYGROUND_PROFILE")]
    pub profile: Profile,

    /// Also connect to this target, whatever the target rules say (for example a lab
    /// server on a private address in the public profile). Repeat for several.
    #[arg(long = "allow-target", value_name = "HOST:PORT")]
    pub allow_targets: Vec<AllowedTarget>,

    /// Ports the public profile connects to. Default: 25,465,587,2525.
    #[arg(long = "allowed-ports", value_name = "PORTS", value_delimiter = ',')]
    pub allowed_ports: Vec<u16>,

    /// UNSAFE: in the public profile, connect to private, loopback and other non-global
    /// addresses too (the bridge itself stays refused).
    #[arg(long)]
    pub unsafe_allow_private: bool,

    /// UNSAFE: in the public profile, connect to any port.
    #[arg(long)]
    pub unsafe_allow_any_port: bool,

    /// UNSAFE: in the public profile, relay DATA and BDAT for everyone (no probe mode).
    #[arg(long)]
    pub unsafe_no_probe_mode: bool,

    /// Accept WebSocket requests only with these Host headers (`name` or `name:port`).
    /// Default: local, any IP literal or localhost; public, the hosts of --allow-origin.
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allowed_hosts: Vec<String>,

    /// The bearer token (at least 16 characters) that unlocks DATA in the public profile,
    /// sent as `Authorization: Bearer ...` or a first `{"type":"auth","token":"..."}`
    /// message. Never logged.
    #[arg(long, value_name = "TOKEN", env = "SMTP_PLAYGROUND_TOKEN", hide_env_values = true,
          value_parser = Secret::parse)]
    pub token: Option<Secret>,

    /// Refuse sessions without the token (needs --token).
    #[arg(long, requires = "token")]
    pub require_token: bool,

    /// Take the client's address from X-Forwarded-For when the connection comes from this
    /// network (your reverse proxy). Repeat for several. Default: never.
    #[arg(long = "trust-proxy", value_name = "CIDR")]
    pub trust_proxy: Vec<Cidr>,

    /// Sessions one client address (IPv6: its /64) may hold. Default: public 3, local
    /// unlimited.
    #[arg(long, value_name = "N")]
    pub max_sessions_per_ip: Option<u32>,

    /// Sessions the bridge holds at once. Default: 200.
    #[arg(long, value_name = "N")]
    pub max_sessions: Option<u32>,

    /// Sessions to the embedded sandbox one client address (IPv6: its /64) may hold, so
    /// a few clients cannot take all of the sandbox's connections. Default: public 2,
    /// local unlimited.
    #[arg(long, value_name = "N")]
    pub sandbox_sessions_per_client: Option<u32>,

    /// HTTP connections one client address (IPv6: its /64) may hold open before their
    /// requests are read; more are closed at accept. A `--trust-proxy` peer is not
    /// counted. Default: public 32, local unlimited.
    #[arg(long, value_name = "N")]
    pub max_connections_per_ip: Option<u32>,

    /// HTTP connections open at once before their requests are read (WebSockets count
    /// under --max-sessions once upgraded); more are closed at accept. Default: 1024.
    #[arg(long, value_name = "N")]
    pub max_connections: Option<u32>,

    /// New sessions per client per --rate-window-ms. Default: public 10, local unlimited.
    #[arg(long, value_name = "N")]
    pub new_sessions_per_ip: Option<u32>,

    /// How many of those may come at once. Default: 3.
    #[arg(long, value_name = "N")]
    pub new_session_burst: Option<u32>,

    /// The window of --new-sessions-per-ip, in milliseconds. Default: 60000.
    #[arg(long, value_name = "MS")]
    pub rate_window_ms: Option<u64>,

    /// Sessions to one destination address and port per --destination-window-ms.
    /// Default: public 10, local unlimited.
    #[arg(long, value_name = "N")]
    pub sessions_per_destination: Option<u32>,

    /// The window of --sessions-per-destination, in milliseconds. Default: 3600000.
    #[arg(long, value_name = "MS")]
    pub destination_window_ms: Option<u64>,

    /// Largest WebSocket message and frame from the browser, in bytes; larger ones close
    /// the session with 1009. Default: public 4096 (one line), local 65536 (pasted batches).
    #[arg(long, value_name = "BYTES")]
    pub max_message_bytes: Option<usize>,

    /// Message text (DATA) one session may send, in bytes. Default: 10485760.
    #[arg(long, value_name = "BYTES")]
    pub max_data_bytes: Option<u64>,

    /// RCPT commands per transaction. Default: public 5, local 100.
    #[arg(long, value_name = "N")]
    pub max_recipients: Option<u32>,

    /// Lines in one multi-line reply from the server. Default: 100.
    #[arg(long, value_name = "N")]
    pub max_reply_lines: Option<usize>,

    /// Bytes in one multi-line reply from the server. Default: 65536.
    #[arg(long, value_name = "BYTES")]
    pub max_reply_bytes: Option<usize>,

    /// How long a client may take to send the HTTP request headers. Default: 10000.
    #[arg(long, value_name = "MS")]
    pub header_timeout_ms: Option<u64>,

    /// How long the TCP connection to the SMTP server may take. Default: 10000.
    #[arg(long, value_name = "MS")]
    pub connect_timeout_ms: Option<u64>,

    /// How long a TLS handshake with the SMTP server may take. Default: 30000.
    #[arg(long, value_name = "MS")]
    pub tls_timeout_ms: Option<u64>,

    /// A session with no message from the browser and no byte from the server for this
    /// long ends. Default: 300000 (5 minutes).
    #[arg(long, value_name = "MS")]
    pub idle_timeout_ms: Option<u64>,

    /// A session ends after this long, whatever it does. Default: 1800000 (30 minutes).
    #[arg(long, value_name = "MS")]
    pub session_timeout_ms: Option<u64>,

    /// WebSocket ping interval; a session ends after 2 unanswered pings. Default: 25000.
    #[arg(long, value_name = "MS")]
    pub ping_interval_ms: Option<u64>,

    /// Wrong tokens from one address before it is refused. Default: 5.
    #[arg(long, value_name = "N")]
    pub bad_token_limit: Option<u32>,

    /// How long such an address is refused, in milliseconds. Default: 300000.
    #[arg(long, value_name = "MS")]
    pub bad_token_ban_ms: Option<u64>,
}

/// The values in force, each from its flag or the profile's default.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The profile.
    pub profile: Profile,
    /// Where sessions may connect (the bridge's and the sandbox's addresses are filled in
    /// at start).
    pub targets: TargetRules,
    /// Admission limits.
    pub gate: GateLimits,
    /// The token, if any.
    pub token: Option<Secret>,
    /// Sessions need the token.
    pub require_token: bool,
    /// DATA and BDAT need the sandbox, an allowed target or the token.
    pub probe_mode: bool,
    /// Trusted reverse proxies.
    pub trust_proxy: Vec<Cidr>,
    /// Allowed Host headers (empty: the profile's rule).
    pub allowed_hosts: Vec<String>,
    /// Largest browser message and frame.
    pub max_message: usize,
    /// DATA bytes per session.
    pub max_data: u64,
    /// RCPT per transaction.
    pub max_recipients: u32,
    /// Lines per reply.
    pub max_reply_lines: usize,
    /// Bytes per reply.
    pub max_reply_bytes: usize,
    /// HTTP header read timeout.
    pub header_timeout: Duration,
    /// Connections at accept, per client and in total.
    pub connections: ConnectionLimits,
    /// Sessions to the sandbox per client.
    pub sandbox_per_client: Option<u32>,
    /// TCP connect timeout.
    pub connect_timeout: Duration,
    /// TLS handshake timeout.
    pub tls_timeout: Duration,
    /// Idle session timeout.
    pub idle_timeout: Duration,
    /// Absolute session lifetime.
    pub session_timeout: Duration,
    /// WebSocket ping interval.
    pub ping_interval: Duration,
}

fn ms(value: Option<u64>, default: u64) -> Duration {
    Duration::from_millis(value.unwrap_or(default).max(1))
}

impl PolicyConfig {
    /// The values in force.
    pub fn resolve(&self) -> Policy {
        let public = self.profile == Profile::Public;
        let pick = |value: Option<u32>, public_default: u32| -> Option<u32> {
            value.or(public.then_some(public_default))
        };
        Policy {
            profile: self.profile,
            targets: TargetRules {
                public,
                allow_private: self.unsafe_allow_private,
                any_port: self.unsafe_allow_any_port,
                ports: if self.allowed_ports.is_empty() {
                    DEFAULT_PORTS.to_vec()
                } else {
                    self.allowed_ports.clone()
                },
                allowed: self.allow_targets.clone(),
                own: Vec::new(),
                sandbox: None,
                interfaces: Vec::new(),
            },
            gate: GateLimits {
                per_ip: pick(self.max_sessions_per_ip, 3),
                total: Some(self.max_sessions.unwrap_or(200)),
                new_per_window: pick(self.new_sessions_per_ip, 10),
                burst: self.new_session_burst.unwrap_or(3).max(1),
                rate_window: ms(self.rate_window_ms, 60_000),
                per_destination: pick(self.sessions_per_destination, 10),
                destination_window: ms(self.destination_window_ms, 3_600_000),
                bad_tokens: self.bad_token_limit.unwrap_or(5).max(1),
                ban: ms(self.bad_token_ban_ms, 300_000),
            },
            token: self.token.clone(),
            require_token: self.require_token,
            probe_mode: public && !self.unsafe_no_probe_mode,
            trust_proxy: self.trust_proxy.clone(),
            allowed_hosts: self
                .allowed_hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect(),
            max_message: self
                .max_message_bytes
                .unwrap_or(if public { 4096 } else { 64 * 1024 })
                .max(256),
            max_data: self.max_data_bytes.unwrap_or(10 * 1024 * 1024),
            max_recipients: self
                .max_recipients
                .unwrap_or(if public { 5 } else { 100 })
                .max(1),
            max_reply_lines: self.max_reply_lines.unwrap_or(100).max(1),
            max_reply_bytes: self.max_reply_bytes.unwrap_or(64 * 1024).max(512),
            header_timeout: ms(self.header_timeout_ms, 10_000),
            sandbox_per_client: pick(self.sandbox_sessions_per_client, 2).map(|n| n.max(1)),
            connections: ConnectionLimits {
                per_ip: pick(self.max_connections_per_ip, 32).map(|n| n.max(1)),
                total: self.max_connections.unwrap_or(1024).max(1),
                exempt: self.trust_proxy.clone(),
            },
            connect_timeout: ms(self.connect_timeout_ms, 10_000),
            tls_timeout: ms(self.tls_timeout_ms, 30_000),
            idle_timeout: ms(self.idle_timeout_ms, 300_000),
            session_timeout: ms(self.session_timeout_ms, 1_800_000),
            ping_interval: ms(self.ping_interval_ms, 25_000),
        }
    }
}

/// Why the bridge refuses to start with these settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartRefusal {
    /// The public profile with the sandbox on every interface.
    #[error(
        "the public profile keeps the sandbox SMTP server on loopback, but --sandbox-listen \
         {addr} listens on every interface: the sandbox accepts mail from anyone who reaches \
         it. Use --sandbox-listen 127.0.0.1:PORT; visitors reach it through the bridge"
    )]
    PublicSandboxEverywhere {
        /// What was asked for.
        addr: std::net::SocketAddr,
    },
    /// The local profile on a non-loopback address.
    #[error(
        "the local profile only listens on loopback (127.0.0.1 or ::1), but {what} {addr} was asked \
         for: anyone who reaches the bridge can make it connect anywhere. To serve others, use \
         --profile public (with --allow-origin for your site); see SECURITY.md"
    )]
    LocalNotLoopback {
        /// What was asked for.
        addr: std::net::SocketAddr,
        /// Which setting.
        what: &'static str,
    },
    /// The public profile without any allowed origin.
    #[error(
        "the public profile needs the origin of your site, for example \
         --allow-origin https://playground.example.org; see SECURITY.md"
    )]
    PublicWithoutOrigin,
}

/// Checks the sandbox's listening address against the profile: besides the rule of
/// [`check_listen`], the public profile refuses an unspecified address (`0.0.0.0`, `::`).
///
/// # Errors
///
/// [`StartRefusal::LocalNotLoopback`], [`StartRefusal::PublicSandboxEverywhere`].
pub fn check_sandbox_listen(
    profile: Profile,
    addr: std::net::SocketAddr,
) -> Result<(), StartRefusal> {
    check_listen(profile, addr, "--sandbox-listen")?;
    if profile == Profile::Public && addr.ip().is_unspecified() {
        return Err(StartRefusal::PublicSandboxEverywhere { addr });
    }
    Ok(())
}

/// Checks a listening address against the profile (the sandbox's too).
///
/// # Errors
///
/// [`StartRefusal::LocalNotLoopback`].
pub fn check_listen(
    profile: Profile,
    addr: std::net::SocketAddr,
    what: &'static str,
) -> Result<(), StartRefusal> {
    if profile == Profile::Local && !addr.ip().to_canonical().is_loopback() {
        return Err(StartRefusal::LocalNotLoopback { addr, what });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_pick_their_defaults_and_flags_win() {
        let local = PolicyConfig::default().resolve();
        assert_eq!(local.gate.per_ip, None);
        assert_eq!(local.max_message, 64 * 1024);
        assert!(!local.probe_mode && !local.targets.public);
        let public = PolicyConfig {
            profile: Profile::Public,
            ..PolicyConfig::default()
        }
        .resolve();
        assert_eq!(public.gate.per_ip, Some(3));
        assert_eq!(public.gate.total, Some(200));
        assert_eq!(public.gate.new_per_window, Some(10));
        assert_eq!(public.gate.per_destination, Some(10));
        assert_eq!(public.max_message, 4096);
        assert_eq!(public.max_recipients, 5);
        assert_eq!(public.idle_timeout, Duration::from_secs(300));
        assert_eq!(public.session_timeout, Duration::from_secs(1800));
        assert_eq!(public.ping_interval, Duration::from_secs(25));
        assert_eq!(public.header_timeout, Duration::from_secs(10));
        assert!(public.probe_mode && public.targets.public);
        assert_eq!(public.targets.ports, DEFAULT_PORTS.to_vec());
        let tuned = PolicyConfig {
            max_sessions_per_ip: Some(1),
            idle_timeout_ms: Some(20),
            ..PolicyConfig::default()
        }
        .resolve();
        assert_eq!(tuned.gate.per_ip, Some(1));
        assert_eq!(tuned.idle_timeout, Duration::from_millis(20));
    }

    #[test]
    fn local_binds_loopback_only() {
        let ok = ["127.0.0.1:8080", "[::1]:8080", "127.0.0.2:1"];
        for addr in ok {
            assert!(check_listen(Profile::Local, addr.parse().expect("a"), "--listen").is_ok());
        }
        let err = check_listen(
            Profile::Local,
            "0.0.0.0:8080".parse().expect("a"),
            "--listen",
        )
        .expect_err("not loopback");
        assert!(err.to_string().contains("--profile public"), "{err}");
        assert!(
            check_listen(
                Profile::Public,
                "0.0.0.0:8080".parse().expect("a"),
                "--listen"
            )
            .is_ok()
        );
    }
}
