//! Scores the annotations against the labelled corpus of real sessions in
//! `protocol/tests/corpus/`: every `NAME.labels.json` beside its transcript `NAME.txt`
//! lists the SMTP lines the transcript shows, in order, with what the wire says each one
//! is (`kind`), what each reply answers (`answers`), why the server said it (`reason`)
//! and which findings are true of each client line (`allowed_findings`).
//!
//! Four figures per language, as issue "Explanations you can trust" defines them:
//! - warning precision: warnings and errors on client lines that are true, over all of
//!   them;
//! - mis-paired replies: replies whose `answers` differs from the label;
//! - wrong or misleading lines: SMTP lines with a false warning, a wrong kind, a wrong
//!   pairing, a specific explanation other than the labelled reason, or that the reader
//!   lost or invented;
//! - specific server explanations: replies explained by the labelled reason rather than by
//!   the code's generic meaning.

#![allow(dead_code)]

use protocol::annotate::{AnnotatedLine, Direction};
use protocol::finding::Severity;
use protocol::lang::Lang;
use protocol::transcript;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One labelled SMTP line.
#[derive(Debug, Clone)]
pub(crate) struct Label {
    pub(crate) dir: String,
    pub(crate) kind: String,
    pub(crate) text: String,
    pub(crate) answers: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) allowed: Vec<String>,
    /// For a client line that owes a reply: the labelled reason of that reply.
    pub(crate) answered_reason: Option<String>,
    /// Typed but never sent (s_client kept it for itself): the reader must make it a note.
    pub(crate) not_sent: bool,
}

impl Label {
    /// The label of a line the transcript does not have.
    fn none() -> Self {
        Self {
            dir: String::new(),
            kind: String::new(),
            text: String::new(),
            answers: None,
            reason: None,
            allowed: Vec::new(),
            answered_reason: None,
            not_sent: false,
        }
    }
}

/// A transcript with its labels.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) server: String,
    pub(crate) client: String,
    pub(crate) transcript: String,
    pub(crate) labels: Vec<Label>,
}

/// Counts for one language.
#[derive(Debug, Default, Clone)]
pub(crate) struct Tally {
    pub(crate) transcripts: usize,
    pub(crate) warnings: usize,
    pub(crate) true_warnings: usize,
    pub(crate) replies: usize,
    pub(crate) mispaired: usize,
    pub(crate) lines: usize,
    pub(crate) wrong_lines: usize,
    pub(crate) specific: usize,
    /// One line per problem, for `--verbose`.
    pub(crate) problems: Vec<String>,
}

impl Tally {
    pub(crate) fn precision(&self) -> f64 {
        if self.warnings == 0 {
            1.0
        } else {
            self.true_warnings as f64 / self.warnings as f64
        }
    }

    pub(crate) fn wrong_share(&self) -> f64 {
        ratio(self.wrong_lines, self.lines)
    }

    pub(crate) fn specific_share(&self) -> f64 {
        if self.replies == 0 {
            1.0
        } else {
            self.specific as f64 / self.replies as f64
        }
    }

