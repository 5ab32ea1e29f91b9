//! The sandbox mailbox: what the sandbox SMTP server received, newest first, from the
//! bridge's `/api/messages`. Shown only when the bridge runs a sandbox.

use std::rc::Rc;

use protocol::lang::Lang;
use yew::prelude::*;

use crate::i18n;
use crate::sandbox::MessageSummary;

/// Props of [`Mailbox`].
#[derive(Debug, Properties, PartialEq)]
pub struct MailboxProps {
    /// The messages, or why they could not be fetched; `None` before the first fetch.
    pub mailbox: Option<Result<Rc<Vec<MessageSummary>>, String>>,
    /// The language.
    pub lang: Lang,
    /// Refresh was pressed.
    pub on_refresh: Callback<()>,
}

/// See the module documentation.
#[component]
pub fn Mailbox(props: &MailboxProps) -> Html {
    let ui = i18n::ui(props.lang);
    let body = match &props.mailbox {
        None => Html::default(),
        Some(Err(err)) => html! { <p class="error-text">{ err.clone() }</p> },
        Some(Ok(list)) if list.is_empty() => html! { <p class="muted">{ ui.mailbox_empty }</p> },
        Some(Ok(list)) => html! {
            <ul id="mailbox-list" class="mailbox-list">
                { for list.iter().map(|m| html! {
                    <li key={m.id} data-id={m.id.to_string()}>
                        <strong class="subject">{ m.subject.clone().unwrap_or_else(|| ui.no_subject.to_owned()) }</strong>
                        <span class="envelope">{ format!("{} → {}", if m.from.is_empty() { "<>" } else { &m.from }, m.to.join(", ")) }</span>
                        <span class="muted">{ format!("{} · {} B", m.received_at, m.size) }</span>
                    </li>
                }) }
            </ul>
        },
    };
    html! {
        <details id="mailbox" class="panel mailbox" open=true>
            <summary>
                <h2>{ ui.mailbox_title }</h2>
                { " " }
                <button id="mailbox-refresh" type="button" onclick={props.on_refresh.reform(|_: MouseEvent| ())}>{ ui.refresh }</button>
            </summary>
            { body }
        </details>
    }
}
