//! Explains a complete reply from everything known about it: what it answers, its code,
//! its RFC 3463 enhanced code and, first of all, the server's own words. A `554 5.3.4
//! message too big` is a size problem even though 554 is the code of spam refusals, and a
//! `501` after `*` is the RFC 4954 confirmation of a cancelled login, not a bad address.
//!
//! [`classify`] picks one id of the shared taxonomy (`unknown-user`, `relay-denied` ...);
//! [`explain`] renders it in one language with the context of the session (what the server
//! advertised, whether the client is logged in, the message size).

use super::codes;
use super::{tr, tx};
use crate::auth::Prompt;
use crate::enhanced::EnhancedCode;
use crate::extension::Capabilities;
use crate::finding::Severity;
use crate::lang::{Lang, Text, t};

mod classify;
mod texts;

pub(crate) use classify::classify;
use classify::{CLIENT_WORDS, Words, at_end, negative};
use texts::base;

/// What a complete reply answers, as far as the annotator knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Greeting,
    Ehlo,
    Helo,
    StartTls,
    Auth,
    AuthAnswer,
    Mail,
    Rcpt,
    Data,
    EndOfData,
    Bdat,
    Rset,
    Vrfy,
    Expn,
    Help,
    Noop,
    Quit,
    Etrn,
    UnknownCommand,
    Nothing,
}

/// Everything known about one complete reply and its context.
#[derive(Debug)]
pub(crate) struct ReplyFacts<'a> {
    pub stage: Stage,
    pub code: u16,
    /// RFC 3463 code at the start of the first line, if any (crate::enhanced::EnhancedCode).
    pub enhanced: Option<EnhancedCode>,
    /// The reply's text, its lines joined with '\n', without codes (Reply::text()).
    pub text: &'a str,
    pub line_count: usize,
    /// The client line this reply answers, as sent, when the transcript has it (AUTH LOGIN, RCPT TO:<postmaster>, BDAT 86 LAST ...).
    pub command: Option<&'a str>,
    /// For a 334: what the challenge decodes to (crate::auth::Prompt).
    pub prompt: Option<&'a Prompt>,
    /// The answered line was `*` (an AUTH cancel).
    pub cancel: bool,
    /// What the last EHLO advertised (crate::extension::Capabilities), if known.
    pub capabilities: Option<&'a Capabilities>,
    pub tls: bool,
    pub authenticated: bool,
    /// Recipients accepted in this transaction, including this reply if it accepts one.
    pub recipients: usize,
    /// Octets of the message sent (for the reply to the final dot / BDAT LAST), if known.
    pub message_octets: Option<u64>,
}

/// A reply explained: one id of the taxonomy and its text in one language.
#[derive(Debug)]
pub(crate) struct Explained {
    /// One id of the shared explanation-id taxonomy (issue 11), or "generic" when nothing
    /// specific is known.
    pub id: &'static str,
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    pub reference: &'static str,
    pub next_steps: Vec<String>,
}

/// Every id [`classify`] can return.
#[cfg(test)]
pub(crate) const IDS: &[&str] = &[
    "greeting",
    "hello",
    "starttls-ready",
    "auth-challenge",
    "auth-ok",
    "mail-ok",
    "rcpt-ok",
    "data-go",
    "message-accepted",
    "bdat-chunk-ok",
    "rset-ok",
    "noop-ok",
    "vrfy-ok",
    "vrfy-cannot-verify",
    "help",
    "quit-ok",
    "etrn-ok",
    "no-service",
    "service-closing",
    "timeout",
    "too-many-errors",
    "sync-error",
    "line-too-long",
    "bare-lf-rejected",
    "syntax",
    "unknown-command",
    "not-implemented",
    "bad-sequence",
    "param-unrecognized",
    "sender-rejected",
    "smtputf8-required",
    "relay-denied",
    "auth-required",
    "tls-required",
    "unknown-user",
    "mailbox-unavailable-temp",
    "mailbox-full",
    "too-many-recipients",
    "greylisted",
    "rate-limited",
    "blocklisted",
    "data-no-recipients",
    "size-exceeded",
    "spam-rejected",
    "content-rejected",
    "message-rejected",
    "server-error",
    "transaction-failed",
    "auth-failed",
    "auth-cancelled",
    "auth-bad-base64",
    "auth-mechanism-unknown",
    "auth-already",
    "auth-too-weak",
    "auth-temp-failure",
    "auth-not-available",
    "tls-not-available",
    "starttls-refused",
    "nonstandard",
];

