//! openssl s_client sessions (`-starttls smtp`, implicit TLS, `-crlf`, `-quiet`, `-brief`).
//!
//! s_client prints its own blocks around the SMTP lines: `CONNECTED(00000003)`, the
//! certificate checks (`depth=0 ...`, `verify error:...`, `verify return:1`), and sections
//! separated by `---` (certificate chain, PEM certificate, handshake summary, session
//! details, and later `Post-Handshake New Session Ticket arrived:` ending in `read R BLOCK`).
//! A block runs from such a line until a line that is a reply or a command; all of it is
//! notes. What is between blocks is an unmarked conversation: the terminal echoes what the
//! user typed between the server's replies, so the raw reader's rules apply
//! ([`Conversation`]). The SMTP lines s_client shows travelled inside TLS, but one.
//!
//! With `-starttls smtp` s_client reads the greeting, sends EHLO and STARTTLS itself and
//! prints none of that, except the last line of the EHLO reply (`250 CHUNKING`) after the
//! handshake: that line is the server's, but it came before TLS started.
//!
//! s_client takes a typed line starting with `R` as "renegotiate", `K`/`k` as "update keys"
//! and `Q` as "quit" (unless run with `-ign_eof`, `-quiet` or `-nocommands`): the line is
//! echoed but never sent, and s_client prints `RENEGOTIATING`, `KEYUPDATE` or `DONE`. Such
//! a typed line is a note too, so the conversation does not wait for a reply that never
//! comes. After a failed handshake s_client still prints `New, TLSv1.3, Cipher is ...`;
//! that summary only counts as TLS started when no TLS error came before it.

use super::notes::NoteKind;
use super::raw::{Conversation, next_non_blank};
use super::smtp_line::{final_code, is_reply_line, starts_with_command};
use super::{TranscriptLine, input_lines};

/// Reads an s_client log.
pub(super) fn read(text: &str) -> Vec<TranscriptLine> {
    let lines = input_lines(text);
    let mut conversation = Conversation::new(false);
    let mut in_block = false;
    let mut tls_failed = false;
    let mut handshake_seen = false;
    let mut smtp_seen = false;
    let mut out: Vec<TranscriptLine> = Vec::with_capacity(lines.len());
    for (i, &(n, line)) in lines.iter().enumerate() {
        let next = next_non_blank(&lines[i + 1..]);
        if !conversation.in_client_text() {
            if starts_block(line) {
                in_block = true;
                handshake_seen = true;
                if line.starts_with("CONNECTED(") {
                    tls_failed = false;
                }
            } else if in_block && (is_reply_line(line) || starts_with_command(line)) {
                in_block = false;
            }
        }
        if in_block || is_own_line(line) {
            let mut note = conversation.note(n, line);
            match note.note {
                Some(NoteKind::TlsFailed) => tls_failed = true,
                Some(NoteKind::TlsStarted) if tls_failed => note.note = Some(NoteKind::Other),
                _ => {}
            }
            out.push(note);
            continue;
        }
        if is_swallowed(line, next) {
            out.push(TranscriptLine::note(line, NoteKind::Renegotiating, n));
            continue;
        }
        if handshake_seen && !smtp_seen && !line.trim().is_empty() {
            smtp_seen = true;
            let leftover = final_code(line) == Some(250);
            conversation.set_tls(!leftover);
            let read = conversation.line(n, line, next);
            conversation.set_tls(true);
            out.push(read);
            continue;
        }
        out.push(conversation.line(n, line, next));
    }
    out
}

/// The lines that open one of s_client's blocks.
fn starts_block(line: &str) -> bool {
    line == "---"
        || line == "CONNECTION ESTABLISHED"
        || [
            "CONNECTED(",
            "depth=",
            "verify error:",
            "verify return:",
            "Can't use SSL_get_servername",
            "Didn't find STARTTLS",
        ]
        .iter()
        .any(|p| line.starts_with(p))
}

/// s_client's single lines outside its blocks.
fn is_own_line(line: &str) -> bool {
    matches!(
        line,
        "RENEGOTIATING" | "KEYUPDATE" | "DONE" | "closed" | "read R BLOCK"
    ) || line.starts_with("read:errno=")
        || line.starts_with("write:errno=")
        || line.contains(":error:") && line.contains("routines")
}

/// Whether a typed line was taken by s_client as its own command instead of being sent:
/// it starts with `R`, `K`, `k` or `Q` and s_client's answer follows.
fn is_swallowed(line: &str, next: Option<&str>) -> bool {
    matches!(
        (line.chars().next(), next),
        (Some('R'), Some("RENEGOTIATING"))
            | (Some('K' | 'k'), Some("KEYUPDATE"))
            | (Some('Q'), Some("DONE"))
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::summary;
    use super::*;

    #[test]
    fn starttls_leftover_and_swallowed_lines() {
        let text = "CONNECTED(00000003)\n---\nNew, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384\n---\n250 CHUNKING\n---\nPost-Handshake New Session Ticket arrived:\n\n---\nread R BLOCK\nEHLO x\n250 ok\nRCPT TO:<a@b>\nRENEGOTIATING\nQUIT\nDONE\n";
        let lines = read(text);
        assert_eq!(
            summary(&lines),
            [
                ('N', "CONNECTED(00000003)"),
                ('N', "---"),
                ('N', "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384"),
                ('N', "---"),
                ('S', "250 CHUNKING"),
                ('N', "---"),
                ('N', "Post-Handshake New Session Ticket arrived:"),
                ('N', ""),
                ('N', "---"),
                ('N', "read R BLOCK"),
                ('C', "EHLO x"),
                ('S', "250 ok"),
                ('N', "RCPT TO:<a@b>"),
                ('N', "RENEGOTIATING"),
                ('N', "QUIT"),
                ('N', "DONE"),
            ]
        );
        assert_eq!(lines[2].note, Some(NoteKind::TlsStarted));
        assert!(!lines[4].tls);
        assert!(lines[10].tls && lines[11].tls);
    }

    #[test]
    fn a_failed_handshake_starts_no_tls() {
        let text = "CONNECTED(00000003)\n40D7:error:0A000086:SSL routines:x:certificate verify failed:y:\n---\nNew, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384\n---\n";
        let kinds: Vec<_> = read(text).iter().map(|l| l.note).collect();
        assert_eq!(kinds[1], Some(NoteKind::TlsFailed));
        assert_eq!(kinds[3], Some(NoteKind::Other));
    }
}
