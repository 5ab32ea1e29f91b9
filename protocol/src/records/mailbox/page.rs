//! The parts of the mailbox API the page shows, read without the rest: where the sandbox
//! listens, the list's headlines, a message's text. The full decoders also read the
//! delivery facts, the sandbox's rules and the findings the page never shows, which cost
//! the page about 2.5 KB gzipped more than these readers. As with `wire_decode.rs`, tests
//! keep these readers in step with the full shapes: each reads a full shape's text into
//! exactly the full value's part. The page uses [`Headline`] and [`MessageText`] as its
//! own mailbox types.

use super::{DemoAccount, MailboxScope, MessageDetail, MessageSummary, SandboxInfo};
use crate::records::{Members, ShapeError};

/// The part of [`SandboxInfo`] the page uses: how to reach the sandbox and whose mail the
/// mailbox shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SandboxReach {
    /// [`SandboxInfo::enabled`].
    pub enabled: bool,
    /// [`SandboxInfo::listen`].
    pub listen: Option<String>,
    /// [`SandboxInfo::demo_account`].
    pub demo_account: Option<DemoAccount>,
    /// [`SandboxInfo::mailbox_scope`].
    pub mailbox_scope: MailboxScope,
}

impl From<&SandboxInfo> for SandboxReach {
    fn from(info: &SandboxInfo) -> Self {
        Self {
            enabled: info.enabled,
            listen: info.listen.clone(),
            demo_account: info.demo_account.clone(),
            mailbox_scope: info.mailbox_scope,
        }
    }
}

/// The part of a [`MessageSummary`] a mailbox list shows: who wrote to whom, about what,
/// how much and when.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headline {
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
    /// When it arrived, RFC 3339.
    pub received_at: String,
}

impl From<&MessageSummary> for Headline {
    fn from(m: &MessageSummary) -> Self {
        Self {
            id: m.id,
            from: m.from.clone(),
            to: m.to.clone(),
            subject: m.subject.clone(),
            size: m.size,
            received_at: m.received_at.clone(),
        }
    }
}

/// The part of a [`MessageDetail`] the message view shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageText {
    /// The list entry's headline.
    pub summary: Headline,
    /// The header fields in order: name and unfolded value ([`super::Header`]).
    pub headers: Vec<(String, String)>,
    /// [`MessageDetail::text_body`].
    pub text_body: Option<String>,
    /// [`MessageDetail::raw`] (base64 when the bytes were not UTF-8).
    pub raw: String,
    /// [`MessageSummary::session`]: the recorded session that delivered it.
    pub session: Option<u64>,
}

impl From<&MessageDetail> for MessageText {
    fn from(d: &MessageDetail) -> Self {
        Self {
            summary: Headline::from(&d.summary),
            headers: d
                .headers
                .iter()
                .map(|h| (h.name.clone(), h.value.clone()))
                .collect(),
            text_body: d.text_body.clone(),
            raw: d.raw.clone(),
            session: d.summary.session,
        }
    }
}

/// Reads the page's part of `GET /api/sandbox`.
///
/// # Errors
///
/// When the text is not JSON, is a refusal, or a member read has the wrong type.
pub fn sandbox(text: &str) -> Result<SandboxReach, ShapeError> {
    let mut m = Members::of(super::answer(text)?, "the sandbox")?;
    let demo_account = super::read_demo(&mut m);
    let scope = m.one_of("mailbox_scope", &MailboxScope::NAMES, "all or visitor");
    let reach = SandboxReach {
        enabled: m.flag("enabled"),
        listen: m.optional_string("listen"),
        demo_account,
        mailbox_scope: if scope == Some(1) {
            MailboxScope::Visitor
        } else {
            MailboxScope::All
        },
    };
    m.done(reach)
}

fn headline(m: &mut Members) -> Headline {
    Headline {
        id: m.number("id"),
        from: m.string("from"),
        to: m.strings("to"),
        subject: m.optional_string("subject"),
        size: m.number("size"),
        received_at: m.string("received_at"),
    }
}

/// Reads the headlines of `GET /api/messages`, newest first.
///
/// # Errors
///
/// When the text is not JSON, is a refusal, has no `messages` list, or a member read has
/// the wrong type.
pub fn messages(text: &str) -> Result<Vec<Headline>, ShapeError> {
    let mut m = Members::of(super::answer(text)?, "the mailbox list")?;
    if m.lacks("messages") {
        m.fail("messages", "a list");
    }
    let list = m.objects("messages", headline);
    m.done(list)
}

/// Reads the page's part of `GET /api/messages/{id}`.
///
/// # Errors
///
/// When the text is not JSON, is a refusal, or a member read has the wrong type.
pub fn message(text: &str) -> Result<MessageText, ShapeError> {
    let mut m = Members::of(super::answer(text)?, "a message")?;
    let message = MessageText {
        summary: headline(&mut m),
        headers: m.objects("headers", |h| (h.string("name"), h.string("value"))),
        text_body: m.optional_string("text_body"),
        raw: m.string("raw"),
        session: m.optional_number("session"),
    };
    m.done(message)
}
