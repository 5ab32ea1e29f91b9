//! The Sessions panel's list and opened session under streaming events.

use protocol::records::session::SessionEnding;

use super::*;

fn row(id: u64, lines: u64) -> SessionSummary {
    SessionSummary {
        line_count: lines,
        // Ids are random in the recorder: the start times give the order.
        id: id_of(id),
        started_at: format!(
            "2026-12-03T{:02}:{:02}:{:02}.{}Z",
            id / 3600,
            id / 60 % 60,
            id % 60,
            if id.is_multiple_of(2) { "5" } else { "25" }
        ),
        ..SessionSummary::default()
    }
}

/// The recorder's id of the `n`th session: random-looking, as the recorder's are.
fn id_of(n: u64) -> u64 {
    n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11
}

/// Which sessions the list shows, by their `n`, in order.
fn ids(sessions: &Sessions) -> Vec<u64> {
    sessions
        .list
        .iter()
        .map(|r| {
            (1..1000)
                .find(|&n| id_of(n) == r.id)
                .expect("a test session")
        })
        .collect()
}

#[test]
fn events_put_sessions_in_place_newest_first_and_leave_other_rows_alone() {
    let mut sessions = Sessions::default();
    sessions.listed(Ok(SessionList {
        sessions: vec![row(3, 5), row(1, 9)],
        ..SessionList::default()
    }));
    let three = Rc::clone(&sessions.list[0]);
    sessions.event(row(4, 1));
    sessions.event(row(2, 1));
    assert_eq!(ids(&sessions), [4, 3, 2, 1]);
    // A changed session is replaced in its place; the others keep their `Rc`.
    sessions.event(row(2, 7));
    assert_eq!(ids(&sessions), [4, 3, 2, 1]);
    assert_eq!(sessions.list[2].line_count, 7);
    assert!(Rc::ptr_eq(&sessions.list[1], &three));
    // The same summary again changes nothing.
    let before = Rc::clone(&sessions.list);
    sessions.event(row(2, 7));
    assert_eq!(sessions.list, before);
    // A list fetched again (newest first, as the bridge lists) keeps the rows that did not
    // change.
    sessions.listed(Ok(SessionList {
        sessions: vec![row(4, 2), row(3, 5), row(1, 9)],
        ..SessionList::default()
    }));
    assert_eq!(ids(&sessions), [4, 3, 1]);
    assert!(Rc::ptr_eq(&sessions.list[1], &three));
    sessions.listed(Err("HTTP 500".into()));
    assert_eq!(sessions.error.as_deref(), Some("HTTP 500"));
    assert_eq!(ids(&sessions), [4, 3, 1], "a failed fetch keeps the rows");
}

#[test]
fn the_page_keeps_at_most_the_cap() {
    let mut sessions = Sessions::default();
    for id in 1..=SESSION_ROWS_CAP as u64 + 50 {
        sessions.event(row(id, 1));
    }
    assert_eq!(sessions.list.len(), SESSION_ROWS_CAP);
    assert_eq!(sessions.list[0].id, id_of(SESSION_ROWS_CAP as u64 + 50));
    // A late event for a session older than every row kept is not added.
    sessions.event(row(1, 2));
    assert_eq!(sessions.list.len(), SESSION_ROWS_CAP);
    assert!(sessions.list.iter().all(|r| r.id != id_of(1)));
    let mut long = SessionList::default();
    for id in (1..=SESSION_ROWS_CAP as u64 * 2).rev() {
        long.sessions.push(row(id, 1));
    }
    sessions.listed(Ok(long));
    assert_eq!(sessions.list.len(), SESSION_ROWS_CAP);
    assert_eq!(sessions.list[0].id, id_of(SESSION_ROWS_CAP as u64 * 2));
}

