//! One line of the transcript: who said it (arrow and colour), what was said, when, and
//! protocol's explanation: the title always visible, the rest on expand.
//!
//! The markup is part of the test contract: every line is a `.line` element with `client`,
//! `server` or `note`; server lines carry `data-code`, the text is in `.text`, the
//! annotation title in `.title` and the details in `.explain`. Expanding uses
//! `<details>`, so it works with the keyboard (Tab to the line, Enter or Space) and screen
//! readers. The details (`.explain`: paragraphs, findings, next steps, the RFC link) are
//! put in the page only once the line is opened: a closed line is at most 14 DOM nodes, so
//! a session of thousands of lines stays cheap to lay out.

use protocol::annotate::Annotation;
use protocol::lang::Lang;
use protocol::reply::ReplyClass;
use yew::prelude::*;

use crate::i18n;
use crate::transcript::{Entry, EntryKind, Tone};

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

/// One line, keyed by its entry's id; see the module documentation. `toggle` says
/// whether its explanation is open (its body is built only then: a long session is
/// thousands of lines, and most are never opened) and what to tell when it is opened or
/// closed.
pub fn line(entry: &Entry, lang: Lang, toggle: &Toggle) -> Html {
    let ui = i18n::ui(lang);
    let key = entry.id;
    match &entry.kind {
        EntryKind::Client {
            text,
            at_ms,
            encrypted,
            annotation,
            ..
        } => {
            let meta = meta(*at_ms, None, *encrypted, lang);
            let arrow = if *encrypted { "⇒" } else { "→" };
            html! {
                <div {key} class={classes!("line", "client", encrypted.then_some("encrypted"))}
                    data-severity={annotation.get(lang).severity.as_str()}>
                    { annotated(arrow, ui.dir_titles[0], text, meta, annotation.get(lang), lang, toggle) }
                </div>
            }
        }
        EntryKind::Server {
            text,
            reply,
            at_ms,
            latency_ms,
            encrypted,
            annotation,
        } => {
            let class = reply.map_or("reply-invalid", |r| class_name(r.class));
            let code = reply.map(|r| r.code.to_string());
            let last = reply.map(|r| r.is_last.to_string());
            // One time per reply: the continuation lines of an EHLO reply arrive together.
            let first = reply.is_none_or(|r| r.is_first);
            let meta = meta(at_ms.filter(|_| first), *latency_ms, *encrypted, lang);
            let arrow = if *encrypted { "⇐" } else { "←" };
            html! {
                <div {key} class={classes!("line", "server", class, encrypted.then_some("encrypted"))}
                    data-code={code} data-last={last}
                    data-severity={annotation.get(lang).severity.as_str()}>
                    { annotated(arrow, ui.dir_titles[1], text, meta, annotation.get(lang), lang, toggle) }
                </div>
            }
        }
        EntryKind::Note {
            tone,
            notice,
            annotation,
        } => {
            let (class, mark) = match tone {
                Tone::Info => ("info", "·"),
                Tone::Error => ("error", "!"),
            };
            let text = i18n::notice(lang, notice);
            let body = match annotation {
                Some(annotation) => annotated(
                    mark,
                    "",
                    &text,
                    Html::default(),
                    annotation.get(lang),
                    lang,
                    toggle,
                ),
                None => html! {
                    <div class="head">
                        <span class="dir" aria-hidden="true">{ mark }</span>
                        <span class="text">{ text }</span>
                    </div>
                },
            };
            html! { <div {key} class={classes!("line", "note", class)}>{ body }</div> }
        }
    }
}

/// The time since connecting, the reply latency and the TLS mark; nothing at all when
/// there is none of them (most lines of a long session: message text, continuation lines),
/// so a line stays a handful of DOM nodes. The TLS mark is drawn by the stylesheet from the
/// class, not an element of its own.
fn meta(at_ms: Option<u64>, latency_ms: Option<u64>, encrypted: bool, lang: Lang) -> Html {
    if at_ms.is_none() && latency_ms.is_none() && !encrypted {
        return Html::default();
    }
    let ui = i18n::ui(lang);
    html! {
        <span class={classes!("meta", encrypted.then_some("enc"))} title={encrypted.then_some(ui.encrypted)}>
            if let Some(latency) = latency_ms {
                <span class="latency" title={i18n::terminal::latency_title(lang)}>{ format!("Δ{latency} ms") }</span>
            }
            if let Some(at) = at_ms {
                <span class="at" title={i18n::terminal::since_connect_title(lang)}>{ format!("+{at} ms") }</span>
            }
        </span>
    }
}

