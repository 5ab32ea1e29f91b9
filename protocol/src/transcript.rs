//! Reading transcripts people already have: swaks output, `C:` / `S:` listings, Python
//! smtplib debug output, and raw telnet logs like the tutorial's.
//!
//! Every input line yields at least one [`TranscriptLine`]; lines that fit no pattern become
//! notes, so nothing is dropped. [`Format::detect`] picks the reader from the text itself.

use crate::annotate::{AnnotatedLine, Direction, ReplayLine, replay};
use crate::lang::Lang;

/// One line of a conversation read from a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptLine {
    /// Who sent it; `Note` for anything that is not SMTP (tool messages, shell prompts).
    pub direction: Direction,
    /// The SMTP line without CRLF, or the note's text.
    pub text: String,
    /// Whether it travelled inside TLS (swaks marks these `~>` and `<~`).
    pub tls: bool,
    /// The 1-based line number in the transcript it came from.
    pub source_line: usize,
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
    /// A raw telnet or netcat log: server lines start with a three-digit code, the rest is
    /// what the user typed; lines between 354 and `.` are message text.
    Raw,
}

impl Format {
    /// Guesses the format from the first lines that say something.
    pub fn detect(text: &str) -> Format {
        for line in text
            .lines()
            .map(str::trim_start)
            .filter(|l| !l.is_empty())
            .take(40)
        {
            let line = strip_timestamp(line);
            if ["=== ", "-> ", "<- ", "~> ", "<~ ", "<** ", "*** "]
                .iter()
                .any(|p| line.starts_with(p))
            {
                return Format::Swaks;
            }
            if line.starts_with("C: ") || line.starts_with("S: ") || line == "C:" || line == "S:" {
                return Format::ClientServer;
            }
            if line.starts_with("send: ") || line.starts_with("reply: ") {
                return Format::Smtplib;
            }
        }
        Format::Raw
    }

    /// Reads a transcript in this format.
    pub fn read(self, text: &str) -> Vec<TranscriptLine> {
        match self {
            Format::Swaks => read_swaks(text),
            Format::ClientServer => read_client_server(text),
            Format::Smtplib => read_smtplib(text),
            Format::Raw => read_raw(text),
        }
    }
}

/// Detects the format and reads the transcript.
pub fn read(text: &str) -> (Format, Vec<TranscriptLine>) {
    let format = Format::detect(text);
    (format, format.read(text))
}

/// Reads a transcript and annotates every line of it in order. A swaks transcript that
/// switches to TLS after an accepted STARTTLS gets a note for the handshake first.
pub fn annotate(text: &str, lang: Lang) -> (Format, Vec<(TranscriptLine, AnnotatedLine)>) {
    let (format, lines) = read(text);
    let replay_lines: Vec<ReplayLine<'_>> = lines
        .iter()
        .map(|l| ReplayLine {
            direction: l.direction,
            text: &l.text,
            tls: l.tls,
            tls_started: false,
        })
        .collect();
    let annotated = replay(&replay_lines, lang)
        .into_iter()
        .map(|(i, a)| {
            let mut source = lines[i].clone();
            if a.direction == Direction::Note && source.direction != Direction::Note {
                // A note the replay added (a TLS handshake the tool did not print).
                source.direction = Direction::Note;
                source.text = a.text.clone();
            }
            (source, a)
        })
        .collect();
    (format, annotated)
}

fn line(direction: Direction, text: &str, tls: bool, source_line: usize) -> TranscriptLine {
    TranscriptLine {
        direction,
        text: text.to_owned(),
        tls,
        source_line,
    }
}

/// Removes a leading `HH:MM:SS(.ffffff)` stamp, as smtplib's debuglevel 2 writes.
fn strip_timestamp(line: &str) -> &str {
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

fn read_swaks(text: &str) -> Vec<TranscriptLine> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, raw)| {
            let n = i + 1;
            let trimmed = raw.trim_start();
            let (prefix, rest) = trimmed.split_at(trimmed.find(' ').unwrap_or(trimmed.len()));
            let rest = rest.strip_prefix(' ').unwrap_or(rest);
            // swaks pads its prefixes to three columns: `<-  220 ...`, ` -> EHLO`.
            let reply = if prefix.len() == 2 {
                rest.strip_prefix(' ').unwrap_or(rest)
            } else {
                rest
            };
            match prefix {
                "->" => line(Direction::Client, rest, false, n),
                "~>" => line(Direction::Client, rest, true, n),
                "<-" | "<**" => line(Direction::Server, reply, false, n),
                "<~" | "<~*" => line(Direction::Server, reply, true, n),
                _ => line(Direction::Note, trimmed, false, n),
            }
        })
        .collect()
}

