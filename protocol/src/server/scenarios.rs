//! Scenarios by address: the table of recipient local parts that make the sandbox fail on
//! purpose, with no configuration, defined once here for the server session, the bridge's
//! `/api/sandbox` and the page.
//!
//! The local part alone decides, for any domain and in any case: `busy@example.com`,
//! `BUSY@x.test` and `busy@sandbox.smtp-playground.test` all act alike. A `+detail`
//! subaddress picks a variant or a number: `greylist+5@x` greylists for 5 seconds,
//! `slow+250@x` waits 250 ms before each later reply, `full+permanent@x` is the permanent
//! mailbox-full refusal. A detail that does not fit (`greylist+soon@x`) is ignored, as a
//! real server delivers `user+anything` to `user`.
//!
//! Each reply is what a real server says in that situation (Postfix's words where Postfix
//! has them, Dovecot's for quota, postgrey's for greylisting), with the RFC 3463 enhanced
//! code that fits, so a client meets here exactly what it will meet in the wild.

use crate::lang::Text;
use crate::lang::t;

/// Which scenario an entry of [`SCENARIOS`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScenarioKind {
    /// `busy@`: `450 4.2.1` at RCPT, every time.
    Busy,
    /// `greylist@`: `451 4.7.1` at RCPT until the (client, sender, recipient) triplet was
    /// first seen long enough ago (RFC 6647).
    Greylist,
    /// `missing@`: `550 5.1.1` user unknown at RCPT.
    Missing,
    /// `full@`: `452 4.2.2` mailbox full (temporary) at RCPT.
    Full,
    /// `full+permanent@`: `552 5.2.2` mailbox full (permanent) at RCPT.
    FullPermanent,
    /// `spam@`: accepted at RCPT, then `554 5.7.1` after the final dot; nothing is stored.
    Spam,
    /// `slow@`: accepted; from the reply to its RCPT on, every reply comes after a delay.
    Slow,
    /// `drop@`: accepted; the connection is closed once the message text starts to arrive.
    Drop,
    /// `bounce@`: accepted with 250, then an RFC 3464 delivery status notification goes
    /// back to the sender.
    Bounce,
    /// `relay@`: `554 5.7.1 Relay access denied` at RCPT, as from a server that does not
    /// relay.
    Relay,
}

/// When a scenario acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScenarioStage {
    /// The reply to `RCPT TO`.
    Rcpt,
    /// While the message text arrives (after `354`).
    Data,
    /// The reply to the final dot (or `BDAT ... LAST`).
    EndOfData,
    /// Every reply from the one to the `RCPT TO` that named it on.
    LaterReplies,
}

impl ScenarioStage {
    const NAMES: [&str; 4] = ["rcpt", "data", "end_of_data", "later_replies"];

    /// `rcpt`, `data`, `end_of_data` or `later_replies`, the name in `/api/sandbox`.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The stage for one of the names of [`Self::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Rcpt, Self::Data, Self::EndOfData, Self::LaterReplies]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// What a client should do about the scenario's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A temporary failure: keep the message and try again later.
    RetryLater,
    /// A permanent failure: do not send the same again; tell the sender.
    GiveUp,
    /// The server accepted: the client has nothing to redo (what follows is the lesson).
    Accepted,
}

impl Verdict {
    const NAMES: [&str; 3] = ["retry_later", "give_up", "accepted"];

    /// `retry_later`, `give_up` or `accepted`, the name in `/api/sandbox`.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The verdict for one of the names of [`Self::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::RetryLater, Self::GiveUp, Self::Accepted]
            .into_iter()
            .find(|v| v.as_str() == name)
    }
}

/// A number a `+detail` may give, such as greylist's seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parameter {
    /// How the table writes it: `SECONDS`, `MS`.
    pub name: &'static str,
    /// The value without a detail.
    pub default: u64,
    /// The smallest value a detail may give (smaller ones are raised to it).
    pub min: u64,
    /// The largest value a detail may give (larger ones are lowered to it).
    pub max: u64,
}

/// One scenario: its address, when it acts, and what it teaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Which scenario.
    pub kind: ScenarioKind,
    /// The local part that selects it, lower case: `busy`, `full+permanent`.
    pub local_part: &'static str,
    /// The number a `+detail` sets, if any.
    pub parameter: Option<Parameter>,
    /// When it acts.
    pub stage: ScenarioStage,
    /// What a client should do.
    pub verdict: Verdict,
    /// What it shows: the situation a real server is in when it answers so.
    pub shows: Text,
    /// What a client should do, in a sentence.
    pub advice: Text,
}

