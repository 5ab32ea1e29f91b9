//! The transcript: every line of the conversation with its explanation in both languages.
//!
//! Each line is annotated twice, once per [`Lang`], by two `protocol` annotators fed the
//! same lines ([`Annotators`]). Switching the language then only changes which text is
//! shown, without replaying the session, so the page never has to keep what the user typed
//! in clear (an AUTH password, say) to explain it again later.

use std::collections::VecDeque;
use std::rc::Rc;

use protocol::annotate::{AnnotatedLine, Annotation, Annotator, LineKind, Revision};
use protocol::finding::{Finding, Severity};
pub use protocol::lang::Bilingual;
use protocol::lang::{Lang, Text};
use protocol::reply::{ReplyClass, ReplyCode};
use protocol::session::{ClientSession, Received};

use crate::vocab::Notice;

/// The most transcript entries kept (256 blocks). Older entries are dropped first, a block
/// at a time, so a session left running against a chatty server cannot grow the page's
/// memory without bound (a body line is about half a KB of wasm memory and a dozen DOM
/// nodes). Far above a 10,000-line message, which stays whole in the page and its exports:
/// a new line costs the same at any length (see [`Block`]), so the cap is about memory only.
pub const TRANSCRIPT_CAP: usize = 256 * BLOCK_LINES;

/// Entries per [`Block`]: a new line updates one block of at most this many lines, and
/// the terminal compares one pointer per other block.
pub const BLOCK_LINES: usize = 64;

/// A prediction about a line that is about to be sent, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// How bad it is.
    pub severity: Severity,
    /// The stable id, e.g. `rcpt-before-mail`.
    pub id: &'static str,
    /// Why, and what to type instead.
    pub text: Text,
    /// The RFC section.
    pub reference: &'static str,
}

impl From<&Finding> for Warning {
    fn from(finding: &Finding) -> Self {
        Self {
            severity: finding.severity,
            id: finding.id,
            text: finding.explanation,
            reference: finding.reference,
        }
    }
}

/// Two annotators fed the same lines: one writes English, the other Chinese.
#[derive(Debug, Clone)]
pub struct Annotators {
    en: Annotator,
    zh: Annotator,
    /// How many client lines were fed: the index the next one gets.
    client_lines: usize,
}

impl Default for Annotators {
    fn default() -> Self {
        Self {
            en: Annotator::new(Lang::En),
            zh: Annotator::new(Lang::ZhCn),
            client_lines: 0,
        }
    }
}

/// A line as both annotators saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotated {
    /// The text to show; secrets replaced by `********`.
    pub text: String,
    /// For a client line, which one it is in this session (0 for the first), so a later
    /// [`Revised`] explanation can find it.
    pub client_line: Option<usize>,
    /// What the line is in the conversation (a command, message text, the final dot ...).
    pub kind: LineKind,
    /// For a server line that is a reply line: its code and where it stands in its reply.
    pub reply: Option<ReplyInfo>,
    /// The line completes a reply that accepts a message (a 2xx to the final dot).
    pub accepts_message: bool,
    /// For the last line of a reply: what it answers ([`AnnotatedLine::answers`]).
    pub answers: Option<&'static str>,
    /// The explanation.
    pub annotation: Bilingual<Annotation>,
}

fn pair(en: AnnotatedLine, zh: AnnotatedLine) -> Annotated {
    Annotated {
        reply: ReplyInfo::of(&en),
        accepts_message: en.accepts_message(),
        answers: en.answers,
        kind: en.kind,
        text: en.text,
        client_line: None,
        annotation: Bilingual {
            en: en.annotation,
            zh: zh.annotation,
        },
    }
}

/// A client line explained again in both languages, now that its reply is known and
/// contradicted a prediction (observed outcomes win).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revised {
    /// Which client line of the session: [`Annotated::client_line`].
    pub client_line: usize,
    /// Its new explanation.
    pub annotation: Bilingual<Annotation>,
}

impl Annotators {
    /// The session as the annotators understand it (both agree).
    pub fn session(&self) -> &ClientSession {
        self.en.session()
    }

    /// Records and explains a line the user sent.
    pub fn client_line(&mut self, line: &str) -> Annotated {
        let index = self.client_lines;
        self.client_lines += 1;
        Annotated {
            client_line: Some(index),
            ..pair(self.en.client_line(line), self.zh.client_line(line))
        }
    }

