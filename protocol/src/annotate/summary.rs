//! A whole session in a few lines: how many messages and recipients the server took, whether
//! TLS and AUTH were used, which errors came back and how the session ended.
//!
//! [`summarize`] reads only what the annotator already decided for each line (its
//! [`LineKind`], what a reply answers, its code and its explanation id), so the summary
//! never disagrees with the lines it sums up.

use super::{AnnotatedLine, Direction, LineKind, tr, tx};
use crate::lang::{Lang, t};

/// What a session came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The server's verdict on each message, in order: its replies to the final dot (or to
    /// BDAT ... LAST).
    pub messages: Vec<MessageOutcome>,
    /// Messages whose final dot has no reply in the lines.
    pub messages_unanswered: usize,
    /// Replies to RCPT that accepted the recipient (2xx).
    pub recipients_accepted: usize,
    /// Replies to RCPT that refused it (anything else).
    pub recipients_refused: usize,
    /// Whether the connection was encrypted.
    pub tls: Tls,
    /// Whether the client authenticated.
    pub auth: AuthOutcome,
    /// Replies with a 4xx code (temporary failures).
    pub temporary_errors: usize,
    /// Replies with a 5xx code (permanent failures).
    pub permanent_errors: usize,
    /// The explanation ids of the 4xx and 5xx replies, each once, in order of appearance.
    pub error_ids: Vec<&'static str>,
    /// How the session ended.
    pub ending: Ending,
}

/// The server's reply to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageOutcome {
    /// The server took responsibility for the message (`message-accepted`, or a 2xx).
    pub accepted: bool,
    /// The reply code.
    pub code: Option<u16>,
    /// The reply's explanation id (`message-accepted`, `spam-rejected` ...).
    pub id: &'static str,
    /// The reply's title, in the language of the lines.
    pub title: String,
}

/// Whether the session was encrypted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tls {
    /// STARTTLS was accepted and the handshake happened.
    StartTls,
    /// The connection was TLS from its first byte (port 465, RFC 8314). The lines of a
    /// session cannot show this, so [`summarize`] never says it; a caller that knows (a
    /// transcript whose first line was already encrypted) sets it.
    Implicit,
    /// No STARTTLS handshake in the session.
    #[default]
    NotUsed,
    /// The lines cannot tell: STARTTLS was accepted but no handshake follows, or the
    /// session has no SMTP lines at all.
    Unknown,
}

impl Tls {
    /// The name in JSON: `starttls`, `implicit`, `not-used`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tls::StartTls => "starttls",
            Tls::Implicit => "implicit",
            Tls::NotUsed => "not-used",
            Tls::Unknown => "unknown",
        }
    }
}

/// Whether the client authenticated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AuthOutcome {
    /// No AUTH, or one that got no verdict.
    #[default]
    None,
    /// The server accepted the credentials (235).
    Ok,
    /// Every attempt was refused (535, a cancelled exchange, a temporary failure ...).
    Failed,
}

impl AuthOutcome {
    /// The name in JSON: `none`, `ok`, `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthOutcome::None => "none",
            AuthOutcome::Ok => "ok",
            AuthOutcome::Failed => "failed",
        }
    }
}

/// How the session ended, judged by its last reply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Ending {
    /// The client said QUIT and the server answered 221.
    Quit,
    /// The server closed the session with a 421 (`service-closing`, `timeout`,
    /// `too-many-errors` ...).
    Closed {
        /// The 421's explanation id.
        id: &'static str,
    },
    /// Neither: the lines stop without a goodbye.
    #[default]
    Neither,
}

impl Ending {
    /// The name in JSON: `quit`, `421`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Ending::Quit => "quit",
            Ending::Closed { .. } => "421",
            Ending::Neither => "none",
        }
    }
}

impl Summary {
    /// Messages whose final dot the lines show: answered or not.
    pub fn messages_sent(&self) -> usize {
        self.messages.len() + self.messages_unanswered
    }

    /// Messages the server accepted.
    pub fn messages_accepted(&self) -> usize {
        self.messages.iter().filter(|m| m.accepted).count()
    }

    /// Messages the server refused.
    pub fn messages_refused(&self) -> usize {
        self.messages.len() - self.messages_accepted()
    }

    /// 4xx and 5xx replies together.
    pub fn errors(&self) -> usize {
        self.temporary_errors + self.permanent_errors
    }

