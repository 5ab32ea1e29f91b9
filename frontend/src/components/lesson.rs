//! The lesson panel: the tutorial's steps with a check mark each once the server's reply
//! confirms it, the current step highlighted, and its example one click from the command
//! line.

use protocol::lang::Lang;
use yew::prelude::*;

use crate::i18n;
use crate::lesson::{Progress, STEPS, StepId};

/// Props of [`Lesson`].
#[derive(Debug, Properties, PartialEq)]
pub struct LessonProps {
    /// Which steps are done.
    pub progress: Progress,
    /// The sandbox's demo account, to show at the AUTH step.
    pub demo: Option<(String, String)>,
    /// The language.
    pub lang: Lang,
    /// An example was chosen: put it on the command line.
    pub on_example: Callback<String>,
}

/// See the module documentation.
#[component]
pub fn Lesson(props: &LessonProps) -> Html {
    let ui = i18n::ui(props.lang);
    let current = props.progress.current();
    html! {
        <details id="lesson" class="panel lesson" open=true>
            <summary><h2>{ format!("{} ({}/{})", ui.lesson_title, props.progress.count(), STEPS.len()) }</h2></summary>
            <ol>
                { for STEPS.iter().map(|step| {
                    let done = props.progress.is_done(step.id);
                    let is_current = current == Some(step.id);
                    let example = step.example;
                    let on_example = props.on_example.reform(move |_: MouseEvent| example.to_owned());
                    html! {
                        <li class={classes!("step", done.then_some("done"), is_current.then_some("current"))}
                            data-step={(step.id as usize).to_string()} data-done={done.to_string()}>
                            <span class="check" aria-hidden="true">{ if done { "✓" } else { "○" } }</span>
                            <div>
                                <strong>{ step.title.get(props.lang) }</strong>
                                if is_current {
                                    <p>{ step.about.get(props.lang) }</p>
                                    if step.id == StepId::Auth && let Some((user, pass)) = &props.demo {
                                        <p class="muted">{ format!("{}: {user} / {pass}", ui.lesson_demo) }</p>
                                    }
                                    if !example.is_empty() {
                                        <button type="button" class="example" onclick={on_example}><code>{ example }</code></button>
                                    }
                                }
                            </div>
                        </li>
                    }
                }) }
            </ol>
            if current.is_none() {
                <p class="lesson-done">{ ui.lesson_done }</p>
            }
        </details>
    }
}
