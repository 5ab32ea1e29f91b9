//! Text from outside (a target host, an Origin, a sender address, a refusal that quotes
//! them) escaped for the logs (issue 12, finding 6).
//!
//! Logs are read in terminals and parsed line by line. Written raw, a host name such as
//! `"x\n2026-12-03T05:00:00Z  WARN forged"` adds a line the bridge never wrote, and
//! `"\x1b[2J"` clears the reader's screen. [`Untrusted`] writes such text with every
//! control character, line separator and invisible formatting character (bidi overrides,
//! zero-width characters) as `\u{..}` (`\n`, `\r`, `\t` as those), and the backslash
//! doubled, so an escape in the log always means an escape.

use std::fmt::{self, Write as _};

/// Text from outside the bridge, for a `tracing` field or message: `%Untrusted(&text)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Untrusted<'a>(pub(crate) &'a str);

/// Whether a character must not reach a log as it is.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}'
        )
}

impl fmt::Display for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(|c: char| c == '\\' || hidden(c)) {
            f.write_str(&rest[..at])?;
            let mut chars = rest[at..].chars();
            match chars.next() {
                Some('\\') => f.write_str("\\\\")?,
                Some('\n') => f.write_str("\\n")?,
                Some('\r') => f.write_str("\\r")?,
                Some('\t') => f.write_str("\\t")?,
                Some(c) => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                None => {}
            }
            rest = chars.as_str();
        }
        f.write_str(rest)
    }
}

/// Writes `text` escaped into a new string (for a message that is built, then logged).
pub(crate) fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = write!(out, "{}", Untrusted(text));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_separators_and_invisible_characters_are_escaped() {
        assert_eq!(
            escaped("mx.example.org\n2026 WARN forged\r\t\u{1b}[2J\u{202e}\u{2028}\u{7f}"),
            "mx.example.org\\n2026 WARN forged\\r\\t\\u{1b}[2J\\u{202e}\\u{2028}\\u{7f}"
        );
        assert_eq!(
            escaped("a\\nb"),
            "a\\\\nb",
            "a typed backslash stays visible"
        );
        assert_eq!(escaped("mx.例子.中国 ok"), "mx.例子.中国 ok");
    }
}
