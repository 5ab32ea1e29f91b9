//! Python smtplib's debug output, `set_debuglevel(1)` or `(2)` (which stamps each line with
//! the time): `send: '...'` what it sent, `reply: b'...'` each line it received.
//!
//! `reply: retcode (250); Msg: b'...'` only sums up the lines already shown and `data: (354,
//! b'...')` repeats a reply, so both are notes, not second replies. The message goes out as
//! one `send: b'...'` holding the whole dot-stuffed text ending in `\r\n.\r\n`: it is split
//! into its lines, all with the same source line. After the 220 to `STARTTLS` the lines are
//! marked as inside TLS.

use super::notes::NoteReader;
use super::smtp_line::{final_code, verb};
use super::{TranscriptLine, input_lines, pyrepr};
use crate::annotate::Direction;
use crate::command::Verb;

/// Reads smtplib debug output.
pub(super) fn read(text: &str) -> Vec<TranscriptLine> {
    let mut notes = NoteReader::default();
    let mut tls = false;
    let mut starttls_sent = false;
    let mut out = Vec::new();
    for (n, raw) in input_lines(text) {
        let line = strip_timestamp(raw.trim_start());
        let parsed = if let Some(rest) = line.strip_prefix("send: ") {
            pyrepr::decode(rest).map(|s| (Direction::Client, s))
        } else if let Some(rest) = line.strip_prefix("reply: ") {
            pyrepr::decode(rest).map(|s| (Direction::Server, s))
        } else {
            None
        };
        let Some((direction, decoded)) = parsed else {
            // Traceback frames are told apart by their indentation: keep it.
            let stamped = strip_timestamp(raw) != raw;
            out.push(TranscriptLine::note(
                raw,
                notes.kind(if stamped { line } else { raw }),
                n,
            ));
            continue;
        };
        let body = decoded
            .strip_suffix("\r\n")
            .or_else(|| decoded.strip_suffix('\n'))
            .unwrap_or(&decoded);
        for part in body.split('\n') {
            let part = part.strip_suffix('\r').unwrap_or(part);
            match direction {
                Direction::Client => {
                    starttls_sent = verb(part) == Some(Verb::StartTls);
                    out.push(TranscriptLine::client(part, tls, n));
                }
                _ => {
                    out.push(TranscriptLine::server(part, tls, n));
                    if starttls_sent && final_code(part) == Some(220) {
                        tls = true;
                    }
                }
            }
        }
    }
    out
}

/// Removes a leading `HH:MM:SS(.ffffff)` stamp, as debuglevel 2 writes.
pub(super) fn strip_timestamp(line: &str) -> &str {
    let bytes = line.as_bytes();
    let is_stamp = bytes.len() > 9
        && bytes[2] == b':'
        && bytes[5] == b':'
        && [0, 1, 3, 4, 6, 7]
            .iter()
            .all(|&i| bytes[i].is_ascii_digit());
    if !is_stamp {
        return line;
    }
    let end = line.find(' ').unwrap_or(line.len());
    line[end..].trim_start()
}

#[cfg(test)]
mod tests {
    use super::super::tests::summary;
    use super::*;

    #[test]
    fn debug_output() {
        let text = "send: 'ehlo [127.0.1.1]\\r\\n'\nreply: b'250-postfix.test\\r\\n'\nreply: b'250 SMTPUTF8\\r\\n'\nreply: retcode (250); Msg: b'postfix.test\\nSMTPUTF8'\nsend: b'Subject: it\\'s\\r\\n\\r\\n..dot\\r\\nCaf\\xc3\\xa9\\r\\n.\\r\\n'\n12:01:02.345678 reply: b'250 2.0.0 Ok\\r\\n'\n";
        let lines = read(text);
        assert_eq!(
            summary(&lines),
            [
                ('C', "ehlo [127.0.1.1]"),
                ('S', "250-postfix.test"),
                ('S', "250 SMTPUTF8"),
                ('N', "reply: retcode (250); Msg: b'postfix.test\\nSMTPUTF8'"),
                ('C', "Subject: it's"),
                ('C', ""),
                ('C', "..dot"),
                ('C', "Café"),
                ('C', "."),
                ('S', "250 2.0.0 Ok"),
            ]
        );
        assert_eq!(lines[8].source_line, 5);
        assert_eq!(strip_timestamp("12:01:02.345678 send: x"), "send: x");
        assert_eq!(strip_timestamp("12:0x send"), "12:0x send");
    }

    #[test]
    fn starttls_switches_to_tls() {
        let text = "send: 'STARTTLS\\r\\n'\nreply: b'220 2.0.0 Ready to start TLS\\r\\n'\nsend: 'ehlo x\\r\\n'\n";
        let tls: Vec<bool> = read(text).iter().map(|l| l.tls).collect();
        assert_eq!(tls, [false, false, true]);
    }
}
