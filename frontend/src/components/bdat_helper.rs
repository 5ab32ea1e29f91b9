//! The BDAT helper: a box for a chunk's text, its size counted as the server will count it
//! (`protocol::chunk`: UTF-8 bytes, CRLF included), and buttons that send `BDAT n` or
//! `BDAT n LAST` followed by the chunk, as pasted lines (the chunk follows its command at
//! once, as RFC 3030 wants). The text is the app's until sent. A plain function, not a
//! component: a component of its own costs more of the bundle.

use protocol::chunk;
use protocol::lang::Lang;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::i18n;

/// The panel for the chunk `text`; `draft` keeps what is typed, `on_send` sends the BDAT
/// line and the chunk's lines, in order.
pub fn bdat_helper(
    draft: &UseStateHandle<String>,
    lang: Lang,
    on_send: &Callback<Vec<String>>,
) -> Html {
    let words = i18n::chunk::chunk(lang);
    let lines = chunk::chunk_lines(draft);
    let octets = chunk::chunk_octets(lines.iter().copied());
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                draft.set(area.value());
            }
        })
    };
    let button = |id: &'static str, last: bool| {
        let command = chunk::bdat_line(octets, last);
        let mut out = vec![command.clone()];
        out.extend(lines.iter().map(|l| (*l).to_owned()));
        let onclick = {
            let (on_send, draft) = (on_send.clone(), draft.clone());
            Callback::from(move |_: MouseEvent| {
                on_send.emit(out.clone());
                draft.set(String::new());
            })
        };
        html! {
            <button {id} type="button" {onclick}>{ words.send }{ " " }<code>{ command }</code></button>
        }
    };
    html! {
        <section id="bdat-helper" class="panel auth-helper bdat-helper" aria-label={words.title}>
            <h2>{ words.title }</h2>
            <textarea id="bdat-chunk" rows="4" spellcheck="false" value={(**draft).clone()} {oninput} />
            <p id="bdat-count" class="auth-decoded">{ (words.count)(octets, lines.len()) }</p>
            <div class="bdat-buttons">
                { button("bdat-send", false) }
                { button("bdat-send-last", true) }
            </div>
        </section>
    }
}
