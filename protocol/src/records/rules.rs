//! The sandbox's failure rules as JSON: `GET /api/sandbox/rules` and `PUT
//! /api/sandbox/rules` (the bridge's `sandbox/rules_api.rs` documents the routes), and the
//! `rules` of `GET /api/sandbox`. The page's rules editor reads and writes the same type.
//!
//! ```text
//! { "rules": [RULE, ...],                  the rules set through the API (all of them on PUT)
//!   "max_messages_per_minute": 30 | null,   past it the sandbox answers 421 (null: no limit)
//!   "seed": 42 | null,                      PUT only: the seed of the probability draws
//!   "scope": "all" | "visitor",             GET only: whose sessions these rules touch
//!   "flag_rules": [RULE, ...],              GET only: the operator's --sandbox-rule rules
//!   "max_rules": 32 }                       GET only: the most rules a PUT may hold
//! RULE = { "stage": "rcpt", "match": "nobody@example.com" | null,
//!          "action": "reply", "reply": "550 5.1.1 User unknown"   (reply)
//!                   | "delay", "ms": 1500                          (delay)
//!                   | "throttle", "bytes_per_second": 100          (throttle)
//!                   | "disconnect",
//!          "when": "always" | "next", "sessions": 3 | "probability", "probability": 0.3,
//!          "text": "rcpt to=nobody@example.com: reply 550 5.1.1 User unknown, next 3" }
//! ```
//!
//! `text` is the rule's text form (`server::rules`' grammar): written on every rule, and
//! on input a rule may be given as `{"text": "..."}` alone. Decoding is **strict**, unlike
//! the other records: this is input a person typed, so an unknown member, a member that
//! belongs to another action, or a rule the server would refuse is an error that names the
//! rule and says what is wrong ([`ShapeError::Invalid`]). `GET /api/sandbox` written by
//! earlier bridges had `kind`-tagged rules (`reject_recipient`, `fail_auth`,
//! `delay_greeting`, `drop_after_data`); they still read, as the rules they were.

use super::{Object, Shape, ShapeError, string};
use crate::json::Json;
use crate::server::rules::{
    Action, InjectedReply, Probability, Rule, RuleError, RuleSet, Stage, When,
};

/// The most rules a `PUT` may hold.
pub const MAX_RULES: usize = RuleSet::MAX_RULES;

/// The highest `max_messages_per_minute`.
pub const MAX_PER_MINUTE: u32 = 100_000;

/// Whose sessions the API's rules touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesScope {
    /// Every session (the `local` profile).
    All,
    /// The sessions of the visitor's own page (the `public` profile).
    Visitor,
}

impl RulesScope {
    /// `all` or `visitor`.
    pub fn as_str(self) -> &'static str {
        match self {
            RulesScope::All => "all",
            RulesScope::Visitor => "visitor",
        }
    }
}

/// The rules document of `GET` and `PUT /api/sandbox/rules`; see the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RulesDocument {
    /// The rules set through the API.
    pub rules: Vec<Rule>,
    /// The rate limit: messages per minute, past which the sandbox answers `421`.
    pub max_messages_per_minute: Option<u32>,
    /// The seed of the probability draws (PUT).
    pub seed: Option<u64>,
    /// Whose sessions the rules touch (GET).
    pub scope: Option<RulesScope>,
    /// The operator's rules, which apply to every session too (GET).
    pub flag_rules: Vec<Rule>,
    /// The most rules a PUT may hold (GET).
    pub max_rules: Option<u64>,
}

