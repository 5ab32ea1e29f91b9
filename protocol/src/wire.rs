//! The messages between the browser and the bridge: JSON text frames over one WebSocket.
//!
//! These are the only serde types of the project: the JSON shape is an API boundary between
//! two programs that may be deployed at different versions, so it is kept in one place,
//! tagged by `"type"`, and tolerant of fields it does not know.
//!
//! ```text
//! browser -> bridge   {"type":"connect","host":"127.0.0.1","port":2525,"tls":"none"}
//!                     {"type":"line","text":"EHLO me"}      (no CRLF: the bridge adds it)
//!                     {"type":"lines","text":["Subject: hi","","body","."]}   (one write)
//!                     {"type":"close"}
//!                     {"type":"auth","token":"..."}   (optional, before connect)
//!                     {"type":"connect","host":"example.org","port":25,"by_mx":true}
//!                                           (connect by domain: the MX hosts in order)
//! bridge -> browser   {"type":"mx_list","domain":"example.org","null_mx":false,
//!                      "implicit":false,"hosts":[{"preference":10,"name":"mx1...",
//!                      "addresses":[{"address":"192.0.2.1","allowed":true}]}]}
//!                                           (connect by MX only, before `connected`)
//!                     {"type":"connected","version":1,"host":"127.0.0.1","port":2525,...}
//!                     {"type":"line","text":"250-PIPELINING","at_ms":12,"latency_ms":3}
//!                     {"type":"tls","version":"TLSv1.3","cipher":"...","verified":true,...}
//!                     {"type":"error","code":"connect_failed","message":"..."}
//!                     {"type":"closed","reason":"..."}
//! ```

mod client_decode;
mod server_decode;
mod server_encode;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Version of this message set, sent in [`ServerMsg::Connected`]. It changes only when a
/// message changes incompatibly; adding optional fields does not change it.
pub const WIRE_VERSION: u32 = 1;

/// How the bridge should secure the connection to the SMTP server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    /// Plain TCP; the user may still type STARTTLS.
    #[default]
    None,
    /// Plain TCP, and the bridge upgrades when STARTTLS is accepted (RFC 3207).
    Starttls,
    /// TLS from the first byte, as on port 465 (RFC 8314).
    Implicit,
}

/// Where the browser wants the bridge to connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectRequest {
    /// A host name or an IP address literal.
    pub host: String,
    /// The TCP port.
    pub port: u16,
    /// How to secure the connection; plain when absent.
    #[serde(default)]
    pub tls: TlsMode,
    /// Accept a certificate that fails verification (self-signed test servers). The bridge
    /// honours it only when its operator allowed it, and says so in the `tls` message.
    #[serde(default, skip_serializing_if = "is_false")]
    pub insecure: bool,
    /// `host` is a mail domain: connect to its MX hosts in order (RFC 5321 5.1), the
    /// first that answers, at `port`. The bridge sends `mx_list` first. Absent from older
    /// pages: `false`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub by_mx: bool,
    /// With `by_mx`: connect only to this one of the listed MX hosts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mx_host: Option<String>,
}

impl Default for ConnectRequest {
    /// Port 25, plain, not by MX; the host empty.
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 25,
            tls: TlsMode::None,
            insecure: false,
            by_mx: false,
            mx_host: None,
        }
    }
}

/// For `skip_serializing_if`, which passes a reference.
fn is_false(value: &bool) -> bool {
    !*value
}

/// A message from the browser to the bridge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// Open the SMTP connection. Must be the first message, and is accepted once.
    Connect(ConnectRequest),
    /// One line to send to the server, without CRLF.
    Line {
        /// The line as typed.
        text: String,
    },
    /// Several lines at once, each without CRLF, written to the server in one write: a
    /// pasted or generated message body travels fast. Each line is checked like `line`;
    /// when one is refused, none is sent.
    Lines {
        /// The lines in order.
        text: Vec<String>,
    },
    /// Close the SMTP connection and end the session.
    Close,
    /// Present the bridge's bearer token (before `connect`), for bridges that require one
    /// or unlock DATA with it. The bridge never logs it.
    Auth {
        /// The token.
        token: String,
    },
}

