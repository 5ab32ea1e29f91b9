//! The sandbox's session recorder API: every SMTP conversation the sandbox had, as an
//! annotated transcript. The bridge encodes these (`bridge::sandbox::sessions`, which
//! documents each endpoint); the page and the tests decode them.
//!
//! ```text
//! GET /api/sessions        SessionList    {"sessions":[SESSION...],"count":..,"bytes":..,
//!                                          "max_sessions":..,"max_bytes":..,"more":..}
//! GET /api/sessions/{id}   SessionDetail  SESSION plus "lines":[LINE...],
//!                                          "outcome":{"en":SUMMARY,"zh":SUMMARY}
//! DELETE /api/sessions     Deleted        {"deleted":3} (records::mailbox::Deleted)
//! GET /api/events          event `session`: a SESSION, new or changed
//! ```
//!
//! SESSION ([`SessionSummary`]) is
//!
//! ```text
//! id              the session's id, for /api/sessions/{id}
//! started_at      when the client connected, RFC 3339 UTC
//! ended_at        when the connection closed; null while it is open
//! peer            the client's address, e.g. "127.0.0.1:50000"
//! from_page       the session came through the bridge's relay for a known visitor (the
//!                 page's terminal in the `public` profile; false in `local`, which does
//!                 not tell its visitors apart)
//! helo            the name in the last HELO or EHLO; null before one
//! tls             the connection was encrypted when it ended (or is now)
//! authenticated_as the AUTH identity; null when the client did not log in
//! line_count      lines recorded (client, server and notes)
//! lines_omitted   lines not recorded: message text past the kept part, or past the
//!                 session's own cap
//! bytes           what the session counts against the store's byte cap
//! messages        ids of the messages it delivered (/api/messages/{id}), oldest first;
//!                 at most the last MAX_LINKED
//! delivered       how many messages it delivered in all
//! ending          open, quit, client-closed, timeout, too-long, server-closed, dropped,
//!                 tls-failed, shutdown, write-failed (unknown for a newer bridge's word)
//! last_error      the last line of the last 4xx or 5xx reply; null when none
//! ```
//!
//! LINE ([`SessionLine`]) is one recorded line annotated in both languages:
//! `{"en": LINE_RECORD, "zh": LINE_RECORD, "starts_reply": .., "auth": .., "message": ..}`,
//! where each LINE_RECORD is a [`LineRecord`] (the shape `annotate --format json` writes,
//! with `line` the 1-based line number in the session and `at_ms` the milliseconds since
//! the connection was accepted). `starts_reply` says the server line opens a reply,
//! `auth` that the client had logged in when the line passed, `message` the id of the
//! message a reply accepted (the `250` to the final dot), else null.
//!
//! `outcome` is the session summed up by [`SummaryRecord`] in each language (`null` in a
//! language that was not asked for).

use super::{
    LineRecord, Members, Object, Shape, ShapeError, SummaryRecord, optional_number,
    optional_string, string,
};
use crate::json::Json;
use crate::lang::{Lang, Text, t};

/// How many message ids one session lists; a session that delivered more keeps the
/// newest (the mailbox will have dropped the older ones long before).
pub const MAX_LINKED: usize = 100;

/// How a session ended, as far as the sandbox saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SessionEnding {
    /// It has not: the client is still connected.
    #[default]
    Open,
    /// The client said QUIT and the server answered 221.
    Quit,
    /// The client closed the connection without QUIT (it hung up).
    ClientClosed,
    /// The client said nothing for too long; the server sent 421 and closed.
    Timeout,
    /// The session lasted longer than the sandbox allows; 421 and closed.
    TooLong,
    /// The server closed the session with a reply (421 after too many errors, a rule).
    ServerClosed,
    /// The server hung up without a reply (a failure rule dropped the connection).
    Dropped,
    /// The TLS handshake after STARTTLS failed.
    TlsFailed,
    /// The bridge was stopping; 421 and closed.
    ShuttingDown,
    /// The client stopped reading or the connection broke while the server wrote.
    WriteFailed,
    /// A word a newer bridge wrote that this version does not know.
    Unknown,
}

