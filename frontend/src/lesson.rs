//! Lesson mode: the telnet tutorial's steps (connect, EHLO, AUTH LOGIN, MAIL FROM, RCPT TO,
//! DATA, headers, the lone `.`, QUIT), each checked off when the server's real reply says
//! it worked. Whether it worked is `protocol`'s answer: the session's phase, its header
//! facts, and whether a reply accepted the message. It works against the sandbox and
//! against any real server.

use protocol::command::Verb;
use protocol::lang::Text;
use protocol::session::{ClientSession, Expect, HeaderState, Phase};

use crate::transcript::Annotated;

/// The steps of the lesson, in order; `as usize` is the index in [`STEPS`] (and the
/// page's `data-step`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepId {
    /// Connect: the server greets with 220.
    Connect,
    /// EHLO (or HELO) accepted.
    Hello,
    /// AUTH succeeded.
    Auth,
    /// MAIL FROM accepted.
    Mail,
    /// RCPT TO accepted.
    Rcpt,
    /// DATA answered 354.
    Data,
    /// A header block with a Subject, ended by the empty line.
    Headers,
    /// The lone `.` and the server accepted the message.
    EndOfData,
    /// QUIT answered: the session is closed.
    Quit,
}

impl StepId {
    /// How many steps there are.
    pub const COUNT: usize = 9;
}

/// One step of the lesson, in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Which step.
    pub id: StepId,
    /// What to do.
    pub title: Text,
    /// Why, and what the server answers.
    pub about: Text,
    /// What to type (a click puts it on the command line); empty when there is nothing.
    pub example: &'static str,
}

/// The steps, in order.
pub const STEPS: [Step; StepId::COUNT] = [
    Step {
        id: StepId::Connect,
        title: Text {
            en: "Connect",
            zh: "连接",
        },
        about: Text {
            en: "Press Connect. The server speaks first: 220 and its name.",
            zh: "点击“连接”。服务器先开口：220 加上它的名字。",
        },
        example: "",
    },
    Step {
        id: StepId::Hello,
        title: Text {
            en: "Say hello: EHLO",
            zh: "打招呼：EHLO",
        },
        about: Text {
            en: "Introduce yourself. EHLO answers 250 with the extensions the server supports (HELO works too, without them).",
            zh: "介绍你自己。EHLO 会得到 250 以及服务器支持的扩展列表（HELO 也可以，但没有扩展列表）。",
        },
        example: "EHLO me",
    },
    Step {
        id: StepId::Auth,
        title: Text {
            en: "Log in: AUTH LOGIN",
            zh: "登录：AUTH LOGIN",
        },
        about: Text {
            en: "The server asks for the username and the password in base64 (334). The AUTH helper encodes them for you; 235 means you are in.",
            zh: "服务器用 base64 询问用户名和密码（334）。AUTH 助手会帮你编码；235 表示登录成功。",
        },
        example: "AUTH LOGIN",
    },
    Step {
        id: StepId::Mail,
        title: Text {
            en: "Sender: MAIL FROM",
            zh: "发件人：MAIL FROM",
        },
        about: Text {
            en: "Start a message with the envelope sender in angle brackets; 250 accepts it.",
            zh: "用尖括号里的信封发件人开始一封邮件；250 表示接受。",
        },
        example: "MAIL FROM:<demo@example.org>",
    },
    Step {
        id: StepId::Rcpt,
        title: Text {
            en: "Recipient: RCPT TO",
            zh: "收件人：RCPT TO",
        },
        about: Text {
            en: "Name a recipient; repeat for more. 250 accepts, 550 refuses that address.",
            zh: "指定一个收件人；多个收件人就重复发送。250 表示接受，550 表示拒绝该地址。",
        },
        example: "RCPT TO:<friend@example.org>",
    },
    Step {
        id: StepId::Data,
        title: Text {
            en: "DATA",
            zh: "DATA",
        },
        about: Text {
            en: "Ask to send the message text; 354 says go ahead and end with a line holding a single dot.",
            zh: "请求发送邮件正文；354 表示可以开始，并以只有一个点的行结束。",
        },
        example: "DATA",
    },
    Step {
        id: StepId::Headers,
        title: Text {
            en: "Headers, then an empty line",
            zh: "邮件头，然后一个空行",
        },
        about: Text {
            en: "Type Subject:, From: and To: lines, then an empty line; the body follows.",
            zh: "输入 Subject:、From: 和 To: 行，然后一个空行；之后是正文。",
        },
        example: "Subject: Hello from the playground",
    },
    Step {
        id: StepId::EndOfData,
        title: Text {
            en: "End with a lone .",
            zh: "用单独的 . 结束",
        },
        about: Text {
            en: "A line with only a dot ends the message; 250 means the server took responsibility for it.",
            zh: "只有一个点的行表示邮件结束；250 表示服务器已接收并负责投递。",
        },
        example: ".",
    },
    Step {
        id: StepId::Quit,
        title: Text {
            en: "QUIT",
            zh: "QUIT",
        },
        about: Text {
            en: "Say goodbye; 221 and the server closes the connection.",
            zh: "说再见；服务器回复 221 并关闭连接。",
        },
        example: "QUIT",
    },
];

/// Which steps are done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    done: [bool; StepId::COUNT],
}

impl Progress {
    /// Whether `step` is done.
    pub fn is_done(&self, step: StepId) -> bool {
        self.done[step as usize]
    }

