//! The reply texts of the server role, with their enhanced status codes. Wording follows
//! Postfix where it has one, so the sandbox and a real Postfix read alike.

use super::ServerConfig;

pub(super) const OK: &str = "250 2.0.0 Ok\r\n";
pub(super) const BYE: &str = "221 2.0.0 Bye\r\n";
pub(super) const SENDER_OK: &str = "250 2.1.0 Ok\r\n";
pub(super) const RECIPIENT_OK: &str = "250 2.1.5 Ok\r\n";
pub(super) const START_DATA: &str = "354 End data with <CR><LF>.<CR><LF>\r\n";
pub(super) const CANNOT_VRFY: &str =
    "252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery\r\n";
pub(super) const HELP: &str =
    "214 2.0.0 Commands: HELO EHLO AUTH STARTTLS MAIL RCPT DATA BDAT RSET NOOP VRFY QUIT\r\n";
pub(super) const READY_FOR_TLS: &str = "220 2.0.0 Ready to start TLS\r\n";
pub(super) const AUTH_OK: &str = "235 2.7.0 Authentication successful\r\n";

pub(super) const TOO_MANY_ERRORS: &str = "421 4.7.0 Error: too many errors\r\n";
pub(super) const TOO_MANY_RECIPIENTS: &str = "452 4.5.3 Error: too many recipients\r\n";

pub(super) const LINE_TOO_LONG: &str = "500 5.5.0 Error: line too long\r\n";
pub(super) const UNKNOWN_COMMAND: &str = "502 5.5.2 Error: command not recognized\r\n";
pub(super) const NOT_IMPLEMENTED: &str = "502 5.5.1 Error: command not implemented\r\n";
pub(super) const HELLO_FIRST: &str = "503 5.5.1 Error: send HELO/EHLO first\r\n";
pub(super) const NESTED_MAIL: &str = "503 5.5.1 Error: nested MAIL command\r\n";
pub(super) const NEED_MAIL: &str = "503 5.5.1 Error: need MAIL command\r\n";
pub(super) const NEED_RCPT: &str = "503 5.5.1 Error: need RCPT command\r\n";
pub(super) const NO_VALID_RECIPIENTS: &str = "554 5.5.1 Error: no valid recipients\r\n";
pub(super) const TLS_ALREADY_ACTIVE: &str = "554 5.5.1 Error: TLS already active\r\n";
pub(super) const AUTH_NOT_ENABLED: &str = "503 5.5.1 Error: authentication not enabled\r\n";
pub(super) const ALREADY_AUTHENTICATED: &str = "503 5.5.1 Error: already authenticated\r\n";
pub(super) const AUTH_IN_TRANSACTION: &str = "503 5.5.1 Error: MAIL transaction in progress\r\n";
pub(super) const AUTH_REQUIRED: &str = "530 5.7.0 Authentication required\r\n";
pub(super) const UNKNOWN_MECHANISM: &str = "504 5.5.4 Unrecognized authentication type\r\n";
pub(super) const AUTH_ABORTED: &str = "501 5.7.0 Authentication aborted\r\n";
pub(super) const CANNOT_DECODE: &str = "501 5.5.2 Cannot decode response\r\n";
pub(super) const AUTH_FAILED: &str = "535 5.7.8 Error: authentication failed\r\n";
pub(super) const BAD_SENDER_SYNTAX: &str = "501 5.1.7 Bad sender address syntax\r\n";
pub(super) const BAD_RECIPIENT_SYNTAX: &str = "501 5.1.3 Bad recipient address syntax\r\n";
pub(super) const BAD_PARAMETER: &str = "555 5.5.4 Unsupported option\r\n";
pub(super) const MESSAGE_TOO_BIG: &str = "552 5.3.4 Message size exceeds fixed limit\r\n";
pub(super) const UTF8_NEEDS_SMTPUTF8: &str =
    "553 5.6.7 Must declare SMTPUTF8 to send UTF-8 address\r\n";

pub(super) fn greeting(hostname: &str) -> String {
    format!(
        "220 {hostname} ESMTP smtp-playground sandbox: nothing sent here leaves this server\r\n"
    )
}

pub(super) fn helo(hostname: &str) -> String {
    format!("250 {hostname}\r\n")
}

/// The most bytes of the client's EHLO name the reply repeats: with `250-`, a hostname of
/// up to 255 octets, ` Hello `, `...` and CRLF the line stays within RFC 5321's 512
/// (4.5.3.1.5), whatever length the client sent (the command line may be 1,024).
const ECHO_MAX: usize = 200;

/// The client's EHLO name as the reply repeats it: control characters shown as `?` and at
/// most [`ECHO_MAX`] bytes (then `...`). A bare CR is part of a command line (only CRLF
/// ends one), so without this the client would choose where the reply's line breaks are;
/// the name itself is still accepted, as Postfix accepts it.
fn echoed(client: &str) -> String {
    let mut out = String::new();
    for c in client.chars() {
        if out.len() + c.len_utf8() > ECHO_MAX {
            out.push_str("...");
            break;
        }
        out.push(if c.is_control() { '?' } else { c });
    }
    out
}

pub(super) fn ehlo(config: &ServerConfig, client: &str, starttls: bool, auth: bool) -> String {
    let mut lines = vec![
        format!("{} Hello {}", config.hostname, echoed(client)),
        "PIPELINING".to_owned(),
        format!("SIZE {}", config.max_message_size),
    ];
    if starttls {
        lines.push("STARTTLS".to_owned());
    }
    if auth {
        lines.push("AUTH PLAIN LOGIN CRAM-MD5".to_owned());
    }
    lines.extend(["ENHANCEDSTATUSCODES", "8BITMIME", "SMTPUTF8", "CHUNKING"].map(str::to_owned));
    crate::reply::Reply::new(
        crate::reply::ReplyCode::new(250).unwrap_or_else(|| unreachable!()),
        lines,
    )
    .to_wire()
}

pub(super) fn syntax(usage: &str) -> String {
    format!("501 5.5.4 Syntax: {usage}\r\n")
}

pub(super) fn prompt(text: &str) -> String {
    format!("334 {}\r\n", crate::auth::encode(text))
}

pub(super) fn queued(queue_id: &str) -> String {
    format!("250 2.0.0 Ok: queued as {queue_id}\r\n")
}

/// Why the shell around a session ends the connection on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// The client said nothing for too long.
    Idle,
    /// The connection reached its maximum lifetime.
    TooLong,
    /// The server is stopping.
    ShuttingDown,
    /// The server has as many connections as it accepts.
    TooManyConnections,
}

/// The `421` a server sends before it closes the connection by itself (RFC 5321 3.8: "the
/// server must send a 421 reply" when it has to end the session), with Postfix's wording.
pub fn service_closing(hostname: &str, why: Closing) -> String {
    let (enhanced, text) = match why {
        Closing::Idle => ("4.4.2", "Error: timeout exceeded"),
        Closing::TooLong => ("4.4.2", "Error: connection open too long"),
        Closing::ShuttingDown => (
            "4.3.2",
            "Service shutting down, closing transmission channel",
        ),
        Closing::TooManyConnections => ("4.7.0", "Error: too many connections, try again later"),
    };
    format!("421 {enhanced} {hostname} {text}\r\n")
}
