//! The Sessions panel: every SMTP session the sandbox recorded, newest first, live; a
//! click opens one in the terminal's own annotated transcript lines.
//!
//! Each row is its own component keyed by the session's id and given the row's `Rc`, so
//! when an event changes one session only that row renders again; the opened session's
//! lines are in transcript blocks keyed by their first entry's id, so fetching a grown
//! session again only adds the new lines.

use std::rc::Rc;

use protocol::lang::Lang;
use protocol::records::session::SessionSummary;
use yew::prelude::*;

use crate::components::transcript_block::blocks;
use crate::i18n::sessions::{self as words, sessions};
use crate::services::browser;
use crate::sessions::{clock_time, date_time};
use crate::state::{RecordedSession, SessionView};

/// Props of [`SessionsPanel`].
#[derive(Debug, Properties, PartialEq)]
pub struct SessionsPanelProps {
    /// The sessions, newest first.
    pub list: Rc<Vec<Rc<SessionSummary>>>,
    /// Why the list could not be fetched.
    pub error: Option<String>,
    /// The opened session.
    pub opened: Option<SessionView>,
    /// The language.
    pub lang: Lang,
    /// A session was clicked (a callback that stays the same, so rows do not render
    /// again for its sake).
    pub on_open: Callback<u64>,
    /// The opened session was closed.
    pub on_close: Callback<()>,
}

/// See the module documentation.
#[component]
pub fn SessionsPanel(props: &SessionsPanelProps) -> Html {
    let lang = props.lang;
    let w = sessions(lang);
    let opened_id = props.opened.as_ref().map(SessionView::id);
    use_effect_with(opened_id, |id| {
        if id.is_some() {
            browser::scroll_to("session-view");
        }
    });
    let list = if props.list.is_empty() {
        html! { <p class="muted">{ w.empty }</p> }
    } else {
        html! {
            <ul id="sessions-list" class="sessions-list">
                { for props.list.iter().map(|s| html! {
                    <SessionRow key={s.id} summary={Rc::clone(s)} {lang}
                        open={opened_id == Some(s.id)} on_open={props.on_open.clone()} />
                }) }
            </ul>
        }
    };
    html! {
        <details id="sessions" class="panel sessions" open=true>
            <summary>
                <h2>{ w.title }</h2>{ " " }
                <span class="muted count">{ props.list.len() }</span>
            </summary>
            <p class="muted hint">{ w.hint }</p>
            if let Some(err) = &props.error {
                <p class="error-text">{ err.clone() }</p>
            }
            { list }
            { view(props) }
        </details>
    }
}

/// Props of [`SessionRow`].
#[derive(Debug, Properties, PartialEq)]
struct SessionRowProps {
    summary: Rc<SessionSummary>,
    lang: Lang,
    open: bool,
    on_open: Callback<u64>,
}

/// Who the client was: this page's terminal, or its address.
fn who(lang: Lang, s: &SessionSummary) -> String {
    let client = if s.from_page {
        sessions(lang).from_page.to_owned()
    } else {
        s.peer.clone().unwrap_or_else(|| "?".to_owned())
    };
    match &s.helo {
        Some(helo) => format!("{client} · {helo}"),
        None => client,
    }
}

#[component]
fn SessionRow(props: &SessionRowProps) -> Html {
    let s = &props.summary;
    let lang = props.lang;
    let id = s.id;
    let onclick = props.on_open.reform(move |_: MouseEvent| id);
    let live = !s.ending.is_closed();
    html! {
        <li data-id={id.to_string()} data-from-page={s.from_page.to_string()} data-ending={s.ending.as_str()}
            class={classes!(props.open.then_some("open"), live.then_some("live"), s.last_error.is_some().then_some("failed"))}>
            <button type="button" class="open-session" {onclick} aria-pressed={props.open.to_string()}>
                <span class="who">
                    <strong class="when">{ clock_time(&s.started_at).to_owned() }</strong>{ " " }{ who(lang, s) }
                </span>
                <span class="facts muted">{ words::row_facts(lang, s) }</span>
                if live {
                    <span class="badge live">{ sessions(lang).live }</span>
                } else {
                    <span class="ending muted">{ s.ending.text().get(lang) }</span>
                }
                if let Some(err) = &s.last_error {
                    <code class="last-error">{ err.clone() }</code>
                }
            </button>
        </li>
    }
}

fn view(props: &SessionsPanelProps) -> Html {
    let lang = props.lang;
    let w = sessions(lang);
    let close = html! {
        <button id="session-close" type="button" onclick={props.on_close.reform(|_: MouseEvent| ())}>{ w.close }</button>
    };
    match &props.opened {
        None => Html::default(),
        Some(SessionView::Loading(id)) => html! {
            <section id="session-view" class="session-view loading" aria-busy="true" data-id={id.to_string()}>
                <header><h3>{ w.title }</h3>{ close }</header>
                { "…" }
            </section>
        },
        Some(SessionView::Failed(id, err)) => html! {
            <section id="session-view" class="session-view" data-id={id.to_string()}>
                <header><h3>{ w.title }</h3>{ close }</header>
                <p class="error-text">{ err.clone() }</p>
            </section>
        },
        Some(SessionView::Loaded(session)) => loaded(lang, session, close),
    }
}

fn loaded(lang: Lang, session: &RecordedSession, close: Html) -> Html {
    let w = sessions(lang);
    let s = &session.summary;
    let ending = if s.ending.is_closed() {
        s.ending.text().get(lang).to_owned()
    } else {
        w.live.to_owned()
    };
    html! {
        <section id="session-view" class="session-view" data-id={s.id.to_string()} data-ending={s.ending.as_str()}>
            <header><h3>{ words::view_title(lang, clock_time(&s.started_at)) }</h3>{ close }</header>
            <p class="muted facts">
                { format!("{} · {} · {}", who(lang, s), date_time(&s.started_at), words::row_facts(lang, s)) }
            </p>
            <p class="facts"><span class="muted">{ format!("{}: ", w.outcome) }</span>{ ending }</p>
            if s.lines_omitted > 0 {
                <p class="muted">{ words::omitted(lang, s.lines_omitted) }</p>
            }
            <div id="session-transcript" class="transcript static session-transcript">
                { blocks(&session.transcript, lang) }
            </div>
        </section>
    }
}
