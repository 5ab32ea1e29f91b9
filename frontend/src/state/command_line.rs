//! The command line: the line being typed, Tab's candidates, the history, the pasted lines
//! waiting their turn, and the line whose warnings were shown.

use super::queue::PasteQueue;
use crate::input::{self, History};

/// The command-line part of the state; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    /// The command line as typed.
    pub draft: String,
    /// Completions offered by the last Tab.
    pub candidates: Vec<&'static str>,
    /// Pasted lines waiting until the server has answered the previous one.
    pub queue: PasteQueue,
    /// The line whose warnings the user has seen: Enter on it again sends it.
    confirm: Option<String>,
    /// A lone `.` was held back by a warning and has not gone out since: the message is
    /// still open, whatever the user typed after it.
    held_dot: bool,
    history: History,
}

impl CommandLine {
    /// The line whose warnings are shown, while the command line still holds it.
    pub fn confirming(&self) -> Option<&str> {
        self.confirm.as_deref().filter(|line| *line == self.draft)
    }

    /// Whether the warnings of `text` were already shown, so Enter sends it.
    pub fn was_warned(&self, text: &str) -> bool {
        self.confirm.as_deref() == Some(text)
    }

    /// Whether a lone `.` was held back by a warning and not sent since.
    pub fn dot_held(&self) -> bool {
        self.held_dot
    }

    /// Whether a warning waits for a second Enter.
    pub fn is_confirming(&self) -> bool {
        self.confirm.is_some()
    }

    /// The command line changed.
    pub fn edit(&mut self, text: String) {
        if self.confirm.as_ref() != Some(&text) {
            self.confirm = None;
        }
        self.candidates.clear();
        self.draft = text;
    }

    /// Up: the previous line of the history.
    pub fn history_up(&mut self) {
        if let Some(line) = self.history.up(&self.draft) {
            self.draft = line;
            self.confirm = None;
        }
    }

    /// Down: the next line of the history.
    pub fn history_down(&mut self) {
        if let Some(line) = self.history.down() {
            self.draft = line;
            self.confirm = None;
        }
    }

    /// Tab: complete the command line.
    pub fn complete(&mut self) {
        let completion = input::complete(&self.draft);
        self.draft = completion.line;
        self.candidates = completion.candidates;
        self.confirm = None;
    }

    /// Esc: forget the warning, the completions and the queued lines.
    pub fn cancel(&mut self) {
        self.confirm = None;
        self.candidates.clear();
        self.queue.clear();
    }

    /// Enter on `text`, which has warnings: show it and wait for a second Enter.
    pub fn warn(&mut self, text: String, queued: bool) {
        if queued {
            self.queue.pop_front();
        }
        self.held_dot = is_lone_dot(&text);
        self.draft.clone_from(&text);
        self.confirm = Some(text);
    }

    /// `text` went out (from the queue when `queued`). Only a line the transcript shows
    /// `as_typed` goes into the history: one with a secret in it (an AUTH answer) never.
    pub fn sent(&mut self, text: &str, queued: bool, as_typed: bool) {
        if queued {
            self.queue.pop_front();
        } else {
            self.clear();
        }
        if self.confirm.as_deref() == Some(text) {
            self.clear();
        }
        if is_lone_dot(text) {
            self.held_dot = false;
        }
        if as_typed {
            self.history.record(text);
        }
    }

    /// A new session starts, or the old one ended: pasted lines and a pending warning are
    /// for the session they were meant for.
    pub fn end_session(&mut self) {
        self.queue.clear();
        self.confirm = None;
        self.held_dot = false;
    }

    fn clear(&mut self) {
        self.draft.clear();
        self.confirm = None;
        self.candidates.clear();
    }
}

/// The line that ends a message after DATA: a single dot.
fn is_lone_dot(line: &str) -> bool {
    line == "."
}
