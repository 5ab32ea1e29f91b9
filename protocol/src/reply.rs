//! Server replies (RFC 5321 section 4.2).
//!
//! A reply is one or more lines. Each line starts with the same three-digit code; every line
//! but the last has a `-` after the code, the last a space (or nothing):
//!
//! ```text
//! 250-mail.example.com
//! 250-PIPELINING
//! 250 8BITMIME
//! ```
//!
//! [`ReplyLine::parse`] reads one line; [`ReplyAssembler`] joins lines into a [`Reply`].

use std::fmt;
use thiserror::Error;

/// A three-digit reply code, `200..=599` in practice but anything `000..=999` parses, so a
/// strange server can still be shown and explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReplyCode(u16);

impl ReplyCode {
    /// The code from its three digits, `None` above 999.
    pub fn new(code: u16) -> Option<Self> {
        (code <= 999).then_some(Self(code))
    }

    /// The numeric value, e.g. `250`.
    pub fn get(self) -> u16 {
        self.0
    }

    /// What the first digit says about the outcome (RFC 5321 4.2.1).
    pub fn class(self) -> ReplyClass {
        match self.0 / 100 {
            2 => ReplyClass::PositiveCompletion,
            3 => ReplyClass::PositiveIntermediate,
            4 => ReplyClass::TransientNegative,
            5 => ReplyClass::PermanentNegative,
            _ => ReplyClass::Undefined,
        }
    }
}

impl fmt::Display for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

/// The first digit of a reply code (RFC 5321 4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyClass {
    /// 2yz: the command succeeded.
    PositiveCompletion,
    /// 3yz: accepted so far; the server waits for more (354 after DATA, 334 during AUTH).
    PositiveIntermediate,
    /// 4yz: failed this time; trying again later may work.
    TransientNegative,
    /// 5yz: failed; repeating the same command will fail again.
    PermanentNegative,
    /// 0yz, 1yz, 6yz..9yz: not defined by RFC 5321.
    Undefined,
}

/// One parsed reply line, borrowing the text it was parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyLine<'a> {
    /// The three-digit code.
    pub code: ReplyCode,
    /// `true` when a space (or the end of line) follows the code: the reply is complete.
    pub is_last: bool,
    /// The text after the separator, possibly empty.
    pub text: &'a str,
}

/// Why a line is not a valid reply line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReplyLineError {
    /// The line does not start with three digits.
    #[error("a reply line must start with a three-digit code")]
    MissingCode,
    /// Something other than `-`, space or the end of line follows the code.
    #[error("a reply code must be followed by a space or '-', found {found:?}")]
    BadSeparator {
        /// The character found after the code.
        found: char,
    },
}

impl<'a> ReplyLine<'a> {
    /// Parses one line, without its CRLF.
    ///
    /// # Errors
    ///
    /// [`ReplyLineError`] when the line does not have the `NNN[ -]text` shape.
    #[inline]
    pub fn parse(line: &'a str) -> Result<Self, ReplyLineError> {
        let bytes = line.as_bytes();
        let code = match bytes {
            [a, b, c, ..] if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() => {
                ReplyCode(
                    u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0'),
                )
            }
            _ => return Err(ReplyLineError::MissingCode),
        };
        // The separator is read as a byte: the code is three ASCII bytes, so when the fourth
        // is ASCII too the text starts at a char boundary right after it.
        let is_last = match bytes.get(3) {
            None => {
                return Ok(Self {
                    code,
                    is_last: true,
                    text: "",
                });
            }
            Some(b' ') => true,
            Some(b'-') => false,
            Some(_) => {
                let found = line[3..]
                    .chars()
                    .next()
                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                return Err(ReplyLineError::BadSeparator { found });
            }
        };
        Ok(Self {
            code,
            is_last,
            text: &line[4..],
        })
    }
}

/// A complete reply: its code and the text of each line.
///
/// The lines are kept in one string, separated by `\n` (which no line can contain: the
/// framer splits on it), so assembling a reply costs one allocation however many lines it
/// has; an EHLO reply of fifteen lines would otherwise cost sixteen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The code shared by every line.
    pub code: ReplyCode,
    /// The text of every line after the code and separator, joined by `\n`.
    text: String,
    /// How many lines the reply has (at least one).
    count: usize,
}

