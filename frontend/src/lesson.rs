//! Lesson mode: the lesson picked from the library (`lessons/` beside the page, loaded on
//! demand), its progress, and the conversation as the lesson sees it. Whether a step is
//! done is `protocol::lesson`'s answer, judged on the session's real replies.
//!
//! The progress outlives a session: connecting again goes on where the learner was (the
//! [`Watch`] starts over with the new session, the steps done stay done); only
//! [`LessonRun::restart`] starts the lesson over. Events that happen before the lesson's
//! file has arrived are kept (with the session as it was) and judged once it has.

use std::collections::VecDeque;
use std::rc::Rc;

use protocol::annotate::LineKind;
use protocol::lesson::{Event, Example, Lesson, Progress, Watch};
use protocol::session::{ClientSession, Received};

/// The lesson shown when none was picked (and the link names none).
pub const DEFAULT_LESSON: &str = "first-mail";

/// The fragment of a link to a lesson: `#lesson=<id>` (a shared transcript's is
/// `#transcript=`, so the two never clash).
pub const FRAGMENT_KEY: &str = "lesson=";

/// The lesson a link's fragment names (`#lesson=starttls`), if it names a valid id.
pub fn from_fragment(hash: &str) -> Option<String> {
    let id = hash
        .strip_prefix('#')
        .unwrap_or(hash)
        .strip_prefix(FRAGMENT_KEY)?;
    protocol::lesson::valid_id(id).then(|| id.to_owned())
}

/// How many events are kept while the lesson's file is still on its way.
const PENDING_CAP: usize = 64;

/// An [`Event`] that owns its parts, kept until the lesson is there.
#[derive(Debug, Clone)]
enum Pending {
    Sent(String, LineKind),
    Reply(u16, Received),
    TlsStarted,
    Closed,
}

impl Pending {
    fn event(&self) -> Event<'_> {
        match self {
            Pending::Sent(line, kind) => Event::Sent { line, kind: *kind },
            Pending::Reply(code, received) => Event::Reply {
                code: *code,
                received,
            },
            Pending::TlsStarted => Event::TlsStarted,
            Pending::Closed => Event::Closed,
        }
    }
}

/// The lesson in progress; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct LessonRun {
    /// The lesson, once its file is read.
    lesson: Option<Rc<Lesson>>,
    /// Which steps are done.
    progress: Progress,
    /// Progress was restored from an earlier visit (shown as "resumed").
    resumed: bool,
    /// This session as the lesson sees it.
    watch: Watch,
    /// A new session began with steps already done, and none was checked off since: the
    /// server has forgotten the earlier steps, which the learner repeats first.
    fresh: bool,
    /// Events before the lesson arrived, each with the session as it was then.
    pending: VecDeque<(Pending, ClientSession)>,
}

impl LessonRun {
    /// The lesson, when loaded.
    pub fn lesson(&self) -> Option<&Rc<Lesson>> {
        self.lesson.as_ref()
    }

    /// Which steps are done.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Whether the progress came back from an earlier visit.
    pub fn resumed(&self) -> bool {
        self.resumed
    }

    /// The current step's index, `None` when done (or no lesson yet).
    pub fn current(&self) -> Option<usize> {
        self.lesson.as_ref()?;
        self.progress.current()
    }

    /// Shows `lesson`, with the progress `stored` from an earlier visit (its
    /// [`Progress::encode`] text), and judges what happened while it loaded.
    pub fn set_lesson(&mut self, lesson: Rc<Lesson>, stored: Option<&str>) {
        let steps = lesson.steps.len();
        self.progress = stored.map_or_else(|| Progress::new(steps), |s| Progress::decode(s, steps));
        self.resumed = self.progress.count() > 0;
        self.fresh = self.resumed;
        self.lesson = Some(lesson);
        for (pending, session) in std::mem::take(&mut self.pending) {
            self.observe_now(pending.event(), &session);
        }
    }

    /// Forgets the lesson (another one is loading); the session's watch goes on.
    pub fn unset(&mut self) {
        self.lesson = None;
        self.progress = Progress::default();
        self.resumed = false;
    }

    /// "Restart lesson": every step undone.
    pub fn restart(&mut self) {
        self.progress = Progress::new(self.progress.len());
        self.resumed = false;
        self.fresh = false;
    }

    /// A new session starts: the lesson goes on where it was.
    pub fn new_session(&mut self) {
        self.watch = Watch::new();
        self.pending.clear();
        self.fresh = self.progress.count() > 0;
    }

    /// A line went out, after `session` recorded it. An AUTH answer's text is not kept.
    pub fn sent(&mut self, line: &str, kind: LineKind, session: &ClientSession) {
        let line = if kind == LineKind::AuthAnswer {
            ""
        } else {
            line
        };
        self.observe(Pending::Sent(line.to_owned(), kind), session);
    }

    /// A complete reply, after `session` handled it.
    pub fn replied(&mut self, code: u16, received: &Received, session: &ClientSession) {
        self.observe(Pending::Reply(code, received.clone()), session);
    }

    /// STARTTLS finished.
    pub fn tls_started(&mut self, session: &ClientSession) {
        self.observe(Pending::TlsStarted, session);
    }

    /// The connection closed.
    pub fn closed(&mut self, session: &ClientSession) {
        self.observe(Pending::Closed, session);
    }

    fn observe(&mut self, pending: Pending, session: &ClientSession) {
        if self.lesson.is_some() {
            self.observe_now(pending.event(), session);
        } else {
            if self.pending.len() == PENDING_CAP {
                self.pending.pop_front();
            }
            self.pending.push_back((pending, session.clone()));
        }
    }

    fn observe_now(&mut self, event: Event<'_>, session: &ClientSession) {
        let moment = self.watch.observe(event, session);
        if let Some(lesson) = &self.lesson
            && self.progress.update(lesson, &moment)
        {
            self.fresh = false;
        }
    }

    /// In a new session that goes on with steps already done: one example of each of
    /// those steps (the first one offered now), to repeat what the server has forgotten
    /// (EHLO, MAIL FROM ...) before the current step can work.
    pub fn catch_up(&self, session: &ClientSession) -> Vec<Example> {
        let (Some(lesson), Some(current), true) = (&self.lesson, self.current(), self.fresh) else {
            return Vec::new();
        };
        let moment = self.watch.now(session);
        let mut examples: Vec<Example> = Vec::new();
        for step in lesson.steps.iter().take(current) {
            let first = step
                .examples
                .iter()
                .find(|e| e.when.as_ref().is_none_or(|c| c.holds(&moment)));
            if let Some(example) = first
                && !examples.contains(example)
            {
                examples.push(example.clone());
            }
        }
        examples
    }

    /// The examples the current step offers now: those whose condition holds (the
    /// headers still missing, no AUTH LOGIN while the server waits for the username).
    pub fn offered(&self, session: &ClientSession) -> Vec<Example> {
        let (Some(lesson), Some(current)) = (&self.lesson, self.current()) else {
            return Vec::new();
        };
        let moment = self.watch.now(session);
        lesson.steps[current]
            .examples
            .iter()
            .filter(|e| e.when.as_ref().is_none_or(|c| c.holds(&moment)))
            .cloned()
            .collect()
    }
}
