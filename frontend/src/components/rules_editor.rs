//! The rules editor: the sandbox's failure rules (`/api/sandbox/rules`), a form to add
//! one by stage, match, action and when, and Apply, which replaces the bridge's list.
//!
//! Like the AUTH helper, it keeps what is being typed locally (the form and the list not
//! yet applied): that is view state, gone when the page reloads. The applied rules, and
//! the network, are `services::rules_hook`'s. Every rule is checked by `protocol` before
//! it joins the list, and its reason is shown in the page's language.

use std::rc::Rc;

use protocol::lang::Lang;
use protocol::records::rules::RulesScope;
use protocol::records::rules::page::PageRules;
use protocol::server::Rule;
use protocol::server::rules::{RuleError, RuleSet, Stage, When};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::rules::{every_session, rules_ui, sessions_left, share_of_sessions};
use crate::rules::{ActionKind, Draft, Field, WhenKind};
use crate::services::rules_hook::Applying;

/// Props of [`RulesEditor`].
#[derive(Debug, Properties, PartialEq)]
pub struct RulesEditorProps {
    /// The rules as the bridge has them; `None` while loading.
    pub document: Option<Result<Rc<PageRules>, String>>,
    /// The last apply.
    pub applying: Applying,
    /// The language.
    pub lang: Lang,
    /// Apply this list and rate limit.
    pub on_apply: Callback<(Vec<Rule>, Option<u32>)>,
    /// Fetch the rules again.
    pub on_reload: Callback<()>,
}

/// The list being edited, until it is applied.
#[derive(Debug, Clone, PartialEq, Default)]
struct Pending {
    rules: Option<Vec<Rule>>,
    rate: Option<String>,
}