impl Reply {
    /// A reply from its code and the text of each line. No lines makes one empty line.
    ///
    /// # Panics
    ///
    /// If a line contains `\n`, which cannot occur in a reply line.
    pub fn new<I, S>(code: ReplyCode, lines: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut reply = Self {
            code,
            text: String::new(),
            count: 0,
        };
        for line in lines {
            let line = line.as_ref();
            assert!(!line.contains('\n'), "a reply line cannot contain LF");
            reply.push_line(line);
        }
        reply.count = reply.count.max(1);
        reply
    }

    /// Appends a line; the caller guarantees it has no LF (framed lines never do).
    fn push_line(&mut self, line: &str) {
        if self.count > 0 {
            self.text.push('\n');
        }
        self.text.push_str(line);
        self.count += 1;
    }

    /// The text of each line, in order.
    pub fn lines(&self) -> std::str::Split<'_, char> {
        self.text.split('\n')
    }

    /// The first line's text: the greeting's or EHLO reply's server name, or the whole
    /// text of a one-line reply.
    pub fn first_line(&self) -> &str {
        self.text.split('\n').next().unwrap_or_default()
    }

    /// The last line's text.
    pub fn last_line(&self) -> &str {
        self.text.rsplit('\n').next().unwrap_or_default()
    }

    /// How many lines the reply has.
    pub fn line_count(&self) -> usize {
        self.count
    }

    /// All lines' text joined by `\n`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The reply in wire form, CRLF after every line.
    pub fn to_wire(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + self.count * 6);
        let last = self.count - 1;
        for (i, text) in self.lines().enumerate() {
            let sep = if i == last { ' ' } else { '-' };
            out.push_str(&format!("{}{sep}{text}\r\n", self.code));
        }
        out
    }
}

/// Why a line could not be added to the reply being assembled.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReplyError {
    /// The line is not a reply line at all.
    #[error(transparent)]
    Line(#[from] ReplyLineError),
    /// A continuation line carries a different code than the first line (RFC 5321 4.2.1
    /// requires the same code on every line).
    #[error("reply line has code {found} but the reply started with {expected}")]
    CodeChanged {
        /// The code of the reply's first line.
        expected: ReplyCode,
        /// The code on this line.
        found: ReplyCode,
    },
    /// The reply has more lines than the assembler accepts.
    #[error("reply has more than {limit} lines")]
    TooManyLines {
        /// The configured limit.
        limit: usize,
    },
}

/// Joins reply lines into replies. A reply that is still open is not an error: `push`
/// returns `Ok(None)` until its last line arrives.
#[derive(Debug, Clone)]
pub struct ReplyAssembler {
    pending: Option<Reply>,
    max_lines: usize,
}

impl Default for ReplyAssembler {
    /// At most 100 lines per reply, far above any real EHLO response.
    fn default() -> Self {
        Self::with_max_lines(100)
    }
}

impl ReplyAssembler {
    /// An assembler that refuses replies longer than `max_lines` lines.
    pub fn with_max_lines(max_lines: usize) -> Self {
        Self {
            pending: None,
            max_lines: max_lines.max(1),
        }
    }

    /// Adds one line (without CRLF). Returns the reply once its last line is in.
    ///
    /// # Errors
    ///
    /// [`ReplyError`] when the line is malformed, changes the code mid-reply, or exceeds the
    /// line limit. The partial reply is dropped, so the next line starts a new reply.
    pub fn push(&mut self, line: &str) -> Result<Option<Reply>, ReplyError> {
        let parsed = match ReplyLine::parse(line) {
            Ok(parsed) => parsed,
            Err(err) => {
                self.pending = None;
                return Err(err.into());
            }
        };
        let reply = self.pending.get_or_insert_with(|| Reply {
            code: parsed.code,
            // A multi-line reply is usually an EHLO reply of ten to twenty short lines.
            text: String::with_capacity(if parsed.is_last {
                parsed.text.len()
            } else {
                256
            }),
            count: 0,
        });
        if reply.code != parsed.code {
            let expected = reply.code;
            self.pending = None;
            return Err(ReplyError::CodeChanged {
                expected,
                found: parsed.code,
            });
        }
        if reply.count == self.max_lines {
            self.pending = None;
            return Err(ReplyError::TooManyLines {
                limit: self.max_lines,
            });
        }
        reply.push_line(parsed.text);
        Ok(if parsed.is_last {
            self.pending.take()
        } else {
            None
        })
    }

