//! The messages the client sends: a few headers that differ per message (Message-ID,
//! Subject) and a body of 76-character lines, built once per size, so a message costs the
//! client one copy.

use std::fmt::Write as _;

/// The envelope every message uses.
pub(crate) const MAIL_FROM: &str = "load@ingest-bench.client.test";
pub(crate) const RCPT_TO: &str = "inbox@ingest-bench.server.test";

/// Characters per body line, before CRLF (RFC 5322 recommends at most 78).
const LINE: usize = 76;

/// Message text of one size, ready to send after `DATA`.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    /// The body lines (each ending in CRLF) and the final `.` line.
    tail: Vec<u8>,
    /// The message size asked for: headers, blank line and body, without the final dot.
    size: usize,
}

impl Template {
    /// Messages of about `size` bytes (headers included; never less than the headers).
    pub(crate) fn new(size: usize) -> Self {
        let headers = header(0, 0).len();
        let mut body = size.saturating_sub(headers);
        let mut tail = Vec::with_capacity(body + 8);
        let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let mut n = 0;
        // Full lines while they fit, then one shorter line. The shortest line is 3 bytes
        // (a character and CRLF), so a line that would leave 1 or 2 bytes gives up 2.
        while body >= 3 {
            let mut len = (body - 2).min(LINE);
            if matches!(body - (len + 2), 1 | 2) {
                len -= 2;
            }
            for _ in 0..len {
                tail.push(alphabet[n % alphabet.len()]);
                n += 1;
            }
            tail.extend_from_slice(b"\r\n");
            body -= len + 2;
        }
        tail.extend_from_slice(b".\r\n");
        Self { tail, size }
    }

    /// The size asked for.
    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// Writes message `seq` of client `worker` into `out` (cleared first): what follows
    /// the `354`, final dot included.
    pub(crate) fn fill(&self, out: &mut Vec<u8>, worker: usize, seq: usize) {
        out.clear();
        out.extend_from_slice(header(worker, seq).as_bytes());
        out.extend_from_slice(&self.tail);
    }
}

/// The headers of one message and the blank line after them. Every number is printed
/// with a fixed width, so every message of a template has the same size.
fn header(worker: usize, seq: usize) -> String {
    let mut h = String::with_capacity(256);
    let _ = write!(
        h,
        "From: Load <{MAIL_FROM}>\r\n\
         To: Inbox <{RCPT_TO}>\r\n\
         Subject: ingest {worker:04} {seq:010}\r\n\
         Date: Thu, 03 Dec 2026 12:00:00 +0000\r\n\
         Message-ID: <{worker:04}.{seq:010}@ingest-bench.client.test>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=us-ascii\r\n\
         \r\n"
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(size: usize, worker: usize, seq: usize) -> Vec<u8> {
        let mut out = Vec::new();
        Template::new(size).fill(&mut out, worker, seq);
        out
    }

    #[test]
    fn messages_have_the_size_asked_for() {
        for size in [1024, 1025, 1026, 4000, 100 * 1024] {
            let out = text(size, 3, 17);
            // The size excludes the final ".\r\n".
            assert_eq!(out.len() - 3, size, "size {size}");
            assert!(out.ends_with(b"\r\n.\r\n"));
        }
    }

    #[test]
    fn tiny_sizes_send_the_headers_alone() {
        let out = text(10, 0, 0);
        assert!(out.ends_with(b"\r\n\r\n.\r\n"));
        assert!(out.len() > 100);
    }

    #[test]
    fn lines_are_short_crlf_and_need_no_dot_stuffing() {
        let out = text(100 * 1024, 9999, 1_234_567_890);
        let text = std::str::from_utf8(&out).expect("ASCII");
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[lines.len() - 2], ".");
        assert_eq!(lines[lines.len() - 1], "");
        for line in &lines[..lines.len() - 2] {
            assert!(line.len() <= 78, "{line:?}");
            assert!(!line.starts_with('.'), "{line:?}");
            assert!(!line.contains('\n') && !line.contains('\r'));
        }
    }

    #[test]
    fn each_message_has_its_own_id() {
        let a = String::from_utf8(text(1024, 1, 2)).expect("ASCII");
        let b = String::from_utf8(text(1024, 1, 3)).expect("ASCII");
        assert!(a.contains("Message-ID: <0001.0000000002@"));
        assert!(b.contains("Message-ID: <0001.0000000003@"));
        assert_eq!(a.len(), b.len());
    }
}
