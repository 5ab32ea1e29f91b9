//! Reading transcripts people already have: swaks output, `C:` / `S:` listings, Python
//! smtplib debug output, openssl s_client sessions, postfix smtp-source traces, server-only
//! logs, and raw telnet or nc logs like the tutorial's.
//!
//! People paste whatever their terminal showed, so every input line yields at least one
//! [`TranscriptLine`] (a message that smtplib sent in one call yields one per line), with
//! its 1-based line number; what fits no pattern becomes a note, classified by
//! [`NoteKind`], so nothing is dropped and nothing panics. [`Format::detect`] picks the
//! reader from the text itself. One file per reader; `detect.rs` guesses the format,
//! `notes.rs` classifies notes, `smtp_line.rs` knows the shape of unmarked SMTP lines.

#[cfg(test)]
mod captured;
mod client_server;
mod detect;
mod notes;
mod pyrepr;
mod raw;
mod s_client;
mod server_only;
mod smtp_line;
mod smtp_source;
mod smtplib;
mod swaks;

pub use notes::NoteKind;

use crate::annotate::{AnnotatedLine, Direction, NoteEvent, ReplayLine, replay};
use crate::lang::Lang;

/// One line of a conversation read from a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptLine {
    /// Who sent it; `Note` for anything that is not SMTP (tool messages, shell prompts).
    pub direction: Direction,
    /// The SMTP line as sent, without CRLF, or the note's text.
    pub text: String,
    /// Whether it travelled inside TLS (swaks marks these `~>` and `<~`).
    pub tls: bool,
    /// The 1-based line number in the transcript it came from.
    pub source_line: usize,
    /// What a note says happened; `Some` exactly for `Direction::Note` lines.
    pub note: Option<NoteKind>,
}

impl TranscriptLine {
    fn client(text: &str, tls: bool, source_line: usize) -> Self {
        Self::smtp(Direction::Client, text, tls, source_line)
    }

    fn server(text: &str, tls: bool, source_line: usize) -> Self {
        Self::smtp(Direction::Server, text, tls, source_line)
    }

    fn smtp(direction: Direction, text: &str, tls: bool, source_line: usize) -> Self {
        TranscriptLine {
            direction,
            text: text.to_owned(),
            tls,
            source_line,
            note: None,
        }
    }

    fn note(text: &str, kind: NoteKind, source_line: usize) -> Self {
        TranscriptLine {
            direction: Direction::Note,
            text: text.to_owned(),
            tls: false,
            source_line,
            note: Some(kind),
        }
    }
}

/// The transcript dialects this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// swaks: `->` sent, `<-` received, `~>` / `<~` inside TLS, `<**` an error reply, `===`
    /// and `***` remarks.
    Swaks,
    /// RFC style: `C: ` client, `S: ` server.
    ClientServer,
    /// Python's smtplib with `set_debuglevel(1)` or `(2)`: `send: '...'`, `reply: b'...'`.
    Smtplib,
    /// openssl s_client (`-starttls smtp`, implicit TLS, `-crlf`): its certificate and
    /// session blocks are notes, the SMTP lines between them are read as a raw log.
    SClient,
    /// postfix's `smtp-source -v`: `smtp-source: > ` sent, `smtp-source: < ` received.
    SmtpSource,
    /// Only the server's reply lines, as pasted from a bounce or a log.
    ServerOnly,
    /// A raw telnet or netcat log: server lines start with a three-digit code, the rest is
    /// what the user typed; lines between 354 and `.` are message text.
    Raw,
}

impl Format {
    /// Every format, the order detection prefers when markers tie.
    pub const ALL: [Format; 7] = [
        Format::Swaks,
        Format::ClientServer,
        Format::Smtplib,
        Format::SClient,
        Format::SmtpSource,
        Format::ServerOnly,
        Format::Raw,
    ];

    /// Guesses the format from the first lines that say something.
    pub fn detect(text: &str) -> Format {
        detect::detect(text)
    }

