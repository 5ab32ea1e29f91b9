//! The rules editor's words (`components/rules_editor.rs`), in English and Simplified
//! Chinese. Why a rule is refused comes from `protocol` (`RuleError::message`).

use protocol::lang::Lang;
use protocol::tr;

/// The fixed words of the rules editor in one language.
#[derive(Debug)]
pub struct RulesUi {
    /// The panel's title.
    pub title: &'static str,
    /// What the panel is for.
    pub intro: &'static str,
    /// Whose sessions the rules touch: everyone's.
    pub scope_all: &'static str,
    /// Whose sessions the rules touch: this page's only.
    pub scope_visitor: &'static str,
    /// No rules yet.
    pub none: &'static str,
    /// Above the operator's rules.
    pub operator: &'static str,
    /// Field labels: stage, match, action, value, when, when's value.
    pub stage: &'static str,
    /// Field label.
    pub matching: &'static str,
    /// The match field when the stage matches nothing.
    pub match_none: &'static str,
    /// Field label.
    pub action: &'static str,
    /// Field label.
    pub when: &'static str,
    /// The stages, in `Stage::ALL` order.
    pub stages: [&'static str; 9],
    /// The actions, in `ActionKind::ALL` order.
    pub actions: [&'static str; 4],
    /// The label of the action's value, in `ActionKind::ALL` order.
    pub action_values: [&'static str; 4],
    /// The "when" kinds, in `WhenKind::ALL` order.
    pub whens: [&'static str; 3],
    /// The label of the when's value, in `WhenKind::ALL` order.
    pub when_values: [&'static str; 3],
    /// The rate limit's label.
    pub rate: &'static str,
    /// The rate limit is not a number in range.
    pub rate_invalid: &'static str,
    /// Buttons.
    pub add: &'static str,
    /// Buttons.
    pub remove: &'static str,
    /// Buttons.
    pub apply: &'static str,
    /// Buttons.
    pub reload: &'static str,
    /// Status while the PUT runs.
    pub applying: &'static str,
    /// Status once the PUT succeeded.
    pub applied: &'static str,
    /// Status when the list differs from the applied one.
    pub unsaved: &'static str,
    /// Before the bridge's refusal.
    pub failed: &'static str,
}

const EN: RulesUi = RulesUi {
    title: "Failure rules",
    // The scope's sentence follows in the same paragraph: English needs the space.
    intro: "Make the sandbox fail on purpose, at the stage you choose, to see what your mail program does with it. ",
    scope_all: "These rules apply to every session the sandbox starts after you apply them, from this page or from any program.",
    scope_visitor: "These rules apply only to sessions opened from this page: other visitors and outside programs are not affected.",
    none: "No rules: the sandbox accepts everything.",
    operator: "Set by the operator, always on:",
    stage: "Stage",
    matching: "Match",
    match_none: "(all)",
    action: "Action",
    when: "When",
    stages: [
        "Connect",
        "Greeting",
        "EHLO / HELO",
        "AUTH",
        "MAIL FROM",
        "RCPT TO",
        "DATA",
        "End of data (the final dot)",
        "Any command",
    ],
    actions: ["Reply", "Delay", "Throttle", "Disconnect"],
    action_values: ["Reply line", "Milliseconds", "Bytes per second", ""],
    whens: ["Every session", "The next sessions", "With a probability"],
    when_values: ["", "Sessions", "Probability (0.3 or 30%)"],
    rate: "At most this many messages per minute (empty: no limit)",
    rate_invalid: "The rate limit must be a whole number from 1 to 100000, or empty.",
    add: "Add rule",
    remove: "Remove",
    apply: "Apply",
    reload: "Reload",
    applying: "Applying…",
    applied: "Applied: sessions that start from now on get these rules.",
    unsaved: "Not applied yet.",
    failed: "Not applied:",
};

const ZH: RulesUi = RulesUi {
    title: "故障规则",
    intro: "让沙盒在你选择的阶段故意出错，看看你的邮件程序如何应对。",
    scope_all: "应用后，沙盒此后开始的每个会话都受这些规则影响，无论来自本页面还是任何程序。",
    scope_visitor: "这些规则只影响从本页面打开的会话：其他访客和外部程序不受影响。",
    none: "没有规则：沙盒接受一切。",
    operator: "由运营者设置，始终生效：",
    stage: "阶段",
    matching: "匹配",
    match_none: "（全部）",
    action: "动作",
    when: "时机",
    stages: [
        "连接",
        "问候",
        "EHLO / HELO",
        "AUTH",
        "MAIL FROM",
        "RCPT TO",
        "DATA",
        "数据结束（最后的点）",
        "任意命令",
    ],
    actions: ["回复", "延迟", "限速", "断开连接"],
    action_values: ["回复行", "毫秒", "每秒字节数", ""],
    whens: ["每个会话", "接下来的会话", "按概率"],
    when_values: ["", "会话数", "概率（0.3 或 30%）"],
    rate: "每分钟最多接收的邮件数（留空：不限）",
    rate_invalid: "速率限制必须是 1 到 100000 之间的整数，或留空。",
    add: "添加规则",
    remove: "删除",
    apply: "应用",
    reload: "重新载入",
    applying: "正在应用…",
    applied: "已应用：从现在开始的会话会受这些规则影响。",
    unsaved: "尚未应用。",
    failed: "未能应用：",
};

/// The words for `lang`.
pub fn rules_ui(lang: Lang) -> &'static RulesUi {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}

/// What is left of a "next N" rule.
pub fn sessions_left(lang: Lang, n: u32) -> String {
    match n {
        1 => tr!(lang, "applies to the next session", "只影响下一个会话"),
        n => tr!(
            lang,
            "applies to the next {n} sessions",
            "影响接下来的 {n} 个会话"
        ),
    }
}

/// A probability as a share of sessions.
pub fn share_of_sessions(lang: Lang, percent: &str) -> String {
    tr!(
        lang,
        "applies to {percent}% of sessions",
        "影响 {percent}% 的会话"
    )
}

/// Every session.
pub fn every_session(lang: Lang) -> String {
    protocol::tx!(lang, "applies to every session", "影响每个会话")
}
