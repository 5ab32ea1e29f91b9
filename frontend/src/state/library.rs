//! The lesson library: the index the picker lists, which lesson is picked, and what went
//! wrong loading it. The lesson itself and its progress live in the conversation
//! ([`LessonRun`](crate::lesson::LessonRun)); the app fetches the files (`lessons/` beside
//! the page) and reads and writes local storage.

use std::rc::Rc;

use protocol::lesson::{IndexEntry, LessonError};

/// Why the picked lesson is not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LessonProblem {
    /// Its file could not be fetched.
    Fetch,
    /// Its file has a mistake.
    Unreadable(LessonError),
}

/// The library part of the state; see the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Library {
    /// The lessons the picker offers; `None` until the index arrived (or when it failed).
    pub index: Option<Rc<Vec<IndexEntry>>>,
    /// The index could not be fetched or read.
    pub index_failed: bool,
    /// The id of the lesson picked (from the link, local storage, or the picker); empty
    /// until the app has chosen.
    pub chosen: String,
    /// The picked lesson's file is on its way.
    pub loading: bool,
    /// Why the picked lesson is not shown.
    pub problem: Option<LessonProblem>,
    /// Bumped by "Restart lesson", so the app stores the reset progress.
    pub restarts: u32,
}
