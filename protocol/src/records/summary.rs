//! The session summary record: the last object of `smtp-playground annotate --format json`
//! (with `"type":"summary"` first), after one [`LineRecord`](super::LineRecord) per line.
//!
//! # Layout
//!
//! ```text
//! messages     {"sent","accepted","refused","unanswered",
//!               "replies":[{"accepted","code","id","title"}]}: the server's verdict on
//!               each message (its reply to the final dot)
//! recipients   {"accepted","refused"}: replies to RCPT
//! tls          "starttls", "implicit" or "not-used"
//! auth         "succeeded", "failed" or "none"
//! errors       {"total","temporary","permanent","ids"}: 4xx and 5xx replies, their
//!              explanation ids each once
//! ending       "quit", "421" or "none"
//! ending_id    the 421's explanation id, else null
//! heading      "Summary" in the language asked for
//! text         the summary as sentences, one per topic
//! ```

use super::{Members, Object, Shape, ShapeError, optional_number, optional_string, string};
use crate::annotate::{Ending, Summary};
use crate::json::Json;
use crate::lang::Lang;

/// The server's reply to one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageReply {
    /// The server took responsibility for the message.
    pub accepted: bool,
    /// The reply code.
    pub code: Option<u16>,
    /// The reply's explanation id.
    pub id: String,
    /// The reply's title.
    pub title: String,
}

/// A whole annotated session in numbers and sentences.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryRecord {
    /// Messages whose final dot the lines show.
    pub sent: u64,
    /// Messages the server accepted.
    pub accepted: u64,
    /// Messages the server refused.
    pub refused: u64,
    /// Messages whose final dot has no reply in the lines.
    pub unanswered: u64,
    /// The replies to each message, in order.
    pub replies: Vec<MessageReply>,
    /// Recipients accepted.
    pub recipients_accepted: u64,
    /// Recipients refused.
    pub recipients_refused: u64,
    /// `starttls`, `implicit` or `not-used`.
    pub tls: String,
    /// `succeeded`, `failed` or `none`.
    pub auth: String,
    /// 4xx and 5xx replies together.
    pub errors: u64,
    /// 4xx replies.
    pub temporary_errors: u64,
    /// 5xx replies.
    pub permanent_errors: u64,
    /// Their explanation ids, each once, in order of appearance.
    pub error_ids: Vec<String>,
    /// `quit`, `421` or `none`.
    pub ending: String,
    /// The 421's explanation id.
    pub ending_id: Option<String>,
    /// The heading, in the language asked for.
    pub heading: String,
    /// The sentences.
    pub text: Vec<String>,
}

impl SummaryRecord {
    /// The record of `summary`, its words in `lang`.
    pub fn new(summary: &Summary, lang: Lang) -> Self {
        Self {
            sent: summary.messages_sent() as u64,
            accepted: summary.messages_accepted() as u64,
            refused: summary.messages_refused() as u64,
            unanswered: summary.messages_unanswered as u64,
            replies: summary
                .messages
                .iter()
                .map(|m| MessageReply {
                    accepted: m.accepted,
                    code: m.code,
                    id: m.id.to_owned(),
                    title: m.title.clone(),
                })
                .collect(),
            recipients_accepted: summary.recipients_accepted as u64,
            recipients_refused: summary.recipients_refused as u64,
            tls: summary.tls.as_str().to_owned(),
            auth: summary.auth.as_str().to_owned(),
            errors: summary.errors() as u64,
            temporary_errors: summary.temporary_errors as u64,
            permanent_errors: summary.permanent_errors as u64,
            error_ids: summary.error_ids.iter().map(|&id| id.to_owned()).collect(),
            ending: summary.ending.as_str().to_owned(),
            ending_id: match summary.ending {
                Ending::Closed { id } => Some(id.to_owned()),
                Ending::Quit | Ending::Neither => None,
            },
            heading: Summary::heading(lang).to_owned(),
            text: summary.describe(lang),
        }
    }
}

impl Shape for SummaryRecord {
    fn to_json(&self) -> Json {
        let replies = self
            .replies
            .iter()
            .map(|r| {
                Object::default()
                    .with("accepted", Json::Bool(r.accepted))
                    .with("code", optional_number(r.code.map(u64::from)))
                    .with("id", string(&r.id))
                    .with("title", string(&r.title))
                    .build()
            })
            .collect();
        Object::default()
            .with(
                "messages",
                Object::default()
                    .with("sent", Json::number(self.sent))
                    .with("accepted", Json::number(self.accepted))
                    .with("refused", Json::number(self.refused))
                    .with("unanswered", Json::number(self.unanswered))
                    .with("replies", Json::Array(replies))
                    .build(),
            )
            .with(
                "recipients",
                Object::default()
                    .with("accepted", Json::number(self.recipients_accepted))
                    .with("refused", Json::number(self.recipients_refused))
                    .build(),
            )
            .with("tls", string(&self.tls))
            .with("auth", string(&self.auth))
            .with(
                "errors",
                Object::default()
                    .with("total", Json::number(self.errors))
                    .with("temporary", Json::number(self.temporary_errors))
                    .with("permanent", Json::number(self.permanent_errors))
                    .with("ids", super::strings(&self.error_ids))
                    .build(),
            )
            .with("ending", string(&self.ending))
            .with("ending_id", optional_string(self.ending_id.as_deref()))
            .with("heading", string(&self.heading))
            .with("text", super::strings(&self.text))
            .build()
    }

    fn from_json(value: Json) -> Result<Self, ShapeError> {
        let mut m = Members::of(value, "the summary")?;
        let (sent, accepted, refused, unanswered, replies) = m.object("messages", |n| {
            (
                n.number("sent"),
                n.number("accepted"),
                n.number("refused"),
                n.number("unanswered"),
                n.objects("replies", |r| MessageReply {
                    accepted: r.flag("accepted"),
                    code: r.optional_u16("code"),
                    id: r.string("id"),
                    title: r.string("title"),
                }),
            )
        });
        let (recipients_accepted, recipients_refused) = m.object("recipients", |n| {
            (n.number("accepted"), n.number("refused"))
        });
        let (errors, temporary_errors, permanent_errors, error_ids) = m.object("errors", |n| {
            (
                n.number("total"),
                n.number("temporary"),
                n.number("permanent"),
                n.strings("ids"),
            )
        });
        let record = Self {
            sent,
            accepted,
            refused,
            unanswered,
            replies,
            recipients_accepted,
            recipients_refused,
            tls: m.string("tls"),
            auth: m.string("auth"),
            errors,
            temporary_errors,
            permanent_errors,
            error_ids,
            ending: m.string("ending"),
            ending_id: m.optional_string("ending_id"),
            heading: m.string("heading"),
            text: m.strings("text"),
        };
        m.done(record)
    }
}

#[cfg(test)]
mod tests;
