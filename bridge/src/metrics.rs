//! Counters for `/metrics`, in the Prometheus text exposition format.
//!
//! Hand-written on purpose: a handful of atomics need no metrics library. One [`Metrics`] per
//! app (not a global), so tests that run several bridges in one process read their own
//! numbers.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use protocol::wire::{ErrorCode, ServerMsg, TlsMode};

/// The bridge's counters.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    sessions_active: AtomicI64,
    sessions_total: AtomicU64,
    bytes_to_server: AtomicU64,
    bytes_from_server: AtomicU64,
    tls_implicit: AtomicU64,
    tls_starttls: AtomicU64,
    connect_attempts: AtomicU64,
    refused: Mutex<BTreeMap<&'static str, u64>>,
    errors: Mutex<BTreeMap<String, u64>>,
}

/// Counts one session as active while it lives; dropping it (on every path, panics included)
/// counts the session as ended.
#[derive(Debug)]
pub(crate) struct SessionGuard(Arc<Metrics>);

impl Drop for SessionGuard {
    fn drop(&mut self) {
        self.0.sessions_active.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Metrics {
    /// A new session starts.
    pub(crate) fn session_started(self: &Arc<Self>) -> SessionGuard {
        self.sessions_active.fetch_add(1, Ordering::Relaxed);
        self.sessions_total.fetch_add(1, Ordering::Relaxed);
        SessionGuard(Arc::clone(self))
    }

    /// A TCP connection to a checked target address is being attempted.
    pub(crate) fn connect_attempt(&self) {
        self.connect_attempts.fetch_add(1, Ordering::Relaxed);
    }

    /// A WebSocket request was refused before the upgrade.
    pub(crate) fn refused(&self, reason: &'static str) {
        let mut refused = self.refused.lock().unwrap_or_else(PoisonError::into_inner);
        *refused.entry(reason).or_default() += 1;
    }

    /// Bytes written to an SMTP server.
    pub(crate) fn sent(&self, bytes: usize) {
        self.bytes_to_server
            .fetch_add(u64::try_from(bytes).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// Bytes read from an SMTP server.
    pub(crate) fn received(&self, bytes: usize) {
        self.bytes_from_server
            .fetch_add(u64::try_from(bytes).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// A message on its way to the browser: errors and TLS sessions are counted.
    pub(crate) fn observe(&self, message: &ServerMsg) {
        match message {
            ServerMsg::Error { code, .. } => self.error(*code),
            ServerMsg::Tls(info) => {
                let counter = if info.mode == TlsMode::Implicit {
                    &self.tls_implicit
                } else {
                    &self.tls_starttls
                };
                counter.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }

    fn error(&self, code: ErrorCode) {
        let name = serde_json::to_value(code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "unknown".to_owned());
        let mut errors = self.errors.lock().unwrap_or_else(PoisonError::into_inner);
        *errors.entry(name).or_default() += 1;
    }

    /// Sessions open right now.
    pub(crate) fn active(&self) -> i64 {
        self.sessions_active.load(Ordering::Relaxed)
    }

    /// The exposition text.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let mut metric = |name: &str, kind: &str, help: &str, samples: &[(&str, u64)]| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (labels, value) in samples {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        let active = u64::try_from(self.active()).unwrap_or(0);
        metric(
            "smtp_playground_sessions_active",
            "gauge",
            "WebSocket sessions open now.",
            &[("", active)],
        );
        metric(
            "smtp_playground_sessions_total",
            "counter",
            "WebSocket sessions opened since start.",
            &[("", load(&self.sessions_total))],
        );
        metric(
            "smtp_playground_bytes_total",
            "counter",
            "Bytes relayed to and from SMTP servers (TLS payload, not records).",
            &[
                ("{direction=\"to_server\"}", load(&self.bytes_to_server)),
                ("{direction=\"from_server\"}", load(&self.bytes_from_server)),
            ],
        );
        metric(
            "smtp_playground_tls_established_total",
            "counter",
            "TLS sessions established with SMTP servers, by how.",
            &[
                ("{mode=\"implicit\"}", load(&self.tls_implicit)),
                ("{mode=\"starttls\"}", load(&self.tls_starttls)),
            ],
        );
        metric(
            "smtp_playground_upstream_connects_total",
            "counter",
            "TCP connections attempted to checked SMTP server addresses.",
            &[("", load(&self.connect_attempts))],
        );
        let refused: Vec<(String, u64)> = self
            .refused
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(reason, n)| (format!("{{reason=\"{reason}\"}}"), *n))
            .collect();
        let samples: Vec<(&str, u64)> = refused.iter().map(|(l, n)| (l.as_str(), *n)).collect();
        metric(
            "smtp_playground_refused_total",
            "counter",
            "WebSocket requests refused before the upgrade, by reason.",
            &samples,
        );
        let errors: Vec<(String, u64)> = self
            .errors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(code, n)| (format!("{{code=\"{code}\"}}"), *n))
            .collect();
        let samples: Vec<(&str, u64)> = errors.iter().map(|(l, n)| (l.as_str(), *n)).collect();
        metric(
            "smtp_playground_errors_total",
            "counter",
            "Error messages sent to browsers, by code.",
            &samples,
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_the_gauge_follows_guards() {
        let metrics = Arc::new(Metrics::default());
        let guard = metrics.session_started();
        metrics.sent(10);
        metrics.observe(&ServerMsg::Error {
            code: ErrorCode::ReplyTimeout,
            message: String::new(),
        });
        let text = metrics.render();
        assert!(
            text.contains("smtp_playground_sessions_active 1\n"),
            "{text}"
        );
        assert!(text.contains("smtp_playground_bytes_total{direction=\"to_server\"} 10\n"));
        assert!(text.contains("smtp_playground_errors_total{code=\"reply_timeout\"} 1\n"));
        drop(guard);
        assert!(
            metrics
                .render()
                .contains("smtp_playground_sessions_active 0\n")
        );
        assert!(
            metrics
                .render()
                .contains("smtp_playground_sessions_total 1\n")
        );
    }
}
