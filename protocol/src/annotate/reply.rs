//! Annotations of complete replies, specific to the command they answer.

use super::codes::{self, CodeMeaning};
use super::{Annotation, tr, tx};
use crate::auth::Prompt;
use crate::command::Verb;
use crate::finding::Severity;
use crate::lang::Lang;
use crate::reply::{Reply, ReplyClass, ReplyError};
use crate::session::{ClientSession, Expect, Received};

/// A reply line that does not parse, or breaks the reply it belongs to.
pub(super) fn malformed(err: &ReplyError, lang: Lang) -> Annotation {
    let detail = err.to_string();
    Annotation {
        id: "malformed-reply",
        severity: Severity::Warning,
        title: tx!(lang, "Not a valid reply line", "不是有效的回复行"),
        explanation: tr!(
            lang,
            "Every server line must start with a three-digit code followed by a space (last line) or '-' (more lines follow): {detail}.",
            "服务器发送的每一行都必须以三位数字回复码开头，后跟空格（最后一行）或“-”（还有后续行）：{detail}。"
        ),
        reference: "RFC 5321 4.2".into(),
        next_steps: Vec::new(),
        findings: Vec::new(),
    }
}

/// Explains a complete reply in the context of the command it answered.
pub(super) fn annotate(
    received: &Received,
    reply: &Reply,
    session: &ClientSession,
    _answered_line: Option<&str>,
    _cancelled: bool,
    lang: Lang,
) -> Annotation {
    let code = reply.code.get();
    let generic: CodeMeaning = codes::meaning(code);
    let text = reply.text().replace('\n', " ");
    let severity = match reply.code.class() {
        ReplyClass::PositiveCompletion => Severity::Success,
        ReplyClass::PositiveIntermediate => Severity::Info,
        ReplyClass::TransientNegative => Severity::Warning,
        ReplyClass::PermanentNegative | ReplyClass::Undefined => Severity::Error,
    };
    let specific = specific(received, code, &text, session, lang);
    let id = if specific.is_some() {
        "legacy"
    } else {
        "generic"
    };
    let (title, mut explanation, next_steps) = match specific {
        Some(s) => (s.title, s.explanation, s.next),
        None => (
            generic.title.get(lang).to_owned(),
            generic.explanation.get(lang).to_owned(),
            Vec::new(),
        ),
    };
    if let Some(enhanced) = received.enhanced {
        let meaning = enhanced
            .meaning()
            .map(|m| m.get(lang))
            .unwrap_or_else(|| enhanced.subject_meaning().get(lang));
        explanation.push_str(&tr!(
            lang,
            "\n{enhanced}: {meaning}.",
            "\n{enhanced}：{meaning}。"
        ));
    }
    if received.unsolicited && code != 421 {
        explanation.push_str(&tx!(lang, "\nNothing was waiting for this reply: the server answered more lines than it was sent, or spoke first.", "\n没有命令在等待这个回复：服务器回复的行数多于收到的命令，或者它抢先发言了。"));
    }
    let title = format!("{code} · {title}");
    Annotation {
        id,
        severity,
        title,
        explanation,
        reference: generic.reference.to_owned(),
        next_steps,
        findings: Vec::new(),
    }
}

struct Specific {
    title: String,
    explanation: String,
    next: Vec<String>,
}

fn s(title: String, explanation: String, next: Vec<String>) -> Option<Specific> {
    Some(Specific {
        title,
        explanation,
        next,
    })
}