    /// The client lines whose explanation changed since the last call, because a reply
    /// (fed with [`Annotators::server_line`]) contradicted what was predicted for them.
    pub fn take_revisions(&mut self) -> Vec<Revised> {
        let en = self.en.take_revisions();
        let zh = self.zh.take_revisions();
        // Both annotators follow the same session, so they revise the same lines in the
        // same order; a line only one of them revised would be a bug, and is left alone.
        en.into_iter()
            .zip(zh)
            .filter(|(en, zh)| en.client_line == zh.client_line)
            .map(|(en, zh): (Revision, Revision)| Revised {
                client_line: en.client_line,
                annotation: Bilingual {
                    en: en.annotation,
                    zh: zh.annotation,
                },
            })
            .collect()
    }

    /// The code of the last complete reply and what it answered (the session's pairing).
    pub fn last_reply(&self) -> Option<(u16, &Received)> {
        self.en.last_reply()
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

/// What a server line says about its reply, when it is a reply line, as `protocol`'s
/// annotator read it.
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
    /// The reply facts of an annotated server line; `None` when it has no reply code.
    pub fn of(line: &AnnotatedLine) -> Option<Self> {
        let code = ReplyCode::new(line.code?)?;
        Some(Self {
            code: code.get(),
            class: code.class(),
            is_first: line.starts_reply,
            is_last: line.kind == LineKind::Reply,
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
        /// Which line the user sent in this session (0 for the first, as
        /// [`Annotated::client_line`]), to find it again when its reply revises its
        /// explanation; `None` in a pasted transcript, which is explained whole.
        line: Option<usize>,
        /// What the line is in the conversation, as `protocol` read it: a command, an AUTH
        /// answer, message text, the final dot.
        kind: LineKind,
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
        notice: Notice,
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

/// A run of consecutive transcript entries, at most [`BLOCK_LINES`]. Every block but the
/// newest is full and never changes again (unless a reply revises one of its lines), so
/// the terminal renders each as a component of its own whose props compare by pointer: a
/// new line costs one small block's update, whatever the transcript's length.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Block {
    entries: Vec<Rc<Entry>>,
}

impl Block {
    /// Its entries, oldest first.
    pub fn entries(&self) -> &[Rc<Entry>] {
        &self.entries
    }

    /// The id of its first entry: stable while the block is kept (a Yew list key).
    pub fn first_id(&self) -> u64 {
        self.entries.first().map_or(0, |entry| entry.id)
    }

    fn last_id(&self) -> Option<u64> {
        self.entries.last().map(|entry| entry.id)
    }

    fn is_full(&self) -> bool {
        self.entries.len() >= BLOCK_LINES
    }
}

/// The conversation so far, oldest first, in [`Block`]s, at most [`TRANSCRIPT_CAP`] entries
/// (the oldest block goes first). Blocks and entries are behind `Rc`, so copying the
/// transcript (the reducer does on every change) copies one pointer per block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Transcript {
    blocks: VecDeque<Rc<Block>>,
    /// Entries in all blocks.
    len: usize,
    next_id: u64,
    /// Ctrl+L: the terminal shows entries from this id on; exports keep them all.
    shown_from: u64,
}

impl Transcript {
    /// The entries, oldest first, those cleared from the screen too (for exports).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Rc<Entry>> {
        self.blocks.iter().flat_map(|block| block.entries.iter())
    }

    /// The entries after the first `skip`, oldest first, without walking the skipped ones
    /// line by line.
    pub fn iter_from(&self, skip: usize) -> impl Iterator<Item = &Rc<Entry>> {
        let mut rest = skip;
        let whole = self
            .blocks
            .iter()
            .take_while(|block| {
                let inside = rest >= block.entries.len();
                if inside {
                    rest -= block.entries.len();
                }
                inside
            })
            .count();
        self.blocks
            .iter()
            .skip(whole)
            .flat_map(|block| block.entries.iter())
            .skip(rest)
    }

    /// The entries the terminal shows: those since the last Ctrl+L.
    pub fn shown(&self) -> impl DoubleEndedIterator<Item = &Rc<Entry>> {
        let from = self.shown_from;
        self.shown_blocks()
            .flat_map(|block| block.entries.iter())
            .filter(move |entry| entry.id >= from)
    }

    /// The blocks with an entry the terminal shows, oldest first; the first of them may
    /// hold entries cleared by Ctrl+L too (see [`Transcript::shown_from`]).
    pub fn shown_blocks(&self) -> impl DoubleEndedIterator<Item = &Rc<Block>> {
        let from = self.shown_from;
        self.blocks
            .iter()
            .filter(move |block| block.last_id().is_some_and(|last| last >= from))
    }

    /// The first id the terminal shows (Ctrl+L moves it past every entry so far).
    pub fn shown_from(&self) -> u64 {
        self.shown_from
    }

    /// Whether the terminal shows nothing (nothing happened, or all was cleared).
    pub fn nothing_shown(&self) -> bool {
        self.last_id().is_none_or(|last| last < self.shown_from)
    }

    /// The number of entries kept.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has happened yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The id of the newest entry; it changes whenever an entry is added.
    pub fn last_id(&self) -> Option<u64> {
        self.blocks.back().and_then(|block| block.last_id())
    }

    /// Appends an entry to the newest block, or to a new one when it is full; past the
    /// cap, the oldest block goes.
    pub fn push(&mut self, kind: EntryKind) {
        let id = self.next_id;
        self.next_id += 1;
        let entry = Rc::new(Entry { id, kind });
        match self.blocks.back_mut() {
            Some(block) if !block.is_full() => Rc::make_mut(block).entries.push(entry),
            _ => {
                // Every block before the newest is full, so this keeps at most the cap.
                if self.len + BLOCK_LINES > TRANSCRIPT_CAP
                    && let Some(oldest) = self.blocks.pop_front()
                {
                    self.len -= oldest.entries.len();
                }
                let mut entries = Vec::with_capacity(BLOCK_LINES);
                entries.push(entry);
                self.blocks.push_back(Rc::new(Block { entries }));
            }
        }
        self.len += 1;
    }

    /// Ctrl+L: the terminal stops showing every entry so far; they stay for Export and
    /// Share, which hold the whole session.
    pub fn clear_screen(&mut self) {
        self.shown_from = self.next_id;
    }

    /// Replaces the explanation of the client line `revised` is about, keeping its id.
    /// Returns whether it was found: a line already dropped at the cap is not.
    ///
    /// Searched newest first, and only back to the first line with a lower index: the
    /// session's lines come in order after those of earlier sessions (whose indices
    /// started again at 0), so a line of an earlier session is never taken for it.
    pub fn revise(&mut self, revised: Revised) -> bool {
        for block in self.blocks.iter_mut().rev() {
            for at in (0..block.entries.len()).rev() {
                let EntryKind::Client {
                    line: Some(line), ..
                } = block.entries[at].kind
                else {
                    continue;
                };
                if line < revised.client_line {
                    return false;
                }
                if line == revised.client_line {
                    let entry = &mut Rc::make_mut(block).entries[at];
                    if let EntryKind::Client { annotation, .. } = &mut Rc::make_mut(entry).kind {
                        *annotation = revised.annotation;
                    }
                    return true;
                }
            }
        }
        false
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

    /// Greets and answers EHLO (with PIPELINING), as a server would.
    fn after_ehlo(annotators: &mut Annotators, transcript: &mut Transcript) {
        annotators.server_line("220 mx ESMTP");
        client(annotators, transcript, "EHLO me");
        annotators.server_line("250-mx");
        annotators.server_line("250 PIPELINING");
        assert!(annotators.take_revisions().is_empty());
    }

    /// After EHLO, `RCPT TO:<bob@example.org>` sent (before any MAIL) and shown, its reply
    /// still to come.
    fn rcpt_before_mail() -> (Annotators, Transcript) {
        let mut annotators = Annotators::default();
        let mut transcript = Transcript::default();
        after_ehlo(&mut annotators, &mut transcript);
        client(
            &mut annotators,
            &mut transcript,
            "RCPT TO:<bob@example.org>",
        );
        (annotators, transcript)
    }

    /// Sends `line` and shows it, as the page does.
    fn client(annotators: &mut Annotators, transcript: &mut Transcript, line: &str) {
        let annotated = annotators.client_line(line);
        transcript.push(EntryKind::Client {
            text: annotated.text,
            line: annotated.client_line,
            kind: annotated.kind,
            at_ms: None,
            encrypted: false,
            annotation: annotated.annotation,
        });
    }

    fn client_annotations(transcript: &Transcript) -> Vec<(String, Bilingual<Annotation>)> {
        transcript
            .iter()
            .filter_map(|entry| match &entry.kind {
                EntryKind::Client {
                    text, annotation, ..
                } => Some((text.clone(), annotation.clone())),
                _ => None,
            })
            .collect()
    }

    fn finding(annotation: &Annotation, id: &str) -> Option<Severity> {
        annotation
            .findings
            .iter()
            .find(|note| note.id == id)
            .map(|note| note.severity)
    }

    #[test]
    fn client_lines_are_numbered_from_zero() {
        let mut annotators = Annotators::default();
        annotators.server_line("220 mx ESMTP");
        assert_eq!(annotators.client_line("EHLO me").client_line, Some(0));
        assert_eq!(annotators.server_line("250 mx").client_line, None);
        assert_eq!(annotators.client_line("NOOP").client_line, Some(1));
    }

    #[test]
    fn blocks_fill_up_and_only_the_newest_changes() {
        let mut transcript = Transcript::default();
        for _ in 0..BLOCK_LINES * 2 + 5 {
            transcript.push(note());
        }
        let blocks: Vec<Rc<Block>> = transcript.shown_blocks().cloned().collect();
        assert_eq!(
            blocks.iter().map(|b| b.entries().len()).collect::<Vec<_>>(),
            [BLOCK_LINES, BLOCK_LINES, 5]
        );
        assert_eq!(blocks[1].first_id(), BLOCK_LINES as u64);
        let before = transcript.clone();
        transcript.push(note());
        let after: Vec<&Rc<Block>> = transcript.shown_blocks().collect();
        assert!(Rc::ptr_eq(after[0], &blocks[0]) && Rc::ptr_eq(after[1], &blocks[1]));
        assert_eq!(after[2].entries().len(), 6);
        assert_eq!(
            before.len(),
            BLOCK_LINES * 2 + 5,
            "a copy keeps its own lines"
        );
        assert_eq!(
            transcript.iter_from(BLOCK_LINES + 2).next().map(|e| e.id),
            Some(BLOCK_LINES as u64 + 2)
        );
        assert_eq!(transcript.iter_from(transcript.len()).count(), 0);
        // Ctrl+L: no block shown until the next line, then only the newest block.
        transcript.clear_screen();
        assert!(transcript.nothing_shown());
        assert_eq!(transcript.shown_blocks().count(), 0);
        transcript.push(note());
        assert_eq!(transcript.shown_blocks().count(), 1);
        assert_eq!(transcript.shown().count(), 1);
    }

    #[test]
    fn a_predicted_warning_is_withdrawn_when_the_server_says_250() {
        // RCPT before MAIL: predicted to get 503, in both languages.
        let (mut annotators, mut transcript) = rcpt_before_mail();
        let (_, before) = client_annotations(&transcript).pop().expect("the RCPT");
        assert!(before.en.severity >= Severity::Warning, "{before:?}");
        assert!(before.zh.severity >= Severity::Warning);
        assert!(finding(&before.en, "rcpt-before-mail").is_some_and(|s| s >= Severity::Warning));
        let id = transcript.last_id();

        // This server accepted it after all.
        annotators.server_line("250 2.1.5 Ok");
        let revisions = annotators.take_revisions();
        assert_eq!(
            revisions.iter().map(|r| r.client_line).collect::<Vec<_>>(),
            [1],
            "the RCPT (the second client line) is explained again"
        );
        for revised in revisions {
            assert!(transcript.revise(revised));
        }
        assert!(annotators.take_revisions().is_empty(), "taken once");

        let (text, after) = client_annotations(&transcript).pop().expect("the RCPT");
        assert_eq!(text, "RCPT TO:<bob@example.org>");
        assert_eq!(
            transcript.last_id(),
            id,
            "the entry keeps its id (its list key)"
        );
        for (lang, annotation) in [("en", &after.en), ("zh", &after.zh)] {
            assert!(
                annotation.severity < Severity::Warning,
                "{lang}: no warning left once the server accepted it: {annotation:?}"
            );
            assert_eq!(
                finding(annotation, "rcpt-before-mail"),
                Some(Severity::Info),
                "{lang}: the rule stays, as information: {annotation:?}"
            );
        }
        assert!(after.en.findings.iter().any(|n| n.text.contains("250")));
        assert!(after.zh.findings.iter().any(|n| n.text.contains("250")));
        // The EHLO before it is untouched.
        let (_, ehlo) = client_annotations(&transcript).swap_remove(0);
        assert_eq!(ehlo.en.severity, Severity::Info);
    }

    #[test]
    fn a_prediction_the_reply_confirms_stays() {
        let (mut annotators, transcript) = rcpt_before_mail();
        let before = client_annotations(&transcript);
        annotators.server_line("503 5.5.1 Error: need MAIL command");
        assert!(annotators.take_revisions().is_empty());
        assert_eq!(client_annotations(&transcript), before);
    }

    #[test]
    fn a_revision_finds_its_line_or_nothing() {
        let annotation = |title: &str| {
            let mut en = Annotators::default().client_line("NOOP").annotation.en;
            en.title = title.to_owned();
            Bilingual {
                en: en.clone(),
                zh: en,
            }
        };
        let entry = |line: Option<usize>| EntryKind::Client {
            text: "NOOP".into(),
            line,
            kind: LineKind::Command,
            at_ms: None,
            encrypted: false,
            annotation: annotation("old"),
        };
        let titles = |t: &Transcript| {
            t.iter()
                .filter_map(|e| match &e.kind {
                    EntryKind::Client { annotation, .. } => Some(annotation.en.title.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        let revised = |client_line: usize| Revised {
            client_line,
            annotation: annotation("new"),
        };
        let mut transcript = Transcript::default();
        // An earlier session's lines 0..=2, a pasted line, then this session's 0 and 1.
        for line in [Some(0), Some(1), Some(2), None, Some(0), Some(1)] {
            transcript.push(entry(line));
        }
        assert!(transcript.revise(revised(1)));
        assert_eq!(
            titles(&transcript),
            ["old", "old", "old", "old", "old", "new"]
        );
        // Line 2 is the earlier session's, never this one's.
        assert!(!transcript.revise(revised(2)));
        assert_eq!(
            titles(&transcript),
            ["old", "old", "old", "old", "old", "new"]
        );

        // After Ctrl+L the cleared lines are kept (for exports), and later ones revised.
        transcript.clear_screen();
        assert!(transcript.nothing_shown());
        transcript.push(entry(Some(2)));
        assert!(transcript.revise(revised(2)));
        assert_eq!(transcript.shown().count(), 1);
        assert_eq!(transcript.iter().count(), 7);

        // A line dropped at the cap (with its block) is not found either.
        let mut transcript = Transcript::default();
        for line in 0..TRANSCRIPT_CAP + 1 {
            transcript.push(entry(Some(line)));
        }
        assert!(!transcript.revise(revised(0)));
        assert!(!transcript.revise(revised(BLOCK_LINES - 1)));
        assert!(transcript.revise(revised(BLOCK_LINES)));
        assert!(transcript.revise(revised(TRANSCRIPT_CAP)));
    }

    fn note() -> EntryKind {
        EntryKind::Note {
            tone: Tone::Info,
            notice: Notice::Disconnected,
            annotation: None,
        }
    }

    #[test]
    fn the_cap_drops_the_oldest_block_and_ids_stay_unique() {
        let mut transcript = Transcript::default();
        for _ in 0..TRANSCRIPT_CAP {
            transcript.push(note());
        }
        assert_eq!(transcript.len(), TRANSCRIPT_CAP);
        assert_eq!(transcript.iter().next().map(|e| e.id), Some(0));
        for _ in 0..3 {
            transcript.push(note());
        }
        assert_eq!(transcript.len(), TRANSCRIPT_CAP - BLOCK_LINES + 3);
        assert_eq!(
            transcript.iter().next().map(|e| e.id),
            Some(BLOCK_LINES as u64)
        );
        let ids: Vec<u64> = transcript.iter().map(|e| e.id).collect();
        assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "in order, no gap");
        transcript.clear_screen();
        assert!(transcript.nothing_shown() && !transcript.is_empty());
        transcript.push(EntryKind::Note {
            tone: Tone::Info,
            notice: Notice::Disconnected,
            annotation: None,
        });
        assert_eq!(transcript.last_id(), Some(TRANSCRIPT_CAP as u64 + 3));
    }
}
