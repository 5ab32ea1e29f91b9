//! The reducer's tests: shared helpers here, one file per group of concerns.

use super::*;
use crate::i18n;
use crate::transcript::EntryKind;
use crate::vocab::Phase;
use protocol::auth::{self, Prompt};
use protocol::finding::Severity;
use protocol::limits;
use protocol::line::OutgoingLineError;
use protocol::reply::ReplyClass;
use protocol::wire::{ClientMsg, ErrorCode, TlsInfo};

const S1: SessionId = SessionId(1);
const S2: SessionId = SessionId(2);

fn reduce(state: State, actions: impl IntoIterator<Item = Action>) -> State {
    let mut state = Rc::new(state);
    for action in actions {
        state = state.reduce(action);
    }
    Rc::unwrap_or_clone(state)
}

fn kinds(state: &State) -> Vec<EntryKind> {
    state
        .conversation
        .transcript
        .iter()
        .map(|e| e.kind.clone())
        .collect()
}

fn connect(session: SessionId) -> Action {
    Action::Connect {
        session,
        request: ConnectForm::default()
            .request()
            .expect("default form is valid"),
        backend: Backend::Bridge,
    }
}

fn from_bridge(session: SessionId, msg: ServerMsg) -> Action {
    Action::Bridge {
        session,
        event: BridgeEvent::Message(msg),
    }
}

fn connected(session: SessionId) -> Action {
    from_bridge(
        session,
        ServerMsg::Connected {
            version: 1,
            host: "127.0.0.1".into(),
            port: 2525,
            peer: "127.0.0.1:2525".into(),
            tls: TlsMode::None,
            mx_host: None,
        },
    )
}

fn line_at(session: SessionId, text: &str, at_ms: u64) -> Action {
    from_bridge(
        session,
        ServerMsg::Line {
            text: text.into(),
            at_ms,
            latency_ms: None,
            encrypted: false,
        },
    )
}

fn line(session: SessionId, text: &str) -> Action {
    line_at(session, text, 7)
}

fn sent(text: &str) -> Action {
    Action::Sent {
        text: text.into(),
        at_ms: None,
        queued: false,
    }
}

fn note_texts(state: &State, tone: Tone) -> Vec<String> {
    kinds(state)
        .into_iter()
        .filter_map(|kind| match kind {
            EntryKind::Note {
                tone: t, notice, ..
            } if t == tone => Some(i18n::notice(Lang::En, &notice)),
            _ => None,
        })
        .collect()
}

fn client_texts(state: &State) -> Vec<String> {
    kinds(state)
        .into_iter()
        .filter_map(|kind| match kind {
            EntryKind::Client { text, .. } => Some(text),
            _ => None,
        })
        .collect()
}

/// Connected to a server that greeted and answered EHLO with AUTH and PIPELINING.
fn ready() -> State {
    reduce(
        State::default(),
        [
            connect(S1),
            connected(S1),
            line_at(S1, "220 mx.example ESMTP", 3),
            sent("EHLO me"),
            line(S1, "250-mx.example"),
            line(S1, "250-PIPELINING"),
            line(S1, "250-AUTH PLAIN LOGIN"),
            line(S1, "250 8BITMIME"),
        ],
    )
}

/// [`ready`], then inside the message after DATA's 354.
fn in_message() -> State {
    reduce(
        ready(),
        [
            sent("MAIL FROM:<a@b.example>"),
            line(S1, "250 ok"),
            sent("RCPT TO:<c@d.example>"),
            line(S1, "250 ok"),
            sent("DATA"),
            line(S1, "354 go ahead"),
        ],
    )
}

mod learner;
mod page;
mod pipelining;
mod remote;
mod session;
