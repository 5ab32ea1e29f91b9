//! The DATA phase: dot-stuffing and the end-of-data marker (RFC 5321 4.5.2 and 4.1.1.4).
//!
//! The message text ends with a line holding a single `.`. So that a text line starting
//! with `.` is not mistaken for the end, the client doubles that dot ("dot-stuffing") and
//! the server removes it again. The end marker counts only as `<CRLF>.<CRLF>`: servers that
//! also accept `<LF>.<LF>` or `<LF>.<CRLF>` can be tricked into ending the message early and
//! reading the rest as new commands, which is SMTP smuggling (CVE-2023-51764 and relatives).
//!
//! [`stuff_line`] / [`unstuff_line`] work on one line; [`stuff_message`] turns a whole
//! message into its wire form; [`DataReceiver`] is the server side of the stream.

use crate::limits;
use crate::line::{LineEnding, LineFramer};
use std::borrow::Cow;

/// Dot-stuffs one line of message text: a leading `.` is doubled.
pub fn stuff_line(line: &str) -> Cow<'_, str> {
    if line.starts_with('.') {
        Cow::Owned(format!(".{line}"))
    } else {
        Cow::Borrowed(line)
    }
}

/// What one received DATA line means to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataLine<'a> {
    /// The lone `.`: the message is complete.
    End,
    /// A line of message text, leading dot already removed.
    Text(&'a [u8]),
}

/// Removes dot-stuffing from one received line (without its line ending).
pub fn unstuff_line(line: &[u8]) -> DataLine<'_> {
    match line {
        b"." => DataLine::End,
        [b'.', rest @ ..] => DataLine::Text(rest),
        _ => DataLine::Text(line),
    }
}

/// A whole message in wire form: every line ending made CRLF, every line dot-stuffed, and
/// the `.` end marker appended. A missing final line ending is added.
pub fn stuff_message(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + message.len() / 64 + 5);
    if !message.is_empty() {
        let body = message.strip_suffix(b"\n").unwrap_or(message);
        for line in body.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.first() == Some(&b'.') {
                out.push(b'.');
            }
            out.extend_from_slice(line);
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// Something worth telling the user about received message text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataFinding {
    /// A line ended with a bare LF (1-based line number). Harmless alone, but see
    /// [`DataFinding::SmugglingAttempt`].
    BareLf {
        /// The line number, 1-based.
        line: usize,
    },
    /// A `.` line next to a bare LF: a lenient server would end the message here, a strict
    /// one (like this one) does not. Everything after it stays message text.
    SmugglingAttempt {
        /// The line number, 1-based.
        line: usize,
    },
    /// A line longer than 1000 octets with its CRLF (RFC 5321 4.5.3.1.6).
    LineTooLong {
        /// The line number, 1-based.
        line: usize,
        /// Its length in octets, line ending included.
        length: usize,
    },
    /// A byte above 127 where 7-bit text was expected (needs 8BITMIME, RFC 6152).
    EightBit {
        /// The first line that has one, 1-based.
        line: usize,
    },
}

/// Progress of a [`DataReceiver`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataStatus {
    /// The end marker has not arrived yet.
    Partial,
    /// The end marker arrived. `rest` holds bytes that arrived after it: the next commands
    /// of a pipelining client. Check [`DataReceiver::exceeded`] before accepting the message.
    Complete {
        /// Bytes received after `<CRLF>.<CRLF>`.
        rest: Vec<u8>,
    },
    /// The message grew past the size limit and the end marker has not arrived yet. The
    /// receiver keeps reading to the end marker (the client will send it) but stores no
    /// more text.
    TooBig,
}

