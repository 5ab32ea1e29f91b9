//! What a note line is about: the remarks SMTP tools print around a session (swaks's `===`
//! and `***` lines, telnet's and nc's connection chatter, Python tracebacks, openssl
//! s_client's certificate and session blocks, shell prompts).
//!
//! The kind lets the explanations say "the connection closed here" or "the TLS handshake
//! failed" instead of treating every remark alike. Classification goes by the text alone,
//! except for Python tracebacks, whose indented frames only make sense inside one: that is
//! what [`NoteReader`] remembers.

use crate::annotate::NoteEvent;

/// What a note says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoteKind {
    /// The tool is opening the connection: swaks `=== Trying`, telnet `Trying ...`, smtplib
    /// `connect: ('127.0.0.1', 25)` and its `connect: b'<greeting text>'`.
    Connecting,
    /// The TCP connection is up: `=== Connected to`, `Connected to ...`, s_client
    /// `CONNECTED(00000003)`, nc's `... succeeded!`, telnet's `Escape character is '^]'.`.
    Connected,
    /// The TLS handshake completed: swaks `=== TLS started with cipher ...`, s_client's
    /// `New, TLSv1.3, Cipher is ...` summary.
    TlsStarted,
    /// The TLS handshake or a TLS read failed: swaks `*** TLS startup failed`, OpenSSL's
    /// `...:error:...:SSL routines:...` lines.
    TlsFailed,
    /// The connection closed: `=== Connection closed with remote host.`, `Connection closed
    /// by foreign host.`, a listing's `# connection closed by the server`, s_client's `closed` (the server closed) and `DONE` (s_client
    /// closed).
    Closed,
    /// The tool gave up waiting for the server: `*** Timeout waiting for response`, "no
    /// reply within 30 s".
    Timeout,
    /// The client program reported an error: swaks `***` lines, a Python traceback (every
    /// line of it), `telnet: Unable to connect`.
    ClientError,
    /// s_client read a typed line starting with `R` (or `K`) as its own command and
    /// renegotiated (or updated keys) instead of sending the line.
    Renegotiating,
    /// Anything else: certificate and session details, shell prompts, blank lines, tool
    /// banners.
    Other,
}

impl NoteKind {
    /// What a note of this kind, with this text, means to the session being annotated.
    pub fn event(self, text: &str) -> NoteEvent {
        match self {
            NoteKind::Connecting => NoteEvent::Connecting,
            NoteKind::Connected => NoteEvent::Connected,
            NoteKind::TlsStarted => NoteEvent::TlsStarted,
            NoteKind::TlsFailed => NoteEvent::TlsFailed,
            NoteKind::Closed => NoteEvent::Closed,
            NoteKind::Timeout => NoteEvent::Timeout,
            NoteKind::ClientError => NoteEvent::ClientError,
            // s_client's own answer, or the typed line it answered instead of sending.
            NoteKind::Renegotiating => {
                if matches!(text.trim(), "RENEGOTIATING" | "KEYUPDATE" | "DONE") {
                    NoteEvent::Other
                } else {
                    NoteEvent::NotSent
                }
            }
            NoteKind::Other if is_lines_sent(text) => NoteEvent::MessageNotShown,
            NoteKind::Other => NoteEvent::Other,
        }
    }

    /// Every kind, in declaration order.
    pub const ALL: [NoteKind; 9] = [
        NoteKind::Connecting,
        NoteKind::Connected,
        NoteKind::TlsStarted,
        NoteKind::TlsFailed,
        NoteKind::Closed,
        NoteKind::Timeout,
        NoteKind::ClientError,
        NoteKind::Renegotiating,
        NoteKind::Other,
    ];

    /// The stable name: `connecting`, `connected`, `tls-started`, `tls-failed`, `closed`,
    /// `timeout`, `client-error`, `renegotiating`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Connecting => "connecting",
            NoteKind::Connected => "connected",
            NoteKind::TlsStarted => "tls-started",
            NoteKind::TlsFailed => "tls-failed",
            NoteKind::Closed => "closed",
            NoteKind::Timeout => "timeout",
            NoteKind::ClientError => "client-error",
            NoteKind::Renegotiating => "renegotiating",
            NoteKind::Other => "other",
        }
    }
}

