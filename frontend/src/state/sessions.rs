//! The Sessions panel: the sessions the sandbox recorded, newest first, kept up to date by
//! the `session` events of `/api/events` (each carries the session's list entry, applied
//! as it is: no list request per event), and the session opened in the panel.
//!
//! Mail streaming in must not cost the page a request or a whole list per message: an
//! event changes one row (the list's rows are `Rc`s, so the others stay the same value
//! and their components do not render again); the list is fetched whole only at the
//! start and after the event stream said it lost events (`resync`); the opened session
//! is fetched again when its row says it grew, at most one request at a time, so a burst
//! of events costs one more request, not one per event. At most [`SESSION_ROWS_CAP`]
//! rows are kept.

use std::rc::Rc;

use protocol::records::session::{SessionDetail, SessionList, SessionSummary};

use crate::sessions;
use crate::transcript::Transcript;

/// The most sessions the panel keeps; older ones drop off the end.
pub const SESSION_ROWS_CAP: usize = 100;

/// A session opened in the panel, its lines as transcript entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedSession {
    /// Its list entry, as fetched with the lines.
    pub summary: SessionSummary,
    /// Its lines, annotated in both languages.
    pub transcript: Transcript,
}

/// The session opened in the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionView {
    /// Being fetched.
    Loading(u64),
    /// Ready to show (and fetched again when it grows).
    Loaded(Rc<RecordedSession>),
    /// It could not be fetched.
    Failed(u64, String),
}

impl SessionView {
    /// The session's id.
    pub fn id(&self) -> u64 {
        match self {
            SessionView::Loading(id) | SessionView::Failed(id, _) => *id,
            SessionView::Loaded(session) => session.summary.id,
        }
    }
}

/// The Sessions part of the state; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    /// Newest first, at most [`SESSION_ROWS_CAP`].
    pub list: Rc<Vec<Rc<SessionSummary>>>,
    /// Why the list could not be fetched.
    pub error: Option<String>,
    /// The session opened in the panel.
    pub opened: Option<SessionView>,
    /// The whole list should be fetched (at the start, after `resync`).
    list_wanted: bool,
    /// A list request is on its way.
    list_in_flight: bool,
    /// A session request is on its way.
    detail_in_flight: bool,
}

impl Sessions {
    /// Asks for the whole list (the app fetches it when [`Self::list_to_fetch`] says so).
    pub fn want_list(&mut self) {
        self.list_wanted = true;
    }

    /// Whether the app should fetch the list now: wanted, and none on its way.
    pub fn list_to_fetch(&self) -> bool {
        self.list_wanted && !self.list_in_flight
    }

    /// The app sent the list request.
    pub fn list_requested(&mut self) {
        self.list_wanted = false;
        self.list_in_flight = true;
    }

    /// The list arrived.
    pub fn listed(&mut self, result: Result<SessionList, String>) {
        self.list_in_flight = false;
        match result {
            Ok(list) => {
                self.error = None;
                // The bridge lists them newest first.
                let mut rows: Vec<Rc<SessionSummary>> = list
                    .sessions
                    .into_iter()
                    .take(SESSION_ROWS_CAP)
                    .map(Rc::new)
                    .collect();
                // Rows that did not change keep their `Rc`: their views do not render.
                let old = &self.list;
                for row in &mut rows {
                    if let Some(same) = old.iter().find(|o| o.id == row.id && **o == *row) {
                        *row = Rc::clone(same);
                    }
                }
                self.list = Rc::new(rows);
            }
            Err(err) => self.error = Some(err),
        }
    }

    /// A `session` event: a new session or a changed one, put in its place.
    pub fn event(&mut self, summary: SessionSummary) {
        let list = Rc::make_mut(&mut self.list);
        match list.iter().position(|row| row.id == summary.id) {
            Some(at) if *list[at] == summary => {}
            Some(at) => list[at] = Rc::new(summary),
            None => {
                // Ids are not in order (the recorder's are random): the start time is.
                let key = start_key(&summary.started_at);
                let at = list.partition_point(|row| start_key(&row.started_at) >= key);
                if at < SESSION_ROWS_CAP {
                    list.insert(at, Rc::new(summary));
                    list.truncate(SESSION_ROWS_CAP);
                }
            }
        }
    }

    /// Session `id` was clicked (or asked for from a message).
    pub fn open(&mut self, id: u64) {
        self.opened = Some(SessionView::Loading(id));
    }

    /// The view was closed.
    pub fn close(&mut self) {
        self.opened = None;
    }

    /// The session the app should fetch now: the opened one while it loads, or when its
    /// row says it has more lines than shown; `None` while a request is on its way.
    pub fn session_to_fetch(&self) -> Option<u64> {
        if self.detail_in_flight {
            return None;
        }
        match self.opened.as_ref()? {
            SessionView::Loading(id) => Some(*id),
            SessionView::Loaded(shown) => {
                let id = shown.summary.id;
                let row = self.list.iter().find(|row| row.id == id)?;
                (row.line_count != shown.summary.line_count || row.ending != shown.summary.ending)
                    .then_some(id)
            }
            SessionView::Failed(..) => None,
        }
    }

    /// The app sent the session request.
    pub fn session_requested(&mut self) {
        self.detail_in_flight = true;
    }

    /// A session arrived. One for a session no longer opened is dropped; a failure to
    /// fetch one already shown keeps what is shown.
    pub fn loaded(&mut self, id: u64, result: Result<SessionDetail, String>) {
        self.detail_in_flight = false;
        let Some(opened) = &self.opened else {
            return;
        };
        if opened.id() != id {
            return;
        }
        match result {
            Ok(detail) => {
                let transcript = sessions::transcript(&detail.lines);
                // The row follows what was fetched unless an event told of more since
                // (then the view is fetched once more), so the two agree in the end.
                let row_is_newer = self.list.iter().any(|row| {
                    row.id == id
                        && (row.line_count > detail.summary.line_count
                            || (row.ending.is_closed() && !detail.summary.ending.is_closed()))
                });
                if !row_is_newer {
                    self.event(detail.summary.clone());
                }
                self.opened = Some(SessionView::Loaded(Rc::new(RecordedSession {
                    summary: detail.summary,
                    transcript,
                })));
            }
            Err(err) => {
                if matches!(opened, SessionView::Loading(_)) {
                    self.opened = Some(SessionView::Failed(id, err));
                }
            }
        }
    }
}

/// A start time (RFC 3339 in UTC, as the bridge writes it: `2026-12-03T11:02:03.5Z`) as a
/// key that sorts in time order: the part to the second, then the fraction in nanoseconds
/// (the bridge writes as many fraction digits as it needs, so the text alone does not sort).
fn start_key(rfc3339: &str) -> (&str, u64) {
    let text = rfc3339.trim_end_matches(['Z', 'z']);
    let (seconds, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits: String = fraction
        .chars()
        .take_while(char::is_ascii_digit)
        .chain(std::iter::repeat('0'))
        .take(9)
        .collect();
    (seconds, digits.parse().unwrap_or(0))
}

#[cfg(test)]
mod tests;
