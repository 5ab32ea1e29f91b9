//! The server check's report (`smtp-playground check --format json`, the page's
//! `/api/check`), and the events that stream it while it runs. Written by the bridge's
//! check runner from [`crate::check`]'s results, read by the page and the tests.
//!
//! ```text
//! REPORT  {"target":"example.org","domain":"example.org","port":25,"verdict":"fail",
//!          "error":null,"hosts":[HOST...],"matrix":MATRIX}
//! HOST    {"name":"mx1.example.org","preference":10,"address":"192.0.2.1","port":25,
//!          "verdict":"pass","error":null,"lines":[LINE...],
//!          "timings":[{"stage":"connect","ms":3}...],"items":[ITEM...]}
//! ITEM    {"id":"open-relay","verdict":"pass","reference":"RFC 5321 3.6.2, BCP 30",
//!          "value":"554 5.7.1 ...","en":{"title":..,"explanation":..},"zh":{...}}
//! MATRIX  {"hosts":["mx1.example.org",...],
//!          "rows":[{"id":"banner","reference":..,"title":{"en":..,"zh":..},
//!                   "verdicts":["pass","fail"]}...]}
//! ```
//!
//! `domain` is the domain whose MX hosts were checked, `null` when one host was named;
//! `preference` the MX preference (`null` for a host named directly or the implicit MX);
//! `address` the address connected to (`null` when none was); `error` why a host (or the
//! whole check) could not run, for a person. LINE is the recorded line of
//! [`super::session`]: `{"en":LINE_RECORD,"zh":LINE_RECORD,"starts_reply":..,"auth":false,
//! "message":null}`. A verdict is `info`, `not-tested`, `pass`, `warn` or `fail`; the
//! report's and a host's `verdict` are the worst of their items.
//!
//! EVENT, one per line of NDJSON or per Server-Sent Event's `data` (the event's name is
//! its `type`):
//!
//! ```text
//! {"type":"host-started","host":0,"name":"mx1.example.org","preference":10,"port":25}
//! {"type":"line","host":0,"line":LINE}
//! {"type":"host-finished","host":0,"report":HOST}
//! {"type":"done","report":REPORT}
//! {"type":"error","code":"target_denied","message":"..."}    (then nothing more)
//! ```

use super::session::SessionLine;
use super::{
    LineRecord, Members, Object, Shape, ShapeError, optional_number, optional_string, string,
};
use crate::check::{HostCheck, Item, Matrix, ProbeLine, Verdict};
use crate::json::Json;
use crate::lang::Bilingual;

/// An item's words in one language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemWords {
    /// One line saying what was found.
    pub title: String,
    /// What it means, and what to fix.
    pub explanation: String,
}

/// One scorecard item (ITEM).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemRecord {
    /// The item's stable id.
    pub id: String,
    /// How it came out.
    pub verdict: Verdict,
    /// The RFC or BCP it rests on.
    pub reference: String,
    /// What was measured, in no language.
    pub value: String,
    /// The words in English.
    pub en: ItemWords,
    /// The words in Chinese.
    pub zh: ItemWords,
}

impl ItemRecord {
    /// The record of a scorecard item.
    pub fn new(item: &Item) -> Self {
        let words = |t: &crate::check::ItemText| ItemWords {
            title: t.title.clone(),
            explanation: t.explanation.clone(),
        };
        Self {
            id: item.id.to_owned(),
            verdict: item.verdict,
            reference: item.reference.to_owned(),
            value: item.value.clone(),
            en: words(&item.text.en),
            zh: words(&item.text.zh),
        }
    }

    fn to_json(&self) -> Json {
        let words = |w: &ItemWords| {
            Object::default()
                .with("title", string(&w.title))
                .with("explanation", string(&w.explanation))
                .build()
        };
        Object::default()
            .with("id", string(&self.id))
            .with("verdict", string(self.verdict.as_str()))
            .with("reference", string(&self.reference))
            .with("value", string(&self.value))
            .with("en", words(&self.en))
            .with("zh", words(&self.zh))
            .build()
    }