/// Classifies the note lines of one transcript in order; it remembers whether a Python
/// traceback is open, so that its frames count as the error they belong to.
#[derive(Debug, Default)]
pub(super) struct NoteReader {
    in_traceback: bool,
}

impl NoteReader {
    /// The kind of the next note line.
    pub(super) fn kind(&mut self, line: &str) -> NoteKind {
        let trimmed = line.trim();
        if trimmed.starts_with("Traceback (most recent call last)") || is_chained_traceback(trimmed)
        {
            self.in_traceback = true;
            return NoteKind::ClientError;
        }
        if self.in_traceback && !trimmed.is_empty() {
            let indented = line.starts_with([' ', '\t']) || trimmed.starts_with(['^', '~']);
            if !indented {
                // The exception line ends the traceback.
                self.in_traceback = false;
                return exception_kind(trimmed);
            }
            return NoteKind::ClientError;
        }
        classify(line)
    }
}

/// The phrases Python prints between the tracebacks of chained exceptions.
fn is_chained_traceback(line: &str) -> bool {
    line.starts_with("During handling of the above exception")
        || line.starts_with("The above exception was the direct cause")
}

/// The kind of a Python exception line: TLS errors are `TlsFailed`, the rest client errors.
fn exception_kind(line: &str) -> NoteKind {
    if line.starts_with("ssl.SSL") {
        NoteKind::TlsFailed
    } else {
        NoteKind::ClientError
    }
}

/// Classifies one note line by its text alone.
pub(super) fn classify(line: &str) -> NoteKind {
    let line = line.trim();
    // A comment in a listing (`# connection closed by the server`) says what it says.
    let line = line
        .strip_prefix("# ")
        .unwrap_or(line)
        .trim_start_matches('(');
    let lower = line.to_ascii_lowercase();
    if let Some(rest) = line.strip_prefix("===") {
        return swaks_remark(rest.trim_start(), &lower);
    }
    if line.starts_with("***") {
        return swaks_error(&lower);
    }
    if is_timeout(&lower) {
        return NoteKind::Timeout;
    }
    if is_tls_error(line) {
        return NoteKind::TlsFailed;
    }
    if let Some(kind) = connection_chatter(line, &lower) {
        return kind;
    }
    if let Some(kind) = s_client_line(line) {
        return kind;
    }
    if is_python_exception(line) {
        return exception_kind(line);
    }
    // A program's own complaint: `smtp-source: fatal: ...`, `...: warning: recipient
    // rejected: ...`.
    if ["fatal: ", "warning: ", "error: "]
        .iter()
        .any(|p| line.starts_with(p) || line.contains(&format!(": {p}")))
    {
        return NoteKind::ClientError;
    }
    NoteKind::Other
}

/// swaks's `===` remarks, `rest` without the marker.
fn swaks_remark(rest: &str, lower: &str) -> NoteKind {
    if rest.starts_with("Trying") {
        NoteKind::Connecting
    } else if rest.starts_with("Connected") {
        NoteKind::Connected
    } else if rest.starts_with("TLS") && lower.contains("fail") {
        NoteKind::TlsFailed
    } else if rest.starts_with("TLS started") {
        NoteKind::TlsStarted
    } else if rest.starts_with("Connection closed") {
        NoteKind::Closed
    } else {
        NoteKind::Other
    }
}

/// swaks's `***` lines: all errors of the session as swaks saw them.
fn swaks_error(lower: &str) -> NoteKind {
    if lower.contains("timeout") || lower.contains("timed out") {
        NoteKind::Timeout
    } else if lower.contains("tls") && lower.contains("fail") || lower.contains("starttls") {
        NoteKind::TlsFailed
    } else {
        NoteKind::ClientError
    }
}

/// "no reply within 30 s", "Timeout (2 secs) waiting for server response", "timed out".
fn is_timeout(lower: &str) -> bool {
    lower.contains("no reply within")
        || lower.contains("no response within")
        || lower.contains("timeout waiting for")
        || lower.contains("waiting for server response")
        || lower.contains("timed out")
}