/// See the module documentation.
#[component]
pub fn RulesEditor(props: &RulesEditorProps) -> Html {
    let lang = props.lang;
    let ui = rules_ui(lang);
    let draft = use_state(Draft::default);
    let error = use_state(|| None::<RuleError>);
    let rate_error = use_state(|| false);
    let pending = use_state(Pending::default);
    let applied = match &props.document {
        Some(Ok(document)) => Some(Rc::clone(document)),
        _ => None,
    };
    {
        // A new answer from the bridge is the list from now on.
        let pending = pending.clone();
        use_effect_with(applied.clone(), move |_| pending.set(Pending::default()));
    }
    let Some(document) = applied else {
        let body = match &props.document {
            Some(Err(why)) => html! { <p class="error-text">{ why.clone() }</p> },
            _ => html! { <p class="muted">{ "…" }</p> },
        };
        return frame(ui.title, ui.reload, &props.on_reload, body);
    };
    let rules: Vec<Rule> = pending
        .rules
        .clone()
        .unwrap_or_else(|| document.rules.clone());
    let rate_text = pending.rate.clone().unwrap_or_else(|| {
        document
            .max_messages_per_minute
            .map(|n| n.to_string())
            .unwrap_or_default()
    });
    let changed = pending.rules.is_some() || pending.rate.is_some();

    // One handler for every field of the form (each closure is code in the bundle).
    let on_field = {
        let draft = draft.clone();
        let error = error.clone();
        Callback::from(move |(field, value): (Field, String)| {
            draft.set(draft.edit(field, value));
            error.set(None);
        })
    };
    let on_rate = {
        let pending = pending.clone();
        let rate_error = rate_error.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            rate_error.set(false);
            pending.set(Pending {
                rate: Some(value),
                ..(*pending).clone()
            });
        })
    };
    let on_add = {
        let draft = draft.clone();
        let error = error.clone();
        let pending = pending.clone();
        let rules = rules.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let built = draft.build().and_then(|rule| {
                if rules.len() >= RuleSet::MAX_RULES {
                    Err(RuleError::TooMany(RuleSet::MAX_RULES))
                } else {
                    Ok(rule)
                }
            });
            match built {
                Ok(rule) => {
                    let mut list = rules.clone();
                    list.push(rule);
                    pending.set(Pending {
                        rules: Some(list),
                        ..(*pending).clone()
                    });
                    error.set(None);
                }
                Err(why) => error.set(Some(why)),
            }
        })
    };
    let remove = |index: usize| {
        let pending = pending.clone();
        let rules = rules.clone();
        Callback::from(move |_: MouseEvent| {
            let mut list = rules.clone();
            if index < list.len() {
                list.remove(index);
            }
            pending.set(Pending {
                rules: Some(list),
                ..(*pending).clone()
            });
        })
    };
    let on_apply = {
        let on_apply = props.on_apply.clone();
        let rules = rules.clone();
        let rate_text = rate_text.clone();
        let rate_error = rate_error.clone();
        Callback::from(move |_: MouseEvent| match parse_rate(&rate_text) {
            Ok(rate) => on_apply.emit((rules.clone(), rate)),
            Err(()) => rate_error.set(true),
        })
    };

    let list = if rules.is_empty() {
        html! { <p id="rules-none" class="muted">{ ui.none }</p> }
    } else {
        html! {
            <ol id="rules-list" class="rules-list">
                { for rules.iter().enumerate().map(|(i, rule)| html! {
                    <li key={format!("{i}-{rule}")} data-stage={rule.stage().name()}>
                        <code class="rule-text">{ rule.to_string() }</code>
                        <span class="muted">{ when_text(lang, rule.when()) }</span>
                        <button type="button" class="rule-remove" aria-label={format!("{} {}", ui.remove, i + 1)}
                            onclick={remove(i)}>{ ui.remove }</button>
                    </li>
                }) }
            </ol>
        }
    };
    let operator = (!document.flag_rules.is_empty()).then(|| {
        html! {
            <div id="rules-operator" class="rules-operator">
                <p class="muted">{ ui.operator }</p>
                <ul>{ for document.flag_rules.iter().map(|r| html! { <li><code>{ r.to_string() }</code></li> }) }</ul>
            </div>
        }
    });
    let key = draft.stage.match_key();
    let status = match (&props.applying, changed) {
        (Applying::Busy, _) => {
            html! { <span id="rules-status" class="muted" aria-live="polite">{ ui.applying }</span> }
        }
        (Applying::Failed(why), _) => html! {
            <span id="rules-status" class="error-text" aria-live="polite">{ format!("{} {why}", ui.failed) }</span>
        },
        (_, true) => {
            html! { <span id="rules-status" class="pending" aria-live="polite">{ ui.unsaved }</span> }
        }
        (Applying::Done, false) => {
            html! { <span id="rules-status" class="ok" aria-live="polite">{ ui.applied }</span> }
        }
        (Applying::Idle, false) => Html::default(),
    };
    let body = html! {
        <>
            <p class="muted">{ ui.intro }{ scope_text(lang, document.scope) }</p>
            { list }
            { operator }
            <form id="rule-form" class="rule-form" onsubmit={on_add} novalidate=true>
                { menu("rule-stage", ui.stage, Field::Stage, &on_field,
                    Stage::ALL.iter().zip(ui.stages).map(|(s, label)| (s.name(), label, *s == draft.stage)).collect()) }
                <label class="wide">
                    <span>{ ui.matching }</span>
                    <span class="rule-match">
                        <code>{ key.map(|k| format!("{k}=")).unwrap_or_default() }</code>
                        { input("rule-match", if key.is_some() { draft.matching.clone() } else { String::new() },
                            Field::Match, &on_field, key.is_none(),
                            if key.is_some() { "nobody@example.com, @example.com" } else { ui.match_none }) }
                    </span>
                </label>
                { menu("rule-action", ui.action, Field::Action, &on_field,
                    ActionKind::ALL.iter().zip(ui.actions).map(|(a, label)| (a.name(), label, *a == draft.action)).collect()) }
                if draft.action != ActionKind::Disconnect {
                    <label class={classes!((draft.action == ActionKind::Reply).then_some("wide"))}>
                        <span>{ ui.action_values[draft.action as usize] }</span>
                        { input("rule-value", draft.value.clone(), Field::Value, &on_field, false, "") }
                    </label>
                }
                { menu("rule-when", ui.when, Field::When, &on_field,
                    WhenKind::ALL.iter().zip(ui.whens).map(|(w, label)| (w.name(), label, *w == draft.when)).collect()) }
                if draft.when != WhenKind::Always {
                    <label>
                        <span>{ ui.when_values[draft.when as usize] }</span>
                        { input("rule-when-value", draft.when_value.clone(), Field::WhenValue, &on_field, false, "") }
                    </label>
                }
                <div class="rule-form-actions">
                    <button id="rule-add" type="submit">{ ui.add }</button>
                    if let Some(why) = &*error {
                        <p id="rule-error" class="error-text" role="alert">{ why.message(lang) }</p>
                    }
                </div>
            </form>
            <label class="rules-rate">
                <span>{ ui.rate }</span>
                <input id="rules-rate" type="text" inputmode="numeric" value={rate_text} oninput={on_rate} />
            </label>
            if *rate_error {
                <p class="error-text" role="alert">{ ui.rate_invalid }</p>
            }
            <div class="rules-actions">
                <button id="rules-apply" type="button" class="primary"
                    disabled={props.applying == Applying::Busy} onclick={on_apply}>{ ui.apply }</button>
                { status }
            </div>
        </>
    };
    frame(ui.title, ui.reload, &props.on_reload, body)
}

