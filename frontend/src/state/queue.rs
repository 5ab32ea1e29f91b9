//! The pasted lines waiting their turn, cheap to copy: the reducer copies the whole state
//! on every action, and a pasted message body can be 10,000 lines. The lines are shared
//! (`Rc<[String]>`) and taking the front one only moves an index, so sending a line costs
//! the same whatever the paste's length; a paste copies the lines still waiting once.

use std::rc::Rc;

/// See the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PasteQueue {
    lines: Rc<[String]>,
    /// The index of the front line in `lines`.
    next: usize,
}

impl PasteQueue {
    /// The line to send next.
    pub fn front(&self) -> Option<&String> {
        self.lines.get(self.next)
    }

    /// The lines waiting, front first.
    pub fn iter(&self) -> std::slice::Iter<'_, String> {
        self.as_slice().iter()
    }

    /// The lines waiting, front first, as a slice.
    pub fn as_slice(&self) -> &[String] {
        self.lines.get(self.next..).unwrap_or_default()
    }

    /// How many lines wait.
    pub fn len(&self) -> usize {
        self.lines.len().saturating_sub(self.next)
    }

    /// Whether no line waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The front line went out (or was held by a warning).
    pub fn pop_front(&mut self) {
        if self.next < self.lines.len() {
            self.next += 1;
        }
        if self.next == self.lines.len() {
            self.clear();
        }
    }

    /// Forgets every line.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Adds pasted lines after those waiting.
    pub fn extend(&mut self, lines: Vec<String>) {
        if self.is_empty() {
            self.lines = lines.into();
        } else {
            self.lines = self.iter().cloned().chain(lines).collect();
        }
        self.next = 0;
    }
}

impl<'a> IntoIterator for &'a PasteQueue {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(all: &[&str]) -> Vec<String> {
        all.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn lines_leave_in_order_and_a_later_paste_queues_behind() {
        let mut queue = PasteQueue::default();
        assert!(queue.is_empty() && queue.front().is_none());
        queue.extend(lines(&["a", "b", "c"]));
        let copy = queue.clone();
        queue.pop_front();
        assert_eq!(queue.front().map(String::as_str), Some("b"));
        assert_eq!(
            copy.front().map(String::as_str),
            Some("a"),
            "a copy keeps its own front"
        );
        queue.extend(lines(&["d"]));
        assert_eq!(
            queue.iter().cloned().collect::<Vec<_>>(),
            lines(&["b", "c", "d"])
        );
        assert_eq!(queue.len(), 3);
        for _ in 0..5 {
            queue.pop_front();
        }
        assert!(queue.is_empty());
        assert_eq!(
            queue,
            PasteQueue::default(),
            "an emptied queue holds nothing"
        );
        queue.extend(lines(&["e"]));
        queue.clear();
        assert_eq!(queue.len(), 0);
    }
}
