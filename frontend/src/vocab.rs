//! The words the page's modules share: where a connection stands and what it reports, the
//! notices the transcript shows, the user's preferences and the connect-form presets.
//!
//! They live apart from [`crate::state`] so that the modules which only need a word
//! (`transcript`, `i18n`, the services, the components) do not depend on the reducer, and
//! the reducer depends on them rather than the other way round.

mod connection;
mod notice;
mod prefs;
mod preset;

pub use connection::{Backend, BridgeEvent, Link, Phase, SessionId};
pub use notice::{Failure, FormError, Notice, SendError};
pub use prefs::{ExportKind, Theme, View};
pub use preset::Preset;