/// A labelled menu for `field`: `(value, label, selected)` per option. Not inlined: one
/// copy serves the three menus.
#[inline(never)]
fn menu(
    id: &'static str,
    label: &'static str,
    field: Field,
    on_field: &Callback<(Field, String)>,
    options: Vec<(&'static str, &str, bool)>,
) -> Html {
    let onchange = on_field.reform(move |e: Event| {
        (
            field,
            e.target_unchecked_into::<HtmlSelectElement>().value(),
        )
    });
    html! {
        <label>
            <span>{ label }</span>
            <select {id} {onchange}>
                { for options.into_iter().map(|(value, text, selected)| html! {
                    <option {value} {selected}>{ text.to_owned() }</option>
                }) }
            </select>
        </label>
    }
}

/// A text field for `field`; not inlined, as [`menu`].
#[inline(never)]
fn input(
    id: &'static str,
    value: String,
    field: Field,
    on_field: &Callback<(Field, String)>,
    disabled: bool,
    placeholder: &'static str,
) -> Html {
    let oninput = on_field.reform(move |e: InputEvent| {
        (field, e.target_unchecked_into::<HtmlInputElement>().value())
    });
    html! {
        <input {id} type="text" spellcheck="false" {value} {disabled} {placeholder} {oninput} />
    }
}

/// The panel around `body`, with the reload button in its title.
fn frame(title: &str, reload: &str, on_reload: &Callback<()>, body: Html) -> Html {
    html! {
        <details id="rules" class="panel rules" open=true>
            <summary>
                <h2>{ title.to_owned() }</h2>
                { " " }
                <button id="rules-reload" type="button" onclick={on_reload.reform(|_: MouseEvent| ())}>{ reload.to_owned() }</button>
            </summary>
            { body }
        </details>
    }
}

fn scope_text(lang: Lang, scope: Option<RulesScope>) -> &'static str {
    let ui = rules_ui(lang);
    match scope {
        Some(RulesScope::Visitor) => ui.scope_visitor,
        _ => ui.scope_all,
    }
}

fn when_text(lang: Lang, when: When) -> String {
    match when {
        When::Always => every_session(lang),
        When::Next { sessions } => sessions_left(lang, sessions),
        When::Probability(p) => {
            let ppm = p.ppm();
            let percent = if ppm % 10_000 == 0 {
                (ppm / 10_000).to_string()
            } else {
                format!("{}.{:04}", ppm / 10_000, ppm % 10_000)
                    .trim_end_matches('0')
                    .to_owned()
            };
            share_of_sessions(lang, &percent)
        }
    }
}

/// The rate limit field: empty for none, else 1 to 100000.
fn parse_rate(text: &str) -> Result<Option<u32>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(n) if (1..=protocol::records::rules::MAX_PER_MINUTE).contains(&n) => Ok(Some(n)),
        _ => Err(()),
    }
}