impl SessionEnding {
    const ALL: [SessionEnding; 11] = [
        Self::Open,
        Self::Quit,
        Self::ClientClosed,
        Self::Timeout,
        Self::TooLong,
        Self::ServerClosed,
        Self::Dropped,
        Self::TlsFailed,
        Self::ShuttingDown,
        Self::WriteFailed,
        Self::Unknown,
    ];

    /// The name in JSON: `open`, `quit`, `client-closed`, `timeout`, `too-long`,
    /// `server-closed`, `dropped`, `tls-failed`, `shutdown`, `write-failed`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Quit => "quit",
            Self::ClientClosed => "client-closed",
            Self::Timeout => "timeout",
            Self::TooLong => "too-long",
            Self::ServerClosed => "server-closed",
            Self::Dropped => "dropped",
            Self::TlsFailed => "tls-failed",
            Self::ShuttingDown => "shutdown",
            Self::WriteFailed => "write-failed",
            Self::Unknown => "unknown",
        }
    }

    /// The ending named `name`; [`SessionEnding::Unknown`] for a name this version does
    /// not know.
    pub fn from_name(name: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|e| e.as_str() == name)
            .unwrap_or(Self::Unknown)
    }

    /// Whether the connection is closed.
    pub fn is_closed(self) -> bool {
        self != Self::Open
    }

    /// The ending for a person, in both languages.
    pub fn text(self) -> Text {
        match self {
            Self::Open => t!("still connected", "仍在连接中"),
            Self::Quit => t!("the client said QUIT", "客户端发送了 QUIT"),
            Self::ClientClosed => t!(
                "the client hung up without QUIT",
                "客户端未发送 QUIT 就断开了连接"
            ),
            Self::Timeout => t!(
                "the client was idle too long (421)",
                "客户端空闲太久（421）"
            ),
            Self::TooLong => t!(
                "the session lasted too long (421)",
                "会话持续时间过长（421）"
            ),
            Self::ServerClosed => t!(
                "the server closed it with a reply",
                "服务器回复后关闭了连接"
            ),
            Self::Dropped => t!(
                "the server hung up without a reply (a failure rule)",
                "服务器未回复就断开了连接（故障规则）"
            ),
            Self::TlsFailed => t!("the TLS handshake failed", "TLS 握手失败"),
            Self::ShuttingDown => t!("the bridge was stopping (421)", "桥接程序正在停止（421）"),
            Self::WriteFailed => t!(
                "the client stopped reading, or the connection broke",
                "客户端不再读取，或连接中断"
            ),
            Self::Unknown => t!("ended", "已结束"),
        }
    }
}

/// One session in the list (SESSION).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionSummary {
    /// The session's id, for `/api/sessions/{id}`.
    pub id: u64,
    /// When the client connected: RFC 3339 in UTC.
    pub started_at: String,
    /// When the connection closed; `None` while it is open.
    pub ended_at: Option<String>,
    /// The client's address, e.g. `127.0.0.1:50000`.
    pub peer: Option<String>,
    /// The session came through the bridge's relay for a known visitor (the `public`
    /// profile's page; always false in `local`).
    pub from_page: bool,
    /// The name in the last HELO or EHLO.
    pub helo: Option<String>,
    /// The connection was encrypted when it ended (or is now).
    pub tls: bool,
    /// The AUTH identity, if the client logged in.
    pub authenticated_as: Option<String>,
    /// Lines recorded.
    pub line_count: u64,
    /// Lines not recorded (message text past the kept part, or past the session's cap).
    pub lines_omitted: u64,
    /// What the session counts against the store's byte cap.
    pub bytes: u64,
    /// Ids of the messages it delivered, oldest first; at most the last [`MAX_LINKED`].
    pub messages: Vec<u64>,
    /// How many messages it delivered in all.
    pub delivered: u64,
    /// How it ended.
    pub ending: SessionEnding,
    /// The last line of the last 4xx or 5xx reply.
    pub last_error: Option<String>,
}

