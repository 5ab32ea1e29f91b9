//! swaks output: ` -> ` a line sent, `<-  ` a line received, `~>` / `<~` the same inside
//! TLS, `<**` / `<~*` a reply swaks counts as an error, `===` remarks and `***` errors.
//!
//! swaks pads its markers to three columns (`<-  220 ...`, ` -> EHLO`), so the text starts
//! after the marker and its padding; a message line swaks sent empty is ` -> ` with nothing
//! after it.

use super::notes::NoteReader;
use super::{TranscriptLine, input_lines};

/// Reads swaks output.
pub(super) fn read(text: &str) -> Vec<TranscriptLine> {
    let mut notes = NoteReader::default();
    input_lines(text)
        .into_iter()
        .map(|(n, raw)| {
            let trimmed = raw.trim_start();
            let (marker, rest) = trimmed.split_at(trimmed.find(' ').unwrap_or(trimmed.len()));
            let rest = rest.strip_prefix(' ').unwrap_or(rest);
            // Reply markers are two columns plus padding: `<-  220`, `<** 550`.
            let reply = if marker.len() == 2 {
                rest.strip_prefix(' ').unwrap_or(rest)
            } else {
                rest
            };
            match marker {
                "->" => TranscriptLine::client(rest, false, n),
                "~>" => TranscriptLine::client(rest, true, n),
                "<-" | "<**" => TranscriptLine::server(reply, false, n),
                "<~" | "<~*" => TranscriptLine::server(reply, true, n),
                _ => TranscriptLine::note(trimmed, notes.kind(trimmed), n),
            }
        })
        .collect()
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
}
