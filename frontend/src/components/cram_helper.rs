//! The AUTH helper's answer to a CRAM-MD5 challenge (RFC 2195): the challenge decoded, the
//! HMAC-MD5 computed as the learner types the password, and the exact base64 line that
//! will be sent. The password stays in the AUTH helper's own state; the line sent is
//! masked in the transcript (`protocol::auth::redact_client_line`). A plain function, not
//! a component: a component of its own costs more of the bundle.

use protocol::auth;
use protocol::lang::Lang;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n;

/// What the learner typed: the username, a NUL and the password (joined as PLAIN joins
/// them, so the helper needs no state type of its own: each one costs bundle size).
pub type Typed = UseStateHandle<String>;

fn split(typed: &str) -> (&str, &str) {
    typed.split_once('\0').unwrap_or((typed, ""))
}

fn typed(state: &Typed, password: bool) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
            let (user, pass) = split(&state);
            let value = input.value();
            state.set(if password {
                format!("{user}\0{value}")
            } else {
                format!("{value}\0{pass}")
            });
        }
    })
}

/// The form for `challenge` (decoded, `<random.time@host>`); `on_line` sends the answer.
pub fn cram_form(
    challenge: &str,
    typed_in: &Typed,
    lang: Lang,
    on_line: &Callback<String>,
) -> Html {
    let ui = i18n::ui(lang);
    let words = i18n::cram::cram(lang);
    let (user, pass) = split(typed_in);
    let line = auth::encode(&auth::cram_md5_response(user, pass, challenge));
    let ready = !user.is_empty() && !pass.is_empty();
    let onsubmit = {
        let (on_line, line, typed_in) = (on_line.clone(), line.clone(), typed_in.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if ready {
                on_line.emit(line.clone());
                typed_in.set(format!("{}\0", split(&typed_in).0));
            }
        })
    };
    html! {
        <form class="auth-form cram" {onsubmit}>
            <p class="auth-decoded">
                { format!("{}: ", words.challenge) }
                <code id="cram-challenge">{ challenge }</code>
            </p>
            <label>{ ui.username }
                <input id="cram-user" type="text" autocomplete="off" spellcheck="false"
                    value={user.to_owned()} oninput={typed(typed_in, false)} />
            </label>
            <label>{ ui.password }
                <input id="cram-pass" type="password" autocomplete="off"
                    value={pass.to_owned()} oninput={typed(typed_in, true)} />
            </label>
            if ready {
                <p class="auth-decoded">{ format!("{}: ", words.hmac) }<code id="cram-hmac">{ auth::cram_md5_digest(pass, challenge) }</code></p>
                <p class="auth-decoded">{ format!("{}: ", words.line) }<code id="cram-line">{ line }</code></p>
            }
            <button id="cram-send" type="submit" disabled={!ready}>{ words.send }</button>
        </form>
    }
}
