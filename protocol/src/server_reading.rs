//! Which command a real SMTP server reads in a line, as leniently as the most lenient one.
//!
//! [`CommandLine`](crate::command::CommandLine) keeps a line as the user typed it, for
//! explanations: its verb is the first word before a space or tab. Servers are more
//! forgiving than that. Postfix (`smtpd_token`), Sendmail and Exim skip leading white
//! space, cut the verb at any ASCII white space (space, tab, LF, vertical tab, form feed,
//! CR: C's `isspace`) and ignore white space at the end, so Postfix answers `354` to
//! `" DATA"`, `"\tDATA"`, `"\x0bDATA"` and `"DATA\x0c"`. A policy that decides by the strict
//! reading lets such a line through as "not DATA" while the server starts a message.
//!
//! So every decision about what a line will *do* at the server (the bridge's probe mode,
//! its recipient cap, what the server owes) goes through [`ServerReading`]. It is exactly
//! that white-space rule with ASCII case-insensitive verbs, and no more lenient: treating
//! `"RSET\x01"` as RSET (which every server refuses as unknown) would let a client reset a
//! count the server never reset. Other control characters, Unicode look-alikes (`DAТA`
//! with a Cyrillic `Т`, `ＤＡＴＡ`) and punctuation (`DATA:`) are not white space to any
//! server we know, so they make an unknown verb. The e2e test `verb_differential` holds
//! this against a real Postfix and aiosmtpd, variant by variant.

use std::borrow::Cow;

use crate::command::Verb;

/// A command line as a server reads it: the verb, and the arguments with the white space
/// around them removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerReading<'a> {
    /// The verb the server recognises, `None` when the first word is not an SMTP verb (or
    /// the line is blank).
    pub verb: Option<Verb>,
    /// The first word as typed (empty for a blank line).
    pub word: &'a str,
    /// Everything after the first word, without the white space around it.
    pub args: &'a str,
}

/// The bytes servers treat as white space between and around a command's words: C's
/// `isspace` in the "C" locale.
pub fn is_server_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn is_space_char(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_server_space)
}

impl<'a> ServerReading<'a> {
    /// Reads `line` (without its CRLF) as the most lenient server does. Never fails.
    pub fn of(line: &'a str) -> Self {
        // White space is ASCII, so these byte offsets are always character boundaries.
        let bytes = line.as_bytes();
        let start = bytes
            .iter()
            .position(|&b| !is_server_space(b))
            .unwrap_or(bytes.len());
        let end = bytes
            .iter()
            .rposition(|&b| !is_server_space(b))
            .map_or(start, |last| last + 1);
        let body = &line[start..end];
        let word_end = body.bytes().position(is_server_space).unwrap_or(body.len());
        let word = &body[..word_end];
        let args = body[word_end..].trim_start_matches(is_space_char);
        Self {
            verb: Verb::from_word(word),
            word,
            args,
        }
    }

    /// The line in the spelling [`CommandLine`](crate::command::CommandLine) reads the same
    /// way the server does: the verb, one space, the arguments with each run of white space
    /// made one space. Borrowed when the line already is that; `None` for an unknown verb.
    pub fn canonical(&self, line: &'a str) -> Option<Cow<'a, str>> {
        let verb = self.verb?;
        let mut canonical = String::with_capacity(line.len());
        canonical.push_str(verb.as_str());
        for word in self
            .args
            .split(is_space_char)
            .filter(|word| !word.is_empty())
        {
            canonical.push(' ');
            canonical.push_str(word);
        }
        Some(if canonical == line {
            Cow::Borrowed(line)
        } else {
            Cow::Owned(canonical)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verb(line: &str) -> Option<Verb> {
        ServerReading::of(line).verb
    }

    #[test]
    fn white_space_around_and_after_the_verb_is_what_postfix_skips() {
        for line in [
            "DATA",
            "data",
            "DaTa",
            " DATA",
            "  DATA",
            "\tDATA",
            "\x0bDATA",
            "\x0cDATA",
            "DATA\x0b",
            "DATA\x0c",
            "DATA ",
            "DATA\t",
            " \t\x0b\x0cDATA\x0c\x0b\t ",
            "DATA\x0bjunk",
        ] {
            assert_eq!(verb(line), Some(Verb::Data), "{line:?}");
        }
        assert_eq!(verb("\x0bRCPT\x0bTO:<a@b>"), Some(Verb::Rcpt));
        assert_eq!(verb(" bdat 4 last"), Some(Verb::Bdat));
        assert_eq!(verb("\tstarttls"), Some(Verb::StartTls));
    }

    #[test]
    fn other_controls_look_alikes_and_punctuation_make_an_unknown_verb() {
        for line in [
            "",
            "   ",
            "\x01DATA",
            "DATA\x01",
            "\x7fDATA",
            "D ATA",
            "DATA:",
            "DATA,",
            "DATAX",
            "DAТA",
            "ＤＡＴＡ",
            "\u{a0}DATA",
            "RSET\x01",
            "XDATA",
        ] {
            assert_eq!(verb(line), None, "{line:?}");
        }
    }

    #[test]
    fn arguments_lose_the_white_space_around_them() {
        let reading = ServerReading::of("\x0bRCPT\x0c\tTO:<a@b>  NOTIFY=NEVER\x0b");
        assert_eq!(reading.word, "RCPT");
        assert_eq!(reading.args, "TO:<a@b>  NOTIFY=NEVER");
        assert_eq!(
            reading.canonical("\x0bRCPT\x0c\tTO:<a@b>  NOTIFY=NEVER\x0b"),
            Some(Cow::Owned("RCPT TO:<a@b> NOTIFY=NEVER".to_owned()))
        );
    }

    #[test]
    fn canonical_borrows_a_line_that_is_already_canonical() {
        let line = "BDAT 4 LAST";
        assert!(matches!(
            ServerReading::of(line).canonical(line),
            Some(Cow::Borrowed("BDAT 4 LAST"))
        ));
        assert_eq!(
            ServerReading::of("bdat\t4\x0bLAST").canonical("bdat\t4\x0bLAST"),
            Some(Cow::Owned("BDAT 4 LAST".to_owned()))
        );
        assert_eq!(ServerReading::of("XDATA").canonical("XDATA"), None);
    }

    #[test]
    fn multi_byte_text_never_splits_a_character() {
        let reading = ServerReading::of("MAIL\u{3000}FROM:<ü@例子.中国>\x0b");
        assert_eq!(reading.verb, None, "U+3000 is no server's white space");
        let reading = ServerReading::of("MAIL FROM:<ü@例子.中国>\x0b");
        assert_eq!(reading.verb, Some(Verb::Mail));
        assert_eq!(reading.args, "FROM:<ü@例子.中国>");
    }
}
