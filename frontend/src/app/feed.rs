//! What the page keeps fetching from the bridge's sandbox: the mailbox list and the
//! recorded sessions, kept live by `/api/events`.
//!
//! Every request here is asked for by the state ([`crate::state::Mailbox::list_to_fetch`],
//! [`crate::state::Sessions::list_to_fetch`], [`crate::state::Sessions::session_to_fetch`])
//! and marked sent before it goes, so at most one of each kind is on its way and a burst
//! of events (mail streaming in) costs one more request, not one per event. A `session`
//! event carries the session's list entry and is applied as it is, without a request.

use yew::prelude::*;

use crate::services::api::{self, EventHandlers};
use crate::state::{Action, State};

/// The callbacks the sandbox's panels take, the same across renders (so the panels and
/// their rows do not render again for the callbacks' sake).
#[derive(Debug, Clone)]
pub(super) struct Feed {
    /// Refresh the mailbox list.
    pub refresh_mailbox: Callback<()>,
    /// Open a recorded session.
    pub open_session: Callback<u64>,
    /// Close the opened session.
    pub close_session: Callback<()>,
}

/// Keeps the mailbox and the sessions fetched while the bridge runs a sandbox, once `live`
/// (after the page's first session was greeted: see `State::opening`).
#[hook]
pub(super) fn use_feed(state: &UseReducerHandle<State>, live: bool) -> Feed {
    let has_sandbox = state.mailbox.has_sandbox() && live;
    // Live: the bridge announces new mail and every session's changes on `/api/events`.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(has_sandbox, move |has_sandbox| {
            let events = has_sandbox
                .then(|| {
                    let dispatch = dispatcher.to_callback();
                    let resync = dispatcher.clone();
                    api::watch_events(EventHandlers {
                        mailbox: dispatch.reform(|()| Action::MailboxWanted),
                        session: dispatch.reform(|s| Action::SessionEvent(Box::new(s))),
                        resync: Callback::from(move |()| {
                            resync.dispatch(Action::MailboxWanted);
                            resync.dispatch(Action::SessionsWanted);
                        }),
                    })
                })
                .flatten();
            move || drop(events)
        });
    }
    // The page's own deliveries, and the sandbox once known (the sessions' changes all
    // come as events after that).
    {
        let dispatcher = state.dispatcher();
        use_effect_with(
            (has_sandbox, state.conversation.delivered),
            move |(has_sandbox, _)| {
                if *has_sandbox {
                    dispatcher.dispatch(Action::MailboxWanted);
                }
            },
        );
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with(has_sandbox, move |has_sandbox| {
            if *has_sandbox {
                dispatcher.dispatch(Action::SessionsWanted);
            }
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.mailbox.list_to_fetch(), move |fetch| {
            if *fetch {
                dispatcher.dispatch(Action::MailboxRequested);
                api::fetch_messages(dispatcher.to_callback().reform(Action::Mailbox));
            }
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with(
            has_sandbox && state.sessions.list_to_fetch(),
            move |fetch| {
                if *fetch {
                    dispatcher.dispatch(Action::SessionsRequested);
                    api::fetch_sessions(dispatcher.to_callback().reform(
                        |result: Result<_, String>| Action::SessionsListed(result.map(Box::new)),
                    ));
                }
            },
        );
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.sessions.session_to_fetch(), move |id| {
            if let Some(id) = *id {
                dispatcher.dispatch(Action::SessionRequested);
                api::fetch_session(
                    id,
                    dispatcher
                        .to_callback()
                        .reform(move |result: Result<_, String>| Action::SessionLoaded {
                            id,
                            result: result.map(Box::new),
                        }),
                );
            }
        });
    }
    let dispatcher = state.dispatcher();
    let refresh_mailbox = use_callback(dispatcher.clone(), |(), d| {
        d.dispatch(Action::MailboxWanted);
    });
    let open_session = use_callback(dispatcher.clone(), |id, d| {
        d.dispatch(Action::OpenSession(id));
    });
    let close_session = use_callback(dispatcher, |(), d| d.dispatch(Action::CloseSession));
    Feed {
        refresh_mailbox,
        open_session,
        close_session,
    }
}
