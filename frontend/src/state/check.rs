//! The server check: which run is current, its lines as transcript entries, which host
//! is being checked, the scorecard, or why there is none.

use std::rc::Rc;

use crate::check::{HostCard, Scorecard};
use crate::transcript::{EntryKind, Tone, Transcript};
use crate::vocab::{Failure, Notice};

/// What happened in a running check, already decoded from the bridge's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckStep {
    /// The check of a host starts: `index` of `total` (one for a host, each MX for a
    /// domain).
    Host {
        /// The host's name.
        name: String,
        /// Its place, from 0.
        index: usize,
        /// How many hosts the check covers.
        total: usize,
    },
    /// One line of the conversation, annotated in both languages.
    Line(Box<EntryKind>),
    /// A host's scorecard is complete.
    Card(HostCard),
    /// The whole scorecard: the check is over.
    Done(Scorecard),
    /// The check could not run, or stopped.
    Failed(Failure),
}

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
    /// The host being checked: name, index, total.
    pub current: Option<(String, usize, usize)>,
    /// Every line, host after host.
    pub transcript: Transcript,
    /// The scorecard so far: hosts are added as they complete.
    pub scorecard: Rc<Scorecard>,
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
            scorecard: Rc::default(),
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
            CheckStep::Host { name, index, total } => {
                self.transcript.push(EntryKind::Note {
                    tone: Tone::Info,
                    notice: Notice::CheckHost {
                        host: name.clone(),
                        index,
                        total,
                    },
                    annotation: None,
                });
                self.current = Some((name, index, total));
            }
            CheckStep::Line(kind) => self.transcript.push(*kind),
            CheckStep::Card(card) => {
                let scorecard = Rc::make_mut(&mut self.scorecard);
                match scorecard.hosts.iter_mut().find(|h| h.host == card.host) {
                    Some(known) => *known = card,
                    None => scorecard.hosts.push(card),
                }
            }
            CheckStep::Done(scorecard) => {
                // The final word wins, but a host only streamed is kept when the final
                // scorecard has none (an older bridge that sends cards only).
                if !scorecard.hosts.is_empty() {
                    self.scorecard = Rc::new(scorecard);
                }
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