    pub(crate) fn summary(&self, lang: Lang) -> String {
        format!(
            "{lang}: {} transcripts, {} SMTP lines, {} replies\n  warning precision        {:.1} % ({} of {} warnings true)\n  mis-paired replies       {} of {}\n  wrong or misleading      {:.2} % ({} of {} lines)\n  specific server replies  {:.1} % ({} of {})",
            self.transcripts,
            self.lines,
            self.replies,
            self.precision() * 100.0,
            self.true_warnings,
            self.warnings,
            self.mispaired,
            self.replies,
            self.wrong_share() * 100.0,
            self.wrong_lines,
            self.lines,
            self.specific_share() * 100.0,
            self.specific,
            self.replies,
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Every labelled transcript under `dir`, sorted by path.
pub(crate) fn load(dir: &Path) -> Result<Vec<Case>, String> {
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    files.iter().map(|labels| load_case(dir, labels)).collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.to_string_lossy().ends_with(".labels.json") {
            out.push(path);
        }
    }
    Ok(())
}

fn load_case(root: &Path, labels_path: &Path) -> Result<Case, String> {
    let name = labels_path.to_string_lossy();
    let transcript_path = PathBuf::from(name.trim_end_matches(".labels.json").to_owned() + ".txt");
    let transcript = std::fs::read(&transcript_path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|e| format!("{}: {e}", transcript_path.display()))?;
    let json: Value =
        serde_json::from_slice(&std::fs::read(labels_path).map_err(|e| format!("{name}: {e}"))?)
            .map_err(|e| format!("{name}: {e}"))?;
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let labels = json
        .get("lines")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{name}: no lines"))?
        .iter()
        .map(|l| Label {
            dir: text(l, "dir").unwrap_or_default(),
            kind: text(l, "kind").unwrap_or_default(),
            text: text(l, "text").unwrap_or_default(),
            answers: text(l, "answers"),
            reason: text(l, "reason"),
            allowed: l
                .get("allowed_findings")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            answered_reason: None,
            not_sent: l.get("not_sent").and_then(Value::as_bool).unwrap_or(false),
        })
        .collect();
    let mut labels: Vec<Label> = labels;
    pair_replies(&mut labels);
    Ok(Case {
        name: labels_path
            .strip_prefix(root)
            .unwrap_or(labels_path)
            .to_string_lossy()
            .trim_end_matches(".labels.json")
            .to_owned(),
        server: text(&json, "server").unwrap_or_default(),
        client: text(&json, "client").unwrap_or_default(),
        transcript,
        labels,
    })
}

/// A finding that predicted a refusal is true when the server refused the line for
/// that reason (the labelled `reason` of the reply that answered it), even if the
/// scenario did not list it: the server itself confirmed it.
fn confirmed_by(finding: &str, reason: &str) -> bool {
    let reasons: &[&str] = match finding {
        "rcpt-before-mail" | "nested-mail" | "auth-in-transaction" | "hello-first" => {
            &["bad-sequence", "hello-required"]
        }
        "data-before-rcpt" => &["bad-sequence", "data-no-recipients"],
        "auth-twice" => &["auth-already", "bad-sequence"],
        "auth-not-advertised" | "auth-needs-tls" => &[
            "auth-not-available",
            "tls-required",
            "bad-sequence",
            "unknown-command",
            "not-implemented",
        ],
        "auth-mechanism-not-offered" => &["auth-mechanism-unknown"],
        "starttls-twice" | "starttls-not-advertised" => &[
            "starttls-refused",
            "tls-not-available",
            "bad-sequence",
            "unknown-command",
            "not-implemented",
        ],
        "chunking-not-advertised" => &["unknown-command", "not-implemented"],
        "param-not-advertised" | "8bitmime-not-advertised" | "params-after-helo" => {
            &["param-unrecognized", "syntax"]
        }
        "size-over-limit" => &["size-exceeded"],
        "utf8-address-without-smtputf8" => &["smtputf8-required", "syntax"],
        "auth-answer-not-base64" | "command-during-auth" => {
            &["auth-bad-base64", "auth-failed", "syntax"]
        }
        "wait-for-reply" | "pipelining-not-last" | "before-greeting" => &["sync-error"],
        // Findings about the line's own form: true when the server refused the line.
        _ => &[
            "syntax",
            "unknown-command",
            "line-too-long",
            "param-unrecognized",
            "not-implemented",
            "bad-sequence",
            "sender-rejected",
            "unknown-user",
        ],
    };
    reasons.contains(&reason)
}

/// Gives each client line that owes a reply the reason of the reply that answers it:
/// replies come back in order, so the labels pair first in, first out.
fn pair_replies(labels: &mut [Label]) {
    let mut owed = std::collections::VecDeque::new();
    for i in 0..labels.len() {
        let label = &labels[i];
        match (label.dir.as_str(), label.kind.as_str()) {
            ("client", "command" | "auth-answer" | "end-of-data") => owed.push_back(i),
            ("server", "reply")
                if !matches!(label.answers.as_deref(), Some("greeting" | "none")) =>
            {
                if let Some(j) = owed.pop_front() {
                    labels[j].answered_reason = labels[i].reason.clone();
                }
            }
            _ => {}
        }
    }
}

/// Explanation ids that only restate the code's textbook meaning.
fn is_generic(id: &str) -> bool {
    matches!(id, "generic" | "legacy" | "malformed-reply")
}

/// Scores every case in one language.
pub(crate) fn score(cases: &[Case], lang: Lang) -> Tally {
    let mut tally = Tally::default();
    for case in cases {
        score_case(case, lang, &mut tally);
    }
    tally
}

fn score_case(case: &Case, lang: Lang, tally: &mut Tally) {
    tally.transcripts += 1;
    let (_, annotated) = transcript::annotate(&case.transcript, lang);
    let smtp: Vec<(&str, &AnnotatedLine)> = annotated
        .iter()
        .filter(|(_, a)| a.direction != Direction::Note)
        .map(|(source, a)| (source.text.as_str(), a))
        .collect();
    let problem = |tally: &mut Tally, what: String| {
        tally.problems.push(format!("{}: {what}", case.name));
    };
    // Greedy alignment in order: each label takes the next unused line with the same
    // direction and text, looking a few lines ahead; what is skipped was invented.
    let mut next = 0;
    for label in case.labels.iter().filter(|l| !l.not_sent) {
        tally.lines += 1;
        if label.kind == "reply" {
            tally.replies += 1;
        }
        let found = (next..smtp.len().min(next + 8))
            .find(|&i| smtp[i].0 == label.text && smtp[i].1.direction.as_str() == label.dir);
        let Some(i) = found else {
            tally.wrong_lines += 1;
            if label.kind == "reply" {
                tally.mispaired += 1;
            }
            problem(
                tally,
                format!("line lost by the reader: {} {:?}", label.dir, label.text),
            );
            continue;
        };
        for extra in &smtp[next..i] {
            tally.wrong_lines += 1;
            tally.lines += 1;
            problem(tally, format!("line invented by the reader: {:?}", extra.0));
            count_warnings(extra.1, &Label::none(), tally);
        }
        next = i + 1;
        let line = smtp[i].1;
        let mut wrong = Vec::new();
        // The corpus labels the server's text wrapped onto a line of its own
        // `reply-wrapped`; the annotator shows it as the reply's text, continued.
        let wrapped = label.kind == "reply-wrapped" && line.annotation.id == "wrapped-text";
        if line.kind.as_str() != label.kind && !wrapped {
            wrong.push(format!(
                "kind {} (label {})",
                line.kind.as_str(),
                label.kind
            ));
        }
        if label.kind == "reply" {
            let answers = line.answers.unwrap_or("-");
            if label.answers.as_deref().is_some_and(|want| want != answers) {
                tally.mispaired += 1;
                wrong.push(format!(
                    "answers {answers} (label {})",
                    label.answers.as_deref().unwrap_or("-")
                ));
            }
            let id = line.annotation.id;
            match label.reason.as_deref() {
                Some(reason) if reason == id => tally.specific += 1,
                Some(reason) if !is_generic(id) => {
                    wrong.push(format!("explained as {id} (label {reason})"))
                }
                Some(reason) => problem(
                    tally,
                    format!("generic ({id}) for {reason}: {:?}", label.text),
                ),
                None if !is_generic(id) => tally.specific += 1,
                None => {}
            }
        }
        let false_warnings = count_warnings(line, label, tally);
        if !false_warnings.is_empty() {
            wrong.push(format!("false warnings {false_warnings:?}"));
        }
        if !wrong.is_empty() {
            tally.wrong_lines += 1;
            let mut text = format!("{} {:?}:", label.dir, label.text);
            for w in wrong {
                let _ = write!(text, " {w};");
            }
            problem(tally, text);
        }
    }
    for extra in &smtp[next..] {
        tally.wrong_lines += 1;
        tally.lines += 1;
        problem(tally, format!("line invented by the reader: {:?}", extra.0));
        count_warnings(extra.1, &Label::none(), tally);
    }
}

/// Counts the warnings (and errors) on a client line; returns the false ones.
fn count_warnings(line: &AnnotatedLine, label: &Label, tally: &mut Tally) -> Vec<String> {
    let mut false_ones = Vec::new();
    if line.direction != Direction::Client {
        return false_ones;
    }
    for note in &line.annotation.findings {
        if note.severity < Severity::Warning {
            continue;
        }
        tally.warnings += 1;
        let confirmed = label
            .answered_reason
            .as_deref()
            .is_some_and(|reason| confirmed_by(&note.id, reason));
        if label.allowed.contains(&note.id) || confirmed {
            tally.true_warnings += 1;
        } else {
            false_ones.push(note.id.clone());
        }
    }
    false_ones
}
