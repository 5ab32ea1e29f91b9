//! EHLO capabilities: the lines after the greeting line of a `250` reply to EHLO.
//!
//! ```text
//! 250-mail.example.com             <- greeting, the server's name
//! 250-PIPELINING                   <- one extension per line: keyword [parameters]
//! 250-SIZE 10240000
//! 250 AUTH PLAIN LOGIN
//! ```
//!
//! Each keyword is explained with its RFC, so the page can show a table of what the server
//! offers and the session can predict what it will refuse.

use crate::lang::{Text, t};
use crate::reply::Reply;

/// One advertised extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extension {
    /// `PIPELINING`: several commands may be sent without waiting (RFC 2920).
    Pipelining,
    /// `SIZE [n]`: the largest message accepted, in octets; 0 or absent means no fixed limit
    /// (RFC 1870).
    Size(Option<u64>),
    /// `VRFY`: the VRFY command is available (RFC 5321 3.5).
    Vrfy,
    /// `ETRN`: remote queue starting (RFC 1985).
    Etrn,
    /// `STARTTLS`: the connection can be upgraded to TLS (RFC 3207).
    StartTls,
    /// `AUTH mechanisms...`: SMTP authentication (RFC 4954). Also the pre-standard
    /// `AUTH=LOGIN` form some servers still send.
    Auth(Vec<String>),
    /// `ENHANCEDSTATUSCODES`: replies carry codes like `5.1.1` (RFC 2034).
    EnhancedStatusCodes,
    /// `8BITMIME`: message text may use 8-bit bytes (RFC 6152).
    EightBitMime,
    /// `DSN`: delivery status notifications (RFC 3461).
    Dsn,
    /// `SMTPUTF8`: UTF-8 addresses and headers (RFC 6531).
    SmtpUtf8,
    /// `CHUNKING`: the BDAT command (RFC 3030).
    Chunking,
    /// `BINARYMIME`: binary message bodies with BDAT (RFC 3030).
    BinaryMime,
    /// `PRDR`: per-recipient data responses (draft-hall-prdr).
    Prdr,
    /// `REQUIRETLS`: the message must only travel over TLS (RFC 8689).
    RequireTls,
    /// `HELP`: the HELP command is available (RFC 5321 4.1.1.8).
    Help,
    /// `PIPECONNECT`: Exim's early pipelining before the banner.
    PipeConnect,
    /// `LIMITS name=value...`: limits the client should respect (RFC 9422).
    Limits(Vec<(String, String)>),
    /// `EXPN`: the EXPN command is available (RFC 5321 3.5).
    Expn,
    /// `DELIVERBY`: a deadline for delivery (RFC 2852).
    DeliverBy,
    /// `MT-PRIORITY`: message priorities (RFC 6710).
    MtPriority,
    /// `X-...`: a vendor extension.
    Vendor {
        /// The keyword as sent.
        keyword: String,
        /// The parameters as sent.
        params: String,
    },
    /// Any other keyword.
    Unknown {
        /// The keyword as sent.
        keyword: String,
        /// The parameters as sent.
        params: String,
    },
}

impl Extension {
    /// Parses one capability line, e.g. `SIZE 10240000` or `AUTH PLAIN LOGIN`. Keywords are
    /// case-insensitive (RFC 5321 2.4).
    pub fn parse(line: &str) -> Self {
        let line = line.trim();
        let (keyword, params) = match line.find([' ', '=']) {
            Some(i) => (&line[..i], line[i + 1..].trim()),
            None => (line, ""),
        };
        let upper = keyword.to_ascii_uppercase();
        let words = || params.split_ascii_whitespace().map(str::to_owned).collect();
        match upper.as_str() {
            "PIPELINING" => Self::Pipelining,
            "SIZE" => Self::Size(params.parse().ok().filter(|&n| n > 0)),
            "VRFY" => Self::Vrfy,
            "ETRN" => Self::Etrn,
            "STARTTLS" => Self::StartTls,
            "AUTH" => Self::Auth(words()),
            "ENHANCEDSTATUSCODES" => Self::EnhancedStatusCodes,
            "8BITMIME" => Self::EightBitMime,
            "DSN" => Self::Dsn,
            "SMTPUTF8" => Self::SmtpUtf8,
            "CHUNKING" => Self::Chunking,
            "BINARYMIME" => Self::BinaryMime,
            "PRDR" => Self::Prdr,
            "REQUIRETLS" => Self::RequireTls,
            "HELP" => Self::Help,
            "PIPECONNECT" | "X-PIPECONNECT" => Self::PipeConnect,
            "LIMITS" => Self::Limits(
                params
                    .split_ascii_whitespace()
                    .map(|pair| match pair.split_once('=') {
                        Some((k, v)) => (k.to_owned(), v.to_owned()),
                        None => (pair.to_owned(), String::new()),
                    })
                    .collect(),
            ),
            "EXPN" => Self::Expn,
            "DELIVERBY" => Self::DeliverBy,
            "MT-PRIORITY" => Self::MtPriority,
            _ if upper.starts_with("X-") => Self::Vendor {
                keyword: keyword.to_owned(),
                params: params.to_owned(),
            },
            _ => Self::Unknown {
                keyword: keyword.to_owned(),
                params: params.to_owned(),
            },
        }
    }

