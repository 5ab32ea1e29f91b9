//! Every way a failure rule can be wrong, each said in English and Chinese, so the flag
//! parser, the API's 400 answers and the page's rules editor give the same reasons.

use super::{MAX_MATCH, Stage};
use crate::lang::Lang;
use crate::tr;

/// Why a rule (or a rule set) is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleError {
    /// The text is empty.
    Empty,
    /// The text does not have the `STAGE[ MATCH]: ACTION[, WHEN]` shape.
    Shape(String),
    /// No stage has this name.
    UnknownStage(String),
    /// The match's key is not the one this stage compares (`to=` for rcpt ...).
    MatchKey {
        /// The stage.
        stage: Stage,
        /// What was written before `=`.
        key: String,
    },
    /// This stage has nothing to match (connect, greeting, data, end of data, any).
    MatchNotHere(Stage),
    /// The match is not one address, `@domain`, name or user.
    Match(String),
    /// No action has this name.
    UnknownAction(String),
    /// A number that is not one.
    Number {
        /// What the number is for.
        what: &'static str,
        /// As written.
        text: String,
    },
    /// A number outside its range.
    OutOfRange {
        /// What the number is for.
        what: &'static str,
        /// The value.
        value: u64,
        /// The least allowed.
        min: u32,
        /// The most allowed.
        max: u32,
    },
    /// A duration without its unit.
    Duration(String),
    /// The part after the last comma is not `always`, `next N`, `p=P` or `N%`.
    UnknownWhen(String),
    /// Not a probability above 0 and at most 1.
    Probability(String),
    /// The reply does not start with a three-digit code.
    ReplyCode(String),
    /// The reply's code is not a failure (4xx or 5xx).
    ReplyNotFailure(u16),
    /// Only `421` and `554` may replace a greeting.
    ReplyAtGreeting(u16),
    /// After EHLO the server announces ENHANCEDSTATUSCODES: replies need one.
    EnhancedMissing(u16),
    /// The enhanced code's class differs from the reply's (a `550` with `4.1.1`).
    EnhancedClass {
        /// The reply code.
        code: u16,
        /// The enhanced code as written.
        enhanced: String,
    },
    /// The enhanced code is in no registry (RFC 3463, RFC 5248).
    EnhancedUnknown(String),
    /// The reply has a code but no text.
    ReplyText,
    /// The reply has characters a reply line cannot carry (controls, non-ASCII).
    ReplyChars,
    /// The reply is longer than a reply line may be (RFC 5321 4.5.3.1.5).
    ReplyTooLong(usize),
    /// More rules than a set may hold.
    TooMany(usize),
}

