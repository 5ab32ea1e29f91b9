//! The server check panel: its progress host by host, every line of its conversations
//! in the terminal's own annotated transcript lines, and the scorecard (pass, warn,
//! fail, info, each with its RFC or BCP and explanation), with the MX × item matrix for
//! a domain.
//!
//! Test contract: `#check` with `data-state` (`running`, `done`, `failed`,
//! `unavailable`); `#check-progress`, `#check-error`, `#check-unavailable`; each host's
//! card `.host-card` with `data-host`, its items `li.item` with `data-item` and
//! `data-verdict`; the matrix `#check-matrix`; the lines in `#check-transcript .line`.

use std::rc::Rc;

use protocol::lang::Lang;
use yew::prelude::*;

use protocol::check::Verdict;
use protocol::records::check::{CheckReport, HostRecord};

use crate::check::{VERDICTS, count, mark};
use crate::components::transcript_line::{TranscriptLine, rfc_url};
use crate::i18n;
use crate::i18n::check::{self as check_words, words};
use crate::state::{CheckPhase, CheckRun};

/// Props of [`CheckPanel`].
#[derive(Debug, Properties, PartialEq)]
pub struct CheckPanelProps {
    /// The run to show.
    pub run: CheckRun,
    /// The domain checked, when the target was one: offers its DNS facts.
    pub domain: Option<String>,
    /// The language.
    pub lang: Lang,
    /// Stop was pressed.
    pub on_stop: Callback<()>,
    /// Close was pressed.
    pub on_close: Callback<()>,
    /// "DNS facts" was pressed.
    pub on_dns: Callback<String>,
}

/// The verdict's word in `lang`.
fn verdict_word(lang: Lang, verdict: Verdict) -> &'static str {
    let index = VERDICTS.iter().position(|v| *v == verdict).unwrap_or(3);
    words(lang).verdicts[index]
}

/// See the module documentation.
#[component]
pub fn CheckPanel(props: &CheckPanelProps) -> Html {
    let lang = props.lang;
    let w = words(lang);
    let run = &props.run;
    let (state, status) = match &run.phase {
        CheckPhase::Unavailable => (
            "unavailable",
            html! { <p id="check-unavailable" class="error-text">{ w.simulator }</p> },
        ),
        CheckPhase::Running => (
            "running",
            html! {
                <p id="check-progress" class="muted" aria-busy="true">
                    { run.current.as_ref().map_or_else(
                        || format!("{}…", w.title),
                        |(host, index)| check_words::progress(lang, host, *index),
                    ) }
                </p>
            },
        ),
        CheckPhase::Done => (
            "done",
            html! { <p id="check-done" class="muted">{ w.done }</p> },
        ),
        CheckPhase::Failed(failure) => (
            "failed",
            html! { <p id="check-error" class="error-text">{ i18n::failure(lang, failure) }</p> },
        ),
    };
    let dns = props.domain.clone().map(|domain| {
        let onclick = props.on_dns.reform(move |_: MouseEvent| domain.clone());
        html! { <button id="check-dns" type="button" {onclick}>{ w.dns }</button> }
    });
    let report = &run.report;
    html! {
        <section id="check" class="panel check" data-state={state} data-target={run.target.clone()} aria-live="polite">
            <header class="panel-head">
                <h2>{ format!("{} · {}", w.title, run.target) }</h2>
                <span class="buttons">
                    { for dns }
                    if run.is_running() {
                        <button id="check-stop" type="button" onclick={props.on_stop.reform(|_: MouseEvent| ())}>{ w.stop }</button>
                    }
                    <button id="check-close" type="button" onclick={props.on_close.reform(|_: MouseEvent| ())}>{ w.close }</button>
                </span>
            </header>
            { status }
            if let Some(error) = &report.error {
                <p id="check-report-error" class="error-text">{ check_words::report_error(lang, error) }</p>
            }
            if report.matrix.hosts.len() > 1 {
                { matrix(lang, report) }
            }
            { for report.hosts.iter().map(|host| host_card(lang, host)) }
            if !run.transcript.is_empty() {
                <details id="check-transcript-box" class="check-transcript" open={run.is_running()}>
                    <summary>{ format!("{} ({})", w.transcript, run.transcript.len()) }</summary>
                    <div id="check-transcript" class="transcript static">
                        { for run.transcript.iter().map(|entry| html! {
                            <TranscriptLine key={entry.id} entry={Rc::clone(entry)} {lang} />
                        }) }
                    </div>
                </details>
            }
        </section>
    }
}

