//! The words of the lesson panel and its picker in both languages (the lessons' own text
//! comes from their files, in both languages too).

use protocol::lang::Lang;
use protocol::tr;

/// The fixed words of the lesson panel in one language.
#[derive(Debug)]
pub struct LessonsUi {
    /// The panel's heading before the lesson's title.
    pub heading: &'static str,
    /// The picker's label.
    pub pick: &'static str,
    /// The link that opens this lesson.
    pub link: &'static str,
    /// The button that undoes every step.
    pub restart: &'static str,
    /// The lesson's file is on its way.
    pub loading: &'static str,
    /// The empty line, as an example's label.
    pub empty_line: &'static str,
    /// The lesson is complete.
    pub done: &'static str,
    /// The sandbox's demo account.
    pub demo: &'static str,
    /// Above the earlier steps' examples in a new session.
    pub catch_up: &'static str,
}

const EN: LessonsUi = LessonsUi {
    heading: "Lesson",
    pick: "Lesson",
    link: "Link to this lesson",
    restart: "Restart lesson",
    loading: "Loading the lesson …",
    empty_line: "(empty line: then press Enter)",
    done: "Done! Every step is checked off. Pick another lesson, or restart this one.",
    demo: "Sandbox account",
    catch_up: "This is a new connection: the server has forgotten the steps done before. Repeat them first:",
};

const ZH: LessonsUi = LessonsUi {
    heading: "课程",
    pick: "课程",
    link: "本课程的链接",
    restart: "重新开始本课",
    loading: "正在加载课程……",
    empty_line: "（空行：然后按回车）",
    done: "完成！所有步骤都已打勾。选择另一门课程，或重新开始本课。",
    demo: "沙盒账号",
    catch_up: "这是一个新连接：服务器已经忘记了之前完成的步骤。请先重复它们：",
};

/// The lesson panel's words in `lang`.
pub fn lessons(lang: Lang) -> &'static LessonsUi {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}

/// Said when the progress came back from an earlier visit.
pub fn resumed(lang: Lang, done: usize, steps: usize) -> String {
    tr!(
        lang,
        "Resumed where you left off: {done} of {steps} steps done. Reconnecting never loses them; Restart lesson starts over.",
        "已从上次停下的地方继续：{steps} 步中已完成 {done} 步。重新连接不会丢失进度；点击“重新开始本课”可从头开始。"
    )
}

/// The lesson's file could not be fetched.
pub fn fetch_failed(lang: Lang, id: &str) -> String {
    tr!(
        lang,
        "The lesson “{id}” could not be loaded: check the link, or pick another lesson.",
        "无法加载课程“{id}”：请检查链接，或选择另一门课程。"
    )
}

/// The list of lessons could not be fetched.
pub fn index_failed(lang: Lang) -> String {
    tr!(
        lang,
        "The list of lessons could not be loaded; the lesson below still works.",
        "无法加载课程列表；下面的课程仍然可以使用。"
    )
}

/// The lesson's file could not be read. Only the line is said: what is wrong there is
/// for the lesson's author, whom the format's tests tell in both languages (keeping
/// those sentences out of the page keeps it small).
pub fn unreadable(lang: Lang, id: &str, line: usize) -> String {
    tr!(
        lang,
        "The lesson file “{id}.lesson” has a mistake at line {line}: pick another lesson.",
        "课程文件“{id}.lesson”第 {line} 行有错误：请选择另一门课程。"
    )
}

/// The heading: "Lesson: <title> (2/9)".
pub fn heading(lang: Lang, title: &str, done: usize, steps: usize) -> String {
    let word = lessons(lang).heading;
    tr!(
        lang,
        "{word}: {title} ({done}/{steps})",
        "{word}：{title}（{done}/{steps}）"
    )
}