impl RuleError {
    /// The reason, for a person, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Empty => tr!(
                lang,
                "the rule is empty; write STAGE: ACTION, such as \"rcpt: reply 550 5.1.1 User unknown\"",
                "规则为空；请写成 阶段: 动作，例如 \"rcpt: reply 550 5.1.1 User unknown\""
            ),
            Self::Shape(text) => tr!(
                lang,
                "{text:?} is not a rule: write STAGE[ MATCH]: ACTION[, WHEN], such as \"rcpt to=nobody@example.com: reply 550 5.1.1 User unknown, next 3\"",
                "{text:?} 不是规则：请写成 阶段[ 匹配]: 动作[, 时机]，例如 \"rcpt to=nobody@example.com: reply 550 5.1.1 User unknown, next 3\""
            ),
            Self::UnknownStage(name) => tr!(
                lang,
                "{name:?} is not a stage; the stages are connect, greeting, ehlo, auth, mail, rcpt, data, end_of_data and any",
                "{name:?} 不是阶段；可用的阶段有 connect、greeting、ehlo、auth、mail、rcpt、data、end_of_data 和 any"
            ),
            Self::MatchKey { stage, key } => {
                let (stage, expected) = (stage.name(), stage.match_key().unwrap_or_default());
                tr!(
                    lang,
                    "{stage} matches with {expected}=..., not {key}=...",
                    "{stage} 阶段用 {expected}=... 匹配，而不是 {key}=..."
                )
            }
            Self::MatchNotHere(stage) => {
                let stage = stage.name();
                tr!(
                    lang,
                    "{stage} has nothing to match; only ehlo (name=), auth (user=), mail (from=) and rcpt (to=) do",
                    "{stage} 阶段没有可匹配的内容；只有 ehlo（name=）、auth（user=）、mail（from=）和 rcpt（to=）可以匹配"
                )
            }
            Self::Match(value) => tr!(
                lang,
                "{value:?} is not something to match: give one address, @domain, name or user, without spaces, at most {MAX_MATCH} characters",
                "{value:?} 不能用来匹配：请给出一个地址、@域名、名称或用户名，不含空格，最多 {MAX_MATCH} 个字符"
            ),
            Self::UnknownAction(name) => tr!(
                lang,
                "{name:?} is not an action; the actions are reply CODE TEXT, delay Nms, throttle N (bytes per second) and disconnect",
                "{name:?} 不是动作；可用的动作有 reply 代码 文本、delay N毫秒（ms）、throttle N（每秒字节数）和 disconnect"
            ),
            Self::Number { what, text } => tr!(
                lang,
                "{what}: {text:?} is not a whole number",
                "{what}：{text:?} 不是整数"
            ),
            Self::OutOfRange {
                what,
                value,
                min,
                max,
            } => tr!(
                lang,
                "{what}: {value} is outside {min} to {max}",
                "{what}：{value} 不在 {min} 到 {max} 之间"
            ),
            Self::Duration(text) => tr!(
                lang,
                "delay: {text:?} needs its unit, such as 1500ms or 2s",
                "delay：{text:?} 需要单位，例如 1500ms 或 2s"
            ),
            Self::UnknownWhen(text) => tr!(
                lang,
                "{text:?} is not a when: write always, next N (sessions), p=0.3 or 30%",
                "{text:?} 不是时机：请写 always、next N（会话数）、p=0.3 或 30%"
            ),
            Self::Probability(text) => tr!(
                lang,
                "{text:?} is not a probability: more than 0 and at most 1 (or 100%), such as 0.3 or 30%, with at most six decimals",
                "{text:?} 不是概率：须大于 0 且不超过 1（或 100%），例如 0.3 或 30%，最多六位小数"
            ),
            Self::ReplyCode(text) => tr!(
                lang,
                "the reply {text:?} must start with a three-digit code, such as 550 5.1.1 User unknown",
                "回复 {text:?} 必须以三位数代码开头，例如 550 5.1.1 User unknown"
            ),
            Self::ReplyNotFailure(code) => tr!(
                lang,
                "{code} is not a failure: a rule's reply is 4xx (try again later) or 5xx (give up), from 400 to 559",
                "{code} 不是失败回复：规则的回复必须是 4xx（稍后重试）或 5xx（放弃），从 400 到 559"
            ),
            Self::ReplyAtGreeting(code) => tr!(
                lang,
                "{code} cannot replace a greeting: a server that will not talk answers 554 (RFC 5321 3.1) or 421 (RFC 5321 3.8)",
                "{code} 不能替代问候：不愿服务的服务器回复 554（RFC 5321 3.1）或 421（RFC 5321 3.8）"
            ),
            Self::EnhancedMissing(code) => {
                let class = code / 100;
                tr!(
                    lang,
                    "{code} needs an enhanced code after it, such as {code} {class}.0.0: this server announces ENHANCEDSTATUSCODES, so every reply after EHLO carries one (RFC 2034)",
                    "{code} 后面需要增强状态码，例如 {code} {class}.0.0：本服务器声明了 ENHANCEDSTATUSCODES，因此 EHLO 之后的每个回复都要带上（RFC 2034）"
                )
            }
            Self::EnhancedClass { code, enhanced } => {
                let class = code / 100;
                tr!(
                    lang,
                    "{enhanced} does not fit {code}: the enhanced code's first digit must be the reply's, {class} (RFC 3463)",
                    "{enhanced} 与 {code} 不符：增强状态码的第一位必须与回复代码相同，即 {class}（RFC 3463）"
                )
            }
            Self::EnhancedUnknown(enhanced) => tr!(
                lang,
                "{enhanced} is not a registered enhanced code (RFC 3463, RFC 5248); X.Y.0 always is, such as 5.1.0",
                "{enhanced} 不是已登记的增强状态码（RFC 3463、RFC 5248）；X.Y.0 总是可用的，例如 5.1.0"
            ),
            Self::ReplyText => tr!(
                lang,
                "the reply needs a text after its code, such as \"User unknown\"",
                "回复代码后面需要文本，例如 \"User unknown\""
            ),
            Self::ReplyChars => tr!(
                lang,
                "the reply must be one line of printable ASCII",
                "回复必须是一行可打印的 ASCII 字符"
            ),
            Self::ReplyTooLong(max) => tr!(
                lang,
                "the reply is longer than {max} characters, the most a reply line may hold",
                "回复超过 {max} 个字符，超出了一行回复的上限"
            ),
            Self::TooMany(max) => tr!(
                lang,
                "more than {max} rules; remove some first",
                "规则超过 {max} 条；请先删除一些"
            ),
        }
    }
}

impl std::fmt::Display for RuleError {
    /// The English reason.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for RuleError {}
