//! The sandbox's mailbox: every accepted message, in memory, newest kept.
//!
//! Memory is bounded twice: by the number of messages and by their bytes (the message text
//! plus its envelope). When a new message would break either cap, the oldest messages are
//! dropped first, so a lesson always sees its latest mail. Optionally every message is also
//! written to a Maildir folder, the standard way (write into `tmp/`, then rename into
//! `new/`, so a mail program never sees half a file).
//!
//! Each stored message is announced on a broadcast channel; `/api/events` turns that into
//! Server-Sent Events for the page's live updates.
//!
//! In the `public` profile every message is filed under the visitor whose session sent it
//! (`owners.rs`), and each request sees only its visitor's messages ([`Scope`]). The caps
//! are shared: one busy visitor can push out others' oldest mail, never read it.

use std::collections::{HashSet, VecDeque};
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use protocol::server::ReceivedMessage;
use ring::rand::{SecureRandom, SystemRandom};
use tokio::sync::broadcast;
use tracing::{info, warn};

use crate::visitor::VisitorId;

/// How many events a slow `/api/events` listener may fall behind before it is told to
/// reload instead.
const EVENT_BACKLOG: usize = 64;

/// One accepted message and what is known about how it arrived.
#[derive(Debug)]
pub(crate) struct StoredMessage {
    /// Numbers messages in this bridge's lifetime, from 1.
    pub(crate) id: u64,
    /// When the final dot (or last BDAT chunk) was answered.
    pub(crate) received: SystemTime,
    /// The client's address.
    pub(crate) peer: Option<SocketAddr>,
    /// The `Subject:` header, decoded, when the message has one.
    pub(crate) subject: Option<String>,
    /// The visitor whose bridge session sent it (`public` profile); `None` for mail that
    /// came from anywhere else, which only the `local` profile shows.
    pub(crate) owner: Option<VisitorId>,
    /// The message and its envelope as the session accepted them.
    pub(crate) message: ReceivedMessage,
    /// The recorded session that delivered it (`sessions/`), if it was recorded.
    pub(crate) session: Option<u64>,
}

impl StoredMessage {
    /// What this message counts against the byte cap: its text and its envelope.
    pub(crate) fn cost(&self) -> usize {
        let m = &self.message;
        m.data.len()
            + m.mail_from.len()
            + m.rcpt_to.iter().map(String::len).sum::<usize>()
            + m.helo.len()
            + m.queue_id.len()
            + m.authenticated_as.as_ref().map_or(0, String::len)
            + self.subject.as_ref().map_or(0, String::len)
    }
}

/// What happened to the mailbox, for live listeners.
#[derive(Debug, Clone)]
pub(crate) enum MailboxEvent {
    /// A message was stored: its id and owner, not the message, so a listener that
    /// never reads pins no mail in memory.
    Stored {
        /// The message's id.
        id: u64,
        /// Whose it is.
        owner: Option<VisitorId>,
    },
    /// Messages were deleted: every one, or one visitor's.
    Cleared(Scope),
    /// A recorded session began or changed (`sessions/`): its summary, encoded once for
    /// every listener (small: it lists at most a hundred message ids).
    Session {
        /// Whose it is.
        owner: Option<VisitorId>,
        /// The `SessionSummary` JSON.
        data: Arc<str>,
    },
    /// Recorded sessions were deleted: every one, or one visitor's.
    SessionsCleared(Scope),
}

/// Whose messages a request sees and may delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every message (the `local` profile).
    Everyone,
    /// Only this visitor's (the `public` profile).
    Visitor(VisitorId),
    /// None at all: a `public` request without a visitor id.
    Nobody,
}

impl Scope {
    /// Whether `message` is visible in this scope.
    pub(crate) fn sees(self, message: &StoredMessage) -> bool {
        self.sees_owner(message.owner)
    }

    /// Whether a message of `owner` is visible in this scope.
    pub(crate) fn sees_owner(self, owner: Option<VisitorId>) -> bool {
        match self {
            Self::Everyone => true,
            Self::Visitor(visitor) => owner == Some(visitor),
            Self::Nobody => false,
        }
    }

    /// Whether a listener in this scope must hear that `cleared` emptied some of its view.
    pub(crate) fn overlaps(self, cleared: Self) -> bool {
        match (self, cleared) {
            (Self::Nobody, _) | (_, Self::Nobody) => false,
            (Self::Everyone, _) | (_, Self::Everyone) => true,
            (Self::Visitor(a), Self::Visitor(b)) => a == b,
        }
    }
}

