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

    /// The button label in `lang`.
    pub fn label(self, lang: protocol::lang::Lang) -> &'static str {
        self.facts().label.get(lang)
    }

    /// The host to fill in; `None` keeps the host typed.
    pub fn host(self) -> Option<&'static str> {
        self.facts().host
    }

    /// The port.
    pub fn port(self) -> u16 {
        self.facts().port
    }

    /// The TLS mode.
    pub fn tls(self) -> TlsMode {
        self.facts().tls
    }

    /// One line on what the port is for.
    pub fn about(self) -> Text {
        self.facts().about
    }

    fn facts(self) -> &'static Facts {
        &FACTS[self as usize]
    }
}

/// What a preset fills in, by [`Preset`] in the order of [`Preset::ALL`].
struct Facts {
    label: Text,
    host: Option<&'static str>,
    port: u16,
    tls: TlsMode,
    about: Text,
}

const FACTS: [Facts; 5] = [
    Facts {
        label: Text {
            en: "Sandbox",
            zh: "沙盒",
        },
        host: Some("127.0.0.1"),
        port: 2525,
        tls: TlsMode::None,
        about: Text {
            en: "The playground's own SMTP server: safe to experiment, mail lands in its mailbox.",
            zh: "练习场自带的 SMTP 服务器：可以放心试验，邮件会进入它的邮箱。",
        },
    },
    Facts {
        label: Text { en: "25", zh: "25" },
        host: None,
        port: 25,
        tls: TlsMode::None,
        about: Text {
            en: "Relay between mail servers (MX). No login; STARTTLS optional; often blocked by home ISPs.",
            zh: "邮件服务器之间的中继（MX）。无需登录，可选 STARTTLS；家庭宽带常屏蔽此端口。",
        },
    },
    Facts {
        label: Text {
            en: "465",
            zh: "465",
        },
        host: None,
        port: 465,
        tls: TlsMode::Implicit,
        about: Text {
            en: "Submission with implicit TLS (RFC 8314): TLS from the first byte, then AUTH.",
            zh: "隐式 TLS 的邮件提交（RFC 8314）：从第一个字节起就是 TLS，然后 AUTH。",
        },
    },
    Facts {
        label: Text {
            en: "587",
            zh: "587",
        },
        host: None,
        port: 587,
        tls: TlsMode::Starttls,
        about: Text {
            en: "Submission (RFC 6409): mail clients log in here, after STARTTLS.",
            zh: "邮件提交端口（RFC 6409）：邮件客户端在 STARTTLS 之后在这里登录。",
        },
    },
    Facts {
        label: Text {
            en: "2525",
            zh: "2525",
        },
        host: None,
        port: 2525,
        tls: TlsMode::None,
        about: Text {
            en: "Unofficial alternative to 587, used when an ISP blocks the usual ports.",
            zh: "587 的非官方替代端口，在运营商屏蔽常用端口时使用。",
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_preset_has_its_own_facts() {
        for (index, preset) in Preset::ALL.into_iter().enumerate() {
            assert_eq!(preset as usize, index, "ALL is in FACTS order");
        }
        assert_eq!(Preset::Sandbox.host(), Some("127.0.0.1"));
        assert_eq!(
            (Preset::Submissions.port(), Preset::Submissions.tls()),
            (465, TlsMode::Implicit)
        );
        assert_eq!(
            (Preset::Submission.port(), Preset::Submission.tls()),
            (587, TlsMode::Starttls)
        );
        assert_eq!(Preset::Alternative.label(protocol::lang::Lang::En), "2525");
        assert_eq!(Preset::Sandbox.label(protocol::lang::Lang::ZhCn), "沙盒");
        assert!(Preset::Relay.about().zh.contains("中继"));
    }
}
