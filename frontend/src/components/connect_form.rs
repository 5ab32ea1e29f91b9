//! The form that picks the SMTP server: host, port, TLS mode, Connect and Disconnect, and
//! presets for the sandbox and the common ports with a line on what each is for.

use protocol::lang::{Lang, Text};
use protocol::wire::TlsMode;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n;
use crate::i18n::check::words as check_words;
use crate::i18n::dns::words as dns_words;
use crate::i18n::mx::words as mx_words;
use crate::state::ConnectForm as FormValues;
use crate::vocab::{Backend, Phase, Preset};

/// Props of [`ConnectForm`].
#[derive(Debug, Properties, PartialEq)]
pub struct ConnectFormProps {
    /// The values to show.
    pub values: FormValues,
    /// Whether a connection exists; the fields are locked while it does.
    pub phase: Phase,
    /// The language.
    pub lang: Lang,
    /// The host field changed.
    pub on_host: Callback<String>,
    /// The port field changed.
    pub on_port: Callback<String>,
    /// Another TLS mode was chosen.
    pub on_tls: Callback<TlsMode>,
    /// A preset was chosen.
    pub on_preset: Callback<Preset>,
    /// The insecure checkbox changed.
    pub on_insecure: Callback<bool>,
    /// The "domain, by MX" checkbox changed.
    pub on_by_mx: Callback<bool>,
    /// "Check this server" was pressed.
    pub on_check: Callback<()>,
    /// "DNS facts" was pressed (shown when the host field names a domain).
    pub on_dns: Callback<()>,
    /// A check is running: its button waits.
    pub checking: bool,
    /// The "Simulate (no bridge)" checkbox changed: the simulator when ticked.
    pub on_backend: Callback<Backend>,
    /// No bridge answered: only the simulator can work.
    pub no_bridge: bool,
    /// Connect was pressed (or Enter in a field).
    pub on_connect: Callback<()>,
    /// Disconnect was pressed.
    pub on_disconnect: Callback<()>,
}

/// The TLS modes in the order the select lists them, with their form value.
const TLS_OPTIONS: [(TlsMode, &str); 3] = [
    (TlsMode::None, "none"),
    (TlsMode::Starttls, "starttls"),
    (TlsMode::Implicit, "implicit"),
];

/// The mode for a `<select>` value; `None` for anything not in [`TLS_OPTIONS`].
fn tls_from_value(value: &str) -> Option<TlsMode> {
    TLS_OPTIONS
        .iter()
        .find(|(_, v)| *v == value)
        .map(|(mode, _)| *mode)
}

/// See the module documentation.
#[component]
pub fn ConnectForm(props: &ConnectFormProps) -> Html {
    let idle = props.phase == Phase::Disconnected;
    let ui = i18n::ui(props.lang);

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
    let checkbox = |cb: &Callback<bool>| {
        cb.reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().checked())
    };
    let on_insecure = checkbox(&props.on_insecure);
    let on_by_mx = checkbox(&props.on_by_mx);
    let m = mx_words(props.lang);
    let on_simulate = props.on_backend.reform(|e: Event| {
        if e.target_unchecked_into::<HtmlInputElement>().checked() {
            Backend::Simulator
        } else {
            Backend::Bridge
        }
    });
    let simulate = props.values.backend.is_simulator();
    let real = idle && !simulate;
    let about = props
        .values
        .matching_preset()
        .map(|p| p.about().get(props.lang));
    let lang = props.lang;
    let (c, d) = (check_words(lang), dns_words(lang));

    html! {
        <form class="connect" {onsubmit} aria-label={ui.host}>
            <div class="field host">
                <span class="host-head">
                    <label for="host">{ if props.values.by_mx { m.domain } else { ui.host } }</label>
                    <label class="by-mx" title={m.by_mx_about}>
                        <input id="by-mx" type="checkbox" checked={props.values.by_mx} disabled={!real} onchange={on_by_mx} />
                        { m.by_mx }
                    </label>
                </span>
                <input id="host" type="text" autocomplete="off" spellcheck="false"
                    value={props.values.host.clone()} disabled={!real}
                    placeholder={props.values.by_mx.then_some("example.org")}
                    oninput={text_input(&props.on_host)} />
            </div>
            <label class="field port">
                <span>{ ui.port }</span>
                <input id="port" type="text" inputmode="numeric" autocomplete="off"
                    value={props.values.port.clone()} disabled={!real}
                    oninput={text_input(&props.on_port)} />
            </label>
            <label class="field tls">
                <span>{ ui.tls }</span>
                <select id="tls" disabled={!idle} onchange={on_tls}>
                    { for TLS_OPTIONS.iter().zip(ui.tls_options).map(|((mode, value), label)| html! {
                        <option value={*value} selected={*mode == props.values.tls}>{ label }</option>
                    }) }
                </select>
            </label>
            // Always laid out, hidden without TLS, so choosing STARTTLS does not reflow
            // the form under the pointer.
            <label class={classes!("field", "insecure", (props.values.tls == TlsMode::None).then_some("unused"))}
                aria-hidden={(props.values.tls == TlsMode::None).then_some("true")}>
                <input id="insecure" type="checkbox" checked={props.values.insecure}
                    disabled={!real || props.values.tls == TlsMode::None} onchange={on_insecure} />
                <span>{ ui.insecure }</span>
            </label>
            <label class={classes!("field", "simulate", simulate.then_some("on"))}
                title={Text {
                    en: "A simulated SMTP server inside this page: no bridge, no network, its own mailbox.",
                    zh: "页面内模拟的 SMTP 服务器：无需桥接服务，不经过网络，有自己的邮箱。",
                }.get(lang)}>
                <input id="simulate" type="checkbox" checked={simulate} disabled={!idle} onchange={on_simulate} />
                <span>{ Text { en: "Simulate (no bridge)", zh: "模拟（无桥接）" }.get(lang) }</span>
                if props.no_bridge {
                    <span id="no-bridge" class="muted">{ Text { en: " · no bridge here", zh: " · 此处没有桥接服务" }.get(lang) }</span>
                }
            </label>
            <div class="buttons">
                <button id="connect" type="submit" class="primary" disabled={!idle}>{ ui.connect }</button>
                <button id="disconnect" type="button" disabled={idle} onclick={on_disconnect}>{ ui.disconnect }</button>
                <button id="check" type="button" disabled={props.checking}
                    title={if simulate { c.simulator } else { c.about }}
                    onclick={props.on_check.reform(|_: MouseEvent| ())}>{ c.check }</button>
                <button id="dns" type="button" disabled={simulate || props.values.domain().is_none()}
                    title={d.about} onclick={props.on_dns.reform(|_: MouseEvent| ())}>{ d.button }</button>
            </div>
            <div class="presets" role="group" aria-label={ui.presets}>
                <span class="presets-label">{ format!("{}:", ui.presets) }</span>
                { for Preset::ALL.into_iter().map(|preset| {
                    let on_preset = props.on_preset.reform(move |_: MouseEvent| preset);
                    let title = preset.about().get(lang);
                    html! {
                        <button type="button" class="preset" data-port={preset.port().to_string()}
                            disabled={!real} {title} onclick={on_preset}>{ preset.label(lang) }</button>
                    }
                }) }
                if let Some(about) = about {
                    <span id="preset-about" class="preset-about">{ about }</span>
                }
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
