//! smtp-playground's browser app: a terminal that speaks SMTP through the bridge.
//!
//! The crate is a library plus a two-line `main.rs`, so that the reducer and the wording
//! are ordinary public items, unit-tested natively with `cargo test -p frontend`, and the
//! WebAssembly binary only starts the renderer.
//!
//! # Layout
//!
//! - [`state`]: the reducer, `Action -> State`; plain Rust, no DOM, tested natively.
//! - [`messages`]: the sentences shown for protocol values (error codes, TLS modes).
//! - [`services`]: the WebSocket to the bridge; no view code.
//! - [`components`]: views that take data and `Callback`s.
//! - [`app`]: the root component that wires the three together.

pub mod app;
pub mod components;
pub mod messages;
pub mod services;
pub mod state;
