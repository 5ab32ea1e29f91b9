//! What can be changed about a running bridge, from flags or the environment.
//!
//! [`Config`] holds what [`app`](crate::app) needs; where to listen is not part of it, because
//! tests hand [`serve`](crate::serve) a listener bound to `127.0.0.1:0` instead.

use std::path::PathBuf;

use crate::origin;

/// Settings of the web app: where the frontend comes from and which pages may open sessions.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Config {
    /// Serve the browser app from this folder (for example `dist`, built by
    /// `scripts/build-frontend.sh`) instead of the copy built into the binary.
    #[arg(long, value_name = "DIR", env = "SMTP_PLAYGROUND_FRONTEND_DIR")]
    pub frontend_dir: Option<PathBuf>,

    /// Also accept WebSocket sessions from pages served at this origin, such as a
    /// development server (`http://127.0.0.1:8081`). Repeat for several. Pages served by the
    /// bridge itself are always accepted.
    #[arg(long = "allow-origin", value_name = "ORIGIN", value_parser = origin::normalize_allowed)]
    pub allowed_origins: Vec<String>,

    /// The sandbox SMTP server and its mailbox (`--sandbox-*`, `--no-sandbox`). Boxed: it
    /// has many flags, and `Config` travels by value.
    #[command(flatten)]
    pub sandbox: Box<crate::sandbox::SandboxConfig>,

    /// UNSAFE: honour `"insecure": true` in a session's `connect`, which accepts TLS
    /// certificates that fail verification (self-signed test servers). Such a session is
    /// encrypted but not authenticated: anyone on the path can read it. Off by default; the
    /// browser is told whenever a session uses it.
    #[arg(long, env = "SMTP_PLAYGROUND_UNSAFE_ALLOW_INSECURE_TLS")]
    pub unsafe_allow_insecure_tls: bool,

    /// How long the server may take to answer a command before the session ends with an
    /// explanation, in milliseconds. Default: 300000 (the 5 minutes of RFC 5321 4.5.3.2).
    #[arg(long, value_name = "MS", env = "SMTP_PLAYGROUND_REPLY_TIMEOUT_MS")]
    pub reply_timeout_ms: Option<u64>,

    /// Ask this DNS server (a recursive resolver: `ADDR` or `ADDR:PORT`, port 53 by
    /// default) for every lookup: host addresses, MX, and the DNS facts. Default: the
    /// system's resolver configuration (`/etc/resolv.conf`). Only a validating resolver
    /// reached over a trusted path makes the DNSSEC (AD) flags meaningful.
    #[arg(long, value_name = "ADDR[:PORT]", env = "SMTP_PLAYGROUND_DNS_SERVER", value_parser = crate::dns::parse_dns_server)]
    pub dns_server: Option<std::net::SocketAddr>,

    /// The profile, the target rules and every limit (`--profile`, `--allow-target`,
    /// `--max-*`, `--*-timeout-ms`, `--token`, `--trust-proxy`, `--unsafe-*`).
    #[command(flatten)]
    pub policy: Box<crate::policy::PolicyConfig>,
}

impl Config {
    /// The reply timeout in effect.
    pub(crate) fn reply_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.reply_timeout_ms.unwrap_or(300_000).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};
    use std::net::SocketAddr;

    /// Like `serve`'s arguments: flattened next to a `--listen` of the bridge's own.
    #[derive(Debug, Parser)]
    struct Cli {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        #[command(flatten)]
        config: Config,
    }

    #[test]
    fn flag_names_are_unique_next_to_the_bridges_own() {
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from([
            "x",
            "--listen",
            "127.0.0.1:1",
            "--sandbox-listen",
            "127.0.0.1:2",
        ])
        .expect("both listen flags");
        assert_eq!(
            (cli.listen.port(), cli.config.sandbox.listen.port()),
            (1, 2)
        );
    }
}
