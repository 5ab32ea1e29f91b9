//! Logs of what a server said and nothing else, as pasted from a bounce or a mail log: every
//! reply-shaped line is the server's. Unlike in a raw log there is no message text to
//! expect after a 354, because the client's side is not there.

use super::notes::NoteReader;
use super::smtp_line::is_reply_line;
use super::{TranscriptLine, input_lines};

/// Reads a server-only log.
pub(super) fn read(text: &str) -> Vec<TranscriptLine> {
    let mut notes = NoteReader::default();
    input_lines(text)
        .into_iter()
        .map(|(n, line)| {
            if is_reply_line(line) {
                TranscriptLine::server(line, false, n)
            } else {
                TranscriptLine::note(line, notes.kind(line), n)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::summary;
    use super::*;

    #[test]
    fn all_replies() {
        let text = "220 mx ESMTP\n250-mx\n250 SIZE 1000\n354 go on\n250 2.0.0 queued\n";
        let lines = read(text);
        assert!(lines.iter().all(|l| l.text.len() > 3));
        assert_eq!(summary(&lines)[3], ('S', "354 go on"));
        assert_eq!(summary(&lines)[4], ('S', "250 2.0.0 queued"));
    }
}
