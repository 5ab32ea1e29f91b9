//! Reads a lesson file. Line-based, by hand (no serde in the page): `field: value` lines,
//! `step` lines that open a step, `#` comments, blank lines, and lines that start with a
//! space or a tab to continue the text before. Every mistake is a [`LessonError`] with
//! the line it is on; nothing panics.

use super::condition::parse_condition;
use super::error::{LessonError, LessonErrorKind};
use super::model::{Example, Lesson, MAX_EXAMPLE_LINES, MAX_FILE, MAX_PER_STEP, MAX_STEPS, Step};
use crate::lang::{Bilingual, Lang};

/// Which text field a continuation line extends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    LessonTitle(Lang),
    Summary(Lang),
    StepTitle(Lang),
    StepText(Lang),
    Example,
}

#[derive(Default)]
struct Head {
    id: Option<String>,
    title: [Option<String>; 2],
    summary: [Option<String>; 2],
}

#[derive(Default)]
struct Draft {
    line: usize,
    title: [Option<String>; 2],
    text: [Option<String>; 2],
    examples: Vec<Example>,
    show_account: bool,
    done: Vec<super::model::Condition>,
}

fn slot(lang: Lang) -> usize {
    match lang {
        Lang::En => 0,
        Lang::ZhCn => 1,
    }
}

fn lang_of(suffix: &str) -> Option<Lang> {
    match suffix {
        "en" => Some(Lang::En),
        "zh" => Some(Lang::ZhCn),
        _ => None,
    }
}

/// Reads the lesson file `text`; `file_id` is its name without `.lesson`, which the id
/// must equal (`None` skips that check, for a lesson pasted on its own).
pub fn parse_lesson(text: &str, file_id: Option<&str>) -> Result<Lesson, LessonError> {
    let at = |line: usize| move |kind: LessonErrorKind| LessonError { line, kind };
    if text.len() > MAX_FILE {
        return Err(at(0)(LessonErrorKind::TooLarge));
    }
    let mut head = Head::default();
    let mut steps: Vec<Step> = Vec::new();
    let mut draft: Option<Draft> = None;
    let mut open: Option<Open> = None;
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let err = at(number);
        let line = raw.trim_end();
        if line.is_empty() || line.starts_with('#') {
            open = None;
            continue;
        }
        if line.starts_with([' ', '\t']) {
            let target = open.ok_or(err(LessonErrorKind::StrayContinuation))?;
            if let (Open::Example, Some(step)) = (target, draft.as_mut()) {
                let more = line.trim_start();
                let more = more
                    .strip_prefix('|')
                    .map_or(more, |m| m.strip_prefix(' ').unwrap_or(m));
                if let Some(example) = step.examples.last_mut() {
                    if example.lines.len() == MAX_EXAMPLE_LINES {
                        return Err(err(LessonErrorKind::TooMany {
                            what: "example lines".into(),
                        }));
                    }
                    example.lines.push(more.to_owned());
                }
                continue;
            }
            let field = match (target, draft.as_mut()) {
                (Open::LessonTitle(lang), _) => &mut head.title[slot(lang)],
                (Open::Summary(lang), _) => &mut head.summary[slot(lang)],
                (Open::StepTitle(lang), Some(d)) => &mut d.title[slot(lang)],
                (Open::StepText(lang), Some(d)) => &mut d.text[slot(lang)],
                _ => return Err(err(LessonErrorKind::StrayContinuation)),
            };
            if let Some(field) = field {
                join(field, line.trim());
            }
            continue;
        }
        open = None;
        if line == "step" {
            if let Some(done) = draft.take() {
                steps.push(finish_step(done)?);
            }
            if steps.len() == MAX_STEPS {
                return Err(err(LessonErrorKind::TooMany {
                    what: "steps".into(),
                }));
            }
            draft = Some(Draft {
                line: number,
                ..Draft::default()
            });
            continue;
        }
        let (key, value) = line
            .split_once(':')
            .ok_or(err(LessonErrorKind::NotAField))?;
        let key = key.trim();
        // An example keeps its spaces (a header's folded line); one after the colon goes.
        let example_value = value.strip_prefix(' ').unwrap_or(value);
        let value = value.trim();
        match draft.as_mut() {
            None => {
                let (field, lang) = match key.split_once('.') {
                    Some((field, suffix)) => (field, lang_of(suffix)),
                    None => (key, None),
                };
                let target = match (field, lang) {
                    ("lesson", None) => {
                        set(&mut head.id, key, value).map_err(&err)?;
                        continue;
                    }
                    ("title", Some(lang)) => {
                        open = Some(Open::LessonTitle(lang));
                        &mut head.title[slot(lang)]
                    }
                    ("summary", Some(lang)) => {
                        open = Some(Open::Summary(lang));
                        &mut head.summary[slot(lang)]
                    }
                    _ => {
                        return Err(err(LessonErrorKind::UnknownField {
                            field: key.to_owned(),
                            in_step: false,
                        }));
                    }
                };
                set(target, key, value).map_err(&err)?;
            }
            Some(step) => {
                if let Some(condition) = key.strip_prefix("example if ") {
                    let when = parse_condition(condition).map_err(&err)?;
                    push_example(step, example_value, Some(when)).map_err(&err)?;
                    open = Some(Open::Example);
                    continue;
                }
                let (field, lang) = match key.split_once('.') {
                    Some((field, suffix)) => (field, lang_of(suffix)),
                    None => (key, None),
                };
                match (field, lang) {
                    ("title", Some(lang)) => {
                        open = Some(Open::StepTitle(lang));
                        set(&mut step.title[slot(lang)], key, value).map_err(&err)?;
                    }
                    ("text", Some(lang)) => {
                        open = Some(Open::StepText(lang));
                        set(&mut step.text[slot(lang)], key, value).map_err(&err)?;
                    }
                    ("example", None) => {
                        push_example(step, example_value, None).map_err(&err)?;
                        open = Some(Open::Example);
                    }
                    ("show", None) if value == "account" => step.show_account = true,
                    ("show", None) => {
                        return Err(err(LessonErrorKind::BadShow {
                            value: value.to_owned(),
                        }));
                    }
                    ("done", None) => {
                        if step.done.len() == MAX_PER_STEP {
                            return Err(err(LessonErrorKind::TooMany {
                                what: "done".into(),
                            }));
                        }
                        step.done.push(parse_condition(value).map_err(&err)?);
                    }
                    _ => {
                        return Err(err(LessonErrorKind::UnknownField {
                            field: key.to_owned(),
                            in_step: true,
                        }));
                    }
                }
            }
        }
    }
    if let Some(done) = draft.take() {
        steps.push(finish_step(done)?);
    }
    let whole = at(0);
    let id = head.id.ok_or_else(|| {
        whole(LessonErrorKind::Missing {
            field: "lesson".into(),
        })
    })?;
    if !valid_id(&id) {
        return Err(whole(LessonErrorKind::BadId { id }));
    }
    if let Some(expected) = file_id.filter(|f| *f != id) {
        return Err(whole(LessonErrorKind::IdMismatch {
            id,
            expected: expected.to_owned(),
        }));
    }
    if steps.is_empty() {
        return Err(whole(LessonErrorKind::NoSteps));
    }
    let [title_en, title_zh] = head.title;
    let [summary_en, summary_zh] = head.summary;
    Ok(Lesson {
        id,
        title: both(title_en, title_zh, "title", 0)?,
        summary: both(summary_en, summary_zh, "summary", 0)?,
        steps,
    })
}