const TEMPORARY: Text = t!(
    "Temporary (4xx): retrying later may work.",
    "临时性错误（4xx）：稍后重试可能会成功。"
);
const PERMANENT: Text = t!(
    "Permanent (5xx): sending the same thing again will fail again.",
    "永久性错误（5xx）：原样再发一次仍会失败。"
);
const NEXT_QUIT: Text = t!("QUIT — end the session", "QUIT —— 结束会话");
const NEXT_MAIL: Text = t!(
    "MAIL FROM:<you@example.com> — start a message",
    "MAIL FROM:<you@example.com> —— 开始写一封邮件"
);
const NEXT_RCPT: Text = t!(
    "RCPT TO:<friend@example.com> — add a recipient",
    "RCPT TO:<friend@example.com> —— 添加收件人"
);
const NEXT_EHLO: Text = t!(
    "EHLO your.name — introduce yourself and list the server's extensions",
    "EHLO 你的主机名 —— 介绍自己并列出服务器支持的扩展"
);
const NEXT_AUTH: Text = t!(
    "AUTH LOGIN — log in with your username and password in base64",
    "AUTH LOGIN —— 用 base64 编码的用户名和密码登录"
);
const NEXT_STARTTLS: Text = t!(
    "STARTTLS — encrypt the connection first",
    "STARTTLS —— 先加密连接"
);
const NEXT_LATER: Text = t!("Wait, then try the same again", "稍等片刻，再原样重试");
const NEXT_RESEND: Text = t!(
    "MAIL FROM:<...> — send a corrected message",
    "MAIL FROM:<...> —— 修改邮件后重新发送"
);
const NEXT_RECONNECT: Text = t!("Connect again (later)", "（稍后）重新连接");
const NEXT_GIVE_UP: Text = t!(
    "Give up on this recipient: do not retry; tell the sender (a mail server sends a bounce)",
    "放弃这个收件人：不要重试；告知发件人（邮件服务器会发送退信）"
);

