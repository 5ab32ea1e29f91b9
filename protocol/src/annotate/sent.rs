//! Annotations of lines the client sent.

use super::{Annotation, Note, tr, tx};
use crate::auth::Prompt;
use crate::command::Verb;
use crate::finding::{Finding, Severity};
use crate::lang::Lang;
use crate::session::Sent;

/// Explains a client line. `findings` are the predictions made before it was sent.
pub(super) fn annotate(sent: &Sent, line: &str, findings: &[Finding], lang: Lang) -> Annotation {
    let (title, explanation, expect, reference) = match sent {
        Sent::Command { verb } => command(*verb, line, lang),
        Sent::AuthAnswer {
            prompt,
            shown,
            cancel,
        } => auth_answer(prompt, shown.as_deref(), *cancel, lang),
        Sent::BodyLine { number } => body_line(line, *number, lang),
        Sent::EndOfData => (
            tx!(lang, "End of message", "邮件结束"),
            tx!(
                lang,
                "A line with a single dot ends the message (the <CRLF>.<CRLF> of RFC 5321). The server now decides whether to accept it.",
                "只含一个点号的行表示邮件结束（即 RFC 5321 中的 <CRLF>.<CRLF>）。服务器现在决定是否接受这封邮件。"
            ),
            Some(tx!(
                lang,
                "250 (queued) or 5xx (rejected)",
                "250（已入队）或 5xx（被拒收）"
            )),
            "RFC 5321 4.1.1.4",
        ),
    };
    // Most severe first, in order of position within a severity (no general sort: it
    // would be linked into the browser bundle for a handful of items).
    let notes: Vec<Note> = [
        Severity::Error,
        Severity::Warning,
        Severity::Success,
        Severity::Info,
    ]
    .into_iter()
    .flat_map(|severity| findings.iter().filter(move |f| f.severity == severity))
    .map(|f| Note::from_finding(f, lang))
    .collect();
    let severity = notes.first().map_or(Severity::Info, |n| n.severity);
    let next_steps = expect
        .map(|e| vec![tr!(lang, "Expect: {e}", "预期回复：{e}")])
        .unwrap_or_default();
    Annotation {
        severity,
        title,
        explanation,
        reference: reference.to_owned(),
        next_steps,
        findings: notes,
    }
}

