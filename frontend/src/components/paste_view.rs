//! "Paste a transcript": a text box for a swaks, `C:`/`S:`, smtplib or telnet transcript,
//! and the same annotated lines as the terminal, from `protocol::transcript`.

use std::rc::Rc;

use protocol::lang::Lang;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::components::transcript_block::blocks;
use crate::i18n;
use crate::pasted::{self, Pasted};

/// Props of [`PasteView`].
#[derive(Debug, Properties, PartialEq)]
pub struct PasteViewProps {
    /// The language.
    pub lang: Lang,
    /// A transcript from a shared link: shown annotated and read-only, without the box.
    #[prop_or_default]
    pub shared: Option<Rc<str>>,
    /// The transcript annotated last (kept by the state, for Export and Share).
    #[prop_or_default]
    pub pasted: Option<Rc<str>>,
    /// A transcript was annotated.
    pub on_annotate: Callback<String>,
}

/// See the module documentation.
#[component]
pub fn PasteView(props: &PasteViewProps) -> Html {
    let ui = i18n::ui(props.lang);
    let area = use_node_ref();
    let result = {
        let pasted = props.pasted.clone();
        use_state(move || pasted.map(|text| Rc::new(pasted::annotate(&text))))
    };
    let shared = use_memo(props.shared.clone(), |shared| {
        shared
            .as_deref()
            .map(|text| Rc::new(pasted::annotate(text)))
    });
    let onsubmit = {
        let area = area.clone();
        let result = result.clone();
        let on_annotate = props.on_annotate.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                let text = area.value();
                result.set(Some(Rc::new(pasted::annotate(&text))));
                on_annotate.emit(text);
            }
        })
    };
    if let Some(pasted) = (*shared).clone() {
        return html! {
            <section class="paste-view shared">
                <p id="shared-title" class="muted">{ ui.shared_title }</p>
                { annotated(&pasted, props.lang) }
            </section>
        };
    }
    html! {
        <section class="paste-view">
            <form class="paste-form" {onsubmit}>
                <label for="paste-input">{ ui.paste_label }</label>
                <textarea id="paste-input" ref={area} rows="8" spellcheck="false"
                    value={props.pasted.as_deref().unwrap_or_default().to_owned()}
                    placeholder={"<-  220 mx.example.org ESMTP\n -> EHLO me\n<-  250 PIPELINING"} />
                <button id="paste-annotate" type="submit" class="primary">{ ui.paste_annotate }</button>
            </form>
            if let Some(pasted) = &*result {
                { annotated(pasted, props.lang) }
            }
        </section>
    }
}

fn annotated(pasted: &Pasted, lang: Lang) -> Html {
    let ui = i18n::ui(lang);
    html! {
        <>
            <p id="paste-format" class="muted">{ format!("{}: {}", ui.paste_format, pasted::format_name(pasted.format, lang)) }</p>
            <div id="paste-transcript" class="transcript static">
                { blocks(&pasted.transcript, lang) }
            </div>
        </>
    }
}
