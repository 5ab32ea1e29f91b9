//! What can be wrong with a lesson file, in both languages.

use super::model::MAX_FILE;
#[cfg(doc)]
use super::model::{MAX_EXAMPLE_LINES, MAX_PER_STEP, MAX_STEPS};
use crate::lang::Lang;
use crate::tr;

/// A lesson file that cannot be read: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {}", kind.text(Lang::En))]
pub struct LessonError {
    /// The line, from 1; 0 for the file as a whole.
    pub line: usize,
    /// What is wrong.
    pub kind: LessonErrorKind,
}

impl LessonError {
    /// The error in `lang`, with its line.
    pub fn text(&self, lang: Lang) -> String {
        let (line, what) = (self.line, self.kind.text(lang));
        match self.line {
            0 => what,
            _ => tr!(lang, "line {line}: {what}", "第 {line} 行：{what}"),
        }
    }
}

/// What is wrong with a lesson file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LessonErrorKind {
    /// Larger than [`MAX_FILE`].
    TooLarge,
    /// A line that is neither `field: value`, `step`, a comment nor a continuation.
    NotAField,
    /// A field name this format does not have (here: in the lesson's head or in a step).
    UnknownField {
        /// The name.
        field: String,
        /// Inside a step.
        in_step: bool,
    },
    /// A field given twice.
    Duplicate {
        /// The name.
        field: String,
    },
    /// A required field is missing.
    Missing {
        /// The name.
        field: String,
    },
    /// A continuation line with no text field before it.
    StrayContinuation,
    /// The id is not lower-case letters, digits and `-`.
    BadId {
        /// As written.
        id: String,
    },
    /// The id differs from the file's name.
    IdMismatch {
        /// The id.
        id: String,
        /// The name the file has.
        expected: String,
    },
    /// No `step` at all.
    NoSteps,
    /// More than [`MAX_STEPS`] steps, [`MAX_PER_STEP`] examples or conditions in a step,
    /// or [`MAX_EXAMPLE_LINES`] lines in an example.
    TooMany {
        /// What.
        what: String,
    },
    /// `show:` names something that cannot be shown.
    BadShow {
        /// As written.
        value: String,
    },
    /// A condition with no words.
    EmptyCondition,
    /// `and` with nothing on one side.
    DanglingAnd,
    /// A word where none (or another) was expected.
    Unexpected {
        /// The word.
        word: String,
        /// What it follows.
        after: String,
    },
    /// A condition word this format does not have.
    UnknownAtom {
        /// The word.
        word: String,
    },
    /// `reply X`: X is not a verb (upper case), `greeting`, `dot`, `message`,
    /// `BDAT-LAST` or `any`.
    UnknownAnswer {
        /// The word.
        word: String,
    },
    /// Not a reply code pattern such as `250`, `2xx` or `4xx/5xx`.
    BadCode {
        /// As written.
        code: String,
    },
    /// A condition word that needs a value got none.
    MissingValue {
        /// The word.
        what: String,
    },
    /// A condition word's value does not fit.
    BadValue {
        /// The word.
        what: String,
        /// The value.
        value: String,
    },
    /// `to`, `utf8` or `retry` on a reply to something other than MAIL or RCPT.
    NeedsEnvelope,
    /// `mechanism` on a reply to something other than AUTH.
    NeedsAuth,
}

impl LessonErrorKind {
    /// What is wrong, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        use LessonErrorKind as K;
        match self {
            K::TooLarge => {
                let max = MAX_FILE / 1024;
                tr!(
                    lang,
                    "the file is larger than {max} KB",
                    "文件大于 {max} KB"
                )
            }
            K::NotAField => tr!(
                lang,
                "expected `field: value`, `step`, a `#` comment or an indented continuation",
                "应为“字段: 值”、`step`、`#` 注释或缩进的续行"
            ),
            K::UnknownField { field, in_step } => {
                if *in_step {
                    tr!(
                        lang,
                        "unknown step field `{field}` (title.en, title.zh, text.en, text.zh, example, example if …, show, done)",
                        "未知的步骤字段“{field}”（title.en、title.zh、text.en、text.zh、example、example if …、show、done）"
                    )
                } else {
                    tr!(
                        lang,
                        "unknown lesson field `{field}` (lesson, title.en, title.zh, summary.en, summary.zh; a step starts with `step`)",
                        "未知的课程字段“{field}”（lesson、title.en、title.zh、summary.en、summary.zh；步骤以 `step` 开始）"
                    )
                }
            }
            K::Duplicate { field } => {
                tr!(lang, "`{field}` is given twice", "“{field}”出现了两次")
            }
            K::Missing { field } => tr!(lang, "`{field}` is missing", "缺少“{field}”"),
            K::StrayContinuation => tr!(
                lang,
                "an indented line continues a title, summary or text, but none comes before it",
                "缩进行用于续写标题、摘要或正文，但前面没有这样的字段"
            ),
            K::BadId { id } => tr!(
                lang,
                "the id `{id}` must be 1 to 40 lower-case letters, digits and `-`",
                "id“{id}”必须是 1 到 40 个小写字母、数字和 `-`"
            ),
            K::IdMismatch { id, expected } => tr!(
                lang,
                "the id `{id}` differs from the file name `{expected}`",
                "id“{id}”与文件名“{expected}”不同"
            ),
            K::NoSteps => tr!(lang, "the lesson has no `step`", "课程没有任何 `step`"),
            K::TooMany { what } => tr!(lang, "too many {what}", "{what} 太多"),
            K::BadShow { value } => tr!(
                lang,
                "`show: {value}`: only `show: account` exists",
                "“show: {value}”：只有 `show: account`"
            ),
            K::EmptyCondition => tr!(lang, "the condition is empty", "条件为空"),
            K::DanglingAnd => tr!(
                lang,
                "`and` needs a condition on both sides",
                "`and` 两边都需要条件"
            ),
            K::Unexpected { word, after } => tr!(
                lang,
                "unexpected `{word}` after `{after}`",
                "“{after}”之后不应出现“{word}”"
            ),
            K::UnknownAtom { word } => tr!(
                lang,
                "unknown condition `{word}` (see lessons/README.md)",
                "未知的条件“{word}”（见 lessons/README.md）"
            ),
            K::UnknownAnswer { word } => tr!(
                lang,
                "`reply {word}`: expected a verb in upper case (EHLO, MAIL …), greeting, dot, message, BDAT-LAST or any",
                "“reply {word}”：应为大写的命令（EHLO、MAIL …）、greeting、dot、message、BDAT-LAST 或 any"
            ),
            K::BadCode { code } => tr!(
                lang,
                "`{code}` is not a reply code pattern such as 250, 2xx or 4xx/5xx",
                "“{code}”不是回复码模式，例如 250、2xx 或 4xx/5xx"
            ),
            K::MissingValue { what } => {
                tr!(lang, "`{what}` needs a value", "“{what}”需要一个值")
            }
            K::BadValue { what, value } => tr!(
                lang,
                "`{what} {value}`: the value does not fit",
                "“{what} {value}”：值不合适"
            ),
            K::NeedsEnvelope => tr!(
                lang,
                "`to`, `utf8` and `retry` need a reply to MAIL or RCPT",
                "`to`、`utf8` 和 `retry` 只能用于 MAIL 或 RCPT 的回复"
            ),
            K::NeedsAuth => tr!(
                lang,
                "`mechanism` needs a reply to AUTH",
                "`mechanism` 只能用于 AUTH 的回复"
            ),
        }
    }
}