    /// The heading of the summary.
    pub fn heading(lang: Lang) -> &'static str {
        t!("Summary", "会话摘要").get(lang)
    }

    /// The summary as sentences, one per topic (messages, recipients, TLS, AUTH, errors,
    /// ending), each starting with its label.
    pub fn describe(&self, lang: Lang) -> Vec<String> {
        vec![
            self.describe_messages(lang),
            self.describe_recipients(lang),
            self.describe_tls(lang),
            self.describe_auth(lang),
            self.describe_errors(lang),
            self.describe_ending(lang),
        ]
    }

    fn describe_messages(&self, lang: Lang) -> String {
        let sent = self.messages_sent();
        if sent == 0 {
            return tx!(lang, "Messages: none sent", "邮件：未发送");
        }
        let accepted = self.messages_accepted();
        let refused = self.messages_refused();
        let mut out = tr!(
            lang,
            "Messages: {sent} sent, {accepted} accepted, {refused} refused",
            "邮件：发送 {sent} 封，接受 {accepted} 封，拒绝 {refused} 封"
        );
        let unanswered = self.messages_unanswered;
        if unanswered > 0 {
            out.push_str(&tr!(
                lang,
                ", {unanswered} without a reply",
                "，{unanswered} 封没有回复"
            ));
        }
        let titles: Vec<&str> = self
            .messages
            .iter()
            .filter(|m| !m.accepted)
            .map(|m| m.title.as_str())
            .collect();
        if !titles.is_empty() {
            let titles = titles.join(tx!(lang, "; ", "；").as_str());
            out.push_str(&tr!(lang, " ({titles})", "（{titles}）"));
        }
        out
    }

    fn describe_recipients(&self, lang: Lang) -> String {
        let accepted = self.recipients_accepted;
        let refused = self.recipients_refused;
        if accepted + refused == 0 {
            return tx!(lang, "Recipients: none given", "收件人：未指定");
        }
        tr!(
            lang,
            "Recipients: {accepted} accepted, {refused} refused",
            "收件人：接受 {accepted} 个，拒绝 {refused} 个"
        )
    }

    fn describe_tls(&self, lang: Lang) -> String {
        match self.tls {
            Tls::StartTls => tx!(lang, "TLS: on after STARTTLS", "TLS：STARTTLS 之后开启"),
            Tls::Implicit => tx!(
                lang,
                "TLS: on from the first byte (implicit TLS)",
                "TLS：从第一个字节起开启（隐式 TLS）"
            ),
            Tls::NotUsed => tx!(
                lang,
                "TLS: not used (no STARTTLS)",
                "TLS：未使用（没有 STARTTLS）"
            ),
            Tls::Unknown => tx!(lang, "TLS: unknown", "TLS：未知"),
        }
    }

    fn describe_auth(&self, lang: Lang) -> String {
        match self.auth {
            AuthOutcome::None => tx!(lang, "AUTH: not used", "认证（AUTH）：未使用"),
            AuthOutcome::Ok => tx!(lang, "AUTH: succeeded", "认证（AUTH）：成功"),
            AuthOutcome::Failed => tx!(lang, "AUTH: failed", "认证（AUTH）：失败"),
        }
    }

    fn describe_errors(&self, lang: Lang) -> String {
        let total = self.errors();
        if total == 0 {
            return tx!(lang, "Errors: none", "错误：无");
        }
        let temporary = self.temporary_errors;
        let permanent = self.permanent_errors;
        let ids = self.error_ids.join(tx!(lang, ", ", "、").as_str());
        tr!(
            lang,
            "Errors: {total} ({temporary} temporary 4xx, {permanent} permanent 5xx): {ids}",
            "错误：{total} 个（临时 4xx {temporary} 个，永久 5xx {permanent} 个）：{ids}"
        )
    }

    fn describe_ending(&self, lang: Lang) -> String {
        match self.ending {
            Ending::Quit => tx!(
                lang,
                "Ending: QUIT, answered with 221",
                "结束：客户端发送 QUIT，服务器回复 221"
            ),
            Ending::Closed { id } => tr!(
                lang,
                "Ending: the server closed the session with 421 ({id})",
                "结束：服务器以 421 关闭会话（{id}）"
            ),
            Ending::Neither => tx!(
                lang,
                "Ending: no QUIT and no 421: the lines stop here",
                "结束：既没有 QUIT 也没有 421，记录到此为止"
            ),
        }
    }
}

/// Sums up a session from its annotated lines; see the module documentation.
pub fn summarize(lines: &[AnnotatedLine]) -> Summary {
    let mut summary = Summary::default();
    let mut dots_waiting = 0usize;
    let mut tls_started = false;
    let mut starttls_accepted = false;
    let mut smtp_seen = false;
    let mut auth_ok = false;
    let mut auth_failed = false;
    let mut last_reply: Option<&AnnotatedLine> = None;
    for line in lines {
        if line.direction != Direction::Note {
            smtp_seen = true;
        }
        match line.kind {
            LineKind::Note if line.annotation.id == "tls-started" => tls_started = true,
            LineKind::EndOfData => dots_waiting += 1,
            LineKind::Reply => {}
            _ => continue,
        }
        if line.kind != LineKind::Reply {
            continue;
        }
        last_reply = Some(line);
        let id = line.annotation.id;
        let class = line.code.map(|c| c / 100);
        let success = class == Some(2);
        if matches!(class, Some(4 | 5)) {
            if class == Some(4) {
                summary.temporary_errors += 1;
            } else {
                summary.permanent_errors += 1;
            }
            if !summary.error_ids.contains(&id) {
                summary.error_ids.push(id);
            }
        }
        match line.answers {
            Some("end-of-data") => {
                dots_waiting = dots_waiting.saturating_sub(1);
                summary.messages.push(MessageOutcome {
                    accepted: id == "message-accepted" || success,
                    code: line.code,
                    id,
                    title: line.annotation.title.clone(),
                });
            }
            Some("RCPT") if success => summary.recipients_accepted += 1,
            Some("RCPT") => summary.recipients_refused += 1,
            Some("STARTTLS") if line.code == Some(220) => starttls_accepted = true,
            Some("AUTH" | "auth-answer") => {
                if id == "auth-ok" || line.code == Some(235) {
                    auth_ok = true;
                } else if id == "auth-failed" || matches!(class, Some(4 | 5)) {
                    auth_failed = true;
                }
            }
            _ => {}
        }
    }
    summary.messages_unanswered = dots_waiting;
    summary.tls = if tls_started {
        Tls::StartTls
    } else if starttls_accepted || !smtp_seen {
        Tls::Unknown
    } else {
        Tls::NotUsed
    };
    summary.auth = if auth_ok {
        AuthOutcome::Ok
    } else if auth_failed {
        AuthOutcome::Failed
    } else {
        AuthOutcome::None
    };
    summary.ending = match last_reply {
        Some(l) if l.code == Some(221) && l.answers == Some("QUIT") => Ending::Quit,
        Some(l) if l.code == Some(421) => Ending::Closed {
            id: l.annotation.id,
        },
        _ => Ending::Neither,
    };
    summary
}
