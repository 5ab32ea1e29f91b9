//! What the client sent, line by line, for a shell that records sessions (the sandbox's
//! session recorder): the session frames its input anyway, so it says where each line
//! ended and what it was, and the shell never parses SMTP itself.
//!
//! Two things are decided here, once, at the moment a line is read:
//!
//! - **Secrets.** An AUTH answer, or an `AUTH` command's initial response, that
//!   [`auth::redact_client_line`] would mask is kept as [`auth::stand_in`]: a line without
//!   the secret that an annotator explains exactly as it explains the real one. No password
//!   is ever handed out, in clear or in base64.
//! - **Message text.** Each message keeps its header block and the first body lines,
//!   within [`TapLimits`]; the rest is counted ([`InputLine::Omitted`]) but not kept, so a
//!   100 KB message costs a recorder a few hundred bytes. The lone `.` that ends the
//!   message is always kept, so the conversation still pairs up.
//!
//! The lines are kept as the client sent them: message text dot-stuffed, without CRLF.

use std::borrow::Cow;
use std::collections::VecDeque;

use crate::auth;

/// How much of each message the tap keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TapLimits {
    /// Header lines kept per message (the header block usually fits whole).
    pub header_lines: usize,
    /// Body lines kept per message, after the header block.
    pub body_lines: usize,
    /// Octets of message text kept per message, header and body together.
    pub message_bytes: usize,
}

impl Default for TapLimits {
    fn default() -> Self {
        Self {
            header_lines: 100,
            body_lines: 10,
            message_bytes: 16 * 1024,
        }
    }
}

/// One thing the client sent, as the session read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputLine {
    /// A line, without CRLF: a command, an AUTH answer (a secret replaced by its stand-in),
    /// or message text as sent (dot-stuffed). Invalid UTF-8 is replaced.
    Line {
        /// The line.
        text: String,
        /// The session was inside TLS when it read the line.
        tls: bool,
        /// The client had logged in when the line was read.
        authenticated: bool,
    },
    /// Message text read but not kept: this many lines and octets (CRLF included). Comes
    /// right before the lone `.` that ends the message (or the end of a BDAT chunk).
    Omitted {
        /// Lines left out.
        lines: u64,
        /// Their octets.
        bytes: u64,
    },
    /// A command line longer than the limit, discarded (the server answered 500).
    TooLong,
}

/// The tap itself; owned by a `ServerSession` that was asked to record.
#[derive(Debug, Default)]
pub(super) struct Tap {
    limits: TapLimits,
    lines: VecDeque<InputLine>,
    /// The message being received: where its text stands.
    message: MessageTap,
}

#[derive(Debug, Default)]
struct MessageTap {
    in_body: bool,
    header_lines: usize,
    body_lines: usize,
    bytes: usize,
    omitted_lines: u64,
    omitted_bytes: u64,
    /// A BDAT line not ended yet.
    partial: Vec<u8>,
}

impl Tap {
    pub(super) fn new(limits: TapLimits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    pub(super) fn poll(&mut self) -> Option<InputLine> {
        self.lines.pop_front()
    }

    fn push(&mut self, text: String, tls: bool, authenticated: bool) {
        self.lines.push_back(InputLine::Line {
            text,
            tls,
            authenticated,
        });
    }

    /// A command line (or a line read while a command was expected).
    pub(super) fn command(&mut self, line: &str, tls: bool, authenticated: bool) {
        let kept = auth::stand_in(line, false, false).unwrap_or_else(|| line.to_owned());
        self.push(kept, tls, authenticated);
    }

    /// A line answering a 334; `password` when the challenge asked for the password.
    pub(super) fn auth_answer(&mut self, line: &str, password: bool, tls: bool) {
        let kept = auth::stand_in(line, true, password).unwrap_or_else(|| line.to_owned());
        self.push(kept, tls, false);
    }

    pub(super) fn too_long(&mut self) {
        self.lines.push_back(InputLine::TooLong);
    }

    /// A line of message text (dot-stuffed, without its ending); `end` for the lone `.`
    /// that completes the message.
    pub(super) fn data_line(&mut self, line: &[u8], end: bool, tls: bool, authenticated: bool) {
        if end {
            self.finish_message();
            self.push(".".to_owned(), tls, authenticated);
            return;
        }
        let m = &mut self.message;
        let header = !m.in_body;
        if header && line.is_empty() {
            m.in_body = true;
        }
        let keep = m.omitted_lines == 0
            && m.bytes + line.len() + 2 <= self.limits.message_bytes
            && if header {
                m.header_lines < self.limits.header_lines
            } else {
                m.body_lines < self.limits.body_lines
            };
        if keep {
            m.bytes += line.len() + 2;
            if header {
                m.header_lines += 1;
            } else {
                m.body_lines += 1;
            }
            let text = String::from_utf8_lossy(line).into_owned();
            self.push(text, tls, authenticated);
        } else {
            m.omitted_lines += 1;
            m.omitted_bytes += line.len() as u64 + 2;
        }
    }

    /// Octets of a BDAT chunk, framed at LF like message text.
    pub(super) fn bdat(&mut self, mut bytes: &[u8], tls: bool, authenticated: bool) {
        while let Some(at) = bytes.iter().position(|&b| b == b'\n') {
            let mut line = std::mem::take(&mut self.message.partial);
            line.extend_from_slice(&bytes[..at]);
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            self.data_line(&line, false, tls, authenticated);
            bytes = &bytes[at + 1..];
        }
        if self.message.partial.len() < self.limits.message_bytes {
            self.message.partial.extend_from_slice(bytes);
        }
    }

    /// The BDAT chunk ended; `last` when it completed the message.
    pub(super) fn bdat_end(&mut self, last: bool, tls: bool, authenticated: bool) {
        let partial = std::mem::take(&mut self.message.partial);
        if !partial.is_empty() {
            self.data_line(&partial, false, tls, authenticated);
        }
        if last {
            self.finish_message();
        }
    }

    /// Says what was left out of the message, and starts afresh for the next one.
    fn finish_message(&mut self) {
        let m = std::mem::take(&mut self.message);
        if m.omitted_lines > 0 {
            self.lines.push_back(InputLine::Omitted {
                lines: m.omitted_lines,
                bytes: m.omitted_bytes,
            });
        }
    }
}

/// The lines of bytes the server wrote (one or more complete replies), without CRLF; a
/// last line without CRLF is a line too. Invalid UTF-8 is replaced.
pub fn written_lines(bytes: &[u8]) -> impl Iterator<Item = Cow<'_, str>> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    body.split(|&b| b == b'\n')
        .filter(move |_| !bytes.is_empty())
        .map(|line| String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(line)))
}

#[cfg(test)]
mod tests;
