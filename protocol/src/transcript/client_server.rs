//! RFC-style listings: `C: ` a client line, `S: ` a server line; anything else (comments,
//! headings) is a note. A bare `C:` is an empty line the client sent, as in message text.

use super::notes::NoteReader;
use super::{TranscriptLine, input_lines};

/// Reads a `C:` / `S:` listing.
pub(super) fn read(text: &str) -> Vec<TranscriptLine> {
    let mut notes = NoteReader::default();
    input_lines(text)
        .into_iter()
        .map(|(n, raw)| {
            let trimmed = raw.trim_start();
            if let Some(rest) = trimmed.strip_prefix("C:") {
                TranscriptLine::client(rest.strip_prefix(' ').unwrap_or(rest), false, n)
            } else if let Some(rest) = trimmed.strip_prefix("S:") {
                TranscriptLine::server(rest.strip_prefix(' ').unwrap_or(rest), false, n)
            } else {
                TranscriptLine::note(raw, notes.kind(trimmed), n)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::summary;
    use super::*;

    #[test]
    fn listing() {
        let text = "S: 220 foo.com Simple Mail Transfer Service Ready\nC: EHLO bar.com\nS: 250 OK\nC:\n# comment\n\n";
        assert_eq!(
            summary(&read(text)),
            [
                ('S', "220 foo.com Simple Mail Transfer Service Ready"),
                ('C', "EHLO bar.com"),
                ('S', "250 OK"),
                ('C', ""),
                ('N', "# comment"),
                ('N', ""),
            ]
        );
    }
}
