//! smtp-playground's browser app: a terminal that speaks SMTP through the bridge, and
//! explains every line.
//!
//! The crate is a library plus a two-line `main.rs`, so that the reducer and the wording
//! are ordinary public items, unit-tested natively with `cargo test -p frontend`, and the
//! WebAssembly binary only starts the renderer.
//!
//! # Layout
//!
//! - [`vocab`]: the words the modules share (a connection's phase and events, notices,
//!   preferences, presets); it imports no other module of the crate.
//! - [`state`]: the reducer, `Action -> State`, one part per concern (connect form,
//!   connection, conversation, command line, mailbox, preferences); no DOM.
//! - [`transcript`]: the annotated lines (both languages) and the transcript list.
//! - [`input`]: history, Tab completion and paste splitting for the command line.
//! - [`lesson`]: the tutorial's steps, checked off by `protocol`'s answers.
//! - [`export`], [`pasted`]: text/JSON export, and the "paste a transcript" view's model.
//! - [`sequence`]: the session as an SVG sequence diagram (shown and downloaded).
//! - [`sandbox`]: the bridge's sandbox and mailbox API, read from its JSON.
//! - [`sessions`]: the sessions the sandbox recorded, as the terminal's transcript entries.
//! - [`scenarios`]: the scenario addresses the page offers, from `protocol`'s table.
//! - [`rules`]: the rules editor's form, checked by `protocol`'s failure rules.
//! - [`i18n`]: the page's words in English and Simplified Chinese.
//! - [`services`]: the WebSocket to the bridge, the offline simulator (`protocol::server`
//!   in the page), the HTTP API, and the browser (storage, clipboard).
//! - [`components`]: views that take data and `Callback`s.
//! - [`app`]: the root component that wires them together.

pub mod app;
pub mod check;
pub mod components;
pub mod dns;
pub mod export;
pub mod i18n;
pub mod input;
pub mod lesson;
pub mod mx;
pub mod pasted;
pub mod rules;
pub mod sandbox;
pub mod scenarios;
pub mod sequence;
pub mod services;
pub mod sessions;
pub mod share;
pub mod state;
pub mod transcript;
pub mod vocab;
