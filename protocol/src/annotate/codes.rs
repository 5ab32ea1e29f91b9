//! What each reply code means on its own, before context: RFC 5321 4.2.2 and 4.2.3, plus
//! the codes added by RFC 4954 (AUTH), 3207 (STARTTLS), 1870 (SIZE), 3030 (CHUNKING),
//! 6531 (SMTPUTF8) and 7504 (no mail service).

use crate::lang::{Text, t};

/// The generic meaning of a code: a short title and an explanation, with its reference.
#[derive(Clone, Copy)]
pub(crate) struct CodeMeaning {
    pub(crate) title: Text,
    pub(crate) explanation: Text,
    pub(crate) reference: &'static str,
}

macro_rules! code {
    ($title_en:expr, $title_zh:expr, $en:expr, $zh:expr, $reference:expr) => {
        CodeMeaning {
            title: t!($title_en, $title_zh),
            explanation: t!($en, $zh),
            reference: $reference,
        }
    };
}

/// The codes with a meaning of their own. A table rather than a `match`: the match
/// compiled to ten stores per arm in the WebAssembly bundle.
const CODES: &[(u16, CodeMeaning)] = &[
    (
        211,
        code!(
            "System status",
            "系统状态",
            "A reply to HELP or a status request, with system information.",
            "对 HELP 或状态请求的回复，附带系统信息。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        214,
        code!(
            "Help message",
            "帮助信息",
            "Help text for a human reader, in answer to HELP.",
            "对 HELP 的回答，供人阅读的帮助文字。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        220,
        code!(
            "Service ready",
            "服务就绪",
            "The server is ready.",
            "服务器已就绪。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        221,
        code!(
            "Closing connection",
            "关闭连接",
            "The server says goodbye and closes the connection.",
            "服务器道别并关闭连接。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        235,
        code!(
            "Authentication successful",
            "认证成功",
            "You are logged in.",
            "你已登录。",
            "RFC 4954 6"
        ),
    ),
    (
        250,
        code!(
            "OK",
            "成功",
            "The requested action was completed.",
            "请求的操作已完成。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        251,
        code!(
            "User not local; will forward",
            "非本地用户，将转发",
            "The recipient is elsewhere; the server accepts the mail and forwards it.",
            "收件人不在此服务器上；服务器接受邮件并会转发。",
            "RFC 5321 3.4"
        ),
    ),
    (
        252,
        code!(
            "Cannot verify, will try",
            "无法验证，但会尝试投递",
            "The server will not say whether the mailbox exists (to stop address harvesting) but would accept mail for it.",
            "服务器不透露邮箱是否存在（防止地址被收集），但会接受发往该地址的邮件。",
            "RFC 5321 3.5.3"
        ),
    ),
    (
        334,
        code!(
            "Authentication challenge",
            "认证质询",
            "The server waits for the next step of the AUTH exchange: one line of base64.",
            "服务器在等待认证交互的下一步：一行 base64 编码的内容。",
            "RFC 4954 4"
        ),
    ),
    (
        354,
        code!(
            "Start mail input",
            "开始输入邮件",
            "Type the message now; end it with a line holding a single dot.",
            "现在输入邮件内容；以只包含一个点号的行结束。",
            "RFC 5321 4.1.1.4"
        ),
    ),
    (
        421,
        code!(
            "Service not available, closing",
            "服务不可用，正在关闭连接",
            "The server is closing the connection: shutting down, overloaded, or you were idle too long or made too many errors. Connect again later.",
            "服务器正在关闭连接：可能正在停机、负载过高，或你空闲太久、出错太多。请稍后重新连接。",
            "RFC 5321 3.8"
        ),
    ),
    (
        432,
        code!(
            "Password transition needed",
            "需要更换密码",
            "The password must be changed before this mechanism can be used.",
            "必须先更改密码，才能使用此认证机制。",
            "RFC 4954 6"
        ),
    ),
    (
        450,
        code!(
            "Mailbox unavailable (temporary)",
            "邮箱暂时不可用",
            "The mailbox is busy or temporarily blocked, often greylisting: try again later and it may work.",
            "邮箱忙或被临时阻止，常见于灰名单机制：稍后重试可能成功。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        451,
        code!(
            "Local error in processing",
            "处理时发生本地错误",
            "Something failed on the server's side; try again later.",
            "服务器端出错；请稍后重试。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        452,
        code!(
            "Insufficient system storage",
            "系统存储空间不足",
            "The server has no room now, or you gave too many recipients for one message; try again later or with fewer recipients.",
            "服务器当前空间不足，或这封邮件的收件人太多；请稍后重试或减少收件人。",
            "RFC 5321 4.5.3.1.10"
        ),
    ),
    (
        454,
        code!(
            "Temporary failure (TLS or AUTH)",
            "临时失败（TLS 或认证）",
            "TLS or authentication is temporarily unavailable on the server; try again later.",
            "服务器暂时无法提供 TLS 或认证；请稍后重试。",
            "RFC 3207 4, RFC 4954 6"
        ),
    ),
    (
        455,
        code!(
            "Cannot accommodate parameters",
            "暂时无法满足参数",
            "The server cannot handle these parameters now.",
            "服务器现在无法处理这些参数。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        500,
        code!(
            "Command not recognized",
            "命令无法识别",
            "The server did not understand the line: a typo, an unknown verb, or a line too long.",
            "服务器无法理解这一行：可能是拼写错误、未知命令或行太长。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        501,
        code!(
            "Syntax error in parameters",
            "参数语法错误",
            "The command is known, but its arguments are wrong: a missing address, missing angle brackets, a bad parameter.",
            "命令本身正确，但参数有误：缺少地址、缺少尖括号或参数错误。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        502,
        code!(
            "Command not implemented",
            "命令未实现",
            "The server does not support this command.",
            "服务器不支持此命令。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        503,
        code!(
            "Bad sequence of commands",
            "命令顺序错误",
            "The command is valid but not at this point of the session.",
            "命令本身有效，但会话此时不能使用它。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        504,
        code!(
            "Parameter not implemented",
            "参数未实现",
            "The server does not support this parameter (for AUTH: this mechanism).",
            "服务器不支持此参数（对 AUTH 而言：不支持此认证机制）。",
            "RFC 5321 4.2.3, RFC 4954 6"
        ),
    ),
    (
        521,
        code!(
            "Does not accept mail",
            "不接收邮件",
            "This host never accepts mail.",
            "该主机从不接收邮件。",
            "RFC 7504"
        ),
    ),
    (
        530,
        code!(
            "Authentication or TLS required",
            "需要认证或加密",
            "You must log in (AUTH) or start TLS (STARTTLS) before this command.",
            "执行此命令前必须先登录（AUTH）或开启 TLS（STARTTLS）。",
            "RFC 4954 6, RFC 3207 4"
        ),
    ),
    (
        534,
        code!(
            "Mechanism too weak",
            "认证机制太弱",
            "Use a stronger authentication mechanism.",
            "请使用更强的认证机制。",
            "RFC 4954 6"
        ),
    ),
    (
        535,
        code!(
            "Authentication failed",
            "认证失败",
            "The username or password is wrong (or the account may not log in this way).",
            "用户名或密码错误（或该帐户不允许以这种方式登录）。",
            "RFC 4954 6"
        ),
    ),
    (
        538,
        code!(
            "Encryption required for mechanism",
            "该认证机制需要加密",
            "This mechanism is only allowed over TLS: STARTTLS first.",
            "此认证机制只能在 TLS 下使用：请先 STARTTLS。",
            "RFC 4954 6"
        ),
    ),
    (
        550,
        code!(
            "Mailbox unavailable",
            "邮箱不可用",
            "Refused: the mailbox does not exist, or policy forbids this (relaying denied, sender blocked).",
            "被拒绝：邮箱不存在，或策略禁止（禁止中继、发件人被封禁等）。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        551,
        code!(
            "User not local",
            "非本地用户",
            "The recipient is not here and the server will not forward.",
            "收件人不在此服务器，且服务器不会转发。",
            "RFC 5321 3.4"
        ),
    ),
    (
        552,
        code!(
            "Exceeded storage allocation",
            "超出存储限制",
            "The message is too big, or the mailbox is full.",
            "邮件太大，或邮箱已满。",
            "RFC 5321 4.2.3, RFC 1870 6"
        ),
    ),
    (
        553,
        code!(
            "Mailbox name not allowed",
            "邮箱名称不允许",
            "The address is malformed or not allowed (for example non-ASCII without SMTPUTF8).",
            "地址格式错误或不被允许（例如未启用 SMTPUTF8 时使用非 ASCII 地址）。",
            "RFC 5321 4.2.3, RFC 6531"
        ),
    ),
    (
        554,
        code!(
            "Transaction failed",
            "事务失败",
            "Refused. At connect: no SMTP service for you. After DATA: the message was rejected, often as spam.",
            "被拒绝。在连接时：不为你提供 SMTP 服务。在 DATA 之后：邮件被拒收，常见原因是被判为垃圾邮件。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        555,
        code!(
            "Parameters not recognized",
            "参数无法识别",
            "A MAIL FROM or RCPT TO parameter is unknown or not implemented.",
            "MAIL FROM 或 RCPT TO 的某个参数无法识别或未实现。",
            "RFC 5321 4.2.3"
        ),
    ),
    (
        556,
        code!(
            "Domain does not accept mail",
            "该域名不接收邮件",
            "The recipient's domain does not accept mail at all.",
            "收件人的域名根本不接收邮件。",
            "RFC 7504"
        ),
    ),
];

/// The meaning of `code`, or of its class when the code itself is not registered.
pub(crate) fn meaning(code: u16) -> CodeMeaning {
    if let Some((_, meaning)) = CODES.iter().find(|(c, _)| *c == code) {
        return *meaning;
    }
    match code / 100 {
        2 => code!(
            "Success",
            "成功",
            "A positive completion reply: the command worked.",
            "肯定完成回复：命令执行成功。",
            "RFC 5321 4.2.1"
        ),
        3 => code!(
            "Intermediate reply",
            "中间回复",
            "Accepted so far; the server waits for more input.",
            "目前已接受；服务器在等待更多输入。",
            "RFC 5321 4.2.1"
        ),
        4 => code!(
            "Temporary failure",
            "临时失败",
            "Failed for now; the same command may work later.",
            "暂时失败；稍后重试同样的命令可能会成功。",
            "RFC 5321 4.2.1"
        ),
        5 => code!(
            "Permanent failure",
            "永久失败",
            "Failed; repeating the same command will fail again.",
            "失败；重复同样的命令仍会失败。",
            "RFC 5321 4.2.1"
        ),
        _ => code!(
            "Not an SMTP reply code",
            "不是 SMTP 回复码",
            "RFC 5321 only defines codes from 2xx to 5xx.",
            "RFC 5321 只定义了 2xx 到 5xx 的回复码。",
            "RFC 5321 4.2.1"
        ),
    }
}

/// Every code with a specific meaning, for tests and documentation.
#[cfg(test)]
pub(crate) const KNOWN: &[u16] = &[
    211, 214, 220, 221, 235, 250, 251, 252, 334, 354, 421, 432, 450, 451, 452, 454, 455, 500, 501,
    502, 503, 504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn every_known_code_has_its_own_text_in_both_languages() {
        let generic = [
            meaning(299).title,
            meaning(399).title,
            meaning(499).title,
            meaning(599).title,
        ];
        for &code in KNOWN {
            let m = meaning(code);
            assert!(
                !generic.contains(&m.title),
                "{code} falls back to the class text"
            );
            for lang in [Lang::En, Lang::ZhCn] {
                assert!(!m.title.get(lang).is_empty() && !m.explanation.get(lang).is_empty());
            }
        }
        assert_eq!(meaning(199).title.en, "Not an SMTP reply code");
    }
}
