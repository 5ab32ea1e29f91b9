//! The words of the Sessions panel and of the message view's link to it, in both
//! languages (the lines' explanations come from the recorder, made by `protocol`).

use protocol::lang::Lang;
use protocol::records::session::SessionSummary;
use protocol::tr;

/// The fixed words of the Sessions panel in one language.
#[derive(Debug)]
pub struct SessionsUi {
    /// The panel's heading.
    pub title: &'static str,
    /// What the panel shows.
    pub hint: &'static str,
    /// No session recorded yet.
    pub empty: &'static str,
    /// A session from this page's own terminal.
    pub from_page: &'static str,
    /// Marks a session the client is still in.
    pub live: &'static str,
    /// The button in the message view.
    pub show_conversation: &'static str,
    /// Heading of the facts of an opened session.
    pub outcome: &'static str,
    /// Close the opened session.
    pub close: &'static str,
}

const EN: SessionsUi = SessionsUi {
    title: "Sessions",
    hint: "Every SMTP conversation the sandbox had, from this page or from any other client (swaks, your app), explained line by line. Open one to read it.",
    empty: "No session recorded yet.",
    from_page: "this page",
    live: "live",
    show_conversation: "Show the conversation that delivered it",
    outcome: "How it ended",
    close: "Close",
};

const ZH: SessionsUi = SessionsUi {
    title: "会话记录",
    hint: "沙盒进行过的每一次 SMTP 对话，无论来自本页面还是其他客户端（swaks、你的应用），都逐行加了解释。点击一条即可查看。",
    empty: "还没有记录的会话。",
    from_page: "本页面",
    live: "进行中",
    show_conversation: "查看投递这封邮件的会话",
    outcome: "结束方式",
    close: "关闭",
};

/// The Sessions panel's words in `lang`.
pub fn sessions(lang: Lang) -> &'static SessionsUi {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}

/// A row's facts after who and when: lines, messages delivered, TLS, AUTH.
pub fn row_facts(lang: Lang, s: &SessionSummary) -> String {
    let lines = s.line_count;
    let delivered = s.delivered;
    let line_words = match (lang, lines) {
        (Lang::En, 1) => "line",
        (Lang::En, _) => "lines",
        (Lang::ZhCn, _) => "行",
    };
    let mut facts = vec![format!("{lines} {line_words}")];
    facts.push(match delivered {
        0 => tr!(lang, "no message", "未投递邮件"),
        1 => tr!(lang, "1 message", "1 封邮件"),
        n => tr!(lang, "{n} messages", "{n} 封邮件"),
    });
    if s.tls {
        facts.push("TLS".to_owned());
    }
    if let Some(user) = &s.authenticated_as {
        facts.push(tr!(lang, "AUTH as {user}", "已认证：{user}"));
    }
    facts.join(" · ")
}

/// The heading of an opened session, by its start time (`11:02:03`).
pub fn view_title(lang: Lang, time: &str) -> String {
    tr!(lang, "Session at {time}", "{time} 的会话")
}

/// Lines the recorder did not keep, as a sentence.
pub fn omitted(lang: Lang, n: u64) -> String {
    tr!(
        lang,
        "{n} line(s) not recorded: message text past the part the sandbox keeps, or past the session's cap.",
        "有 {n} 行未记录：超出沙盒保留部分的邮件正文，或超过了会话的上限。"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_facts_read_in_both_languages() {
        let mut s = SessionSummary {
            line_count: 12,
            delivered: 2,
            tls: true,
            authenticated_as: Some("demo".into()),
            ..SessionSummary::default()
        };
        assert_eq!(
            row_facts(Lang::En, &s),
            "12 lines · 2 messages · TLS · AUTH as demo"
        );
        assert_eq!(
            row_facts(Lang::ZhCn, &s),
            "12 行 · 2 封邮件 · TLS · 已认证：demo"
        );
        s.delivered = 0;
        s.tls = false;
        s.authenticated_as = None;
        assert_eq!(row_facts(Lang::En, &s), "12 lines · no message");
        assert_ne!(sessions(Lang::En).hint, sessions(Lang::ZhCn).hint);
        assert!(omitted(Lang::ZhCn, 3).ends_with('。'));
        assert_eq!(view_title(Lang::En, "11:02:03"), "Session at 11:02:03");
    }
}
