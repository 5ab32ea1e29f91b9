//! The export box: the transcript as swaks-style text or JSON in a read-only text area
//! (selectable when the clipboard is not available), with a Copy button.

use protocol::lang::Lang;
use yew::prelude::*;

use crate::i18n;

/// Props of [`ExportBox`].
#[derive(Debug, Properties, PartialEq)]
pub struct ExportBoxProps {
    /// The exported text.
    pub content: String,
    /// The language.
    pub lang: Lang,
    /// Copy was pressed.
    pub on_copy: Callback<()>,
    /// Close was pressed.
    pub on_close: Callback<()>,
}

/// See the module documentation.
#[component]
pub fn ExportBox(props: &ExportBoxProps) -> Html {
    let ui = i18n::ui(props.lang);
    let copied = use_state(|| false);
    let on_copy = {
        let copied = copied.clone();
        let cb = props.on_copy.clone();
        Callback::from(move |_: MouseEvent| {
            cb.emit(());
            copied.set(true);
        })
    };
    html! {
        <section class="panel export" aria-label={ui.export_text}>
            <textarea id="export-output" readonly=true rows="10" spellcheck="false"
                value={props.content.clone()} />
            <div class="buttons">
                <button id="export-copy" type="button" onclick={on_copy}>
                    { if *copied { ui.copied } else { ui.copy } }
                </button>
                <button id="export-close" type="button" onclick={props.on_close.reform(|_: MouseEvent| ())}>{ ui.close }</button>
            </div>
        </section>
    }
}
