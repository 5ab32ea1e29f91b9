//! The transcript: every line of the conversation with its explanation in both languages.
//!
//! Each line is annotated twice, once per [`Lang`], by two `protocol` annotators fed the
//! same lines ([`Annotators`]). Switching the language then only changes which text is
//! shown, without replaying the session, so the page never has to keep what the user typed
//! in clear (an AUTH password, say) to explain it again later.

use std::collections::VecDeque;
use std::rc::Rc;

use protocol::annotate::{AnnotatedLine, Annotation, Annotator};
use protocol::finding::{Finding, Severity};
use protocol::lang::Lang;
use protocol::reply::{ReplyClass, ReplyLine};
use protocol::session::ClientSession;

/// The most transcript entries kept. Older entries are dropped first, so a session left
/// running against a chatty server cannot grow the page's memory without bound.
pub const TRANSCRIPT_CAP: usize = 2000;

/// A value in English and in Simplified Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bilingual<T> {
    /// English.
    pub en: T,
    /// Simplified Chinese.
    pub zh: T,
}

impl<T> Bilingual<T> {
    /// The value in `lang`.
    pub fn get(&self, lang: Lang) -> &T {
        match lang {
            Lang::En => &self.en,
            Lang::ZhCn => &self.zh,
        }
    }
}

/// A prediction about a line that is about to be sent, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// How bad it is.
    pub severity: Severity,
    /// The stable id, e.g. `rcpt-before-mail`.
    pub id: &'static str,
    /// Why, and what to type instead.
    pub text: Bilingual<&'static str>,
    /// The RFC section.
    pub reference: &'static str,
}

impl From<&Finding> for Warning {
    fn from(finding: &Finding) -> Self {
        Self {
            severity: finding.severity,
            id: finding.id,
            text: Bilingual {
                en: finding.explanation.get(Lang::En),
                zh: finding.explanation.get(Lang::ZhCn),
            },
            reference: finding.reference,
        }
    }
}

/// Two annotators fed the same lines: one writes English, the other Chinese.
#[derive(Debug, Clone)]
pub struct Annotators {
    en: Annotator,
    zh: Annotator,
}

impl Default for Annotators {
    fn default() -> Self {
        Self {
            en: Annotator::new(Lang::En),
            zh: Annotator::new(Lang::ZhCn),
        }
    }
}

/// A line as both annotators saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotated {
    /// The text to show; secrets replaced by `********`.
    pub text: String,
    /// The explanation.
    pub annotation: Bilingual<Annotation>,
}

fn pair(en: AnnotatedLine, zh: AnnotatedLine) -> Annotated {
    Annotated {
        text: en.text,
        annotation: Bilingual {
            en: en.annotation,
            zh: zh.annotation,
        },
    }
}

impl Annotators {
    /// The session as the annotators understand it (both agree).
    pub fn session(&self) -> &ClientSession {
        self.en.session()
    }

    /// Records and explains a line the user sent.
    pub fn client_line(&mut self, line: &str) -> Annotated {
        pair(self.en.client_line(line), self.zh.client_line(line))
    }

    /// Records and explains a line the server sent.
    pub fn server_line(&mut self, line: &str) -> Annotated {
        pair(self.en.server_line(line), self.zh.server_line(line))
    }

    /// Records that STARTTLS finished.
    pub fn tls_established(&mut self, detail: &str) -> Annotated {
        pair(
            self.en.tls_established(detail),
            self.zh.tls_established(detail),
        )
    }

    /// Records that the connection closed.
    pub fn closed(&mut self, reason: &str) -> Annotated {
        pair(self.en.closed(reason), self.zh.closed(reason))
    }

    /// The predictions for `line` that say it will likely fail (warnings and errors).
    pub fn warnings(&self, line: &str) -> Vec<Warning> {
        self.session()
            .predict(line)
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .map(Warning::from)
            .collect()
    }
}

/// What a server line says about its reply, when it parses as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyInfo {
    /// The three-digit code, e.g. 250.
    pub code: u16,
    /// What the first digit means.
    pub class: ReplyClass,
    /// Whether this line starts a reply, rather than continuing a `250-` line before it.
    pub is_first: bool,
    /// Whether this line ends the reply (`250 ` rather than `250-`).
    pub is_last: bool,
}

