//! The session recorder: every SMTP conversation the sandbox has, from the page's relay or
//! from any other client, kept as its raw lines and explained when someone reads it.
//!
//! # Layout
//!
//! - `log.rs`: one session's lines, compact (one string, a few words per line).
//! - `recorder.rs`: [`Recorder`], what a connection (`connection.rs`) tells as it goes:
//!   the client's lines as `protocol::server` framed them (AUTH secrets already replaced,
//!   message text cut to its headers and first lines), the server's lines as written,
//!   TLS, delivered messages, the ending. It buffers lines and hands them to the store
//!   now and then, so recording costs a connection little.
//! - `replay.rs`: annotation on read, through `protocol::annotate::replay` in both
//!   languages: the JSON of `/api/sessions/{id}` and the text of `annotate`.
//! - `api.rs`: `/api/sessions`, `/api/sessions/{id}`, `DELETE /api/sessions`.
//!
//! The store ([`Sessions`]) is bounded like the mailbox, by count and by bytes, the oldest
//! sessions dropped first, and each session by its own cap (lines past it are counted,
//! not kept). In the `public` profile each session is filed under the visitor whose relay
//! session it is (`owners.rs`), and every read, delete and event goes through [`Scope`].

mod api;
mod log;
mod recorder;
mod replay;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use protocol::records::Shape;
use protocol::records::session::{MAX_LINKED, SessionEnding, SessionSummary};
use ring::rand::{SecureRandom, SystemRandom};
use tokio::sync::broadcast;
use tracing::info;

pub(crate) use api::router;
pub(crate) use recorder::{End, Recorder};

use super::mailbox::{MailboxEvent, Scope};
use crate::visitor::VisitorId;
use log::Log;

/// The most one session keeps, whatever the store's cap: lines past it are counted only.
/// A thousand one-kilobyte messages in one connection fit.
const SESSION_CAP: usize = 512 * 1024;

/// What a session costs besides its lines: the record and its summary.
const BASE_COST: usize = 512;

/// The recorded sessions; see the module documentation.
#[derive(Debug)]
pub(crate) struct Sessions {
    max_sessions: usize,
    max_bytes: usize,
    store: Mutex<Store>,
    next_id: AtomicU64,
    /// The mailbox's event channel: one `/api/events` stream carries both.
    events: broadcast::Sender<MailboxEvent>,
}

#[derive(Debug, Default)]
struct Store {
    /// Oldest first.
    sessions: VecDeque<Arc<Recorded>>,
    bytes: usize,
}

/// One recorded session, shared by its connection's [`Recorder`] and the store.
#[derive(Debug)]
pub(crate) struct Recorded {
    pub(crate) id: u64,
    pub(crate) owner: Option<VisitorId>,
    pub(crate) started: SystemTime,
    pub(crate) peer: SocketAddr,
    state: Mutex<State>,
}

/// What a session's recorder has handed over so far.
#[derive(Debug, Default, Clone)]
pub(crate) struct State {
    pub(crate) log: Log,
    pub(crate) facts: Facts,
    /// What it counts against the store's byte cap, as last accounted.
    cost: usize,
}

/// The facts of the summary that change as the session goes.
#[derive(Debug, Default, Clone)]
pub(crate) struct Facts {
    pub(crate) ended: Option<SystemTime>,
    pub(crate) helo: Option<String>,
    pub(crate) tls: bool,
    pub(crate) user: Option<String>,
    pub(crate) lines_omitted: u64,
    pub(crate) messages: VecDeque<u64>,
    pub(crate) delivered: u64,
    pub(crate) ending: SessionEnding,
    pub(crate) last_error: Option<String>,
}

impl Recorded {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A copy of what was recorded so far.
    pub(crate) fn snapshot(&self) -> State {
        self.lock().clone()
    }

    /// The list entry.
    pub(crate) fn summary(&self) -> SessionSummary {
        let state = self.lock();
        summary_of(self, &state)
    }
}

fn summary_of(recorded: &Recorded, state: &State) -> SessionSummary {
    let facts = &state.facts;
    SessionSummary {
        id: recorded.id,
        started_at: super::api::rfc3339(recorded.started),
        ended_at: facts.ended.map(super::api::rfc3339),
        peer: Some(recorded.peer.to_string()),
        from_page: recorded.owner.is_some(),
        helo: facts.helo.clone(),
        tls: facts.tls,
        authenticated_as: facts.user.clone(),
        line_count: state.log.len() as u64,
        lines_omitted: facts.lines_omitted,
        bytes: (state.cost + BASE_COST) as u64,
        messages: facts.messages.iter().copied().collect(),
        delivered: facts.delivered,
        ending: facts.ending,
        last_error: facts.last_error.clone(),
    }
}

