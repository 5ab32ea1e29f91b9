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
//! - [`records`]: the JSON shapes outside `wire`, each one type with its encoder and
//!   decoder: the mailbox HTTP API and the annotated line record.
//! - [`reply`]: server replies: the three-digit code, `-` continuation versus final line,
//!   and assembly of multi-line replies.
//! - [`annotate`]: a title, explanation, RFC reference, severity and next steps for every
//!   line of a session, in English and Chinese, specific to its context.
//! - [`auth`]: AUTH LOGIN/PLAIN base64 prompts and answers, and redaction of secrets.
//! - [`base64`]: the standard base64 of AUTH, small and strict.
//! - [`chunk`]: the size to declare for a BDAT chunk typed as lines.
//! - [`command`]: client command lines parsed losslessly (verb, arguments, spans) with
//!   findings that explain every deviation from the RFCs.
//! - [`message`]: RFC 5322 address fields, and the envelope compared with them (blind
//!   copies, names not delivered).
//! - [`path`]: envelope addresses `<local@domain>` and their limits.
//! - [`finding`]: what a parser noticed, with severity, span, explanation and RFC section.
//! - [`dot`]: dot-stuffing and the `<CRLF>.<CRLF>` end of DATA, both directions.
//! - [`enhanced`]: RFC 3463 enhanced status codes (`5.1.1`) and what each means.
//! - [`extension`]: EHLO capabilities, each with its RFC and an explanation.
//! - [`json`]: the small JSON reader and writer the browser uses instead of `serde_json`.
//! - [`lang`]: English and Simplified Chinese text for every explanation.
//! - [`lesson`]: lessons as data files, each step checked off by the real replies.
//! - [`limits`]: the RFC 5321 size limits that every layer agrees on.
//! - [`server`]: the server role of the same rules, sans-IO: the sandbox and the offline
//!   simulator, with the scenario addresses (`busy@`, `greylist@` ...) that fail on purpose.
//! - [`server_reading`]: which command a real server reads in a line (leading and
//!   trailing white space, vertical tab and form feed included): what a line will *do*.
//! - [`session`]: the client session state machine: phases, pending replies, and what a
//!   line will most likely get before it is sent.
//! - [`transcript`]: reads swaks, `C:`/`S:`, smtplib debug, openssl s_client, smtp-source,
//!   server-only and raw telnet transcripts, classifying the notes around them.
//! - [`wire`]: the JSON messages between the browser and the bridge; the only serde types.

pub mod annotate;
pub mod auth;
pub mod base64;
pub mod check;
pub mod chunk;
pub mod command;
pub mod dns;
pub mod dot;
pub mod enhanced;
pub mod extension;
pub mod finding;
pub mod json;
pub mod lang;
pub mod lesson;
pub mod limits;
pub mod line;
pub mod message;
pub mod path;
pub mod records;
pub mod reply;
pub mod server;
pub mod server_reading;
pub mod session;
pub mod transcript;
pub mod wire;
