//! Line framing: split a byte stream into lines ended by CRLF.
//!
//! SMTP is line-oriented and every line ends in CRLF (RFC 5321 2.3.8). Bytes arrive in
//! arbitrary chunks, so [`LineFramer`] buffers what it has not yet seen the end of; a
//! partial line is the normal state between two reads, not an error (httparse's
//! `Status::Partial`). A line longer than the limit is reported once and skipped up to its
//! end, so one bad line never wedges the stream or grows the buffer without bound.

use std::borrow::Cow;
use std::collections::VecDeque;
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

/// One complete line of text from [`TextFramer::next_line`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLine<'a> {
    /// The line, terminator removed. Invalid UTF-8 is replaced as [`Line::to_text`] does.
    pub text: &'a str,
    /// What terminated it.
    pub ending: LineEnding,
}

/// A [`LineFramer`] that returns text: the same lines, the same [`LineError`]s at the same
/// places, and `TextLine::text` equal to [`Line::to_text`], for readers that want every line
/// as `&str` (a server's replies, which the bridge forwards line by line and assembles).
///
/// The difference is where UTF-8 is checked. `Line::to_text` validates each line on its own,
/// and `str::from_utf8` checks a word at a time only in aligned runs of two words or more,
/// so short reply lines are checked mostly byte by byte. `TextFramer` validates all the
/// complete lines of a [`push`](Self::push) with one call and keeps them as a `String`; a
/// line is then a slice of it, and the reply assembler copies from it without another
/// check. Where the text differs from the bytes (invalid UTF-8 replaced, an over-long
/// unfinished line dropped), a mark beside the text keeps the byte counts that limits and
/// [`discard_buffered`](Self::discard_buffered) need.
#[derive(Debug, Clone)]
pub struct TextFramer {
    /// Complete lines not yet returned, each with its terminator.
    text: String,
    /// Index in `text` where the next line starts.
    pos: usize,
    /// The bytes of the last line, whose LF has not arrived yet.
    partial: Vec<u8>,
    /// Where `text` does not tell the whole story, by index in `text`, in order.
    marks: VecDeque<(usize, Mark)>,
    /// The longest accepted line, terminator included.
    limit: usize,
    /// Set after an overflow: skip bytes up to and including the next LF.
    discarding: bool,
}

/// What happened at an index of [`TextFramer`]'s text that the text cannot show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// An unfinished line reached the limit here: [`LineFramer`]'s overflow. `dropped`
    /// counts its bytes, thrown away.
    Overflow { dropped: usize },
    /// The line starting here had invalid UTF-8, so its text is `grown_by` bytes longer than
    /// what the peer sent; limits and counts use the bytes sent.
    Replaced { grown_by: usize },
}

impl TextFramer {
    /// A framer that accepts lines up to `limit` octets, CRLF included.
    ///
    /// # Panics
    ///
    /// If `limit` is smaller than 2, which could not hold even an empty line.
    pub fn new(limit: usize) -> Self {
        assert!(limit >= 2, "a line limit must leave room for CRLF");
        Self {
            text: String::new(),
            pos: 0,
            partial: Vec::new(),
            marks: VecDeque::new(),
            limit,
            discarding: false,
        }
    }

    /// Appends bytes read from the stream; call [`next_line`](Self::next_line) until it
    /// returns `None` after every push.
    pub fn push(&mut self, mut bytes: &[u8]) {
        self.compact();
        if self.discarding {
            let lf = find_lf(bytes);
            let skipped = lf.map_or(bytes.len(), |lf| lf + 1);
            // Until its error is returned, `LineFramer` still holds the over-long line, so
            // `discard_buffered` counts these bytes.
            if let Some((_, Mark::Overflow { dropped })) = self.marks.back_mut() {
                *dropped += skipped;
            }
            if lf.is_none() {
                return;
            }
            bytes = &bytes[skipped..];
            self.discarding = false;
        }
        // Lines are short, so the last LF is near the end.
        let Some(last_lf) = bytes.iter().rposition(|&b| b == b'\n') else {
            self.partial.extend_from_slice(bytes);
            self.check_overflow();
            return;
        };
        let (mut complete, tail) = bytes.split_at(last_lf + 1);
        if !self.partial.is_empty() {
            let first_end = find_lf(complete).map_or(complete.len(), |lf| lf + 1);
            let (head, rest) = complete.split_at(first_end);
            let mut line = std::mem::take(&mut self.partial);
            line.extend_from_slice(head);
            self.append(&line);
            line.clear();
            self.partial = line;
            complete = rest;
        }
        self.append(complete);
        self.partial.extend_from_slice(tail);
        self.check_overflow();
    }

