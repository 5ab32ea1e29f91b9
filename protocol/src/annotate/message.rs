//! Annotations of message text (after `354`): header fields by name, the blank line that
//! ends the headers versus paragraph breaks, dot-stuffed lines.

use super::{tr, tx};
use crate::lang::Lang;
use crate::session::HeaderState;

type Parts = (String, String, Option<String>, &'static str);

/// Explains one line of message text as sent; `number` is its line of the body (counted
/// after the header block), `before` where the message stood before this line.
pub(super) fn body_line(line: &str, number: usize, before: HeaderState, lang: Lang) -> Parts {
    let in_headers = matches!(before, HeaderState::Start | HeaderState::Headers);
    if line.is_empty() {
        let (title, explanation) = match before {
            HeaderState::Headers => (
                tx!(lang, "Empty line: end of the headers", "空行：邮件头结束"),
                tx!(
                    lang,
                    "The first empty line separates the header fields from the body; everything after it is the text the recipient reads.",
                    "第一个空行把邮件头和正文分开；它后面的所有内容都是收件人阅读的正文。"
                ),
            ),
            HeaderState::Start => (
                tx!(
                    lang,
                    "Empty first line: no headers",
                    "第一行为空：没有邮件头"
                ),
                tx!(
                    lang,
                    "The message starts with an empty line, so it has no header fields at all: everything after it is body text.",
                    "邮件以空行开头，所以它没有任何邮件头：后面的所有内容都是正文。"
                ),
            ),
            HeaderState::Body | HeaderState::NoHeaders => (
                tx!(lang, "Empty line in the text", "正文中的空行"),
                tx!(
                    lang,
                    "A paragraph break in the body. Only the first empty line ends the headers.",
                    "正文中的段落分隔。只有第一个空行才表示邮件头结束。"
                ),
            ),
        };
        return (title, explanation, None, "RFC 5322 2.1");
    }
    if let Some(rest) = line.strip_prefix("..") {
        return (
            tx!(lang, "Dot-stuffed line", "点号转义的行"),
            tr!(
                lang,
                "On the wire '..{rest}', stored as '.{rest}': a line of text that starts with a dot is sent with one more dot, which the server removes.",
                "线路上是“..{rest}”，保存为“.{rest}”：以点号开头的正文行在发送时会多加一个点，服务器会去掉它。"
            ),
            None,
            "RFC 5321 4.5.2",
        );
    }
    let folded = line.starts_with([' ', '\t']);
    if in_headers && folded && before == HeaderState::Headers {
        return (
            tx!(lang, "Header continued", "邮件头续行"),
            tx!(
                lang,
                "A line that starts with a space or tab continues the header field above (folding).",
                "以空格或制表符开头的行是上一个邮件头字段的续行（折叠）。"
            ),
            None,
            "RFC 5322 2.2.3",
        );
    }
    if in_headers
        && let Some((name, _)) = line.split_once(':')
        && !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_graphic())
    {
        let what = header_meaning(name, lang);
        return (
            tr!(lang, "Header {name}:", "邮件头 {name}:"),
            what,
            None,
            "RFC 5322 3.6",
        );
    }
    (
        tr!(
            lang,
            "Message text, line {number}",
            "邮件正文，第 {number} 行"
        ),
        tx!(
            lang,
            "Part of the message. A line holding a single dot ends it.",
            "邮件内容的一部分。只含一个点号的行表示邮件结束。"
        ),
        None,
        "RFC 5322 2.1",
    )
}

fn header_meaning(name: &str, lang: Lang) -> String {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "subject" => tx!(
            lang,
            "The subject line the recipient sees.",
            "收件人看到的邮件主题。"
        ),
        "from" => tx!(
            lang,
            "The author shown to the recipient. It may differ from MAIL FROM, the envelope sender that receives bounces; RFC 5322 requires it.",
            "显示给收件人的作者。它可以与 MAIL FROM（接收退信的信封发件人）不同；RFC 5322 要求必须有这个字段。"
        ),
        "to" => tx!(
            lang,
            "The recipients shown in the message. Delivery follows the envelope (RCPT TO), not this header.",
            "邮件中显示的收件人。实际投递依据信封（RCPT TO），而不是这个邮件头。"
        ),
        "cc" => tx!(lang, "Visible copy recipients.", "可见的抄送人。"),
        "bcc" => tx!(
            lang,
            "Blind copies: a client normally removes this header before sending.",
            "密送：客户端通常会在发送前删除这个邮件头。"
        ),
        "date" => tx!(
            lang,
            "When the message was written; RFC 5322 requires it (servers add one when it is missing).",
            "邮件的撰写时间；RFC 5322 要求必须有（缺少时服务器常会补上）。"
        ),
        "message-id" => tx!(
            lang,
            "A worldwide unique identifier of this message, used by replies and threading.",
            "这封邮件的全球唯一标识，回复和会话归类会用到它。"
        ),
        "reply-to" => tx!(
            lang,
            "Where replies should go instead of From:.",
            "回复应发往的地址（代替 From:）。"
        ),
        "sender" => tx!(
            lang,
            "Who actually sent the message on behalf of From:.",
            "代表 From: 实际发送邮件的人。"
        ),
        "in-reply-to" | "references" => tx!(
            lang,
            "Links this message to the one it answers (threading).",
            "把这封邮件与它所回复的邮件关联起来（会话归类）。"
        ),
        "mime-version" => tx!(
            lang,
            "Says the message uses MIME (always 1.0), so Content-Type and friends apply.",
            "表示邮件使用 MIME（总是 1.0），因此 Content-Type 等字段生效。"
        ),
        "content-type" => tx!(
            lang,
            "What the body is: text/plain, text/html, multipart/... and its charset.",
            "正文的类型：text/plain、text/html、multipart/... 以及字符集。"
        ),
        "content-transfer-encoding" => tx!(
            lang,
            "How the body is encoded for SMTP: 7bit, 8bit, quoted-printable or base64.",
            "正文为 SMTP 传输所用的编码：7bit、8bit、quoted-printable 或 base64。"
        ),
        "content-disposition" => tx!(
            lang,
            "Whether a part is shown inline or as an attachment, and its file name.",
            "某个部分是内嵌显示还是作为附件，以及它的文件名。"
        ),
        "received" => tx!(
            lang,
            "A trace line: each server that handles the message adds one at the top.",
            "跟踪记录：每台经手的服务器都会在顶部加一行。"
        ),
        "return-path" => tx!(
            lang,
            "The envelope sender, added by the final delivery; a client should not send it.",
            "信封发件人，由最终投递时添加；客户端不应自己发送。"
        ),
        "user-agent" | "x-mailer" => tx!(
            lang,
            "The program that wrote the message.",
            "撰写邮件的程序。"
        ),
        "dkim-signature" => tx!(
            lang,
            "A DKIM signature: the sending domain vouches for the message.",
            "DKIM 签名：发件域名为这封邮件担保。"
        ),
        _ if lower.starts_with("x-") => tx!(
            lang,
            "A private header field (X-): ignored by standards, used by programs.",
            "私有邮件头字段（X-）：标准不规定其含义，供程序使用。"
        ),
        _ if lower.starts_with("list-") => tx!(
            lang,
            "Mailing list information (RFC 2369), such as how to unsubscribe.",
            "邮件列表信息（RFC 2369），例如如何退订。"
        ),
        _ => tx!(lang, "A header field.", "一个邮件头字段。"),
    }
}