    fn read(m: &mut Members) -> Self {
        let words = |w: &mut Members| ItemWords {
            title: w.string("title"),
            explanation: w.string("explanation"),
        };
        Self {
            id: m.string("id"),
            verdict: verdict(m, "verdict"),
            reference: m.string("reference"),
            value: m.string("value"),
            en: m.object("en", words),
            zh: m.object("zh", words),
        }
    }
}

/// A verdict member; `info` when absent or unknown to this version (noted when it is
/// not a string).
fn verdict(m: &mut Members, name: &'static str) -> Verdict {
    m.optional_string(name)
        .and_then(|v| Verdict::from_name(&v))
        .unwrap_or_default()
}

fn verdict_json(v: Verdict) -> Json {
    string(v.as_str())
}

/// One stage's time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimingRecord {
    /// `connect`, `banner`, `TLS`, `EHLO`, `MAIL` ...
    pub stage: String,
    /// Milliseconds.
    pub ms: u64,
}

/// One host checked (HOST).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostRecord {
    /// The MX name, or the host as named.
    pub name: String,
    /// The MX preference; `None` for a host named directly.
    pub preference: Option<u16>,
    /// The address connected to.
    pub address: Option<String>,
    /// The port.
    pub port: u16,
    /// The worst verdict of the items.
    pub verdict: Verdict,
    /// Why the host could not be checked, for a person.
    pub error: Option<String>,
    /// The conversation, each line annotated in both languages.
    pub lines: Vec<SessionLine>,
    /// The stages' times, in order.
    pub timings: Vec<TimingRecord>,
    /// The scorecard.
    pub items: Vec<ItemRecord>,
}

impl HostRecord {
    /// The record of one host's check.
    pub fn new(check: &HostCheck, preference: Option<u16>) -> Self {
        Self {
            name: check.facts.name.clone(),
            preference,
            address: check.facts.address.clone(),
            port: check.facts.port,
            verdict: check.scorecard.worst(),
            error: check.facts.connect_error.clone(),
            lines: check.lines.iter().map(line).collect(),
            timings: check
                .observations
                .timings
                .iter()
                .map(|t| TimingRecord {
                    stage: t.stage.clone(),
                    ms: t.ms,
                })
                .collect(),
            items: check.scorecard.items.iter().map(ItemRecord::new).collect(),
        }
    }

    fn read(m: &mut Members) -> Self {
        Self {
            name: m.string("name"),
            preference: m.optional_u16("preference"),
            address: m.optional_string("address"),
            port: m.optional_u16("port").unwrap_or_default(),
            verdict: verdict(m, "verdict"),
            error: m.optional_string("error"),
            lines: m.objects("lines", SessionLine::read),
            timings: m.objects("timings", |t| TimingRecord {
                stage: t.string("stage"),
                ms: t.number("ms"),
            }),
            items: m.objects("items", ItemRecord::read),
        }
    }
}

impl Shape for HostRecord {
    fn to_json(&self) -> Json {
        Object::default()
            .with("name", string(&self.name))
            .with(
                "preference",
                optional_number(self.preference.map(u64::from)),
            )
            .with("address", optional_string(self.address.as_deref()))
            .with("port", Json::number(u64::from(self.port)))
            .with("verdict", verdict_json(self.verdict))
            .with("error", optional_string(self.error.as_deref()))
            .with(
                "lines",
                Json::Array(self.lines.iter().map(SessionLine::to_json).collect()),
            )
            .with(
                "timings",
                Json::Array(
                    self.timings
                        .iter()
                        .map(|t| {
                            Object::default()
                                .with("stage", string(&t.stage))
                                .with("ms", Json::number(t.ms))
                                .build()
                        })
                        .collect(),
                ),
            )
            .with(
                "items",
                Json::Array(self.items.iter().map(ItemRecord::to_json).collect()),
            )
            .build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "a checked host")?;
        let host = Self::read(&mut m);
        m.done(host)
    }
}

