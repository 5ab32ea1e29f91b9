//! Enhanced mail system status codes (RFC 3463, registry of RFC 5248), the `5.1.1` that many
//! servers put at the start of a reply's text, as in `550 5.1.1 <bob@example.com>: User
//! unknown`. The basic code says *that* something failed; the enhanced code says *what*.

use crate::lang::{Text, t};
use std::fmt;

/// An enhanced status code `class.subject.detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnhancedCode {
    /// 2 success, 4 persistent transient failure, 5 permanent failure.
    pub class: u8,
    /// What the code is about: 0 other, 1 addressing, 2 mailbox, 3 mail system, 4 network
    /// and routing, 5 mail delivery protocol, 6 message content, 7 security or policy.
    pub subject: u16,
    /// The detail within the subject.
    pub detail: u16,
}

impl EnhancedCode {
    /// Reads an enhanced code from the start of a reply's text, returning it and the rest of
    /// the text. `None` when the text does not start with one (RFC 3463 section 2: class
    /// 2, 4 or 5, then one to three digits twice, each part separated by a dot).
    ///
    /// Read byte by byte: every reply line the bridge relays goes through it twice
    /// (session tracking), and the `find`/`split` version was a twentieth of the relay's
    /// instructions per round trip (bench/README.md, "relay").
    pub fn parse_prefix(text: &str) -> Option<(Self, &str)> {
        let end = text.bytes().position(|b| b == b' ').unwrap_or(text.len());
        // Class, subject, detail: at most 1, 3 and 3 digits, none empty.
        const MAX_DIGITS: [u8; 3] = [1, 3, 3];
        let mut numbers = [0u16; 3];
        let mut part = 0;
        let mut digits = 0;
        for b in text[..end].bytes() {
            match b {
                b'.' if digits > 0 && part < 2 => {
                    part += 1;
                    digits = 0;
                }
                b'0'..=b'9' if digits < MAX_DIGITS[part] => {
                    digits += 1;
                    numbers[part] = numbers[part] * 10 + u16::from(b - b'0');
                }
                _ => return None,
            }
        }
        let [class, subject, detail] = numbers;
        if part != 2 || digits == 0 || !matches!(class, 2 | 4 | 5) {
            return None;
        }
        let code = Self {
            class: class as u8,
            subject,
            detail,
        };
        Some((code, text[end..].trim_start()))
    }

    /// What the subject and detail mean, from RFC 3463 and the IANA registry; `None` for
    /// codes outside them.
    pub fn meaning(self) -> Option<Text> {
        DETAILS
            .iter()
            .find(|(subject, detail, _)| *subject == self.subject && *detail == self.detail)
            .map(|(_, _, text)| *text)
    }

    /// What the subject alone means.
    pub fn subject_meaning(self) -> Text {
        match self.subject {
            1 => t!(
                "addressing: a sender or recipient address",
                "地址问题：发件人或收件人地址"
            ),
            2 => t!("the recipient's mailbox", "收件人的邮箱"),
            3 => t!("the receiving mail system", "接收方的邮件系统"),
            4 => t!("the network or routing", "网络或路由"),
            5 => t!("the SMTP protocol itself", "SMTP 协议本身"),
            6 => t!("the message content or its format", "邮件内容或格式"),
            7 => t!("security or policy", "安全或策略"),
            _ => t!("something not further specified", "未进一步说明的问题"),
        }
    }
}

