//! The index of lessons (`lessons/index.txt`): what the page's picker needs before any
//! lesson is loaded. One lesson a line, `id | English title | Chinese title`, in the
//! order shown; `#` comments and blank lines are skipped.

use super::error::{LessonError, LessonErrorKind};
use super::parse::valid_id;
use crate::lang::Bilingual;

/// One lesson in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// The lesson's id (its file is `<id>.lesson`).
    pub id: String,
    /// Its title.
    pub title: Bilingual<String>,
}

/// Reads the index.
pub fn parse_index(text: &str) -> Result<Vec<IndexEntry>, LessonError> {
    let mut entries: Vec<IndexEntry> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |kind| LessonError { line: i + 1, kind };
        let mut parts = line.split('|').map(str::trim);
        let (Some(id), Some(en), Some(zh), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(err(LessonErrorKind::NotAField));
        };
        if !valid_id(id) {
            return Err(err(LessonErrorKind::BadId { id: id.to_owned() }));
        }
        if en.is_empty() || zh.is_empty() {
            return Err(err(LessonErrorKind::Missing {
                field: "title".into(),
            }));
        }
        if entries.iter().any(|e| e.id == id) {
            return Err(err(LessonErrorKind::Duplicate {
                field: id.to_owned(),
            }));
        }
        entries.push(IndexEntry {
            id: id.to_owned(),
            title: Bilingual {
                en: en.to_owned(),
                zh: zh.to_owned(),
            },
        });
    }
    Ok(entries)
}
