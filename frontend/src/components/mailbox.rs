//! The mailbox: what the sandbox SMTP server received (the bridge's `/api/messages`,
//! updated live), or in simulator mode what the in-page simulator accepted, newest first.
//! A click on a message opens it: headers, text body and the raw message.
//!
//! A message that arrives while the page is open is never missed: on a wide screen the
//! side column scrolls to the mailbox (the terminal stays where it is); on a phone, where the mailbox is far below the terminal, a "New mail" button
//! appears at the top of the screen and brings the mailbox into view when pressed.

use std::rc::Rc;

use protocol::lang::{Lang, Text};
use protocol::message::Comparison;
use yew::prelude::*;

use crate::components::envelope;
use crate::i18n;
use crate::sandbox::{MessageDetail, MessageSummary};
use crate::services::browser;
use crate::state::MessageView;

/// Props of [`Mailbox`].
#[derive(Debug, Properties, PartialEq)]
pub struct MailboxProps {
    /// The messages, or why they could not be fetched.
    pub mailbox: Result<Rc<Vec<MessageSummary>>, String>,
    /// The messages are the simulator's, kept in this page.
    pub simulated: bool,
    /// The bridge shows each browser only its own mail (public profile).
    pub per_visitor: bool,
    /// The opened message, if any.
    pub message: Option<MessageView>,
    /// The language.
    pub lang: Lang,
    /// Refresh was pressed.
    pub on_refresh: Callback<()>,
    /// A message was clicked.
    pub on_open: Callback<u64>,
    /// The message view was closed.
    pub on_close: Callback<()>,
    /// "Show the conversation that delivered it": the recorded session's id.
    pub on_show_session: Callback<u64>,
}

