//! postfix's `smtp-source -v` trace: every line of the conversation is logged with the
//! program's name, `smtp-source: <<< 250 ...` for a reply line and `smtp-source: MAIL
//! FROM:<...>` for a command; the message text itself is not logged, only its final `.`.
//!
//! The prefix is the name the program was started by (`/usr/sbin/smtp-source:` too), and
//! with `-c` the running count, ended by a bare CR, can stand before it on the same line.
//! Verbose lines that are neither (`name_mask: all`, `fatal: ...`, `warning: recipient
//! rejected: ...`) are notes.

use super::notes::NoteReader;
use super::smtp_line::starts_with_command;
use super::{TranscriptLine, input_lines};

/// The marker after the program name.
const PREFIX: &str = "smtp-source: ";

/// Reads an smtp-source trace.
pub(super) fn read(text: &str) -> Vec<TranscriptLine> {
    let mut notes = NoteReader::default();
    input_lines(text)
        .into_iter()
        .map(|(n, line)| {
            let rest = line.find(PREFIX).map(|at| &line[at + PREFIX.len()..]);
            match rest {
                Some(rest) => {
                    if let Some(reply) = rest.strip_prefix("<<< ") {
                        TranscriptLine::server(reply, false, n)
                    } else if rest == "." || starts_with_command(rest) {
                        TranscriptLine::client(rest, false, n)
                    } else {
                        TranscriptLine::note(line, notes.kind(rest), n)
                    }
                }
                None => TranscriptLine::note(line, notes.kind(line), n),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::summary;
    use super::*;

    #[test]
    fn trace() {
        let text = "/usr/sbin/smtp-source: name_mask: all\n/usr/sbin/smtp-source: <<< 220 x ESMTP\n/usr/sbin/smtp-source: HELO vm\n/usr/sbin/smtp-source: .\n1\r/usr/sbin/smtp-source: <<< 250 2.0.0 Ok\nsmtp-source: fatal: recipient rejected: 550 5.1.1 x\n";
        let lines = read(text);
        assert_eq!(
            summary(&lines),
            [
                ('N', "/usr/sbin/smtp-source: name_mask: all"),
                ('S', "220 x ESMTP"),
                ('C', "HELO vm"),
                ('C', "."),
                ('S', "250 2.0.0 Ok"),
                ('N', "smtp-source: fatal: recipient rejected: 550 5.1.1 x"),
            ]
        );
        assert_eq!(lines[5].note, Some(super::super::NoteKind::ClientError));
    }
}