/// A message from the bridge to the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// The TCP connection (and TLS, for implicit TLS) is up.
    Connected {
        /// The [`WIRE_VERSION`] the bridge speaks.
        version: u32,
        /// The host as requested.
        host: String,
        /// The port as requested.
        port: u16,
        /// The address actually connected to, e.g. `127.0.0.1:2525` or `[::1]:25`.
        peer: String,
        /// The TLS mode in effect.
        tls: TlsMode,
        /// Connect by MX: the MX host connected to (`host` is then the domain).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mx_host: Option<String>,
    },
    /// Connect by MX: the domain's MX hosts in the order they will be tried, each address
    /// with the bridge's verdict, before any connection is attempted.
    MxList(MxList),
    /// One line the server sent, without CRLF, in the order received.
    Line {
        /// The line; invalid UTF-8 is replaced with U+FFFD.
        text: String,
        /// Milliseconds since the connection was established.
        #[serde(default)]
        at_ms: u64,
        /// Milliseconds since the command this reply line answers was written to the
        /// server (for the greeting: since the connection was established). Absent for
        /// lines that answer nothing the bridge knows of.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        latency_ms: Option<u64>,
        /// Whether the line travelled inside TLS (implicit TLS, or after STARTTLS).
        #[serde(default, skip_serializing_if = "is_false")]
        encrypted: bool,
    },
    /// TLS is up: after the TCP connection for implicit TLS, or after the server's 220 to
    /// STARTTLS. Later lines carry `encrypted: true`.
    Tls(TlsInfo),
    /// Something went wrong. The session goes on unless a `closed` follows.
    Error {
        /// What kind of failure, for programs.
        code: ErrorCode,
        /// What happened, for a person.
        message: String,
    },
    /// The session is over; no more messages follow.
    Closed {
        /// Why, for a person.
        reason: String,
    },
}

/// The MX hosts of a domain as the bridge will try them (`mx_list`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MxList {
    /// The domain, lower case.
    pub domain: String,
    /// The domain publishes a null MX (RFC 7505): it accepts no mail; nothing is tried.
    #[serde(default)]
    pub null_mx: bool,
    /// The domain has no MX records: its own name is the one host (RFC 5321 5.1).
    #[serde(default)]
    pub implicit: bool,
    /// The hosts in order.
    #[serde(default)]
    pub hosts: Vec<MxListHost>,
}

/// One host of an [`MxList`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MxListHost {
    /// Its preference (lower first).
    pub preference: u16,
    /// Its name.
    pub name: String,
    /// Its addresses and the verdict on each.
    #[serde(default)]
    pub addresses: Vec<MxListAddress>,
    /// Why it has no addresses, or why it is skipped (an IP literal, an alias ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One address of an MX host and whether the bridge may connect to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MxListAddress {
    /// The IP address.
    pub address: String,
    /// Whether the bridge's target rules allow it.
    pub allowed: bool,
    /// Why not, when denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What the bridge knows about a TLS connection it established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsInfo {
    /// `implicit` (TLS from the first byte) or `starttls` (upgraded mid-session).
    pub mode: TlsMode,
    /// The protocol version, e.g. `TLSv1.3`.
    pub version: String,
    /// The cipher suite, e.g. `TLS13_AES_256_GCM_SHA384`.
    pub cipher: String,
    /// The application protocol agreed with ALPN, if any (SMTP servers rarely use it).
    #[serde(default)]
    pub alpn: Option<String>,
    /// The name the certificate was checked against (the host as requested).
    pub server_name: String,
    /// Whether the certificate chain verified against the bridge's trust anchors for
    /// `server_name`.
    pub verified: bool,
    /// Why verification failed, when it did.
    #[serde(default)]
    pub verify_error: Option<String>,
    /// The session accepted a certificate that failed verification (`insecure` was asked
    /// for and the operator allows it). The connection is encrypted but not authenticated.
    #[serde(default)]
    pub insecure: bool,
    /// The server's certificates, its own first.
    #[serde(default)]
    pub certificates: Vec<CertificateSummary>,
    /// The server is the bridge's own sandbox, and `verified` means its certificate is,
    /// byte for byte, the one that sandbox uses (no certificate authority vouches for a
    /// generated one). Absent from older bridges: `false`.
    #[serde(default)]
    pub sandbox_certificate: bool,
    /// Milliseconds since the TCP connection was established.
    #[serde(default)]
    pub at_ms: u64,
}

