//! The failure rules of the sandbox as the page holds them: fetched from
//! `/api/sandbox/rules` once a sandbox is known, and replaced by `PUT` when the rules
//! editor applies its list. The editor (`components/rules_editor.rs`) only gets the data
//! and the callbacks of [`RulesHandle`].

use std::rc::Rc;

use protocol::records::rules::page::{self, PageRules};
use protocol::server::Rule;
use yew::prelude::*;

use super::api;

/// Where the last "apply" stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Applying {
    /// Nothing applied in this page yet.
    #[default]
    Idle,
    /// The PUT is on its way.
    Busy,
    /// The bridge took the rules.
    Done,
    /// The bridge refused them, or could not be reached: why.
    Failed(String),
}

/// The rules and what can be done with them.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesHandle {
    /// The rules as the bridge has them; `None` until fetched.
    pub document: Option<Result<Rc<PageRules>, String>>,
    /// The last apply.
    pub applying: Applying,
    /// Replace the rules (and the rate limit) with these.
    pub apply: Callback<(Vec<Rule>, Option<u32>)>,
    /// Fetch them again.
    pub reload: Callback<()>,
}

/// The sandbox's failure rules, fetched while `enabled` (a bridge with a sandbox).
#[hook]
pub fn use_sandbox_rules(enabled: bool) -> RulesHandle {
    let document = use_state(|| None::<Result<Rc<PageRules>, String>>);
    let applying = use_state(Applying::default);
    let reload = {
        let document = document.clone();
        use_callback((), move |(), ()| {
            let document = document.clone();
            api::fetch_rules(Callback::from(move |result: Result<PageRules, String>| {
                document.set(Some(result.map(Rc::new)));
            }));
        })
    };
    {
        let reload = reload.clone();
        use_effect_with(enabled, move |enabled| {
            if *enabled {
                reload.emit(());
            }
        });
    }
    let apply = {
        let document = document.clone();
        let applying = applying.clone();
        use_callback((), move |(rules, rate): (Vec<Rule>, Option<u32>), ()| {
            applying.set(Applying::Busy);
            let document = document.clone();
            let applying = applying.clone();
            api::put_rules(
                page::put_body(&rules, rate),
                Callback::from(move |result: Result<PageRules, String>| match result {
                    Ok(answer) => {
                        document.set(Some(Ok(Rc::new(answer))));
                        applying.set(Applying::Done);
                    }
                    Err(why) => applying.set(Applying::Failed(why)),
                }),
            );
        })
    };
    RulesHandle {
        document: (*document).clone(),
        applying: (*applying).clone(),
        apply,
        reload,
    }
}
