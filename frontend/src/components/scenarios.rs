//! The scenario addresses (busy@, greylist@, missing@ ...): what each shows and what a
//! client should do, from `protocol`'s one table; a click puts its `RCPT TO` on the
//! command line.

use protocol::lang::Lang;
use yew::prelude::*;

use crate::i18n::scenarios::scenarios;
use crate::scenarios as table;

/// The panel; `on_example` gets the `RCPT TO` of the address clicked. A plain function: it
/// has no state, and its callback is new at every render anyway.
pub fn scenarios_view(lang: Lang, on_example: &Callback<String>) -> Html {
    let w = scenarios(lang);
    html! {
        <details id="scenarios" class="panel scenarios">
            <summary><h2>{ w.title }</h2></summary>
            <p class="muted hint">{ w.hint }</p>
            <ul class="scenario-list">
                { for table::all().iter().map(|entry| {
                    let command = table::command(entry);
                    let onclick = on_example.reform({
                        let command = command.clone();
                        move |_: MouseEvent| command.clone()
                    });
                    let verdict = entry.verdict.as_str();
                    html! {
                        <li data-local-part={entry.local_part} data-verdict={verdict}>
                            <button type="button" class="example" title={command} {onclick}>
                                <code>{ entry.address() }</code>
                            </button>
                            { " " }
                            <span class="reply-codes">{ table::reply_codes(entry).unwrap_or_else(|| w.no_reply.to_owned()) }</span>
                            { " " }
                            <span class={classes!("verdict", verdict)}>{ w.verdict(entry.verdict) }</span>
                            <p class="shows">{ entry.shows.get(lang) }</p>
                            <p class="muted advice">{ entry.advice.get(lang) }</p>
                        </li>
                    }
                }) }
            </ul>
        </details>
    }
}