/// The server side of DATA: collects the message from the byte stream, un-stuffs it, and
/// ends only on `<CRLF>.<CRLF>`.
#[derive(Debug, Clone)]
pub struct DataReceiver {
    framer: LineFramer,
    message: Vec<u8>,
    max_bytes: usize,
    too_big: bool,
    line_no: usize,
    /// Whether the previous line ended in CRLF (the DATA command's own line did).
    prev_crlf: bool,
    seen_eight_bit: bool,
    findings: Vec<DataFinding>,
}

impl DataReceiver {
    /// A receiver that stores at most `max_bytes` of message text.
    pub fn new(max_bytes: usize) -> Self {
        Self {
            // Lines are framed generously: an over-long line is a finding, not lost text.
            framer: LineFramer::new(max_bytes.saturating_add(2).max(limits::TEXT_LINE)),
            message: Vec::new(),
            max_bytes,
            too_big: false,
            line_no: 0,
            prev_crlf: true,
            seen_eight_bit: false,
            findings: Vec::new(),
        }
    }

    /// Feeds received bytes.
    pub fn push(&mut self, bytes: &[u8]) -> DataStatus {
        self.push_with(bytes, |_, _| {})
    }

    /// Feeds received bytes, telling `on_line` each line framed, as sent (dot-stuffed,
    /// without its ending), with `true` for the lone `.` that completes the message: how
    /// a recorder sees the message text without framing it again.
    pub fn push_with(&mut self, bytes: &[u8], mut on_line: impl FnMut(&[u8], bool)) -> DataStatus {
        self.framer.push(bytes);
        while let Some(line) = self.framer.next_line() {
            let Ok(line) = line else {
                self.too_big = true;
                continue;
            };
            self.line_no += 1;
            let crlf = line.ending == LineEnding::CrLf;
            let end = line.bytes == b"." && crlf && self.prev_crlf;
            on_line(&line.bytes, end);
            if line.bytes == b"." {
                if end {
                    return DataStatus::Complete {
                        rest: self.framer.take_buffered(),
                    };
                }
                self.findings
                    .push(DataFinding::SmugglingAttempt { line: self.line_no });
            }
            self.inspect(&line.bytes, crlf);
            self.prev_crlf = crlf;
            let text = match unstuff_line(&line.bytes) {
                DataLine::End => &line.bytes[..],
                DataLine::Text(text) => text,
            };
            let ending: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            if self.message.len() + text.len() + ending.len() > self.max_bytes {
                self.too_big = true;
            }
            if !self.too_big {
                self.message.extend_from_slice(text);
                self.message.extend_from_slice(ending);
            }
        }
        if self.too_big {
            DataStatus::TooBig
        } else {
            DataStatus::Partial
        }
    }

    fn inspect(&mut self, line: &[u8], crlf: bool) {
        if !crlf {
            self.findings
                .push(DataFinding::BareLf { line: self.line_no });
        }
        let length = line.len() + 2;
        if length > limits::TEXT_LINE {
            self.findings.push(DataFinding::LineTooLong {
                line: self.line_no,
                length,
            });
        }
        if !self.seen_eight_bit && line.iter().any(|b| !b.is_ascii()) {
            self.seen_eight_bit = true;
            self.findings
                .push(DataFinding::EightBit { line: self.line_no });
        }
    }

    /// Whether the message grew past the size limit (it is then incomplete).
    pub fn exceeded(&self) -> bool {
        self.too_big
    }

    /// The message received so far, un-stuffed, with its original line endings.
    pub fn message(&self) -> &[u8] {
        &self.message
    }

    /// Takes the message out of the receiver.
    pub fn into_message(self) -> Vec<u8> {
        self.message
    }