/// Explains a complete reply; see the module documentation.
pub(crate) fn explain(f: &ReplyFacts<'_>, lang: Lang) -> Explained {
    let id = classify(f);
    let code = f.code;
    let (title, explanation, reference) = base(id);
    let mut title = title.get(lang).to_owned();
    let mut explanation = explanation.get(lang).to_owned();
    let mut reference = reference;
    let mut next: Vec<Text> = Vec::new();
    let mut extra: Vec<String> = Vec::new();
    let caps = f.capabilities;
    let text = f.text.replace('\n', " ");
    let offers_auth = caps.is_none_or(|c| !c.auth_mechanisms().is_empty());
    let offers_starttls = caps.is_some_and(|c| c.has("STARTTLS"));
    let after_hello = |next: &mut Vec<Text>| {
        if offers_starttls && !f.tls {
            next.push(NEXT_STARTTLS);
        }
        if offers_auth && !f.authenticated {
            next.push(NEXT_AUTH);
        }
        next.push(NEXT_MAIL);
    };
    match id {
        "generic" => {
            let meaning = codes::meaning(code);
            title = meaning.title.get(lang).to_owned();
            reference = meaning.reference;
            // The code's textbook meaning can name the wrong moment (554 "at connect"):
            // after a command, say what was refused and quote the server.
            let client = Words::new(f.text).any(CLIENT_WORDS);
            let refused = match f.stage {
                _ if client => Some(t!(
                    "The server refuses your client itself: its IP address has no proper name (reverse DNS), or its HELO name is not acceptable.",
                    "服务器拒绝的是你的客户端本身：它的 IP 地址没有正确的反向解析名称，或它的 HELO 名称不被接受。"
                )),
                Stage::Rcpt => Some(t!(
                    "The server refuses this recipient; other recipients are not affected.",
                    "服务器拒绝了这个收件人；其他收件人不受影响。"
                )),
                Stage::Mail => Some(t!(
                    "The server refuses this sender.",
                    "服务器拒绝了这个发件人。"
                )),
                Stage::Ehlo | Stage::Helo => Some(t!(
                    "The server refuses your greeting.",
                    "服务器拒绝了你的问候。"
                )),
                _ => None,
            };
            explanation = match refused {
                Some(r) if code >= 400 => {
                    let r = r.get(lang);
                    tr!(
                        lang,
                        "{r} It gives no reason this playground recognises: '{text}'.",
                        "{r}它给出的理由本工具无法识别：“{text}”。"
                    )
                }
                _ => meaning.explanation.get(lang).to_owned(),
            };
        }
        "greeting" => {
            explanation = tr!(
                lang,
                "The server accepted the connection and introduces itself: '{text}'. Your turn: introduce yourself with EHLO (or HELO, as in the tutorial).",
                "服务器接受了连接并自我介绍：“{text}”。轮到你了：用 EHLO（或像教程中那样用 HELO）介绍自己。"
            );
            next.push(NEXT_EHLO);
            next.push(t!(
                "HELO your.name — plain SMTP, no extensions",
                "HELO 你的主机名 —— 普通 SMTP，不列扩展"
            ));
        }
        "hello" if f.stage == Stage::Helo => {
            title = tx!(
                lang,
                "Hello accepted (plain SMTP)",
                "问候已接受（普通 SMTP）"
            );
            explanation = tx!(
                lang,
                "The server knows you now. HELO does not list extensions; say EHLO instead to see what the server offers (AUTH, STARTTLS, SIZE ...).",
                "服务器已认识你。HELO 不会列出扩展；改用 EHLO 可以看到服务器提供的功能（AUTH、STARTTLS、SIZE 等）。"
            );
            after_hello(&mut next);
        }
        "hello" => {
            let n = f.line_count.saturating_sub(1);
            title = match (n, lang) {
                (1, Lang::En) => "Hello accepted; 1 extension offered".to_owned(),
                (_, Lang::En) => format!("Hello accepted; {n} extensions offered"),
                (_, Lang::ZhCn) => format!("问候已接受；服务器提供 {n} 项扩展"),
            };
            after_hello(&mut next);
        }
        "auth-challenge" => {
            let (what, hint) = match f.prompt.unwrap_or(&Prompt::Empty) {
                Prompt::Username => (
                    tx!(lang, "the username ('Username:')", "用户名（“Username:”）"),
                    tx!(
                        lang,
                        "type your username in base64, e.g. ZGVtbw== for demo",
                        "输入用户名的 base64 编码，例如 phunxm@163.com 对应 cGh1bnhtQDE2My5jb20="
                    ),
                ),
                Prompt::Password => (
                    tx!(lang, "the password ('Password:')", "密码（“Password:”）"),
                    tx!(
                        lang,
                        "type your password in base64 (some providers want an app password or authorisation code here, not the web mail password)",
                        "输入密码的 base64 编码（163 邮箱为客户端授权码）"
                    ),
                ),
                Prompt::Empty => (
                    tx!(
                        lang,
                        "your credentials (empty challenge)",
                        "你的凭据（空质询）"
                    ),
                    tx!(
                        lang,
                        "for PLAIN: base64 of \\0username\\0password",
                        "对于 PLAIN：输入 \\0用户名\\0密码 的 base64 编码"
                    ),
                ),
                Prompt::Text(challenge) if crate::auth::is_cram_md5_challenge(challenge) => {
                    explanation = tr!(
                        lang,
                        "CRAM-MD5 challenge '{challenge}': answer with your username and its HMAC-MD5 keyed with your password, which never crosses the wire.",
                        "CRAM-MD5 质询“{challenge}”：用用户名和以密码为密钥对它计算的 HMAC-MD5 回答，密码从不在线路上传输。"
                    );
                    reference = "RFC 2195 2";
                    (
                        tr!(lang, "an answer to '{challenge}'", "对“{challenge}”的回答"),
                        tx!(lang, "the AUTH helper computes it", "认证助手可以替你计算"),
                    )
                }
                Prompt::Text(challenge) => (
                    tr!(lang, "an answer to '{challenge}'", "对“{challenge}”的回答"),
                    tx!(
                        lang,
                        "compute the mechanism's answer and send it in base64",
                        "按该机制计算回答并以 base64 发送"
                    ),
                ),
                Prompt::Undecodable => (
                    tx!(
                        lang,
                        "something (the challenge is not readable base64)",
                        "某些内容（质询不是可读的 base64）"
                    ),
                    tx!(lang, "send * to cancel", "发送 * 取消"),
                ),
            };
            title = tr!(lang, "Server asks for {what}", "服务器要求输入{what}");
            return finish(
                f,
                id,
                lang,
                title,
                explanation,
                reference,
                vec![hint, tx!(lang, "* — cancel the login", "* —— 取消登录")],
            );
        }
        "quit-ok" if f.stage != Stage::Quit => {
            explanation = tx!(
                lang,
                "The server closes the connection without waiting for QUIT: it gave up on this session.",
                "服务器没有等你 QUIT 就关闭了连接：它放弃了这个会话。"
            );
            next.push(NEXT_RECONNECT);
        }
        "auth-ok" => next.push(NEXT_MAIL),
        "mail-ok" => next.push(NEXT_RCPT),
        "rcpt-ok" => {
            let n = f.recipients;
            title = tr!(
                lang,
                "Recipient accepted ({n} so far)",
                "收件人已接受（目前共 {n} 个）"
            );
            if code == 251 {
                extra.push(tx!(
                    lang,
                    "251: the mailbox is elsewhere and this server will forward the message.",
                    "251：该邮箱在别处，此服务器会转发邮件。"
                ));
            }
            if f.command
                .is_some_and(|c| c.to_ascii_lowercase().contains("postmaster"))
            {
                extra.push(tx!(
                    lang,
                    "RFC 5321 4.5.1 requires every mail domain to accept mail for postmaster, so this always works.",
                    "RFC 5321 4.5.1 要求每个邮件域都必须接收发给 postmaster 的邮件，所以这总会成功。"
                ));
                reference = "RFC 5321 4.5.1";
            }
            next.push(t!(
                "DATA — start typing the message",
                "DATA —— 开始输入邮件内容"
            ));
            next.push(t!(
                "RCPT TO:<another@example.com> — one more recipient",
                "RCPT TO:<another@example.com> —— 再添加一个收件人"
            ));
        }
        "data-go" => {
            return finish(
                f,
                id,
                lang,
                title,
                explanation,
                reference,
                vec![
                    "Subject: Hello".into(),
                    "From: <you@example.com>".into(),
                    "To: <friend@example.com>".into(),
                    tx!(
                        lang,
                        "(an empty line, then your text)",
                        "（一个空行，然后是正文）"
                    ),
                    tx!(
                        lang,
                        ". — alone on a line, ends the message",
                        ". —— 单独一行，表示邮件结束"
                    ),
                ],
            );
        }
        "message-accepted" => {
            if let Some(id) = queue_id(f.text) {
                extra.push(tr!(
                    lang,
                    "Its queue id is {id}: give it to an administrator to trace the message in the logs.",
                    "队列编号是 {id}：可以提供给管理员在日志中追踪这封邮件。"
                ));
            }
            next.push(NEXT_QUIT);
            next.push(t!(
                "MAIL FROM:<...> — send another message on the same connection",
                "MAIL FROM:<...> —— 在同一连接上再发一封邮件"
            ));
        }
        "bdat-chunk-ok" => next.push(t!(
            "BDAT <size> LAST — the final chunk",
            "BDAT <大小> LAST —— 最后一块"
        )),
        "rset-ok" => next.push(NEXT_MAIL),
        "vrfy-ok" => {
            explanation = tr!(
                lang,
                "The server confirms the mailbox: '{text}'.",
                "服务器确认该邮箱存在：“{text}”。"
            );
        }
        "no-service" => next.push(NEXT_QUIT),
        "service-closing" | "timeout" | "too-many-errors" => next.push(NEXT_RECONNECT),
        "syntax" => {
            next.push(match f.stage {
                Stage::Mail => t!("MAIL FROM:<you@example.com>", "MAIL FROM:<you@example.com>"),
                Stage::Rcpt => t!(
                    "RCPT TO:<friend@example.com>",
                    "RCPT TO:<friend@example.com>"
                ),
                Stage::Ehlo | Stage::Helo => t!("EHLO your.name", "EHLO 你的主机名"),
                Stage::Auth => t!("AUTH LOGIN", "AUTH LOGIN"),
                _ => t!(
                    "HELP — the server may show the syntax",
                    "HELP —— 服务器可能会给出语法"
                ),
            });
        }
        "unknown-command" if f.stage == Stage::Ehlo => {
            title = tx!(
                lang,
                "This server does not know EHLO",
                "此服务器不支持 EHLO"
            );
            explanation = tx!(
                lang,
                "An old or minimal server: it speaks plain SMTP only. Use HELO.",
                "这是一个老旧或精简的服务器，只支持普通 SMTP。请使用 HELO。"
            );
            next.push(t!("HELO your.name", "HELO 你的主机名"));
        }
        "unknown-command" => next.push(t!("HELP", "HELP")),
        "bad-sequence" => {
            let specific = match f.stage {
                Stage::Rcpt => Some(t!(
                    "RCPT TO came before MAIL FROM. The order is fixed: HELO/EHLO, MAIL FROM, RCPT TO, DATA.",
                    "RCPT TO 出现在 MAIL FROM 之前。顺序是固定的：HELO/EHLO、MAIL FROM、RCPT TO、DATA。"
                )),
                Stage::Data => Some(t!(
                    "DATA came before any accepted RCPT TO. The order is fixed: HELO/EHLO, MAIL FROM, RCPT TO, DATA.",
                    "DATA 出现在任何被接受的 RCPT TO 之前。顺序是固定的：HELO/EHLO、MAIL FROM、RCPT TO、DATA。"
                )),
                Stage::Mail => Some(t!(
                    "Either you did not say HELO/EHLO yet, or a transaction is already open (send RSET to start over).",
                    "要么你还没有发送 HELO/EHLO，要么已经有一个事务在进行中（发送 RSET 重新开始）。"
                )),
                Stage::Auth => Some(t!(
                    "AUTH is not possible now: inside a transaction, before EHLO, or the server offers it only after STARTTLS.",
                    "现在无法 AUTH：事务正在进行、尚未 EHLO，或服务器只在 STARTTLS 之后才提供认证。"
                )),
                _ => None,
            };
            if let Some(s) = specific {
                explanation = s.get(lang).to_owned();
            }
        }
        "param-unrecognized" => next.push(t!(
            "EHLO — see which parameters the server advertises",
            "EHLO —— 查看服务器声明支持的参数"
        )),
        "sender-rejected" => next.push(t!(
            "MAIL FROM:<the address you logged in with>",
            "MAIL FROM:<你登录时使用的地址>"
        )),
        "smtputf8-required" => next.push(t!(
            "MAIL FROM:<...> SMTPUTF8 — if EHLO lists SMTPUTF8",
            "MAIL FROM:<...> SMTPUTF8 —— 前提是 EHLO 中列出了 SMTPUTF8"
        )),
        "relay-denied" => {
            if f.authenticated {
                extra.push(tx!(
                    lang,
                    "You are logged in, yet it refuses: this account may not send to this domain, or the sender address is not yours.",
                    "你已登录，但仍被拒绝：该帐户可能不允许发往这个域名，或发件人地址不属于你。"
                ));
            } else if offers_auth {
                extra.push(tx!(
                    lang,
                    "To send elsewhere through it you must log in first (AUTH), which is what mail programs do on port 587.",
                    "要通过它发往其他地方，必须先登录（AUTH），邮件客户端在 587 端口上就是这样做的。"
                ));
                if offers_starttls && !f.tls {
                    next.push(NEXT_STARTTLS);
                }
                next.push(t!(
                    "AUTH LOGIN — log in, then RCPT TO again",
                    "AUTH LOGIN —— 先登录，再重新 RCPT TO"
                ));
            } else {
                extra.push(tx!(
                    lang,
                    "It offers no AUTH here, so it only accepts mail for its own domains: send through your own provider's submission server (port 587) instead.",
                    "它在这里不提供 AUTH，因此只接收发往它自己域名的邮件：请改用你自己邮件服务商的提交服务器（587 端口）。"
                ));
            }
        }
        "auth-required" => {
            if caps.is_none() {
                extra.push(tx!(
                    lang,
                    "HELO does not show whether AUTH is offered: say EHLO, then log in.",
                    "HELO 不会显示是否支持 AUTH：请先 EHLO，然后登录。"
                ));
                next.push(NEXT_EHLO);
            } else if offers_starttls && !f.tls {
                next.push(NEXT_STARTTLS);
            }
            next.push(NEXT_AUTH);
        }
        "tls-required" => {
            next.push(NEXT_STARTTLS);
            next.push(t!(
                "EHLO your.name — after the handshake",
                "EHLO 你的主机名 —— 握手完成后"
            ));
        }
        "unknown-user" => next.push(t!(
            "RCPT TO:<someone-else@example.com> — check the spelling or try another address",
            "RCPT TO:<someone-else@example.com> —— 检查拼写或换一个地址"
        )),
        "server-error" if code >= 500 => next.push(t!(
            "Tell the server's administrator the time and this reply",
            "把时间和这条回复告诉服务器管理员"
        )),
        "content-rejected" => {
            if f.text.to_ascii_lowercase().contains("dt:sum") {
                extra.push(tx!(
                    lang,
                    "DT:SUM is 163.com's code for a From: header that differs from the envelope sender (MAIL FROM).",
                    "DT:SUM 是 163 邮箱的代码，表示 From: 邮件头与信封发件人（MAIL FROM）不一致。"
                ));
            }
            next.push(NEXT_RESEND);
        }
        "message-rejected" | "transaction-failed" => next.push(NEXT_RESEND),
        "mailbox-full" if code >= 500 => next.push(NEXT_GIVE_UP),
        "mailbox-unavailable-temp"
        | "mailbox-full"
        | "greylisted"
        | "rate-limited"
        | "auth-temp-failure"
        | "tls-not-available"
        | "server-error" => next.push(NEXT_LATER),
        "too-many-recipients" => next.push(t!(
            "DATA — send to the recipients accepted so far, then the rest in a new MAIL FROM",
            "DATA —— 先发给已接受的收件人，其余的放到新的 MAIL FROM 中"
        )),
        "size-exceeded" => {
            let limit = caps.and_then(Capabilities::size_limit);
            match (f.message_octets, limit) {
                (Some(n), Some(l)) => extra.push(tr!(
                    lang,
                    "Your message is {n} octets; the server's SIZE limit is {l}.",
                    "你的邮件有 {n} 个字节；服务器的 SIZE 上限是 {l}。"
                )),
                (None, Some(l)) => extra.push(tr!(
                    lang,
                    "The server's SIZE limit is {l} octets.",
                    "服务器的 SIZE 上限是 {l} 个字节。"
                )),
                (Some(n), None) => extra.push(tr!(
                    lang,
                    "Your message is {n} octets.",
                    "你的邮件有 {n} 个字节。"
                )),
                (None, None) => {}
            }
            next.push(t!(
                "MAIL FROM:<...> — send a smaller message",
                "MAIL FROM:<...> —— 发送一封更小的邮件"
            ));
        }
        "spam-rejected" => {
            let low = f.text.to_ascii_lowercase();
            if ["dt:spm", "163.com", "126.com", "163 smtp", "126 smtp"]
                .iter()
                .any(|k| low.contains(k))
            {
                extra.push(tx!(
                    lang,
                    "DT:SPM is this verdict in the codes of 163.com and 126.com. The classic cause is a message without Subject:, From: and To: headers, or a From: that differs from the address you logged in with (MAIL FROM). The 163 help page the reply links to lists the codes.",
                    "DT:SPM 是 163/126 邮箱表示这一判定的代码。典型原因是邮件缺少 Subject:、From:、To: 邮件头，或 From: 与你登录的地址（MAIL FROM）不一致。回复中链接的 163 帮助页面列出了各个代码。"
                ));
                next.push(t!(
                    "MAIL FROM:<...> — send again with Subject:, From: (your login address) and To: headers",
                    "MAIL FROM:<...> —— 带上 Subject:、From:（你的登录地址）和 To: 邮件头重新发送"
                ));
            } else {
                next.push(NEXT_RESEND);
                extra.push(tx!(
                    lang,
                    "Filters score the content and the sending address: a message without Subject:, From: and To: headers, or sent from a home IP address, scores badly.",
                    "过滤器会给内容和发送地址打分：缺少 Subject:、From:、To: 邮件头，或从家庭宽带 IP 发出的邮件得分会很差。"
                ));
            }
        }
        "auth-failed" => next.push(t!("AUTH LOGIN", "AUTH LOGIN")),
        "auth-cancelled" | "auth-bad-base64" => next.push(NEXT_AUTH),
        "auth-mechanism-unknown" => {
            if let Some(list) = caps
                .map(|c| c.auth_mechanisms().join(" "))
                .filter(|l| !l.is_empty())
            {
                extra.push(tr!(lang, "It offers: {list}.", "它支持：{list}。"));
            }
            next.push(NEXT_AUTH);
        }
        "auth-already" => next.push(NEXT_MAIL),
        "auth-not-available" => next.push(NEXT_EHLO),
        "starttls-refused" => next.push(NEXT_EHLO),
        "nonstandard" => {
            let class = match code / 100 {
                2 => t!("2: success", "2：成功"),
                3 => t!(
                    "3: go on, the server waits for more",
                    "3：继续，服务器在等待更多输入"
                ),
                4 => t!("4: a temporary failure", "4：临时失败"),
                5 => t!("5: a permanent failure", "5：永久失败"),
                _ => t!(
                    "none of 2 to 5: not an SMTP reply",
                    "不在 2 到 5 之间：不是 SMTP 回复"
                ),
            };
            let class = class.get(lang);
            extra.push(tr!(lang, "First digit {class}.", "第一位数字 {class}。"));
            if code >= 400 {
                let hint = negative(f, &Words::new(f.text));
                if !matches!(hint, "generic" | "nonstandard") {
                    let hint = base(hint).0.get(lang);
                    extra.push(tr!(
                        lang,
                        "Its words point to: {hint}.",
                        "其文字表明：{hint}。"
                    ));
                }
            }
        }
        _ => {}
    }
    if code == 421 && !matches!(id, "service-closing" | "timeout" | "too-many-errors") {
        // A 421 for a reason of its own (a rate limit, a full server) still ends the session.
        extra.push(tx!(
            lang,
            "With 421 the server also closes the connection: connect again later and start over.",
            "421 还意味着服务器会关闭连接：稍后重新连接，从头开始。"
        ));
        next.retain(|n| *n != NEXT_LATER);
        next.push(NEXT_RECONNECT);
    }
    for line in extra {
        if lang == Lang::En {
            explanation.push(' ');
        }
        explanation.push_str(&line);
    }
    let next = next.iter().map(|n| n.get(lang).to_owned()).collect();
    finish(f, id, lang, title, explanation, reference, next)
}