    /// A short stable name: `swaks`, `client-server`, `smtplib`, `s_client`,
    /// `smtp-source`, `server-only`, `raw`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Swaks => "swaks",
            Format::ClientServer => "client-server",
            Format::Smtplib => "smtplib",
            Format::SClient => "s_client",
            Format::SmtpSource => "smtp-source",
            Format::ServerOnly => "server-only",
            Format::Raw => "raw",
        }
    }

    /// Reads a transcript in this format.
    pub fn read(self, text: &str) -> Vec<TranscriptLine> {
        match self {
            Format::Swaks => swaks::read(text),
            Format::ClientServer => client_server::read(text),
            Format::Smtplib => smtplib::read(text),
            Format::SClient => s_client::read(text),
            Format::SmtpSource => smtp_source::read(text),
            Format::ServerOnly => server_only::read(text),
            Format::Raw => raw::read(text),
        }
    }
}

/// Detects the format and reads the transcript.
pub fn read(text: &str) -> (Format, Vec<TranscriptLine>) {
    let format = Format::detect(text);
    (format, format.read(text))
}

/// The lines of a transcript with their 1-based numbers: split at LF, one CR before it
/// removed, no empty line after a final LF.
fn input_lines(text: &str) -> Vec<(usize, &str)> {
    if text.is_empty() {
        return Vec::new();
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    body.split('\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.strip_suffix('\r').unwrap_or(line)))
        .collect()
}

/// Reads a transcript and annotates every line of it in order (see
/// [`replay`]): a transcript that switches to TLS after an accepted
/// STARTTLS gets a note for the handshake if the tool did not print one. Blank note lines
/// are left out: they explain nothing.
pub fn annotate(text: &str, lang: Lang) -> (Format, Vec<(TranscriptLine, AnnotatedLine)>) {
    let (format, lines) = read(text);
    let kept: Vec<&TranscriptLine> = lines
        .iter()
        .filter(|l| l.direction != Direction::Note || !l.text.trim().is_empty())
        .collect();
    let replay_lines: Vec<ReplayLine<'_>> = kept
        .iter()
        .map(|l| ReplayLine {
            direction: l.direction,
            text: &l.text,
            tls: l.tls,
            note: l.note.map_or(NoteEvent::Other, |kind| kind.event(&l.text)),
        })
        .collect();
    let annotated = replay(&replay_lines, lang)
        .into_iter()
        .filter_map(|(i, a)| {
            let mut source = (*kept.get(i)?).clone();
            if a.direction == Direction::Note && source.direction != Direction::Note {
                // A note the replay added (a TLS handshake the tool did not print).
                source.direction = Direction::Note;
                source.text = a.text.clone();
                source.note = Some(NoteKind::TlsStarted);
            }
            Some((source, a))
        })
        .collect();
    (format, annotated)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each line as (direction letter, text), for compact expectations.
    pub(super) fn summary(lines: &[TranscriptLine]) -> Vec<(char, &str)> {
        lines
            .iter()
            .map(|l| {
                let d = match l.direction {
                    Direction::Client => 'C',
                    Direction::Server => 'S',
                    Direction::Note => 'N',
                };
                (d, l.text.as_str())
            })
            .collect()
    }

    #[test]
    fn input_lines_keep_blank_ones() {
        assert_eq!(input_lines(""), []);
        assert_eq!(input_lines("\n"), [(1, "")]);
        assert_eq!(input_lines("a\r\n\nb"), [(1, "a"), (2, ""), (3, "b")]);
        assert_eq!(input_lines("a\r\r\n"), [(1, "a\r")]);
    }

    #[test]
    fn odd_input_never_panics_and_keeps_every_line() {
        for text in [
            "",
            "\n\n",
            "send: 'unterminated",
            "reply: b'\\x'",
            "-> ",
            "C:",
            "12:00:00 x",
            "ü",
            "CONNECTED(\n---\n",
            "smtp-source: <",
            "220 x\nBDAT 99999999999999999999999\n",
        ] {
            for format in Format::ALL {
                let lines = format.read(text);
                let numbers: Vec<usize> = lines.iter().map(|l| l.source_line).collect();
                let expected: Vec<usize> = (1..=input_lines(text).len()).collect();
                let mut seen = numbers.clone();
                seen.dedup();
                assert_eq!(seen, expected, "{format:?} {text:?}");
                assert!(
                    lines
                        .iter()
                        .all(|l| l.note.is_some() == (l.direction == Direction::Note))
                );
            }
        }
    }
}
