//! Raw telnet and nc logs, like the tutorial's: nothing marks who sent a line, so the reader
//! follows the conversation the way the server did.
//!
//! A line shaped like a reply (`250 ok`, `250-x`) is the server's, except inside message
//! text: after a final `354` every line up to the lone `.` is the client's, and after a typed
//! `BDAT n` so are the lines that make up its n octets (CRLF counted). After a `334` the
//! next line is the client's answer whatever it looks like (base64, `*`, or a placeholder such
//! as `【这里输入你的163邮箱账户的BASE64编码】`). Those three are SMTP's rules, so the
//! reader asks a [`ClientSession`] fed with the lines read so far rather than tracking the
//! codes itself. A line that is not a command, comes right after
//! a reply's final line and before the user typed anything, and plainly continues the
//! server's text (a URL, an indented line) is the server's wrapped text: 163.com's
//! `554 DT:SPM ...` is followed by `please see http://mail.163.com/help/help_spam_16.htm`.
//! An empty line among commands is the user pressing Enter when it sits between typed
//! commands or the server answers it with an error; otherwise it is layout, a note. Tool
//! chatter (telnet's `Trying`, `Escape character is '^]'.`), shell prompts, and anything
//! before the server's first line or after the connection closed are notes.
//!
//! [`Conversation`] holds that state so the openssl s_client reader can use it for the SMTP
//! lines between its certificate blocks.

use super::notes::{NoteKind, NoteReader, classify, is_shell_prompt};
use super::smtp_line::{is_reply_line, starts_with_command};
use super::{TranscriptLine, input_lines};
use crate::command::Verb;
use crate::reply::{Reply, ReplyAssembler};
use crate::session::{ClientSession, Sent};

/// Reads a raw telnet or nc log.
pub(super) fn read(text: &str) -> Vec<TranscriptLine> {
    let lines = input_lines(text);
    let mut conversation = Conversation::new(false);
    let mut out = Vec::with_capacity(lines.len());
    for (i, &(n, line)) in lines.iter().enumerate() {
        let next = next_non_blank(&lines[i + 1..]);
        out.push(conversation.line(n, line, next));
    }
    out
}

/// The text of the first non-blank line of `lines`.
pub(super) fn next_non_blank<'a>(lines: &[(usize, &'a str)]) -> Option<&'a str> {
    lines
        .iter()
        .map(|&(_, text)| text)
        .find(|text| !text.trim().is_empty())
}

/// The state of an unmarked SMTP conversation, one line at a time.
///
/// Which lines are message text, an AUTH answer or BDAT chunk data is the session's call:
/// every line read as the client's goes to [`ClientSession::handle_sent`] and every
/// complete reply to [`ClientSession::handle_reply`], so the reader and the annotator
/// that explains the lines follow the same SMTP rules. What is left here tells the sides
/// and the tool apart.
#[derive(Debug)]
pub(super) struct Conversation {
    notes: NoteReader,
    session: ClientSession,
    replies: ReplyAssembler,
    tls: bool,
    started: bool,
    closed: bool,
    /// The last line was a reply's final line (or its wrapped text), nothing typed since.
    after_reply: bool,
    /// The last SMTP line was the client's.
    after_client: bool,
    /// The last SMTP line was the client's `DATA`.
    after_data: bool,
}

impl Conversation {
    /// A conversation whose SMTP lines are marked `tls` or not.
    pub(super) fn new(tls: bool) -> Self {
        Conversation {
            notes: NoteReader::default(),
            session: ClientSession::default(),
            replies: ReplyAssembler::default(),
            tls,
            started: false,
            closed: false,
            after_reply: false,
            after_client: false,
            after_data: false,
        }
    }

    /// Marks the SMTP lines from now on as inside TLS or not.
    pub(super) fn set_tls(&mut self, tls: bool) {
        self.tls = tls;
    }

    /// Whether the next line belongs to message text, BDAT chunk data or an AUTH answer,
    /// where any shape goes.
    pub(super) fn in_client_text(&self) -> bool {
        self.is_open() && (self.in_data() || self.session.expects_auth_answer())
    }

    /// Whether the next line is message text or BDAT chunk data, even if it looks like a
    /// reply.
    fn in_data(&self) -> bool {
        self.session.in_body() || self.session.in_bdat_chunk()
    }

    /// Whether the server has spoken and the connection is still open.
    pub(super) fn is_open(&self) -> bool {
        self.started && !self.closed
    }

