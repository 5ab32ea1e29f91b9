//! The server check as the page shows it. The bridge runs it and streams
//! `protocol::records::check` events; this turns each into a [`CheckStep`] for the
//! reducer: a host starts, a line of its conversation (the terminal's own transcript
//! entry, annotated in both languages by the bridge), a host's scorecard, the whole
//! report, or why the check stopped. The items arrive worded in both languages, so
//! switching the language re-renders without running the check again.

use protocol::check::Verdict;
use protocol::records::Shape;
use protocol::records::check::{CheckEvent, CheckReport, HostRecord};

use crate::sessions;
use crate::transcript::EntryKind;
use crate::vocab::Failure;

/// What happened in a running check, as the reducer takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckStep {
    /// The check of a host starts.
    Host {
        /// The host's name.
        name: String,
        /// Its place, from 0.
        index: u64,
    },
    /// One line of the conversation, annotated in both languages.
    Line(Box<EntryKind>),
    /// A host's scorecard is complete.
    Card(Box<HostRecord>),
    /// The whole report: the check is over.
    Done(Box<CheckReport>),
    /// The check could not run, or stopped.
    Failed(Failure),
}

/// Reads one event of the check's stream (a Server-Sent Event's data).
///
/// # Errors
///
/// When the text is not a check event.
pub fn read_event(text: &str) -> Result<CheckEvent, protocol::records::ShapeError> {
    CheckEvent::decode(text)
}

/// The reducer's step for `event`; `None` for a line that holds no record.
pub fn step(event: CheckEvent) -> Option<CheckStep> {
    Some(match event {
        CheckEvent::HostStarted { host, name, .. } => CheckStep::Host { name, index: host },
        CheckEvent::Line { line, .. } => CheckStep::Line(Box::new(sessions::entry(&line)?)),
        CheckEvent::HostFinished { report, .. } => CheckStep::Card(report),
        CheckEvent::Done { report } => CheckStep::Done(report),
        CheckEvent::Error { code, message } => CheckStep::Failed(Failure::Status {
            status: 0,
            code: Some(code),
            message,
        }),
    })
}

/// Every verdict in the order of `i18n::check`'s words.
pub const VERDICTS: [Verdict; 5] = [
    Verdict::Pass,
    Verdict::Warn,
    Verdict::Fail,
    Verdict::Info,
    Verdict::NotTested,
];

/// The mark shown before a verdict (colour is not the only cue).
pub fn mark(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "✓",
        Verdict::Warn => "!",
        Verdict::Fail => "✗",
        Verdict::Info => "i",
        Verdict::NotTested => "–",
    }
}

/// How many of `host`'s items came out `verdict`.
pub fn count(host: &HostRecord, verdict: Verdict) -> usize {
    host.items.iter().filter(|i| i.verdict == verdict).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::records::check::ItemRecord;

    #[test]
    fn events_become_steps() {
        let started = read_event(
            r#"{"type":"host-started","host":1,"name":"mx2.example.test","preference":20,"port":25}"#,
        )
        .expect("an event");
        assert_eq!(
            step(started),
            Some(CheckStep::Host {
                name: "mx2.example.test".into(),
                index: 1
            })
        );
        let refused = read_event(
            r#"{"type":"error","code":"target_denied","message":"10.0.0.1 is a private address"}"#,
        )
        .expect("an event");
        let Some(CheckStep::Failed(failure)) = step(refused) else {
            panic!("a failure");
        };
        assert_eq!(
            crate::i18n::failure(protocol::lang::Lang::ZhCn, &failure),
            "桥接服务的规则不允许连接到该目标。"
        );
        assert!(read_event(r#"{"type":"nonsense"}"#).is_err());
        let host = HostRecord {
            items: vec![
                ItemRecord {
                    verdict: Verdict::Fail,
                    ..ItemRecord::default()
                },
                ItemRecord {
                    verdict: Verdict::Pass,
                    ..ItemRecord::default()
                },
            ],
            ..HostRecord::default()
        };
        assert_eq!(
            (count(&host, Verdict::Fail), count(&host, Verdict::Warn)),
            (1, 0)
        );
        assert_eq!(mark(Verdict::Fail), "✗");
    }
}
