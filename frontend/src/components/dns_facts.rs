//! The DNS facts panel: a mail domain's MX, SPF (with its lookup count against 10),
//! DMARC, MTA-STS, TLS-RPT and DANE TLSA records, whether DNSSEC validated them, and for
//! each what it is for, what was found in it, and what its absence means (all worded by
//! `protocol::dns`).
//!
//! Test contract: `#dns-facts` with `data-domain` and `data-state` (`loading`, `loaded`,
//! `failed`); one `li.fact` per record with `data-kind` (`mx`, `spf`, `dmarc`, `mta_sts`,
//! `tls_rpt`, `tlsa`) and `data-status` (`found`, `missing`, `broken`, `unknown`), the
//! records in `.values code`, findings in `.finding` with `data-id`; `#dnssec` with
//! `data-validated`; the failure in `#dns-error`.

use protocol::dns::{Fact, FactStatus};
use protocol::lang::Lang;
use yew::prelude::*;

use crate::components::transcript_line::rfc_url;
use crate::dns::{self, DnsFacts};
use crate::i18n;
use crate::i18n::dns::{self as dns_words, words};
use crate::state::DnsView;

/// The panel (a plain function: see `mx_list`).
pub fn dns_facts(view: &DnsView, lang: Lang, on_close: &Callback<()>) -> Html {
    let w = words(lang);
    let (state, body) = match view {
        DnsView::Loading(_) => (
            "loading",
            html! { <p class="muted" aria-busy="true">{ w.loading }</p> },
        ),
        DnsView::Failed(_, failure) => (
            "failed",
            html! { <p id="dns-error" class="error-text">{ i18n::failure(lang, failure) }</p> },
        ),
        DnsView::Loaded(facts) => ("loaded", loaded(lang, facts)),
    };
    let domain = view.domain().to_owned();
    html! {
        <section id="dns-facts" class="panel dns-facts" data-domain={domain.clone()} data-state={state}>
            <header class="panel-head">
                <h2>{ dns_words::title(lang, &domain) }</h2>
                <button id="dns-close" type="button" onclick={on_close.reform(|_: MouseEvent| ())}>{ w.close }</button>
            </header>
            { body }
        </section>
    }
}

fn loaded(lang: Lang, facts: &DnsFacts) -> Html {
    let w = words(lang);
    let validated = facts.dnssec == Some(true);
    html! {
        <>
            <p id="dnssec" class={classes!("dnssec", validated.then_some("ok"))} data-validated={validated.to_string()}>
                { "DNSSEC: " }{ if validated { w.validated } else { w.not_validated } }
            </p>
            <ul class="facts-list">
                { for facts.facts.iter().map(|f| fact(lang, f)) }
            </ul>
        </>
    }
}

fn fact(lang: Lang, fact: &Fact) -> Html {
    let (index, status) = dns::status(fact.status);
    let kind = fact.kind;
    let about = if fact.status == FactStatus::Missing {
        kind.when_missing()
    } else {
        kind.meaning()
    };
    html! {
        <li class={classes!("fact", status)} data-kind={kind.as_str()} data-status={status}>
            <div class="fact-head">
                <strong>{ kind.title() }</strong>
                <code class="fact-name">{ fact.name.clone() }</code>
                <span class={classes!("badge", status)}>{ words(lang).statuses[index] }</span>
            </div>
            if !fact.records.is_empty() {
                <ul class="values">
                    { for fact.records.iter().map(|v| html! { <li><code>{ v.clone() }</code></li> }) }
                </ul>
            }
            if let Some(count) = fact.lookups {
                <p class={classes!("spf-lookups", (count > 10).then_some("fail"))}>{ dns_words::spf_lookups(lang, count as u64) }</p>
            }
            { for fact.findings.iter().map(|f| html! {
                <p class={classes!("finding", f.severity.as_str())} data-id={f.id}>{ f.text.get(lang).clone() }</p>
            }) }
            <p class="muted about">
                { about.get(lang) }{ " " }{ reference(kind.rfc()) }
            </p>
        </li>
    }
}

/// The first RFC of `text` linked, the rest as text.
fn reference(text: &'static str) -> Html {
    let first = text.split(',').next().unwrap_or(text);
    html! { <a href={rfc_url(first)} target="_blank" rel="noopener noreferrer">{ text }</a> }
}
