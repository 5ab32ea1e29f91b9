//! Line framing: split a byte stream into lines ended by CRLF.
//!
//! SMTP is line-oriented and every line ends in CRLF (RFC 5321 2.3.8). Bytes arrive in
//! arbitrary chunks, so [`LineFramer`] buffers what it has not yet seen the end of; a
//! partial line is the normal state between two reads, not an error (httparse's
//! `Status::Partial`). A line longer than the limit is reported once and skipped up to its
//! end, so one bad line never wedges the stream or grows the buffer without bound.

use std::borrow::Cow;
use thiserror::Error;

/// How a framed line was terminated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    /// `\r\n`, as RFC 5321 requires.
    CrLf,
    /// A lone `\n`. Lenient servers accept it; mixing the two is how SMTP smuggling works
    /// (see the 2023 "SMTP smuggling" disclosures), so it is reported to the caller.
    BareLf,
}

/// One complete line, without its terminator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The line's bytes, terminator removed.
    pub bytes: Vec<u8>,
    /// What terminated it.
    pub ending: LineEnding,
}

impl Line {
    /// The line as text. SMTP replies are ASCII, but message text and broken servers may
    /// send anything: invalid UTF-8 is replaced rather than rejected, so nothing is hidden.
    pub fn to_text(&self) -> String {
        lossy_text(&self.bytes).into_owned()
    }
}

/// One complete line borrowed from the framer's buffer, from
/// [`LineFramer::next_line_ref`]: the same as [`Line`] without copying the bytes, for
/// readers that only look at each line once (parsing replies, counting message text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRef<'a> {
    /// The line's bytes, terminator removed.
    pub bytes: &'a [u8],
    /// What terminated it.
    pub ending: LineEnding,
}

impl LineRef<'_> {
    /// The line as text, borrowed when it is valid UTF-8; see [`Line::to_text`].
    pub fn text(&self) -> Cow<'_, str> {
        lossy_text(self.bytes)
    }

    /// An owned copy of the line.
    pub fn to_line(&self) -> Line {
        Line {
            bytes: self.bytes.to_vec(),
            ending: self.ending,
        }
    }
}

/// `String::from_utf8_lossy`, with the check for the usual all-valid case done by
/// `str::from_utf8`, which is several times faster on ASCII than the lossy decoder.
fn lossy_text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Why a line could not be framed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LineError {
    /// The line grew past the limit before its end arrived. Its bytes up to the next LF are
    /// skipped.
    #[error("line longer than {limit} octets (the limit includes the CRLF)")]
    TooLong {
        /// The limit in octets, CRLF included.
        limit: usize,
    },
}

/// Splits a byte stream into lines; see the module documentation.
#[derive(Debug, Clone)]
pub struct LineFramer {
    buf: Vec<u8>,
    /// Index in `buf` where the next line starts.
    start: usize,
    /// Index in `buf` from which no LF has been searched yet.
    scanned: usize,
    /// The longest accepted line, terminator included.
    limit: usize,
    /// Set after a `TooLong`: skip bytes up to and including the next LF.
    discarding: bool,
}

impl LineFramer {
    /// A framer that accepts lines up to `limit` octets, CRLF included.
    ///
    /// # Panics
    ///
    /// If `limit` is smaller than 2, which could not hold even an empty line.
    pub fn new(limit: usize) -> Self {
        assert!(limit >= 2, "a line limit must leave room for CRLF");
        Self {
            buf: Vec::new(),
            start: 0,
            scanned: 0,
            limit,
            discarding: false,
        }
    }

    /// Appends bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
            self.scanned = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete line, `None` when more bytes are needed.
    ///
    /// Call it until it returns `None` after every [`push`](Self::push).
    pub fn next_line(&mut self) -> Option<Result<Line, LineError>> {
        self.next_line_ref()
            .map(|line| line.map(|line| line.to_line()))
    }

