//! The form that picks the SMTP server: host, port, TLS mode, Connect and Disconnect.

use protocol::wire::TlsMode;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::{ConnectForm as FormValues, Phase};

/// Props of [`ConnectForm`].
#[derive(Debug, Properties, PartialEq)]
pub struct ConnectFormProps {
    /// The values to show.
    pub values: FormValues,
    /// Whether a connection exists; the fields are locked while it does.
    pub phase: Phase,
    /// The host field changed.
    pub on_host: Callback<String>,
    /// The port field changed.
    pub on_port: Callback<String>,
    /// Another TLS mode was chosen.
    pub on_tls: Callback<TlsMode>,
    /// Connect was pressed (or Enter in a field).
    pub on_connect: Callback<()>,
    /// Disconnect was pressed.
    pub on_disconnect: Callback<()>,
}

/// The TLS modes in the order the select lists them, with their form value and label.
const TLS_OPTIONS: [(TlsMode, &str, &str); 3] = [
    (TlsMode::None, "none", "None (plain TCP)"),
    (
        TlsMode::Starttls,
        "starttls",
        "STARTTLS (upgrade after EHLO)",
    ),
    (
        TlsMode::Implicit,
        "implicit",
        "Implicit TLS (e.g. port 465)",
    ),
];

/// The mode for a `<select>` value; `None` for anything not in [`TLS_OPTIONS`].
fn tls_from_value(value: &str) -> Option<TlsMode> {
    TLS_OPTIONS
        .iter()
        .find(|(_, v, _)| *v == value)
        .map(|(mode, _, _)| *mode)
}

/// See the module documentation.
#[component]
pub fn ConnectForm(props: &ConnectFormProps) -> Html {
    let idle = props.phase == Phase::Disconnected;

    let text_input = |cb: &Callback<String>| {
        let cb = cb.clone();
        Callback::from(move |e: InputEvent| {
            cb.emit(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_tls = {
        let cb = props.on_tls.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(mode) = tls_from_value(&value) {
                cb.emit(mode);
            }
        })
    };
    let onsubmit = {
        let cb = props.on_connect.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            cb.emit(());
        })
    };
    let on_disconnect = props.on_disconnect.reform(|_: MouseEvent| ());

    html! {
        <form class="connect" {onsubmit} aria-label="SMTP server">
            <label class="field host">
                <span>{ "Host" }</span>
                <input id="host" type="text" autocomplete="off" spellcheck="false"
                    value={props.values.host.clone()} disabled={!idle}
                    oninput={text_input(&props.on_host)} />
            </label>
            <label class="field port">
                <span>{ "Port" }</span>
                <input id="port" type="text" inputmode="numeric" autocomplete="off"
                    value={props.values.port.clone()} disabled={!idle}
                    oninput={text_input(&props.on_port)} />
            </label>
            <label class="field tls">
                <span>{ "TLS" }</span>
                <select id="tls" disabled={!idle} onchange={on_tls}>
                    { for TLS_OPTIONS.iter().map(|(mode, value, label)| html! {
                        <option value={*value} selected={*mode == props.values.tls}>{ *label }</option>
                    }) }
                </select>
            </label>
            <div class="buttons">
                <button id="connect" type="submit" class="primary" disabled={!idle}>{ "Connect" }</button>
                <button id="disconnect" type="button" disabled={idle} onclick={on_disconnect}>{ "Disconnect" }</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_values_map_to_modes() {
        assert_eq!(tls_from_value("none"), Some(TlsMode::None));
        assert_eq!(tls_from_value("starttls"), Some(TlsMode::Starttls));
        assert_eq!(tls_from_value("implicit"), Some(TlsMode::Implicit));
        assert_eq!(tls_from_value("ssl"), None);
    }
}