/// The facts of one certificate a person checks first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateSummary {
    /// The subject's distinguished name, e.g. `CN=mx.example.org`.
    pub subject: String,
    /// The issuer's distinguished name.
    pub issuer: String,
    /// The subject alternative names (DNS names and IP addresses).
    #[serde(default)]
    pub sans: Vec<String>,
    /// Start of validity, RFC 3339 (`2025-01-31T00:00:00Z`).
    pub not_before: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
    /// The serial number in hexadecimal.
    #[serde(default)]
    pub serial: String,
    /// The public key's algorithm and size: `RSA 2048`, `EC P-256`, `Ed25519`. Empty when
    /// unknown (older bridges, or a key the bridge cannot read).
    #[serde(default)]
    pub key: String,
    /// The algorithm the issuer signed this certificate with, by its short name:
    /// `sha256WithRSAEncryption`, `ecdsa-with-SHA256`. Empty when unknown.
    #[serde(default)]
    pub signature: String,
}

/// Machine-readable error kinds of [`ServerMsg::Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The browser sent something that is not a valid message.
    BadMessage,
    /// A `line` arrived before a successful `connect`.
    NotConnected,
    /// A second `connect` arrived.
    AlreadyConnected,
    /// The host or port cannot be used as a target.
    InvalidTarget,
    /// The host name did not resolve.
    ResolveFailed,
    /// The TCP connection was refused or failed.
    ConnectFailed,
    /// The TCP connection did not complete in time.
    ConnectTimeout,
    /// The requested TLS mode is not available on this bridge.
    TlsUnavailable,
    /// A line from the browser was refused (control characters, too long); not sent.
    InvalidLine,
    /// The server sent a line longer than the bridge accepts; it was skipped.
    ServerLineTooLong,
    /// Reading from or writing to the server failed.
    UpstreamIo,
    /// `insecure` was asked for, but the operator did not allow it on this bridge.
    InsecureNotAllowed,
    /// The TLS handshake failed or took too long (other than a rejected certificate).
    TlsHandshakeFailed,
    /// The server's certificate failed verification; the message says why.
    CertificateRejected,
    /// The server sent bytes after its 220 to STARTTLS and before TLS; they were
    /// discarded unread (RFC 3207 section 4.2: a sign of a man in the middle or a bug).
    PlaintextDiscarded,
    /// The server did not answer a command in time.
    ReplyTimeout,
    /// The bridge's rules refuse this target (address range, port, the bridge itself);
    /// nothing was connected. The message names the rule and how an operator allows it.
    TargetDenied,
    /// Too many sessions or connections from this address, or to this destination.
    RateLimited,
    /// The bridge is serving as many sessions as it allows.
    TooManySessions,
    /// DATA and BDAT are not relayed by this public bridge to this target (probe mode).
    ProbeMode,
    /// This bridge requires a token and none was given.
    TokenRequired,
    /// The token given is wrong.
    TokenInvalid,
    /// The message text went over the bridge's DATA limit; the session was closed.
    DataLimit,
    /// More recipients in one transaction than the bridge allows; the line was not sent.
    RecipientLimit,
    /// The server sent a reply with too many lines or bytes; the session was closed.
    ReplyTooLarge,
    /// A WebSocket message from the browser was larger than the bridge accepts (close 1009).
    MessageTooLarge,
    /// Nothing happened for too long; the session was closed.
    IdleTimeout,
    /// The session reached its maximum lifetime.
    SessionExpired,
    /// Connect by MX: the domain publishes a null MX (RFC 7505) and accepts no mail;
    /// nothing was connected.
    NullMx,
    /// Connect by MX: the domain has neither MX records nor an address, or none of its MX
    /// hosts has one; nothing was connected.
    NoMailHost,
    /// Connect by MX: the domain's MX records could not be read (timeout, server failure).
    MxLookupFailed,
    /// Implicit TLS was asked for, and the server answered in plain text: the port does
    /// not speak TLS from the first byte (it greets, as port 25 or 587 do).
    NotTls,
    /// A code this version does not know (sent by a newer bridge).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// Every code, for decoding by name. A new code goes here too, or it decodes as
    /// `unknown` in the browser.
    pub const ALL: [ErrorCode; 33] = [
        ErrorCode::BadMessage,
        ErrorCode::NotConnected,
        ErrorCode::AlreadyConnected,
        ErrorCode::InvalidTarget,
        ErrorCode::ResolveFailed,
        ErrorCode::ConnectFailed,
        ErrorCode::ConnectTimeout,
        ErrorCode::TlsUnavailable,
        ErrorCode::InvalidLine,
        ErrorCode::ServerLineTooLong,
        ErrorCode::UpstreamIo,
        ErrorCode::InsecureNotAllowed,
        ErrorCode::TlsHandshakeFailed,
        ErrorCode::CertificateRejected,
        ErrorCode::PlaintextDiscarded,
        ErrorCode::ReplyTimeout,
        ErrorCode::TargetDenied,
        ErrorCode::RateLimited,
        ErrorCode::TooManySessions,
        ErrorCode::ProbeMode,
        ErrorCode::TokenRequired,
        ErrorCode::TokenInvalid,
        ErrorCode::DataLimit,
        ErrorCode::RecipientLimit,
        ErrorCode::ReplyTooLarge,
        ErrorCode::MessageTooLarge,
        ErrorCode::IdleTimeout,
        ErrorCode::SessionExpired,
        ErrorCode::NullMx,
        ErrorCode::NoMailHost,
        ErrorCode::MxLookupFailed,
        ErrorCode::NotTls,
        ErrorCode::Unknown,
    ];

    /// The code as it appears in JSON, e.g. `connect_failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadMessage => "bad_message",
            ErrorCode::NotConnected => "not_connected",
            ErrorCode::AlreadyConnected => "already_connected",
            ErrorCode::InvalidTarget => "invalid_target",
            ErrorCode::ResolveFailed => "resolve_failed",
            ErrorCode::ConnectFailed => "connect_failed",
            ErrorCode::ConnectTimeout => "connect_timeout",
            ErrorCode::TlsUnavailable => "tls_unavailable",
            ErrorCode::InvalidLine => "invalid_line",
            ErrorCode::ServerLineTooLong => "server_line_too_long",
            ErrorCode::UpstreamIo => "upstream_io",
            ErrorCode::InsecureNotAllowed => "insecure_not_allowed",
            ErrorCode::TlsHandshakeFailed => "tls_handshake_failed",
            ErrorCode::CertificateRejected => "certificate_rejected",
            ErrorCode::PlaintextDiscarded => "plaintext_discarded",
            ErrorCode::ReplyTimeout => "reply_timeout",
            ErrorCode::TargetDenied => "target_denied",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::TooManySessions => "too_many_sessions",
            ErrorCode::ProbeMode => "probe_mode",
            ErrorCode::TokenRequired => "token_required",
            ErrorCode::TokenInvalid => "token_invalid",
            ErrorCode::DataLimit => "data_limit",
            ErrorCode::RecipientLimit => "recipient_limit",
            ErrorCode::ReplyTooLarge => "reply_too_large",
            ErrorCode::MessageTooLarge => "message_too_large",
            ErrorCode::IdleTimeout => "idle_timeout",
            ErrorCode::SessionExpired => "session_expired",
            ErrorCode::NullMx => "null_mx",
            ErrorCode::NoMailHost => "no_mail_host",
            ErrorCode::MxLookupFailed => "mx_lookup_failed",
            ErrorCode::NotTls => "not_tls",
            ErrorCode::Unknown => "unknown",
        }
    }

    /// The code for a JSON name; `Unknown` for names this version does not know (a newer
    /// bridge), like the `#[serde(other)]` of the derive.
    pub fn from_name(name: &str) -> ErrorCode {
        Self::ALL
            .into_iter()
            .find(|code| code.as_str() == name)
            .unwrap_or(ErrorCode::Unknown)
    }
}

