//! The terminal: the transcript above, the command line below, the warnings between.
//!
//! Enter sends the line (an empty line too: inside DATA it separates headers from the
//! body). When `protocol` predicts the line will fail, the first Enter shows why and the
//! second sends it anyway. Up/Down walk the history, Tab completes, Ctrl+L clears the
//! screen, Esc cancels; a multi-line paste is handed over as lines. The transcript scrolls
//! to its newest line and is an ARIA live region; the input takes focus when the
//! connection opens and when the terminal is clicked without selecting text.

use std::rc::Rc;

use protocol::lang::Lang;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::components::transcript_block::blocks;
use crate::i18n;
use crate::input;
use crate::transcript::{Transcript, Warning};

/// A key the terminal handles itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Arrow up: older history.
    Up,
    /// Arrow down: newer history.
    Down,
    /// Tab on a non-empty line: complete.
    Tab,
    /// Ctrl+L: clear the screen.
    ClearScreen,
    /// Escape: cancel the warning and the queue.
    Escape,
}

/// Props of [`Terminal`].
#[derive(Debug, Properties, PartialEq)]
pub struct TerminalProps {
    /// What has happened so far.
    pub transcript: Rc<Transcript>,
    /// The language.
    pub lang: Lang,
    /// Whether lines can be sent now.
    pub ready: bool,
    /// The session phase in words, shown as the prompt.
    pub prompt: &'static str,
    /// The session phase as `protocol` names it (`DATA>`), for `data-phase`.
    pub phase: &'static str,
    /// The server reads every line as message text now.
    pub in_message: bool,
    /// The final `.` was held back by a warning and not sent since.
    pub dot_held: bool,
    /// Connected, and the server has not greeted yet.
    pub awaiting_greeting: bool,
    /// The command line's text.
    pub draft: String,
    /// Warnings shown after Enter: the next Enter sends anyway.
    pub warnings: Vec<Warning>,
    /// Warnings about the line being typed, shown lightly.
    pub live_warnings: Vec<Warning>,
    /// Completions of the last Tab.
    pub candidates: Vec<&'static str>,
    /// Pasted lines waiting.
    pub queued: usize,
    /// The command line changed.
    pub on_input: Callback<String>,
    /// Enter (`false`) or "Send anyway" (`true`).
    pub on_submit: Callback<bool>,
    /// A handled key.
    pub on_key: Callback<Key>,
    /// Several lines were pasted.
    pub on_paste: Callback<Vec<String>>,
}