/// The greylisting delay without a `+SECONDS` detail: postgrey waits 300 s; a lab wants
/// to see the retry succeed within a minute.
pub const GREYLIST_DEFAULT_SECONDS: u64 = 60;

/// The longest greylisting delay a detail may ask for (one hour).
pub const GREYLIST_MAX_SECONDS: u64 = 3600;

/// The delay of `slow@` without a `+MS` detail.
pub const SLOW_DEFAULT_MS: u64 = 3000;

/// The longest delay `slow+MS@` may ask for: a minute, well inside the five minutes
/// RFC 5321 4.5.3.2 tells clients to wait for most replies.
pub const SLOW_MAX_MS: u64 = 60_000;

/// Every scenario, in the order the page lists them.
pub const SCENARIOS: &[Entry] = &[
    Entry {
        kind: ScenarioKind::Busy,
        local_part: "busy",
        parameter: None,
        stage: ScenarioStage::Rcpt,
        verdict: Verdict::RetryLater,
        shows: t!(
            "A mailbox that cannot take mail right now (busy or locked): 450 with 4.2.1, at RCPT, every time.",
            "一个暂时无法收信（忙碌或被锁定）的邮箱：在 RCPT 时回复 450 和 4.2.1，每次都如此。"
        ),
        advice: t!(
            "Temporary: keep the message in the queue and retry this recipient later; deliver to the other recipients now.",
            "临时性错误：把邮件留在队列里，稍后对这个收件人重试；其他收件人现在照常投递。"
        ),
    },
    Entry {
        kind: ScenarioKind::Greylist,
        local_part: "greylist",
        parameter: Some(Parameter {
            name: "SECONDS",
            default: GREYLIST_DEFAULT_SECONDS,
            min: 1,
            max: GREYLIST_MAX_SECONDS,
        }),
        stage: ScenarioStage::Rcpt,
        verdict: Verdict::RetryLater,
        shows: t!(
            "Greylisting (RFC 6647): the first attempt from a new (client address, sender, recipient) triplet gets 451 4.7.1; a retry after the delay (60 s, or greylist+SECONDS@) is accepted; a retry too early is refused again with the seconds left.",
            "灰名单（RFC 6647）：一个新的（客户端地址、发件人、收件人）三元组第一次尝试会得到 451 4.7.1；等待延迟（60 秒，或用 greylist+秒数@ 指定）之后重试即被接受；过早重试会再次被拒，并告知剩余秒数。"
        ),
        advice: t!(
            "Temporary: retry later from the same address with the same sender, as a mail server's queue does; do not treat it as a failure.",
            "临时性错误：稍后从同一地址、用同一发件人重试，正如邮件服务器的队列那样；不要把它当作失败。"
        ),
    },
    Entry {
        kind: ScenarioKind::Missing,
        local_part: "missing",
        parameter: None,
        stage: ScenarioStage::Rcpt,
        verdict: Verdict::GiveUp,
        shows: t!(
            "A recipient that does not exist: 550 5.1.1 user unknown at RCPT, in Postfix's words.",
            "一个不存在的收件人：在 RCPT 时回复 550 5.1.1 用户不存在，措辞与 Postfix 相同。"
        ),
        advice: t!(
            "Permanent: do not retry; remove or correct the address and tell the sender.",
            "永久性错误：不要重试；删除或更正这个地址，并告知发件人。"
        ),
    },
    Entry {
        kind: ScenarioKind::Full,
        local_part: "full",
        parameter: None,
        stage: ScenarioStage::Rcpt,
        verdict: Verdict::RetryLater,
        shows: t!(
            "A mailbox over its quota, as a temporary condition: 452 4.2.2 at RCPT (Dovecot's words).",
            "一个超出配额的邮箱，作为临时状况：在 RCPT 时回复 452 4.2.2（Dovecot 的措辞）。"
        ),
        advice: t!(
            "Temporary: retry later; the recipient may make room. Give up only when the queue lifetime ends.",
            "临时性错误：稍后重试，收件人可能会清理出空间。只有在队列保留期满后才放弃。"
        ),
    },
    Entry {
        kind: ScenarioKind::FullPermanent,
        local_part: "full+permanent",
        parameter: None,
        stage: ScenarioStage::Rcpt,
        verdict: Verdict::GiveUp,
        shows: t!(
            "The same mailbox over quota, refused permanently: 552 5.2.2 at RCPT.",
            "同一个超出配额的邮箱，被永久拒绝：在 RCPT 时回复 552 5.2.2。"
        ),
        advice: t!(
            "Permanent: do not retry; tell the sender the recipient's mailbox is full.",
            "永久性错误：不要重试；告知发件人收件人的邮箱已满。"
        ),
    },
    Entry {
        kind: ScenarioKind::Spam,
        local_part: "spam",
        parameter: None,
        stage: ScenarioStage::EndOfData,
        verdict: Verdict::GiveUp,
        shows: t!(
            "A content filter: RCPT is accepted, the whole message is read, then the final dot gets 554 5.7.1 and nothing is stored, for any recipient.",
            "一个内容过滤器：RCPT 被接受，整封邮件被读完，然后对结束的点回复 554 5.7.1，任何收件人都收不到，什么也不保存。"
        ),
        advice: t!(
            "Permanent: do not resend the same message; change its content (headers, links, sender) or ask the recipient's administrator.",
            "永久性错误：不要原样重发；修改邮件内容（邮件头、链接、发件人），或联系收件方管理员。"
        ),
    },
    Entry {
        kind: ScenarioKind::Slow,
        local_part: "slow",
        parameter: Some(Parameter {
            name: "MS",
            default: SLOW_DEFAULT_MS,
            min: 0,
            max: SLOW_MAX_MS,
        }),
        stage: ScenarioStage::LaterReplies,
        verdict: Verdict::Accepted,
        shows: t!(
            "A slow server: from the reply to this RCPT on, every reply of the session (354, the final 250, QUIT's 221) comes after a delay (3 s, or slow+MS@, at most 60 s). The recipient is accepted.",
            "一个很慢的服务器：从对这条 RCPT 的回复开始，本会话的每个回复（354、最后的 250、QUIT 的 221）都会延迟（3 秒，或用 slow+毫秒数@ 指定，最多 60 秒）。收件人会被接受。"
        ),
        advice: t!(
            "Nothing failed: wait for the reply. RFC 5321 4.5.3.2 gives servers minutes per reply; a client timeout shorter than that loses mail.",
            "没有出错：等待回复即可。RFC 5321 4.5.3.2 允许服务器每个回复花上几分钟；客户端超时设得比这更短就会丢信。"
        ),
    },
    Entry {
        kind: ScenarioKind::Drop,
        local_part: "drop",
        parameter: None,
        stage: ScenarioStage::Data,
        verdict: Verdict::RetryLater,
        shows: t!(
            "A connection lost mid-transfer: RCPT and DATA are accepted, then the server hangs up once the first lines of text arrive, without a reply. Nothing is stored.",
            "传输中途断开的连接：RCPT 和 DATA 都被接受，收到最初几行正文后服务器直接挂断，不给回复。什么也不保存。"
        ),
        advice: t!(
            "No final reply means not delivered: keep the message and send the whole of it again later, on a new connection.",
            "没有最终回复就意味着没有投递：保留邮件，稍后在新连接上完整重发。"
        ),
    },
    Entry {
        kind: ScenarioKind::Bounce,
        local_part: "bounce",
        parameter: None,
        stage: ScenarioStage::EndOfData,
        verdict: Verdict::Accepted,
        shows: t!(
            "A failure after acceptance: the message gets 250, then delivery to this recipient fails and a delivery status notification (RFC 3464, from MAILER-DAEMON, null sender) arrives in the sandbox mailbox for the MAIL FROM address. Other recipients get the message; a null sender gets no notification.",
            "接受之后的失败：邮件得到 250，随后投递给这个收件人失败，一封投递状态通知（RFC 3464，来自 MAILER-DAEMON，空发件人）发到沙盒邮箱中 MAIL FROM 的地址。其他收件人照常收到邮件；空发件人不会收到通知。"
        ),
        advice: t!(
            "The SMTP session succeeded: the failure arrives later, as mail. A sending program must read its bounces (the Return-Path address) and stop mailing addresses that fail permanently.",
            "SMTP 会话本身成功了：失败稍后以邮件形式到达。发信程序必须读取退信（Return-Path 地址），并停止向永久失败的地址发信。"
        ),
    },
    Entry {
        kind: ScenarioKind::Relay,
        local_part: "relay",
        parameter: None,
        stage: ScenarioStage::Rcpt,
        verdict: Verdict::GiveUp,
        shows: t!(
            "A server that does not relay: a recipient outside its own domains, from a client that has not logged in, gets 554 5.7.1 Relay access denied, in Postfix's words.",
            "一个不做中继的服务器：未登录的客户端发往它自己域名以外的收件人，会得到 554 5.7.1 Relay access denied，措辞与 Postfix 相同。"
        ),
        advice: t!(
            "Permanent here: send through your own provider's submission server (port 587, with AUTH) or directly to the recipient domain's MX.",
            "在这里是永久性错误：请通过你自己邮件服务商的提交服务器（587 端口，使用 AUTH）发送，或直接发往收件人域名的 MX。"
        ),
    },
];