impl Sessions {
    /// An empty store with these caps (each at least 1), announcing on `events`.
    pub(crate) fn new(
        max_sessions: usize,
        max_bytes: usize,
        events: broadcast::Sender<MailboxEvent>,
    ) -> Self {
        Self {
            max_sessions: max_sessions.max(1),
            max_bytes: max_bytes.max(BASE_COST + 1),
            store: Mutex::default(),
            next_id: AtomicU64::new(1),
            events,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        // Sessions are records: a panic elsewhere costs at most a record's accuracy.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The caps: sessions, bytes.
    pub(crate) fn caps(&self) -> (usize, usize) {
        (self.max_sessions, self.max_bytes)
    }

    /// The most one session keeps: a quarter of the store at most, so one session never
    /// pushes out all the others (its closing notes fit in the rest).
    fn session_cap(&self) -> usize {
        SESSION_CAP.min(self.max_bytes / 4)
    }

    /// Files a new session, dropping the oldest ones to make room.
    fn open(
        &self,
        owner: Option<VisitorId>,
        started: SystemTime,
        peer: SocketAddr,
    ) -> Arc<Recorded> {
        let recorded = Arc::new(Recorded {
            id: self.fresh_id(),
            owner,
            started,
            peer,
            state: Mutex::default(),
        });
        let mut store = self.lock();
        store.sessions.push_back(Arc::clone(&recorded));
        store.bytes += BASE_COST;
        self.evict(&mut store);
        recorded
    }

    /// Moves `pending` into `recorded` with its new facts, accounts the bytes, drops the
    /// oldest sessions while a cap is broken, and, with `announce`, tells live listeners.
    fn update(&self, recorded: &Arc<Recorded>, pending: &mut Log, facts: &Facts, announce: bool) {
        let (grown, summary) = {
            let mut state = recorded.lock();
            state.log.append(pending);
            state.facts.clone_from(facts);
            let cost = state.log.cost();
            let grown = cost - state.cost.min(cost);
            state.cost = cost;
            let summary = (announce && self.events.receiver_count() > 0)
                .then(|| Arc::<str>::from(summary_of(recorded, &state).encode()));
            (grown, summary)
        };
        {
            let mut store = self.lock();
            // A session dropped to keep the caps is recorded no more.
            if store.sessions.iter().any(|s| Arc::ptr_eq(s, recorded)) {
                store.bytes += grown;
                self.evict(&mut store);
            }
        }
        if let Some(data) = summary {
            let _ = self.events.send(MailboxEvent::Session {
                owner: recorded.owner,
                data,
            });
        }
    }

    /// Drops the oldest sessions until both caps hold.
    fn evict(&self, store: &mut Store) {
        let mut dropped = 0usize;
        while store.sessions.len() > self.max_sessions || store.bytes > self.max_bytes {
            let Some(oldest) = store.sessions.pop_front() else {
                break;
            };
            store.bytes -= (oldest.lock().cost + BASE_COST).min(store.bytes);
            dropped += 1;
        }
        if dropped > 0 {
            tracing::debug!(dropped, "session store full: dropped the oldest sessions");
        }
    }

    /// A random id (53 bits, as for messages: ids cannot be walked). Not checked against
    /// the kept sessions: a new id meets one of a thousand kept ids with odds of about
    /// 10^-13, while the scan under the store's lock was a measured 2% of the sandbox's
    /// time at thousands of sessions a second.
    fn fresh_id(&self) -> u64 {
        const ID_BITS: u64 = (1 << 53) - 1;
        let mut bytes = [0u8; 8];
        if SystemRandom::new().fill(&mut bytes).is_ok() {
            let id = u64::from_le_bytes(bytes) & ID_BITS;
            if id != 0 {
                return id;
            }
        }
        info!("no random session id; this session gets a sequential one");
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The sessions `scope` sees, newest first.
    pub(crate) fn list(&self, scope: Scope) -> Vec<Arc<Recorded>> {
        let store = self.lock();
        store
            .sessions
            .iter()
            .rev()
            .filter(|s| scope.sees_owner(s.owner))
            .cloned()
            .collect()
    }

    /// The session with this id, if it is still kept and `scope` sees it.
    pub(crate) fn get(&self, id: u64, scope: Scope) -> Option<Arc<Recorded>> {
        let store = self.lock();
        store
            .sessions
            .iter()
            .find(|s| s.id == id)
            .filter(|s| scope.sees_owner(s.owner))
            .cloned()
    }

    /// Deletes the sessions `scope` sees (a session still open goes on unrecorded);
    /// returns how many.
    pub(crate) fn clear(&self, scope: Scope) -> usize {
        let removed = {
            let mut store = self.lock();
            let before = store.sessions.len();
            store.sessions.retain(|s| !scope.sees_owner(s.owner));
            store.bytes = store
                .sessions
                .iter()
                .map(|s| s.lock().cost + BASE_COST)
                .sum();
            before - store.sessions.len()
        };
        let _ = self.events.send(MailboxEvent::SessionsCleared(scope));
        removed
    }

    /// The bytes held now.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.lock().bytes
    }
}

/// Keeps the newest [`MAX_LINKED`] message ids.
fn link(messages: &mut VecDeque<u64>, id: u64) {
    if messages.len() == MAX_LINKED {
        messages.pop_front();
    }
    messages.push_back(id);
}

#[cfg(test)]
mod tests;