/// OpenSSL's error queue lines, `40C7...:error:0A000086:SSL routines:...`.
fn is_tls_error(line: &str) -> bool {
    line.contains(":error:") && (line.contains("SSL routines") || line.contains(":SSL"))
}

/// What telnet, nc and ncat print around a connection.
fn connection_chatter(line: &str, lower: &str) -> Option<NoteKind> {
    let kind = if line.starts_with("Trying ") || line.starts_with("connect: ") {
        NoteKind::Connecting
    } else if line.starts_with("TLS started") {
        NoteKind::TlsStarted
    } else if line.starts_with("Connected to ")
        || line.starts_with("Escape character is")
        || line.starts_with("Ncat: Connected to")
        || (line.starts_with("Connection to ") && lower.ends_with("succeeded!"))
    {
        NoteKind::Connected
    } else if lower.starts_with("connection closed") || line.starts_with("Ncat: Connection closed")
    {
        NoteKind::Closed
    } else if line.starts_with("telnet: ")
        || line.starts_with("nc: ")
        || (line.starts_with("Ncat: ") && !line.starts_with("Ncat: Version"))
        || lower.contains("connection refused")
    {
        NoteKind::ClientError
    } else {
        return None;
    };
    Some(kind)
}

/// openssl s_client's own lines that say something about the connection; the rest of its
/// certificate and session blocks is `Other`.
fn s_client_line(line: &str) -> Option<NoteKind> {
    let kind = if line.starts_with("CONNECTED(") {
        NoteKind::Connected
    } else if (line.starts_with("New, ") || line.starts_with("Reused, "))
        && line.contains("Cipher is")
        && !line.contains("(NONE)")
        || line == "CONNECTION ESTABLISHED"
    {
        NoteKind::TlsStarted
    } else if line == "RENEGOTIATING" || line == "KEYUPDATE" {
        NoteKind::Renegotiating
    } else if line == "closed" || line == "DONE" {
        NoteKind::Closed
    } else if line.starts_with("read:errno=") || line.starts_with("write:errno=") {
        NoteKind::ClientError
    } else {
        return None;
    };
    Some(kind)
}

/// A Python exception line outside a traceback: `smtplib.SMTPDataError: (554, ...)`.
fn is_python_exception(line: &str) -> bool {
    let name = line.split(':').next().unwrap_or_default();
    !name.is_empty()
        && name.len() < line.len()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && ["Error", "Exception", "Refused", "Disconnected"]
            .iter()
            .any(|end| name.ends_with(end))
}

/// Whether a line is a shell prompt or a command typed at one: `$ telnet ...`,
/// `user@host:~$ ...`, `faner@MBP:~|⇒ ...`, `PS C:\> ...`.
pub(super) fn is_shell_prompt(line: &str) -> bool {
    let line = line.trim_start();
    if ["$ ", "% ", "# ", "> ", "❯ ", "➜ "]
        .iter()
        .any(|p| line.starts_with(p))
        || line == "$"
        || line == "%"
        || line.starts_with("PS ") && line.contains('>')
        || line.contains('⇒')
    {
        return true;
    }
    // `user@host:~$ cmd`, `[user@host ~]# cmd`, `user@host% cmd`.
    let end = line
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '$' | '#' | '%' | '>')
                && matches!(line.as_bytes().get(i + 1), None | Some(b' '))
        })
        .map(|(i, _)| i);
    end.is_some_and(|end| is_user_at_host(&line[..end]))
}

/// `user@host`, `user@host:~/dir`, `[user@host dir]`: the part of a prompt before `$`.
/// User and host names are ASCII (login names and DNS labels are; an IDN host is shown as
/// punycode), which also keeps Unicode's letter tables out of the page (about 2 KB gzipped).
fn is_user_at_host(head: &str) -> bool {
    let head = head
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(head);
    let Some((user, rest)) = head.split_once('@') else {
        return false;
    };
    let host = rest.split([':', ' ']).next().unwrap_or_default();
    let name = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    name(user) && name(host) && head.len() < 80
}

/// A whole note ` -> 11 lines sent`: what swaks prints in place of the message
/// (`--suppress-data`).
fn is_lines_sent(note: &str) -> bool {
    note.trim_start()
        .strip_prefix("->")
        .is_some_and(|rest| is_suppressed_data(rest.trim()))
}

