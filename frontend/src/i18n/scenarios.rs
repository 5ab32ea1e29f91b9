//! The words around the scenario addresses in both languages (what each address does is
//! `protocol::server::scenarios`' table, shown as it is).

use protocol::lang::Lang;
use protocol::server::scenarios::Verdict;

/// The fixed words of the scenarios panel in one language.
#[derive(Debug)]
pub struct ScenariosUi {
    /// The panel's heading.
    pub title: &'static str,
    /// How to use it.
    pub hint: &'static str,
    /// `drop@` gives no reply.
    pub no_reply: &'static str,
    /// What a client should do: retry later, give up, nothing.
    pub verdicts: [&'static str; 3],
}

impl ScenariosUi {
    /// The label of `verdict`.
    pub fn verdict(&self, verdict: Verdict) -> &'static str {
        match verdict {
            Verdict::RetryLater => self.verdicts[0],
            Verdict::GiveUp => self.verdicts[1],
            Verdict::Accepted => self.verdicts[2],
        }
    }
}

const EN: ScenariosUi = ScenariosUi {
    title: "Failures on purpose",
    hint: "Mail to these addresses (any domain) fails the way real servers fail, with no setup. Click one to put its RCPT TO on the command line.",
    no_reply: "no reply: the connection drops",
    verdicts: ["retry later", "give up", "accepted"],
};

const ZH: ScenariosUi = ScenariosUi {
    title: "故意出错的地址",
    hint: "发往这些地址（任意域名）的邮件会像真实服务器那样失败，无需任何设置。点击一个地址，即可把它的 RCPT TO 放到命令行。",
    no_reply: "没有回复：连接被断开",
    verdicts: ["稍后重试", "放弃", "已接受"],
};

/// The scenarios panel's words in `lang`.
pub fn scenarios(lang: Lang) -> &'static ScenariosUi {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_have_distinct_labels_in_both_languages() {
        for lang in [Lang::En, Lang::ZhCn] {
            let w = scenarios(lang);
            let labels: std::collections::HashSet<_> =
                [Verdict::RetryLater, Verdict::GiveUp, Verdict::Accepted]
                    .map(|v| w.verdict(v))
                    .into_iter()
                    .collect();
            assert_eq!(labels.len(), 3);
        }
        assert_ne!(EN.hint, ZH.hint);
    }
}