/// One line on the reply's enhanced status code that fits the reply: the registry's text
/// for a failure, but for a success only its subject, since the text of x.7.0 ("often:
/// authentication required first") reads wrongly under `235 2.7.0 Authentication
/// successful`. `None` without an enhanced code.
pub(crate) fn enhanced_note(f: &ReplyFacts<'_>, lang: Lang) -> Option<String> {
    let e = f.enhanced?;
    let subject = e.subject_meaning().get(lang);
    let class = u16::from(e.class);
    let first = f.code / 100;
    let code = f.code;
    Some(if class != first {
        tr!(
            lang,
            "{e}: its first digit does not match the reply code {code}; the reply code counts.",
            "{e}：它的第一位数字与回复码 {code} 不一致；以回复码为准。"
        )
    } else if class == 2 {
        tr!(
            lang,
            "{e}: success, about {subject}.",
            "{e}：成功，涉及{subject}。"
        )
    } else {
        let meaning = e.meaning().map_or(subject, |m| m.get(lang));
        tr!(lang, "{e}: {meaning}.", "{e}：{meaning}。")
    })
}

/// Adds what every reply gets from its class: the temporary/permanent sentence, the
/// "message (not) accepted" title after the final dot, and the severity.
fn finish(
    f: &ReplyFacts<'_>,
    id: &'static str,
    lang: Lang,
    mut title: String,
    mut explanation: String,
    reference: &'static str,
    next_steps: Vec<String>,
) -> Explained {
    let code = f.code;
    let sep = if lang == Lang::En { " " } else { "" };
    if id == "auth-cancelled" {
        explanation.push_str(sep);
        explanation.push_str(&tx!(
            lang,
            "Permanent (5xx) for this exchange only: it is over.",
            "对本次交互而言是永久性的（5xx）：它已经结束。"
        ));
    } else if (400..500).contains(&code) {
        explanation.push_str(sep);
        explanation.push_str(TEMPORARY.get(lang));
    } else if code >= 500 {
        explanation.push_str(sep);
        explanation.push_str(PERMANENT.get(lang));
    }
    if at_end(f) && id != "message-accepted" {
        title = match (lang, code / 100) {
            (Lang::En, 2) => format!("Message accepted: {title}"),
            (Lang::En, 3) => format!("Message not accepted yet: {title}"),
            (Lang::ZhCn, 2) => format!("邮件已接受：{title}"),
            (Lang::ZhCn, 3) => format!("邮件尚未被接受：{title}"),
            (Lang::En, 4) => format!("Message not accepted (temporary): {}", lower_first(&title)),
            (Lang::En, _) => format!("Message not accepted: {}", lower_first(&title)),
            (Lang::ZhCn, 4) => format!("邮件暂未被接受：{title}"),
            (Lang::ZhCn, _) => format!("邮件未被接受：{title}"),
        };
    }
    let severity = match (id, code / 100) {
        ("auth-cancelled", _) => Severity::Info,
        ("quit-ok", _) if f.stage != Stage::Quit => Severity::Warning,
        (_, 2) => Severity::Success,
        (_, 3) => Severity::Info,
        (_, 4) => Severity::Warning,
        _ => Severity::Error,
    };
    Explained {
        id,
        severity,
        title,
        explanation,
        reference,
        next_steps,
    }
}

/// `Message too big` → `message too big`, but `TLS ...` and `SMTP ...` stay.
fn lower_first(title: &str) -> String {
    let mut chars = title.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_ascii_uppercase() && !b.is_ascii_uppercase() => {
            let mut s = String::with_capacity(title.len());
            s.push(a.to_ascii_lowercase());
            s.push_str(&title[1..]);
            s
        }
        _ => title.to_owned(),
    }
}

/// The queue id in a reply to the final dot: Postfix `queued as 4B3F2`, Exim `id=1abc-...`.
fn queue_id(text: &str) -> Option<&str> {
    let low = text.to_ascii_lowercase();
    let start = if let Some(i) = low.find("queued as") {
        i + "queued as".len()
    } else {
        low.find("id=")? + "id=".len()
    };
    let rest = text[start..].trim_start_matches([' ', ':']);
    let id = rest
        .split(|c: char| c.is_whitespace() || c == ')')
        .next()
        .unwrap_or_default();
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests;
