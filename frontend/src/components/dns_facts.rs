//! The DNS facts panel: a mail domain's MX hosts, SPF (its lookup count against 10 is
//! one of its findings), DMARC, MTA-STS, TLS-RPT and DANE TLSA records, whether DNSSEC validated them, and
//! for each what it is for, what was found in it, and what its absence means (worded in
//! both languages by `protocol::dns`, carried in the bridge's answer).
//!
//! Test contract: `#dns-facts` with `data-domain` and `data-state` (`loading`, `loaded`,
//! `failed`); one `li.fact` per record with `data-kind` (`mx`, `spf`, `dmarc`, `mta_sts`,
//! `tls_rpt`, `tlsa`) and `data-status` (`found`, `missing`, `broken`, `unknown`), the
//! records in `.values code`, findings in `.finding` with `data-id`; `#dnssec` with
//! `data-validated`; the failure in `#dns-error`.

use protocol::dns::FactKind;
use protocol::lang::{Bilingual, Lang};
use protocol::records::dns::{FactRecord, FindingRecord};
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
        DnsView::Loading(_) => ("loading", html! { <p class="muted">{ w.loading }</p> }),
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
    let validated = dns::validated(facts);
    let mx = &facts.mx;
    // The MX part, as a fact of its own: its status, the hosts as values.
    let hosts = mx
        .hosts
        .iter()
        .map(|h| {
            let addresses: Vec<&str> = h.addresses.iter().map(|a| a.address.as_str()).collect();
            format!("{} {} {}", h.preference, h.name, addresses.join(" "))
        })
        .collect();
    let mx_fact = FactRecord {
        kind: "mx".into(),
        name: facts.domain.clone(),
        status: mx.status.clone(),
        records: hosts,
        error: mx.error.clone(),
        findings: mx.findings.clone(),
        meaning: words_of(FactKind::Mx.meaning()),
        when_missing: words_of(FactKind::Mx.when_missing()),
        rfc: FactKind::Mx.rfc().to_owned(),
        ..FactRecord::default()
    };
    html! {
        <>
            <p id="dnssec" class={classes!("dnssec", validated.then_some("ok"))} data-validated={validated.to_string()}>
                { "DNSSEC: " }{ if validated { w.validated } else { w.not_validated } }
            </p>
            if mx.null_mx {
                <p id="dns-null-mx" class="error-text">{ crate::i18n::mx::words(lang).null_mx }</p>
            }
            <ul class="facts-list">
                { fact(lang, &mx_fact) }
                { for facts.facts.iter().map(|f| fact(lang, f)) }
            </ul>
        </>
    }
}

/// A fixed text as the record's owned pair.
fn words_of(text: protocol::lang::Text) -> Bilingual<String> {
    Bilingual {
        en: text.en.to_owned(),
        zh: text.zh.to_owned(),
    }
}

fn fact(lang: Lang, fact: &FactRecord) -> Html {
    let (index, status) = dns::status(fact.status());
    let title = fact
        .kind()
        .map_or_else(|| fact.kind.clone(), |k| k.title().to_owned());
    let about = if status == "missing" {
        &fact.when_missing
    } else {
        &fact.meaning
    };
    html! {
        <li class={classes!("fact", status)} data-kind={fact.kind.clone()} data-status={status}>
            <div class="fact-head">
                <strong>{ title }</strong>
                <code class="fact-name">{ fact.name.clone() }</code>
                <span class={classes!("badge", status)}>{ words(lang).statuses[index] }</span>
            </div>
            if !fact.records.is_empty() {
                <ul class="values">
                    { for fact.records.iter().map(|v| html! { <li><code>{ v.clone() }</code></li> }) }
                </ul>
            }
            if let Some(error) = &fact.error {
                <p class="finding error">{ dns_words::lookup_error(lang, error) }</p>
            }
            { for fact.findings.iter().map(|f| finding(lang, f)) }
            <p class="muted about">
                { about.get(lang).clone() }{ " " }
                <a href={rfc_url(fact.rfc.split(',').next().unwrap_or_default())} target="_blank" rel="noopener noreferrer">{ fact.rfc.clone() }</a>
            </p>
        </li>
    }
}

fn finding(lang: Lang, f: &FindingRecord) -> Html {
    let text = if lang == Lang::En { &f.en } else { &f.zh };
    html! { <p class={classes!("finding", f.severity.clone())} data-id={f.id.clone()}>{ text.clone() }</p> }
}