fn specific(
    received: &Received,
    code: u16,
    text: &str,
    session: &ClientSession,
    lang: Lang,
) -> Option<Specific> {
    let next_after_hello = || {
        let mut next = Vec::new();
        let caps = session.capabilities();
        if caps.is_some_and(|c| c.has("STARTTLS")) && !session.is_tls() {
            next.push(tx!(
                lang,
                "STARTTLS — encrypt the connection first",
                "STARTTLS —— 先加密连接"
            ));
        }
        if caps.is_none_or(|c| !c.auth_mechanisms().is_empty()) {
            next.push(tx!(
                lang,
                "AUTH LOGIN — log in with your username and password in base64",
                "AUTH LOGIN —— 用 base64 编码的用户名和密码登录"
            ));
        }
        next.push(tx!(
            lang,
            "MAIL FROM:<you@example.com> — start a message",
            "MAIL FROM:<you@example.com> —— 开始写一封邮件"
        ));
        next
    };
    match (&received.answered, code) {
        (Expect::Greeting, 220) => s(
            tx!(lang, "Server ready", "服务器就绪"),
            tr!(
                lang,
                "The server accepted the connection and introduces itself: '{text}'. Your turn: introduce yourself with EHLO (or HELO, as in the tutorial).",
                "服务器接受了连接并自我介绍：“{text}”。轮到你了：用 EHLO（或像教程中那样用 HELO）介绍自己。"
            ),
            vec![
                tx!(
                    lang,
                    "EHLO your.name — introduce yourself and list the server's extensions",
                    "EHLO 你的主机名 —— 介绍自己并列出服务器支持的扩展"
                ),
                tx!(
                    lang,
                    "HELO your.name — plain SMTP, no extensions",
                    "HELO 你的主机名 —— 普通 SMTP，不列扩展"
                ),
            ],
        ),
        (Expect::Greeting, 554) => s(
            tx!(lang, "No SMTP service for you", "不为你提供 SMTP 服务"),
            tx!(
                lang,
                "The server refuses this connection outright (your address may be on a blocklist, or the server accepts no mail from here). Every command will be refused; QUIT.",
                "服务器直接拒绝了此连接（你的地址可能在黑名单上，或服务器不接收来自这里的邮件）。所有命令都会被拒绝；请 QUIT。"
            ),
            vec!["QUIT".into()],
        ),
        (Expect::Command(Verb::Ehlo), 250) => {
            let n = session.capabilities().map_or(0, |c| c.extensions.len());
            s(
                tr!(
                    lang,
                    "Hello accepted; {n} extensions offered",
                    "问候已接受；服务器提供 {n} 项扩展"
                ),
                tx!(
                    lang,
                    "The server knows you now. The first line is its name; every further line is an extension it supports (see the capabilities table).",
                    "服务器已认识你。第一行是它的名称；其后每一行都是它支持的一项扩展（见扩展列表）。"
                ),
                next_after_hello(),
            )
        }
        (Expect::Command(Verb::Helo), 250) => s(
            tx!(
                lang,
                "Hello accepted (plain SMTP)",
                "问候已接受（普通 SMTP）"
            ),
            tx!(
                lang,
                "The server knows you now. HELO does not list extensions; say EHLO instead to see what the server offers (AUTH, STARTTLS, SIZE ...).",
                "服务器已认识你。HELO 不会列出扩展；改用 EHLO 可以看到服务器提供的功能（AUTH、STARTTLS、SIZE 等）。"
            ),
            next_after_hello(),
        ),
        (Expect::Command(Verb::Ehlo), 500 | 502) => s(
            tx!(
                lang,
                "This server does not know EHLO",
                "此服务器不支持 EHLO"
            ),
            tx!(
                lang,
                "An old or minimal server: it speaks plain SMTP only. Use HELO.",
                "这是一个老旧或精简的服务器，只支持普通 SMTP。请使用 HELO。"
            ),
            vec!["HELO your.name".into()],
        ),
        (Expect::Command(Verb::Mail), 250) => s(
            tx!(lang, "Sender accepted", "发件人已接受"),
            tx!(
                lang,
                "The transaction is open with this envelope sender (where bounces go). Now name the recipients.",
                "邮件事务已开始，信封发件人（退信的接收地址）已确定。现在请指定收件人。"
            ),
            vec![tx!(
                lang,
                "RCPT TO:<friend@example.com> — add a recipient",
                "RCPT TO:<friend@example.com> —— 添加收件人"
            )],
        ),
        (Expect::Command(Verb::Rcpt), 250 | 251) => {
            let n = session.recipients();
            s(
                tr!(
                    lang,
                    "Recipient accepted ({n} so far)",
                    "收件人已接受（目前共 {n} 个）"
                ),
                tx!(
                    lang,
                    "The server will deliver this message to this address. Add more recipients, or start the message text with DATA.",
                    "服务器会把邮件投递到这个地址。可以继续添加收件人，或用 DATA 开始输入邮件内容。"
                ),
                vec![
                    tx!(
                        lang,
                        "DATA — start typing the message",
                        "DATA —— 开始输入邮件内容"
                    ),
                    tx!(
                        lang,
                        "RCPT TO:<another@example.com> — one more recipient",
                        "RCPT TO:<another@example.com> —— 再添加一个收件人"
                    ),
                ],
            )
        }
        (Expect::Command(Verb::Rcpt), 554 | 550 | 454)
            if text.to_ascii_lowercase().contains("relay") =>
        {
            s(
                tx!(lang, "Relaying denied", "禁止中继"),
                tx!(
                    lang,
                    "The server only accepts mail for its own domains from strangers. To send elsewhere through it you must log in first (AUTH), which is what mail programs do on port 587.",
                    "对于陌生人，服务器只接收发往它自己域名的邮件。要通过它发往其他地方，必须先登录（AUTH），邮件客户端在 587 端口上就是这样做的。"
                ),
                vec![tx!(
                    lang,
                    "AUTH LOGIN — log in, then try again",
                    "AUTH LOGIN —— 先登录再重试"
                )],
            )
        }
        (Expect::Command(Verb::Rcpt), 550 | 551 | 553) => s(
            tx!(lang, "Recipient refused", "收件人被拒绝"),
            tr!(
                lang,
                "The server will not deliver to this address: '{text}'. Other recipients of this message are not affected.",
                "服务器不会投递到这个地址：“{text}”。此邮件的其他收件人不受影响。"
            ),
            vec![tx!(
                lang,
                "RCPT TO:<someone-else@example.com> — try another address",
                "RCPT TO:<someone-else@example.com> —— 换一个地址"
            )],
        ),
        (Expect::Command(Verb::Rcpt), 450..=452) => s(
            tx!(lang, "Recipient deferred", "收件人暂缓"),
            tr!(
                lang,
                "Temporarily refused ('{text}'). Greylisting servers do this to unknown senders on purpose: a real mail server retries minutes later and gets through.",
                "暂时被拒绝（“{text}”）。启用灰名单的服务器会故意对陌生发件人这样做：真正的邮件服务器几分钟后重试即可通过。"
            ),
            Vec::new(),
        ),
        (Expect::Command(Verb::Data), 354) => s(
            tx!(lang, "Go ahead: type the message", "请输入邮件内容"),
            tx!(
                lang,
                "Everything you type now is the message. Start with headers (Subject:, From:, To:), then an empty line, then the text. A line with only a dot ends the message.",
                "现在输入的所有内容都是邮件本身。先写邮件头（Subject:、From:、To:），然后空一行，再写正文。只包含一个点号的行表示邮件结束。"
            ),
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
        ),
        (Expect::Command(Verb::Data), 554) => s(
            tx!(lang, "No valid recipients", "没有有效的收件人"),
            tr!(
                lang,
                "DATA needs a sender and at least one accepted recipient first ('{text}').",
                "DATA 之前需要先有发件人和至少一个被接受的收件人（“{text}”）。"
            ),
            vec![
                "MAIL FROM:<you@example.com>".into(),
                "RCPT TO:<friend@example.com>".into(),
            ],
        ),
        (Expect::EndOfData, 250) => {
            let queue = text
                .to_ascii_lowercase()
                .find("queued as")
                .map(|i| text[i + "queued as".len()..].trim().to_owned())
                .filter(|id| !id.is_empty());
            let detail = match queue {
                Some(id) => tr!(
                    lang,
                    " Its queue id is {id}: give it to an administrator to trace the message in the logs.",
                    "队列编号是 {id}：可以提供给管理员在日志中追踪这封邮件。"
                ),
                None => String::new(),
            };
            s(
                tx!(
                    lang,
                    "Message accepted for delivery",
                    "邮件已接受，等待投递"
                ),
                tr!(
                    lang,
                    "The server took responsibility for the message: it is queued and will be delivered.{detail}",
                    "服务器已接管这封邮件：它已进入队列并将被投递。{detail}"
                ),
                vec![
                    tx!(lang, "QUIT — end the session", "QUIT —— 结束会话"),
                    tx!(
                        lang,
                        "MAIL FROM:<...> — send another message on the same connection",
                        "MAIL FROM:<...> —— 在同一连接上再发一封邮件"
                    ),
                ],
            )
        }
        (Expect::EndOfData, 554 | 550) => {
            let spam = ["spm", "spam"]
                .iter()
                .any(|w| text.to_ascii_lowercase().contains(w));
            s(
                if spam {
                    tx!(lang, "Message rejected as spam", "邮件被判为垃圾邮件而拒收")
                } else {
                    tx!(lang, "Message rejected", "邮件被拒收")
                },
                tr!(
                    lang,
                    "The server read the whole message and refused it ('{text}'). Content filters often reject mail without Subject:, From: and To: headers, as the 163.com tutorial's 554 DT:SPM shows.",
                    "服务器读完整封邮件后拒收了它（“{text}”）。内容过滤器常会拒收缺少 Subject:、From:、To: 邮件头的邮件，教程中 163.com 的 554 DT:SPM 就是这种情况。"
                ),
                vec![tx!(
                    lang,
                    "MAIL FROM:<...> — try again with proper headers",
                    "MAIL FROM:<...> —— 带上正确的邮件头重试"
                )],
            )
        }
        (Expect::EndOfData, 552) => s(
            tx!(lang, "Message too big", "邮件太大"),
            tx!(
                lang,
                "The message exceeds the server's size limit (see SIZE in the EHLO reply).",
                "邮件超过了服务器的大小限制（见 EHLO 回复中的 SIZE）。"
            ),
            Vec::new(),
        ),
        (Expect::Command(Verb::Auth) | Expect::AuthAnswer { .. }, 334) => {
            let (what, next) = match received.prompt.clone().unwrap_or(Prompt::Empty) {
                Prompt::Username => (
                    tx!(lang, "the username ('Username:')", "用户名（“Username:”）"),
                    tx!(
                        lang,
                        "type your username in base64, e.g. cGh1bnhtQDE2My5jb20= for phunxm@163.com",
                        "输入用户名的 base64 编码，例如 phunxm@163.com 对应 cGh1bnhtQDE2My5jb20="
                    ),
                ),
                Prompt::Password => (
                    tx!(lang, "the password ('Password:')", "密码（“Password:”）"),
                    tx!(
                        lang,
                        "type your password in base64 (for 163.com: the client authorisation code)",
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
            s(
                tr!(lang, "Server asks for {what}", "服务器要求输入{what}"),
                tr!(
                    lang,
                    "334 means: continue the AUTH exchange. The text '{text}' is base64 for what the server asks. Base64 is an encoding, not encryption: anyone can decode it, which is why real servers want TLS first.",
                    "334 表示继续认证交互。文字“{text}”是服务器所询问内容的 base64 编码。base64 只是编码而不是加密：任何人都能解码，所以真实的服务器要求先启用 TLS。"
                ),
                vec![next, tx!(lang, "* — cancel the login", "* —— 取消登录")],
            )
        }
        (Expect::Command(Verb::Auth) | Expect::AuthAnswer { .. }, 235) => s(
            tx!(lang, "Logged in", "登录成功"),
            tx!(
                lang,
                "The server accepted your credentials; it will now relay mail for you.",
                "服务器接受了你的凭据，现在会为你转发邮件。"
            ),
            vec![tx!(
                lang,
                "MAIL FROM:<you@example.com> — start a message",
                "MAIL FROM:<you@example.com> —— 开始写一封邮件"
            )],
        ),
        (Expect::Command(Verb::Auth) | Expect::AuthAnswer { .. }, 535) => s(
            tx!(lang, "Wrong username or password", "用户名或密码错误"),
            tx!(
                lang,
                "The server refused the credentials. Check that you encoded the right text (no newline: echo -n), and that the account may log in over SMTP (163.com needs a client authorisation code, not the web password).",
                "服务器拒绝了凭据。请检查编码的内容是否正确（不要带换行：使用 echo -n），以及该帐户是否允许通过 SMTP 登录（163 邮箱需要客户端授权码，而不是网页登录密码）。"
            ),
            vec!["AUTH LOGIN".into()],
        ),
        (Expect::Command(Verb::StartTls), 220) => s(
            tx!(lang, "Go ahead with TLS", "开始 TLS 握手"),
            tx!(
                lang,
                "The TLS handshake starts now on this same connection. Afterwards the server forgets everything said before: send EHLO again.",
                "现在在同一连接上开始 TLS 握手。握手之后，服务器会忘记之前的所有内容：请重新发送 EHLO。"
            ),
            vec![tx!(
                lang,
                "EHLO your.name — after the handshake",
                "EHLO 你的主机名 —— 握手完成后"
            )],
        ),
        (Expect::Command(Verb::Quit), 221) => s(
            tx!(lang, "Goodbye", "再见"),
            tx!(
                lang,
                "The server closes the connection. The session is over.",
                "服务器关闭连接，会话结束。"
            ),
            Vec::new(),
        ),
        (Expect::Command(Verb::Rset), 250) => s(
            tx!(lang, "Transaction reset", "事务已重置"),
            tx!(
                lang,
                "The sender and recipients given so far are forgotten; the connection stays open.",
                "之前指定的发件人和收件人都已清除；连接保持打开。"
            ),
            vec!["MAIL FROM:<you@example.com>".into()],
        ),
        (Expect::Command(Verb::Noop), 250) => s(
            tx!(lang, "Still here", "连接正常"),
            tx!(
                lang,
                "NOOP does nothing; the reply shows the connection is alive.",
                "NOOP 不做任何事；这个回复说明连接仍然正常。"
            ),
            Vec::new(),
        ),
        (Expect::Command(Verb::Vrfy), 250 | 251) => s(
            tx!(lang, "Address exists", "地址存在"),
            tr!(
                lang,
                "The server confirms the mailbox: '{text}'.",
                "服务器确认该邮箱存在：“{text}”。"
            ),
            Vec::new(),
        ),
        (Expect::Unknown, 500 | 502) => s(
            tx!(lang, "Unknown command", "未知命令"),
            tx!(
                lang,
                "The server does not know this command. Check the spelling; HELP may list the commands it knows.",
                "服务器不认识这个命令。请检查拼写；HELP 可能会列出它支持的命令。"
            ),
            vec!["HELP".into()],
        ),
        (answered, 503) => s(
            tx!(lang, "Bad sequence of commands", "命令顺序错误"),
            match answered {
                Expect::Command(Verb::Rcpt) => tx!(
                    lang,
                    "RCPT TO came before MAIL FROM. The order is fixed: HELO/EHLO, MAIL FROM, RCPT TO, DATA.",
                    "RCPT TO 出现在 MAIL FROM 之前。顺序是固定的：HELO/EHLO、MAIL FROM、RCPT TO、DATA。"
                ),
                Expect::Command(Verb::Data) => tx!(
                    lang,
                    "DATA came before any accepted RCPT TO. The order is fixed: HELO/EHLO, MAIL FROM, RCPT TO, DATA.",
                    "DATA 出现在任何被接受的 RCPT TO 之前。顺序是固定的：HELO/EHLO、MAIL FROM、RCPT TO、DATA。"
                ),
                Expect::Command(Verb::Mail) => tx!(
                    lang,
                    "Either you did not say HELO/EHLO yet, or a transaction is already open (send RSET to start over).",
                    "要么你还没有发送 HELO/EHLO，要么已经有一个事务在进行中（发送 RSET 重新开始）。"
                ),
                Expect::Command(Verb::Auth) => tx!(
                    lang,
                    "AUTH is not possible now: already logged in, inside a transaction, before EHLO, or the server offers it only after STARTTLS.",
                    "现在无法 AUTH：已经登录、事务进行中、尚未 EHLO，或服务器只在 STARTTLS 之后才提供认证。"
                ),
                _ => tx!(
                    lang,
                    "The command is valid but not at this point. The order is: HELO/EHLO, (AUTH), MAIL FROM, RCPT TO, DATA, QUIT.",
                    "命令本身有效，但此时不能使用。顺序是：HELO/EHLO、（AUTH）、MAIL FROM、RCPT TO、DATA、QUIT。"
                ),
            },
            Vec::new(),
        ),
        (_, 530) => s(
            tx!(lang, "Log in or encrypt first", "请先登录或加密"),
            tr!(
                lang,
                "The server requires STARTTLS or AUTH before this command ('{text}').",
                "服务器要求在此命令之前先执行 STARTTLS 或 AUTH（“{text}”）。"
            ),
            vec!["STARTTLS".into(), "AUTH LOGIN".into()],
        ),
        (_, 421) => s(
            tx!(lang, "Server closing the connection", "服务器正在关闭连接"),
            tr!(
                lang,
                "'{text}'. The server ends the session (timeout, too many errors, shutting down). Connect again to continue.",
                "“{text}”。服务器结束了会话（超时、错误过多或正在停机）。如需继续，请重新连接。"
            ),
            Vec::new(),
        ),
        _ => None,
    }
}
