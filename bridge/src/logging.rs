//! Which log events are written: the operator's `RUST_LOG`, within what SECURITY.md
//! promises (issue 12, finding 7).
//!
//! The bridge never logs what a line says. Its dependencies do not know that rule: at
//! `RUST_LOG=trace`, hyper logs request headers (the bearer token) and tungstenite logs
//! WebSocket frames (AUTH answers, message text). So whatever `RUST_LOG` asks for, events
//! and spans of any other crate pass only at [`DEPENDENCY_MAX`] or more severe; the
//! bridge's own (`bridge`, `smtp_playground`) follow `RUST_LOG` alone. The filter is one
//! function so that the binary and the log tests use the same one.
//!
//! The clamp states the most detail it lets through (`TRACE`, for the bridge's own
//! targets), so the filter's level hint is `RUST_LOG`'s. Without a hint the subscriber has
//! none either, and `log`'s global maximum is set to `TRACE` at start: every `log::trace!`
//! of tungstenite (several per WebSocket frame) then went through the whole
//! `tracing-log` dispatch before being dropped, 18 % of the relay's CPU time for a body
//! sent line by line (bench/README.md, "relay"). With the hint, `log`'s macros drop them
//! at one comparison.

use tracing::level_filters::LevelFilter;
use tracing::{Level, Metadata, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::{FilterExt, filter_fn};
use tracing_subscriber::layer::Filter;
use tracing_subscriber::registry::LookupSpan;

/// The most detail a dependency may log.
pub const DEPENDENCY_MAX: Level = Level::WARN;

/// Targets of the bridge's own code.
const OWN: [&str; 2] = ["bridge", "smtp_playground"];

/// Whether `target` belongs to the bridge's own code (`bridge`, `bridge::relay` ...).
fn is_own(target: &str) -> bool {
    OWN.iter().any(|own| {
        target
            .strip_prefix(own)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
    })
}

/// Whether an event or span may pass whatever `RUST_LOG` says.
fn within_promise(metadata: &Metadata<'_>) -> bool {
    is_own(metadata.target()) || *metadata.level() <= DEPENDENCY_MAX
}

/// The filter for a `RUST_LOG`-style `spec`, with dependencies clamped; for a layer's
/// `with_filter`.
pub fn filter<S>(spec: &str) -> impl Filter<S> + Send + Sync + 'static
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    EnvFilter::new(spec).and(filter_fn(within_promise).with_max_level_hint(LevelFilter::TRACE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::Registry;

    #[test]
    fn the_level_hint_is_rust_logs() {
        // Without a hint, `log`'s maximum would be `TRACE` and every dependency's
        // `log::trace!` would be dispatched before being dropped.
        for (spec, hint) in [
            ("bridge=info", LevelFilter::INFO),
            ("smtp_playground=info,bridge=info", LevelFilter::INFO),
            ("warn", LevelFilter::WARN),
            ("bridge=trace", LevelFilter::TRACE),
        ] {
            let filter = filter::<Registry>(spec);
            assert_eq!(
                Filter::<Registry>::max_level_hint(&filter),
                Some(hint),
                "{spec}"
            );
        }
    }

    #[test]
    fn own_targets_are_told_from_dependencies() {
        for own in ["bridge", "bridge::relay::event_loop", "smtp_playground"] {
            assert!(is_own(own), "{own}");
        }
        for other in [
            "bridgework",
            "tungstenite::protocol",
            "hyper::proto::h1",
            "log",
        ] {
            assert!(!is_own(other), "{other}");
        }
    }
}