    /// The keyword in its canonical spelling.
    pub fn keyword(&self) -> &str {
        match self {
            Self::Pipelining => "PIPELINING",
            Self::Size(_) => "SIZE",
            Self::Vrfy => "VRFY",
            Self::Etrn => "ETRN",
            Self::StartTls => "STARTTLS",
            Self::Auth(_) => "AUTH",
            Self::EnhancedStatusCodes => "ENHANCEDSTATUSCODES",
            Self::EightBitMime => "8BITMIME",
            Self::Dsn => "DSN",
            Self::SmtpUtf8 => "SMTPUTF8",
            Self::Chunking => "CHUNKING",
            Self::BinaryMime => "BINARYMIME",
            Self::Prdr => "PRDR",
            Self::RequireTls => "REQUIRETLS",
            Self::Help => "HELP",
            Self::PipeConnect => "PIPECONNECT",
            Self::Limits(_) => "LIMITS",
            Self::Expn => "EXPN",
            Self::DeliverBy => "DELIVERBY",
            Self::MtPriority => "MT-PRIORITY",
            Self::Vendor { keyword, .. } | Self::Unknown { keyword, .. } => keyword,
        }
    }

    /// The defining document, e.g. `RFC 3207`.
    pub fn reference(&self) -> &'static str {
        match self {
            Self::Pipelining => "RFC 2920",
            Self::Size(_) => "RFC 1870",
            Self::Vrfy | Self::Expn | Self::Help => "RFC 5321",
            Self::Etrn => "RFC 1985",
            Self::StartTls => "RFC 3207",
            Self::Auth(_) => "RFC 4954",
            Self::EnhancedStatusCodes => "RFC 2034",
            Self::EightBitMime => "RFC 6152",
            Self::Dsn => "RFC 3461",
            Self::SmtpUtf8 => "RFC 6531",
            Self::Chunking | Self::BinaryMime => "RFC 3030",
            Self::Prdr => "draft-hall-prdr",
            Self::RequireTls => "RFC 8689",
            Self::PipeConnect => "Exim",
            Self::Limits(_) => "RFC 9422",
            Self::DeliverBy => "RFC 2852",
            Self::MtPriority => "RFC 6710",
            Self::Vendor { .. } | Self::Unknown { .. } => "",
        }
    }

    /// What the extension lets a client do.
    pub fn explanation(&self) -> Text {
        match self {
            Self::Pipelining => t!(
                "You may send several commands (MAIL, RCPT, ...) without waiting for each reply; the replies come back in order.",
                "可以连续发送多条命令（MAIL、RCPT 等）而不必逐条等待回复，回复会按顺序返回。"
            ),
            Self::Size(Some(_)) => t!(
                "The largest message the server accepts, in octets. Announce your message size with MAIL FROM:<...> SIZE=n to be refused early instead of after sending it all.",
                "服务器接受的最大邮件字节数。可在 MAIL FROM:<...> 后加 SIZE=n 声明邮件大小，超限时会提前被拒，而不是发完才被拒。"
            ),
            Self::Size(None) => t!(
                "The server accepts the SIZE parameter on MAIL FROM, with no fixed limit announced.",
                "服务器支持 MAIL FROM 的 SIZE 参数，但未声明固定的大小上限。"
            ),
            Self::Vrfy => t!(
                "VRFY <address> asks whether a mailbox exists. Many servers answer 252 (cannot verify) to stop address harvesting.",
                "VRFY <地址> 用于询问邮箱是否存在。为防止地址被收集，许多服务器只回答 252（无法验证）。"
            ),
            Self::Etrn => t!(
                "ETRN asks the server to start delivering mail queued for a domain (used by intermittently connected sites).",
                "ETRN 请求服务器开始投递为某个域名排队的邮件（用于间歇联网的站点）。"
            ),
            Self::StartTls => t!(
                "Type STARTTLS to encrypt this connection; after the 220 reply the TLS handshake runs and you must say EHLO again.",
                "输入 STARTTLS 可加密此连接；收到 220 后进行 TLS 握手，之后必须重新发送 EHLO。"
            ),
            Self::Auth(_) => t!(
                "Log in with AUTH and one of the listed mechanisms. LOGIN asks for the username and password in base64; PLAIN sends both in one base64 string.",
                "使用 AUTH 加上所列机制之一登录。LOGIN 会以 base64 分别询问用户名和密码；PLAIN 则把两者放在一个 base64 字符串中发送。"
            ),
            Self::EnhancedStatusCodes => t!(
                "Replies carry a detailed status like 5.1.1 after the code, which says exactly what went wrong.",
                "回复码后会带有如 5.1.1 的详细状态码，准确说明出错原因。"
            ),
            Self::EightBitMime => t!(
                "Message text may contain 8-bit bytes (declare it with MAIL FROM:<...> BODY=8BITMIME).",
                "邮件正文可以包含 8 位字节（在 MAIL FROM:<...> 后加 BODY=8BITMIME 声明）。"
            ),
            Self::Dsn => t!(
                "Delivery status notifications: ask for success or failure reports with NOTIFY= on RCPT and RET= on MAIL.",
                "投递状态通知：可在 RCPT 上用 NOTIFY=、在 MAIL 上用 RET= 请求成功或失败报告。"
            ),
            Self::SmtpUtf8 => t!(
                "Addresses and headers may be UTF-8, e.g. 用户@例子.中国 (declare it with MAIL FROM:<...> SMTPUTF8).",
                "地址和邮件头可以使用 UTF-8，例如 用户@例子.中国（在 MAIL FROM:<...> 后加 SMTPUTF8 声明）。"
            ),
            Self::Chunking => t!(
                "BDAT sends the message in sized chunks instead of DATA, with no dot-stuffing.",
                "可以用 BDAT 按指定大小分块发送邮件，代替 DATA，且无需点号转义。"
            ),
            Self::BinaryMime => t!(
                "Binary message bodies are accepted with BDAT and BODY=BINARYMIME.",
                "配合 BDAT 和 BODY=BINARYMIME 可发送二进制邮件正文。"
            ),
            Self::Prdr => t!(
                "Per-recipient data responses: after DATA the server can accept the message for some recipients and refuse it for others.",
                "按收件人分别回复：DATA 之后服务器可以对部分收件人接受、对另一部分拒绝。"
            ),
            Self::RequireTls => t!(
                "MAIL FROM:<...> REQUIRETLS demands that every hop of this message uses verified TLS.",
                "MAIL FROM:<...> REQUIRETLS 要求邮件传输的每一跳都使用经过验证的 TLS。"
            ),
            Self::Help => t!(
                "HELP shows the server's help text.",
                "HELP 显示服务器的帮助信息。"
            ),
            Self::PipeConnect => t!(
                "Exim's connect-time pipelining: a client that saw this before may send EHLO before the banner.",
                "Exim 的连接期流水线：之前见过此扩展的客户端可以在收到欢迎信息前就发送 EHLO。"
            ),
            Self::Limits(_) => t!(
                "Limits to respect in this session, e.g. RCPTMAX (recipients per message) and MAILMAX (messages per session).",
                "本会话中应遵守的限制，例如 RCPTMAX（每封邮件的收件人数）和 MAILMAX（每个会话的邮件数）。"
            ),
            Self::Expn => t!(
                "EXPN <list> asks the server to expand a mailing list. Usually disabled.",
                "EXPN <列表> 请求服务器展开邮件列表，通常被禁用。"
            ),
            Self::DeliverBy => t!(
                "MAIL FROM:<...> BY=seconds;R|N sets a delivery deadline.",
                "MAIL FROM:<...> BY=秒数;R|N 可设置投递期限。"
            ),
            Self::MtPriority => t!(
                "MAIL FROM:<...> MT-PRIORITY=n gives the message a priority.",
                "MAIL FROM:<...> MT-PRIORITY=n 可设置邮件优先级。"
            ),
            Self::Vendor { .. } => t!(
                "A vendor-specific extension (X- prefix); its meaning is defined by the server software.",
                "厂商自定义扩展（X- 前缀），其含义由服务器软件决定。"
            ),
            Self::Unknown { .. } => t!(
                "An extension this playground does not know.",
                "本工具不认识的扩展。"
            ),
        }
    }
}