/// One row per item, one column per MX host, each cell its verdict's mark.
fn matrix(lang: Lang, report: &CheckReport) -> Html {
    let w = words(lang);
    let matrix = &report.matrix;
    html! {
        <div class="matrix-scroll">
            <table id="check-matrix" class="matrix">
                <caption>{ w.matrix }</caption>
                <thead>
                    <tr>
                        <th scope="col"></th>
                        { for matrix.hosts.iter().map(|host| html! { <th scope="col" data-host={host.clone()}><code>{ host.clone() }</code></th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for matrix.rows.iter().map(|row| html! {
                        <tr data-item={row.id.clone()}>
                            <th scope="row">{ if lang == Lang::En { row.title_en.clone() } else { row.title_zh.clone() } }</th>
                            { for row.verdicts.iter().map(|v| html! {
                                <td class={classes!("cell", v.as_str())} data-verdict={v.as_str()} title={verdict_word(lang, *v)}>{ mark(*v) }</td>
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

fn host_card(lang: Lang, host: &HostRecord) -> Html {
    let w = words(lang);
    let counts = VERDICTS
        .into_iter()
        .filter_map(|v| {
            let n = count(host, v);
            (n > 0).then(|| html! { <span class={classes!("badge", v.as_str())}>{ format!("{n} {}", verdict_word(lang, v)) }</span> })
        })
        .collect::<Html>();
    let place = match (host.preference, &host.address) {
        (Some(p), Some(a)) => format!(" · MX {p} · {a}"),
        (Some(p), None) => format!(" · MX {p}"),
        (None, Some(a)) => format!(" · {a}"),
        (None, None) => String::new(),
    };
    html! {
        <div class="host-card" data-host={host.name.clone()} data-verdict={host.verdict.as_str()}>
            <h3>
                <code>{ host.name.clone() }</code>
                <span class="muted">{ place }</span>
                <span class="counts">{ counts }</span>
            </h3>
            if let Some(error) = &host.error {
                <p class="error-text host-error">{ check_words::host_error(lang, error) }</p>
            }
            <p class="sr-only">{ w.scorecard }</p>
            <ul class="scorecard">
                { for host.items.iter().map(|item| {
                    let v = item.verdict;
                    let text = if lang == Lang::En { &item.en } else { &item.zh };
                    html! {
                        <li class={classes!("item", v.as_str())} data-item={item.id.clone()} data-verdict={v.as_str()}>
                            <div class="item-head">
                                <span class={classes!("badge", v.as_str())}>{ format!("{} {}", mark(v), verdict_word(lang, v)) }</span>
                                <strong>{ text.title.clone() }</strong>
                                if !item.reference.is_empty() {
                                    <span class="ref">{ reference(&item.reference) }</span>
                                }
                            </div>
                            if !text.explanation.is_empty() {
                                <p class="explain">{ text.explanation.clone() }</p>
                            }
                            if !item.value.is_empty() {
                                <code class="value">{ item.value.clone() }</code>
                            }
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

/// A reference, linked when it is an RFC.
fn reference(text: &str) -> Html {
    match rfc_url(text) {
        Some(url) => {
            html! { <a href={url} target="_blank" rel="noopener noreferrer">{ text.to_owned() }</a> }
        }
        None => html! { { text.to_owned() } },
    }
}