/// A scenario as one address selects it, with its number when it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    /// The table entry.
    pub entry: &'static Entry,
    /// The entry's parameter as the address gives it (or its default); 0 without one.
    pub value: u64,
}

impl Scenario {
    /// The scenario an envelope address selects, by its local part, whatever its domain
    /// and case; `None` for an ordinary address.
    pub fn of(address: &str) -> Option<Self> {
        let local = match address.rsplit_once('@') {
            Some((local, _)) => local,
            None => address,
        };
        let local = local.to_ascii_lowercase();
        if let Some(entry) = SCENARIOS.iter().find(|e| e.local_part == local) {
            return Some(Self::with_default(entry));
        }
        let (base, detail) = local.split_once('+').unwrap_or((&local, ""));
        let entry = SCENARIOS.iter().find(|e| e.local_part == base)?;
        let value = match (entry.parameter, detail.parse::<u64>()) {
            (Some(p), Ok(n)) => n.clamp(p.min, p.max),
            _ => return Some(Self::with_default(entry)),
        };
        Some(Self { entry, value })
    }

    fn with_default(entry: &'static Entry) -> Self {
        Self {
            entry,
            value: entry.parameter.map_or(0, |p| p.default),
        }
    }

    /// Which scenario.
    pub fn kind(self) -> ScenarioKind {
        self.entry.kind
    }
}