    /// The next complete line, `None` when more bytes are needed.
    #[inline]
    pub fn next_line(&mut self) -> Option<Result<TextLine<'_>, LineError>> {
        let start = self.pos;
        let mut grown_by = 0;
        if let Some(&(at, mark)) = self.marks.front()
            && at == start
        {
            self.marks.pop_front();
            match mark {
                Mark::Overflow { .. } => {
                    return Some(Err(LineError::TooLong { limit: self.limit }));
                }
                Mark::Replaced { grown_by: by } => grown_by = by,
            }
        }
        let bytes = self.text.as_bytes();
        // `text` holds complete lines only: no LF means no line.
        let lf = start + find_lf(&bytes[start..])?;
        self.pos = lf + 1;
        let (end, ending) = if lf > start && bytes[lf - 1] == b'\r' {
            (lf - 1, LineEnding::CrLf)
        } else {
            (lf, LineEnding::BareLf)
        };
        Some(if end - start - grown_by + 2 > self.limit {
            Err(LineError::TooLong { limit: self.limit })
        } else {
            Ok(TextLine {
                text: &self.text[start..end],
                ending,
            })
        })
    }

    /// The text of what is left when the stream ends (normally an unterminated last line),
    /// so that nothing the peer sent is silently lost; see [`LineFramer::finish`]. `None`
    /// when the stream ended on a line boundary.
    pub fn finish(&mut self) -> Option<String> {
        let mut rest = self.text.split_off(self.pos);
        rest.push_str(&lossy_text(&self.partial));
        self.clear();
        (!rest.is_empty()).then_some(rest)
    }

    /// Drops the lines not yet returned and the unfinished line, and says how many bytes
    /// the peer sent in them: [`LineFramer::take_buffered`] for a stream that changes hands
    /// and whose rest must not be read (plaintext after a 220 to STARTTLS, RFC 3207 4.2).
    pub fn discard_buffered(&mut self) -> usize {
        let (mut dropped, mut grown) = (0, 0);
        for (_, mark) in &self.marks {
            match *mark {
                Mark::Overflow { dropped: bytes } => dropped += bytes,
                Mark::Replaced { grown_by } => grown += grown_by,
            }
        }
        let sent = self.text.len() - self.pos - grown + self.partial.len() + dropped;
        self.clear();
        sent
    }

    fn clear(&mut self) {
        self.text.clear();
        self.pos = 0;
        self.partial.clear();
        self.marks.clear();
        self.discarding = false;
    }

    /// Adds complete lines (`lines` ends in LF) to the text: one UTF-8 check for all of
    /// them, and a line-by-line lossy conversion only when that check fails.
    fn append(&mut self, lines: &[u8]) {
        match std::str::from_utf8(lines) {
            Ok(text) => self.text.push_str(text),
            Err(_) => {
                for line in lines.split_inclusive(|&b| b == b'\n') {
                    let text = lossy_text(line);
                    if text.len() > line.len() {
                        let grown_by = text.len() - line.len();
                        self.marks
                            .push_back((self.text.len(), Mark::Replaced { grown_by }));
                    }
                    self.text.push_str(&text);
                }
            }
        }
    }

    /// [`LineFramer`]'s overflow rule: an unfinished line of `limit` bytes cannot become a
    /// valid line, so it is dropped, reported after the lines before it, and skipped to its
    /// end.
    fn check_overflow(&mut self) {
        if self.partial.len() >= self.limit {
            let dropped = self.partial.len();
            self.partial.clear();
            self.discarding = true;
            self.marks
                .push_back((self.text.len(), Mark::Overflow { dropped }));
        }
    }

    /// Forgets the returned lines: all of them when everything was read, the usual case
    /// between two reads, or the prefix once it dominates, as [`LineFramer`] does.
    fn compact(&mut self) {
        let consumed = self.pos;
        if consumed == self.text.len() {
            self.text.clear();
        } else if consumed > 4096 && consumed * 2 > self.text.len() {
            self.text.drain(..consumed);
        } else {
            return;
        }
        self.pos = 0;
        for (at, _) in &mut self.marks {
            *at -= consumed;
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
    // A scan without an early exit first, which the compiler turns into vector code: every
    // line of a pasted message passes here. The position is looked for only on failure.
    let control = line
        .bytes()
        .fold(false, |found, b| found | matches!(b, b'\r' | b'\n' | 0));
    if control
        && let Some((position, byte)) = line
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
mod tests;
