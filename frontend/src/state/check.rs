//! The server check: which run is current, its lines as transcript entries, which host
//! is being checked, the scorecard, or why there is none.

use std::rc::Rc;

use protocol::records::check::CheckReport;

use crate::check::CheckStep;
use crate::transcript::{EntryKind, Tone, Transcript};
use crate::vocab::{Failure, Notice};

/// Where a check stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckPhase {
    /// Asked for in the simulator, which cannot reach real servers.
    Unavailable,
    /// Running.
    Running,
    /// Over, with its scorecard.
    Done,
    /// Stopped, and why.
    Failed(Failure),
}

/// One check run, shown in the check panel.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRun {
    /// Which run, so the events of a closed or replaced one are dropped.
    pub run: u32,
    /// The target as asked: a host (`host:port`) or a domain.
    pub target: String,
    /// Where it stands.
    pub phase: CheckPhase,
    /// The host being checked: its name and place (from 0).
    pub current: Option<(String, u64)>,
    /// Every line, host after host.
    pub transcript: Transcript,
    /// The report so far: hosts are added as they complete; the whole report (with the
    /// matrix) at the end.
    pub report: Rc<CheckReport>,
}

impl CheckRun {
    /// Run `run` of a check of `target` starts.
    pub fn start(run: u32, target: &str) -> Self {
        Self {
            run,
            target: target.to_owned(),
            phase: CheckPhase::Running,
            current: None,
            transcript: Transcript::default(),
            report: Rc::default(),
        }
    }

    /// A check asked for in the simulator: the panel says why it cannot run.
    pub fn unavailable(run: u32, target: &str) -> Self {
        Self {
            phase: CheckPhase::Unavailable,
            ..Self::start(run, target)
        }
    }

    /// Whether the check is still running.
    pub fn is_running(&self) -> bool {
        self.phase == CheckPhase::Running
    }

    /// Applies `step`; steps after the end are ignored.
    pub fn step(&mut self, step: CheckStep) {
        if !self.is_running() {
            return;
        }
        match step {
            CheckStep::Host { name, index } => {
                self.transcript.push(EntryKind::Note {
                    tone: Tone::Info,
                    notice: Notice::CheckHost {
                        host: name.clone(),
                        index,
                    },
                    annotation: None,
                });
                self.current = Some((name, index));
            }
            CheckStep::Line(kind) => self.transcript.push(*kind),
            CheckStep::Card(card) => {
                let report = Rc::make_mut(&mut self.report);
                match report.hosts.iter_mut().find(|h| h.name == card.name) {
                    Some(known) => *known = *card,
                    None => report.hosts.push(*card),
                }
            }
            CheckStep::Done(report) => {
                self.report = Rc::new(*report);
                self.current = None;
                self.phase = CheckPhase::Done;
            }
            CheckStep::Failed(failure) => {
                self.current = None;
                self.phase = CheckPhase::Failed(failure);
            }
        }
    }

    /// The user stopped the check.
    pub fn stop(&mut self) {
        if self.is_running() {
            self.current = None;
            self.phase = CheckPhase::Done;
        }
    }
}
