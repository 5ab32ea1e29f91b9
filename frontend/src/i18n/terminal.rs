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
        en: "You are still inside the message: the server reads every line as text until a line holding only a dot (.).",
        zh: "你仍在邮件内容中：服务器会把每一行都当作邮件正文，直到收到只含一个点号（.）的行。",
    }
    .get(lang)
}

/// The banner's second line when the final dot was held back by a warning.
pub fn dot_held(lang: Lang) -> &'static str {
    Text {
        en: "Your final . was NOT sent (a warning held it): the message is still open. Send . again, Enter twice, to end it.",
        zh: "结束点号（.）没有发送（被警告拦下）：邮件仍未结束。再输入 . 并按两次回车来结束邮件。",
    }
    .get(lang)
}

/// The warning box's heading and hint when the line held is the final dot.
pub fn dot_warning(lang: Lang) -> (&'static str, &'static str) {
    let title = Text {
        en: "The final dot is held: the message is not finished yet",
        zh: "结束点号被拦下：邮件还没有结束",
    };
    let hint = Text {
        en: "Until it goes out, every line is message text, QUIT too. Press Enter again (or Send anyway) to send it.",
        zh: "在它发出之前，每一行（包括 QUIT）都是邮件正文。再按一次回车（或点击“仍然发送”）发送它。",
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
            en: "plain text, STARTTLS requested: type it after EHLO",
            zh: "明文，已选择 STARTTLS：请在 EHLO 之后输入它",
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
            en: "implicit TLS, encrypted from the first byte",
            zh: "隐式 TLS，从第一个字节起加密",
        },
        Link::SimulatedTls => Text {
            en: "TLS simulated: nothing is encrypted, nothing leaves the page",
            zh: "模拟的 TLS：没有加密，也没有任何数据离开页面",
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
        en: "TLS simulated: no handshake in the page, nothing is encrypted; the session goes on as inside TLS.",
        zh: "模拟的 TLS：页面内没有握手，没有加密；会话像在 TLS 之中一样继续。",
    };
    let again = Text {
        en: " The server forgot your EHLO: say EHLO again.",
        zh: "服务器已忘记你的 EHLO：请重新发送 EHLO。",
    };
    let mut text = what.get(lang).to_owned();
    if starttls {
        text.push_str(again.get(lang));
    }
    text
}

/// The hint when a connection is open but the server has said nothing for `secs` seconds.
pub fn silent_server(lang: Lang, secs: u64) -> String {
    tr!(
        lang,
        "Connected, but the server has not said anything for {secs} s. Some servers wait on purpose (tarpitting): keep waiting. Or this port is not SMTP, or wants implicit TLS (port 465): disconnect and try another port or TLS mode.",
        "已连接，但服务器 {secs} 秒内什么也没说。有些服务器会故意等待（tarpitting）：请继续等。也可能这个端口不是 SMTP，或要求隐式 TLS（465 端口）：请断开，换端口或 TLS 模式再试。"
    )
}

/// How many pasted lines wait their turn.
pub fn queued(lang: Lang, n: usize) -> String {
    match n {
        1 => tr!(lang, "1 line waiting to be sent", "1 行等待发送"),
        n => tr!(lang, "{n} lines waiting to be sent", "{n} 行等待发送"),
    }
}

/// The title of a line's reply latency.
pub fn latency_title(lang: Lang) -> &'static str {
    Text {
        en: "reply latency",
        zh: "回复延迟",
    }
    .get(lang)
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
        en: "(The bridge is the server of this page: a browser cannot open SMTP connections, so the bridge opens them and relays each line.)",
        zh: "（桥接服务就是提供本页面的服务器：浏览器无法建立 SMTP 连接，由它代为连接并转发每一行。）",
    }
    .get(lang)
}