/// A message that could not be decoded.
#[derive(Debug, Error)]
pub enum WireError {
    /// Not JSON, or JSON of the wrong shape (the parser's words: a `String`, so that the
    /// browser, which parses with [`crate::json`], links none of `serde_json`'s errors).
    #[error("not a valid message: {0}")]
    Json(String),
    /// Valid JSON, but not a message this version knows.
    #[error("not a valid message: {0}")]
    Shape(String),
}

impl From<serde_json::Error> for WireError {
    fn from(err: serde_json::Error) -> Self {
        WireError::Json(err.to_string())
    }
}

impl ClientMsg {
    /// Decodes one JSON text frame (without serde's intermediate copy; see
    /// `wire/client_decode.rs`).
    ///
    /// # Errors
    ///
    /// [`WireError`] when the text is not JSON or not a known message.
    pub fn from_json(text: &str) -> Result<Self, WireError> {
        client_decode::client_msg(text)
    }

    /// Encodes the message as one JSON text frame, exactly as the serde derive would (a
    /// test holds the two together), but without serde's code in the browser bundle.
    pub fn to_json(&self) -> String {
        use crate::json::write_string;
        let mut out = String::from("{\"type\":");
        let field = |out: &mut String, name: &str| {
            out.push_str(",\"");
            out.push_str(name);
            out.push_str("\":");
        };
        match self {
            ClientMsg::Connect(request) => {
                out.push_str("\"connect\"");
                field(&mut out, "host");
                write_string(&mut out, &request.host);
                field(&mut out, "port");
                out.push_str(&request.port.to_string());
                field(&mut out, "tls");
                write_string(&mut out, request.tls.as_str());
                if request.insecure {
                    field(&mut out, "insecure");
                    out.push_str("true");
                }
                if request.by_mx {
                    field(&mut out, "by_mx");
                    out.push_str("true");
                }
                if let Some(mx_host) = &request.mx_host {
                    field(&mut out, "mx_host");
                    write_string(&mut out, mx_host);
                }
            }
            ClientMsg::Line { text } => {
                out.push_str("\"line\"");
                field(&mut out, "text");
                write_string(&mut out, text);
            }
            ClientMsg::Lines { text } => {
                out.push_str("\"lines\"");
                field(&mut out, "text");
                out.push('[');
                for (i, line) in text.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(&mut out, line);
                }
                out.push(']');
            }
            ClientMsg::Close => out.push_str("\"close\""),
            ClientMsg::Auth { token } => {
                out.push_str("\"auth\"");
                field(&mut out, "token");
                write_string(&mut out, token);
            }
        }
        out.push('}');
        out
    }
}

impl TlsMode {
    /// The mode as it appears in JSON: `none`, `starttls` or `implicit`.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::None => "none",
            TlsMode::Starttls => "starttls",
            TlsMode::Implicit => "implicit",
        }
    }
}

impl ServerMsg {
    /// Decodes one JSON text frame (by hand, to keep the browser bundle small; see
    /// `wire/server_decode.rs`).
    ///
    /// # Errors
    ///
    /// [`WireError`] when the text is not JSON or not a known message.
    pub fn from_json(text: &str) -> Result<Self, WireError> {
        server_decode::server_msg(text)
    }

    /// Encodes the message as one JSON text frame, as the serde derive writes it. A
    /// `line`, sent for every line a server sends, is written by hand
    /// (`wire/server_encode.rs`; tests hold it to the derive).
    pub fn to_json(&self) -> String {
        match self {
            ServerMsg::Line {
                text,
                at_ms,
                latency_ms,
                encrypted,
            } => server_encode::line(text, *at_ms, *latency_ms, *encrypted),
            _ => serde_json::to_string(self)
                .expect("wire messages hold only strings, numbers and enums"),
        }
    }
}

#[cfg(test)]
mod tests;
