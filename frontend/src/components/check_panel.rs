//! The server check panel: its progress host by host, the scorecard (pass, warn, fail,
//! info, each with its RFC or BCP and explanation) with the item × MX matrix for a
//! domain, and every line of its conversations in the terminal's own annotated
//! transcript lines.
//!
//! Test contract: `#check-panel` with `data-state` (`running`, `done`, `failed`,
//! `unavailable`); `#check-progress`, `#check-error`, `#check-unavailable`; each host's
//! card `.host-card` with `data-host`, its items `li.item` with `data-item` and
//! `data-verdict`; the matrix `#check-matrix`; the lines in `#check-transcript .line`.

use protocol::check::Verdict;
use protocol::lang::Lang;
use protocol::records::check::{CheckReport, HostRecord};
use yew::prelude::*;

use crate::check::{VERDICTS, count, mark};
use crate::components::transcript_block::blocks;
use crate::components::transcript_line::rfc_url;
use crate::i18n;
use crate::i18n::check::{self as check_words, words};
use crate::state::{CheckPhase, CheckRun};

/// What the panel's buttons do.
#[derive(Debug, Clone)]
pub struct CheckCallbacks {
    /// Stop was pressed.
    pub stop: Callback<()>,
    /// Close was pressed.
    pub close: Callback<()>,
    /// "DNS facts" was pressed for this domain.
    pub dns: Callback<String>,
}

/// The verdict's word in `lang`.
fn verdict_word(lang: Lang, verdict: Verdict) -> &'static str {
    let index = VERDICTS.iter().position(|v| *v == verdict).unwrap_or(3);
    words(lang).verdicts[index]
}

/// The panel for `run` (a plain function: see `mx_list`); `domain` offers its DNS facts.
pub fn check_panel(
    run: &CheckRun,
    domain: Option<String>,
    lang: Lang,
    on: &CheckCallbacks,
) -> Html {
    let w = words(lang);
    let (state, id, class, status) = match &run.phase {
        CheckPhase::Unavailable => (
            "unavailable",
            "check-unavailable",
            "error-text",
            w.simulator.to_owned(),
        ),
        CheckPhase::Running => (
            "running",
            "check-progress",
            "muted",
            run.current.as_ref().map_or_else(
                || format!("{}…", w.title),
                |(host, index)| check_words::progress(lang, host, *index),
            ),
        ),
        CheckPhase::Done => ("done", "check-done", "muted", w.done.to_owned()),
        CheckPhase::Failed(failure) => (
            "failed",
            "check-error",
            "error-text",
            i18n::failure(lang, failure),
        ),
    };
    let report = &run.report;
    html! {
        <section id="check-panel" class="panel check" data-state={state} aria-live="polite">
            <header class="panel-head">
                <h2>{ format!("{} · {}", w.title, run.target) }</h2>
                <span class="buttons">
                    if let Some(domain) = domain {
                        <button id="check-dns" type="button" onclick={on.dns.reform(move |_: MouseEvent| domain.clone())}>{ w.dns }</button>
                    }
                    if run.is_running() {
                        <button id="check-stop" type="button" onclick={on.stop.reform(|_: MouseEvent| ())}>{ w.stop }</button>
                    }
                    <button id="check-close" type="button" onclick={on.close.reform(|_: MouseEvent| ())}>{ w.close }</button>
                </span>
            </header>
            <p {id} {class}>{ status }</p>
            if let Some(error) = &report.error {
                <p id="check-report-error" class="error-text">{ check_words::report_error(lang, error) }</p>
            }
            if report.matrix.hosts.len() > 1 {
                { matrix(lang, report) }
            }
            { for report.hosts.iter().map(|host| host_card(lang, host)) }
            if !run.transcript.is_empty() {
                <details class="check-transcript" open={run.is_running()}>
                    <summary>{ format!("{} ({})", w.transcript, run.transcript.len()) }</summary>
                    <div id="check-transcript" class="transcript static">
                        { blocks(&run.transcript, lang) }
                    </div>
                </details>
            }
        </section>
    }
}

/// One row per item, one column per MX host, each cell its verdict's mark.
fn matrix(lang: Lang, report: &CheckReport) -> Html {
    let matrix = &report.matrix;
    html! {
        <div class="matrix-scroll">
            <table id="check-matrix" class="matrix">
                <caption>{ words(lang).matrix }</caption>
                <tr>
                    <th></th>
                    { for matrix.hosts.iter().map(|host| html! { <th class="host"><code>{ breakable(host) }</code></th> }) }
                </tr>
                { for matrix.rows.iter().map(|row| html! {
                    <tr data-item={row.id.clone()}>
                        <th>{ if lang == Lang::En { row.title_en.clone() } else { row.title_zh.clone() } }</th>
                        { for row.verdicts.iter().map(|v| html! {
                            <td class={v.as_str()} title={verdict_word(lang, *v)}>{ mark(*v) }</td>
                        }) }
                    </tr>
                }) }
            </table>
        </div>
    }
}

/// A host name that may wrap after each dot, never inside a label: on a phone a column
/// per MX host fits, and `dead.two-mx.example` does not split as `dead.two-mx.exam` `ple`.
fn breakable(name: &str) -> Html {
    html! {
        { for name.split_inclusive('.').map(|part| html! { <>{ part.to_owned() }<wbr /></> }) }
    }
}

fn host_card(lang: Lang, host: &HostRecord) -> Html {
    let mut head = host.name.clone();
    if let Some(p) = host.preference {
        head.push_str(&format!(" · MX {p}"));
    }
    if let Some(a) = &host.address {
        head.push_str(&format!(" · {a}"));
    }
    let counts: Vec<String> = VERDICTS
        .into_iter()
        .filter_map(|v| {
            let n = count(host, v);
            (n > 0).then(|| format!("{n} {}", verdict_word(lang, v)))
        })
        .collect();
    html! {
        <div class="host-card" data-host={host.name.clone()}>
            <h3>{ head }<span class="muted counts">{ counts.join(" · ") }</span></h3>
            if let Some(error) = &host.error {
                <p class="error-text">{ check_words::host_error(lang, error) }</p>
            }
            <ul class="scorecard">
                { for host.items.iter().map(|item| {
                    let v = item.verdict.as_str();
                    let text = if lang == Lang::En { &item.en } else { &item.zh };
                    html! {
                        <li class={classes!("item", v)} data-item={item.id.clone()} data-verdict={v}>
                            <span class={classes!("badge", v)}>{ format!("{} {}", mark(item.verdict), verdict_word(lang, item.verdict)) }</span>
                            <strong>{ text.title.clone() }</strong>
                            <a class="ref" href={rfc_url(&item.reference)} target="_blank" rel="noopener noreferrer">{ item.reference.clone() }</a>
                            <p class="explain">{ text.explanation.clone() }</p>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
