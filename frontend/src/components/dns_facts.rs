//! The DNS facts panel: a mail domain's MX, SPF (with its lookup count against 10),
//! DMARC, MTA-STS, TLS-RPT and DANE TLSA records, whether DNSSEC validated them, and
//! for each what it is for and what its absence means.
//!
//! Test contract: `#dns-facts` with `data-domain` and `data-state` (`loading`, `loaded`,
//! `failed`); one `li.fact` per record with `data-record` (`MX`, `SPF` ...) and
//! `data-verdict` (`ok`, `missing`, `problem`), values in `.values code`; `#dnssec` with
//! `data-validated`; the failure in `#dns-error`.

use protocol::lang::Lang;
use yew::prelude::*;

use crate::components::transcript_line::rfc_url;
use crate::dns::{DnsFacts, FactRow};
use crate::i18n;
use crate::i18n::dns::{self as dns_words, words};
use crate::state::DnsView;

/// Props of [`DnsFactsPanel`].
#[derive(Debug, Properties, PartialEq)]
pub struct DnsFactsProps {
    /// What to show.
    pub view: DnsView,
    /// The language.
    pub lang: Lang,
    /// The panel was closed.
    pub on_close: Callback<()>,
}

/// See the module documentation.
#[component]
pub fn DnsFactsPanel(props: &DnsFactsProps) -> Html {
    let lang = props.lang;
    let w = words(lang);
    let (state, body) = match &props.view {
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
    let domain = props.view.domain().to_owned();
    html! {
        <section id="dns-facts" class="panel dns-facts" data-domain={domain.clone()} data-state={state}>
            <header class="panel-head">
                <h2>{ dns_words::title(lang, &domain) }</h2>
                <button id="dns-close" type="button" onclick={props.on_close.reform(|_: MouseEvent| ())}>{ w.close }</button>
            </header>
            { body }
        </section>
    }
}

fn loaded(lang: Lang, facts: &DnsFacts) -> Html {
    let w = words(lang);
    let (validated, text) = match facts.dnssec {
        Some(true) => ("true", w.validated),
        _ => ("false", w.not_validated),
    };
    html! {
        <>
            <p id="dnssec" class={classes!("dnssec", (validated == "true").then_some("ok"))} data-validated={validated}>
                { "DNSSEC: " }{ text }
            </p>
            <ul class="facts-list">
                { for facts.rows.iter().map(|row| fact(lang, row)) }
            </ul>
        </>
    }
}

fn fact(lang: Lang, row: &FactRow) -> Html {
    let w = words(lang);
    let verdict = row.verdict();
    let reference = row.record.reference();
    html! {
        <li class={classes!("fact", verdict)} data-record={row.record.label()} data-verdict={verdict}>
            <div class="fact-head">
                <strong>{ row.record.label() }</strong>
                <code class="fact-name">{ row.name.clone() }</code>
                if row.values.is_empty() {
                    <span class="badge missing">{ w.missing }</span>
                }
            </div>
            if !row.values.is_empty() {
                <ul class="values">
                    { for row.values.iter().map(|v| html! { <li><code>{ v.clone() }</code></li> }) }
                </ul>
            }
            if let Some(count) = row.spf_lookups {
                <p class={classes!("spf-lookups", (count > 10).then_some("fail"))}>{ dns_words::spf_lookups(lang, count) }</p>
            }
            { for row.problems.iter().map(|p| html! { <p class="problem">{ p.clone() }</p> }) }
            <p class="muted about">
                { if row.values.is_empty() { row.record.missing(lang) } else { row.record.about(lang) } }
                { " " }
                <a href={rfc_url(reference)} target="_blank" rel="noopener noreferrer">{ reference }</a>
            </p>
        </li>
    }
}
