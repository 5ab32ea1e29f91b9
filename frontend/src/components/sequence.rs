//! The session's sequence diagram (see [`crate::sequence`]) in a collapsible panel, with a
//! link that downloads the same conversation as an SVG file.
//!
//! The panel starts closed and draws its picture only while open: an SVG image is parsed
//! and its text laid out again whenever it changes, which is on every transcript line.
//! Shown, it is the compact drawing in the page's theme (both lifelines in the panel,
//! labels at full size) of the newest [`sequence::SHOWN_LINES`] lines, so a long session
//! costs no more per line than a short one; downloaded, the wide drawing of the whole
//! session on white, built when the link is clicked rather than on every line.

use std::rc::Rc;

use protocol::lang::{Lang, Text};
use web_sys::Element;
use yew::prelude::*;

use crate::sequence::{self, Size, Span};
use crate::transcript::Transcript;
use crate::vocab::Theme;

/// Props of [`Sequence`].
#[derive(Debug, Properties, PartialEq)]
pub struct SequenceProps {
    /// The conversation.
    pub transcript: Rc<Transcript>,
    /// The language of the labels.
    pub lang: Lang,
    /// The page's theme, which the shown drawing follows.
    pub theme: Theme,
}

/// See the module documentation.
#[component]
pub fn Sequence(props: &SequenceProps) -> Html {
    let lang = props.lang;
    let open = use_state_eq(|| false);
    let scroller = use_node_ref();
    let shown = use_memo(
        (props.transcript.clone(), lang, props.theme, *open),
        |(transcript, lang, theme, open)| {
            open.then(|| {
                sequence::data_url(&sequence::svg(
                    transcript,
                    *lang,
                    Size::Compact,
                    *theme,
                    Span::Newest,
                ))
            })
        },
    );
    // The newest arrow in view: the panel scrolls to its end when the drawing grows.
    {
        let scroller = scroller.clone();
        use_effect_with(shown.clone(), move |_| {
            if let Some(element) = scroller.cast::<Element>() {
                element.set_scroll_top(element.scroll_height());
            }
        });
    }
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            if let Some(details) = e.target_dyn_into::<Element>() {
                open.set(details.has_attribute("open"));
            }
        })
    };
    // The link gets its document as it is clicked: the browser follows the link after
    // the click's handlers ran, so it downloads the session as it is at that moment.
    let download = {
        let transcript = props.transcript.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(link) = e.target_dyn_into::<Element>() {
                let svg = sequence::svg(&transcript, lang, Size::Wide, Theme::Light, Span::Whole);
                // Setting an attribute on a link in the page cannot fail.
                let _ = link.set_attribute("href", &sequence::data_url(&svg));
            }
        })
    };
    let label = Text {
        en: "Sequence diagram",
        zh: "时序图",
    }
    .get(lang);
    html! {
        <details id="sequence" class="panel sequence" {ontoggle}>
            <summary>
                <h2>{ label }</h2>
                { " " }
                <a id="sequence-download" class="button" download="smtp-session.svg"
                    href="#" onclick={download}>{ Text { en: "Download .svg", zh: "下载 .svg" }.get(lang) }</a>
            </summary>
            // An image of the document, not its markup: no text of the transcript is ever
            // parsed as the page's own markup.
            <div class="sequence-scroll" ref={scroller}>
                if let Some(src) = (*shown).clone() {
                    <img id="sequence-svg" {src} alt={label} />
                }
            </div>
        </details>
    }
}
