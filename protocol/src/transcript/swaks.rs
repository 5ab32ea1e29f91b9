//! swaks output: ` -> ` a line sent, `<-  ` a line received, `~>` / `<~` the same inside
//! TLS, `<**` / `<~*` a reply swaks counts as an error, `**>` / `*~>` a line it sent in
//! error, `===` remarks and `***` errors. Its raw dumps (`  >`, `<  `) repeat lines already
//! shown, so they are notes.
//!
//! swaks pads its markers to three columns (`<-  220 ...`, ` -> EHLO`), so the text starts
//! after the marker and its padding; a message line swaks sent empty is ` -> ` with nothing
//! after it. Two marked lines are swaks's own words, so they are notes: `<** Timeout (2 secs)
//! waiting for server response` (an error marker without a reply), and ` -> 11 lines sent`,
//! what `--suppress-data` prints instead of the message, recognised by coming right before
//! the server's answer, where a real message would have ended with `.`.

use super::notes::{NoteReader, is_suppressed_data};
use super::smtp_line::is_reply_line;
use super::{TranscriptLine, input_lines};

/// Reads swaks output.
pub(super) fn read(text: &str) -> Vec<TranscriptLine> {
    let lines = input_lines(text);
    let mut notes = NoteReader::default();
    let mut out = Vec::with_capacity(lines.len());
    for (i, &(n, raw)) in lines.iter().enumerate() {
        let trimmed = raw.trim_start();
        let (marker, rest) = split_marker(trimmed);
        let next_is_reply = lines.get(i + 1).is_some_and(|&(_, next)| {
            matches!(
                split_marker(next.trim_start()).0,
                "<-" | "<~" | "<**" | "<~*"
            )
        });
        let line = match marker {
            "->" | "~>" if next_is_reply && is_suppressed_data(rest) => {
                TranscriptLine::note(raw, notes.kind(trimmed), n)
            }
            "->" | "**>" => TranscriptLine::client(rest, false, n),
            "~>" | "*~>" => TranscriptLine::client(rest, true, n),
            "<-" | "<~" => TranscriptLine::server(rest, marker == "<~", n),
            "<**" | "<~*" if is_reply_line(rest) => {
                TranscriptLine::server(rest, marker == "<~*", n)
            }
            _ => TranscriptLine::note(raw, notes.kind(trimmed), n),
        };
        out.push(line);
    }
    out
}

/// Splits a trimmed line into swaks's marker and the text after its padding.
fn split_marker(trimmed: &str) -> (&str, &str) {
    let (marker, rest) = trimmed.split_at(trimmed.find(' ').unwrap_or(trimmed.len()));
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    // Reply markers are two columns plus padding: `<-  220`, `<** 550`.
    let rest = if marker.len() == 2 && marker.starts_with('<') {
        rest.strip_prefix(' ').unwrap_or(rest)
    } else {
        rest
    };
    (marker, rest)
}

#[cfg(test)]
mod tests {
    use super::super::tests::summary;
    use super::*;

    #[test]
    fn arrows_and_tls() {
        let text = "=== Trying 127.0.0.1:10025...\n=== Connected to 127.0.0.1.\n<-  220 postfix.test ESMTP Postfix\n -> EHLO client\n<-  250-postfix.test\n<-  250 STARTTLS\n -> STARTTLS\n<-  220 2.0.0 Ready to start TLS\n=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256\n ~> EHLO client\n<~  250 AUTH PLAIN\n ~> RCPT TO:<nobody@postfix.test>\n<~* 550 5.1.1 <nobody@postfix.test>: Recipient address rejected\n<** 554 5.5.1 Error: no valid recipients\n -> \n\n";
        let lines = read(text);
        assert_eq!(
            summary(&lines),
            [
                ('N', "=== Trying 127.0.0.1:10025..."),
                ('N', "=== Connected to 127.0.0.1."),
                ('S', "220 postfix.test ESMTP Postfix"),
                ('C', "EHLO client"),
                ('S', "250-postfix.test"),
                ('S', "250 STARTTLS"),
                ('C', "STARTTLS"),
                ('S', "220 2.0.0 Ready to start TLS"),
                (
                    'N',
                    "=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256"
                ),
                ('C', "EHLO client"),
                ('S', "250 AUTH PLAIN"),
                ('C', "RCPT TO:<nobody@postfix.test>"),
                (
                    'S',
                    "550 5.1.1 <nobody@postfix.test>: Recipient address rejected"
                ),
                ('S', "554 5.5.1 Error: no valid recipients"),
                ('C', ""),
                ('N', ""),
            ]
        );
        let tls: Vec<bool> = lines.iter().map(|l| l.tls).collect();
        assert_eq!(&tls[8..14], [false, true, true, true, true, false]);
        assert_eq!(lines[2].source_line, 3);
    }

    #[test]
    fn swaks_own_words_are_notes() {
        let text = "**> RSET\n*~> QUIT\n<  250 dump\n<-  354 go ahead\n -> 11 lines sent\n<-  250 ok\n<** Timeout (2 secs) waiting for server response\n -> 3 lines sent\n -> .\n";
        assert_eq!(
            summary(&read(text)),
            [
                ('C', "RSET"),
                ('C', "QUIT"),
                ('N', "<  250 dump"),
                ('S', "354 go ahead"),
                ('N', " -> 11 lines sent"),
                ('S', "250 ok"),
                ('N', "<** Timeout (2 secs) waiting for server response"),
                ('C', "3 lines sent"),
                ('C', "."),
            ]
        );
    }
}
