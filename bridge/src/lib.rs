//! The smtp-playground bridge: serves the browser app and relays its WebSocket sessions to
//! real SMTP servers over TCP.
//!
//! The bridge holds no SMTP knowledge of its own: line framing, limits and the message
//! format come from the sans-IO `protocol` crate, which the browser app uses too. The bridge
//! moves bytes, enforces those rules again (it never trusts the browser), and decides who
//! may use it.
//!
//! # Layout
//!
//! - [`Config`] (`config.rs`): flags and environment.
//! - [`annotate_output`]: the text and JSON output of `smtp-playground annotate`.
//! - `assets.rs`: the browser app, embedded in the binary or read from a folder.
//! - `ws.rs`: the `/ws` endpoint: origin check, then WebSocket upgrade.
//! - `origin.rs`: which pages may open sessions (cross-site WebSocket hijacking guard).
//! - `host_guard.rs`: the `Host` check on every route (DNS rebinding guard).
//! - `headers.rs`: the security headers of every response (no framing, no sniffing);
//!   `csp.rs`: the page's script policy, with its inline loader's hash.
//! - [`check`]: the server check (`smtp-playground check`, `/api/check`), through `relay/`.
//! - `log_text.rs`: text from outside, escaped for the logs.
//! - [`logging`]: the log filter (`RUST_LOG`, dependencies clamped).
//! - `relay/`: one session, WebSocket messages to and from one SMTP connection.
//! - `outbox.rs`: a session's queue of messages for the browser.
//! - `upstream.rs`: resolving and connecting to the SMTP server, with deadlines.
//! - `tls.rs`: implicit TLS and STARTTLS upgrades (rustls), certificate facts.
//! - `metrics.rs`: counters for `/metrics` (Prometheus text format); `/healthz` says "ok".
//! - [`sandbox`]: the sandbox SMTP server (a real port, never relays) and the mailbox API.
//! - `shutdown.rs`: telling open sessions that the bridge is stopping.
//! - [`policy`]: the profiles, target rules, limits and token (see `SECURITY.md`).
//! - `http.rs`: the HTTP server loop (header read timeout, client addresses).
//! - `visitor.rs`: the visitor cookie of the `public` profile, which scopes the mailbox.
//!
//! [`app`] builds the router without a server, and [`serve`] runs it on a listener you
//! bind, so tests run the whole bridge in-process on `127.0.0.1:0`.

pub mod annotate_output;
mod assets;
mod cert_crypto;
pub mod check;
mod config;
mod csp;
pub mod dns;
mod dns_api;
pub mod facts;
pub mod facts_text;
mod headers;
mod host_guard;
mod http;
mod log_text;
pub mod logging;
mod metrics;
pub mod mx;
mod origin;
mod outbox;
pub mod policy;
mod relay;
pub mod runtime;
pub mod sandbox;
mod shutdown;
mod tls;
mod upstream;
mod visitor;
mod ws;

use std::future::Future;
use std::io::ErrorKind;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;
use tracing::{info, warn};

pub use config::Config;
pub use policy::resolve::{Connect, Resolve, SystemResolver, TcpConnector};

use assets::Assets;
use shutdown::Shutdown;

/// How long [`serve`] waits, after the shutdown signal, for sessions to say goodbye.
const SESSION_DRAIN: Duration = Duration::from_secs(3);

/// What every handler can see.
#[derive(Debug, Clone)]
struct AppState {
    config: Arc<Config>,
    assets: Arc<Assets>,
    shutdown: Shutdown,
    /// Numbers sessions in the logs.
    next_session: Arc<AtomicU64>,
    /// Counters for `/metrics`.
    metrics: Arc<metrics::Metrics>,
    /// The rules and limits in force.
    policy: Arc<policy::Policy>,
    /// Admission state: sessions per client, rates, destinations, bad tokens.
    gate: Arc<policy::limits::Gate>,
    /// How names are resolved and connections opened.
    hooks: Hooks,
    /// Where sessions to the sandbox register their visitor (`public` profile).
    owners: Arc<sandbox::Owners>,
    /// Sessions to the sandbox per client (`--sandbox-sessions-per-client`).
    sandbox_places: Option<Arc<policy::connections::Connections>>,
    /// The certificate the sandbox presents, trusted only at its address.
    sandbox_certificate: Option<Arc<rustls::pki_types::CertificateDer<'static>>>,
    /// The server check's MX and reverse lookups.
    check_lookups: Arc<dyn check::Lookups>,
}

