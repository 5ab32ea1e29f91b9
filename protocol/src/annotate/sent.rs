//! Annotations of lines the client sent: commands by their verb and arguments, AUTH
//! answers, message text (see `message.rs`) and BDAT chunk data.

use super::{Annotation, Note, envelope, message, tr, tx};
use crate::auth::Prompt;
use crate::command::Verb;
use crate::finding::{Finding, Severity};
use crate::lang::Lang;
use crate::session::{ClientSession, HeaderState, Sent};

/// What a client line is judged against besides itself.
pub(super) struct Context<'a> {
    /// The session after the line was recorded.
    pub session: &'a ClientSession,
    /// Where the message stood before this line (for message text).
    pub header_before: HeaderState,
}

/// Explains a client line. `findings` are the predictions made before it was sent.
pub(super) fn annotate(
    sent: &Sent,
    line: &str,
    findings: &[Finding],
    context: &Context<'_>,
    lang: Lang,
) -> Annotation {
    let (id, (title, mut explanation, expect, reference)) = match sent {
        Sent::Command { verb } => ("command", command(*verb, line, lang)),
        Sent::AuthAnswer {
            prompt,
            shown,
            cancel,
        } => (
            "auth-answer",
            auth_answer(prompt, shown.as_deref(), *cancel, line, lang),
        ),
        Sent::BodyLine { number, in_body } => (
            "body",
            message::body_line(
                line,
                in_body.unwrap_or(*number),
                context.header_before,
                lang,
            ),
        ),
        Sent::BdatData { remaining } => ("bdat-data", bdat_data(*remaining, lang)),
        Sent::EndOfData => (
            "end-of-data",
            (
                tx!(lang, "End of message", "邮件结束"),
                tx!(
                    lang,
                    "A line with a single dot ends the message (the <CRLF>.<CRLF> of RFC 5321). The server now decides whether to accept it.",
                    "只含一个点号的行表示邮件结束（即 RFC 5321 中的 <CRLF>.<CRLF>）。服务器现在决定是否接受这封邮件。"
                ),
                Some(tx!(
                    lang,
                    "250 (accepted) or 4xx/5xx (refused)",
                    "250（已接受）或 4xx/5xx（被拒收）"
                )),
                "RFC 5321 4.1.1.4",
            ),
        ),
    };
    if let Sent::Command {
        verb: Some(verb @ (Verb::Mail | Verb::Rcpt)),
    } = sent
    {
        envelope::explain(*verb, line, &mut explanation, lang);
    }
    if let Sent::Command {
        verb: Some(Verb::Auth),
    } = sent
        && !context.session.is_tls()
        && line.split_whitespace().nth(1).is_some()
    {
        explanation.push_str(&tx!(
            lang,
            "\nThis connection is not encrypted: base64 is not encryption, so anyone on the path can read the password. Use STARTTLS first, or port 465 (RFC 8314).",
            "\n此连接没有加密：base64 不是加密，路径上的任何人都能读出密码。请先 STARTTLS，或使用 465 端口（RFC 8314）。"
        ));
    }
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
    .map(|f| {
        let mut note = Note::from_finding(f, lang);
        // A finding about part of the line names that part.
        if (f.span.start > 0 || f.span.end < line.len())
            && let Some(part) = line.get(f.span.clone()).filter(|p| !p.trim().is_empty())
        {
            let (part, text) = (part.trim(), &note.text);
            note.text = tr!(lang, "{part}: {text}", "{part}：{text}");
        }
        note
    })
    .collect();
    let severity = notes.first().map_or(Severity::Info, |n| n.severity);
    let next_steps = expect
        .map(|e| vec![tr!(lang, "Expect: {e}", "预期回复：{e}")])
        .unwrap_or_default();
    Annotation {
        id,
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

fn auth_answer(
    prompt: &Prompt,
    shown: Option<&str>,
    cancel: bool,
    line: &str,
    lang: Lang,
) -> Parts {
    if cancel {
        return (
            tx!(lang, "Cancel the login", "取消登录"),
            tx!(
                lang,
                "A single * ends the AUTH exchange; the server confirms with 501 and the session goes on, not logged in.",
                "单独一个 * 表示结束认证交互；服务器会回复 501 确认，会话继续，但未登录。"
            ),
            Some("501".into()),
            "RFC 4954 4",
        );
    }
    let plain = crate::auth::decode_plain(line.trim()).ok();
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
        (Prompt::Text(challenge), _) if crate::auth::is_cram_md5_challenge(challenge) => (
            tx!(lang, "CRAM-MD5 answer (hidden)", "CRAM-MD5 回答（已隐藏）"),
            tx!(
                lang,
                "The answer is the username, a space, and 32 hex digits: the HMAC-MD5 of the server's challenge keyed with the password. The password itself never travels, but the server must store it in a usable form.",
                "回答由用户名、一个空格和 32 位十六进制数组成：以密码为密钥对服务器质询计算的 HMAC-MD5。密码本身不会传输，但服务器必须以可用的形式保存它。"
            ),
            Some("235 / 535".into()),
            "RFC 2195 2",
        ),
        _ if plain.is_some() => {
            let user = plain.map(|p| p.authcid).unwrap_or_default();
            (
                tx!(
                    lang,
                    "AUTH PLAIN credentials (hidden)",
                    "AUTH PLAIN 凭据（已隐藏）"
                ),
                tr!(
                    lang,
                    "Base64 of \\0username\\0password: the username is '{user}', the password is hidden.",
                    "\\0用户名\\0密码 的 base64 编码：用户名是“{user}”，密码已隐藏。"
                ),
                Some("235 / 535".into()),
                "RFC 4616 2",
            )
        }
        _ => (
            tx!(lang, "Answer to the AUTH challenge", "对认证质询的回答"),
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

fn bdat_data(remaining: u64, lang: Lang) -> Parts {
    (
        tx!(lang, "BDAT chunk data", "BDAT 数据块内容"),
        tr!(
            lang,
            "Part of the chunk announced by BDAT: the server counts octets and reads this as data whatever it looks like, so a '.' or a command here is just text. {remaining} octets of the chunk still to come.",
            "这是 BDAT 宣告的数据块的一部分：服务器按字节计数，无论内容看起来像什么都当作数据，所以这里的“.”或命令只是文本。该数据块还剩 {remaining} 个字节。"
        ),
        None,
        "RFC 3030 2",
    )
}
