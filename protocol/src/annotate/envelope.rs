//! What a MAIL FROM or RCPT TO says beyond its verb: the null reverse-path, postmaster,
//! source routes, and every ESMTP parameter given.

use super::{tr, tx};
use crate::command::{Args, Command, Verb};
use crate::lang::Lang;

/// Appends what the path and each parameter of `line` mean to `explanation`.
pub(super) fn explain(verb: Verb, line: &str, explanation: &mut String, lang: Lang) {
    let command = Command::parse(line);
    let Args::Envelope { path, params } = &command.args else {
        return;
    };
    if let Some(path) = path {
        let address = path.address.as_str();
        let text = if path.is_null() && verb == Verb::Mail {
            Some(tx!(
                lang,
                "<> is the null reverse-path: nobody gets a bounce for this message. Bounces and automatic replies use it so that two servers never bounce at each other forever.",
                "<> 是空的反向路径：这封邮件的退信不发给任何人。退信和自动回复使用它，以免两台服务器无休止地互相退信。"
            ))
        } else if verb == Verb::Rcpt && address.eq_ignore_ascii_case("postmaster") {
            Some(tx!(
                lang,
                "<postmaster> without a domain means this server's postmaster: every SMTP server must accept it.",
                "不带域名的 <postmaster> 指这台服务器的邮件管理员：每个 SMTP 服务器都必须接受它。"
            ))
        } else if address.starts_with('@') {
            Some(tx!(
                lang,
                "This address carries a source route (@host,@host:user@domain), an obsolete form: servers must ignore the route and use the address after the colon.",
                "这个地址带有源路由（@主机,@主机:用户@域名），是一种已废弃的写法：服务器必须忽略路由，只使用冒号后面的地址。"
            ))
        } else if verb == Verb::Rcpt
            && address
                .rsplit_once('@')
                .is_some_and(|(local, _)| local.eq_ignore_ascii_case("postmaster"))
        {
            Some(tx!(
                lang,
                "postmaster@ a domain must exist and accept mail for every domain that receives mail.",
                "每个接收邮件的域名都必须有能收信的 postmaster@ 地址。"
            ))
        } else {
            None
        };
        if let Some(text) = text {
            explanation.push('\n');
            explanation.push_str(&text);
        }
    }
    for param in params {
        let keyword = param.keyword.to_ascii_uppercase();
        let value = param.value.as_deref().unwrap_or_default();
        let text = match keyword.as_str() {
            "SIZE" => tr!(
                lang,
                "SIZE={value}: the client declares the message is about {value} octets, so a server with a smaller limit can refuse it now rather than after the upload.",
                "SIZE={value}：客户端声明邮件大约 {value} 字节，限制更小的服务器可以现在就拒绝，而不必等到传完。"
            ),
            "BODY" => match value.to_ascii_uppercase().as_str() {
                "8BITMIME" => tx!(
                    lang,
                    "BODY=8BITMIME: the message contains 8-bit text (needs the 8BITMIME extension).",
                    "BODY=8BITMIME：邮件包含 8 位文本（需要 8BITMIME 扩展）。"
                ),
                "BINARYMIME" => tx!(
                    lang,
                    "BODY=BINARYMIME: binary content, which must be sent with BDAT (RFC 3030).",
                    "BODY=BINARYMIME：二进制内容，必须用 BDAT 发送（RFC 3030）。"
                ),
                _ => tx!(
                    lang,
                    "BODY=7BIT: plain 7-bit ASCII text.",
                    "BODY=7BIT：纯 7 位 ASCII 文本。"
                ),
            },
            "SMTPUTF8" => tx!(
                lang,
                "SMTPUTF8: addresses or headers of this message may contain UTF-8 (RFC 6531).",
                "SMTPUTF8：这封邮件的地址或邮件头可能包含 UTF-8（RFC 6531）。"
            ),
            "RET" => tx!(
                lang,
                "RET: in a delivery status notification, return the full message (FULL) or only its headers (HDRS) (RFC 3461).",
                "RET：投递状态通知中退回完整邮件（FULL）或只退回邮件头（HDRS）（RFC 3461）。"
            ),
            "ENVID" => tx!(
                lang,
                "ENVID: the sender's own id for this message, repeated in delivery status notifications (RFC 3461).",
                "ENVID：发件人为这封邮件设的编号，会出现在投递状态通知中（RFC 3461）。"
            ),
            "NOTIFY" => tr!(
                lang,
                "NOTIFY={value}: when to send a delivery status notification for this recipient: SUCCESS, FAILURE, DELAY, or NEVER (RFC 3461).",
                "NOTIFY={value}：何时为这个收件人发送投递状态通知：SUCCESS、FAILURE、DELAY 或 NEVER（RFC 3461）。"
            ),
            "ORCPT" => tx!(
                lang,
                "ORCPT: the original recipient address, kept for delivery status notifications when mail is forwarded (RFC 3461).",
                "ORCPT：原始收件人地址，邮件被转发时保留下来供投递状态通知使用（RFC 3461）。"
            ),
            "AUTH" => tx!(
                lang,
                "AUTH=: who submitted the message, as vouched for by an authenticated client; <> means unknown (RFC 4954 5).",
                "AUTH=：由已认证的客户端担保的邮件提交者；<> 表示未知（RFC 4954 第 5 节）。"
            ),
            "REQUIRETLS" => tx!(
                lang,
                "REQUIRETLS: every hop must use verified TLS, or the message bounces (RFC 8689).",
                "REQUIRETLS：每一跳都必须使用经过验证的 TLS，否则退信（RFC 8689）。"
            ),
            _ => tr!(
                lang,
                "{keyword}: a parameter of an ESMTP extension; the server accepts it only if it advertised that extension.",
                "{keyword}：某个 ESMTP 扩展的参数；只有声明了该扩展的服务器才会接受。"
            ),
        };
        explanation.push('\n');
        explanation.push_str(&text);
    }
}
