//! The sandbox: an SMTP server on a real TCP port that accepts mail and keeps it in a
//! mailbox the page can show, so the playground works with nothing else installed.
//!
//! It never relays anything anywhere: every accepted message ends in the [`Mailbox`]
//! (memory, capped) and optionally a Maildir folder. The SMTP conversation itself is
//! `protocol::server`; this module is the tokio shell around it.
//!
//! # Layout
//!
//! - [`SandboxConfig`] (`config.rs`): the `--sandbox-*` flags.
//! - `connection.rs`: one client, driving a `ServerSession` (reads, pauses, STARTTLS,
//!   timeouts).
//! - `cert.rs`: the STARTTLS certificate, loaded or generated at start.
//! - `mailbox.rs`: the capped in-memory store, the Maildir writer, live events, and
//!   whose messages a request sees.
//! - `owners.rs`: which visitor's relay session is behind each sandbox connection.
//! - `scenarios.rs`: the memory sessions share (greylisting, message rates) and the
//!   clock, lent to each session; the scenario list of `/api/sandbox`.
//! - `rules/`: the failure rules at run time (flags, `/api/sandbox/rules`, per visitor in
//!   `public`), asked once per session at accept; `throttle.rs` writes at a
//!   `throttle` rule's rate.
//! - `api.rs`: `/api/messages`, `/api/events` and `/api/sandbox`.
//! - `sessions/`: the session recorder: every conversation as raw lines, annotated when
//!   read (`/api/sessions`), bounded and scoped like the mailbox.
//! - `events.rs`: one `/api/events` listener's stream (ids, not mail; ends on lag, after
//!   30 minutes, at shutdown); `listeners.rs`: their caps per client and in total.
//!
//! [`Sandbox::start`] binds the port and spawns the accept loop; [`Sandbox::api`] is the
//! router the bridge merges into its own.

mod api;
mod cert;
mod config;
mod connection;
mod events;
mod listeners;
mod mailbox;
mod owners;
mod rules;
mod scenarios;
mod sessions;
mod throttle;

use std::hash::{BuildHasher, Hasher};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use protocol::server::ServerSession;
use rustls::pki_types::CertificateDer;
use thiserror::Error;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tracing::{Instrument, debug, error, info, info_span};

pub use config::{RejectRecipient, SandboxConfig};

use crate::shutdown::Shutdown;
use connection::Context;
use mailbox::{Mailbox, Maildir};
pub(crate) use owners::{Owners, Registration};

/// Clients served at once; more get `421` at once (as Postfix does when it is full).
const MAX_CONNECTIONS: usize = 64;

/// Why the sandbox could not start.
#[derive(Debug, Error)]
pub(crate) enum StartError {
    /// The port could not be bound.
    #[error(
        "the sandbox SMTP server could not listen on {addr}: {cause}; choose another address \
         with --sandbox-listen or turn it off with --no-sandbox"
    )]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The OS's reason.
        cause: io::Error,
    },
    /// The Maildir folders could not be created.
    #[error("--sandbox-maildir {dir}: {cause}")]
    Maildir {
        /// The folder.
        dir: String,
        /// The OS's reason.
        cause: io::Error,
    },
    /// The STARTTLS certificate is unusable.
    #[error("the sandbox's STARTTLS certificate: {0}")]
    Cert(#[from] cert::CertError),
}

/// The sandbox as the rest of the bridge sees it: its mailbox and what it announces.
#[derive(Debug, Clone)]
pub(crate) struct Sandbox {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: SandboxConfig,
    mailbox: Arc<Mailbox>,
    /// The recorded sessions.
    sessions: Arc<sessions::Sessions>,
    /// Which visitor is behind each connection from the bridge's own sessions.
    owners: Arc<Owners>,
    /// The failure rules each new session gets.
    rules: Arc<rules::RulesStore>,
    /// Where the server listens; `None` when it is off or not started.
    listening: Option<SocketAddr>,
    /// Whether STARTTLS is offered.
    starttls: bool,
    /// The certificate its STARTTLS presents, when it runs.
    certificate: Option<Arc<CertificateDer<'static>>>,
}

impl Sandbox {
    /// A sandbox whose server is not running: the API works, the mailbox stays empty. For
    /// [`app`](crate::app), whose caller owns the server's lifetime.
    pub(crate) fn not_started(config: &SandboxConfig, per_visitor: bool) -> Self {
        Self::with(config, per_visitor, None, None, None)
    }

    fn with(
        config: &SandboxConfig,
        per_visitor: bool,
        listening: Option<SocketAddr>,
        certificate: Option<Arc<CertificateDer<'static>>>,
        maildir: Option<Maildir>,
    ) -> Self {
        let mailbox = Arc::new(Mailbox::new(config.max_messages, config.max_bytes, maildir));
        let sessions = Arc::new(sessions::Sessions::new(
            config.max_sessions,
            config.max_session_bytes,
            mailbox.events(),
        ));
        Self {
            inner: Arc::new(Inner {
                mailbox,
                sessions,
                owners: Arc::default(),
                rules: Arc::new(rules::RulesStore::new(
                    config.rules(),
                    config.rule_seed.unwrap_or_else(random_seed),
                    per_visitor,
                )),
                config: config.clone(),
                listening,
                starttls: certificate.is_some(),
                certificate,
            }),
        }
    }

