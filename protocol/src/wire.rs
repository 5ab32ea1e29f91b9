//! The messages between the browser and the bridge: JSON text frames over one WebSocket.
//!
//! These are the only serde types of the project: the JSON shape is an API boundary between
//! two programs that may be deployed at different versions, so it is kept in one place,
//! tagged by `"type"`, and tolerant of fields it does not know.
//!
//! ```text
//! browser -> bridge   {"type":"connect","host":"127.0.0.1","port":2525,"tls":"none"}
//!                     {"type":"line","text":"EHLO me"}      (no CRLF: the bridge adds it)
//!                     {"type":"close"}
//! bridge -> browser   {"type":"connected","version":1,"host":"127.0.0.1","port":2525,...}
//!                     {"type":"line","text":"250-PIPELINING","at_ms":12}
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
    /// Close the SMTP connection and end the session.
    Close,
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
    },
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
    /// A code this version does not know (sent by a newer bridge).
    #[serde(other)]
    Unknown,
}

/// A message that could not be decoded.
#[derive(Debug, Error)]
#[error("not a valid message: {0}")]
pub struct WireError(#[from] serde_json::Error);

macro_rules! json_codec {
    ($ty:ty) => {
        impl $ty {
            /// Decodes one JSON text frame.
            ///
            /// # Errors
            ///
            /// [`WireError`] when the text is not JSON or not a known message.
            pub fn from_json(text: &str) -> Result<Self, WireError> {
                Ok(serde_json::from_str(text)?)
            }

            /// Encodes the message as one JSON text frame.
            pub fn to_json(&self) -> String {
                serde_json::to_string(self)
                    .expect("wire messages hold only strings, numbers and enums")
            }
        }
    };
}

json_codec!(ClientMsg);
json_codec!(ServerMsg);

#[cfg(test)]
mod tests {
    use super::*;

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
                tls: TlsMode::None
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
    fn rejects_malformed_messages() {
        for bad in [
            "",
            "{",
            r#"{"type":"launch"}"#,
            r#"{"type":"connect","host":"mx","port":70000}"#,
            r#"{"type":"connect","host":"mx","port":25,"tls":"ssl"}"#,
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
