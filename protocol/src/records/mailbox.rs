//! The bridge's mailbox HTTP API: what the sandbox received and how to reach it. The
//! bridge encodes these (`bridge::sandbox::api`, which documents each endpoint); the page
//! and the tests decode them. The API is public, so the member names are kept as they
//! were when the bridge wrote them with `serde_json::json!` (a test decodes that output).
//!
//! ```text
//! GET /api/messages        MessageList   {"messages":[SUMMARY...],"count":..,"bytes":..,
//!                                         "max_messages":..,"max_bytes":..}
//! GET /api/messages/{id}   MessageDetail SUMMARY plus "raw","raw_encoding","headers",
//!                                         "text_body","findings"
//! DELETE /api/messages     Deleted       {"deleted":3}
//! GET /api/sandbox         SandboxInfo   {"enabled":..,"listen":..,"hostname":..,...,
//!                                         "scenarios":[ScenarioRecord...]}
//! GET /api/events          NewMessage    {"id":7}, the data of each `message` event
//! any refusal (4xx)        ApiError      {"error":"for a person"}
//! ```
//!
//! The page reads only what it shows, through [`page`].

use super::{
    Members, Object, Shape, ShapeError, optional_number, optional_string, string, strings,
};
use crate::dot::DataFinding;
use crate::json::{self, Json};
use crate::server::Rule;

/// One message in the mailbox list (SUMMARY).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageSummary {
    /// The mailbox's id, for `/api/messages/{id}`.
    pub id: u64,
    /// The envelope sender (`MAIL FROM`); empty for the null sender `<>`.
    pub from: String,
    /// The envelope recipients.
    pub to: Vec<String>,
    /// The Subject header, if any.
    pub subject: Option<String>,
    /// Octets of the message text.
    pub size: u64,
    /// When it arrived: RFC 3339 in UTC, e.g. `2025-05-01T12:00:00.123456Z`.
    pub received_at: String,
    /// It arrived inside TLS.
    pub tls: bool,
    /// The AUTH identity, if the client authenticated.
    pub authenticated_as: Option<String>,
    /// The queue id the sandbox gave it in its 250 reply.
    pub queue_id: String,
    /// The name the client gave in EHLO or HELO.
    pub helo: String,
    /// The client's address, e.g. `127.0.0.1:50000`.
    pub peer: Option<String>,
    /// The recorded session that delivered it (`/api/sessions/{id}`); written only when
    /// known, and absent from older bridges' answers.
    pub session: Option<u64>,
}

impl MessageSummary {
    fn members(&self) -> Object {
        let object = Object::default()
            .with("id", Json::number(self.id))
            .with("from", string(&self.from))
            .with("to", strings(&self.to))
            .with("subject", optional_string(self.subject.as_deref()))
            .with("size", Json::number(self.size))
            .with("received_at", string(&self.received_at))
            .with("tls", Json::Bool(self.tls))
            .with(
                "authenticated_as",
                optional_string(self.authenticated_as.as_deref()),
            )
            .with("queue_id", string(&self.queue_id))
            .with("helo", string(&self.helo))
            .with("peer", optional_string(self.peer.as_deref()));
        match self.session {
            Some(id) => object.with("session", Json::number(id)),
            None => object,
        }
    }

    fn read(m: &mut Members) -> Self {
        Self {
            id: m.number("id"),
            from: m.string("from"),
            to: m.strings("to"),
            subject: m.optional_string("subject"),
            size: m.number("size"),
            received_at: m.string("received_at"),
            tls: m.flag("tls"),
            authenticated_as: m.optional_string("authenticated_as"),
            queue_id: m.string("queue_id"),
            helo: m.string("helo"),
            peer: m.optional_string("peer"),
            session: m.optional_number("session"),
        }
    }
}

impl Shape for MessageSummary {
    fn to_json(&self) -> Json {
        self.members().build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "a message")?;
        let summary = Self::read(&mut m);
        m.done(summary)
    }
}

