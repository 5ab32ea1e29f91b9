//! The BDAT helper: a box for a chunk's text, its size counted as the server will count it
//! (`protocol::chunk`: UTF-8 bytes, CRLF included), and buttons that send `BDAT n` or
//! `BDAT n LAST` followed by the chunk, as pasted lines (the chunk follows its command at
//! once, as RFC 3030 wants). The text stays here until sent, like the AUTH helper's.

use protocol::chunk;
use protocol::lang::Lang;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::i18n;

/// Props of [`BdatHelper`].
#[derive(Debug, Properties, PartialEq)]
pub struct BdatHelperProps {
    /// The language.
    pub lang: Lang,
    /// Sends the BDAT line and the chunk's lines, in order.
    pub on_send: Callback<Vec<String>>,
}

/// See the module documentation.
#[component]
pub fn BdatHelper(props: &BdatHelperProps) -> Html {
    let words = i18n::chunk::chunk(props.lang);
    let text = use_state(String::new);
    let lines = chunk::chunk_lines(&text);
    let octets = chunk::chunk_octets(lines.iter().copied());
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                text.set(area.value());
            }
        })
    };
    let button = |id: &'static str, last: bool| {
        let command = chunk::bdat_line(octets, last);
        let onclick = {
            let (on_send, text, command) = (props.on_send.clone(), text.clone(), command.clone());
            Callback::from(move |_: MouseEvent| {
                let mut out = vec![command.clone()];
                out.extend(chunk::chunk_lines(&text).into_iter().map(str::to_owned));
                on_send.emit(out);
                text.set(String::new());
            })
        };
        html! {
            <button {id} type="button" {onclick}>{ words.send }{ " " }<code>{ command }</code></button>
        }
    };
    html! {
        <section id="bdat-helper" class="panel auth-helper bdat-helper" aria-label={words.title}>
            <h2>{ words.title }</h2>
            <p class="auth-note">{ words.hint }</p>
            <textarea id="bdat-chunk" rows="4" spellcheck="false" value={(*text).clone()} {oninput} />
            <p id="bdat-count" class="auth-decoded">{ (words.count)(octets, lines.len()) }</p>
            <div class="bdat-buttons">
                { button("bdat-send", false) }
                { button("bdat-send-last", true) }
            </div>
            <p class="auth-note">{ words.why }</p>
        </section>
    }
}