impl Shape for RulesDocument {
    fn to_json(&self) -> Json {
        let mut object = Object::default()
            .with("rules", rules_json(&self.rules))
            .with(
                "max_messages_per_minute",
                self.max_messages_per_minute
                    .map_or(Json::Null, |n| Json::number(n.into())),
            );
        if let Some(seed) = self.seed {
            object = object.with("seed", Json::number(seed));
        }
        if let Some(scope) = self.scope {
            object = object.with("scope", string(scope.as_str()));
        }
        object = object.with("flag_rules", rules_json(&self.flag_rules));
        if let Some(max) = self.max_rules {
            object = object.with("max_rules", Json::number(max));
        }
        object.build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let Json::Object(members) = value else {
            return Err(invalid("the rules document must be a JSON object"));
        };
        let mut document = Self::default();
        for (name, value) in members {
            match name.as_str() {
                "rules" => document.rules = rule_list(value, "rules")?,
                "flag_rules" => document.flag_rules = rule_list(value, "flag_rules")?,
                "max_messages_per_minute" => {
                    document.max_messages_per_minute = match value {
                        Json::Null => None,
                        value => Some(
                            value
                                .as_u64()
                                .and_then(|n| u32::try_from(n).ok())
                                .filter(|n| (1..=MAX_PER_MINUTE).contains(n))
                                .ok_or_else(|| {
                                    invalid(format!(
                                        "max_messages_per_minute must be a whole number from 1 \
                                         to {MAX_PER_MINUTE}, or null for no limit"
                                    ))
                                })?,
                        ),
                    }
                }
                "seed" => {
                    document.seed = match value {
                        Json::Null => None,
                        value => Some(value.as_u64().ok_or_else(|| {
                            invalid("seed must be a whole number from 0 to 2^64 - 1, or null")
                        })?),
                    }
                }
                "scope" => {
                    document.scope = match value.as_str() {
                        Some("all") => Some(RulesScope::All),
                        Some("visitor") => Some(RulesScope::Visitor),
                        _ => return Err(invalid("scope must be \"all\" or \"visitor\"")),
                    }
                }
                "max_rules" => document.max_rules = value.as_u64(),
                other => {
                    return Err(invalid(format!(
                        "unknown member {other:?}; a rules document has rules, \
                         max_messages_per_minute and seed"
                    )));
                }
            }
        }
        if document.rules.len() > MAX_RULES {
            return Err(invalid(RuleError::TooMany(MAX_RULES).to_string()));
        }
        Ok(document)
    }
}

fn invalid(text: impl Into<String>) -> ShapeError {
    ShapeError::Invalid(text.into())
}

/// A list of rules as JSON.
pub(crate) fn rules_json(rules: &[Rule]) -> Json {
    Json::Array(rules.iter().map(rule_json).collect())
}

/// One rule as JSON.
pub fn rule_json(rule: &Rule) -> Json {
    let mut object = Object::default()
        .with("stage", string(rule.stage().name()))
        .with("match", rule.matching().map_or(Json::Null, string));
    object = match rule.action() {
        Action::Reply(reply) => object
            .with("action", string("reply"))
            .with("reply", string(reply.as_str())),
        Action::Delay { ms } => object
            .with("action", string("delay"))
            .with("ms", Json::number((*ms).into())),
        Action::Throttle { bytes_per_second } => object
            .with("action", string("throttle"))
            .with("bytes_per_second", Json::number((*bytes_per_second).into())),
        Action::Disconnect => object.with("action", string("disconnect")),
    };
    object = match rule.when() {
        When::Always => object.with("when", string("always")),
        When::Next { sessions } => object
            .with("when", string("next"))
            .with("sessions", Json::number(sessions.into())),
        When::Probability(p) => object
            .with("when", string("probability"))
            .with("probability", Json::Number(p.to_string())),
    };
    object.with("text", string(&rule.to_string())).build()
}

/// The list `name`, every rule read strictly; an error names the rule by its place.
fn rule_list(value: Json, name: &str) -> Result<Vec<Rule>, ShapeError> {
    let Json::Array(items) = value else {
        return Err(invalid(format!("{name} must be a list of rules")));
    };
    if items.len() > MAX_RULES {
        return Err(invalid(RuleError::TooMany(MAX_RULES).to_string()));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            read_rule(item).map_err(|why| invalid(format!("{name}[{i}] (rule {}): {why}", i + 1)))
        })
        .collect()
}

/// The members a rule may have.
const MEMBERS: [&str; 10] = [
    "stage",
    "match",
    "action",
    "reply",
    "ms",
    "bytes_per_second",
    "when",
    "sessions",
    "probability",
    "text",
];