/// The in-memory store; see the module documentation.
#[derive(Debug)]
pub(crate) struct Mailbox {
    max_messages: usize,
    max_bytes: usize,
    store: Mutex<Store>,
    next_id: AtomicU64,
    events: broadcast::Sender<MailboxEvent>,
    maildir: Option<Maildir>,
}

#[derive(Debug, Default)]
struct Store {
    /// Oldest first.
    messages: VecDeque<Arc<StoredMessage>>,
    /// The ids of `messages`: a new id is checked against them without a scan, which
    /// cost a pass over every kept message per message stored.
    ids: HashSet<u64>,
    bytes: usize,
}

/// Why a message was not kept.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    /// The message alone is larger than the whole mailbox may hold.
    #[error(
        "the message ({size} bytes with its envelope) is larger than the mailbox ({max} bytes)"
    )]
    TooLarge {
        /// Its cost.
        size: usize,
        /// The byte cap.
        max: usize,
    },
}

impl Mailbox {
    /// An empty mailbox with these caps (each at least 1), writing to `maildir` too when
    /// given.
    pub(crate) fn new(max_messages: usize, max_bytes: usize, maildir: Option<Maildir>) -> Self {
        Self {
            max_messages: max_messages.max(1),
            max_bytes: max_bytes.max(1),
            store: Mutex::default(),
            next_id: AtomicU64::new(1),
            events: broadcast::channel(EVENT_BACKLOG).0,
            maildir,
        }
    }

    /// The caps: messages, bytes.
    pub(crate) fn caps(&self) -> (usize, usize) {
        (self.max_messages, self.max_bytes)
    }

