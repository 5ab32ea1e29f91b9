//! The terminal's and the status bar's words: the prompt as a word for where the session
//! stands (not `HELO>` or `wait>`), the banner inside a message, the held final dot, the
//! encryption as it truly is, and the hint for a server that says nothing.

use protocol::lang::{Lang, Text};
use protocol::session::Phase;
use protocol::tr;

use crate::vocab::Link;

/// The prompt in front of the command line: what the session waits for, in words.
/// `None`: not connected.
pub fn prompt(lang: Lang, phase: Option<Phase>) -> &'static str {
    let text = match phase {
        None => Text {
            en: "not connected",
            zh: "未连接",
        },
        Some(Phase::Greeting) => Text {
            en: "waiting for the server",
            zh: "等待服务器",
        },
        Some(Phase::Hello) => Text {
            en: "say EHLO",
            zh: "请先 EHLO",
        },
        Some(Phase::Ready) => Text {
            en: "ready",
            zh: "就绪",
        },
        Some(Phase::Mail) => Text {
            en: "sender set",
            zh: "已设发件人",
        },
        Some(Phase::Rcpt) => Text {
            en: "recipients set",
            zh: "已设收件人",
        },
        Some(Phase::Data) => Text {
            en: "message text",
            zh: "邮件内容",
        },
        Some(Phase::AuthChallenge) => Text {
            en: "login answer",
            zh: "登录应答",
        },
        Some(Phase::TlsHandshake) => Text {
            en: "TLS handshake",
            zh: "TLS 握手",
        },
        Some(Phase::Closed) => Text {
            en: "closed",
            zh: "已关闭",
        },
    };
    text.get(lang)
}

/// The banner above the command line while the server reads message text.
pub fn in_message(lang: Lang) -> &'static str {
    Text {
        en: "You are inside the message: every line is text until a line holding only a dot (.).",
        zh: "你在邮件内容中：每一行都是正文，直到只含一个点号（.）的行。",
    }
    .get(lang)
}

/// The banner's second line when the final dot was held back by a warning.
pub fn dot_held(lang: Lang) -> &'static str {
    Text {
        en: "Your final . was NOT sent (a warning held it): type . and press Enter twice.",
        zh: "结束点号（.）被警告拦下，没有发送：请输入 . 并按两次回车。",
    }
    .get(lang)
}

/// The warning box's heading and hint when the line held is the final dot.
pub fn dot_warning(lang: Lang) -> (&'static str, &'static str) {
    let title = Text {
        en: "The final dot is held: the message is still open",
        zh: "结束点号被拦下：邮件仍未结束",
    };
    let hint = Text {
        en: "Until it goes out, every line is text, QUIT too. Press Enter again to send it.",
        zh: "它发出之前，每一行（包括 QUIT）都是正文。再按一次回车发送它。",
    };
    (title.get(lang), hint.get(lang))
}

/// The status bar's words for a connection to `peer`, its encryption as it is now.
pub fn connected(lang: Lang, peer: &str, link: Link) -> String {
    let how = link_words(lang, link);
    tr!(
        lang,
        "Connected to {peer} ({how})",
        "已连接到 {peer}（{how}）"
    )
}

/// The encryption in a few words.
pub fn link_words(lang: Lang, link: Link) -> String {
    let text = match link {
        Link::Plain {
            requested: true, ..
        } => Text {
            en: "plain text, STARTTLS requested",
            zh: "明文，已选择 STARTTLS",
        },
        Link::Plain {
            offered: Some(true),
            ..
        } => Text {
            en: "plain text, STARTTLS available",
            zh: "明文，服务器提供 STARTTLS",
        },
        Link::Plain {
            offered: Some(false),
            ..
        } => Text {
            en: "plain text, no STARTTLS offered",
            zh: "明文，服务器未提供 STARTTLS",
        },
        Link::Plain { offered: None, .. } => Text {
            en: "plain text",
            zh: "明文",
        },
        Link::Starttls { .. } => Text {
            en: "encrypted with TLS after STARTTLS",
            zh: "STARTTLS 之后已用 TLS 加密",
        },
        Link::Implicit { .. } => Text {
            en: "encrypted, implicit TLS",
            zh: "已加密，隐式 TLS",
        },
        Link::SimulatedTls => Text {
            en: "TLS simulated: nothing is encrypted",
            zh: "模拟的 TLS：没有加密",
        },
    };
    let mut words = text.get(lang).to_owned();
    if let Link::Starttls {
        sandbox_certificate: true,
    }
    | Link::Implicit {
        sandbox_certificate: true,
    } = link
    {
        words.push_str(
            Text {
                en: "; the sandbox's own certificate",
                zh: "；沙盒自己的证书",
            }
            .get(lang),
        );
    }
    words
}

/// What a simulated TLS start is, for the transcript note (instead of a handshake's
/// facts); after STARTTLS, that EHLO comes again.
pub fn simulated_tls(lang: Lang, starttls: bool) -> String {
    let what = Text {
        en: "TLS simulated: nothing is encrypted; the session goes on as inside TLS.",
        zh: "模拟的 TLS：没有加密；会话像在 TLS 之中一样继续。",
    };
    let again = Text {
        en: " Say EHLO again.",
        zh: "请重新发送 EHLO。",
    };
    let mut text = what.get(lang).to_owned();
    if starttls {
        text.push_str(again.get(lang));
    }
    text
}

/// The hint when a connection is open but the server has said nothing for 5 s (the
/// stylesheet's `.silent-hint` delay).
pub fn silent_server(lang: Lang) -> &'static str {
    Text {
        en: "Connected, but the server has said nothing for 5 s: it may wait on purpose (tarpitting), or this port is not SMTP, or wants implicit TLS (465).",
        zh: "已连接，但服务器 5 秒内什么也没说：它可能故意等待（tarpitting），或这个端口不是 SMTP，或要求隐式 TLS（465）。",
    }
    .get(lang)
}

/// How many pasted lines wait their turn.
pub fn queued(lang: Lang, n: usize) -> String {
    let words = match n {
        1 => Text {
            en: "line waiting to be sent",
            zh: "行等待发送",
        },
        _ => Text {
            en: "lines waiting to be sent",
            zh: "行等待发送",
        },
    };
    format!("{n} {}", words.get(lang))
}

/// The title of a line's reply latency.
pub fn latency_title(lang: Lang) -> &'static str {
    Text {
        en: "reply latency",
        zh: "回复延迟",
    }
    .get(lang)
}

/// The sequence panel's first row when it draws only the newest lines.
pub fn earlier_lines(lang: Lang, lines: usize) -> String {
    tr!(
        lang,
        "… {lines} earlier lines (all in the .svg)",
        "… 之前还有 {lines} 行（.svg 里全有）",
    )
}

/// The title of a line's time since connecting.
pub fn since_connect_title(lang: Lang) -> &'static str {
    Text {
        en: "time since connecting",
        zh: "自连接起的时间",
    }
    .get(lang)
}

/// The legend's label.
pub fn legend_label(lang: Lang) -> &'static str {
    Text {
        en: "Legend",
        zh: "图例",
    }
    .get(lang)
}

/// What the bridge is, where the page names it.
pub fn bridge_explained(lang: Lang) -> &'static str {
    Text {
        en: "(The bridge: this page's server, which opens the SMTP connections a browser cannot.)",
        zh: "（桥接服务：本页面的服务器，替浏览器建立 SMTP 连接。）",
    }
    .get(lang)
}