/// What a server offers, from its reply to EHLO.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// The domain or greeting on the first line.
    pub greeting: String,
    /// The extensions, in the order advertised.
    pub extensions: Vec<Extension>,
}

impl Capabilities {
    /// Reads the capabilities from a reply to EHLO. The first line is the greeting; every
    /// further line is one extension.
    pub fn from_reply(reply: &Reply) -> Self {
        let mut lines = reply.lines();
        Self {
            greeting: lines.next().unwrap_or_default().to_owned(),
            extensions: lines.map(Extension::parse).collect(),
        }
    }

    /// Whether an extension with this keyword was advertised (case-insensitive).
    pub fn has(&self, keyword: &str) -> bool {
        self.extensions
            .iter()
            .any(|e| e.keyword().eq_ignore_ascii_case(keyword))
    }

    /// The advertised SASL mechanisms, upper-cased, from every AUTH line.
    pub fn auth_mechanisms(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        for ext in &self.extensions {
            if let Extension::Auth(mechs) = ext {
                for mech in mechs {
                    let mech = mech.to_ascii_uppercase();
                    if !all.contains(&mech) {
                        all.push(mech);
                    }
                }
            }
        }
        all
    }

    /// The advertised SIZE limit, if one was given.
    pub fn size_limit(&self) -> Option<u64> {
        self.extensions.iter().find_map(|e| match e {
            Extension::Size(limit) => *limit,
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::reply::ReplyAssembler;

    fn reply(lines: &[&str]) -> Reply {
        let mut asm = ReplyAssembler::default();
        let mut done = None;
        for line in lines {
            done = asm.push(line).expect("valid line");
        }
        done.expect("complete reply")
    }

    #[test]
    fn reads_a_postfix_ehlo_reply() {
        let caps = Capabilities::from_reply(&reply(&[
            "250-postfix.test",
            "250-PIPELINING",
            "250-SIZE 10240000",
            "250-VRFY",
            "250-ETRN",
            "250-STARTTLS",
            "250-AUTH PLAIN LOGIN",
            "250-AUTH=PLAIN LOGIN",
            "250-ENHANCEDSTATUSCODES",
            "250-8BITMIME",
            "250-DSN",
            "250-SMTPUTF8",
            "250 CHUNKING",
        ]));
        assert_eq!(caps.greeting, "postfix.test");
        assert_eq!(caps.extensions.len(), 12);
        assert!(caps.has("starttls") && caps.has("PIPELINING") && caps.has("chunking"));
        assert!(!caps.has("REQUIRETLS"));
        assert_eq!(caps.size_limit(), Some(10_240_000));
        assert_eq!(caps.auth_mechanisms(), ["PLAIN", "LOGIN"]);
        for ext in &caps.extensions {
            assert!(!ext.reference().is_empty(), "{ext:?}");
            assert!(!ext.explanation().get(Lang::ZhCn).is_empty());
        }
    }

    #[test]
    fn unusual_keywords() {
        assert_eq!(Extension::parse("size"), Extension::Size(None));
        assert_eq!(Extension::parse("SIZE 0"), Extension::Size(None));
        assert_eq!(Extension::parse("SIZE lots"), Extension::Size(None));
        assert_eq!(
            Extension::parse("LIMITS RCPTMAX=100 MAILMAX=5"),
            Extension::Limits(vec![
                ("RCPTMAX".into(), "100".into()),
                ("MAILMAX".into(), "5".into())
            ])
        );
        assert!(matches!(
            Extension::parse("X-EXPS GSSAPI NTLM"),
            Extension::Vendor { .. }
        ));
        assert!(matches!(
            Extension::parse("XCLIENT ADDR"),
            Extension::Unknown { .. }
        ));
        assert!(matches!(Extension::parse(""), Extension::Unknown { .. }));
    }
}