impl ReplyInfo {
    /// Parses `text`; `open` is the code of a multi-line reply still waiting for its end.
    pub fn parse(text: &str, open: Option<u16>) -> Option<Self> {
        ReplyLine::parse(text).ok().map(|line| Self {
            code: line.code.get(),
            class: line.code.class(),
            // A changed code starts a new reply even if the old one never ended.
            is_first: open != Some(line.code.get()),
            is_last: line.is_last,
        })
    }
}

/// How a notice should be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Progress, e.g. "Connected".
    Info,
    /// Something failed.
    Error,
}

/// One transcript line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A line the user sent to the server.
    Client {
        /// The line as shown (secrets masked).
        text: String,
        /// Milliseconds since connecting, as measured by the page.
        at_ms: Option<u64>,
        /// Sent inside TLS.
        encrypted: bool,
        /// The explanation.
        annotation: Bilingual<Annotation>,
    },
    /// A line the server sent.
    Server {
        /// The line as received.
        text: String,
        /// The reply code and class; `None` when the line is not a valid reply line.
        reply: Option<ReplyInfo>,
        /// Milliseconds since the connection was established (none in a pasted transcript).
        at_ms: Option<u64>,
        /// Milliseconds between the client's last line and the first line of this reply.
        latency_ms: Option<u64>,
        /// Received inside TLS.
        encrypted: bool,
        /// The explanation.
        annotation: Bilingual<Annotation>,
    },
    /// A notice from the page or the bridge, not part of the SMTP conversation.
    Note {
        /// Progress or failure.
        tone: Tone,
        /// What happened; worded by `i18n::notice`.
        notice: crate::state::Notice,
        /// An explanation from `protocol`, for the events it knows (TLS, close).
        annotation: Option<Bilingual<Annotation>>,
    },
}

/// A transcript line with an id that stays the same while it is shown (a Yew list key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Unique within the page's lifetime.
    pub id: u64,
    /// What the line is.
    pub kind: EntryKind,
}

/// The conversation so far, oldest first, at most [`TRANSCRIPT_CAP`] entries. Entries are
/// behind `Rc`, so copying the transcript (the reducer does on every change) is cheap.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Transcript {
    entries: VecDeque<Rc<Entry>>,
    next_id: u64,
}

impl Transcript {
    /// The entries, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Rc<Entry>> {
        self.entries.iter()
    }

    /// The number of entries kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing has happened yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The id of the newest entry; it changes whenever an entry is added.
    pub fn last_id(&self) -> Option<u64> {
        self.entries.back().map(|entry| entry.id)
    }

    /// Appends an entry, dropping the oldest at the cap.
    pub fn push(&mut self, kind: EntryKind) {
        if self.entries.len() == TRANSCRIPT_CAP {
            self.entries.pop_front();
        }
        let id = self.next_id;
        self.next_id += 1;
        self.entries.push_back(Rc::new(Entry { id, kind }));
    }

    /// Removes every entry; ids keep counting so list keys stay unique.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_follow_the_same_session() {
        let mut annotators = Annotators::default();
        annotators.server_line("220 mx ESMTP");
        annotators.client_line("EHLO me");
        annotators.server_line("250-mx");
        let last = annotators.server_line("250 PIPELINING");
        assert!(!last.annotation.en.title.is_empty());
        assert_ne!(last.annotation.en.title, last.annotation.zh.title);
        let warnings = annotators.warnings("RCPT TO:<a@b.example>");
        assert_eq!(
            warnings.iter().map(|w| w.id).collect::<Vec<_>>(),
            ["rcpt-before-mail"]
        );
        assert!(warnings[0].text.zh.contains("MAIL FROM"));
        assert!(annotators.warnings("MAIL FROM:<a@b.example>").is_empty());
    }

    #[test]
    fn the_cap_drops_the_oldest_and_ids_stay_unique() {
        let mut transcript = Transcript::default();
        for _ in 0..TRANSCRIPT_CAP + 3 {
            transcript.push(EntryKind::Note {
                tone: Tone::Info,
                notice: crate::state::Notice::Disconnected,
                annotation: None,
            });
        }
        assert_eq!(transcript.len(), TRANSCRIPT_CAP);
        assert_eq!(transcript.iter().next().map(|e| e.id), Some(3));
        transcript.clear();
        assert!(transcript.is_empty());
        transcript.push(EntryKind::Note {
            tone: Tone::Info,
            notice: crate::state::Notice::Disconnected,
            annotation: None,
        });
        assert_eq!(transcript.last_id(), Some(TRANSCRIPT_CAP as u64 + 3));
    }
}