/// See the module documentation.
#[component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let log = use_node_ref();
    let input = use_node_ref();
    let ui = i18n::ui(props.lang);

    // The newest line stays in view, also when a warning below the log takes its room.
    let below = (props.warnings.len(), props.live_warnings.is_empty());
    {
        let log = log.clone();
        use_effect_with((props.transcript.last_id(), below), move |_| {
            if let Some(log) = log.cast::<Element>() {
                log.set_scroll_top(log.scroll_height());
            }
        });
    }
    {
        let input = input.clone();
        use_effect_with(props.ready, move |ready| {
            if *ready {
                focus_in_place(&input);
            }
        });
    }

    let onsubmit = {
        let on_submit = props.on_submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_submit.emit(false);
        })
    };
    let oninput = props
        .on_input
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let onkeydown = {
        let on_key = props.on_key.clone();
        let empty = props.draft.is_empty();
        Callback::from(move |e: KeyboardEvent| {
            let key = match e.key().as_str() {
                "ArrowUp" => Key::Up,
                "ArrowDown" => Key::Down,
                // An empty line completes nothing: Tab then moves the focus on as usual.
                "Tab" if !empty && !e.shift_key() => Key::Tab,
                "l" | "L" if e.ctrl_key() => Key::ClearScreen,
                "Escape" => Key::Escape,
                _ => return,
            };
            e.prevent_default();
            on_key.emit(key);
        })
    };
    let onpaste = {
        let on_paste = props.on_paste.clone();
        let draft = props.draft.clone();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            let Some(text) = e.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
                return;
            };
            if text.contains(['\n', '\r']) {
                e.prevent_default();
                on_paste.emit(input::paste_lines(&format!("{draft}{text}")));
            }
        })
    };
    let onclick = {
        let input = input.clone();
        Callback::from(move |e: MouseEvent| {
            if !has_text_selection() && !on_control(&e) {
                focus(&input);
            }
        })
    };
    let send_anyway = props.on_submit.reform(|_: MouseEvent| true);
    let placeholder = if props.ready {
        ui.placeholder_ready
    } else {
        ui.placeholder_idle
    };
    let live = props
        .live_warnings
        .first()
        .filter(|_| props.warnings.is_empty());
    // A command typed inside the message would not fail: it would become message text.
    let command_in_message = props.warnings.iter().all(|w| w.id == "command-in-message");
    let (warning_title, warning_hint) = if props.in_message && props.draft == "." {
        i18n::terminal::dot_warning(props.lang)
    } else if command_in_message {
        (ui.in_message_title, ui.in_message_hint)
    } else {
        (ui.warning_title, ui.warning_hint)
    };

    html! {
        <section class="terminal" aria-label={ui.command_label} {onclick}>
            <div id="transcript" class="transcript" role="log" aria-live="polite" ref={log}>
                if props.transcript.nothing_shown() {
                    <p class="hint">
                        { ui.empty_hint }{ " " }
                        <code>{ "EHLO me" }</code>{ ", " }<code>{ "MAIL FROM:<you@example.org>" }</code>
                        { ", " }<code>{ "QUIT" }</code>
                    </p>
                }
                { blocks(&props.transcript, props.lang) }
            </div>
            if !props.warnings.is_empty() {
                <div id="warning" class="warning" role="alert">
                    <p class="warning-title">{ format!("⚠ {warning_title}") }</p>
                    <ul>
                        { for props.warnings.iter().map(|w| html! {
                            <li class={w.severity.as_str()} data-finding={w.id}>
                                { w.text.get(props.lang) }
                                <span class="ref">{ format!(" ({})", w.reference) }</span>
                            </li>
                        }) }
                    </ul>
                    <p class="warning-hint">
                        { warning_hint }{ " " }
                        <button id="send-anyway" type="button" onclick={send_anyway}>{ ui.send_anyway }</button>
                    </p>
                </div>
            }
            if !props.candidates.is_empty() {
                <p id="completions" class="completions">
                    { format!("{}: ", ui.suggestions) }
                    { for props.candidates.iter().map(|c| html! { <code>{ *c }</code> }) }
                </p>
            }
            if props.queued > 0 {
                <p class="queued">{ i18n::terminal::queued(props.lang, props.queued) }</p>
            }
            if let Some(w) = live {
                <p id="live-warning" class={classes!("live-warning", w.severity.as_str())}>
                    { format!("⚠ {}", w.text.get(props.lang)) }
                </p>
            }
            // Shown by the stylesheet after 5 s; a greeting that comes sooner removes it.
            if props.awaiting_greeting {
                <p id="silent-hint" class="silent-hint" role="status">{ i18n::terminal::silent_server(props.lang) }</p>
            }
            if props.in_message {
                <div id="in-message" class={classes!("in-message", props.dot_held.then_some("held"))} role="status">
                    <p>{ i18n::terminal::in_message(props.lang) }</p>
                    if props.dot_held {
                        <p id="dot-held" class="dot-held">{ format!("⚠ {}", i18n::terminal::dot_held(props.lang)) }</p>
                    }
                </div>
            }
            <form class="prompt" {onsubmit}>
                <label for="command" id="prompt" class="dir" data-phase={props.phase}>{ props.prompt }</label>
                <input id="command" ref={input} type="text" autocomplete="off"
                    spellcheck="false" autocapitalize="off" disabled={!props.ready}
                    value={props.draft.clone()} {oninput} {onkeydown} {onpaste}
                    {placeholder} aria-label={ui.command_label}
                    aria-describedby="keys-hint" />
                <button id="send" type="submit" disabled={!props.ready}>{ ui.send }</button>
            </form>
            <p id="keys-hint" class="keys-hint">{ ui.keys_hint }</p>
        </section>
    }
}

/// Focuses the command line without scrolling the window to it: the page opens
/// connected, and on a phone the terminal sits below the title and the form, which the
/// learner should see first.
fn focus_in_place(input: &NodeRef) {
    if let Some(input) = input.cast::<HtmlInputElement>() {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        // Focus can fail only for detached elements; the next render tries again.
        let _ = input.focus_with_options(&options);
    }
}

fn focus(input: &NodeRef) {
    if let Some(input) = input.cast::<HtmlInputElement>() {
        // Focus can fail only for detached elements; the next render tries again.
        let _ = input.focus();
    }
}

/// Whether a click landed on something that takes focus or toggles itself (a line's
/// explanation, a link, a button), which must keep the focus, e.g. for keyboard users.
fn on_control(e: &MouseEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| {
            el.closest("summary, a, button, input, textarea, select")
                .ok()
                .flatten()
        })
        .is_some()
}

/// Whether the user has selected text on the page (to copy it), which a click must not
/// destroy by moving focus.
fn has_text_selection() -> bool {
    web_sys::window()
        .and_then(|window| window.get_selection().ok().flatten())
        .is_some_and(|selection| !selection.is_collapsed())
}