/// `11 lines sent`: `--suppress-data` in place of the message.
pub(super) fn is_suppressed_data(text: &str) -> bool {
    text.strip_suffix(" lines sent")
        .is_some_and(|count| !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(lines: &[&str]) -> Vec<NoteKind> {
        let mut reader = NoteReader::default();
        lines.iter().map(|l| reader.kind(l)).collect()
    }

    #[test]
    fn names_are_stable() {
        let names: Vec<_> = NoteKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "connecting",
                "connected",
                "tls-started",
                "tls-failed",
                "closed",
                "timeout",
                "client-error",
                "renegotiating",
                "other"
            ]
        );
    }

    #[test]
    fn swaks_remarks() {
        use NoteKind::*;
        assert_eq!(
            kinds(&[
                "=== Trying 127.0.0.1:25...",
                "=== Connected to 127.0.0.1.",
                "=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256",
                "*** TLS startup failed (connect(): error:0A000086:SSL routines::certificate verify failed)",
                "*** Remote host closed connection unexpectedly.",
                "*** Timeout waiting for response",
                "*** No recipients specified",
                "=== Connection closed with remote host.",
            ]),
            [
                Connecting,
                Connected,
                TlsStarted,
                TlsFailed,
                ClientError,
                Timeout,
                ClientError,
                Closed
            ]
        );
    }

    #[test]
    fn telnet_nc_and_prompts() {
        use NoteKind::*;
        assert_eq!(
            kinds(&[
                "Trying 127.0.0.1...",
                "Connected to localhost.",
                "Escape character is '^]'.",
                "Connection closed by foreign host.",
                "telnet: Unable to connect to remote host: Connection refused",
                "Connection to 127.0.0.1 25 port [tcp/smtp] succeeded!",
                "$ telnet localhost 25",
                "no reply within 30 s",
            ]),
            [
                Connecting,
                Connected,
                Connected,
                Closed,
                ClientError,
                Connected,
                Other,
                Timeout
            ]
        );
        for prompt in [
            "$ nc localhost 25",
            "user@host:~$ telnet localhost 25",
            "faner@MBP-FAN:~|⇒  telnet smtp.163.com 25",
            "[root@box ~]# swaks",
        ] {
            assert!(is_shell_prompt(prompt), "{prompt}");
        }
        for not_prompt in [
            "EHLO x",
            "250 ok",
            "【这里输入你的163邮箱账户的BASE64编码】",
            "from:<alice@163.test>",
            "MAIL FROM:<a@b> SIZE=10",
        ] {
            assert!(!is_shell_prompt(not_prompt), "{not_prompt}");
        }
    }

    #[test]
    fn python_traceback_is_one_error() {
        use NoteKind::*;
        assert_eq!(
            kinds(&[
                "connect: ('127.0.0.1', 25)",
                "Traceback (most recent call last):",
                "  File \"/tmp/send.py\", line 5, in <module>",
                "    s.sendmail(a, b, msg)",
                "    ^^^^^^^^^^^^^^^^^^^^^",
                "smtplib.SMTPRecipientsRefused: {'x@y': (550, b'5.1.1 unknown')}",
                "done",
            ]),
            [
                Connecting,
                ClientError,
                ClientError,
                ClientError,
                ClientError,
                ClientError,
                Other
            ]
        );
        assert_eq!(
            kinds(&[
                "Traceback (most recent call last):",
                "  File \"x.py\", line 1, in <module>",
                "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED]",
            ])[2],
            TlsFailed
        );
    }

    #[test]
    fn s_client_lines() {
        use NoteKind::*;
        assert_eq!(
            kinds(&[
                "CONNECTED(00000003)",
                "---",
                "Certificate chain",
                "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384",
                "Verify return code: 18 (self-signed certificate)",
                "RENEGOTIATING",
                "40C7A1F5A77F0000:error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:../ssl/statem/statem_clnt.c:1889:",
                "read R BLOCK",
                "closed",
                "DONE",
            ]),
            [
                Connected,
                Other,
                Other,
                TlsStarted,
                Other,
                Renegotiating,
                TlsFailed,
                Other,
                Closed,
                Closed
            ]
        );
    }
}