/// Whether `id` can name a lesson: 1 to 40 lower-case ASCII letters, digits and `-` (it is
/// a file name and part of a link).
pub(super) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn set(slot: &mut Option<String>, key: &str, value: &str) -> Result<(), LessonErrorKind> {
    if slot.is_some() {
        return Err(LessonErrorKind::Duplicate {
            field: key.to_owned(),
        });
    }
    *slot = Some(value.to_owned());
    Ok(())
}

fn push_example(
    step: &mut Draft,
    line: &str,
    when: Option<super::model::Condition>,
) -> Result<(), LessonErrorKind> {
    if step.examples.len() == MAX_PER_STEP {
        return Err(LessonErrorKind::TooMany {
            what: "examples".into(),
        });
    }
    step.examples.push(Example {
        lines: vec![line.trim_end().to_owned()],
        when,
    });
    Ok(())
}

/// Appends a continuation: with a space, except between two non-ASCII characters (two
/// Chinese lines join without one).
fn join(field: &mut String, more: &str) {
    let cjk_seam = field.chars().last().is_some_and(|c| !c.is_ascii())
        && more.chars().next().is_some_and(|c| !c.is_ascii());
    if !cjk_seam && !field.is_empty() {
        field.push(' ');
    }
    field.push_str(more);
}

fn both(
    en: Option<String>,
    zh: Option<String>,
    field: &str,
    line: usize,
) -> Result<Bilingual<String>, LessonError> {
    let missing = |lang: &str| LessonError {
        line,
        kind: LessonErrorKind::Missing {
            field: format!("{field}.{lang}"),
        },
    };
    Ok(Bilingual {
        en: en.filter(|t| !t.is_empty()).ok_or_else(|| missing("en"))?,
        zh: zh.filter(|t| !t.is_empty()).ok_or_else(|| missing("zh"))?,
    })
}

fn finish_step(draft: Draft) -> Result<Step, LessonError> {
    let [title_en, title_zh] = draft.title;
    let [text_en, text_zh] = draft.text;
    if draft.done.is_empty() {
        return Err(LessonError {
            line: draft.line,
            kind: LessonErrorKind::Missing {
                field: "done".into(),
            },
        });
    }
    Ok(Step {
        title: both(title_en, title_zh, "title", draft.line)?,
        text: both(text_en, text_zh, "text", draft.line)?,
        examples: draft.examples,
        show_account: draft.show_account,
        done: draft.done,
    })
}
