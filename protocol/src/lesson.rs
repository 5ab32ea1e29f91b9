//! Lessons as data: a lesson is a small line-based text file (`lessons/<id>.lesson` at the
//! repository root, described in `lessons/README.md`) with a title and a summary in
//! English and Chinese and a sequence of steps. Each step says what to do and why, offers
//! example lines, and names the condition that checks it off.
//!
//! Conditions are judged against what really happened, never against what was typed
//! alone: a [`Watch`] is fed the conversation (each line sent, each complete reply, TLS
//! up, the connection closed) after the [`ClientSession`](crate::session::ClientSession)
//! recorded it, and hands out a [`Moment`] that the conditions read. The SMTP facts are the
//! session's (phase, TLS, AUTH, header block, which command a reply answers); the watch
//! only remembers what the session forgets once a transaction ends (the envelope and the
//! header fields of the message a reply accepts, the recipients deferred with 4xx, the
//! size of a pipelined batch).
//!
//! - `model.rs`: [`Lesson`], [`Step`], [`Example`], [`Condition`] and its [`Atom`]s.
//! - `parse.rs`: [`parse_lesson`]; `condition.rs` reads one condition; `error.rs`
//!   [`LessonError`] (the file's line and what is wrong, in both languages).
//! - `index.rs`: the small index of every lesson the page's picker reads first.
//! - `watch.rs`: [`Watch`], [`Event`] and [`Moment`]; `eval.rs` decides whether a condition
//!   holds at a moment.
//! - `progress.rs`: [`Progress`], which steps of a lesson are done, and its compact text
//!   form for the page's local storage.

mod condition;
mod error;
mod eval;
mod index;
mod model;
mod parse;
mod progress;
mod watch;

#[cfg(test)]
mod tests;

pub use error::{LessonError, LessonErrorKind};
pub use index::{IndexEntry, parse_index};
pub use model::{
    Answer, Atom, CodePattern, Condition, Example, Lesson, MAX_EXAMPLE_LINES, MAX_FILE,
    MAX_PER_STEP, MAX_STEPS, ReplyAtom, Step,
};
pub use parse::parse_lesson;
pub use progress::Progress;
pub use watch::{Event, Moment, Watch};
