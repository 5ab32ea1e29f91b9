//! One line of the transcript: who said it, what was said, and for server lines the reply
//! class as a colour and the time since connecting.
//!
//! The markup is part of the test contract: every line is a `.line` element with `client`,
//! `server` or `note`; server lines carry `data-code`, and the text is in `.text`.

use protocol::reply::ReplyClass;
use yew::prelude::*;

use crate::messages;
use crate::state::{EntryKind, Tone};

/// Props of [`TranscriptLine`].
#[derive(Debug, Properties, PartialEq)]
pub struct TranscriptLineProps {
    /// The line to show.
    pub kind: EntryKind,
}

/// The CSS class for a reply class; the colours live in the stylesheet.
fn class_name(class: ReplyClass) -> &'static str {
    match class {
        ReplyClass::PositiveCompletion => "reply-2",
        ReplyClass::PositiveIntermediate => "reply-3",
        ReplyClass::TransientNegative => "reply-4",
        ReplyClass::PermanentNegative => "reply-5",
        ReplyClass::Undefined => "reply-other",
    }
}

/// See the module documentation.
#[component]
pub fn TranscriptLine(props: &TranscriptLineProps) -> Html {
    match &props.kind {
        EntryKind::Client { text } => html! {
            <div class="line client">
                <span class="dir" title="sent by you to the server">{ "C:" }</span>
                <span class="text">{ text.clone() }</span>
            </div>
        },
        EntryKind::Server { text, reply, at_ms } => {
            let (class, code, title) = match reply {
                Some(reply) => (
                    class_name(reply.class),
                    Some(reply.code.to_string()),
                    messages::reply_class_hint(reply.class),
                ),
                None => ("reply-invalid", None, "not a valid reply line"),
            };
            let last = reply.map(|r| r.is_last.to_string());
            // One time per reply: the continuation lines of an EHLO reply arrive together.
            let at = reply.is_none_or(|r| r.is_first).then(|| {
                html! {
                    <span class="at" aria-label={format!("{at_ms} milliseconds after connecting")}>
                        { format!("+{at_ms} ms") }
                    </span>
                }
            });
            html! {
                <div class={classes!("line", "server", class)} data-code={code} data-last={last} {title}>
                    <span class="dir" title="sent by the server">{ "S:" }</span>
                    <span class="text">{ text.clone() }</span>
                    { for at }
                </div>
            }
        }
        EntryKind::Note { tone, text } => {
            let (class, mark) = match tone {
                Tone::Info => ("info", "·"),
                Tone::Error => ("error", "!"),
            };
            html! {
                <div class={classes!("line", "note", class)}>
                    <span class="dir" aria-hidden="true">{ mark }</span>
                    <span class="text">{ text.clone() }</span>
                </div>
            }
        }
    }
}