/// The network operations of sessions, replaceable for tests (DNS rebinding, counting
/// connection attempts) with [`serve_with`].
#[derive(Debug, Clone)]
pub struct Hooks {
    /// Looks up target names.
    pub resolver: Arc<dyn Resolve>,
    /// Opens connections to checked addresses.
    pub connector: Arc<dyn Connect>,
    /// Lists this machine's interface addresses (refused as targets in `public`).
    pub interfaces: Arc<dyn policy::resolve::Interfaces>,
    /// MX, TXT, TLSA and PTR queries (connect by MX, the DNS facts).
    pub dns: Arc<dyn dns::DnsLookup>,
}

impl Hooks {
    /// The hooks `--dns-server` asks for: with a server, every query goes to it, the
    /// addresses of typed hosts and MX hosts alike (one [`dns::DnsResolver`]); without,
    /// host addresses come from the system's resolver (`getaddrinfo`, which reads
    /// `/etc/hosts` too) and the other queries go to the servers of `/etc/resolv.conf`.
    pub fn for_dns_server(server: Option<std::net::SocketAddr>) -> Self {
        match server {
            Some(server) => {
                let dns: Arc<dyn dns::DnsLookup> = Arc::new(dns::HickoryDns::new(vec![server]));
                Self {
                    resolver: Arc::new(dns::DnsResolver::new(Arc::clone(&dns))),
                    dns,
                    ..Self::default()
                }
            }
            None => Self::default(),
        }
    }
}

impl Default for Hooks {
    fn default() -> Self {
        Self {
            resolver: Arc::new(SystemResolver),
            connector: Arc::new(TcpConnector),
            interfaces: Arc::new(policy::resolve::SystemInterfaces),
            dns: Arc::new(dns::HickoryDns::system()),
        }
    }
}

/// The bridge's routes: `/ws` for sessions, everything else for the browser app.
///
/// Sessions of this router are never told to shut down; the caller owns the server's
/// lifetime. [`serve`] adds that.
pub fn app(config: Config) -> Router {
    let policy = config.policy.resolve();
    let sandbox =
        sandbox::Sandbox::not_started(&config.sandbox, policy.profile == policy::Profile::Public);
    router(config, policy, Shutdown::never(), sandbox, Hooks::default())
}

fn router(
    config: Config,
    policy: policy::Policy,
    shutdown: Shutdown,
    sandbox: sandbox::Sandbox,
    hooks: Hooks,
) -> Router {
    let per_visitor = policy.profile == policy::Profile::Public;
    let secure_cookie = visitor::secure_cookie(&config.allowed_origins);
    let metrics = Arc::new(metrics::Metrics::default());
    let host_rule = Arc::new(host_guard::HostRule {
        allowed_hosts: policy.allowed_hosts.clone(),
        allowed_origins: config.allowed_origins.clone(),
        public: per_visitor,
        metrics: Arc::clone(&metrics),
    });
    let sandbox_api = sandbox.api(shutdown.clone(), per_visitor, policy.trust_proxy.clone());
    let state = AppState {
        owners: sandbox.owners(),
        sandbox_certificate: sandbox.certificate(),
        assets: Arc::new(Assets::new(config.frontend_dir.clone())),
        config: Arc::new(config),
        shutdown,
        next_session: Arc::new(AtomicU64::new(1)),
        metrics,
        gate: policy::limits::Gate::new(policy.gate.clone()),
        sandbox_places: policy.sandbox_per_client.map(|per_client| {
            policy::connections::Connections::new(policy::connections::ConnectionLimits {
                per_ip: Some(per_client),
                total: u32::MAX,
                exempt: Vec::new(),
            })
        }),
        policy: Arc::new(policy),
        check_lookups: Arc::new(check::DnsLookups::new(dns::Dns::new(Arc::clone(
            &hooks.dns,
        )))),
        hooks,
    };
    let router = Router::new()
        .route("/ws", get(ws::handle))
        .route("/api/check", get(check::handle))
        .route("/api/dns", get(dns_api::handle))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .fallback(get(assets::handle))
        .with_state(state)
        .merge(sandbox_api);
    let router = if per_visitor {
        let key = visitor::VisitorKey::random().map(Arc::new);
        router.layer(axum::middleware::from_fn(move |request, next| {
            visitor::layer(secure_cookie, key.clone(), request, next)
        }))
    } else {
        router
    };
    // Outermost: a request under a foreign Host reaches no handler and gets no cookie.
    router
        .layer(axum::middleware::from_fn(move |request, next| {
            host_guard::layer(Arc::clone(&host_rule), request, next)
        }))
        .layer(axum::middleware::map_response(headers::add))
}