    /// Whether messages are also written to a Maildir.
    pub(crate) fn maildir(&self) -> Option<&Path> {
        self.maildir.as_ref().map(|m| m.root.as_path())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave the store inconsistent in a way that
        // matters more than losing the mailbox, so keep serving.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps a message, dropping the oldest ones until both caps hold, announces it, and
    /// writes it to the Maildir when there is one. `session` is the recorded session that
    /// delivered it (`sessions/`), if any.
    ///
    /// # Errors
    ///
    /// [`StoreError::TooLarge`] when the message alone exceeds the byte cap; nothing is
    /// dropped then.
    pub(crate) async fn store(
        &self,
        mut message: ReceivedMessage,
        peer: Option<SocketAddr>,
        owner: Option<VisitorId>,
        session: Option<u64>,
    ) -> Result<Arc<StoredMessage>, StoreError> {
        // The session grew the text by doubling: up to half of its buffer is spare, which
        // the byte cap does not count. A kept message holds only its bytes.
        message.data.shrink_to_fit();
        let subject = subject_of(&message.data);
        let stored = Arc::new(StoredMessage {
            id: self.fresh_id(),
            received: SystemTime::now(),
            peer,
            subject,
            owner,
            message,
            session,
        });
        let cost = stored.cost();
        if cost > self.max_bytes {
            return Err(StoreError::TooLarge {
                size: cost,
                max: self.max_bytes,
            });
        }
        let dropped = {
            let mut store = self.lock();
            let mut dropped = 0usize;
            while store.messages.len() >= self.max_messages || store.bytes + cost > self.max_bytes {
                let Some(oldest) = store.messages.pop_front() else {
                    break;
                };
                store.bytes -= oldest.cost();
                store.ids.remove(&oldest.id);
                dropped += 1;
            }
            store.bytes += cost;
            store.ids.insert(stored.id);
            store.messages.push_back(Arc::clone(&stored));
            dropped
        };
        if dropped > 0 {
            info!(dropped, "mailbox full: dropped the oldest messages");
        }
        if let Some(maildir) = &self.maildir
            && let Err(cause) = maildir.deliver(&stored).await
        {
            warn!(%cause, dir = %maildir.root.display(), "could not write the message to the Maildir");
        }
        // Nobody listening is fine.
        let _ = self.events.send(MailboxEvent::Stored {
            id: stored.id,
            owner: stored.owner,
        });
        Ok(stored)
    }

    /// A random id no kept message has: 53 bits (exact in any JSON reader), so ids cannot
    /// be walked one by one. Should the system's random source fail, the sequence of
    /// `next_id` keeps the mailbox working (scopes still decide who sees what).
    fn fresh_id(&self) -> u64 {
        const ID_BITS: u64 = (1 << 53) - 1;
        const TRIES: usize = 8;
        let random = SystemRandom::new();
        for _ in 0..TRIES {
            let mut bytes = [0u8; 8];
            if random.fill(&mut bytes).is_err() {
                break;
            }
            let id = u64::from_le_bytes(bytes) & ID_BITS;
            if id != 0 && !self.lock().ids.contains(&id) {
                return id;
            }
        }
        warn!("the system random source failed; this message gets a sequential id");
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The messages `scope` sees, newest first.
    pub(crate) fn list(&self, scope: Scope) -> Vec<Arc<StoredMessage>> {
        let store = self.lock();
        store
            .messages
            .iter()
            .rev()
            .filter(|m| scope.sees(m))
            .cloned()
            .collect()
    }

    /// The bytes held now, by every message.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// The message with this id, if it is still kept and `scope` sees it.
    pub(crate) fn get(&self, id: u64, scope: Scope) -> Option<Arc<StoredMessage>> {
        let store = self.lock();
        // Ids are random; the mailbox holds at most `max_messages`, so a scan is cheap.
        store
            .messages
            .iter()
            .find(|m| m.id == id)
            .filter(|m| scope.sees(m))
            .cloned()
    }

    /// Deletes the messages `scope` sees; returns how many. The Maildir is left alone.
    pub(crate) fn clear(&self, scope: Scope) -> usize {
        let removed = {
            let mut store = self.lock();
            let before = store.messages.len();
            store.messages.retain(|m| !scope.sees(m));
            store.bytes = store.messages.iter().map(|m| m.cost()).sum();
            store.ids = store.messages.iter().map(|m| m.id).collect();
            before - store.messages.len()
        };
        let _ = self.events.send(MailboxEvent::Cleared(scope));
        removed
    }

    /// The sender of the events, for the session recorder, whose events share the stream.
    pub(crate) fn events(&self) -> broadcast::Sender<MailboxEvent> {
        self.events.clone()
    }

    /// A receiver of every event from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<MailboxEvent> {
        self.events.subscribe()
    }
}

/// The decoded `Subject:` of a message, if it has one.
fn subject_of(data: &[u8]) -> Option<String> {
    mail_parser::MessageParser::new()
        .parse_headers(data)
        .and_then(|m| m.subject().map(str::to_owned))
}

/// A Maildir folder (`cur/`, `new/`, `tmp/`) that messages are delivered into.
#[derive(Debug)]
pub(crate) struct Maildir {
    root: PathBuf,
    /// The host part of the file names, made safe for a file name.
    host: String,
}

impl Maildir {
    /// Creates `cur/`, `new/` and `tmp/` under `root` as needed.
    ///
    /// # Errors
    ///
    /// When the folders cannot be created.
    pub(crate) fn open(root: PathBuf, host: &str) -> io::Result<Self> {
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(root.join(sub))?;
        }
        let host = host
            .chars()
            .map(|c| if c == '/' || c == ':' { '_' } else { c })
            .collect();
        Ok(Self { root, host })
    }