impl SessionSummary {
    fn members(&self) -> Object {
        Object::default()
            .with("id", Json::number(self.id))
            .with("started_at", string(&self.started_at))
            .with("ended_at", optional_string(self.ended_at.as_deref()))
            .with("peer", optional_string(self.peer.as_deref()))
            .with("from_page", Json::Bool(self.from_page))
            .with("helo", optional_string(self.helo.as_deref()))
            .with("tls", Json::Bool(self.tls))
            .with(
                "authenticated_as",
                optional_string(self.authenticated_as.as_deref()),
            )
            .with("line_count", Json::number(self.line_count))
            .with("lines_omitted", Json::number(self.lines_omitted))
            .with("bytes", Json::number(self.bytes))
            .with(
                "messages",
                Json::Array(self.messages.iter().map(|&id| Json::number(id)).collect()),
            )
            .with("delivered", Json::number(self.delivered))
            .with("ending", string(self.ending.as_str()))
            .with("last_error", optional_string(self.last_error.as_deref()))
    }

    fn read(m: &mut Members) -> Self {
        let ending = m
            .optional_string("ending")
            .map_or(SessionEnding::Open, |name| SessionEnding::from_name(&name));
        Self {
            id: m.number("id"),
            started_at: m.string("started_at"),
            ended_at: m.optional_string("ended_at"),
            peer: m.optional_string("peer"),
            from_page: m.flag("from_page"),
            helo: m.optional_string("helo"),
            tls: m.flag("tls"),
            authenticated_as: m.optional_string("authenticated_as"),
            line_count: m.number("line_count"),
            lines_omitted: m.number("lines_omitted"),
            bytes: m.number("bytes"),
            messages: ids(m, "messages"),
            delivered: m.number("delivered"),
            ending,
            last_error: m.optional_string("last_error"),
        }
    }
}

/// A list of whole numbers; items that are not are left out, and noted.
fn ids(m: &mut Members, name: &'static str) -> Vec<u64> {
    let items = match m.take(name) {
        Json::Null => Vec::new(),
        Json::Array(items) => items,
        _ => {
            m.fail(name, "a list of numbers");
            Vec::new()
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item.as_u64() {
            Some(id) => out.push(id),
            None => m.fail(name, "a list of numbers"),
        }
    }
    out
}

impl Shape for SessionSummary {
    fn to_json(&self) -> Json {
        self.members().build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "a session")?;
        let summary = Self::read(&mut m);
        m.done(summary)
    }
}

/// `GET /api/sessions`: the recorded sessions (in the `public` profile, the visitor's),
/// newest first, one page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionList {
    /// The sessions on this page, newest first.
    pub sessions: Vec<SessionSummary>,
    /// How many sessions this request sees in all.
    pub count: u64,
    /// Their bytes, as the store counts them against its cap.
    pub bytes: u64,
    /// The whole store's cap on sessions.
    pub max_sessions: u64,
    /// The whole store's cap on bytes.
    pub max_bytes: u64,
    /// Older sessions follow: ask again with `before` = the last id of this page.
    pub more: bool,
}

impl Shape for SessionList {
    fn to_json(&self) -> Json {
        Object::default()
            .with(
                "sessions",
                Json::Array(self.sessions.iter().map(Shape::to_json).collect()),
            )
            .with("count", Json::number(self.count))
            .with("bytes", Json::number(self.bytes))
            .with("max_sessions", Json::number(self.max_sessions))
            .with("max_bytes", Json::number(self.max_bytes))
            .with("more", Json::Bool(self.more))
            .build()
    }

    /// The `sessions` member is required: without it, the text is not a session list.
    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "the session list")?;
        if m.lacks("sessions") {
            m.fail("sessions", "a list");
        }
        let list = Self {
            sessions: m.objects("sessions", SessionSummary::read),
            count: m.number("count"),
            bytes: m.number("bytes"),
            max_sessions: m.number("max_sessions"),
            max_bytes: m.number("max_bytes"),
            more: m.flag("more"),
        };
        m.done(list)
    }
}

