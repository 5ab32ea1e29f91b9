//! Which tool wrote a transcript, from the text alone.
//!
//! The first line that only one tool writes decides: swaks's arrows and `===` remarks,
//! `C:`/`S:`, smtplib's `send:`/`reply:`/`connect:`, `smtp-source:` (after the program's
//! path and `-c`'s counter, too), s_client's `CONNECTED(...)`, certificate checks, `---`
//! separators and session blocks (a paste may start after the certificate) or a typed
//! `openssl s_client` command. Shell prompts, blank lines and
//! tool chatter before it are skipped. A bare reply line first means an unmarked log: raw
//! telnet/nc, or server-only when no line in it is the client's. Message text comes after
//! the lines that decide, so a body quoting another format does not mislead the guess.

use super::Format;
use super::notes::{NoteKind, classify, is_shell_prompt};
use super::smtp_line::is_reply_line;
use super::smtplib::strip_timestamp;

/// Guesses the format of a transcript.
pub(super) fn detect(text: &str) -> Format {
    for line in text.lines() {
        let line = strip_timestamp(line.trim());
        if line.is_empty() {
            continue;
        }
        if let Some(format) = marker(line) {
            return format;
        }
        if is_reply_line(line) {
            return if is_server_only(text) {
                Format::ServerOnly
            } else {
                Format::Raw
            };
        }
    }
    Format::Raw
}

/// The format a line's marker belongs to, if it has one.
fn marker(line: &str) -> Option<Format> {
    const SWAKS: [&str; 10] = [
        "=== ", "*** ", "-> ", "<- ", "~> ", "<~ ", "<** ", "<~* ", "**> ", "*~> ",
    ];
    if SWAKS.iter().any(|p| line.starts_with(p)) || line == "->" || line == "~>" {
        return Some(Format::Swaks);
    }
    if line.starts_with("C: ") || line.starts_with("S: ") || line == "C:" || line == "S:" {
        return Some(Format::ClientServer);
    }
    if ["send: ", "reply: ", "connect: "]
        .iter()
        .any(|p| line.starts_with(p))
    {
        return Some(Format::Smtplib);
    }
    if line.contains("smtp-source: ") {
        return Some(Format::SmtpSource);
    }
    if [
        "CONNECTED(",
        "depth=",
        "verify error:",
        "Can't use SSL_get_servername",
        "Post-Handshake New Session Ticket",
        "SSL-Session:",
        "Certificate chain",
    ]
    .iter()
    .any(|p| line.starts_with(p))
        || ["CONNECTION ESTABLISHED", "---", "read R BLOCK"].contains(&line)
        || is_shell_prompt(line) && line.contains("s_client")
    {
        return Some(Format::SClient);
    }
    None
}

/// Whether every line that says something is a reply line or a remark: no line is the
/// client's.
fn is_server_only(text: &str) -> bool {
    text.lines().all(|line| {
        let trimmed = line.trim();
        trimmed.is_empty()
            || is_reply_line(line)
            || is_shell_prompt(line)
            || trimmed.starts_with("Escape character is")
            || classify(line) != NoteKind::Other
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tool() {
        for (text, format) in [
            (
                "$ swaks --to a@b\n=== Trying 127.0.0.1:25...\n",
                Format::Swaks,
            ),
            ("\n\n<-  220 x\n", Format::Swaks),
            ("S: 220 x\nC: EHLO y\n", Format::ClientServer),
            ("connect: ('127.0.0.1', 25)\n", Format::Smtplib),
            ("05:01:02.123456 send: 'ehlo x\\r\\n'\n", Format::Smtplib),
            ("smtp-source: <<< 220 x\n", Format::SmtpSource),
            ("1\r/usr/sbin/smtp-source: <<< 220 x\n", Format::SmtpSource),
            (
                "Can't use SSL_get_servername\ndepth=0 CN = x\n",
                Format::SClient,
            ),
            ("CONNECTED(00000003)\ndepth=0 CN = x\n", Format::SClient),
            (
                "---\n250 CHUNKING\n---\nPost-Handshake New Session Ticket arrived:\n",
                Format::SClient,
            ),
            (
                "$ openssl s_client -quiet -connect 127.0.0.1:465\n220 x\n",
                Format::SClient,
            ),
            (
                "$ telnet localhost 25\nTrying ::1...\nConnected to localhost.\n220 x\nEHLO y\n250 z\n",
                Format::Raw,
            ),
            (
                "220 x\nDATA\n354 go\nC: not a listing\n.\n250 ok\n",
                Format::Raw,
            ),
            (
                "Trying 1.2.3.4...\n220 x\n250-a\n250 b\nConnection closed by foreign host.\n",
                Format::ServerOnly,
            ),
            ("", Format::Raw),
            ("hello\n", Format::Raw),
        ] {
            assert_eq!(detect(text), format, "{text}");
        }
    }
}
