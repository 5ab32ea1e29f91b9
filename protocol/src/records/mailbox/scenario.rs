//! One scenario address as `/api/sandbox` lists it (the `scenarios` member of
//! [`SandboxInfo`](super::SandboxInfo)), made from the one table,
//! [`crate::server::scenarios::SCENARIOS`].
//!
//! ```json
//! { "address": "greylist[+SECONDS]@", "local_part": "greylist",
//!   "stage": "rcpt" /* data, end_of_data, later_replies */,
//!   "verdict": "retry_later" /* give_up, accepted */,
//!   "reply": "451 4.7.1 <greylist@example.com>: ..." /* or null: drop@ says nothing */,
//!   "parameter": { "name": "SECONDS", "default": 60, "min": 1, "max": 3600 } /* or null */,
//!   "shows": { "en": "...", "zh-CN": "..." }, "advice": { "en": "...", "zh-CN": "..." } }
//! ```

use super::super::{Members, Object, Shape, ShapeError, optional_string, string};
use crate::json::Json;
use crate::lang::{Bilingual, Lang};
use crate::server::scenarios::{Entry, Parameter, SCENARIOS, ScenarioStage, Verdict};

/// A scenario address, for the API and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioRecord {
    /// The address as the table shows it: `busy@`, `greylist[+SECONDS]@`.
    pub address: String,
    /// The local part that selects it: `busy`, `full+permanent`.
    pub local_part: String,
    /// When it acts.
    pub stage: ScenarioStage,
    /// What a client should do.
    pub verdict: Verdict,
    /// The reply it gives, for `example.com`; `None` when it gives none (`drop@`).
    pub reply: Option<String>,
    /// The number a `+detail` sets, if any.
    pub parameter: Option<Parameter>,
    /// What it shows.
    pub shows: Bilingual<String>,
    /// What a client should do, in a sentence.
    pub advice: Bilingual<String>,
}

impl ScenarioRecord {
    /// The record of a table entry.
    pub fn of(entry: &'static Entry) -> Self {
        let both = |t: crate::lang::Text| Bilingual {
            en: t.en.to_owned(),
            zh: t.zh.to_owned(),
        };
        Self {
            address: entry.address(),
            local_part: entry.local_part.to_owned(),
            stage: entry.stage,
            verdict: entry.verdict,
            reply: entry.example_reply(),
            parameter: entry.parameter,
            shows: both(entry.shows),
            advice: both(entry.advice),
        }
    }
}

fn bilingual(text: &Bilingual<String>) -> Json {
    Object::default()
        .with(Lang::En.tag(), string(&text.en))
        .with(Lang::ZhCn.tag(), string(&text.zh))
        .build()
}

fn read_bilingual(m: &mut Members) -> Bilingual<String> {
    Bilingual {
        en: m.string("en"),
        zh: m.string("zh-CN"),
    }
}

/// The texts `name` in both languages; empty when absent.
fn read_bilingual_member(m: &mut Members, name: &'static str) -> Bilingual<String> {
    m.optional_object(name, read_bilingual)
        .unwrap_or_else(|| Bilingual {
            en: String::new(),
            zh: String::new(),
        })
}

impl Shape for ScenarioRecord {
    fn to_json(&self) -> Json {
        let parameter = self.parameter.map_or(Json::Null, |p| {
            Object::default()
                .with("name", string(p.name))
                .with("default", Json::number(p.default))
                .with("min", Json::number(p.min))
                .with("max", Json::number(p.max))
                .build()
        });
        Object::default()
            .with("address", string(&self.address))
            .with("local_part", string(&self.local_part))
            .with("stage", string(self.stage.as_str()))
            .with("verdict", string(self.verdict.as_str()))
            .with("reply", optional_string(self.reply.as_deref()))
            .with("parameter", parameter)
            .with("shows", bilingual(&self.shows))
            .with("advice", bilingual(&self.advice))
            .build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "the scenario")?;
        let record = read(&mut m);
        m.done(record)
    }
}

/// Reads one scenario from its members (also as an item of `SandboxInfo::scenarios`).
pub(super) fn read(m: &mut Members) -> ScenarioRecord {
    let stage = m
        .optional_string("stage")
        .map(|s| ScenarioStage::from_name(&s));
    if stage == Some(None) {
        m.fail("stage", "rcpt, data, end_of_data or later_replies");
    }
    let verdict = m.optional_string("verdict").map(|v| Verdict::from_name(&v));
    if verdict == Some(None) {
        m.fail("verdict", "retry_later, give_up or accepted");
    }
    let parameter = m.optional_object("parameter", |p| {
        let name = p.string("name");
        Parameter {
            // The names are the table's; one this version does not know reads as `N`.
            name: SCENARIOS
                .iter()
                .filter_map(|e| e.parameter)
                .map(|p| p.name)
                .find(|n| *n == name)
                .unwrap_or("N"),
            default: p.number("default"),
            min: p.number("min"),
            max: p.number("max"),
        }
    });
    ScenarioRecord {
        address: m.string("address"),
        local_part: m.string("local_part"),
        stage: stage.flatten().unwrap_or(ScenarioStage::Rcpt),
        verdict: verdict.flatten().unwrap_or(Verdict::Accepted),
        reply: m.optional_string("reply"),
        parameter,
        shows: read_bilingual_member(m, "shows"),
        advice: read_bilingual_member(m, "advice"),
    }
}