impl fmt::Display for EnhancedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// Subject, detail and meaning of every registered code (RFC 3463, RFC 4954, RFC 5248's
/// registry, RFC 6531, RFC 7372, RFC 7505, RFC 8689).
const DETAILS: &[(u16, u16, Text)] = &[
    (0, 0, t!("Other undefined status", "其他未定义的状态")),
    (1, 0, t!("Other address status", "其他地址状态")),
    (
        1,
        1,
        t!(
            "Bad destination mailbox address: the recipient does not exist here",
            "目标邮箱地址错误：收件人在此服务器上不存在"
        ),
    ),
    (
        1,
        2,
        t!(
            "Bad destination system address: the recipient's domain does not exist or accepts no mail",
            "目标系统地址错误：收件人的域名不存在或不接收邮件"
        ),
    ),
    (
        1,
        3,
        t!(
            "Bad destination mailbox address syntax",
            "目标邮箱地址语法错误"
        ),
    ),
    (
        1,
        4,
        t!(
            "Destination mailbox address ambiguous",
            "目标邮箱地址不明确"
        ),
    ),
    (1, 5, t!("Destination address valid", "目标地址有效")),
    (
        1,
        6,
        t!(
            "Destination mailbox has moved, no forwarding address",
            "目标邮箱已迁移，且没有转发地址"
        ),
    ),
    (
        1,
        7,
        t!(
            "Bad sender's mailbox address syntax",
            "发件人邮箱地址语法错误"
        ),
    ),
    (
        1,
        8,
        t!(
            "Bad sender's system address: the sender's domain cannot receive replies",
            "发件人系统地址错误：发件人的域名无法接收回信"
        ),
    ),
    (
        1,
        9,
        t!(
            "Message relayed to a non-compliant mailer",
            "邮件被中继到不合规的邮件系统"
        ),
    ),
    (
        1,
        10,
        t!(
            "Recipient address has a null MX: the domain accepts no mail",
            "收件人域名的 MX 为空：该域名不接收邮件"
        ),
    ),
    (
        2,
        0,
        t!(
            "Other or undefined mailbox status",
            "其他或未定义的邮箱状态"
        ),
    ),
    (
        2,
        1,
        t!(
            "Mailbox disabled, not accepting messages",
            "邮箱已停用，不接收邮件"
        ),
    ),
    (2, 2, t!("Mailbox full", "邮箱已满")),
    (
        2,
        3,
        t!(
            "Message length exceeds administrative limit",
            "邮件大小超过管理限制"
        ),
    ),
    (
        2,
        4,
        t!("Mailing list expansion problem", "邮件列表展开出错"),
    ),
    (
        3,
        0,
        t!(
            "Other or undefined mail system status",
            "其他或未定义的邮件系统状态"
        ),
    ),
    (3, 1, t!("Mail system full", "邮件系统存储已满")),
    (
        3,
        2,
        t!(
            "System not accepting network messages",
            "系统暂不接收网络邮件"
        ),
    ),
    (
        3,
        3,
        t!(
            "System not capable of selected features",
            "系统不支持所选功能"
        ),
    ),
    (
        3,
        4,
        t!("Message too big for system", "邮件太大，系统无法接收"),
    ),
    (3, 5, t!("System incorrectly configured", "系统配置错误")),
    (
        3,
        6,
        t!("Requested priority was changed", "请求的优先级被更改"),
    ),
    (
        4,
        0,
        t!(
            "Other or undefined network or routing status",
            "其他或未定义的网络或路由状态"
        ),
    ),
    (4, 1, t!("No answer from host", "主机无应答")),
    (4, 2, t!("Bad connection", "连接出错")),
    (
        4,
        3,
        t!(
            "Directory server failure (for example DNS)",
            "目录服务器故障（例如 DNS）"
        ),
    ),
    (4, 4, t!("Unable to route", "无法路由")),
    (4, 5, t!("Mail system congestion", "邮件系统拥塞")),
    (4, 6, t!("Routing loop detected", "检测到路由环路")),
    (4, 7, t!("Delivery time expired", "投递超时")),
    (
        5,
        0,
        t!(
            "Other or undefined protocol status",
            "其他或未定义的协议状态"
        ),
    ),
    (
        5,
        1,
        t!(
            "Invalid command: not recognised, or not allowed at this point of the session",
            "无效命令：无法识别，或会话此时不允许该命令"
        ),
    ),
    (5, 2, t!("Syntax error", "语法错误")),
    (5, 3, t!("Too many recipients", "收件人过多")),
    (5, 4, t!("Invalid command arguments", "命令参数无效")),
    (5, 5, t!("Wrong protocol version", "协议版本错误")),
    (
        5,
        6,
        t!(
            "Authentication exchange line is too long",
            "认证交互的行太长"
        ),
    ),
    (
        6,
        0,
        t!(
            "Other or undefined media error",
            "其他或未定义的内容格式错误"
        ),
    ),
    (6, 1, t!("Media not supported", "不支持的内容格式")),
    (
        6,
        2,
        t!("Conversion required and prohibited", "需要转换格式但被禁止"),
    ),
    (
        6,
        3,
        t!(
            "Conversion required but not supported",
            "需要转换格式但不支持"
        ),
    ),
    (
        6,
        4,
        t!("Conversion with loss performed", "已进行有损格式转换"),
    ),
    (6, 5, t!("Conversion failed", "格式转换失败")),
    (6, 6, t!("Message content not available", "邮件内容不可用")),
    (
        6,
        7,
        t!(
            "Non-ASCII addresses not permitted for that sender or recipient",
            "该发件人或收件人不允许使用非 ASCII 地址"
        ),
    ),
    (
        6,
        8,
        t!(
            "UTF-8 string reply is required, but not permitted by the SMTP client",
            "需要 UTF-8 回复，但客户端不允许"
        ),
    ),
    (
        6,
        9,
        t!(
            "UTF-8 header message cannot be transferred to one or more recipients",
            "含 UTF-8 邮件头的邮件无法投递给部分收件人"
        ),
    ),
    (6, 10, t!("UTF-8 message downgraded", "UTF-8 邮件已降级")),
    (
        7,
        0,
        t!(
            "Other or undefined security status (often: encryption or authentication required first)",
            "其他或未定义的安全状态（常见：需要先加密或先认证）"
        ),
    ),
    (
        7,
        1,
        t!(
            "Delivery not authorized, message refused (policy: relay denied, sender or content rejected)",
            "未授权投递，邮件被拒绝（策略原因：禁止中继、发件人或内容被拒）"
        ),
    ),
    (
        7,
        2,
        t!("Mailing list expansion prohibited", "禁止展开邮件列表"),
    ),
    (
        7,
        3,
        t!(
            "Security conversion required but not possible",
            "需要安全转换但无法完成"
        ),
    ),
    (
        7,
        4,
        t!("Security features not supported", "不支持所需的安全功能"),
    ),
    (7, 5, t!("Cryptographic failure", "加密操作失败")),
    (
        7,
        6,
        t!("Cryptographic algorithm not supported", "不支持该加密算法"),
    ),
    (7, 7, t!("Message integrity failure", "邮件完整性校验失败")),
    (
        7,
        8,
        t!(
            "Authentication credentials invalid: wrong username or password",
            "认证凭据无效：用户名或密码错误"
        ),
    ),
    (
        7,
        9,
        t!("Authentication mechanism is too weak", "认证机制太弱"),
    ),
    (7, 10, t!("Encryption needed", "需要加密")),
    (
        7,
        11,
        t!(
            "Encryption required for requested authentication mechanism",
            "所请求的认证机制需要先加密连接"
        ),
    ),
    (7, 12, t!("A password transition is needed", "需要更换密码")),
    (7, 13, t!("User account disabled", "用户帐户已停用")),
    (7, 14, t!("Trust relationship required", "需要信任关系")),
    (7, 15, t!("Priority level is too low", "优先级太低")),
    (
        7,
        16,
        t!(
            "Message is too big for the specified priority",
            "邮件对于指定的优先级来说太大"
        ),
    ),
    (7, 17, t!("Mailbox owner has changed", "邮箱所有者已变更")),
    (7, 18, t!("Domain owner has changed", "域名所有者已变更")),
    (
        7,
        19,
        t!("RRVS test cannot be completed", "RRVS 检查无法完成"),
    ),
    (
        7,
        20,
        t!(
            "No passing DKIM signature found",
            "没有找到通过验证的 DKIM 签名"
        ),
    ),
    (
        7,
        21,
        t!(
            "No acceptable DKIM signature found",
            "没有找到可接受的 DKIM 签名"
        ),
    ),
    (
        7,
        22,
        t!(
            "No valid author-matched DKIM signature found",
            "没有找到与作者匹配的有效 DKIM 签名"
        ),
    ),
    (7, 23, t!("SPF validation failed", "SPF 验证失败")),
    (7, 24, t!("SPF validation error", "SPF 验证出错")),
    (
        7,
        25,
        t!("Reverse DNS validation failed", "反向 DNS 验证失败"),
    ),
    (
        7,
        26,
        t!("Multiple authentication checks failed", "多项认证检查失败"),
    ),
    (
        7,
        27,
        t!("Sender address has a null MX", "发件人域名的 MX 为空"),
    ),
    (7, 28, t!("Mail flood detected", "检测到邮件洪泛")),
    (7, 29, t!("ARC validation failure", "ARC 验证失败")),
    (
        7,
        30,
        t!("REQUIRETLS support required", "需要支持 REQUIRETLS"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn parses_codes_at_the_start_of_reply_text() {
        let (code, rest) = EnhancedCode::parse_prefix("5.1.1 <bob@x>: User unknown").expect("code");
        assert_eq!((code.class, code.subject, code.detail), (5, 1, 1));
        assert_eq!(rest, "<bob@x>: User unknown");
        assert_eq!(code.to_string(), "5.1.1");
        let (code, rest) = EnhancedCode::parse_prefix("2.0.0").expect("code");
        assert_eq!((code.to_string().as_str(), rest), ("2.0.0", ""));
        let (code, _) = EnhancedCode::parse_prefix("4.7.28 flood").expect("code");
        assert_eq!(code.detail, 28);
    }

    /// The first version, with `find` and `split`: what the byte reader must agree with.
    fn parse_prefix_by_split(text: &str) -> Option<(EnhancedCode, &str)> {
        let end = text.find(' ').unwrap_or(text.len());
        let mut parts = text[..end].split('.');
        let (class, subject, detail) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let number = |s: &str, max_len: usize| {
            (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u16>().ok())
                .flatten()
        };
        let class = number(class, 1)?;
        if !matches!(class, 2 | 4 | 5) {
            return None;
        }
        let code = EnhancedCode {
            class: class as u8,
            subject: number(subject, 3)?,
            detail: number(detail, 3)?,
        };
        Some((code, text[end..].trim_start()))
    }

    proptest::proptest! {
        /// Code-like text (digits, dots, spaces, other characters, non-ASCII) reads as
        /// the `split` version read it.
        #[test]
        fn reads_as_the_split_version(text in r"[0-9. a\u{a0}\u{3000}é]{0,14}") {
            proptest::prop_assert_eq!(EnhancedCode::parse_prefix(&text), parse_prefix_by_split(&text));
        }

        /// Any text at all.
        #[test]
        fn any_text_reads_as_the_split_version(text in r"\PC{0,20}") {
            proptest::prop_assert_eq!(EnhancedCode::parse_prefix(&text), parse_prefix_by_split(&text));
        }
    }

    #[test]
    fn rejects_text_that_only_looks_like_a_code() {
        for text in [
            "Ok",
            "3.1.1 x",
            "5.1 x",
            "5.1.1.1 x",
            "5.1.x y",
            "5.1234.1 x",
            "",
            "5..1 x",
            "1.2.3",
            ".5.1.1",
            "5.1.1.",
            "5.1.",
            "55.1.1",
            "5.1.1\u{a0}x",
            "٥.١.١ x",
        ] {
            assert_eq!(EnhancedCode::parse_prefix(text), None, "{text:?}");
        }
    }

    #[test]
    fn meanings_cover_what_real_servers_send() {
        for text in [
            "2.0.0", "2.1.0", "2.1.5", "2.7.0", "5.5.1", "5.5.2", "5.5.4", "5.7.0", "5.7.1",
            "5.7.8", "5.1.1", "5.3.4", "4.7.0", "4.4.2", "5.2.2",
        ] {
            let (code, _) = EnhancedCode::parse_prefix(text).expect("code");
            let meaning = code
                .meaning()
                .unwrap_or_else(|| panic!("{text} has no meaning"));
            assert!(!meaning.get(Lang::En).is_empty() && !meaning.get(Lang::ZhCn).is_empty());
        }
        let (unknown, _) = EnhancedCode::parse_prefix("5.9.99").expect("code");
        assert_eq!(unknown.meaning(), None);
        assert!(unknown.subject_meaning().en.contains("not further"));
    }

    #[test]
    fn table_has_no_duplicates() {
        for (i, (s, d, _)) in DETAILS.iter().enumerate() {
            assert!(
                !DETAILS[i + 1..]
                    .iter()
                    .any(|(s2, d2, _)| (s, d) == (s2, d2)),
                "{s}.{d}"
            );
        }
    }
}