impl Entry {
    /// The address as the table shows it: `busy@`, `greylist[+SECONDS]@`.
    pub fn address(&self) -> String {
        match self.parameter {
            Some(p) => format!("{}[+{}]@", self.local_part, p.name),
            None => format!("{}@", self.local_part),
        }
    }

    /// The reply this scenario gives, for `example.com` and the default parameter, as the
    /// table shows it (one line, no CRLF): the refusal, or for `slow@` and `bounce@` the
    /// ordinary acceptance (what follows it is in [`Entry::shows`]); `None` for `drop@`,
    /// which gives none.
    pub fn example_reply(&'static self) -> Option<String> {
        let address = format!("{}@example.com", self.local_part);
        let scenario = Scenario::with_default(self);
        let reply = match self.kind {
            ScenarioKind::Drop => return None,
            ScenarioKind::Greylist => greylisted(&address, scenario.value),
            ScenarioKind::Spam => SPAM_REJECTED.to_owned(),
            // Accepted as any recipient: what follows is in `shows`.
            ScenarioKind::Bounce => "250 2.0.0 Ok: queued as ...".to_owned(),
            ScenarioKind::Slow => "250 2.1.5 Ok".to_owned(),
            _ => rcpt_refusal(self.kind, &address)?,
        };
        Some(reply.trim_end().to_owned())
    }
}

/// The reply a scenario gives at RCPT without memory (all but greylisting), CRLF ended;
/// `None` when it accepts the recipient.
pub(crate) fn rcpt_refusal(kind: ScenarioKind, address: &str) -> Option<String> {
    let rejected = "Recipient address rejected";
    Some(match kind {
        ScenarioKind::Busy => {
            format!("450 4.2.1 <{address}>: {rejected}: Mailbox busy, try again later\r\n")
        }
        ScenarioKind::Missing => {
            format!("550 5.1.1 <{address}>: {rejected}: User unknown in virtual mailbox table\r\n")
        }
        ScenarioKind::Full => format!(
            "452 4.2.2 <{address}>: {rejected}: Quota exceeded (mailbox for user is full)\r\n"
        ),
        ScenarioKind::FullPermanent => format!(
            "552 5.2.2 <{address}>: {rejected}: Quota exceeded (mailbox for user is full)\r\n"
        ),
        ScenarioKind::Relay => format!("554 5.7.1 <{address}>: Relay access denied\r\n"),
        _ => return None,
    })
}

/// The greylisting refusal with the seconds left, in postgrey's words ("Greylisted for N
/// seconds") behind Postfix's, with the 451 4.7.1 most greylisting servers use.
pub(crate) fn greylisted(address: &str, seconds_left: u64) -> String {
    let unit = if seconds_left == 1 {
        "second"
    } else {
        "seconds"
    };
    format!(
        "451 4.7.1 <{address}>: Recipient address rejected: Greylisted for {seconds_left} \
         {unit}, try again later\r\n"
    )
}

/// The content filter's refusal at the final dot (rspamd's words through a Postfix milter).
pub(crate) const SPAM_REJECTED: &str = "554 5.7.1 Spam message rejected\r\n";

/// The rate limiter's refusal of MAIL, after which the server closes the connection.
pub(crate) fn too_many_messages(hostname: &str) -> String {
    format!("421 4.7.0 {hostname} Error: too many messages; try again later\r\n")
}

#[cfg(test)]
mod tests;
