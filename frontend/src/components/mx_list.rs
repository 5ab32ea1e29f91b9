//! The MX list under the connect form while connecting by domain: each mail server with
//! its preference and addresses, the bridge's verdict on each address, the host it
//! connected to, and a button to connect to another listed host instead.
//!
//! Test contract: `#mx-list` with `data-domain`; one `li.mx-host` per host with
//! `data-name`, `data-connected` and `.mx-pref`; each address `.mx-addr` with
//! `data-allowed`; `#mx-null` and `#mx-implicit` for the two special answers; the pick
//! buttons `.mx-pick`.

use protocol::lang::Lang;
use protocol::wire::MxListHost;
use yew::prelude::*;

use crate::i18n::mx::{self as words_mod, words};
use crate::mx::MxView;

/// The panel. A plain function, like the scenarios panel: it is small, and a component
/// of its own costs more of the bundle than rendering it again costs time.
pub fn mx_list(view: &MxView, lang: Lang, on_pick: &Callback<String>) -> Html {
    let w = words(lang);
    let body = match &view.list {
        None => html! { <p class="muted">{ w.resolving }</p> },
        Some(list) if list.null_mx => html! { <p id="mx-null" class="mx-null">{ w.null_mx }</p> },
        Some(list) => html! {
            <>
                if list.implicit {
                    <p id="mx-implicit" class="muted">{ w.implicit }</p>
                }
                <ol class="mx-hosts">
                    { for list.hosts.iter().map(|host| row(lang, view, host, on_pick)) }
                </ol>
            </>
        },
    };
    html! {
        <section id="mx-list" class="panel mx-list" data-domain={view.domain.clone()} aria-live="polite">
            <h2>{ words_mod::title(lang, &view.domain) }</h2>
            { body }
        </section>
    }
}

fn row(lang: Lang, view: &MxView, host: &MxListHost, on_pick: &Callback<String>) -> Html {
    let w = words(lang);
    let connected = view.is_connected(&host.name);
    let name = host.name.clone();
    let onclick = on_pick.reform(move |_: MouseEvent| name.clone());
    html! {
        <li class={classes!("mx-host", connected.then_some("connected"))}
            data-name={host.name.clone()} data-connected={connected.to_string()}>
            <span class="mx-pref" title={w.preference}>{ host.preference }</span>
            <span class="mx-name">
                <code>{ host.name.clone() }</code>
                if connected {
                    <span class="badge ok">{ w.connected }</span>
                } else if MxView::reachable(host) {
                    <button type="button" class="mx-pick" {onclick}>{ w.pick }</button>
                }
            </span>
            <ul class="mx-addrs">
                if host.addresses.is_empty() {
                    <li class="muted" title={host.note.clone()}>{ w.no_address }</li>
                }
                { for host.addresses.iter().map(|a| html! {
                    <li class="mx-addr" data-allowed={a.allowed.to_string()}>
                        <code>{ a.address.clone() }</code>{ " " }
                        <span class="verdict" title={a.reason.clone()}>{ words_mod::verdict(lang, a.allowed, a.reason.as_deref()) }</span>
                    </li>
                }) }
            </ul>
        </li>
    }
}
