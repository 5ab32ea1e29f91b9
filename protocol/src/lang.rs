//! The languages annotations are written in, and text that exists in each of them.
//!
//! Every text in the project is written in English and Simplified Chinese side by side, so a
//! missing translation is a compile error rather than a blank in the page: a fixed text is a
//! [`Text`] (`t!` inside this crate), a value built at run time in both languages is a
//! [`Bilingual`], and a text with placeholders is made with
//! [`tr!`](crate::tr) (or [`tx!`](crate::tx) for a fixed one wanted as a `String`). The other
//! crates use these too, not their own pairs or `match lang`.

use std::fmt;

/// A language the annotations are available in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl Lang {
    /// The BCP 47 tag: `en` or `zh-CN`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language for a BCP 47 tag such as `zh`, `zh-CN`, `zh-Hans`, `en-GB`. Any other
    /// language falls back to English, the language with complete coverage.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// A piece of static text in every supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    /// English.
    pub en: &'static str,
    /// Simplified Chinese.
    pub zh: &'static str,
}

impl Text {
    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::ZhCn => self.zh,
        }
    }
}

/// A value made at run time in every supported language, such as an annotation the page
/// keeps in both so that switching language needs nothing again. (A fixed text is a
/// [`Text`], which is `Copy` and hands out `&'static str`.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bilingual<T> {
    /// English.
    pub en: T,
    /// Simplified Chinese.
    pub zh: T,
}

impl<T> Bilingual<T> {
    /// The value in `lang`.
    pub fn get(&self, lang: Lang) -> &T {
        match lang {
            Lang::En => &self.en,
            Lang::ZhCn => &self.zh,
        }
    }
}

/// Builds a [`Text`]: `t!("English", "中文")`.
macro_rules! t {
    ($en:expr, $zh:expr $(,)?) => {
        $crate::lang::Text { en: $en, zh: $zh }
    };
}
pub(crate) use t;

/// Formats text in `lang`: `protocol::tr!(lang, "Connected to {peer}", "已连接到 {peer}")`.
/// The format strings capture variables in scope. Text with placeholders is made in one
/// language at a time (unlike [`Text`], which holds both), but both are written side by side,
/// so a missing translation does not compile.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $en:literal, $zh:literal $(,)?) => {
        match $lang {
            $crate::lang::Lang::En => format!($en),
            $crate::lang::Lang::ZhCn => format!($zh),
        }
    };
}

/// Like [`tr!`] for text without placeholders, as a `String`: picks the static string,
/// with no formatting code at the call site (it adds up in the WebAssembly bundle).
#[macro_export]
macro_rules! tx {
    ($lang:expr, $en:literal, $zh:literal $(,)?) => {
        match $lang {
            $crate::lang::Lang::En => $en,
            $crate::lang::Lang::ZhCn => $zh,
        }
        .to_owned()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(Lang::from_tag("zh-CN"), Lang::ZhCn);
        assert_eq!(Lang::from_tag("zh_Hans"), Lang::ZhCn);
        assert_eq!(Lang::from_tag("ZH"), Lang::ZhCn);
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
        assert_eq!(Lang::from_tag("fr"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
        assert_eq!(Lang::ZhCn.to_string(), "zh-CN");
        assert_eq!(t!("a", "甲").get(Lang::ZhCn), "甲");
        let n = 2;
        assert_eq!(crate::tr!(Lang::ZhCn, "{n} lines", "{n} 行"), "2 行");
        assert_eq!(crate::tx!(Lang::En, "a", "甲"), "a");
        let pair = Bilingual {
            en: vec![1],
            zh: vec![2],
        };
        assert_eq!(pair.get(Lang::ZhCn), &[2]);
    }
}