    /// The next complete line, borrowed from the buffer: [`next_line`](Self::next_line)
    /// without an allocation per line.
    pub fn next_line_ref(&mut self) -> Option<Result<LineRef<'_>, LineError>> {
        // Compacting here rather than after returning a line is what lets the line borrow
        // the buffer: no line from an earlier call can be alive now.
        self.compact_if_worthwhile();
        loop {
            let Some(offset) = find_lf(&self.buf[self.scanned..]) else {
                self.scanned = self.buf.len();
                return self.check_overflow().map(Err);
            };
            let lf = self.scanned + offset;
            let line_start = self.start;
            self.start = lf + 1;
            self.scanned = self.start;
            if std::mem::take(&mut self.discarding) {
                continue;
            }
            let (end, ending) = if lf > line_start && self.buf[lf - 1] == b'\r' {
                (lf - 1, LineEnding::CrLf)
            } else {
                (lf, LineEnding::BareLf)
            };
            return Some(if end - line_start + 2 > self.limit {
                Err(LineError::TooLong { limit: self.limit })
            } else {
                Ok(LineRef {
                    bytes: &self.buf[line_start..end],
                    ending,
                })
            });
        }
    }

    /// The bytes of an unterminated last line, taken when the stream ends so that nothing
    /// the peer sent is silently lost. `None` when the stream ended on a line boundary.
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        let rest = self.buf.split_off(self.start);
        let was_discarding = std::mem::take(&mut self.discarding);
        self.buf.clear();
        self.start = 0;
        self.scanned = 0;
        (!rest.is_empty() && !was_discarding).then_some(rest)
    }

    /// Takes the bytes buffered after the last returned line, leaving the framer empty.
    /// Used when the stream changes hands, e.g. from DATA back to commands.
    pub fn take_buffered(&mut self) -> Vec<u8> {
        let rest = self.buf.split_off(self.start);
        self.drop_pending();
        self.discarding = false;
        rest
    }

    /// Bytes buffered but not yet returned as a line.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    fn check_overflow(&mut self) -> Option<LineError> {
        // An unterminated line may still end in CR, so `limit - 1` bytes without an LF are
        // fine; one more cannot become a valid line.
        if !self.discarding && self.buffered() >= self.limit {
            self.discarding = true;
            self.drop_pending();
            return Some(LineError::TooLong { limit: self.limit });
        }
        if self.discarding {
            self.drop_pending();
        }
        None
    }

    fn drop_pending(&mut self) {
        self.buf.clear();
        self.start = 0;
        self.scanned = 0;
    }

    /// Moves the unread tail to the front once the consumed prefix dominates, so the buffer
    /// stays about one line long however long the stream runs.
    fn compact_if_worthwhile(&mut self) {
        if self.start > 4096 && self.start * 2 > self.buf.len() {
            let consumed = self.start;
            self.buf.drain(..consumed);
            self.start = 0;
            self.scanned -= consumed;
        }
    }
}

