//! The MX list under the connect form while connecting by domain: each mail server with
//! its preference and addresses, the policy's verdict on each address, the host the
//! bridge connected to, and a button to connect to another listed host instead.
//!
//! Test contract: `#mx-list` with `data-domain`; one `li.mx-host` per host with
//! `data-name`, `data-connected` and `.mx-pref`; each address `.mx-addr` with
//! `data-allowed`; `#mx-null` and `#mx-implicit` for the two special answers; the pick
//! buttons `.mx-pick`.

use protocol::lang::Lang;
use yew::prelude::*;

use crate::i18n::mx::{self as words_mod, words};
use crate::mx::{MxAnswer, MxHost, MxList};

/// The panel. A plain function, like the scenarios panel: it is small, and a component
/// of its own cost more of the bundle than rendering it again costs time.
pub fn mx_list(list: &MxList, lang: Lang, on_pick: &Callback<String>) -> Html {
    let w = words(lang);

    let body = match &list.answer {
        None => html! { <p class="muted" aria-busy="true">{ w.resolving }</p> },
        Some(MxAnswer::NullMx) => html! { <p id="mx-null" class="mx-null">{ w.null_mx }</p> },
        Some(answer) => html! {
            <>
                if matches!(answer, MxAnswer::Implicit(_)) {
                    <p id="mx-implicit" class="muted">{ w.implicit }</p>
                }
                <ol class="mx-hosts">
                    { for list.hosts().iter().map(|host| row(lang, list, host, on_pick)) }
                </ol>
            </>
        },
    };
    html! {
        <section id="mx-list" class="panel mx-list" data-domain={list.domain.clone()} aria-live="polite">
            <h2>{ words_mod::title(lang, &list.domain) }</h2>
            <div class="mx-columns muted" aria-hidden="true">
                { for w.columns.iter().map(|c| html! { <span>{ *c }</span> }) }
            </div>
            { body }
        </section>
    }
}

fn row(lang: Lang, list: &MxList, host: &MxHost, on_pick: &Callback<String>) -> Html {
    let w = words(lang);
    let connected = list.is_connected(&host.name);
    let name = host.name.clone();
    let onclick = on_pick.reform(move |_: MouseEvent| name.clone());
    html! {
        <li class={classes!("mx-host", connected.then_some("connected"))}
            data-name={host.name.clone()} data-connected={connected.to_string()}>
            <span class="mx-pref">{ host.preference.map(|p| p.to_string()).unwrap_or_else(|| "–".to_owned()) }</span>
            <span class="mx-name">
                <code>{ host.name.clone() }</code>
                if connected {
                    <span class="badge ok">{ w.connected }</span>
                } else if MxList::reachable(host) {
                    <button type="button" class="mx-pick" {onclick}>{ w.pick }</button>
                }
            </span>
            <ul class="mx-addrs">
                if host.addresses.is_empty() {
                    <li class="muted">{ w.no_address }</li>
                }
                { for host.addresses.iter().map(|a| html! {
                    <li class={classes!("mx-addr", a.denied.is_some().then_some("denied"))}
                        data-allowed={a.denied.is_none().to_string()}>
                        <code>{ a.ip.clone() }</code>{ " " }
                        <span class="verdict">{ words_mod::verdict(lang, a.denied.as_deref()) }</span>
                    </li>
                }) }
            </ul>
        </li>
    }
}
