//! What the server advertised in its EHLO reply, as a table: keyword, the RFC that defines
//! it, and what it lets a client do (from `protocol::extension`).

use protocol::extension::Capabilities as Caps;
use protocol::lang::Lang;
use yew::prelude::*;

use crate::components::transcript_line::rfc_url;
use crate::i18n;

/// Props of [`Capabilities`].
#[derive(Debug, Properties, PartialEq)]
pub struct CapabilitiesProps {
    /// The advertised extensions; `None` before EHLO.
    pub caps: Option<Caps>,
    /// The language.
    pub lang: Lang,
}

/// See the module documentation.
#[component]
pub fn Capabilities(props: &CapabilitiesProps) -> Html {
    let ui = i18n::ui(props.lang);
    let body = match &props.caps {
        None => html! { <p class="muted">{ ui.caps_empty }</p> },
        Some(caps) => html! {
            <table id="capabilities">
                <thead><tr>{ for ui.caps_columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
                <tbody>
                    { for caps.extensions.iter().map(|ext| {
                        let reference = ext.reference();
                        html! {
                            <tr>
                                <td class="kw"><code>{ ext.keyword().to_owned() }</code></td>
                                <td class="rfc">
                                    { match rfc_url(reference) {
                                        Some(url) => html! { <a href={url} target="_blank" rel="noopener noreferrer">{ reference }</a> },
                                        None => html! { reference },
                                    } }
                                </td>
                                <td class="what">{ ext.explanation().get(props.lang) }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        },
    };
    html! {
        <details class="panel caps" open={props.caps.is_some()}>
            <summary><h2>{ ui.caps_title }</h2></summary>
            { body }
        </details>
    }
}
