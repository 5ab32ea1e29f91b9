//! The part of the rules document the page reads and writes, each rule by its `text`
//! alone: the bridge writes every rule's text, and takes a rule given as `{"text": ...}`.
//! The page so links only the text grammar, not the member-by-member decoder with its
//! reasons (about 4 KB of the gzipped bundle).

use super::RulesScope;
use crate::json::{self, Json};
use crate::records::ShapeError;
use crate::server::rules::Rule;

/// What the rules editor shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRules {
    /// The rules set through the API, with what is left of each "next N".
    pub rules: Vec<Rule>,
    /// The operator's rules.
    pub flag_rules: Vec<Rule>,
    /// Whose sessions the rules touch.
    pub scope: Option<RulesScope>,
    /// The rate limit.
    pub max_messages_per_minute: Option<u32>,
}

/// Reads `GET` or `PUT /api/sandbox/rules`' answer.
///
/// # Errors
///
/// The bridge's refusal ([`ShapeError::Refused`]), or why the text is not the shape.
pub fn read(text: &str) -> Result<PageRules, ShapeError> {
    let value = json::parse(text)?;
    if let Some(error) = value.get("error").as_str() {
        return Err(ShapeError::Refused(error.to_owned()));
    }
    if !matches!(value, Json::Object(_)) {
        return Err(ShapeError::Member {
            name: "rules",
            expected: "an object",
        });
    }
    Ok(PageRules {
        rules: by_text(value.get("rules"))?,
        flag_rules: by_text(value.get("flag_rules"))?,
        scope: match value.get("scope").as_str() {
            Some("visitor") => Some(RulesScope::Visitor),
            Some(_) => Some(RulesScope::All),
            None => None,
        },
        max_messages_per_minute: value
            .get("max_messages_per_minute")
            .as_u64()
            .and_then(|n| u32::try_from(n).ok()),
    })
}

fn by_text(list: &Json) -> Result<Vec<Rule>, ShapeError> {
    let items = list.as_array().unwrap_or_default();
    let mut rules = Vec::with_capacity(items.len());
    // A loop, not `collect::<Result<..>>`: that adapter came to about 1 KB of the bundle.
    for item in items {
        let Some(text) = item.get("text").as_str() else {
            return Err(ShapeError::Member {
                name: "rules",
                expected: "rules with their text",
            });
        };
        rules.push(Rule::parse(text).map_err(|err| ShapeError::Invalid(err.to_string()))?);
    }
    Ok(rules)
}

/// The body of a `PUT` that sets `rules` and the rate limit.
pub fn put_body(rules: &[Rule], max_messages_per_minute: Option<u32>) -> String {
    let mut out = String::from("{\"rules\":[");
    for (i, rule) in rules.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"text\":");
        json::write_string(&mut out, &rule.to_string());
        out.push('}');
    }
    out.push_str("],\"max_messages_per_minute\":");
    match max_messages_per_minute {
        Some(n) => out.push_str(&n.to_string()),
        None => out.push_str("null"),
    }
    out.push('}');
    out
}
