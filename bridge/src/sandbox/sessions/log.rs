//! One session's lines as recorded: raw, cheap to append, annotated only when read
//! (`replay.rs`). All the text sits in one `String` and each entry says where its text
//! ends, when it passed and what it was, so a line costs its text plus a few words and
//! no allocation of its own.

use protocol::records::session::SessionEnding;

/// What one entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    /// A line the client sent, as the session read it (secrets already replaced).
    Client,
    /// A line the server wrote; `message` is the id of the message this reply accepted.
    Server {
        /// The message the reply accepted, if it did.
        message: Option<u64>,
    },
    /// The TLS handshake finished; the text is what was negotiated.
    TlsStarted,
    /// The TLS handshake failed; the text is why.
    TlsFailed,
    /// Message text read but not kept.
    Omitted {
        /// Lines left out.
        lines: u64,
        /// Their octets.
        bytes: u64,
        /// The message that holds the whole text, once stored.
        message: Option<u64>,
    },
    /// A command line over the length limit, discarded.
    TooLong,
    /// Lines past the session's own cap, counted but not kept.
    Capped {
        /// How many.
        lines: u64,
    },
    /// The connection closed.
    Closed(SessionEnding),
}

/// One recorded entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Where its text ends in [`Log::text`].
    end: usize,
    /// Milliseconds since the connection was accepted.
    pub(crate) at_ms: u64,
    /// The connection was inside TLS.
    pub(crate) tls: bool,
    /// The client had logged in.
    pub(crate) auth: bool,
    /// What it is.
    pub(crate) what: What,
}

/// The entries of a session, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Log {
    text: String,
    entries: Vec<Entry>,
}

/// What one entry costs besides its text, for the byte caps.
pub(crate) const ENTRY_COST: usize = std::mem::size_of::<Entry>();

impl Log {
    /// Appends an entry with its text.
    pub(crate) fn push(&mut self, what: What, text: &str, at_ms: u64, tls: bool, auth: bool) {
        self.text.push_str(text);
        self.entries.push(Entry {
            end: self.text.len(),
            at_ms,
            tls,
            auth,
            what,
        });
    }

    /// Moves every entry of `other` to the end of this log, leaving it empty.
    pub(crate) fn append(&mut self, other: &mut Log) {
        let offset = self.text.len();
        self.text.push_str(&other.text);
        self.entries.extend(other.entries.drain(..).map(|e| Entry {
            end: e.end + offset,
            ..e
        }));
        other.text.clear();
    }

    /// The bytes this log holds, as the caps count them.
    pub(crate) fn cost(&self) -> usize {
        self.text.len() + self.entries.len() * ENTRY_COST
    }

    /// How many entries.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries with their text, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&Entry, &str)> {
        let mut start = 0;
        self.entries.iter().map(move |e| {
            let text = &self.text[start..e.end];
            start = e.end;
            (e, text)
        })
    }

    /// The entries, to amend one (its text stays).
    pub(crate) fn entries_mut(&mut self) -> &mut [Entry] {
        &mut self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_their_text_across_appends() {
        let mut log = Log::default();
        log.push(What::Server { message: None }, "220 hi", 0, false, false);
        let mut more = Log::default();
        more.push(What::Client, "EHLO x", 5, false, false);
        more.push(What::Client, "", 6, true, true);
        log.append(&mut more);
        assert!(more.is_empty() && more.cost() == 0);
        let lines: Vec<(u64, &str)> = log.iter().map(|(e, t)| (e.at_ms, t)).collect();
        assert_eq!(lines, [(0, "220 hi"), (5, "EHLO x"), (6, "")]);
        assert_eq!(log.len(), 3);
        assert_eq!(log.cost(), 12 + 3 * ENTRY_COST);
    }
}