/// See the module documentation.
#[component]
pub fn Mailbox(props: &MailboxProps) -> Html {
    let lang = props.lang;
    let ui = i18n::ui(lang);
    // The envelope against the headers, once per opened message.
    let loaded = match &props.message {
        Some(MessageView::Loaded(detail)) => Some(Rc::clone(detail)),
        _ => None,
    };
    let comparison = use_memo(loaded, |detail| detail.as_deref().map(envelope::compare));
    let opened = match &props.message {
        Some(MessageView::Loading(id)) => Some(*id),
        Some(MessageView::Loaded(detail)) => Some(detail.summary.id),
        _ => None,
    };
    let newest = match &props.mailbox {
        Ok(list) => list.first().map(|m| (m.id, m.subject.clone())),
        Err(_) => None,
    };
    // The newest message when the panel was last drawn: `None` before its first drawing,
    // so the mail already there when the page opens is not announced.
    let seen = use_mut_ref(|| None::<Option<u64>>);
    // Whether the phone's "New mail" button shows.
    let announce = use_state_eq(|| false);
    {
        let announce = announce.clone();
        use_effect_with(newest.as_ref().map(|(id, _)| *id), move |newest| {
            let previous = seen.borrow_mut().replace(*newest);
            if let (Some(previous), Some(id)) = (previous, *newest)
                && previous != Some(id)
            {
                announce.set(!browser::reveal_in_side("mailbox"));
            }
        });
    }
    let body = match &props.mailbox {
        Err(err) => html! { <p class="error-text">{ err.clone() }</p> },
        Ok(list) if list.is_empty() => html! { <p class="muted">{ ui.mailbox_empty }</p> },
        Ok(list) => html! {
            <ul id="mailbox-list" class="mailbox-list">
                { for list.iter().map(|m| {
                    let id = m.id;
                    let onclick = props.on_open.reform(move |_: MouseEvent| id);
                    html! {
                        <li key={m.id} data-id={m.id.to_string()}
                            class={classes!((opened == Some(id)).then_some("open"))}>
                            <button type="button" class="open-message" {onclick}>
                                <strong class="subject">{ m.subject.clone().unwrap_or_else(|| ui.no_subject.to_owned()) }</strong>
                                <span class="route">{ format!("{} → {}", if m.from.is_empty() { "<>" } else { &m.from }, m.to.join(", ")) }</span>
                                <span class="muted">{ format!("{} · {} B", m.received_at, m.size) }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        },
    };
    let title = if props.simulated {
        Text {
            en: "Simulator mailbox (in this page)",
            zh: "模拟邮箱（在本页面内）",
        }
        .get(lang)
    } else {
        ui.mailbox_title
    };
    let arrived = (*announce).then(|| {
        let subject = newest
            .and_then(|(_, subject)| subject)
            .unwrap_or_else(|| ui.no_subject.to_owned());
        let show = {
            let announce = announce.clone();
            Callback::from(move |_: MouseEvent| {
                announce.set(false);
                browser::scroll_to("mailbox");
            })
        };
        let dismiss = {
            let announce = announce.clone();
            Callback::from(move |_: MouseEvent| announce.set(false))
        };
        let words = Text {
            en: "New mail: ",
            zh: "新邮件：",
        };
        html! {
            <div id="mail-arrived" class="mail-arrived" role="status">
                <button id="mail-arrived-show" type="button" onclick={show}>
                    <span>{ words.get(lang) }</span><strong>{ subject }</strong>
                </button>
                <button type="button" class="dismiss" onclick={dismiss}
                    aria-label={Text { en: "Dismiss", zh: "关闭提示" }.get(lang)}>{ "×" }</button>
            </div>
        }
    });
    html! {
        <>
        { for arrived }
        <details id="mailbox" class={classes!("panel", "mailbox", props.simulated.then_some("simulated"))} open=true>
            <summary>
                <h2>{ title }</h2>
                { " " }
                if !props.simulated {
                    <button id="mailbox-refresh" type="button" onclick={props.on_refresh.reform(|_: MouseEvent| ())}>{ ui.refresh }</button>
                }
            </summary>
            if props.per_visitor && !props.simulated {
                <p id="mailbox-scope" class="muted">{ Text { en: "Only mail sent from this browser is shown here; other visitors cannot see it.", zh: "这里只显示从本浏览器发出的邮件，其他访客看不到。" }.get(lang) }</p>
            }
            { body }
            { view_message(props, comparison.as_ref().as_ref()) }
        </details>
        </>
    }
}

fn view_message(props: &MailboxProps, comparison: Option<&Comparison>) -> Html {
    let lang = props.lang;
    let close = html! {
        <button id="message-close" type="button" onclick={props.on_close.reform(|_: MouseEvent| ())}>{ i18n::ui(lang).close }</button>
    };
    match &props.message {
        None => Html::default(),
        Some(MessageView::Loading(_)) => html! {
            <section id="message-view" class="message-view loading" aria-busy="true">{ "…" }{ close }</section>
        },
        Some(MessageView::Failed(err)) => html! {
            <section id="message-view" class="message-view">
                <p class="error-text">{ err.clone() }</p>{ close }
            </section>
        },
        Some(MessageView::Loaded(detail)) => match comparison {
            Some(comparison) => loaded(lang, detail, comparison, close, &props.on_show_session),
            None => Html::default(),
        },
    }
}

fn loaded(
    lang: Lang,
    detail: &MessageDetail,
    comparison: &Comparison,
    close: Html,
    on_show_session: &Callback<u64>,
) -> Html {
    let s = &detail.summary;
    let session = detail.session.map(|id| {
        let onclick = on_show_session.reform(move |_: MouseEvent| id);
        html! {
            <button id="message-session" type="button" data-session={id.to_string()} {onclick}>
                { i18n::sessions::sessions(lang).show_conversation }
            </button>
        }
    });
    html! {
        <section id="message-view" class="message-view" data-id={s.id.to_string()}>
            <header>
                <h3 id="message-subject">{ s.subject.clone().unwrap_or_else(|| i18n::ui(lang).no_subject.to_owned()) }</h3>
                { close }
            </header>
            <table id="message-headers" class="message-headers">
                { for detail.headers.iter().map(|(name, value)| html! {
                    <tr><th scope="row">{ name.clone() }</th><td>{ value.clone() }</td></tr>
                }) }
            </table>
            { for session }
            { envelope::envelope_view(lang, comparison) }
            <pre id="message-body" class="message-body">{ detail.text_body.clone().unwrap_or_default() }</pre>
            <details class="message-raw">
                <summary>{ Text { en: "Raw message, as received", zh: "原始邮件（按接收原样）" }.get(lang) }</summary>
                <pre id="message-raw">{ detail.raw.clone() }</pre>
            </details>
        </section>
    }
}