    /// A note line of the tool, classified in order with the others.
    pub(super) fn note(&mut self, n: usize, text: &str) -> TranscriptLine {
        let kind = self.notes.kind(text);
        if kind == NoteKind::Closed {
            self.close();
        }
        TranscriptLine::note(text, kind, n)
    }

    /// Reads the next line; `next` is the next non-blank line, if any.
    pub(super) fn line(&mut self, n: usize, text: &str, next: Option<&str>) -> TranscriptLine {
        if self.is_open() && self.in_data() {
            return self.client(n, text);
        }
        if is_reply_line(text) {
            return self.server_reply(n, text);
        }
        let auth_answer = self.is_open() && self.session.expects_auth_answer();
        if text.trim().is_empty() && !auth_answer {
            if self.is_open() && self.is_typed_empty_line(next) {
                return self.client(n, text);
            }
            return self.note(n, text);
        }
        if !self.is_open() {
            // Before the greeting only a command is the user's; after the close, nothing is.
            if !self.closed && starts_with_command(text) {
                return self.client(n, text);
            }
            return self.note(n, text);
        }
        if auth_answer {
            return self.client(n, text);
        }
        if is_tool_chatter(text) {
            if is_shell_prompt(text) {
                self.close();
            }
            return self.note(n, text);
        }
        if self.after_reply && is_wrapped_reply_text(text, next) {
            return TranscriptLine::server(text, self.tls, n);
        }
        self.client(n, text)
    }

    /// Whether an empty line in command position was sent (the user pressed Enter, and
    /// Postfix answers `500 5.5.2 Error: bad syntax`) rather than left for readability: it
    /// comes among typed commands or right after a typed `DATA` (where it is the message's
    /// first line once the 354 comes), or the server's next line is an error.
    fn is_typed_empty_line(&self, next: Option<&str>) -> bool {
        self.after_data
            || (self.after_client && next.is_some_and(|l| !is_reply_line(l)))
            || (self.after_reply && next.is_some_and(|l| is_reply_line(l) && l.starts_with('5')))
    }

    fn client(&mut self, n: usize, text: &str) -> TranscriptLine {
        let sent = self.session.handle_sent(text);
        self.after_reply = false;
        self.after_client = true;
        self.after_data = sent
            == Sent::Command {
                verb: Some(Verb::Data),
            };
        TranscriptLine::client(text, self.tls, n)
    }

    fn server_reply(&mut self, n: usize, text: &str) -> TranscriptLine {
        self.started = true;
        self.closed = false;
        self.after_reply = false;
        self.after_client = false;
        self.after_data = false;
        if let Some(reply) = self.complete_reply(text) {
            self.after_reply = true;
            self.session.handle_reply(&reply);
            if reply.code.get() == 221 {
                self.close();
            }
        }
        TranscriptLine::server(text, self.tls, n)
    }

    /// Adds a reply line to the reply being assembled; the reply once `text` ends it. A
    /// line whose code differs from the open reply's starts a new reply: the one before
    /// never sent its last line.
    fn complete_reply(&mut self, text: &str) -> Option<Reply> {
        match self.replies.push(text) {
            Ok(reply) => reply,
            Err(_) => self.replies.push(text).ok().flatten(),
        }
    }

    /// The connection is over: nothing more is owed, no chunk is still coming.
    fn close(&mut self) {
        self.closed = true;
        self.session.handle_closed();
    }
}

/// Lines a terminal tool prints in the middle of a session: telnet's escape hints and
/// prompt, connection remarks, errors, shell prompts after the tool exited.
fn is_tool_chatter(text: &str) -> bool {
    let trimmed = text.trim();
    trimmed.starts_with("Escape character is")
        || trimmed.starts_with("telnet>")
        || trimmed == "^]"
        || trimmed == "^C"
        || is_shell_prompt(text)
        || classify(text) != NoteKind::Other
}

/// Whether a line after a reply's final line is the server's text wrapped onto a new line:
/// not a command, not answered by a reply (the user typed nothing that got one), and plainly
/// prose: a URL or an indented continuation.
fn is_wrapped_reply_text(text: &str, next: Option<&str>) -> bool {
    if starts_with_command(text) || next.is_some_and(is_reply_line) {
        return false;
    }
    text.contains("://") || text.contains("www.") || text.starts_with([' ', '\t'])
}

#[cfg(test)]
mod tests {
    use super::super::tests::summary;
    use super::*;

