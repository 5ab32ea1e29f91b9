//! Lesson mode: the telnet tutorial's steps (connect, EHLO, AUTH LOGIN, MAIL FROM, RCPT TO,
//! DATA, headers, the lone `.`, QUIT), each checked off when the server's real reply says
//! it worked, as `protocol`'s session understands it. It works against the sandbox and
//! against any real server.

use protocol::lang::Lang;
use protocol::session::{ClientSession, Phase};

/// One step of the lesson, in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// What to do: English, Chinese.
    pub title: (&'static str, &'static str),
    /// Why, and what the server answers: English, Chinese.
    pub about: (&'static str, &'static str),
    /// What to type (a click puts it on the command line); empty when there is nothing.
    pub example: &'static str,
}

impl Step {
    /// The title in `lang`.
    pub fn title(&self, lang: Lang) -> &'static str {
        pick(lang, self.title)
    }

    /// The explanation in `lang`.
    pub fn about(&self, lang: Lang) -> &'static str {
        pick(lang, self.about)
    }
}

fn pick(lang: Lang, (en, zh): (&'static str, &'static str)) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::ZhCn => zh,
    }
}

/// The steps, in order.
pub const STEPS: [Step; 9] = [
    Step {
        title: ("Connect", "连接"),
        about: (
            "Press Connect. The server speaks first: 220 and its name.",
            "点击“连接”。服务器先开口：220 加上它的名字。",
        ),
        example: "",
    },
    Step {
        title: ("Say hello: EHLO", "打招呼：EHLO"),
        about: (
            "Introduce yourself. EHLO answers 250 with the extensions the server supports (HELO works too, without them).",
            "介绍你自己。EHLO 会得到 250 以及服务器支持的扩展列表（HELO 也可以，但没有扩展列表）。",
        ),
        example: "EHLO me",
    },
    Step {
        title: ("Log in: AUTH LOGIN", "登录：AUTH LOGIN"),
        about: (
            "The server asks for the username and the password in base64 (334). The AUTH helper encodes them for you; 235 means you are in.",
            "服务器用 base64 询问用户名和密码（334）。AUTH 助手会帮你编码；235 表示登录成功。",
        ),
        example: "AUTH LOGIN",
    },
    Step {
        title: ("Sender: MAIL FROM", "发件人：MAIL FROM"),
        about: (
            "Start a message with the envelope sender in angle brackets; 250 accepts it.",
            "用尖括号里的信封发件人开始一封邮件；250 表示接受。",
        ),
        example: "MAIL FROM:<demo@example.org>",
    },
    Step {
        title: ("Recipient: RCPT TO", "收件人：RCPT TO"),
        about: (
            "Name a recipient; repeat for more. 250 accepts, 550 refuses that address.",
            "指定一个收件人；多个收件人就重复发送。250 表示接受，550 表示拒绝该地址。",
        ),
        example: "RCPT TO:<friend@example.org>",
    },
    Step {
        title: ("DATA", "DATA"),
        about: (
            "Ask to send the message text; 354 says go ahead and end with a line holding a single dot.",
            "请求发送邮件正文；354 表示可以开始，并以只有一个点的行结束。",
        ),
        example: "DATA",
    },
    Step {
        title: ("Headers, then an empty line", "邮件头，然后一个空行"),
        about: (
            "Type Subject:, From: and To: lines, then an empty line; the body follows.",
            "输入 Subject:、From: 和 To: 行，然后一个空行；之后是正文。",
        ),
        example: "Subject: Hello from the playground",
    },
    Step {
        title: ("End with a lone .", "用单独的 . 结束"),
        about: (
            "A line with only a dot ends the message; 250 means the server took responsibility for it.",
            "只有一个点的行表示邮件结束；250 表示服务器已接收并负责投递。",
        ),
        example: ".",
    },
    Step {
        title: ("QUIT", "QUIT"),
        about: (
            "Say goodbye; 221 and the server closes the connection.",
            "说再见；服务器回复 221 并关闭连接。",
        ),
        example: "QUIT",
    },
];

/// Which steps are done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    done: [bool; STEPS.len()],
    /// A `Subject:` line was typed in the message, waiting for the empty line.
    subject: bool,
}

impl Progress {
    /// Whether step `index` is done.
    pub fn is_done(&self, index: usize) -> bool {
        self.done.get(index).copied().unwrap_or(false)
    }

    /// The step after the furthest one done, so a skipped step (AUTH, on a server that
    /// offers none) does not hold the lesson back; `None` once QUIT is done.
    pub fn current(&self) -> Option<usize> {
        let next = self
            .done
            .iter()
            .rposition(|done| *done)
            .map_or(0, |i| i + 1);
        (next < STEPS.len()).then_some(next)
    }

    /// How many steps are done.
    pub fn count(&self) -> usize {
        self.done.iter().filter(|d| **d).count()
    }

    /// Notes a line the user sent; `in_body` when it was message text.
    pub fn sent(&mut self, line: &str, in_body: bool) {
        if !in_body {
            return;
        }
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("subject:") {
            self.subject = true;
        }
        if line.is_empty() && self.subject {
            self.done[6] = true;
        }
    }

    /// Notes a complete reply with `code`, after `session` handled it; `delivered` when it
    /// was the 250 to the end of a message.
    pub fn replied(&mut self, code: u16, session: &ClientSession, delivered: bool) {
        let phase = session.phase();
        if code == 220 && phase != Phase::Greeting {
            self.done[0] = true;
        }
        if code == 250 && matches!(phase, Phase::Ready | Phase::Mail | Phase::Rcpt) {
            self.done[1] = true;
        }
        if session.is_authenticated() {
            self.done[2] = true;
        }
        match phase {
            Phase::Mail => self.done[3] = true,
            Phase::Rcpt => self.done[4] = true,
            Phase::Data => self.done[5] = true,
            _ => {}
        }
        if delivered {
            self.done[7] = true;
        }
        if code == 221 {
            self.done[8] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_have_both_languages() {
        for step in STEPS {
            assert!(!step.title(Lang::En).is_empty());
            assert_ne!(step.about(Lang::En), step.about(Lang::ZhCn));
        }
        let mut progress = Progress::default();
        assert_eq!(progress.current(), Some(0));
        assert!(!progress.is_done(99));
        // Skipping AUTH moves on.
        progress.done[0] = true;
        progress.done[1] = true;
        progress.done[3] = true;
        assert_eq!(progress.current(), Some(4));
        progress.done[8] = true;
        assert_eq!(progress.current(), None);
    }

    #[test]
    fn headers_need_a_subject_and_the_empty_line() {
        let mut progress = Progress::default();
        progress.sent("", true);
        assert!(!progress.is_done(6));
        progress.sent("Subject: hi", false);
        progress.sent("", true);
        assert!(!progress.is_done(6), "outside the body it does not count");
        progress.sent("SUBJECT: hi", true);
        progress.sent("", true);
        assert!(progress.is_done(6));
    }
}