    /// Writes the message into `tmp/`, then renames it into `new/`. The name follows the
    /// Maildir convention `time.M<micros>P<pid>Q<id>.host`, unique per bridge and message.
    async fn deliver(&self, message: &StoredMessage) -> io::Result<PathBuf> {
        let since_epoch = message
            .received
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        let name = format!(
            "{}.M{}P{}Q{}.{}",
            since_epoch.as_secs(),
            since_epoch.subsec_micros(),
            std::process::id(),
            message.id,
            self.host
        );
        let tmp = self.root.join("tmp").join(&name);
        let new = self.root.join("new").join(&name);
        tokio::fs::write(&tmp, &message.message.data).await?;
        if let Err(err) = tokio::fs::rename(&tmp, &new).await {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(err);
        }
        Ok(new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: &str) -> ReceivedMessage {
        ReceivedMessage {
            helo: "h".into(),
            mail_from: "a@b".into(),
            rcpt_to: vec!["c@d".into()],
            data: format!("Subject: {body}\r\n\r\n{body}\r\n").into_bytes(),
            authenticated_as: None,
            tls: false,
            queue_id: "Q".into(),
            findings: Vec::new(),
        }
    }

    /// Issue 12, finding 12: message ids are random, not a global sequence one could
    /// walk (`/api/messages/1`, `/2` ...).
    /// Issue 12, finding 4: a listener that never reads pins no message: events name
    /// messages, they do not hold them.
    #[tokio::test]
    async fn events_do_not_keep_dropped_messages_alive() {
        let mailbox = Mailbox::new(1, 1 << 20, None);
        let _stalled = mailbox.subscribe();
        let first = mailbox
            .store(message("first"), None, None, None)
            .await
            .expect("stored");
        mailbox
            .store(message("second"), None, None, None)
            .await
            .expect("stored");
        assert_eq!(
            Arc::strong_count(&first),
            1,
            "the dropped message is held by this test alone"
        );
    }

    /// The id index follows the messages through drops and clears, and a kept message
    /// holds no spare buffer.
    #[tokio::test]
    async fn the_id_index_follows_the_messages() {
        let mailbox = Mailbox::new(3, 1 << 20, None);
        for n in 0..5 {
            let mut received = message(&format!("message {n}"));
            received.data.reserve(4096);
            let stored = mailbox
                .store(received, None, None, None)
                .await
                .expect("stored");
            assert_eq!(stored.message.data.capacity(), stored.message.data.len());
        }
        let ids = |mailbox: &Mailbox| {
            let store = mailbox.lock();
            let kept: HashSet<u64> = store.messages.iter().map(|m| m.id).collect();
            (kept, store.ids.clone())
        };
        let (kept, index) = ids(&mailbox);
        assert_eq!(kept.len(), 3);
        assert_eq!(kept, index);
        mailbox.clear(Scope::Everyone);
        let (kept, index) = ids(&mailbox);
        assert!(kept.is_empty() && index.is_empty(), "{index:?}");
    }

    #[tokio::test]
    async fn message_ids_are_unguessable() {
        let mailbox = Mailbox::new(100, 1 << 20, None);
        let mut ids = Vec::new();
        for _ in 0..20 {
            let stored = mailbox
                .store(message("body"), None, None, None)
                .await
                .expect("stored");
            ids.push(stored.id);
        }
        for pair in ids.windows(2) {
            assert!(pair[1] != pair[0] + 1 && pair[1] != pair[0], "{ids:?}");
        }
        assert!(ids.iter().all(|id| *id > 1 << 20), "{ids:?}");
        for id in &ids {
            assert_eq!(mailbox.get(*id, Scope::Everyone).map(|m| m.id), Some(*id));
        }
        let listed: Vec<u64> = mailbox.list(Scope::Everyone).iter().map(|m| m.id).collect();
        let newest_first: Vec<u64> = ids.iter().rev().copied().collect();
        assert_eq!(listed, newest_first);
    }

    #[tokio::test]
    async fn count_cap_keeps_the_newest() {
        let mailbox = Mailbox::new(3, 1 << 20, None);
        let mut ids = Vec::new();
        for i in 0..5 {
            let stored = mailbox
                .store(message(&format!("m{i}")), None, None, None)
                .await
                .expect("stored");
            ids.push(stored.id);
        }
        let subjects: Vec<_> = mailbox
            .list(Scope::Everyone)
            .iter()
            .map(|m| m.subject.clone().unwrap_or_default())
            .collect();
        assert_eq!(subjects, ["m4", "m3", "m2"]);
        assert!(mailbox.get(ids[0], Scope::Everyone).is_none());
        assert_eq!(
            mailbox
                .get(ids[3], Scope::Everyone)
                .and_then(|m| m.subject.clone())
                .as_deref(),
            Some("m3")
        );
    }

    #[tokio::test]
    async fn byte_cap_drops_the_oldest_and_refuses_what_cannot_fit() {
        let one = Mailbox::new(100, 1, None)
            .store(message("x"), None, None, None)
            .await;
        assert!(matches!(one, Err(StoreError::TooLarge { .. })));
        let cost = StoredMessage {
            id: 0,
            received: SystemTime::now(),
            peer: None,
            subject: Some("aaaa".into()),
            owner: None,
            message: message("aaaa"),
            session: None,
        }
        .cost();
        let mailbox = Mailbox::new(100, cost * 2 + cost / 2, None);
        let mut events = mailbox.subscribe();
        for body in ["aaaa", "bbbb", "cccc"] {
            mailbox
                .store(message(body), None, None, None)
                .await
                .expect("stored");
            assert!(mailbox.bytes() <= cost * 2 + cost / 2);
        }
        assert_eq!(mailbox.list(Scope::Everyone).len(), 2);
        assert_eq!(mailbox.bytes(), cost * 2);
        assert!(matches!(events.try_recv(), Ok(MailboxEvent::Stored { .. })));
        assert_eq!(mailbox.clear(Scope::Everyone), 2);
        assert_eq!(
            (mailbox.list(Scope::Everyone).len(), mailbox.bytes()),
            (0, 0)
        );
    }

    #[tokio::test]
    async fn maildir_gets_each_message_in_new() {
        let dir = std::env::temp_dir().join(format!("sandbox-maildir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mailbox = Mailbox::new(
            10,
            1 << 20,
            Some(Maildir::open(dir.clone(), "h/x").expect("open")),
        );
        let stored = mailbox
            .store(message("hello"), None, None, None)
            .await
            .expect("stored");
        let new: Vec<_> = std::fs::read_dir(dir.join("new"))
            .expect("new/")
            .map(|e| e.expect("entry").path())
            .collect();
        assert_eq!(new.len(), 1);
        assert_eq!(std::fs::read(&new[0]).expect("read"), stored.message.data);
        assert!(new[0].to_string_lossy().ends_with(".h_x"));
        assert_eq!(std::fs::read_dir(dir.join("tmp")).expect("tmp/").count(), 0);
        let _ = std::fs::remove_dir_all(dir);
    }

    fn visitor(n: u8) -> VisitorId {
        VisitorId::parse(&format!("{n:02x}").repeat(16)).expect("valid id")
    }

    #[tokio::test]
    async fn each_visitor_sees_gets_and_clears_only_their_own() {
        let mailbox = Mailbox::new(10, 1 << 20, None);
        let (a, b) = (visitor(1), visitor(2));
        let mut ids = vec![0];
        for (body, owner) in [
            ("a1", Some(a)),
            ("b1", Some(b)),
            ("x", None),
            ("a2", Some(a)),
        ] {
            let stored = mailbox
                .store(message(body), None, owner, None)
                .await
                .expect("stored");
            ids.push(stored.id);
        }
        let subjects = |scope| -> Vec<String> {
            mailbox
                .list(scope)
                .iter()
                .map(|m| m.subject.clone().unwrap_or_default())
                .collect()
        };
        assert_eq!(subjects(Scope::Visitor(a)), ["a2", "a1"]);
        assert_eq!(subjects(Scope::Visitor(b)), ["b1"]);
        assert_eq!(subjects(Scope::Nobody), Vec::<String>::new());
        assert_eq!(subjects(Scope::Everyone), ["a2", "x", "b1", "a1"]);
        assert!(
            mailbox.get(ids[2], Scope::Visitor(a)).is_none(),
            "b's message"
        );
        assert!(mailbox.get(ids[2], Scope::Visitor(b)).is_some());
        assert!(
            mailbox.get(ids[3], Scope::Visitor(a)).is_none(),
            "nobody's message"
        );

        let mut events = mailbox.subscribe();
        let bytes_before = mailbox.bytes();
        assert_eq!(mailbox.clear(Scope::Visitor(a)), 2);
        assert_eq!(subjects(Scope::Everyone), ["x", "b1"]);
        assert!(mailbox.bytes() < bytes_before);
        assert_eq!(
            mailbox.bytes(),
            mailbox
                .list(Scope::Everyone)
                .iter()
                .map(|m| m.cost())
                .sum::<usize>()
        );
        assert!(matches!(
            events.try_recv(),
            Ok(MailboxEvent::Cleared(Scope::Visitor(v))) if v == a
        ));
        assert_eq!(mailbox.clear(Scope::Nobody), 0);
    }

    #[test]
    fn a_clear_concerns_listeners_whose_view_it_touched() {
        let (a, b) = (visitor(1), visitor(2));
        assert!(Scope::Visitor(a).overlaps(Scope::Visitor(a)));
        assert!(!Scope::Visitor(a).overlaps(Scope::Visitor(b)));
        assert!(Scope::Visitor(a).overlaps(Scope::Everyone));
        assert!(Scope::Everyone.overlaps(Scope::Visitor(b)));
        assert!(!Scope::Nobody.overlaps(Scope::Everyone));
        assert!(!Scope::Everyone.overlaps(Scope::Nobody));
    }
}