    /// Whether a multi-line reply is open, waiting for its last line.
    pub fn in_progress(&self) -> bool {
        self.pending.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_final_continuation_and_bare_code() {
        let line = ReplyLine::parse("250-PIPELINING").expect("valid");
        assert_eq!(
            (line.code.get(), line.is_last, line.text),
            (250, false, "PIPELINING")
        );
        let line = ReplyLine::parse("221 2.0.0 Bye").expect("valid");
        assert_eq!(
            (line.code.get(), line.is_last, line.text),
            (221, true, "2.0.0 Bye")
        );
        let line = ReplyLine::parse("250").expect("valid");
        assert_eq!((line.code.get(), line.is_last, line.text), (250, true, ""));
    }

    #[test]
    fn rejects_lines_that_are_not_replies() {
        assert_eq!(ReplyLine::parse("25"), Err(ReplyLineError::MissingCode));
        assert_eq!(ReplyLine::parse("OK 250"), Err(ReplyLineError::MissingCode));
        assert_eq!(
            ReplyLine::parse("250_OK"),
            Err(ReplyLineError::BadSeparator { found: '_' })
        );
        assert_eq!(
            ReplyLine::parse("250é"),
            Err(ReplyLineError::BadSeparator { found: 'é' })
        );
    }

    #[test]
    fn classes_follow_the_first_digit() {
        let class = |c| ReplyCode::new(c).expect("code").class();
        assert_eq!(class(250), ReplyClass::PositiveCompletion);
        assert_eq!(class(334), ReplyClass::PositiveIntermediate);
        assert_eq!(class(421), ReplyClass::TransientNegative);
        assert_eq!(class(503), ReplyClass::PermanentNegative);
        assert_eq!(class(199), ReplyClass::Undefined);
        assert_eq!(ReplyCode::new(1000), None);
    }

    #[test]
    fn assembles_multi_line_reply() {
        let mut asm = ReplyAssembler::default();
        assert_eq!(asm.push("250-mx.example"), Ok(None));
        assert!(asm.in_progress());
        assert_eq!(asm.push("250-SIZE 10240000"), Ok(None));
        let reply = asm.push("250 8BITMIME").expect("valid").expect("complete");
        assert_eq!(reply.code.get(), 250);
        assert_eq!(
            reply.lines().collect::<Vec<_>>(),
            ["mx.example", "SIZE 10240000", "8BITMIME"]
        );
        assert_eq!(
            (reply.first_line(), reply.last_line(), reply.line_count()),
            ("mx.example", "8BITMIME", 3)
        );
        assert!(!asm.in_progress());
        assert_eq!(
            reply.to_wire(),
            "250-mx.example\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n"
        );
    }

    #[test]
    fn code_change_mid_reply_is_an_error_and_resets() {
        let mut asm = ReplyAssembler::default();
        asm.push("250-first").expect("valid");
        let err = asm.push("550 second").expect_err("code changed");
        assert!(matches!(err, ReplyError::CodeChanged { .. }));
        assert!(!asm.in_progress());
        assert!(asm.push("221 Bye").expect("valid").is_some());
    }

    #[test]
    fn too_many_lines_is_an_error() {
        let mut asm = ReplyAssembler::with_max_lines(2);
        asm.push("250-a").expect("valid");
        asm.push("250-b").expect("valid");
        assert_eq!(
            asm.push("250 c"),
            Err(ReplyError::TooManyLines { limit: 2 })
        );
    }
}
