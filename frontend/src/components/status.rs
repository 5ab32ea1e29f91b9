//! The connection status shown in the header: a coloured dot and a few words, marked
//! SIMULATED when the session runs in the in-page simulator.

use protocol::lang::Lang;
use yew::prelude::*;

use crate::i18n;
use crate::vocab::{Backend, Link, Phase};

/// Props of [`Status`].
#[derive(Debug, Properties, PartialEq)]
pub struct StatusProps {
    /// Where the connection stands.
    pub phase: Phase,
    /// Where the session runs (marked when it is the in-page simulator).
    pub backend: Backend,
    /// The encryption as it is now (`State::link`).
    pub link: Link,
    /// The language.
    pub lang: Lang,
}

/// See the module documentation.
#[component]
pub fn Status(props: &StatusProps) -> Html {
    let lang = props.lang;
    let (class, text) = match &props.phase {
        Phase::Disconnected => ("disconnected", i18n::ui(lang).not_connected.to_owned()),
        Phase::Connecting { target } => ("connecting", i18n::connecting_to(lang, target)),
        Phase::Connected { peer, .. } => (
            "connected",
            i18n::terminal::connected(lang, peer, props.link),
        ),
    };
    let simulated = props.backend.is_simulator() && props.phase != Phase::Disconnected;
    html! {
        <p id="status" class={classes!("status", class, simulated.then_some("simulated"))} role="status">
            <span class="dot" aria-hidden="true"></span>
            if simulated {
                <strong class="sim-badge">{ i18n::simulated(lang) }</strong>{ " " }
            }
            { text }
        </p>
    }
}
