//! The connection status shown in the header: a coloured dot and a few words.

use yew::prelude::*;

use crate::messages;
use crate::state::Phase;

/// Props of [`Status`].
#[derive(Debug, Properties, PartialEq)]
pub struct StatusProps {
    /// Where the connection stands.
    pub phase: Phase,
}

/// See the module documentation.
#[component]
pub fn Status(props: &StatusProps) -> Html {
    let (class, text) = match &props.phase {
        Phase::Disconnected => ("disconnected", "Not connected".to_owned()),
        Phase::Connecting { target } => ("connecting", format!("Connecting to {target}…")),
        Phase::Connected { peer, tls } => (
            "connected",
            format!("Connected to {peer} ({})", messages::tls_label(*tls)),
        ),
    };
    html! {
        <p id="status" class={classes!("status", class)} role="status">
            <span class="dot" aria-hidden="true"></span>
            { text }
        </p>
    }
}