/// The record of one probe line, in both languages.
pub fn line(probe: &ProbeLine) -> SessionLine {
    let record = |a: &crate::annotate::AnnotatedLine| LineRecord {
        code: a.code,
        at_ms: probe.at_ms,
        latency_ms: probe.latency_ms.filter(|_| a.starts_reply),
        kind: Some(a.kind.as_str().to_owned()),
        answers: a.answers.map(str::to_owned),
        ..LineRecord::new(a.direction, &a.text, probe.tls, &a.annotation)
    };
    SessionLine {
        en: Some(record(&probe.annotated.en)),
        zh: Some(record(&probe.annotated.zh)),
        starts_reply: probe.annotated.en.starts_reply,
        auth: false,
        message: None,
    }
}

/// One item across the hosts (a MATRIX row).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatrixRowRecord {
    /// The item's id.
    pub id: String,
    /// The item's reference.
    pub reference: String,
    /// A label for the row, in English.
    pub title_en: String,
    /// A label for the row, in Chinese.
    pub title_zh: String,
    /// One verdict per host.
    pub verdicts: Vec<Verdict>,
}

/// Hosts × items (MATRIX).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatrixRecord {
    /// The hosts, in the order checked.
    pub hosts: Vec<String>,
    /// One row per item.
    pub rows: Vec<MatrixRowRecord>,
}

impl MatrixRecord {
    /// The record of a matrix.
    pub fn new(matrix: &Matrix) -> Self {
        Self {
            hosts: matrix.hosts.clone(),
            rows: matrix
                .rows
                .iter()
                .map(|r| MatrixRowRecord {
                    id: r.id.clone(),
                    reference: r.reference.clone(),
                    title_en: r.title.en.clone(),
                    title_zh: r.title.zh.clone(),
                    verdicts: r.verdicts.clone(),
                })
                .collect(),
        }
    }

    /// The row labels in both languages, as the matrix type holds them.
    pub fn title(row: &MatrixRowRecord) -> Bilingual<&str> {
        Bilingual {
            en: &row.title_en,
            zh: &row.title_zh,
        }
    }

    fn to_json(&self) -> Json {
        let rows = self
            .rows
            .iter()
            .map(|r| {
                Object::default()
                    .with("id", string(&r.id))
                    .with("reference", string(&r.reference))
                    .with(
                        "title",
                        Object::default()
                            .with("en", string(&r.title_en))
                            .with("zh", string(&r.title_zh))
                            .build(),
                    )
                    .with(
                        "verdicts",
                        Json::Array(r.verdicts.iter().copied().map(verdict_json).collect()),
                    )
                    .build()
            })
            .collect();
        Object::default()
            .with("hosts", super::strings(&self.hosts))
            .with("rows", Json::Array(rows))
            .build()
    }

    fn read(m: &mut Members) -> Self {
        Self {
            hosts: m.strings("hosts"),
            rows: m.objects("rows", |r| {
                let (title_en, title_zh) = r.object("title", |t| (t.string("en"), t.string("zh")));
                let verdicts = r
                    .strings("verdicts")
                    .iter()
                    .map(|v| Verdict::from_name(v).unwrap_or_default())
                    .collect();
                MatrixRowRecord {
                    id: r.string("id"),
                    reference: r.string("reference"),
                    title_en,
                    title_zh,
                    verdicts,
                }
            }),
        }
    }
}

/// The whole check (REPORT).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// The target as asked: `example.org`, `mx.example.org:587`.
    pub target: String,
    /// The domain whose MX hosts were checked; `None` when one host was named.
    pub domain: Option<String>,
    /// The port checked.
    pub port: u16,
    /// The worst verdict of all hosts.
    pub verdict: Verdict,
    /// Why the check could not run at all (no MX, a null MX, a refusal), for a person.
    pub error: Option<String>,
    /// Each host checked, in order.
    pub hosts: Vec<HostRecord>,
    /// The hosts side by side.
    pub matrix: MatrixRecord,
}

impl CheckReport {
    /// Whether any item of any host failed, or the check could not run.
    pub fn failed(&self) -> bool {
        self.verdict == Verdict::Fail || self.error.is_some()
    }

    fn read(m: &mut Members) -> Self {
        Self {
            target: m.string("target"),
            domain: m.optional_string("domain"),
            port: m.optional_u16("port").unwrap_or_default(),
            verdict: verdict(m, "verdict"),
            error: m.optional_string("error"),
            hosts: m.objects("hosts", HostRecord::read),
            matrix: m.object("matrix", MatrixRecord::read),
        }
    }
}

