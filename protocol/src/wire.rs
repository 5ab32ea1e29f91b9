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
//! bridge -> browser   {"type":"connected","version":1,"host":"127.0.0.1","port":2525,...}
//!                     {"type":"line","text":"250-PIPELINING","at_ms":12,"latency_ms":3}
//!                     {"type":"tls","version":"TLSv1.3","cipher":"...","verified":true,...}
//!                     {"type":"error","code":"connect_failed","message":"..."}
//!                     {"type":"closed","reason":"..."}
//! ```

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
    },
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
    /// A code this version does not know (sent by a newer bridge).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// Every code, for decoding by name. A new code goes here too, or it decodes as
    /// `unknown` in the browser.
    pub const ALL: [ErrorCode; 29] = [
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
    /// `wire_client.rs`).
    ///
    /// # Errors
    ///
    /// [`WireError`] when the text is not JSON or not a known message.
    pub fn from_json(text: &str) -> Result<Self, WireError> {
        crate::wire_client::client_msg(text)
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
    /// `wire_decode.rs`).
    ///
    /// # Errors
    ///
    /// [`WireError`] when the text is not JSON or not a known message.
    pub fn from_json(text: &str) -> Result<Self, WireError> {
        crate::wire_decode::server_msg(text)
    }

    /// Encodes the message as one JSON text frame.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("wire messages hold only strings, numbers and enums")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_messages_are_encoded_as_the_derive_encodes_them() {
        let connect = |tls, insecure| {
            ClientMsg::Connect(ConnectRequest {
                host: "mx.\"example\"".into(),
                port: 465,
                tls,
                insecure,
            })
        };
        for msg in [
            connect(TlsMode::None, false),
            connect(TlsMode::Starttls, false),
            connect(TlsMode::Implicit, true),
            ClientMsg::Line {
                text: "EHLO \u{1} é 中\\".into(),
            },
            ClientMsg::Lines { text: Vec::new() },
            ClientMsg::Lines {
                text: vec!["a".into(), String::new(), ".".into()],
            },
            ClientMsg::Close,
            ClientMsg::Auth {
                token: "t\tok".into(),
            },
        ] {
            assert_eq!(
                msg.to_json(),
                serde_json::to_string(&msg).expect("serializes")
            );
            assert_eq!(ClientMsg::from_json(&msg.to_json()).expect("decodes"), msg);
        }
        for mode in [TlsMode::None, TlsMode::Starttls, TlsMode::Implicit] {
            assert_eq!(
                serde_json::to_string(&mode).expect("serializes"),
                format!("\"{}\"", mode.as_str())
            );
        }
    }

    #[test]
    fn decodes_the_documented_client_messages() {
        assert_eq!(
            ClientMsg::from_json(
                r#"{"type":"connect","host":"127.0.0.1","port":2525,"tls":"none"}"#
            )
            .expect("valid"),
            ClientMsg::Connect(ConnectRequest {
                host: "127.0.0.1".into(),
                port: 2525,
                tls: TlsMode::None,
                insecure: false,
            })
        );
        assert_eq!(
            ClientMsg::from_json(r#"{"type":"line","text":"EHLO me"}"#).expect("valid"),
            ClientMsg::Line {
                text: "EHLO me".into()
            }
        );
        assert_eq!(
            ClientMsg::from_json(r#"{"type":"close"}"#).expect("valid"),
            ClientMsg::Close
        );
        assert_eq!(
            ClientMsg::from_json(r#"{"type":"lines","text":["a","","."]}"#).expect("valid"),
            ClientMsg::Lines {
                text: vec!["a".into(), String::new(), ".".into()]
            }
        );
        let insecure = ClientMsg::from_json(
            r#"{"type":"connect","host":"mx","port":465,"tls":"implicit","insecure":true}"#,
        )
        .expect("valid");
        assert!(matches!(
            insecure,
            ClientMsg::Connect(ConnectRequest {
                tls: TlsMode::Implicit,
                insecure: true,
                ..
            })
        ));
    }

    #[test]
    fn tls_message_round_trips_and_line_extras_are_optional() {
        let tls = ServerMsg::Tls(TlsInfo {
            mode: TlsMode::Starttls,
            version: "TLSv1.3".into(),
            cipher: "TLS13_AES_256_GCM_SHA384".into(),
            alpn: None,
            server_name: "mx.example.org".into(),
            verified: false,
            verify_error: Some("unknown issuer".into()),
            insecure: true,
            certificates: vec![CertificateSummary {
                subject: "CN=mx.example.org".into(),
                issuer: "CN=mx.example.org".into(),
                sans: vec!["mx.example.org".into()],
                not_before: "2025-01-01T00:00:00Z".into(),
                not_after: "2026-01-01T00:00:00Z".into(),
                serial: "01".into(),
            }],
            at_ms: 7,
        });
        let json = tls.to_json();
        assert!(json.starts_with(r#"{"type":"tls","mode":"starttls","version":"TLSv1.3""#));
        assert_eq!(ServerMsg::from_json(&json).expect("round trip"), tls);

        let line = ServerMsg::Line {
            text: "250 OK".into(),
            at_ms: 9,
            latency_ms: Some(2),
            encrypted: true,
        };
        assert_eq!(
            line.to_json(),
            r#"{"type":"line","text":"250 OK","at_ms":9,"latency_ms":2,"encrypted":true}"#
        );
        assert_eq!(
            ServerMsg::from_json(&line.to_json()).expect("round trip"),
            line
        );
        // An older bridge's line still decodes.
        assert_eq!(
            ServerMsg::from_json(r#"{"type":"line","text":"250 OK","at_ms":9}"#).expect("valid"),
            ServerMsg::Line {
                text: "250 OK".into(),
                at_ms: 9,
                latency_ms: None,
                encrypted: false,
            }
        );
    }

    #[test]
    fn tls_defaults_to_none_and_unknown_fields_are_ignored() {
        let msg = ClientMsg::from_json(r#"{"type":"connect","host":"mx","port":25,"x":1}"#)
            .expect("valid");
        assert!(matches!(
            msg,
            ClientMsg::Connect(ConnectRequest {
                tls: TlsMode::None,
                ..
            })
        ));
    }

    #[test]
    fn security_codes_and_auth_use_the_documented_names() {
        for (code, name) in [
            (ErrorCode::TargetDenied, "target_denied"),
            (ErrorCode::RateLimited, "rate_limited"),
            (ErrorCode::TooManySessions, "too_many_sessions"),
            (ErrorCode::ProbeMode, "probe_mode"),
            (ErrorCode::TokenRequired, "token_required"),
            (ErrorCode::TokenInvalid, "token_invalid"),
            (ErrorCode::DataLimit, "data_limit"),
            (ErrorCode::RecipientLimit, "recipient_limit"),
            (ErrorCode::ReplyTooLarge, "reply_too_large"),
            (ErrorCode::MessageTooLarge, "message_too_large"),
            (ErrorCode::IdleTimeout, "idle_timeout"),
            (ErrorCode::SessionExpired, "session_expired"),
        ] {
            let json = ServerMsg::Error {
                code,
                message: String::new(),
            }
            .to_json();
            assert!(json.contains(&format!(r#""code":"{name}""#)), "{json}");
        }
        assert_eq!(
            ClientMsg::from_json(r#"{"type":"auth","token":"t0k"}"#).expect("valid"),
            ClientMsg::Auth {
                token: "t0k".into()
            }
        );
    }

    #[test]
    fn rejects_malformed_messages() {
        for bad in [
            "",
            "{",
            r#"{"type":"launch"}"#,
            r#"{"type":"connect","host":"mx","port":70000}"#,
            r#"{"type":"connect","host":"mx","port":25,"tls":"ssl"}"#,
            r#"{"type":"lines","text":"not a list"}"#,
            r#"{"type":"line"}"#,
        ] {
            assert!(
                ClientMsg::from_json(bad).is_err(),
                "{bad:?} must be rejected"
            );
        }
    }

    #[test]
    fn server_messages_use_the_documented_names() {
        let line = ServerMsg::Line {
            text: "250-PIPELINING".into(),
            at_ms: 3,
            latency_ms: None,
            encrypted: false,
        };
        assert_eq!(
            line.to_json(),
            r#"{"type":"line","text":"250-PIPELINING","at_ms":3}"#
        );
        let err = ServerMsg::Error {
            code: ErrorCode::ConnectFailed,
            message: "refused".into(),
        };
        assert_eq!(
            err.to_json(),
            r#"{"type":"error","code":"connect_failed","message":"refused"}"#
        );
        for msg in [
            line,
            err,
            ServerMsg::Closed {
                reason: "bye".into(),
            },
        ] {
            assert_eq!(
                ServerMsg::from_json(&msg.to_json()).expect("round trip"),
                msg
            );
        }
    }

    #[test]
    fn unknown_error_codes_from_newer_bridges_decode() {
        let msg = ServerMsg::from_json(r#"{"type":"error","code":"quota_melted","message":"m"}"#)
            .expect("valid");
        assert!(matches!(
            msg,
            ServerMsg::Error {
                code: ErrorCode::Unknown,
                ..
            }
        ));
    }
}
