//! The lesson panel: the picker (the library's index), the lesson's steps with a check
//! mark each once the server's reply confirms it, the current step's explanation and the
//! examples it offers now (one click from the command line), Restart, and a link that
//! opens this lesson (a teacher copies it to hand the lesson out).

use std::rc::Rc;

use protocol::lang::Lang;
use protocol::lesson::{Example, IndexEntry, Lesson as LessonData, Progress};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::lessons::{self as words, lessons};
use crate::state::LessonProblem;

/// Props of [`Lesson`].
#[derive(Debug, Properties, PartialEq)]
pub struct LessonProps {
    /// The lessons to pick from, once the index arrived.
    pub index: Option<Rc<Vec<IndexEntry>>>,
    /// The index could not be loaded.
    pub index_failed: bool,
    /// The id of the lesson picked.
    pub chosen: String,
    /// The lesson, once its file is read.
    pub lesson: Option<Rc<LessonData>>,
    /// Which steps are done.
    pub progress: Progress,
    /// The progress came back from an earlier visit.
    pub resumed: bool,
    /// The examples the current step offers now.
    pub offered: Vec<Example>,
    /// In a new session, the earlier steps' examples to repeat first.
    pub catch_up: Vec<Example>,
    /// The lesson's file is on its way.
    pub loading: bool,
    /// Why the lesson is not shown.
    pub problem: Option<LessonProblem>,
    /// The link that opens this lesson.
    pub link: String,
    /// The sandbox's demo account, for a step that shows it.
    pub demo: Option<(String, String)>,
    /// The language.
    pub lang: Lang,
    /// A one-line example was chosen: put it on the command line.
    pub on_example: Callback<String>,
    /// A several-line example was chosen: send its lines one by one.
    pub on_lines: Callback<Vec<String>>,
    /// Another lesson was picked.
    pub on_pick: Callback<String>,
    /// "Restart lesson".
    pub on_restart: Callback<()>,
}

/// See the module documentation.
#[component]
pub fn Lesson(props: &LessonProps) -> Html {
    let lang = props.lang;
    let ui = lessons(lang);
    let steps = props.lesson.as_ref().map_or(0, |l| l.steps.len());
    let current = props.lesson.as_ref().and(props.progress.current());
    let title = props
        .lesson
        .as_ref()
        .map(|l| l.title.get(lang).clone())
        .or_else(|| {
            let index = props.index.as_ref()?;
            let entry = index.iter().find(|e| e.id == props.chosen)?;
            Some(entry.title.get(lang).clone())
        })
        .unwrap_or_default();
    let on_pick = props.on_pick.reform(|event: Event| {
        event
            .target_dyn_into::<HtmlSelectElement>()
            .map(|select| select.value())
            .unwrap_or_default()
    });
    let on_restart = props.on_restart.reform(|_: MouseEvent| ());
    html! {
        <details id="lesson" class="panel lesson" open=true data-lesson={props.chosen.clone()}>
            <summary><h2>{ words::heading(lang, &title, props.progress.count(), steps) }</h2></summary>
            <div class="lesson-bar">
                if let Some(index) = &props.index {
                    <label class="lesson-pick">
                        <span>{ ui.pick }</span>
                        <select id="lesson-picker" onchange={on_pick}>
                            { for index.iter().map(|entry| html! {
                                <option value={entry.id.clone()} selected={entry.id == props.chosen}>
                                    { entry.title.get(lang) }
                                </option>
                            }) }
                        </select>
                    </label>
                }
                <a id="lesson-link" href={props.link.clone()}>{ ui.link }</a>
                <button type="button" id="lesson-restart" class="small" onclick={on_restart}
                    disabled={props.progress.count() == 0}>{ ui.restart }</button>
            </div>
            if props.index_failed {
                <p class="muted">{ words::index_failed(lang) }</p>
            }
            if let Some(problem) = &props.problem {
                <p class="lesson-problem error-text">{ match problem {
                    LessonProblem::Fetch => words::fetch_failed(lang, &props.chosen),
                    LessonProblem::Unreadable(err) => words::unreadable(lang, &props.chosen, err.line),
                } }</p>
            } else if props.loading {
                <p class="muted">{ ui.loading }</p>
            }
            if let Some(lesson) = &props.lesson {
                <p class="lesson-summary">{ lesson.summary.get(lang) }</p>
                if props.resumed && current.is_some() {
                    <p class="lesson-resumed muted">{ words::resumed(lang, props.progress.count(), steps) }</p>
                }
                if !props.catch_up.is_empty() {
                    <div class="lesson-catch-up">
                        <p>{ ui.catch_up }</p>
                        <div class="examples">
                            { for props.catch_up.iter().map(|example| example_button(example, props, ui.empty_line)) }
                        </div>
                    </div>
                }
                <ol>
                    { for lesson.steps.iter().enumerate().map(|(i, step)| {
                        let done = props.progress.is_done(i);
                        let is_current = current == Some(i);
                        html! {
                            <li class={classes!("step", done.then_some("done"), is_current.then_some("current"))}
                                data-step={i.to_string()} data-done={done.to_string()}>
                                <span class="check" aria-hidden="true">{ if done { "✓" } else { "○" } }</span>
                                <div>
                                    <strong>{ step.title(lang) }</strong>
                                    if is_current {
                                        <p>{ step.text.get(lang) }</p>
                                        if step.show_account && let Some((user, pass)) = &props.demo {
                                            <p class="muted">{ format!("{}: {user} / {pass}", ui.demo) }</p>
                                        }
                                        if !props.offered.is_empty() {
                                            <div class="examples">
                                                { for props.offered.iter().map(|example| example_button(example, props, ui.empty_line)) }
                                            </div>
                                        }
                                    }
                                </div>
                            </li>
                        }
                    }) }
                </ol>
                if current.is_none() {
                    <p class="lesson-done">{ ui.done }</p>
                }
            }
        </details>
    }
}

/// One example: a click puts a single line on the command line, or sends several (a run
/// of the same line is shown once, with how many times it goes).
fn example_button(example: &Example, props: &LessonProps, empty: &'static str) -> Html {
    let mut runs: Vec<(&str, usize)> = Vec::new();
    for line in &example.lines {
        match runs.last_mut() {
            Some((last, count)) if *last == line.as_str() => *count += 1,
            _ => runs.push((line, 1)),
        }
    }
    let onclick = match example.lines.as_slice() {
        [line] => {
            let line = line.clone();
            props.on_example.reform(move |_: MouseEvent| line.clone())
        }
        lines => {
            let lines = lines.to_vec();
            props.on_lines.reform(move |_: MouseEvent| lines.clone())
        }
    };
    html! {
        <button type="button" class="example" {onclick} data-lines={example.lines.len().to_string()}>
            <code>
                { for runs.iter().enumerate().map(|(i, (line, count))| html! {
                    <>
                        if i > 0 { <br/> }
                        if line.is_empty() {
                            <span class="muted">{ empty }</span>
                        } else {
                            { *line }
                        }
                        if *count > 1 {
                            <span class="muted">{ format!(" × {count}") }</span>
                        }
                    </>
                }) }
            </code>
        </button>
    }
}
