//! Which steps of a lesson are done, and the short text the page keeps in local storage.

use super::model::Lesson;
use super::watch::Moment;

/// The steps done, one flag per step of the lesson.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    done: Vec<bool>,
}

impl Progress {
    /// Nothing done yet in a lesson of `steps` steps.
    pub fn new(steps: usize) -> Self {
        Self {
            done: vec![false; steps],
        }
    }

    /// How many steps the lesson has.
    pub fn len(&self) -> usize {
        self.done.len()
    }

    /// Whether the lesson has no steps.
    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }

    /// Whether step `index` is done.
    pub fn is_done(&self, index: usize) -> bool {
        self.done.get(index).copied().unwrap_or(false)
    }

    /// The step after the furthest one done, so a skipped step (AUTH, on a server that
    /// offers none) does not hold the lesson back; `None` once the last one is done.
    pub fn current(&self) -> Option<usize> {
        let next = self.done.iter().rposition(|d| *d).map_or(0, |i| i + 1);
        (next < self.done.len()).then_some(next)
    }

    /// How many steps are done.
    pub fn count(&self) -> usize {
        self.done.iter().filter(|d| **d).count()
    }

    /// Marks step `index` done.
    pub fn check(&mut self, index: usize) {
        if let Some(done) = self.done.get_mut(index) {
            *done = true;
        }
    }

    /// Checks off every step of `lesson` whose condition holds at `moment`; returns
    /// whether anything changed.
    pub fn update(&mut self, lesson: &Lesson, moment: &Moment<'_>) -> bool {
        let mut changed = false;
        for (i, step) in lesson.steps.iter().enumerate() {
            if !self.is_done(i) && step.done.iter().any(|c| c.holds(moment)) {
                self.check(i);
                changed = true;
            }
        }
        changed
    }

    /// The progress as text for storage: one `1` or `0` per step.
    pub fn encode(&self) -> String {
        self.done
            .iter()
            .map(|d| if *d { '1' } else { '0' })
            .collect()
    }

    /// Reads [`Progress::encode`]'s text for a lesson of `steps` steps; anything that
    /// does not fit (the lesson changed, the storage was edited) starts over.
    pub fn decode(text: &str, steps: usize) -> Self {
        if text.len() != steps || !text.bytes().all(|b| b == b'0' || b == b'1') {
            return Self::new(steps);
        }
        Self {
            done: text.bytes().map(|b| b == b'1').collect(),
        }
    }
}