    /// Binds the sandbox's port and serves clients until `shutdown` fires; with
    /// `--no-sandbox`, only the (empty) mailbox. With `per_visitor` (the `public`
    /// profile) the API's failure rules are each visitor's own.
    ///
    /// # Errors
    ///
    /// When the port, the Maildir or the certificate cannot be used.
    pub(crate) async fn start(
        config: &SandboxConfig,
        per_visitor: bool,
        shutdown: Shutdown,
    ) -> Result<Self, StartError> {
        if config.disabled {
            info!("the sandbox SMTP server is off (--no-sandbox)");
            return Ok(Self::not_started(config, per_visitor));
        }
        let maildir = config
            .maildir
            .as_ref()
            .map(|dir| {
                Maildir::open(dir.clone(), &config.hostname).map_err(|cause| StartError::Maildir {
                    dir: dir.display().to_string(),
                    cause,
                })
            })
            .transpose()?;
        let files = config.cert.as_deref().zip(config.key.as_deref());
        let tls = cert::acceptor(files, &config.hostname)?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|cause| StartError::Bind {
                    addr: config.listen,
                    cause,
                })?;
        let addr = listener.local_addr().map_err(|cause| StartError::Bind {
            addr: config.listen,
            cause,
        })?;
        let sandbox = Self::with(
            config,
            per_visitor,
            Some(addr),
            Some(Arc::clone(&tls.certificate)),
            maildir,
        );
        info!(
            "sandbox SMTP server listening on {addr} (STARTTLS with a {} certificate; demo \
             account {:?}, password {:?}); it keeps mail, it never relays it",
            if files.is_some() {
                "given"
            } else {
                "self-signed"
            },
            config.demo_user,
            config.demo_password,
        );
        let context = Context {
            mailbox: Arc::clone(&sandbox.inner.mailbox),
            sessions: Arc::clone(&sandbox.inner.sessions),
            owners: Arc::clone(&sandbox.inner.owners),
            tls: Some(tls.acceptor),
            hostname: Arc::from(config.hostname.as_str()),
            memory: scenarios::shared_memory(),
        };
        let server_config = config.server_config(true);
        let rules = Arc::clone(&sandbox.inner.rules);
        tokio::spawn(accept_loop(
            listener,
            server_config,
            context,
            rules,
            shutdown,
        ));
        Ok(sandbox)
    }

    /// Where the sandbox SMTP server listens, if it runs (the target rules' exception).
    pub(crate) fn listening(&self) -> Option<SocketAddr> {
        self.inner.listening
    }

    /// The certificate the sandbox's STARTTLS presents, if it runs: the relay trusts it,
    /// and only it, at the sandbox's address.
    pub(crate) fn certificate(&self) -> Option<Arc<CertificateDer<'static>>> {
        self.inner.certificate.clone()
    }

    /// Where relay sessions to the sandbox say which visitor they belong to.
    pub(crate) fn owners(&self) -> Arc<Owners> {
        Arc::clone(&self.inner.owners)
    }

    /// The routes of the mailbox API, ready to merge. With `per_visitor` (the `public`
    /// profile) each request sees only its visitor's messages.
    pub(crate) fn api(
        &self,
        shutdown: Shutdown,
        per_visitor: bool,
        trust_proxy: Vec<crate::policy::cidr::Cidr>,
    ) -> Router {
        api::router(self.clone(), shutdown, per_visitor, trust_proxy)
            .merge(sessions::router(
                Arc::clone(&self.inner.sessions),
                per_visitor,
            ))
            .merge(rules::api::router(Arc::clone(&self.inner.rules)))
    }
}

/// Accepts clients until shutdown; each runs in its own task, at most [`MAX_CONNECTIONS`].
async fn accept_loop(
    listener: TcpListener,
    config: protocol::server::ServerConfig,
    context: Context,
    rules: Arc<rules::RulesStore>,
    mut shutdown: Shutdown,
) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let next_id = AtomicU64::new(1);
    let seeds = std::collections::hash_map::RandomState::new();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(cause) => {
                    // Usually out of file descriptors: wait a little rather than spin.
                    error!(%cause, "sandbox: failed to accept");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = shutdown.wait() => {
                debug!("sandbox: no longer accepting");
                return;
            }
        };
        let id = next_id.fetch_add(1, Ordering::Relaxed);
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            tokio::spawn(refuse(stream, Arc::clone(&context.hostname)));
            continue;
        };
        if let Err(cause) = stream.set_nodelay(true) {
            debug!(%cause, "could not set TCP_NODELAY");
        }
        // The session is deterministic given its seed; the seed is where randomness enters
        // (failure probabilities, queue ids).
        let mut hasher = seeds.build_hasher();
        hasher.write_u64(id);
        // The rules are chosen now, before the greeting: the owner of a connection from
        // the bridge's own relay is registered before it connects (`relay/open.rs`).
        let owner = context.owners.owner_of(peer, std::time::Instant::now());
        let picked = rules.start_session(owner);
        let session_config = protocol::server::ServerConfig {
            rules: picked.rules,
            // The operator's flag (--sandbox-max-messages-per-minute) wins over the API's.
            max_messages_per_minute: config
                .max_messages_per_minute
                .or(picked.max_messages_per_minute),
            ..config.clone()
        };
        let session = ServerSession::new(session_config, hasher.finish());
        let task = connection::run(stream, peer, session, context.clone(), shutdown.clone());
        tokio::spawn(
            async move {
                debug!("connected");
                task.await;
                debug!("disconnected");
                drop(permit);
            }
            .instrument(info_span!("sandbox", id, %peer)),
        );
    }
}

/// A seed for the flag rules' draws when `--sandbox-rule-seed` gave none.
fn random_seed() -> u64 {
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

/// Tells a client over the connection cap to come back later.
async fn refuse(mut stream: TcpStream, hostname: Arc<str>) {
    let line =
        protocol::server::service_closing(&hostname, protocol::server::Closing::TooManyConnections);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        stream.write_all(line.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}
