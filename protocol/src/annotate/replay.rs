//! Annotating a whole transcript at once: unlike the page, which explains each line as it
//! arrives, a transcript is known from start to end, so a line's explanation can take its
//! reply into account (observed outcomes win) and the beginning of the session can be
//! recognised as missing.

use super::{AnnotatedLine, Annotator, Direction, NoteEvent};
use crate::command::Verb;
use crate::lang::Lang;
use crate::session::{ClientSession, Expect, Phase};

/// One line of a transcript as [`replay`] needs it.
#[derive(Debug, Clone, Copy)]
pub struct ReplayLine<'a> {
    /// Who sent it.
    pub direction: Direction,
    /// The line without CRLF, or the note's text.
    pub text: &'a str,
    /// The transcript shows it travelled inside TLS.
    pub tls: bool,
    /// For a note: what it says happened.
    pub note: NoteEvent,
}

/// Annotates every line of a transcript in order. Returns one annotated line per input
/// line, plus a note for a TLS handshake the transcript implies but does not show, each
/// with the index of the input line it belongs to (or precedes).
pub fn replay(lines: &[ReplayLine<'_>], lang: Lang) -> Vec<(usize, AnnotatedLine)> {
    let mut annotator = Annotator::new(lang);
    let first_smtp = lines.iter().find(|l| l.direction != Direction::Note);
    if first_smtp.is_some_and(|l| l.direction == Direction::Client) {
        annotator.greeting_not_shown();
    }
    let mut out: Vec<(usize, AnnotatedLine)> = Vec::with_capacity(lines.len());
    // Where each client line went in `out`, to apply revisions.
    let mut client_positions: Vec<usize> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let handshaking = annotator.session().phase() == Phase::TlsHandshake;
        let annotated = match line.direction {
            Direction::Note if line.note == NoteEvent::TlsStarted && handshaking => {
                annotator.tls_established(line.text)
            }
            Direction::Note => annotator.note_event(line.text, line.note),
            Direction::Client | Direction::Server => {
                if handshaking {
                    // The handshake happened between STARTTLS's 220 and this line; the
                    // tool did not print it.
                    let shown = if line.tls {
                        "TLS"
                    } else {
                        "TLS (handshake not shown)"
                    };
                    out.push((i, annotator.tls_established(shown)));
                }
                if line.direction == Direction::Client {
                    if data_will_be_accepted(annotator.session(), &lines[i..]) {
                        annotator.data_assumed();
                    }
                    client_positions.push(out.len());
                    annotator.client_line(line.text)
                } else {
                    annotator.server_line(line.text)
                }
            }
        };
        out.push((i, annotated));
        for revision in annotator.take_revisions() {
            if let Some(&position) = client_positions.get(revision.client_line) {
                out[position].1.annotation = revision.annotation;
            }
        }
    }
    out
}

/// Whether DATA is the last command still waiting for its reply, and the reply the
/// transcript shows for it later is a 354: the client talked ahead into its message.
fn data_will_be_accepted(session: &ClientSession, rest: &[ReplayLine<'_>]) -> bool {
    if session.in_body() || session.pending().last() != Some(&Expect::Command(Verb::Data)) {
        return false;
    }
    // DATA's reply is the n-th complete reply from here.
    let n = session.pending().count();
    rest.iter()
        .filter(|l| l.direction == Direction::Server)
        .filter(|l| l.text.as_bytes().get(3) != Some(&b'-'))
        .nth(n - 1)
        .is_some_and(|l| l.text.starts_with("354"))
}