    #[test]
    fn the_tutorial_telnet_log() {
        let text = "faner@MBP-FAN:~|⇒  telnet smtp.163.com 25\nTrying 220.181.12.11...\nConnected to smtp.163.com.\nEscape character is '^]'.\n220 163.com Anti-spam GT for Coremail System (163com[20141201])\nhelo fan2\n250 OK\nauth login\n334 dXNlcm5hbWU6\n【这里输入你的163邮箱账户的BASE64编码】\n334 UGFzc3dvcmQ6\n【这里输入你的163邮箱密码的BASE64编码】\n235 Authentication successful\ndata\n354 End data with <CR><LF>.<CR><LF>\nsubject:<test>\n250 looks like a reply but is text\n\n.\n554 DT:SPM 163 smtp7,C8CowADHbYxxxx\nplease see http://mail.163.com/help/help_spam_16.htm\nquit\n221 Bye\nConnection closed by foreign host.\nfaner@MBP-FAN:~|⇒  \n";
        assert_eq!(
            summary(&read(text)),
            [
                ('N', "faner@MBP-FAN:~|⇒  telnet smtp.163.com 25"),
                ('N', "Trying 220.181.12.11..."),
                ('N', "Connected to smtp.163.com."),
                ('N', "Escape character is '^]'."),
                (
                    'S',
                    "220 163.com Anti-spam GT for Coremail System (163com[20141201])"
                ),
                ('C', "helo fan2"),
                ('S', "250 OK"),
                ('C', "auth login"),
                ('S', "334 dXNlcm5hbWU6"),
                ('C', "【这里输入你的163邮箱账户的BASE64编码】"),
                ('S', "334 UGFzc3dvcmQ6"),
                ('C', "【这里输入你的163邮箱密码的BASE64编码】"),
                ('S', "235 Authentication successful"),
                ('C', "data"),
                ('S', "354 End data with <CR><LF>.<CR><LF>"),
                ('C', "subject:<test>"),
                ('C', "250 looks like a reply but is text"),
                ('C', ""),
                ('C', "."),
                ('S', "554 DT:SPM 163 smtp7,C8CowADHbYxxxx"),
                ('S', "please see http://mail.163.com/help/help_spam_16.htm"),
                ('C', "quit"),
                ('S', "221 Bye"),
                ('N', "Connection closed by foreign host."),
                ('N', "faner@MBP-FAN:~|⇒  "),
            ]
        );
    }

    #[test]
    fn bdat_chunks_are_client_data() {
        let text = "220 hi\nBDAT 9\n250 x\n250 y\n250 ok 9 octets\nBDAT 3 LAST\n.\n250 done\n";
        assert_eq!(
            summary(&read(text)),
            [
                ('S', "220 hi"),
                ('C', "BDAT 9"),
                ('C', "250 x"),
                ('C', "250 y"),
                ('S', "250 ok 9 octets"),
                ('C', "BDAT 3 LAST"),
                ('C', "."),
                ('S', "250 done"),
            ]
        );
    }

    #[test]
    fn empty_lines_typed_or_for_layout() {
        let text = "220 hi\n\n500 bad syntax\nEHLO a\n\nNOOP\n\n250 x\n250 y\n\nQUIT\n\n";
        assert_eq!(
            summary(&read(text)),
            [
                ('S', "220 hi"),
                ('C', ""),
                ('S', "500 bad syntax"),
                ('C', "EHLO a"),
                ('C', ""),
                ('C', "NOOP"),
                ('N', ""),
                ('S', "250 x"),
                ('S', "250 y"),
                ('N', ""),
                ('C', "QUIT"),
                ('N', ""),
            ]
        );
    }

    #[test]
    fn a_typed_line_the_server_answers_is_the_clients() {
        let text = "220 hi\nsee http://example.com\n500 5.5.2 Error: command not recognized\n";
        assert_eq!(
            summary(&read(text)),
            [
                ('S', "220 hi"),
                ('C', "see http://example.com"),
                ('S', "500 5.5.2 Error: command not recognized"),
            ]
        );
    }

    /// Who sent each line, one letter a line (`S`, `C`, `N`).
    fn sides(text: &str) -> String {
        summary(&read(text)).iter().map(|&(side, _)| side).collect()
    }

    #[test]
    fn an_empty_line_after_a_data_the_server_reads_is_typed() {
        // Postfix reads " DATA" as DATA, and so does the session: the empty line after it
        // was sent, and becomes the message's first line once the 354 comes.
        assert_eq!(sides("220 hi\n DATA\n\n354 go\n.\n250 ok\n"), "SCCSCS");
    }

    #[test]
    fn a_multiline_reply_does_not_open_message_text_before_its_last_line() {
        let text = "220 hi\nDATA\n354-go\n354 on\n250 x\n.\n250 ok\n";
        assert_eq!(sides(text), "SCSSCCS");
    }
}