    /// What was noticed while receiving, in order.
    pub fn findings(&self) -> &[DataFinding] {
        &self.findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receive_in_chunks(wire: &[u8], chunk: usize) -> (DataStatus, DataReceiver) {
        let mut rx = DataReceiver::new(1 << 20);
        let mut status = DataStatus::Partial;
        for piece in wire.chunks(chunk) {
            assert_eq!(status, DataStatus::Partial, "bytes after completion");
            status = rx.push(piece);
        }
        (status, rx)
    }

    #[test]
    fn stuffing_single_lines() {
        assert_eq!(stuff_line("hello"), "hello");
        assert_eq!(stuff_line(".hidden"), "..hidden");
        assert_eq!(stuff_line("."), "..");
        assert_eq!(unstuff_line(b"..hidden"), DataLine::Text(b".hidden"));
        assert_eq!(unstuff_line(b"."), DataLine::End);
        assert_eq!(unstuff_line(b""), DataLine::Text(b""));
    }

    #[test]
    fn whole_message_wire_form() {
        assert_eq!(
            stuff_message(b"Subject: x\n\n.\n..two\nlast"),
            b"Subject: x\r\n\r\n..\r\n...two\r\nlast\r\n.\r\n"
        );
        assert_eq!(stuff_message(b""), b".\r\n");
        assert_eq!(stuff_message(b"a\r\n"), b"a\r\n.\r\n");
    }

    #[test]
    fn receiver_round_trips_stuffed_messages_in_any_chunking() {
        let message = b"Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\nend\r\n";
        let wire = stuff_message(message);
        for chunk in [1, 2, 3, 7, wire.len()] {
            let (status, rx) = receive_in_chunks(&wire, chunk);
            assert_eq!(status, DataStatus::Complete { rest: Vec::new() });
            assert_eq!(rx.message(), message);
            assert!(rx.findings().is_empty());
        }
    }

    #[test]
    fn bytes_after_the_end_marker_are_returned_for_the_next_command() {
        let (status, rx) = receive_in_chunks(b"hi\r\n.\r\nQUIT\r\n", 64);
        assert_eq!(
            status,
            DataStatus::Complete {
                rest: b"QUIT\r\n".to_vec()
            }
        );
        assert_eq!(rx.message(), b"hi\r\n");
    }

    #[test]
    fn smuggling_variants_do_not_end_the_message() {
        for wire in [
            &b"x\n.\nMAIL FROM:<evil>\r\n.\r\n"[..],
            b"x\r\n.\nMAIL FROM:<evil>\r\n.\r\n",
            b"x\n.\r\nMAIL FROM:<evil>\r\n.\r\n",
        ] {
            let (status, rx) = receive_in_chunks(wire, 5);
            assert_eq!(
                status,
                DataStatus::Complete { rest: Vec::new() },
                "{wire:?}"
            );
            assert!(
                rx.findings()
                    .iter()
                    .any(|f| matches!(f, DataFinding::SmugglingAttempt { line: 2 })),
                "{wire:?}: {:?}",
                rx.findings()
            );
            let text = String::from_utf8_lossy(rx.message());
            assert!(text.contains("MAIL FROM:<evil>"), "{text}");
        }
    }

    #[test]
    fn long_lines_and_eight_bit_are_findings() {
        let long = "a".repeat(1200);
        let wire = format!("{long}\r\nCafé\r\n.\r\n");
        let (status, rx) = receive_in_chunks(wire.as_bytes(), 100);
        assert!(matches!(status, DataStatus::Complete { .. }));
        assert_eq!(
            rx.findings(),
            [
                DataFinding::LineTooLong {
                    line: 1,
                    length: 1202
                },
                DataFinding::EightBit { line: 2 }
            ]
        );
    }

    #[test]
    fn size_limit_stops_storing_but_waits_for_the_end() {
        let mut rx = DataReceiver::new(10);
        assert_eq!(rx.push(b"0123456789abc\r\n"), DataStatus::TooBig);
        assert_eq!(rx.push(b"more\r\n"), DataStatus::TooBig);
        assert_eq!(
            rx.push(b".\r\nQUIT\r\n"),
            DataStatus::Complete {
                rest: b"QUIT\r\n".to_vec()
            }
        );
        assert!(rx.exceeded());
        assert!(rx.message().len() <= 10);
    }
}