/// Whether a line's explanation is open, and what tells the line it was opened or closed.
#[derive(Debug)]
pub struct Toggle {
    /// The explanation is open: its body is built.
    pub open: bool,
    /// The `<details>` was opened or closed (its `toggle` event).
    pub ontoggle: Callback<Event>,
}

fn annotated(
    arrow: &'static str,
    dir_title: &'static str,
    text: &str,
    meta: Html,
    annotation: &Annotation,
    lang: Lang,
    toggle: &Toggle,
) -> Html {
    let has_details = !annotation.explanation.is_empty()
        || !annotation.reference.is_empty()
        || !annotation.next_steps.is_empty()
        || !annotation.findings.is_empty();
    let head = html! {
        <>
            <span class="dir" title={dir_title}>{ arrow }</span>
            <span class="text">{ text.to_owned() }</span>
            { meta }
            <span class={classes!("title", annotation.severity.as_str())}>{ annotation.title.clone() }</span>
        </>
    };
    if !has_details {
        return html! { <div class="head">{ head }</div> };
    }
    html! {
        <details class="ann" ontoggle={toggle.ontoggle.clone()}>
            <summary class="head">{ head }</summary>
            if toggle.open {
                { explanation(annotation, lang) }
            }
        </details>
    }
}

/// The body of an opened explanation: its paragraphs, the findings, the next steps and
/// the reference as a link.
fn explanation(annotation: &Annotation, lang: Lang) -> Html {
    let ui = i18n::ui(lang);
    html! {
        <div class="explain">
            if !annotation.explanation.is_empty() {
                { for annotation.explanation.lines().map(|p| html! { <p>{ p.to_owned() }</p> }) }
            }
            if !annotation.findings.is_empty() {
                <p class="label">{ ui.findings }</p>
                <ul class="findings">
                    { for annotation.findings.iter().map(|note| html! {
                        <li class={note.severity.as_str()} data-finding={note.id.clone()}>
                            { note.text.clone() }
                            if !note.reference.is_empty() {
                                <span class="ref">{ format!(" ({})", note.reference) }</span>
                            }
                        </li>
                    }) }
                </ul>
            }
            if !annotation.next_steps.is_empty() {
                <p class="label">{ ui.next_steps }</p>
                <ul class="next">
                    { for annotation.next_steps.iter().map(|step| html! { <li><code>{ step.clone() }</code></li> }) }
                </ul>
            }
            if !annotation.reference.is_empty() {
                <p class="ref">{ format!("{}: ", ui.reference) }{ reference_link(&annotation.reference) }</p>
            }
        </div>
    }
}

/// `RFC 5321 4.1.1.1` as a link to that section on rfc-editor.org; other text as is.
fn reference_link(reference: &str) -> Html {
    match rfc_url(reference) {
        Some(url) => html! {
            <a href={url} target="_blank" rel="noopener noreferrer">{ reference.to_owned() }</a>
        },
        None => html! { { reference.to_owned() } },
    }
}

/// The URL of an RFC reference like `RFC 5321 4.1.1.1` (section optional).
pub fn rfc_url(reference: &str) -> Option<String> {
    let mut words = reference.split_whitespace();
    if !words.next()?.eq_ignore_ascii_case("RFC") {
        return None;
    }
    let number: u32 = words.next()?.trim_end_matches([',', ';']).parse().ok()?;
    let section = words
        .next()
        .filter(|s| s.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .map(|s| format!("#section-{}", s.trim_end_matches('.')))
        .unwrap_or_default();
    Some(format!(
        "https://www.rfc-editor.org/rfc/rfc{number}{section}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_references_become_links() {
        assert_eq!(
            rfc_url("RFC 5321 4.1.1.1").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1.1")
        );
        assert_eq!(
            rfc_url("RFC 3207").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc3207")
        );
        assert_eq!(rfc_url("Postfix docs"), None);
        assert_eq!(rfc_url("RFC x"), None);
    }
}