/// The index of the first LF. Eight bytes are tested at a time with the "has a zero byte"
/// test of Bit Twiddling Hacks on the bytes XOR `\n`: its lowest set bit marks the first
/// LF exactly (a false positive can only sit above a true one). Lines are short, so this
/// mostly saves the per-byte loop overhead of `iter().position`.
fn find_lf(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    const LFS: u64 = u64::from_le_bytes([b'\n'; 8]);
    let mut words = bytes.chunks_exact(8);
    let mut offset = 0;
    for word in words.by_ref() {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(word);
        let x = u64::from_le_bytes(buf) ^ LFS;
        let zeros = x.wrapping_sub(ONES) & !x & HIGHS;
        if zeros != 0 {
            return Some(offset + (zeros.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == b'\n')
        .map(|pos| offset + pos)
}

/// Why a line typed by the user may not be written to the server.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OutgoingLineError {
    /// CR, LF or NUL inside the line would end it early or smuggle a second command past
    /// the reader (RFC 5321 2.3.8: CR and LF only appear together, as the terminator).
    #[error("the line contains {name} at position {position}; type one line at a time")]
    ControlCharacter {
        /// `CR`, `LF` or `NUL`.
        name: &'static str,
        /// Byte offset in the line.
        position: usize,
    },
    /// The line with its CRLF exceeds the limit.
    #[error("the line is {length} octets with its CRLF; the limit is {limit}")]
    TooLong {
        /// Octets including CRLF.
        length: usize,
        /// The limit in octets.
        limit: usize,
    },
}

/// Checks a line before it is written to a server with CRLF appended: no CR, LF or NUL,
/// and at most `limit` octets including the CRLF.
///
/// # Errors
///
/// [`OutgoingLineError`] naming the first problem found.
pub fn check_outgoing_line(line: &str, limit: usize) -> Result<(), OutgoingLineError> {
    if let Some((position, byte)) = line
        .bytes()
        .enumerate()
        .find(|(_, b)| matches!(b, b'\r' | b'\n' | 0))
    {
        let name = match byte {
            b'\r' => "CR",
            b'\n' => "LF",
            _ => "NUL",
        };
        return Err(OutgoingLineError::ControlCharacter { name, position });
    }
    let length = line.len() + 2;
    if length > limit {
        return Err(OutgoingLineError::TooLong { length, limit });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(framer: &mut LineFramer) -> Vec<Result<(String, LineEnding), LineError>> {
        std::iter::from_fn(|| framer.next_line())
            .map(|r| r.map(|l| (l.to_text(), l.ending)))
            .collect()
    }

    #[test]
    fn splits_crlf_lines_fed_one_byte_at_a_time() {
        let input = b"220 mx ESMTP\r\n250-mx\r\n250 OK\r\n";
        let mut framer = LineFramer::new(512);
        let mut out = Vec::new();
        for b in input {
            framer.push(std::slice::from_ref(b));
            out.extend(lines(&mut framer));
        }
        let expected: Vec<_> = ["220 mx ESMTP", "250-mx", "250 OK"]
            .iter()
            .map(|s| Ok((s.to_string(), LineEnding::CrLf)))
            .collect();
        assert_eq!(out, expected);
        assert_eq!(framer.buffered(), 0);
    }

    #[test]
    fn partial_line_waits_for_more() {
        let mut framer = LineFramer::new(512);
        framer.push(b"220 partial\r");
        assert!(framer.next_line().is_none());
        framer.push(b"\n");
        assert_eq!(
            lines(&mut framer),
            vec![Ok(("220 partial".into(), LineEnding::CrLf))]
        );
    }

    #[test]
    fn bare_lf_is_reported() {
        let mut framer = LineFramer::new(512);
        framer.push(b"a\nb\r\n\n");
        assert_eq!(
            lines(&mut framer),
            vec![
                Ok(("a".into(), LineEnding::BareLf)),
                Ok(("b".into(), LineEnding::CrLf)),
                Ok(("".into(), LineEnding::BareLf)),
            ]
        );
    }

    #[test]
    fn line_at_limit_passes_and_one_over_fails() {
        let mut framer = LineFramer::new(10);
        framer.push(b"12345678\r\n123456789\r\nok\r\n");
        assert_eq!(
            lines(&mut framer),
            vec![
                Ok(("12345678".into(), LineEnding::CrLf)),
                Err(LineError::TooLong { limit: 10 }),
                Ok(("ok".into(), LineEnding::CrLf)),
            ]
        );
    }

    #[test]
    fn unterminated_overflow_is_reported_once_and_skipped_to_next_line() {
        let mut framer = LineFramer::new(10);
        let mut out = Vec::new();
        for _ in 0..100 {
            framer.push(b"xxxxxxxx");
            out.extend(lines(&mut framer));
            assert!(framer.buffered() < 10, "buffer must stay bounded");
        }
        framer.push(b"tail\r\nnext\r\n");
        out.extend(lines(&mut framer));
        assert_eq!(
            out,
            vec![
                Err(LineError::TooLong { limit: 10 }),
                Ok(("next".into(), LineEnding::CrLf)),
            ]
        );
    }

    #[test]
    fn finish_returns_unterminated_tail() {
        let mut framer = LineFramer::new(512);
        framer.push(b"250 OK\r\n221 Bye");
        assert_eq!(lines(&mut framer).len(), 1);
        assert_eq!(framer.finish(), Some(b"221 Bye".to_vec()));
        assert_eq!(framer.finish(), None);
    }

    #[test]
    fn long_streams_keep_the_buffer_small() {
        let mut framer = LineFramer::new(1000);
        let mut count = 0;
        for _ in 0..10_000 {
            framer.push(b"a line of message text\r\n");
            while let Some(line) = framer.next_line() {
                assert_eq!(line.expect("valid line").bytes, b"a line of message text");
                count += 1;
            }
        }
        assert_eq!(count, 10_000);
        assert!(framer.buf.capacity() < 64 * 1024);
    }

    #[test]
    fn word_at_a_time_lf_search_equals_byte_search() {
        for len in 0..40 {
            for first in 0..=len {
                for second in first..=len {
                    let mut bytes = vec![b'a'; len];
                    for (at, byte) in [(first, b'\n'), (second, 0x8A)] {
                        if at < len {
                            bytes[at] = byte;
                        }
                    }
                    let naive = bytes.iter().position(|&b| b == b'\n');
                    assert_eq!(find_lf(&bytes), naive, "{bytes:?}");
                }
            }
        }
        assert_eq!(find_lf(b"\x0b\x0b\x0b\x0b\x0b\x0b\x0b\n"), Some(7));
    }

    #[test]
    fn borrowed_lines_equal_owned_lines() {
        let input = b"220 a\r\n\xff\xfe\r\nbare\nlast\r\n";
        let mut owned = LineFramer::new(512);
        let mut borrowed = LineFramer::new(512);
        owned.push(input);
        borrowed.push(input);
        let mut texts = Vec::new();
        while let Some(line) = borrowed.next_line_ref() {
            let line = line.expect("short lines");
            let copy = owned.next_line().expect("same count").expect("short lines");
            assert_eq!(line.to_line(), copy);
            assert_eq!(line.text(), copy.to_text());
            texts.push(copy.to_text());
        }
        assert!(owned.next_line().is_none());
        assert_eq!(texts, ["220 a", "\u{fffd}\u{fffd}", "bare", "last"]);
    }

    #[test]
    fn outgoing_lines_refuse_control_characters_and_overlength() {
        assert_eq!(check_outgoing_line("EHLO me", 512), Ok(()));
        assert_eq!(
            check_outgoing_line("x\r\n.\r\nMAIL FROM:<evil>", 1000),
            Err(OutgoingLineError::ControlCharacter {
                name: "CR",
                position: 1
            })
        );
        assert_eq!(
            check_outgoing_line("a\0b", 512),
            Err(OutgoingLineError::ControlCharacter {
                name: "NUL",
                position: 1
            })
        );
        assert_eq!(check_outgoing_line(&"a".repeat(510), 512), Ok(()));
        assert_eq!(
            check_outgoing_line(&"a".repeat(511), 512),
            Err(OutgoingLineError::TooLong {
                length: 513,
                limit: 512
            })
        );
    }
}