    /// The step after the furthest one done, so a skipped step (AUTH, on a server that
    /// offers none) does not hold the lesson back; `None` once QUIT is done.
    pub fn current(&self) -> Option<StepId> {
        let next = self
            .done
            .iter()
            .rposition(|done| *done)
            .map_or(0, |i| i + 1);
        STEPS.get(next).map(|step| step.id)
    }

    /// How many steps are done.
    pub fn count(&self) -> usize {
        self.done.iter().filter(|d| **d).count()
    }

    fn check(&mut self, step: StepId) {
        self.done[step as usize] = true;
    }

    /// Notes a line the user sent, after `session` recorded it: the header block is done
    /// once it had a Subject and the empty line ended it.
    pub fn sent(&mut self, session: &ClientSession) {
        if session.header_state() == HeaderState::Body && session.message_has_subject() {
            self.check(StepId::Headers);
        }
    }

    /// Notes the last line of a reply, after `session` handled it.
    pub fn replied(&mut self, reply: &Annotated, session: &ClientSession) {
        let phase = session.phase();
        let greeted = reply.answers == Some(Expect::Greeting.as_str());
        if greeted && phase != Phase::Greeting {
            self.check(StepId::Connect);
        }
        if session.hello().is_some() {
            self.check(StepId::Hello);
        }
        if session.is_authenticated() {
            self.check(StepId::Auth);
        }
        match phase {
            Phase::Mail => self.check(StepId::Mail),
            Phase::Rcpt => self.check(StepId::Rcpt),
            Phase::Data => self.check(StepId::Data),
            _ => {}
        }
        if reply.accepts_message {
            self.check(StepId::EndOfData);
        }
        if phase == Phase::Closed && reply.answers == Some(Verb::Quit.as_str()) {
            self.check(StepId::Quit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::Annotators;
    use protocol::lang::Lang;

    #[test]
    fn steps_have_both_languages_and_their_own_index() {
        for (i, step) in STEPS.iter().enumerate() {
            assert_eq!(step.id as usize, i);
            assert!(!step.title.get(Lang::En).is_empty());
            assert_ne!(step.about.get(Lang::En), step.about.get(Lang::ZhCn));
        }
        let mut progress = Progress::default();
        assert_eq!(progress.current(), Some(StepId::Connect));
        // Skipping AUTH moves on.
        progress.check(StepId::Connect);
        progress.check(StepId::Hello);
        progress.check(StepId::Mail);
        assert_eq!(progress.current(), Some(StepId::Rcpt));
        progress.check(StepId::Quit);
        assert_eq!(progress.current(), None);
    }

    /// Plays `lines` (`S:` server, anything else client) and returns the progress.
    fn play(lines: &[&str]) -> Progress {
        let mut annotators = Annotators::default();
        let mut progress = Progress::default();
        for line in lines {
            if let Some(reply) = line.strip_prefix("S:") {
                let annotated = annotators.server_line(reply);
                if annotated.reply.is_some_and(|r| r.is_last) {
                    progress.replied(&annotated, annotators.session());
                }
            } else {
                annotators.client_line(line);
                progress.sent(annotators.session());
            }
        }
        progress
    }

    const TO_DATA: &[&str] = &[
        "S:220 mx ESMTP",
        "EHLO me",
        "S:250 mx",
        "MAIL FROM:<a@b.example>",
        "S:250 ok",
        "RCPT TO:<c@d.example>",
        "S:250 ok",
        "DATA",
        "S:354 go ahead",
    ];

    #[test]
    fn headers_need_a_subject_and_the_empty_line() {
        let with = |lines: &[&str]| play(&[TO_DATA, lines].concat());
        assert!(!with(&[""]).is_done(StepId::Headers), "no headers at all");
        assert!(
            !with(&["Subject: hi"]).is_done(StepId::Headers),
            "not ended"
        );
        assert!(with(&["SUBJECT: hi", ""]).is_done(StepId::Headers));
        assert!(
            !with(&["From: a@b.example", "", "Subject: hi", ""]).is_done(StepId::Headers),
            "a Subject in the body is text"
        );
        let outside = play(&["S:220 mx", "Subject: hi", ""]);
        assert!(
            !outside.is_done(StepId::Headers),
            "outside the body it does not count"
        );
    }

    #[test]
    fn each_step_is_checked_off_by_the_real_reply() {
        let sent = play(
            &[
                TO_DATA,
                &[
                    "Subject: hi",
                    "",
                    "text",
                    ".",
                    "S:250 queued",
                    "QUIT",
                    "S:221 bye",
                ],
            ]
            .concat(),
        );
        assert_eq!(sent.count(), 8, "all but AUTH");
        assert!(!sent.is_done(StepId::Auth));
        assert_eq!(sent.current(), None);
        let refused = play(&[TO_DATA, &["text", ".", "S:554 no"]].concat());
        assert!(refused.is_done(StepId::Data));
        assert!(
            !refused.is_done(StepId::EndOfData),
            "a refused message is not delivered"
        );
        assert!(!play(&["S:554 go away"]).is_done(StepId::Connect));
        let quit_early = play(&["S:220 mx", "QUIT", "S:221 bye"]);
        assert!(quit_early.is_done(StepId::Quit));
        assert_eq!(quit_early.count(), 2);
    }
}