/// One rule, strictly: the reason is for a person.
pub fn read_rule(value: Json) -> Result<Rule, String> {
    let Json::Object(members) = &value else {
        return Err("a rule must be a JSON object".to_owned());
    };
    if let Some(kind) = value.get("kind").as_str() {
        return legacy(kind, &value);
    }
    for (name, _) in members {
        if !MEMBERS.contains(&name.as_str()) {
            return Err(format!(
                "unknown member {name:?}; a rule has {}",
                MEMBERS.join(", ")
            ));
        }
    }
    let text = |name: &str| -> Result<Option<&str>, String> {
        match value.get(name) {
            Json::Null => Ok(None),
            Json::String(s) => Ok(Some(s)),
            _ => Err(format!("{name} must be a string")),
        }
    };
    let number = |name: &str| -> Result<u32, String> {
        value
            .get(name)
            .as_u64()
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
            .ok_or_else(|| format!("{name} must be a whole number"))
    };
    if matches!(value.get("stage"), Json::Null) {
        return match text("text")? {
            Some(rule) if members.len() == 1 => Rule::parse(rule).map_err(|e| e.to_string()),
            Some(_) => Err(
                "give a rule as {\"text\": ...} alone, or by its members with a stage".to_owned(),
            ),
            None => Err("a rule needs a stage (or a text)".to_owned()),
        };
    }
    let stage_name = text("stage")?.unwrap_or_default();
    let stage = Stage::from_name(stage_name)
        .ok_or_else(|| RuleError::UnknownStage(stage_name.to_owned()).to_string())?;
    let action_name =
        text("action")?.ok_or("a rule needs an action: reply, delay, throttle or disconnect")?;
    let (action, action_member) = match action_name {
        "reply" => {
            let reply = text("reply")?.ok_or("a reply action needs its reply line")?;
            (
                Action::Reply(InjectedReply::parse(reply).map_err(|e| e.to_string())?),
                Some("reply"),
            )
        }
        "delay" => (Action::Delay { ms: number("ms")? }, Some("ms")),
        "throttle" => (
            Action::Throttle {
                bytes_per_second: number("bytes_per_second")?,
            },
            Some("bytes_per_second"),
        ),
        "disconnect" => (Action::Disconnect, None),
        other => return Err(RuleError::UnknownAction(other.to_owned()).to_string()),
    };
    let (when, when_member) = match text("when")?.unwrap_or("always") {
        "always" => (When::Always, None),
        "next" => (
            When::Next {
                sessions: number("sessions")?,
            },
            Some("sessions"),
        ),
        "probability" => {
            let Json::Number(p) = value.get("probability") else {
                return Err("probability must be a number, such as 0.3".to_owned());
            };
            (
                When::Probability(Probability::parse(p).map_err(|e| e.to_string())?),
                Some("probability"),
            )
        }
        other => {
            return Err(format!(
                "{other:?} is not a when; one of always, next (with sessions), probability \
                 (with probability)"
            ));
        }
    };
    for stray in ["reply", "ms", "bytes_per_second", "sessions", "probability"] {
        if !matches!(value.get(stray), Json::Null)
            && Some(stray) != action_member
            && Some(stray) != when_member
        {
            return Err(format!(
                "{stray} does not belong to a {action_name} rule that applies {}",
                text("when")?.unwrap_or("always")
            ));
        }
    }
    Rule::new(stage, text("match")?, action, when).map_err(|e| e.to_string())
}

/// The rules of `GET /api/sandbox` as earlier bridges wrote them.
fn legacy(kind: &str, value: &Json) -> Result<Rule, String> {
    let text = |name: &str| value.get(name).as_str().unwrap_or_default().to_owned();
    let reply = |line: &str| InjectedReply::parse(line).map_err(|e| e.to_string());
    let rule = match kind {
        "reject_recipient" => Rule::new(
            Stage::Rcpt,
            Some(&text("address")),
            Action::Reply(reply(&text("reply"))?),
            When::Always,
        ),
        "fail_auth" => {
            let Json::Number(p) = value.get("probability") else {
                return Err("probability must be a number".to_owned());
            };
            Rule::new(
                Stage::Auth,
                None,
                Action::Reply(reply("535 5.7.8 Error: authentication failed")?),
                When::Probability(Probability::parse(p).map_err(|e| e.to_string())?),
            )
        }
        "delay_greeting" => Rule::new(
            Stage::Greeting,
            None,
            Action::Delay {
                ms: value
                    .get("ms")
                    .as_u64()
                    .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
            },
            When::Always,
        ),
        "drop_after_data" => Rule::new(Stage::EndOfData, None, Action::Disconnect, When::Always),
        other => return Err(format!("{other:?} is not a rule kind")),
    };
    rule.map_err(|e| e.to_string())
}

pub mod page;

#[cfg(test)]
mod tests;