fn read_client_server(text: &str) -> Vec<TranscriptLine> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, raw)| {
            let n = i + 1;
            let trimmed = raw.trim_start();
            if let Some(rest) = trimmed.strip_prefix("C:") {
                line(
                    Direction::Client,
                    rest.strip_prefix(' ').unwrap_or(rest),
                    false,
                    n,
                )
            } else if let Some(rest) = trimmed.strip_prefix("S:") {
                line(
                    Direction::Server,
                    rest.strip_prefix(' ').unwrap_or(rest),
                    false,
                    n,
                )
            } else {
                line(Direction::Note, trimmed, false, n)
            }
        })
        .collect()
}

fn read_smtplib(text: &str) -> Vec<TranscriptLine> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let trimmed = strip_timestamp(raw.trim_start());
        if trimmed.is_empty() {
            continue;
        }
        let parsed = if let Some(rest) = trimmed.strip_prefix("send: ") {
            python_bytes(rest).map(|s| (Direction::Client, s))
        } else if let Some(rest) = trimmed.strip_prefix("reply: ") {
            // `reply: retcode (250); Msg: ...` only summarises lines already shown.
            (!rest.starts_with("retcode"))
                .then(|| python_bytes(rest))
                .flatten()
                .map(|s| (Direction::Server, s))
        } else {
            None
        };
        match parsed {
            Some((direction, decoded)) => {
                let body = decoded
                    .strip_suffix("\r\n")
                    .or_else(|| decoded.strip_suffix('\n'))
                    .unwrap_or(&decoded);
                for part in body.split('\n') {
                    out.push(line(
                        direction,
                        part.strip_suffix('\r').unwrap_or(part),
                        false,
                        n,
                    ));
                }
            }
            None => out.push(line(Direction::Note, trimmed, false, n)),
        }
    }
    out
}

