//! The AUTH helper: when the server sends `334`, it shows what the challenge decodes to
//! and offers a field to type the answer in clear, sent base64-encoded (LOGIN), or computes
//! the CRAM-MD5 answer (`cram_helper.rs`); before AUTH it offers to start LOGIN or
//! CRAM-MD5, or to send `AUTH PLAIN <base64>`. What is typed here stays
//! in this component: the page state and the history never hold it, and the transcript
//! shows the password masked (`protocol::auth::redact_client_line`).

use protocol::auth::{self, Prompt};
use protocol::lang::{Lang, Text};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::cram_helper::cram_form;
use crate::i18n;
use crate::state::AuthStep;

/// Props of [`AuthHelper`].
#[derive(Debug, Properties, PartialEq)]
pub struct AuthHelperProps {
    /// What to offer.
    pub step: AuthStep,
    /// The language.
    pub lang: Lang,
    /// Sends a line as it is (already encoded).
    pub on_line: Callback<String>,
}

/// What a decoded prompt says, for "The server asks for: …".
fn prompt_text(prompt: &Prompt, lang: Lang) -> String {
    match prompt {
        Prompt::Username => format!("\"Username:\" ({})", i18n::ui(lang).username),
        Prompt::Password => format!("\"Password:\" ({})", i18n::ui(lang).password),
        Prompt::Empty => Text {
            en: "(empty): send the initial response, e.g. PLAIN's base64",
            zh: "（空）：发送初始响应，例如 AUTH PLAIN 的 base64",
        }
        .get(lang)
        .to_owned(),
        Prompt::Text(text) => format!("{text:?}"),
        Prompt::Undecodable => Text {
            en: "(not decodable as text)",
            zh: "（无法解码为文本）",
        }
        .get(lang)
        .to_owned(),
    }
}

fn value(node: &NodeRef) -> String {
    node.cast::<HtmlInputElement>()
        .map(|input| input.value())
        .unwrap_or_default()
}

fn clear(node: &NodeRef) {
    if let Some(input) = node.cast::<HtmlInputElement>() {
        input.set_value("");
    }
}

/// See the module documentation.
#[component]
pub fn AuthHelper(props: &AuthHelperProps) -> Html {
    let ui = i18n::ui(props.lang);
    let user = use_node_ref();
    let pass = use_node_ref();
    let cram = use_state(String::new);

    let body = match &props.step {
        AuthStep::Answer {
            prompt: Prompt::Text(text),
            ..
        } if auth::is_cram_md5_challenge(text) => {
            cram_form(text, &cram, props.lang, &props.on_line)
        }
        AuthStep::Answer { challenge, prompt } => {
            let secret = *prompt == Prompt::Password;
            let onsubmit = {
                let on_line = props.on_line.clone();
                let field = if secret { pass.clone() } else { user.clone() };
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    on_line.emit(auth::encode(&value(&field)));
                    clear(&field);
                })
            };
            let (label, input) = if secret {
                (
                    ui.password,
                    html! {
                        <input id="auth-pass" ref={pass.clone()} type="password" autocomplete="off" />
                    },
                )
            } else {
                (
                    ui.username,
                    html! {
                        <input id="auth-user" ref={user.clone()} type="text" autocomplete="off" spellcheck="false" />
                    },
                )
            };
            html! {
                <>
                    <p id="auth-decoded" class="auth-decoded">
                        { format!("{}: ", ui.auth_asks) }
                        <code>{ format!("334 {challenge}") }</code>{ " → " }
                        <strong>{ prompt_text(prompt, props.lang) }</strong>
                    </p>
                    <form class="auth-form" {onsubmit}>
                        <label>{ label }{ input }</label>
                        <button id="auth-send" type="submit">{ ui.auth_send }</button>
                    </form>
                </>
            }
        }
        AuthStep::Start { mechanisms } => {
            let has = |m: &str| mechanisms.iter().any(|x| x.eq_ignore_ascii_case(m));
            let login = props
                .on_line
                .reform(|_: MouseEvent| "AUTH LOGIN".to_owned());
            let cram = props
                .on_line
                .reform(|_: MouseEvent| "AUTH CRAM-MD5".to_owned());
            let onsubmit = {
                let on_line = props.on_line.clone();
                let (user, pass) = (user.clone(), pass.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    let encoded = auth::encode_plain("", &value(&user), &value(&pass));
                    on_line.emit(format!("AUTH PLAIN {encoded}"));
                    clear(&pass);
                })
            };
            html! {
                <>
                    <p class="auth-decoded">{ format!("AUTH: {}", mechanisms.join(" ")) }</p>
                    if has("LOGIN") {
                        <button id="auth-login" type="button" onclick={login}>{ ui.auth_login }</button>
                    }
                    if has("CRAM-MD5") {
                        <button id="auth-cram" type="button" onclick={cram}>{ i18n::cram::cram(props.lang).start }</button>
                    }
                    if has("PLAIN") {
                        <form class="auth-form" {onsubmit}>
                            <label>{ ui.username }
                                <input id="auth-plain-user" ref={user.clone()} type="text" autocomplete="off" spellcheck="false" />
                            </label>
                            <label>{ ui.password }
                                <input id="auth-plain-pass" ref={pass.clone()} type="password" autocomplete="off" />
                            </label>
                            <button id="auth-plain" type="submit">{ ui.auth_plain }</button>
                        </form>
                    }
                </>
            }
        }
    };
    html! {
        <section id="auth-helper" class="panel auth-helper" aria-label={ui.auth_title}>
            <h2>{ ui.auth_title }</h2>
            { body }
            <p class="auth-note">{ ui.auth_note }</p>
        </section>
    }
}
