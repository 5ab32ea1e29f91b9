//! The SMTP model of smtp-playground, shared by the bridge (native) and the browser app
//! (wasm32).
//!
//! # The invariant
//!
//! This crate is sans-IO: it contains no sockets, no async runtime, no DOM, no clock and no
//! randomness. Bytes and (later) timestamps are passed in; parsed values and events come out.
//! That is what lets the same SMTP rules run in the browser, in the bridge and in tests
//! without drifting apart (the quinn-proto / httparse model).
//!
//! # Layout
//!
//! - [`line`]: CRLF framing with length limits. A partial line is not an error.
//! - [`reply`]: server replies: the three-digit code, `-` continuation versus final line,
//!   and assembly of multi-line replies.
//! - [`command`]: the verb of a client command line, with its span, keeping the text as typed.
//! - [`limits`]: the RFC 5321 size limits that every layer agrees on.
//! - [`wire`]: the JSON messages between the browser and the bridge; the only serde types.

pub mod command;
pub mod limits;
pub mod line;
pub mod reply;
pub mod wire;
