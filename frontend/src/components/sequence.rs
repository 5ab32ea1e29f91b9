//! The session's sequence diagram (see [`crate::sequence`]) in a collapsible panel, with a
//! link that downloads the same SVG as a file.

use std::rc::Rc;

use protocol::lang::{Lang, Text};
use yew::prelude::*;

use crate::sequence;
use crate::transcript::Transcript;

/// Props of [`Sequence`].
#[derive(Debug, Properties, PartialEq)]
pub struct SequenceProps {
    /// The conversation.
    pub transcript: Rc<Transcript>,
    /// The language of the labels.
    pub lang: Lang,
}

/// See the module documentation.
#[component]
pub fn Sequence(props: &SequenceProps) -> Html {
    let lang = props.lang;
    let url = use_memo((props.transcript.clone(), lang), |(transcript, lang)| {
        sequence::data_url(&sequence::svg(transcript, *lang))
    });
    let label = Text {
        en: "Sequence diagram",
        zh: "时序图",
    }
    .get(lang);
    html! {
        <details id="sequence" class="panel sequence">
            <summary>
                <h2>{ label }</h2>
                { " " }
                <a id="sequence-download" class="button" download="smtp-session.svg"
                    href={(*url).clone()}>{ Text { en: "Download .svg", zh: "下载 .svg" }.get(lang) }</a>
            </summary>
            // The same document as the download, shown as an image: no markup of the
            // transcript ever enters the page's DOM.
            <div class="sequence-scroll"><img id="sequence-svg" src={(*url).clone()} alt={label} /></div>
        </details>
    }
}
