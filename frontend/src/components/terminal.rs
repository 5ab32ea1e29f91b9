//! The terminal: the transcript above, the command line below.
//!
//! Enter sends the line (an empty line too: inside DATA it separates headers from the
//! body). The transcript scrolls to its newest line, and the input takes focus when the
//! connection opens and when the transcript is clicked without selecting text, so the
//! keyboard always types into it.

use std::rc::Rc;

use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use crate::components::transcript_line::TranscriptLine;
use crate::state::Transcript;

/// Props of [`Terminal`].
#[derive(Debug, Properties, PartialEq)]
pub struct TerminalProps {
    /// What has happened so far.
    pub transcript: Rc<Transcript>,
    /// Whether lines can be sent now.
    pub ready: bool,
    /// Sends a line; returns whether it was accepted, and the input is cleared only then,
    /// so a refused line can be corrected rather than retyped.
    pub on_send: Callback<String, bool>,
}

/// See the module documentation.
#[component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let log = use_node_ref();
    let input = use_node_ref();

    {
        let log = log.clone();
        use_effect_with(props.transcript.last_id(), move |_| {
            if let Some(log) = log.cast::<Element>() {
                log.set_scroll_top(log.scroll_height());
            }
        });
    }
    {
        let input = input.clone();
        use_effect_with(props.ready, move |ready| {
            if *ready {
                focus(&input);
            }
        });
    }

    let onsubmit = {
        let input = input.clone();
        let on_send = props.on_send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(field) = input.cast::<HtmlInputElement>()
                && on_send.emit(field.value())
            {
                field.set_value("");
            }
        })
    };
    let onclick = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            if !has_text_selection() {
                focus(&input);
            }
        })
    };
    let placeholder = if props.ready {
        "Type a command, e.g. EHLO me"
    } else {
        "Connect to a server first"
    };

    html! {
        <section class="terminal" aria-label="SMTP session" {onclick}>
            <div id="transcript" class="transcript" role="log" aria-live="polite" ref={log}>
                if props.transcript.is_empty() {
                    <p class="hint">
                        { "Choose a server above and press Connect. The server's greeting \
                           appears here; then type SMTP commands such as " }
                        <code>{ "EHLO me" }</code>{ ", " }<code>{ "MAIL FROM:<you@example.org>" }</code>
                        { " or " }<code>{ "QUIT" }</code>{ "." }
                    </p>
                }
                { for props.transcript.iter().map(|entry| html! {
                    <TranscriptLine key={entry.id} kind={entry.kind.clone()} />
                }) }
            </div>
            <form class="prompt" {onsubmit}>
                <label for="command" class="dir">{ "C:" }</label>
                <input id="command" ref={input} type="text" autocomplete="off"
                    spellcheck="false" autocapitalize="off" disabled={!props.ready}
                    {placeholder} aria-label="SMTP command" />
                <button id="send" type="submit" disabled={!props.ready}>{ "Send" }</button>
            </form>
        </section>
    }
}

fn focus(input: &NodeRef) {
    if let Some(input) = input.cast::<HtmlInputElement>() {
        // Focus can fail only for detached elements; the next render tries again.
        let _ = input.focus();
    }
}

/// Whether the user has selected text on the page (to copy it), which a click must not
/// destroy by moving focus.
fn has_text_selection() -> bool {
    web_sys::window()
        .and_then(|window| window.get_selection().ok().flatten())
        .is_some_and(|selection| !selection.is_collapsed())
}