/// `GET /api/messages`: the mailbox (in the `public` profile, the visitor's part of it),
/// newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageList {
    /// The messages this request sees.
    pub messages: Vec<MessageSummary>,
    /// How many messages this request sees.
    pub count: u64,
    /// Their bytes, as the mailbox counts them against its cap.
    pub bytes: u64,
    /// The whole mailbox's cap on messages.
    pub max_messages: u64,
    /// The whole mailbox's cap on bytes.
    pub max_bytes: u64,
}

impl Shape for MessageList {
    fn to_json(&self) -> Json {
        Object::default()
            .with(
                "messages",
                Json::Array(self.messages.iter().map(Shape::to_json).collect()),
            )
            .with("count", Json::number(self.count))
            .with("bytes", Json::number(self.bytes))
            .with("max_messages", Json::number(self.max_messages))
            .with("max_bytes", Json::number(self.max_bytes))
            .build()
    }

    /// The `messages` member is required: without it, the text is not a mailbox list.
    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "the mailbox list")?;
        if m.lacks("messages") {
            m.fail("messages", "a list");
        }
        let list = Self {
            messages: m.objects("messages", MessageSummary::read),
            count: m.number("count"),
            bytes: m.number("bytes"),
            max_messages: m.number("max_messages"),
            max_bytes: m.number("max_bytes"),
        };
        m.done(list)
    }
}

/// How `raw` holds the message bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RawEncoding {
    /// The bytes were UTF-8 and `raw` is their text.
    #[default]
    Utf8,
    /// The bytes were not UTF-8 and `raw` is their standard base64.
    Base64,
}

impl RawEncoding {
    const NAMES: [&str; 2] = ["utf-8", "base64"];

    /// `utf-8` or `base64`.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// One header field: its name and its value unfolded (CRLF before white space removed),
/// not decoded (an encoded word stays `=?UTF-8?B?...?=`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// The field name as written, e.g. `Subject`.
    pub name: String,
    /// The unfolded value.
    pub value: String,
}

/// `GET /api/messages/{id}`: one message with its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageDetail {
    /// The list entry; its members sit at the top level of the object.
    pub summary: MessageSummary,
    /// The message exactly as received (dot-stuffing removed), as `raw_encoding` says.
    pub raw: String,
    /// Text or base64.
    pub raw_encoding: RawEncoding,
    /// The header fields in order.
    pub headers: Vec<Header>,
    /// The first text part, decoded.
    pub text_body: Option<String>,
    /// What the sandbox noticed in the message text (bare LF, long lines ...).
    pub findings: Vec<DataFinding>,
}

impl Shape for MessageDetail {
    fn to_json(&self) -> Json {
        self.summary
            .members()
            .with("raw", string(&self.raw))
            .with("raw_encoding", string(self.raw_encoding.as_str()))
            .with(
                "headers",
                Json::Array(
                    self.headers
                        .iter()
                        .map(|h| {
                            Object::default()
                                .with("name", string(&h.name))
                                .with("value", string(&h.value))
                                .build()
                        })
                        .collect(),
                ),
            )
            .with("text_body", optional_string(self.text_body.as_deref()))
            .with(
                "findings",
                Json::Array(self.findings.iter().map(finding).collect()),
            )
            .build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "a message")?;
        let raw_encoding = match m.one_of("raw_encoding", &RawEncoding::NAMES, "utf-8 or base64") {
            Some(1) => RawEncoding::Base64,
            _ => RawEncoding::Utf8,
        };
        let detail = Self {
            summary: MessageSummary::read(&mut m),
            raw: m.string("raw"),
            raw_encoding,
            headers: m.objects("headers", read_header),
            text_body: m.optional_string("text_body"),
            findings: m.objects("findings", read_finding),
        };
        m.done(detail)
    }
}

fn read_header(h: &mut Members) -> Header {
    Header {
        name: h.string("name"),
        value: h.string("value"),
    }
}

const FINDING_KINDS: [&str; 4] = ["bare_lf", "smuggling_attempt", "line_too_long", "eight_bit"];

