//! The notices of the page and the bridge, kept as data and worded by `i18n::notice` in
//! the language shown, and the errors some of them carry.

use std::rc::Rc;

use protocol::line::OutgoingLineError;
use protocol::wire::{ErrorCode, TlsInfo, TlsMode};
use thiserror::Error;

/// Why the connect form cannot be turned into a target.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormError {
    /// The host field is empty.
    #[error("enter the host name or IP address of an SMTP server")]
    EmptyHost,
    /// The host contains a space or control character, so it cannot be a host name.
    #[error("the host {0:?} contains a space or control character")]
    BadHost(String),
    /// The port is not a number from 1 to 65535.
    #[error("the port {0:?} is not a number from 1 to 65535")]
    BadPort(String),
    /// "Domain, by MX" is ticked but the host field holds an address or a bare name.
    #[error(
        "{0:?} is not a mail domain: type a domain such as example.org, or untick \"domain, by MX\""
    )]
    NotADomain(String),
}

/// Why a typed line was not sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SendError {
    /// There is no SMTP connection to send it on.
    #[error("not connected: connect to a server first")]
    NotConnected,
    /// The line breaks a rule every SMTP line must follow.
    #[error("line not sent: {0}")]
    Invalid(#[from] OutgoingLineError),
}

/// A notice of the page or the bridge, kept as data and worded in the language shown
/// (`i18n::notice`), so switching the language rewords old notices too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The page asked the bridge to connect.
    Connecting {
        /// `host:port` as requested.
        target: String,
        /// The TLS mode requested.
        tls: TlsMode,
    },
    /// The bridge connected.
    Connected {
        /// `host:port` as requested.
        target: String,
        /// The address connected to.
        peer: String,
        /// The TLS mode in effect.
        tls: TlsMode,
    },
    /// TLS started; what the bridge said about it (worded by `i18n::tls_summary`).
    Tls {
        /// Version, cipher and certificate.
        info: Rc<TlsInfo>,
    },
    /// The simulator took TLS as started: no handshake, the session goes on as after one.
    SimulatedTls {
        /// After STARTTLS (the server forgot the EHLO), not implicit TLS.
        starttls: bool,
    },
    /// The bridge ended the session.
    Closed {
        /// Why, in the bridge's words.
        reason: String,
    },
    /// The user pressed Disconnect.
    Disconnected,
    /// The connect form is not valid.
    FormRejected(FormError),
    /// A line was not sent.
    SendRefused(SendError),
    /// The bridge reported an error.
    BridgeError {
        /// What kind.
        code: ErrorCode,
        /// The bridge's words.
        message: String,
    },
    /// A frame from the bridge could not be decoded.
    Undecodable {
        /// What was wrong.
        detail: String,
    },
    /// The WebSocket to the bridge failed before it carried anything: the page switches
    /// to the simulator.
    SocketFailed,
    /// The WebSocket ended.
    SocketClosed {
        /// The close code and reason, in words.
        detail: String,
    },
    /// The page connected to the bridge's sandbox by itself.
    AutoConnect {
        /// `host:port` of the sandbox.
        target: String,
    },
    /// No bridge answered: the terminal runs the in-page simulator.
    NoBridge {
        /// Why the bridge's API did not answer.
        detail: String,
    },
    /// The session that starts is simulated in the page.
    Simulated,
    /// The server check moves on to a host (worded by `i18n::check::progress`).
    CheckHost {
        /// The host's name.
        host: String,
        /// Its place, from 0.
        index: u64,
    },
    /// A remark in a pasted transcript (a tool's message, a shell prompt), shown as is.
    Remark {
        /// The text.
        text: String,
    },
    /// A remark in a session the sandbox recorded (TLS started, the connection closed),
    /// worded by the recorder in each language.
    Recorded {
        /// The text in both languages.
        text: protocol::lang::Bilingual<String>,
    },
}

/// Why a request to the bridge's API for a panel (the DNS facts, the check) gave nothing
/// to show, kept as data so it is worded in the language shown (`i18n::failure`): the
/// browser's and the bridge's own words are English, and only shown in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The request did not reach the bridge (the browser's words, for English).
    Network(String),
    /// The bridge answered with an error status and, maybe, its reason.
    Status {
        /// The HTTP status.
        status: u16,
        /// The bridge's `code`, when it sent one (`resolve_failed`, `target_denied` ...).
        code: Option<String>,
        /// The bridge's words (English).
        message: String,
    },
    /// The answer is not the shape this page reads (a bridge of another version).
    Shape(String),
}