/// `GET /healthz`: the process serves HTTP. Load balancers and `docker` health checks poll it.
async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /metrics`: sessions, bytes, TLS sessions and errors, in Prometheus text format.
/// A public bridge answers only this machine or the token's holder ([`metrics_allowed`]).
async fn metrics_text(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::http::request::Parts,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if !metrics_allowed(&state, &request) {
        state.metrics.refused("metrics");
        return (
            axum::http::StatusCode::FORBIDDEN,
            "refused: a public bridge shows /metrics only on its own machine (not through the \
             reverse proxy) or with its bearer token",
        )
            .into_response();
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// Whether `/metrics` may answer: always in the local profile; in the public one, a valid
/// bearer token, or a request from loopback that did not come through a proxy (no
/// `X-Forwarded-For`: behind nginx every request comes from loopback, with that header).
fn metrics_allowed(state: &AppState, request: &axum::http::request::Parts) -> bool {
    if state.policy.profile != policy::Profile::Public {
        return true;
    }
    let header = |name| {
        request
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
    };
    if let Some(offered) = header(axum::http::header::AUTHORIZATION).and_then(policy::token::bearer)
    {
        return state
            .policy
            .token
            .as_ref()
            .is_some_and(|token| token.matches(offered));
    }
    let local =
        http::peer(&request.extensions).is_some_and(|peer| peer.ip().to_canonical().is_loopback());
    local
        && header(axum::http::header::HeaderName::from_static(
            "x-forwarded-for",
        ))
        .is_none()
}

/// Serves the bridge on `listener` until `shutdown` completes, then tells open sessions
/// (each receives `closed`) and waits up to a few seconds for them to end.
///
/// # Errors
///
/// When the settings break the profile's rules (the local profile on a non-loopback
/// address, the public one without `--allow-origin`), or the listener fails.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let hooks = Hooks::for_dns_server(config.dns_server);
    serve_with(listener, config, shutdown, hooks).await
}

/// [`serve`] with other network operations for sessions (tests).
///
/// # Errors
///
/// As [`serve`].
pub async fn serve_with(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
    hooks: Hooks,
) -> std::io::Result<()> {
    let invalid = |err: policy::StartRefusal| std::io::Error::new(ErrorKind::InvalidInput, err);
    let own = listener.local_addr()?;
    let mut policy = config.policy.resolve();
    policy::check_listen(policy.profile, own, "--listen").map_err(invalid)?;
    if !config.sandbox.disabled {
        policy::check_sandbox_listen(policy.profile, config.sandbox.listen).map_err(invalid)?;
    }
    if policy.profile == policy::Profile::Public && config.allowed_origins.is_empty() {
        return Err(invalid(policy::StartRefusal::PublicWithoutOrigin));
    }
    let assets = Assets::new(config.frontend_dir.clone());
    if assets.has_app().await {
        info!(source = %assets.describe(), "serving the browser app");
    } else {
        warn!(
            source = %assets.describe(),
            "no browser app found: / explains how to build it (scripts/build-frontend.sh)"
        );
    }
    let (trigger, signal) = shutdown::channel();
    let per_visitor = policy.profile == policy::Profile::Public;
    let sandbox = sandbox::Sandbox::start(&config.sandbox, per_visitor, signal.clone())
        .await
        .map_err(std::io::Error::other)?;
    policy.targets.own = vec![own];
    if policy.profile == policy::Profile::Public {
        // Read once at start: an address added later is still refused by the denied
        // table if it is private; a new public one needs a restart to be known.
        policy.targets.interfaces = hooks.interfaces.addresses();
    }
    policy.targets.sandbox = sandbox.listening();
    info!(
        profile = ?policy.profile,
        probe_mode = policy.probe_mode,
        allowed_targets = policy.targets.allowed.len(),
        token = policy.token.is_some(),
        "security profile"
    );
    let header_timeout = policy.header_timeout;
    let connections = policy::connections::Connections::new(policy.connections.clone());
    let trigger = Arc::new(trigger);
    let on_signal = {
        let trigger = Arc::clone(&trigger);
        async move {
            shutdown.await;
            info!("shutting down");
            trigger.fire();
        }
    };
    tokio::spawn(on_signal);
    let app = router(config, policy, signal.clone(), sandbox, hooks);
    http::serve(
        listener,
        app,
        header_timeout,
        connections,
        // Moved, not cloned: the sessions' end is known when every holder is gone.
        signal,
        SESSION_DRAIN,
    )
    .await;
    if tokio::time::timeout(SESSION_DRAIN, trigger.sessions_ended())
        .await
        .is_err()
    {
        warn!(
            "some sessions did not end within {} s",
            SESSION_DRAIN.as_secs()
        );
    }
    Ok(())
}
