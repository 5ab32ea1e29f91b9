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
//! - `relay.rs`: one session, WebSocket messages to and from one SMTP connection.
//! - `upstream.rs`: resolving and connecting to the SMTP server, with deadlines.
//! - `tls.rs`: implicit TLS and STARTTLS upgrades (rustls), certificate facts.
//! - `metrics.rs`: counters for `/metrics` (Prometheus text format); `/healthz` says "ok".
//! - [`sandbox`]: the sandbox SMTP server (a real port, never relays) and the mailbox API.
//! - `shutdown.rs`: telling open sessions that the bridge is stopping.
//!
//! [`app`] builds the router without a server, and [`serve`] runs it on a listener you
//! bind, so tests run the whole bridge in-process on `127.0.0.1:0`.

pub mod annotate_output;
mod assets;
mod config;
mod metrics;
mod origin;
mod relay;
pub mod sandbox;
mod shutdown;
mod tls;
mod upstream;
mod ws;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tracing::{debug, info, warn};

pub use config::Config;

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
}

/// The bridge's routes: `/ws` for sessions, everything else for the browser app.
///
/// Sessions of this router are never told to shut down; the caller owns the server's
/// lifetime. [`serve`] adds that.
pub fn app(config: Config) -> Router {
    let sandbox = sandbox::Sandbox::not_started(&config.sandbox);
    router(config, Shutdown::never(), sandbox)
}

fn router(config: Config, shutdown: Shutdown, sandbox: sandbox::Sandbox) -> Router {
    let sandbox_api = sandbox.api(shutdown.clone());
    let state = AppState {
        assets: Arc::new(Assets::new(config.frontend_dir.clone())),
        config: Arc::new(config),
        shutdown,
        next_session: Arc::new(AtomicU64::new(1)),
        metrics: Arc::new(metrics::Metrics::default()),
    };
    Router::new()
        .route("/ws", get(ws::handle))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .fallback(get(assets::handle))
        .with_state(state)
        .merge(sandbox_api)
}

/// `GET /healthz`: the process serves HTTP. Load balancers and `docker` health checks poll it.
async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /metrics`: sessions, bytes, TLS sessions and errors, in Prometheus text format.
async fn metrics_text(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> impl axum::response::IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

/// Serves the bridge on `listener` until `shutdown` completes, then tells open sessions
/// (each receives `closed`) and waits up to a few seconds for them to end.
///
/// # Errors
///
/// When the listener fails.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
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
    let sandbox = sandbox::Sandbox::start(&config.sandbox, signal.clone())
        .await
        .map_err(std::io::Error::other)?;
    let trigger = Arc::new(trigger);
    let on_signal = {
        let trigger = Arc::clone(&trigger);
        async move {
            shutdown.await;
            info!("shutting down");
            trigger.fire();
        }
    };
    // Each reply line is its own small WebSocket frame; without TCP_NODELAY, Nagle's
    // algorithm holds the second one until the browser's delayed ACK (~40 ms) arrives.
    let listener = listener.tap_io(|tcp| {
        if let Err(cause) = tcp.set_nodelay(true) {
            debug!(%cause, "could not set TCP_NODELAY on a browser connection");
        }
    });
    axum::serve(listener, router(config, signal, sandbox))
        .with_graceful_shutdown(on_signal)
        .await?;
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
