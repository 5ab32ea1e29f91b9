//! The AUTH helper's answer to a CRAM-MD5 challenge (RFC 2195): the challenge decoded, the
//! HMAC-MD5 computed as the learner types the password, and the exact base64 line that
//! will be sent. The password stays in this component, as in the AUTH helper; the line
//! sent is masked in the transcript (`protocol::auth::redact_client_line`).

use protocol::auth;
use protocol::lang::Lang;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n;

/// Props of [`CramHelper`].
#[derive(Debug, Properties, PartialEq)]
pub struct CramHelperProps {
    /// The challenge, decoded (`<random.time@host>`).
    pub challenge: String,
    /// The language.
    pub lang: Lang,
    /// Sends the base64 answer.
    pub on_line: Callback<String>,
}

fn typed(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
            state.set(input.value());
        }
    })
}

/// See the module documentation.
#[component]
pub fn CramHelper(props: &CramHelperProps) -> Html {
    let ui = i18n::ui(props.lang);
    let words = i18n::cram::cram(props.lang);
    let user = use_state(String::new);
    let pass = use_state(String::new);
    let digest = auth::cram_md5_digest(&pass, &props.challenge);
    let line = auth::encode(&auth::cram_md5_response(&user, &pass, &props.challenge));
    let ready = !user.is_empty() && !pass.is_empty();
    let onsubmit = {
        let (on_line, line, pass) = (props.on_line.clone(), line.clone(), pass.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if ready {
                on_line.emit(line.clone());
                pass.set(String::new());
            }
        })
    };
    html! {
        <form class="auth-form cram" {onsubmit}>
            <p class="auth-decoded">
                { format!("{}: ", words.challenge) }
                <code id="cram-challenge">{ props.challenge.clone() }</code>
                <br /><small>{ words.challenge_note }</small>
            </p>
            <label>{ ui.username }
                <input id="cram-user" type="text" autocomplete="off" spellcheck="false"
                    value={(*user).clone()} oninput={typed(&user)} />
            </label>
            <label>{ ui.password }
                <input id="cram-pass" type="password" autocomplete="off"
                    value={(*pass).clone()} oninput={typed(&pass)} />
            </label>
            if ready {
                <p class="auth-decoded">{ format!("{}: ", words.hmac) }<code id="cram-hmac">{ digest }</code></p>
                <p class="auth-decoded">{ format!("{}: ", words.line) }<code id="cram-line">{ line }</code></p>
            }
            <button id="cram-send" type="submit" disabled={!ready}>{ words.send }</button>
            <p class="auth-note">{ words.why }</p>
        </form>
    }
}