#[test]
fn the_list_is_fetched_once_per_burst() {
    let mut sessions = Sessions::default();
    assert!(!sessions.list_to_fetch());
    sessions.want_list();
    assert!(sessions.list_to_fetch());
    sessions.list_requested();
    // Resyncs while the request is on its way ask for one more, not one each.
    sessions.want_list();
    sessions.want_list();
    assert!(!sessions.list_to_fetch());
    sessions.listed(Ok(SessionList::default()));
    assert!(sessions.list_to_fetch());
    sessions.list_requested();
    sessions.listed(Ok(SessionList::default()));
    assert!(!sessions.list_to_fetch());
}

fn detail(id: u64, lines: u64) -> SessionDetail {
    SessionDetail {
        summary: row(id, lines),
        ..SessionDetail::default()
    }
}

#[test]
fn an_opened_session_is_fetched_again_when_it_grows_one_request_at_a_time() {
    let mut sessions = Sessions::default();
    sessions.event(row(5, 3));
    sessions.open(id_of(5));
    assert_eq!(sessions.session_to_fetch(), Some(id_of(5)));
    sessions.session_requested();
    assert_eq!(sessions.session_to_fetch(), None, "one request at a time");
    // Lines arrive while the request is on its way.
    sessions.event(row(5, 4));
    sessions.event(row(5, 6));
    assert_eq!(sessions.session_to_fetch(), None);
    sessions.loaded(id_of(5), Ok(detail(5, 3)));
    assert!(matches!(sessions.opened, Some(SessionView::Loaded(_))));
    assert_eq!(sessions.list[0].line_count, 6, "the newer row stays");
    assert_eq!(
        sessions.session_to_fetch(),
        Some(id_of(5)),
        "once more for the burst"
    );
    sessions.session_requested();
    sessions.loaded(id_of(5), Ok(detail(5, 6)));
    assert_eq!(sessions.session_to_fetch(), None, "up to date");
    // The session ends: fetched again for its last lines.
    let mut ended = row(5, 6);
    ended.ending = SessionEnding::Quit;
    sessions.event(ended);
    assert_eq!(sessions.session_to_fetch(), Some(id_of(5)));
    // A fetch that fails keeps what is shown.
    sessions.session_requested();
    sessions.loaded(id_of(5), Err("HTTP 503".into()));
    assert!(matches!(sessions.opened, Some(SessionView::Loaded(_))));
}

#[test]
fn a_late_answer_for_another_session_is_dropped() {
    let mut sessions = Sessions::default();
    sessions.open(id_of(1));
    sessions.session_requested();
    sessions.open(id_of(2));
    sessions.loaded(id_of(1), Ok(detail(1, 2)));
    assert_eq!(sessions.opened, Some(SessionView::Loading(id_of(2))));
    assert_eq!(sessions.session_to_fetch(), Some(id_of(2)));
    sessions.session_requested();
    sessions.loaded(id_of(2), Err("no session 2".into()));
    assert_eq!(
        sessions.opened,
        Some(SessionView::Failed(id_of(2), "no session 2".into()))
    );
    assert_eq!(sessions.session_to_fetch(), None);
    // A session opened from a message, not in the list yet, gets its row.
    sessions.open(id_of(7));
    sessions.session_requested();
    sessions.loaded(id_of(7), Ok(detail(7, 4)));
    assert_eq!(ids(&sessions), [7]);
    sessions.close();
    sessions.loaded(id_of(7), Ok(detail(7, 5)));
    assert_eq!(sessions.opened, None, "closed stays closed");
}

#[test]
fn start_times_sort_whatever_their_fraction_digits() {
    let key = start_key;
    assert!(key("2026-12-03T11:28:51.34976Z") > key("2026-12-03T11:28:51.3497Z"));
    assert!(key("2026-12-03T11:28:51.1Z") > key("2026-12-03T11:28:51Z"));
    assert!(key("2026-12-03T11:28:52Z") > key("2026-12-03T11:28:51.999999Z"));
    assert_eq!(
        key("2026-12-03T11:28:51.5Z"),
        key("2026-12-03T11:28:51.500Z")
    );
}
