//! What a lesson file holds, once read.

use crate::command::Verb;
use crate::lang::{Bilingual, Lang};

/// The largest lesson file read, in bytes.
pub const MAX_FILE: usize = 64 * 1024;
/// The most steps in one lesson.
pub const MAX_STEPS: usize = 40;
/// The most examples and `done:` lines in one step.
pub const MAX_PER_STEP: usize = 12;
/// The most lines in one example.
pub const MAX_EXAMPLE_LINES: usize = 40;

/// One lesson: see the module documentation of [`crate::lesson`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    /// The lesson's id, also its file name (`starttls` for `starttls.lesson`) and its link
    /// (`#lesson=starttls`): lower-case ASCII letters, digits and `-`.
    pub id: String,
    /// The lesson's title.
    pub title: Bilingual<String>,
    /// What the lesson teaches, in a sentence or two.
    pub summary: Bilingual<String>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One step of a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What to do.
    pub title: Bilingual<String>,
    /// Why, and what the server answers.
    pub text: Bilingual<String>,
    /// Lines to type; a click puts one on the command line.
    pub examples: Vec<Example>,
    /// Show the sandbox's demo account at this step (an AUTH step).
    pub show_account: bool,
    /// The step is done when any one of these holds (each `done:` line is one).
    pub done: Vec<Condition>,
}

impl Step {
    /// The step's title in `lang`.
    pub fn title(&self, lang: Lang) -> &str {
        self.title.get(lang)
    }
}

/// An example, offered while its condition holds (always, without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The line as it goes on the command line; may be empty (the blank line that ends a
    /// header block). Several lines are sent one after the other, as a paste is.
    pub lines: Vec<String>,
    /// When to offer it: e.g. `no-header Subject`, so a click never adds a second one.
    pub when: Option<Condition>,
}

/// A condition: every atom holds at the same moment (`a and b`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The atoms, all of which must hold.
    pub all: Vec<Atom>,
}

/// One fact a condition can ask for; see `lessons/README.md` for the words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Atom {
    /// `not <atom>`.
    Not(Box<Atom>),
    /// A reply (its last line) that answers something, with a code, at this moment.
    Reply(ReplyAtom),
    /// `introduced`: EHLO or HELO was accepted in this session (after TLS: again).
    Introduced,
    /// `authenticated`: AUTH succeeded in this session.
    Authenticated,
    /// `tls`: the session is encrypted.
    Tls,
    /// `tls-started`: the moment the STARTTLS handshake finished.
    TlsStarted,
    /// `waiting-auth`: an AUTH exchange is under way (the AUTH command not yet answered,
    /// or the server's 334 waits for a base64 line).
    WaitingAuth,
    /// `in-message`: between 354 and the final dot.
    InMessage,
    /// `body`: the message's header block was ended by the empty line.
    Body,
    /// `header NAME`: the message has a header field NAME.
    Header(String),
    /// `blind`: the message went to an envelope recipient no `To:` or `Cc:` names (a Bcc).
    Blind,
    /// `dot-stuffed`: a message line started with a `.` and was sent doubled (`..`).
    DotStuffed,
    /// `pipelined N`: the moment the last reply to a batch of at least N commands sent
    /// without waiting arrived, every reply in order.
    Pipelined(usize),
    /// `closed`: the session is over (221 to QUIT, a 421, or the connection closed).
    Closed,
}

/// `reply WHAT CODES [qualifiers]`: see `lessons/README.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyAtom {
    /// What the reply answers.
    pub answer: Answer,
    /// The codes that count, any of them.
    pub codes: Vec<CodePattern>,
    /// `to GLOB`: the answered MAIL or RCPT's address matches (case-insensitive, `*` any
    /// run of characters).
    pub to: Option<String>,
    /// `with PARAM`: the answered command carries this ESMTP parameter (`SMTPUTF8`, or
    /// `BODY=8BITMIME` with its value).
    pub with: Vec<String>,
    /// `without PARAM`: it does not.
    pub without: Vec<String>,
    /// `mechanism M`: the AUTH exchange used mechanism M.
    pub mechanism: Option<String>,
    /// `utf8`: the answered MAIL or RCPT's address has non-ASCII characters.
    pub utf8: bool,
    /// `retry`: the same recipient had a 4xx earlier in this lesson.
    pub retry: bool,
}

/// What a reply answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// `greeting`: the server's first reply.
    Greeting,
    /// A command by its verb; `AUTH` covers the lines of the AUTH exchange too.
    Verb(Verb),
    /// `BDAT-LAST`: the reply to `BDAT n LAST`, which ends the message.
    BdatLast,
    /// `dot`: the reply to the lone `.` that ends DATA's message.
    Dot,
    /// `message`: the reply to the end of a message, by `.` or by `BDAT ... LAST`.
    Message,
    /// `any`: whatever it answers (a 421 answers nothing).
    Any,
}

/// A reply code with `x` for any digit, e.g. `250`, `2xx`, `45x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodePattern(pub [Option<u8>; 3]);

impl CodePattern {
    /// Whether `code` fits.
    pub fn matches(self, code: u16) -> bool {
        let digits = [
            (code / 100) as u8,
            (code / 10 % 10) as u8,
            (code % 10) as u8,
        ];
        self.0
            .iter()
            .zip(digits)
            .all(|(want, got)| want.is_none_or(|w| w == got))
    }
}