/// Decodes a Python `repr` of `str` or `bytes`: `'a\r\n'`, `b"it's"`, with `\xNN` escapes.
/// `None` when the text is not such a literal.
fn python_bytes(literal: &str) -> Option<String> {
    let literal = literal.trim();
    let literal = literal.strip_prefix('b').unwrap_or(literal);
    let quote = literal.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let inner = literal.strip_prefix(quote)?.strip_suffix(quote)?;
    let mut bytes = Vec::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next()? {
            'r' => bytes.push(b'\r'),
            'n' => bytes.push(b'\n'),
            't' => bytes.push(b'\t'),
            '0' => bytes.push(0),
            '\\' => bytes.push(b'\\'),
            '\'' => bytes.push(b'\''),
            '"' => bytes.push(b'"'),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                bytes.push(u8::from_str_radix(&hex, 16).ok()?);
            }
            other => {
                bytes.push(b'\\');
                let mut buf = [0; 4];
                bytes.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Whether a raw line is a server reply line: three digits, then space, `-`, or nothing.
fn is_reply_line(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() >= 3
        && b[..3].iter().all(u8::is_ascii_digit)
        && matches!(b.get(3), None | Some(b' ' | b'-'))
}

fn read_raw(text: &str) -> Vec<TranscriptLine> {
    let mut out = Vec::new();
    let mut started = false;
    let mut in_data = false;
    let mut closed = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let text = raw.strip_suffix('\r').unwrap_or(raw);
        let direction = if closed {
            Direction::Note
        } else if in_data {
            if text == "." {
                in_data = false;
            }
            Direction::Client
        } else if is_reply_line(text) {
            started = true;
            let last_line = text.as_bytes().get(3) != Some(&b'-');
            if text.starts_with("354") && last_line {
                in_data = true;
            }
            if text.starts_with("221") && last_line {
                closed = true;
            }
            Direction::Server
        } else if !started || is_telnet_noise(text) {
            Direction::Note
        } else {
            Direction::Client
        };
        if direction == Direction::Note && text.trim().is_empty() {
            continue;
        }
        out.push(line(direction, text, false, n));
    }
    out
}

fn is_telnet_noise(line: &str) -> bool {
    [
        "Trying ",
        "Connected to ",
        "Escape character is",
        "Connection closed",
        "telnet>",
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(lines: &[TranscriptLine]) -> Vec<(char, &str, bool)> {
        lines
            .iter()
            .map(|l| {
                let d = match l.direction {
                    Direction::Client => 'C',
                    Direction::Server => 'S',
                    Direction::Note => 'N',
                };
                (d, l.text.as_str(), l.tls)
            })
            .collect()
    }

    #[test]
    fn swaks_arrows() {
        let text = "=== Trying 127.0.0.1:10025...\n=== Connected to 127.0.0.1.\n<-  220 postfix.test ESMTP Postfix\n -> EHLO client\n<-  250-postfix.test\n<-  250 STARTTLS\n -> STARTTLS\n<-  220 2.0.0 Ready to start TLS\n=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256\n ~> EHLO client\n<~  250 AUTH PLAIN\n ~> RCPT TO:<nobody@postfix.test>\n<~* 550 5.1.1 <nobody@postfix.test>: Recipient address rejected\n<** 554 5.5.1 Error: no valid recipients\n";
        assert_eq!(Format::detect(text), Format::Swaks);
        let lines = Format::Swaks.read(text);
        assert_eq!(
            summary(&lines),
            [
                ('N', "=== Trying 127.0.0.1:10025...", false),
                ('N', "=== Connected to 127.0.0.1.", false),
                ('S', "220 postfix.test ESMTP Postfix", false),
                ('C', "EHLO client", false),
                ('S', "250-postfix.test", false),
                ('S', "250 STARTTLS", false),
                ('C', "STARTTLS", false),
                ('S', "220 2.0.0 Ready to start TLS", false),
                (
                    'N',
                    "=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256",
                    false
                ),
                ('C', "EHLO client", true),
                ('S', "250 AUTH PLAIN", true),
                ('C', "RCPT TO:<nobody@postfix.test>", true),
                (
                    'S',
                    "550 5.1.1 <nobody@postfix.test>: Recipient address rejected",
                    true
                ),
                ('S', "554 5.5.1 Error: no valid recipients", false),
            ]
        );
        assert_eq!(lines[2].source_line, 3);
    }

    #[test]
    fn client_server_listing() {
        let text = "S: 220 foo.com Simple Mail Transfer Service Ready\nC: EHLO bar.com\nS: 250 OK\nC:\n# comment\n";
        assert_eq!(Format::detect(text), Format::ClientServer);
        assert_eq!(
            summary(&Format::ClientServer.read(text)),
            [
                ('S', "220 foo.com Simple Mail Transfer Service Ready", false),
                ('C', "EHLO bar.com", false),
                ('S', "250 OK", false),
                ('C', "", false),
                ('N', "# comment", false),
            ]
        );
    }

    #[test]
    fn smtplib_debug_output() {
        let text = "send: 'ehlo [127.0.1.1]\\r\\n'\nreply: b'250-postfix.test\\r\\n'\nreply: b'250 SMTPUTF8\\r\\n'\nreply: retcode (250); Msg: b'postfix.test\\nSMTPUTF8'\nsend: b'Subject: it\\'s\\r\\n\\r\\n..dot\\r\\nCaf\\xc3\\xa9\\r\\n.\\r\\n'\n12:01:02.345678 reply: b'250 2.0.0 Ok\\r\\n'\n";
        assert_eq!(Format::detect(text), Format::Smtplib);
        assert_eq!(
            summary(&Format::Smtplib.read(text)),
            [
                ('C', "ehlo [127.0.1.1]", false),
                ('S', "250-postfix.test", false),
                ('S', "250 SMTPUTF8", false),
                (
                    'N',
                    "reply: retcode (250); Msg: b'postfix.test\\nSMTPUTF8'",
                    false
                ),
                ('C', "Subject: it's", false),
                ('C', "", false),
                ('C', "..dot", false),
                ('C', "Café", false),
                ('C', ".", false),
                ('S', "250 2.0.0 Ok", false),
            ]
        );
    }

    #[test]
    fn the_tutorial_telnet_log() {
        let text = "faner@MBP-FAN:~|⇒  telnet smtp.163.com 25\nTrying 220.181.12.11...\nConnected to smtp.163.com.\nEscape character is '^]'.\n220 163.com Anti-spam GT for Coremail System (163com[20141201])\nhelo fan2\n250 OK\ndata\n354 End data with <CR><LF>.<CR><LF>\nsubject:<test>\n250 looks like a reply but is text\n\n.\n250 Mail OK queued as smtp7\nquit\n221 Bye\nConnection closed by foreign host.\nfaner@MBP-FAN:~|⇒  \n";
        assert_eq!(Format::detect(text), Format::Raw);
        assert_eq!(
            summary(&Format::Raw.read(text)),
            [
                ('N', "faner@MBP-FAN:~|⇒  telnet smtp.163.com 25", false),
                ('N', "Trying 220.181.12.11...", false),
                ('N', "Connected to smtp.163.com.", false),
                ('N', "Escape character is '^]'.", false),
                (
                    'S',
                    "220 163.com Anti-spam GT for Coremail System (163com[20141201])",
                    false
                ),
                ('C', "helo fan2", false),
                ('S', "250 OK", false),
                ('C', "data", false),
                ('S', "354 End data with <CR><LF>.<CR><LF>", false),
                ('C', "subject:<test>", false),
                ('C', "250 looks like a reply but is text", false),
                ('C', "", false),
                ('C', ".", false),
                ('S', "250 Mail OK queued as smtp7", false),
                ('C', "quit", false),
                ('S', "221 Bye", false),
                ('N', "Connection closed by foreign host.", false),
                ('N', "faner@MBP-FAN:~|⇒  ", false),
            ]
        );
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
        ] {
            let (_, lines) = read(text);
            assert!(lines.len() <= text.lines().count().max(1));
        }
        assert_eq!(python_bytes("'a\\qb'").as_deref(), Some("a\\qb"));
        assert_eq!(python_bytes("b'\\xzz'"), None);
    }
}
