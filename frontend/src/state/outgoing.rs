//! What may go out now: what Enter on a line does, the warnings to show first, and which
//! pasted lines follow (one by one, a message body as one batch, or a group of commands
//! pipelined as RFC 2920 allows).

use protocol::finding::Severity;
use protocol::limits;
use protocol::line::check_outgoing_line;
use protocol::session::{ClientSession, Phase as SessionPhase};
use protocol::wire::ClientMsg;

use super::State;
use crate::transcript::Warning;
use crate::vocab::SendError;

/// The largest `lines` message the page sends, in bytes of JSON. A bridge in the public
/// profile accepts WebSocket messages of at most 4 KiB; this leaves room to spare.
pub const BATCH_BYTES: usize = 3 * 1024;

/// The JSON around the lines of a `lines` message: `{"type":"lines","text":[` and `]}`.
const BATCH_OVERHEAD: usize = r#"{"type":"lines","text":[]}"#.len();

/// What pressing Enter on a line leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submit {
    /// Send this message.
    Send(ClientMsg),
    /// Show the warnings first; the next Enter sends.
    Warn,
    /// It cannot be sent.
    Refuse(SendError),
}

impl State {
    /// The warnings to show: those of the line the user pressed Enter on, while the
    /// command line still holds it.
    pub fn warnings(&self) -> Vec<Warning> {
        match self.command_line.confirming() {
            Some(line) if self.is_connected() => self.conversation.warnings(line),
            _ => Vec::new(),
        }
    }

    /// The warnings for the line being typed, as the user types (shown lightly).
    pub fn live_warnings(&self) -> Vec<Warning> {
        let draft = &self.command_line.draft;
        if draft.trim().is_empty() || !self.is_connected() {
            return Vec::new();
        }
        self.conversation.warnings(draft)
    }

    /// Decides what Enter on `text` does: send it, warn first (unless `force`, or the
    /// warning for this very line was already shown), or refuse it.
    pub fn submit(&self, text: &str, force: bool) -> Submit {
        match self.prepare_line(text) {
            Err(err) => Submit::Refuse(err),
            Ok(msg) => {
                let seen = self.command_line.was_warned(text);
                if force || seen || self.conversation.warnings(text).is_empty() {
                    Submit::Send(msg)
                } else {
                    Submit::Warn
                }
            }
        }
    }

    /// The message that sends `text` to the server, if that is possible now. A line over
    /// RFC 5321's limits is warned about by `protocol`'s prediction and may still go (the
    /// server's 500 is the lesson), up to `limits::SENT_LINE_MAX`; the bridge checks
    /// again with the same `protocol` rules.
    ///
    /// # Errors
    ///
    /// [`SendError`] when not connected, or when the line contains CR, LF or NUL or is
    /// too long.
    pub fn prepare_line(&self, text: &str) -> Result<ClientMsg, SendError> {
        if !self.is_connected() {
            return Err(SendError::NotConnected);
        }
        check_outgoing_line(text, limits::SENT_LINE_MAX)?;
        Ok(ClientMsg::Line {
            text: text.to_owned(),
        })
    }

    /// Whether the BDAT helper is offered: the server advertised CHUNKING, a recipient
    /// was accepted, and no chunk, body or pasted line is under way.
    pub fn chunk_helper_open(&self) -> bool {
        let session = self.session();
        self.is_connected()
            && self.command_line.queue.is_empty()
            && session.phase() == SessionPhase::Rcpt
            && !session.in_bdat_chunk()
            && session.capabilities().is_some_and(|c| c.has("CHUNKING"))
    }

    /// The pasted line to send next, once the server has answered everything sent before
    /// (inside DATA nothing is answered, so body lines follow each other at once; a BDAT
    /// chunk follows its command without waiting).
    pub fn next_queued(&self) -> Option<&str> {
        let session = self.session();
        let idle = self.is_connected()
            && !self.command_line.is_confirming()
            && (session.pending().next().is_none() || session.in_bdat_chunk())
            && session.phase() != SessionPhase::TlsHandshake;
        idle.then(|| self.command_line.queue.front().map(String::as_str))
            .flatten()
    }

    /// Queued lines that can go out together in one `lines` message: inside DATA, the
    /// body lines from the front of the queue through the lone `.`; outside it, when the
    /// server advertised PIPELINING, one RFC 2920 group of commands (MAIL, RCPT, RSET ...
    /// up to and including the first that must wait for its reply: EHLO, DATA, AUTH,
    /// STARTTLS, NOOP, QUIT; `protocol`'s `may_send_now` decides). Each line must be sendable
    /// without a warning and the message stay within [`BATCH_BYTES`]; a longer body goes out
    /// in several batches. `None` when the front of the queue is not such a batch of at
    /// least two lines (it then goes out on its own, as typed lines do).
    pub fn next_batch(&self) -> Option<Vec<String>> {
        self.next_queued()?;
        let mut session = self.session().clone();
        let batch = self.batch_from(&mut session, self.command_line.queue.as_slice());
        (batch.len() >= 2).then_some(batch)
    }

    /// The batches that can go out now, one after the other, each as [`State::next_batch`]
    /// would give it once the one before was sent: several batches of one message body
    /// (inside DATA nothing is answered until the final dot), otherwise the one batch.
    /// After each batch, `more(lines so far)` says whether to take another (the page's
    /// budget per task). Empty when [`State::next_batch`] is `None`.
    pub fn next_batches(&self, mut more: impl FnMut(usize) -> bool) -> Vec<Vec<String>> {
        let mut all = Vec::new();
        if self.next_queued().is_none() {
            return all;
        }
        let mut session = self.session().clone();
        let mut taken = 0;
        loop {
            let queue = self.command_line.queue.as_slice();
            let batch = self.batch_from(&mut session, queue.get(taken..).unwrap_or_default());
            if batch.len() < 2 {
                break;
            }
            taken += batch.len();
            all.push(batch);
            if !session.in_body() || !more(taken) {
                break;
            }
        }
        all
    }

    /// The batch `queue` starts with, judged against `session`, which it leaves as after
    /// the batch was sent.
    fn batch_from(&self, session: &mut ClientSession, queue: &[String]) -> Vec<String> {
        let in_body = session.in_body();
        let mut batch = Vec::new();
        let mut bytes = BATCH_OVERHEAD;
        for line in queue {
            if !in_body && !batch.is_empty() && !session.may_send_now() {
                // The group ended: the rest waits for the replies.
                break;
            }
            // Each line as it will be encoded: quoted, escaped, followed by a comma.
            let encoded = protocol::json::string(line).len() + 1;
            if !batch.is_empty() && bytes.saturating_add(encoded) > BATCH_BYTES {
                break;
            }
            bytes = bytes.saturating_add(encoded);
            let warned = session
                .predict(line)
                .iter()
                .any(|f| f.severity >= Severity::Warning);
            if warned || self.prepare_line(line).is_err() {
                break;
            }
            session.handle_sent(line);
            batch.push(line.clone());
            // The final dot (as protocol reads it) ends a body's batch.
            if in_body && !session.in_body() {
                break;
            }
        }
        batch
    }
}