fn finding(finding: &DataFinding) -> Json {
    let (kind, line, length) = match *finding {
        DataFinding::BareLf { line } => (0, line, None),
        DataFinding::SmugglingAttempt { line } => (1, line, None),
        DataFinding::LineTooLong { line, length } => (2, line, Some(length)),
        DataFinding::EightBit { line } => (3, line, None),
    };
    let object = Object::default()
        .with("kind", string(FINDING_KINDS[kind]))
        .with("line", Json::number(line as u64));
    match length {
        Some(length) => object.with("length", Json::number(length as u64)),
        None => object,
    }
    .build()
}

fn read_finding(m: &mut Members) -> DataFinding {
    let line = m.size("line");
    match m.one_of("kind", &FINDING_KINDS, "a finding kind") {
        Some(0) => DataFinding::BareLf { line },
        Some(1) => DataFinding::SmugglingAttempt { line },
        Some(2) => DataFinding::LineTooLong {
            line,
            length: m.size("length"),
        },
        Some(3) => DataFinding::EightBit { line },
        _ => {
            m.fail("kind", "a finding kind");
            DataFinding::BareLf { line }
        }
    }
}

/// `DELETE /api/messages`: how many messages were deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deleted {
    /// The count.
    pub deleted: u64,
}

impl Shape for Deleted {
    fn to_json(&self) -> Json {
        Object::default()
            .with("deleted", Json::number(self.deleted))
            .build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "the deletion")?;
        let deleted = m.number("deleted");
        m.done(Self { deleted })
    }
}

/// The data of a `message` event on `/api/events`: a new message to fetch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NewMessage {
    /// Its id.
    pub id: u64,
}

impl Shape for NewMessage {
    fn to_json(&self) -> Json {
        Object::default().with("id", Json::number(self.id)).build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "the event")?;
        let id = m.number("id");
        m.done(Self { id })
    }
}

/// A refusal (any 4xx): why, for a person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiError {
    /// The message.
    pub error: String,
}

impl Shape for ApiError {
    fn to_json(&self) -> Json {
        Object::default().with("error", string(&self.error)).build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "the error")?;
        let error = m.string("error");
        m.done(Self { error })
    }
}

/// Reads an API answer: `T`, or [`ShapeError::Refused`] with the bridge's words when the
/// text is its `{"error": ...}` refusal.
///
/// # Errors
///
/// When the text is not JSON, is a refusal, or is not `T`.
pub fn read<T: Shape>(text: &str) -> Result<T, ShapeError> {
    T::from_json(answer(text)?)
}

/// An API answer's JSON, unless it is the `{"error": ...}` refusal.
fn answer(text: &str) -> Result<Json, ShapeError> {
    let value = json::parse(text)?;
    if let Some(error) = value["error"].as_str() {
        return Err(ShapeError::Refused(error.to_owned()));
    }
    Ok(value)
}

/// The AUTH account the sandbox accepts for lessons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoAccount {
    /// The user name.
    pub user: String,
    /// The password (public: it is a demo).
    pub password: String,
}

fn read_demo(m: &mut Members) -> Option<DemoAccount> {
    m.optional_object("demo_account", |d| DemoAccount {
        user: d.string("user"),
        password: d.string("password"),
    })
}

/// Who sees which messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MailboxScope {
    /// Everyone sees the whole mailbox (the `local` profile).
    #[default]
    All,
    /// Each visitor sees only the mail of their own sessions (the `public` profile).
    Visitor,
}

impl MailboxScope {
    const NAMES: [&str; 2] = ["all", "visitor"];