type Parts = (String, String, Option<String>, &'static str);

fn command(verb: Option<Verb>, line: &str, lang: Lang) -> Parts {
    let Some(verb) = verb else {
        let word = line.split_whitespace().next().unwrap_or_default();
        return (
            tr!(lang, "Unknown command '{word}'", "未知命令“{word}”"),
            tx!(
                lang,
                "This is not an SMTP verb; the server will say so.",
                "这不是 SMTP 命令，服务器会指出这一点。"
            ),
            Some(tx!(lang, "500 or 502", "500 或 502")),
            "RFC 5321 4.1",
        );
    };
    let (title, explanation, expect, reference) = match verb {
        Verb::Helo => (
            tx!(lang, "HELO: introduce yourself", "HELO：介绍自己"),
            tx!(
                lang,
                "Names your machine to the server (any name works here). Plain SMTP: the server will not list its extensions.",
                "向服务器报上你的机器名（这里可以随意填写）。这是普通 SMTP：服务器不会列出它的扩展。"
            ),
            "250",
            "RFC 5321 4.1.1.1",
        ),
        Verb::Ehlo => (
            tx!(
                lang,
                "EHLO: introduce yourself, ask for extensions",
                "EHLO：介绍自己并询问扩展"
            ),
            tx!(
                lang,
                "Like HELO, but the server answers with the list of ESMTP extensions it supports (AUTH, STARTTLS, SIZE ...), one per line.",
                "与 HELO 类似，但服务器会逐行列出它支持的 ESMTP 扩展（AUTH、STARTTLS、SIZE 等）。"
            ),
            "250-… 250",
            "RFC 5321 4.1.1.1",
        ),
        Verb::Mail => (
            tx!(
                lang,
                "MAIL FROM: start a message",
                "MAIL FROM：开始一封邮件"
            ),
            tx!(
                lang,
                "Opens a mail transaction with the envelope sender: where bounces go. It may differ from the From: header the recipient sees.",
                "以信封发件人开启一个邮件事务：退信会发到这个地址。它可以与收件人看到的 From: 邮件头不同。"
            ),
            "250 2.1.0",
            "RFC 5321 4.1.1.2",
        ),
        Verb::Rcpt => (
            tx!(lang, "RCPT TO: add a recipient", "RCPT TO：添加收件人"),
            tx!(
                lang,
                "Names one envelope recipient; repeat for several. The server may refuse an address it does not know or will not relay to.",
                "指定一个信封收件人；多个收件人需重复此命令。服务器可能拒绝它不认识或不愿中继的地址。"
            ),
            "250 2.1.5 / 550",
            "RFC 5321 4.1.1.3",
        ),
        Verb::Data => (
            tx!(
                lang,
                "DATA: ask to send the message",
                "DATA：请求发送邮件内容"
            ),
            tx!(
                lang,
                "After 354, every line is message text until a line with a single dot.",
                "收到 354 之后，每一行都是邮件内容，直到只有一个点号的行。"
            ),
            "354",
            "RFC 5321 4.1.1.4",
        ),
        Verb::Rset => (
            tx!(lang, "RSET: start over", "RSET：重新开始"),
            tx!(
                lang,
                "Abandons the current transaction (sender, recipients); the connection stays.",
                "放弃当前事务（发件人、收件人）；连接保持不变。"
            ),
            "250",
            "RFC 5321 4.1.1.5",
        ),
        Verb::Vrfy => (
            tx!(
                lang,
                "VRFY: does this mailbox exist?",
                "VRFY：这个邮箱存在吗？"
            ),
            tx!(
                lang,
                "Asks the server to confirm an address. Most servers answer 252 so that spammers cannot harvest addresses.",
                "请求服务器确认一个地址。多数服务器回复 252，以防垃圾邮件发送者收集地址。"
            ),
            "250 / 252 / 550",
            "RFC 5321 4.1.1.6",
        ),
        Verb::Expn => (
            tx!(lang, "EXPN: expand a mailing list", "EXPN：展开邮件列表"),
            tx!(
                lang,
                "Asks for the members of a list. Almost always disabled.",
                "请求列出邮件列表的成员。几乎总是被禁用。"
            ),
            "250 / 252 / 502",
            "RFC 5321 4.1.1.7",
        ),
        Verb::Help => (
            tx!(lang, "HELP", "HELP：帮助"),
            tx!(lang, "Asks for help text.", "请求帮助信息。"),
            "214 / 502",
            "RFC 5321 4.1.1.8",
        ),
        Verb::Noop => (
            tx!(lang, "NOOP: are you there?", "NOOP：你还在吗？"),
            tx!(
                lang,
                "Does nothing; a 250 shows the connection is alive.",
                "什么也不做；回复 250 说明连接正常。"
            ),
            "250",
            "RFC 5321 4.1.1.9",
        ),
        Verb::Quit => (
            tx!(lang, "QUIT: end the session", "QUIT：结束会话"),
            tx!(
                lang,
                "Asks the server to close the connection.",
                "请求服务器关闭连接。"
            ),
            "221",
            "RFC 5321 4.1.1.10",
        ),
        Verb::Auth => {
            let mechanism = line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_ascii_uppercase();
            let explanation = match mechanism.as_str() {
                "LOGIN" => tx!(
                    lang,
                    "AUTH LOGIN: the server will ask for the username, then the password, each as a 334 prompt in base64; answer each in base64.",
                    "AUTH LOGIN：服务器会依次用 334 提示（base64 编码）询问用户名和密码；每次都用 base64 编码回答。"
                ),
                "PLAIN" => tx!(
                    lang,
                    "AUTH PLAIN: the credentials travel as one base64 string of \\0username\\0password, here or after a 334.",
                    "AUTH PLAIN：凭据以一个 base64 字符串（\\0用户名\\0密码）发送，可直接附在命令后，也可在 334 之后发送。"
                ),
                _ => tx!(
                    lang,
                    "Starts an authentication exchange with this SASL mechanism.",
                    "使用该 SASL 机制开始认证交互。"
                ),
            };
            (
                tr!(lang, "AUTH {mechanism}: log in", "AUTH {mechanism}：登录"),
                explanation,
                "334 / 235",
                "RFC 4954 4",
            )
        }
        Verb::StartTls => (
            tx!(
                lang,
                "STARTTLS: encrypt this connection",
                "STARTTLS：加密此连接"
            ),
            tx!(
                lang,
                "After the server's 220, TLS starts on this same connection; then say EHLO again.",
                "服务器回复 220 后，在同一连接上启动 TLS；之后需重新发送 EHLO。"
            ),
            "220",
            "RFC 3207 4",
        ),
        Verb::Bdat => (
            tx!(
                lang,
                "BDAT: send a chunk of the message",
                "BDAT：发送一块邮件数据"
            ),
            tx!(
                lang,
                "The next N octets are message data, no dot-stuffing, no end marker; LAST marks the final chunk.",
                "随后的 N 个字节就是邮件数据，无需点号转义和结束标记；LAST 表示最后一块。"
            ),
            "250",
            "RFC 3030 2",
        ),
        Verb::Etrn => (
            tx!(lang, "ETRN: flush a queue", "ETRN：投递排队的邮件"),
            tx!(
                lang,
                "Asks the server to deliver mail queued for a domain.",
                "请求服务器投递为某个域名排队的邮件。"
            ),
            "250 / 251 / 458",
            "RFC 1985",
        ),
    };
    (title, explanation, Some(expect.to_owned()), reference)
}

fn auth_answer(prompt: &Prompt, shown: Option<&str>, cancel: bool, lang: Lang) -> Parts {
    if cancel {
        return (
            tx!(lang, "Cancel the login", "取消登录"),
            tx!(
                lang,
                "A single * ends the AUTH exchange.",
                "单独一个 * 表示结束认证交互。"
            ),
            Some("501".into()),
            "RFC 4954 4",
        );
    }
    match (prompt, shown) {
        (Prompt::Username, Some(user)) => (
            tx!(lang, "Username, in base64", "用户名（base64 编码）"),
            tr!(
                lang,
                "This line decodes to '{user}'.",
                "这一行解码后是“{user}”。"
            ),
            Some(tx!(lang, "334 (the password prompt)", "334（询问密码）")),
            "RFC 4954 4",
        ),
        (Prompt::Password, _) => (
            tx!(
                lang,
                "Password, in base64 (hidden)",
                "密码（base64 编码，已隐藏）"
            ),
            tx!(
                lang,
                "Hidden in transcripts and exports. Base64 is not encryption: anyone who sees the line can decode it.",
                "在记录和导出中已隐藏。base64 不是加密：任何看到这一行的人都能解码。"
            ),
            Some("235 / 535".into()),
            "RFC 4954 4",
        ),
        _ => (
            tx!(
                lang,
                "Answer to the AUTH challenge (hidden)",
                "认证质询的回答（已隐藏）"
            ),
            tx!(
                lang,
                "One base64 line answering the server's 334.",
                "一行 base64 编码的内容，回答服务器的 334。"
            ),
            Some("235 / 334 / 535".into()),
            "RFC 4954 4",
        ),
    }
}

fn body_line(line: &str, number: usize, lang: Lang) -> Parts {
    let header = line
        .split_once(':')
        .filter(|(name, _)| !name.is_empty() && !name.contains(' '))
        .map(|(name, _)| name.to_owned());
    let (title, explanation) = if line.is_empty() {
        (
            tx!(lang, "Empty line: end of the headers", "空行：邮件头结束"),
            tx!(
                lang,
                "The first empty line separates the headers from the body.",
                "第一个空行把邮件头和正文分开。"
            ),
        )
    } else if let Some(name) = header.filter(|_| number <= 20) {
        let what = match name.to_ascii_lowercase().as_str() {
            "subject" => tx!(
                lang,
                "the subject line the recipient sees",
                "收件人看到的邮件主题"
            ),
            "from" => tx!(
                lang,
                "the author shown to the recipient",
                "显示给收件人的发件人"
            ),
            "to" => tx!(
                lang,
                "the recipients shown in the message (the envelope decides delivery)",
                "邮件中显示的收件人（实际投递由信封决定）"
            ),
            "cc" => tx!(lang, "the visible copy recipients", "可见的抄送人"),
            "date" => tx!(lang, "when the message was written", "邮件的撰写时间"),
            "message-id" => tx!(lang, "the message's unique identifier", "邮件的唯一标识"),
            _ => tx!(lang, "a header field", "一个邮件头字段"),
        };
        (
            tr!(lang, "Header {name}:", "邮件头 {name}:"),
            tr!(lang, "This header gives {what}.", "这个邮件头表示{what}。"),
        )
    } else if line.starts_with("..") {
        (
            tx!(lang, "Text line (dot-stuffed)", "正文行（点号已转义）"),
            tx!(
                lang,
                "The server removes the first dot, so the message keeps one.",
                "服务器会去掉第一个点号，邮件中保留一个。"
            ),
        )
    } else {
        (
            tr!(
                lang,
                "Message text, line {number}",
                "邮件正文，第 {number} 行"
            ),
            tx!(
                lang,
                "Part of the message. End the message with a line holding a single dot.",
                "邮件内容的一部分。用只含一个点号的行结束邮件。"
            ),
        )
    };
    (title, explanation, None, "RFC 5322")
}
