//! The server check (`smtp-playground check`, `GET /api/check`): a fixed, polite probe of
//! a domain's MX hosts or of one host, through the same relay code a visitor's session
//! uses, summed up in a scorecard. The sequence and the rules are
//! `protocol::check`'s; the shapes `protocol::records::check`'s.
//!
//! # Layout
//!
//! - `target.rs`: what to check (`DOMAIN`, `HOST:PORT`, `[v6]:PORT`), read strictly.
//! - `host.rs`: one host: a relay session (`relay::run`) driven over channels by a
//!   scripted browser speaking `protocol::wire`, the probe deciding each line.
//! - `run.rs`: the hosts of a target (the MX list in preference order, checked
//!   concurrently within the policy's per-client caps, bounded), the report and matrix.
//! - `dns.rs`: the MX and reverse lookups the check needs, behind [`Lookups`].
//! - `api.rs`: `GET /api/check`, the events as Server-Sent Events.
//!
//! The text layout of `smtp-playground check` is `annotate_output::render_check`'s.
//!
//! Safety (SECURITY.md): the probe never sends DATA or BDAT, the open relay test stops at
//! RCPT and resets, every host has a deadline, and each host checked is one relay
//! session, admitted and rate limited like a visitor's.

mod api;
mod dns;
mod host;
mod run;
mod target;

pub(crate) use api::handle;
pub use dns::{DnsLookups, Lookups, MxAnswer, NoLookups};
pub use run::{CheckOptions, check_standalone};
pub use target::{Target, TargetError};

use protocol::records::check::CheckEvent;
use tokio::sync::mpsc;

/// Where a running check's events go: the page's event stream, or nowhere (the CLI reads
/// the report at the end).
#[derive(Debug, Clone, Default)]
pub struct Events(Option<mpsc::Sender<CheckEvent>>);

impl Events {
    /// Events sent to `tx`.
    pub fn to(tx: mpsc::Sender<CheckEvent>) -> Self {
        Self(Some(tx))
    }

    /// Sends an event; a listener that went away is ignored here (the check notices with
    /// [`Events::gone`]).
    pub(crate) async fn send(&self, event: CheckEvent) {
        if let Some(tx) = &self.0 {
            let _ = tx.send(event).await;
        }
    }

    /// Whether the listener went away (the page closed its stream): the check stops.
    pub(crate) fn gone(&self) -> bool {
        self.0.as_ref().is_some_and(mpsc::Sender::is_closed)
    }
}