    /// `all` or `visitor`.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// `GET /api/sandbox`: how to reach the sandbox SMTP server and how it behaves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SandboxInfo {
    /// The bridge runs a sandbox.
    pub enabled: bool,
    /// `host:port` it listens on, e.g. `127.0.0.1:2525`.
    pub listen: Option<String>,
    /// The name in its greeting.
    pub hostname: String,
    /// The demo account for AUTH.
    pub demo_account: Option<DemoAccount>,
    /// It offers STARTTLS.
    pub starttls: bool,
    /// The SASL mechanisms it offers, e.g. `PLAIN`, `LOGIN`.
    pub auth_mechanisms: Vec<String>,
    /// Its SIZE limit, in octets.
    pub max_message_size: u64,
    /// The mailbox's cap on messages.
    pub max_messages: u64,
    /// The mailbox's cap on bytes.
    pub max_bytes: u64,
    /// Messages are also written to a Maildir.
    pub maildir: bool,
    /// Who sees which messages.
    pub mailbox_scope: MailboxScope,
    /// The failures it makes on purpose.
    pub rules: Vec<Rule>,
    /// The scenario addresses it answers (`busy@`, `greylist@` ...); empty when they are
    /// turned off.
    pub scenarios: Vec<ScenarioRecord>,
    /// Its rate limit: messages per client address in any minute, past which MAIL gets
    /// `421`; `None` without one.
    pub max_messages_per_minute: Option<u64>,
}

impl Shape for SandboxInfo {
    fn to_json(&self) -> Json {
        let demo = self.demo_account.as_ref().map_or(Json::Null, |d| {
            Object::default()
                .with("user", string(&d.user))
                .with("password", string(&d.password))
                .build()
        });
        Object::default()
            .with("enabled", Json::Bool(self.enabled))
            .with("listen", optional_string(self.listen.as_deref()))
            .with("hostname", string(&self.hostname))
            .with("demo_account", demo)
            .with("starttls", Json::Bool(self.starttls))
            .with("auth_mechanisms", strings(&self.auth_mechanisms))
            .with("max_message_size", Json::number(self.max_message_size))
            .with("max_messages", Json::number(self.max_messages))
            .with("max_bytes", Json::number(self.max_bytes))
            .with("maildir", Json::Bool(self.maildir))
            .with("mailbox_scope", string(self.mailbox_scope.as_str()))
            .with("rules", super::rules::rules_json(&self.rules))
            .with(
                "scenarios",
                Json::Array(self.scenarios.iter().map(Shape::to_json).collect()),
            )
            .with(
                "max_messages_per_minute",
                optional_number(self.max_messages_per_minute),
            )
            .build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "the sandbox")?;
        let demo_account = read_demo(&mut m);
        let mailbox_scope = match m.one_of("mailbox_scope", &MailboxScope::NAMES, "all or visitor")
        {
            Some(1) => MailboxScope::Visitor,
            _ => MailboxScope::All,
        };
        let info = Self {
            enabled: m.flag("enabled"),
            listen: m.optional_string("listen"),
            hostname: m.string("hostname"),
            demo_account,
            starttls: m.flag("starttls"),
            auth_mechanisms: m.strings("auth_mechanisms"),
            max_message_size: m.number("max_message_size"),
            max_messages: m.number("max_messages"),
            max_bytes: m.number("max_bytes"),
            maildir: m.flag("maildir"),
            mailbox_scope,
            rules: read_rules(&mut m),
            scenarios: m.objects("scenarios", scenario::read),
            max_messages_per_minute: m.optional_number("max_messages_per_minute"),
        };
        m.done(info)
    }
}

/// The rules of `/api/sandbox`, read as [`super::rules`] reads them; a list with a rule
/// it cannot read is noted (the rest are kept).
fn read_rules(m: &mut Members) -> Vec<Rule> {
    let items = match m.take("rules") {
        Json::Null => return Vec::new(),
        Json::Array(items) => items,
        _ => {
            m.fail("rules", "a list of rules");
            return Vec::new();
        }
    };
    let mut rules = Vec::with_capacity(items.len());
    for item in items {
        match super::rules::read_rule(item) {
            Ok(rule) => rules.push(rule),
            Err(_) => m.fail("rules", "a list of rules"),
        }
    }
    rules
}

pub mod page;
mod scenario;

pub use scenario::ScenarioRecord;

#[cfg(test)]
mod tests;