/// One recorded line, annotated in both languages (LINE).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionLine {
    /// The line explained in English.
    pub en: Option<LineRecord>,
    /// The line explained in Chinese.
    pub zh: Option<LineRecord>,
    /// A server line that opens a reply (a one-line reply, or the first line of a
    /// multi-line one).
    pub starts_reply: bool,
    /// The client had logged in (AUTH) when the line passed.
    pub auth: bool,
    /// The id of the message this reply accepted (the `250` to the final dot).
    pub message: Option<u64>,
}

impl SessionLine {
    /// The record in `lang`, or the other language's when only that one was asked for.
    pub fn record(&self, lang: Lang) -> Option<&LineRecord> {
        let (first, second) = match lang {
            Lang::En => (&self.en, &self.zh),
            Lang::ZhCn => (&self.zh, &self.en),
        };
        first.as_ref().or(second.as_ref())
    }

    pub(crate) fn to_json(&self) -> Json {
        let record = |r: &Option<LineRecord>| r.as_ref().map_or(Json::Null, Shape::to_json);
        Object::default()
            .with("en", record(&self.en))
            .with("zh", record(&self.zh))
            .with("starts_reply", Json::Bool(self.starts_reply))
            .with("auth", Json::Bool(self.auth))
            .with("message", optional_number(self.message))
            .build()
    }

    pub(crate) fn read(m: &mut Members) -> Self {
        Self {
            en: line_record(m, "en"),
            zh: line_record(m, "zh"),
            starts_reply: m.flag("starts_reply"),
            auth: m.flag("auth"),
            message: m.optional_number("message"),
        }
    }
}

/// The [`LineRecord`] member `name`, `None` when absent; noted when it is not one.
fn line_record(m: &mut Members, name: &'static str) -> Option<LineRecord> {
    match m.take(name) {
        Json::Null => None,
        value => match LineRecord::from_json(value) {
            Ok(record) => Some(record),
            Err(_) => {
                m.fail(name, "an annotated line");
                None
            }
        },
    }
}

/// The [`SummaryRecord`] member `name`, `None` when absent; noted when it is not one.
fn summary_record(m: &mut Members, name: &'static str) -> Option<SummaryRecord> {
    match m.take(name) {
        Json::Null => None,
        value => match SummaryRecord::from_json(value) {
            Ok(record) => Some(record),
            Err(_) => {
                m.fail(name, "a session summary");
                None
            }
        },
    }
}

/// `GET /api/sessions/{id}`: one session with every recorded line explained.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionDetail {
    /// The list entry; its members sit at the top level of the object.
    pub summary: SessionSummary,
    /// The recorded lines in order, each annotated.
    pub lines: Vec<SessionLine>,
    /// The session summed up, in English.
    pub outcome_en: Option<SummaryRecord>,
    /// The session summed up, in Chinese.
    pub outcome_zh: Option<SummaryRecord>,
}

impl Shape for SessionDetail {
    fn to_json(&self) -> Json {
        let outcome = |r: &Option<SummaryRecord>| r.as_ref().map_or(Json::Null, Shape::to_json);
        self.summary
            .members()
            .with(
                "lines",
                Json::Array(self.lines.iter().map(SessionLine::to_json).collect()),
            )
            .with(
                "outcome",
                Object::default()
                    .with("en", outcome(&self.outcome_en))
                    .with("zh", outcome(&self.outcome_zh))
                    .build(),
            )
            .build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "a session")?;
        let summary = SessionSummary::read(&mut m);
        let lines = m.objects("lines", SessionLine::read);
        let (outcome_en, outcome_zh) = m.object("outcome", |o| {
            (summary_record(o, "en"), summary_record(o, "zh"))
        });
        let detail = Self {
            summary,
            lines,
            outcome_en,
            outcome_zh,
        };
        m.done(detail)
    }
}

#[cfg(test)]
mod tests;
