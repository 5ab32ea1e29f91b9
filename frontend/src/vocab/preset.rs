//! The connect form's presets: the sandbox and the common SMTP ports, each with what it
//! is for.

use protocol::lang::Text;
use protocol::wire::TlsMode;

/// A connect-form preset: a port with what it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The playground's own SMTP server; goes where the bridge says its sandbox listens.
    Sandbox,
    /// Port 25: relay between mail servers.
    Relay,
    /// Port 465: submission with implicit TLS.
    Submissions,
    /// Port 587: submission after STARTTLS.
    Submission,
    /// Port 2525: the unofficial alternative to 587.
    Alternative,
}

impl Preset {
    /// Every preset, in the order the form shows them.
    pub const ALL: [Preset; 5] = [
        Preset::Sandbox,
        Preset::Relay,
        Preset::Submissions,
        Preset::Submission,
        Preset::Alternative,
    ];

    /// The button label.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Sandbox => "Sandbox",
            Preset::Relay => "25",
            Preset::Submissions => "465",
            Preset::Submission => "587",
            Preset::Alternative => "2525",
        }
    }

    /// The host to fill in; `None` keeps the host typed.
    pub fn host(self) -> Option<&'static str> {
        match self {
            Preset::Sandbox => Some("127.0.0.1"),
            _ => None,
        }
    }

    /// The port.
    pub fn port(self) -> u16 {
        match self {
            Preset::Sandbox | Preset::Alternative => 2525,
            Preset::Relay => 25,
            Preset::Submissions => 465,
            Preset::Submission => 587,
        }
    }

    /// The TLS mode.
    pub fn tls(self) -> TlsMode {
        match self {
            Preset::Sandbox | Preset::Relay | Preset::Alternative => TlsMode::None,
            Preset::Submissions => TlsMode::Implicit,
            Preset::Submission => TlsMode::Starttls,
        }
    }

    /// One line on what the port is for.
    pub fn about(self) -> Text {
        match self {
            Preset::Sandbox => Text {
                en: "The playground's own SMTP server: safe to experiment, mail lands in its mailbox.",
                zh: "练习场自带的 SMTP 服务器：可以放心试验，邮件会进入它的邮箱。",
            },
            Preset::Relay => Text {
                en: "Relay between mail servers (MX). No login; STARTTLS optional; often blocked by home ISPs.",
                zh: "邮件服务器之间的中继（MX）。无需登录，可选 STARTTLS；家庭宽带常屏蔽此端口。",
            },
            Preset::Submissions => Text {
                en: "Submission with implicit TLS (RFC 8314): TLS from the first byte, then AUTH.",
                zh: "隐式 TLS 的邮件提交（RFC 8314）：从第一个字节起就是 TLS，然后 AUTH。",
            },
            Preset::Submission => Text {
                en: "Submission (RFC 6409): mail clients log in here, after STARTTLS.",
                zh: "邮件提交端口（RFC 6409）：邮件客户端在 STARTTLS 之后在这里登录。",
            },
            Preset::Alternative => Text {
                en: "Unofficial alternative to 587, used when an ISP blocks the usual ports.",
                zh: "587 的非官方替代端口，在运营商屏蔽常用端口时使用。",
            },
        }
    }
}
