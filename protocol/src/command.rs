//! Client command lines: which verb was typed, and where its arguments start.
//!
//! Parsing never fails and never rewrites the input: the user typed `mail from:<a@b>` and
//! the transcript must show exactly that. [`CommandLine`] keeps the text and records spans
//! into it. Verbs are case-insensitive (RFC 5321 2.4).

use std::ops::Range;

/// A command verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    /// `HELO domain`: identify the client, plain SMTP (RFC 5321 4.1.1.1).
    Helo,
    /// `EHLO domain`: identify the client and ask for extensions (RFC 5321 4.1.1.1).
    Ehlo,
    /// `MAIL FROM:<path>`: start a transaction (RFC 5321 4.1.1.2).
    Mail,
    /// `RCPT TO:<path>`: add a recipient (RFC 5321 4.1.1.3).
    Rcpt,
    /// `DATA`: send the message text (RFC 5321 4.1.1.4).
    Data,
    /// `RSET`: abort the transaction (RFC 5321 4.1.1.5).
    Rset,
    /// `VRFY string`: verify a user or mailbox (RFC 5321 4.1.1.6).
    Vrfy,
    /// `EXPN string`: expand a mailing list (RFC 5321 4.1.1.7).
    Expn,
    /// `HELP [string]` (RFC 5321 4.1.1.8).
    Help,
    /// `NOOP` (RFC 5321 4.1.1.9).
    Noop,
    /// `QUIT` (RFC 5321 4.1.1.10).
    Quit,
    /// `AUTH mechanism [initial-response]` (RFC 4954).
    Auth,
    /// `STARTTLS` (RFC 3207).
    StartTls,
    /// `BDAT size [LAST]` (RFC 3030).
    Bdat,
    /// `ETRN node` (RFC 1985).
    Etrn,
}

impl Verb {
    /// Every verb, in the order a lesson introduces them.
    pub const ALL: [Verb; 15] = [
        Verb::Helo,
        Verb::Ehlo,
        Verb::Auth,
        Verb::StartTls,
        Verb::Mail,
        Verb::Rcpt,
        Verb::Data,
        Verb::Bdat,
        Verb::Rset,
        Verb::Noop,
        Verb::Quit,
        Verb::Vrfy,
        Verb::Expn,
        Verb::Help,
        Verb::Etrn,
    ];

    /// The verb as the RFCs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Helo => "HELO",
            Verb::Ehlo => "EHLO",
            Verb::Mail => "MAIL",
            Verb::Rcpt => "RCPT",
            Verb::Data => "DATA",
            Verb::Rset => "RSET",
            Verb::Vrfy => "VRFY",
            Verb::Expn => "EXPN",
            Verb::Help => "HELP",
            Verb::Noop => "NOOP",
            Verb::Quit => "QUIT",
            Verb::Auth => "AUTH",
            Verb::StartTls => "STARTTLS",
            Verb::Bdat => "BDAT",
            Verb::Etrn => "ETRN",
        }
    }

    /// The verb for a word, ignoring ASCII case; `None` for anything else.
    pub fn from_word(word: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|verb| verb.as_str().eq_ignore_ascii_case(word))
    }
}

/// One command line as typed, with the spans of its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine<'a> {
    /// The whole line, exactly as typed, without CRLF.
    pub text: &'a str,
    /// The recognised verb, `None` when the first word is not an SMTP verb.
    pub verb: Option<Verb>,
    /// Span of the first word (the verb as typed) in `text`.
    pub verb_span: Range<usize>,
    /// Span of everything after the space that follows the verb; empty when there is none.
    pub args_span: Range<usize>,
}

impl<'a> CommandLine<'a> {
    /// Splits a line into verb and arguments. Never fails; see the module documentation.
    pub fn parse(text: &'a str) -> Self {
        let verb_end = text.find([' ', '\t']).unwrap_or(text.len());
        let verb_span = 0..verb_end;
        let args_start = (verb_end + 1).min(text.len());
        Self {
            text,
            verb: Verb::from_word(&text[verb_span.clone()]),
            verb_span,
            args_span: args_start..text.len(),
        }
    }

    /// The verb exactly as typed (`mail`, `Mail`, `MAIL`, or an unknown word).
    pub fn verb_text(&self) -> &'a str {
        &self.text[self.verb_span.clone()]
    }

    /// The arguments exactly as typed, e.g. `FROM:<a@example.com> SIZE=100`.
    pub fn args(&self) -> &'a str {
        &self.text[self.args_span.clone()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_are_case_insensitive_and_text_is_kept() {
        let cmd = CommandLine::parse("mail FROM:<a@example.com> SIZE=10");
        assert_eq!(cmd.verb, Some(Verb::Mail));
        assert_eq!(cmd.verb_text(), "mail");
        assert_eq!(cmd.args(), "FROM:<a@example.com> SIZE=10");
        assert_eq!(CommandLine::parse("StartTLS").verb, Some(Verb::StartTls));
    }

    #[test]
    fn bare_verb_and_empty_line() {
        let cmd = CommandLine::parse("DATA");
        assert_eq!((cmd.verb, cmd.args()), (Some(Verb::Data), ""));
        let cmd = CommandLine::parse("");
        assert_eq!((cmd.verb, cmd.verb_text(), cmd.args()), (None, "", ""));
    }

    #[test]
    fn unknown_verbs_keep_their_spans() {
        let cmd = CommandLine::parse("FOO bar");
        assert_eq!(cmd.verb, None);
        assert_eq!(cmd.verb_span, 0..3);
        assert_eq!(cmd.args(), "bar");
    }

    #[test]
    fn every_verb_round_trips_through_its_name() {
        for verb in Verb::ALL {
            assert_eq!(Verb::from_word(verb.as_str()), Some(verb));
            assert_eq!(
                Verb::from_word(&verb.as_str().to_ascii_lowercase()),
                Some(verb)
            );
        }
    }

    #[test]
    fn multibyte_input_does_not_panic() {
        let cmd = CommandLine::parse("邮件 发送");
        assert_eq!(cmd.verb, None);
        assert_eq!(cmd.verb_text(), "邮件");
        assert_eq!(cmd.args(), "发送");
    }
}