impl Shape for CheckReport {
    fn to_json(&self) -> Json {
        Object::default()
            .with("target", string(&self.target))
            .with("domain", optional_string(self.domain.as_deref()))
            .with("port", Json::number(u64::from(self.port)))
            .with("verdict", verdict_json(self.verdict))
            .with("error", optional_string(self.error.as_deref()))
            .with(
                "hosts",
                Json::Array(self.hosts.iter().map(Shape::to_json).collect()),
            )
            .with("matrix", self.matrix.to_json())
            .build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "a check report")?;
        if m.lacks("hosts") {
            m.fail("hosts", "a list");
        }
        let report = Self::read(&mut m);
        m.done(report)
    }
}

/// One event of a running check (EVENT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckEvent {
    /// The check of host number `host` (0-based, in order) begins.
    HostStarted {
        /// The host's number.
        host: u64,
        /// Its name.
        name: String,
        /// Its MX preference.
        preference: Option<u16>,
        /// The port.
        port: u16,
    },
    /// A line of host `host`'s conversation, annotated.
    Line {
        /// The host's number.
        host: u64,
        /// The line.
        line: Box<SessionLine>,
    },
    /// Host `host` is checked.
    HostFinished {
        /// The host's number.
        host: u64,
        /// Its record, scorecard included.
        report: Box<HostRecord>,
    },
    /// Every host is checked: the whole report. Nothing follows.
    Done {
        /// The report.
        report: Box<CheckReport>,
    },
    /// The check was refused or could not start (the policy, a rate limit, a bad target).
    /// Nothing follows.
    Error {
        /// The `wire` error code, e.g. `target_denied`, `rate_limited`, `invalid_target`.
        code: String,
        /// What happened, for a person.
        message: String,
    },
}

impl CheckEvent {
    /// The event's `type`: `host-started`, `line`, `host-finished`, `done`, `error` (also
    /// the Server-Sent Event's name).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::HostStarted { .. } => "host-started",
            Self::Line { .. } => "line",
            Self::HostFinished { .. } => "host-finished",
            Self::Done { .. } => "done",
            Self::Error { .. } => "error",
        }
    }
}

impl Shape for CheckEvent {
    fn to_json(&self) -> Json {
        let o = Object::default().with("type", string(self.kind()));
        match self {
            Self::HostStarted {
                host,
                name,
                preference,
                port,
            } => o
                .with("host", Json::number(*host))
                .with("name", string(name))
                .with("preference", optional_number(preference.map(u64::from)))
                .with("port", Json::number(u64::from(*port))),
            Self::Line { host, line } => o
                .with("host", Json::number(*host))
                .with("line", line.to_json()),
            Self::HostFinished { host, report } => o
                .with("host", Json::number(*host))
                .with("report", report.to_json()),
            Self::Done { report } => o.with("report", report.to_json()),
            Self::Error { code, message } => o
                .with("code", string(code))
                .with("message", string(message)),
        }
        .build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "a check event")?;
        let kind = m.string("type");
        let event = match kind.as_str() {
            "host-started" => Self::HostStarted {
                host: m.number("host"),
                name: m.string("name"),
                preference: m.optional_u16("preference"),
                port: m.optional_u16("port").unwrap_or_default(),
            },
            "line" => {
                let line = m.object("line", SessionLine::read);
                Self::Line {
                    host: m.number("host"),
                    line: Box::new(line),
                }
            }
            "host-finished" => Self::HostFinished {
                host: m.number("host"),
                report: Box::new(m.object("report", HostRecord::read)),
            },
            "done" => Self::Done {
                report: Box::new(m.object("report", CheckReport::read)),
            },
            "error" => Self::Error {
                code: m.string("code"),
                message: m.string("message"),
            },
            _ => {
                m.fail("type", "host-started, line, host-finished, done or error");
                return m.done(Self::Error {
                    code: String::new(),
                    message: String::new(),
                });
            }
        };
        m.done(event)
    }
}

#[cfg(test)]
mod tests;
