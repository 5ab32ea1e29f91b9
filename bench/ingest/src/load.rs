//! The load: N connections at once, each sending messages one after the other until the
//! total is sent or the time is up, and what came of it.
//!
//! Each connection takes the next message number from a shared counter, opens a session
//! when it has none (greeting, EHLO), sends the message (MAIL, RCPT, DATA, text, each reply
//! checked) and says QUIT after `per_session` messages (never, with 0, until the end). A
//! failed message is counted, its session dropped, and the next message opens a new one.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use crate::message::{MAIL_FROM, RCPT_TO, Template};
use crate::smtp::{Failure, Session};

/// What to send.
#[derive(Debug, Clone)]
pub(crate) struct Load {
    /// Connections open at once.
    pub(crate) connections: usize,
    /// Messages in all.
    pub(crate) messages: usize,
    /// Messages per session before QUIT; 0 keeps each session for the whole run.
    pub(crate) per_session: usize,
    /// Message size in bytes.
    pub(crate) size: usize,
    /// No message starts after this much time; the run then reports what it sent.
    pub(crate) time_limit: Duration,
    /// The run stops after this many failures (a server that is down fails fast).
    pub(crate) max_failures: usize,
}

/// Failures of one kind: how many, and the first one in full.
#[derive(Debug, Clone)]
pub(crate) struct FailureCount {
    pub(crate) count: usize,
    pub(crate) example: String,
}

/// What one run gave.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    /// Messages whose final dot got a 250.
    pub(crate) accepted: usize,
    /// Messages that failed at any stage.
    pub(crate) failed: usize,
    /// Sessions opened (greeting and EHLO done).
    pub(crate) sessions: usize,
    /// QUITs that did not get their 221 (the message before it was accepted).
    pub(crate) quit_failures: usize,
    /// From the first connection to the last QUIT.
    pub(crate) elapsed: Duration,
    /// Per accepted message, from its first command (connect, for the first message of a
    /// session) to the reply to its final dot, in microseconds; sorted.
    pub(crate) latencies_us: Vec<u32>,
    /// Failures by kind (`RCPT: 450`, `DATA: connection closed`, ...).
    pub(crate) failures: BTreeMap<String, FailureCount>,
    /// The time limit stopped the run before every message was tried.
    pub(crate) cut_short: bool,
    /// The failure limit stopped it.
    pub(crate) gave_up: bool,
}

impl Outcome {
    /// Accepted messages per second.
    pub(crate) fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.accepted as f64 / secs
        } else {
            0.0
        }
    }

    /// Latency percentile `p` (0 < p ≤ 100) in milliseconds, by nearest rank; NaN with no
    /// accepted message.
    pub(crate) fn latency_ms(&self, p: f64) -> f64 {
        percentile(&self.latencies_us, p).map_or(f64::NAN, |us| f64::from(us) / 1000.0)
    }

    /// Every failure, QUITs included.
    pub(crate) fn errors(&self) -> usize {
        self.failed + self.quit_failures
    }

    fn record(&mut self, failure: &Failure) {
        let entry = self
            .failures
            .entry(failure.kind())
            .or_insert_with(|| FailureCount {
                count: 0,
                example: failure.to_string(),
            });
        entry.count += 1;
    }

    fn merge(&mut self, other: Self) {
        self.accepted += other.accepted;
        self.failed += other.failed;
        self.sessions += other.sessions;
        self.quit_failures += other.quit_failures;
        self.latencies_us.extend(other.latencies_us);
        for (kind, count) in other.failures {
            self.failures
                .entry(kind)
                .and_modify(|c| c.count += count.count)
                .or_insert(count);
        }
        self.cut_short |= other.cut_short;
        self.gave_up |= other.gave_up;
    }

    /// One line for a log: rate, latency, errors.
    pub(crate) fn summary(&self) -> String {
        let mut line = format!(
            "{} accepted in {:.2} s = {:.0} msg/s, latency p50 {:.2} ms p99 {:.2} ms, \
             {} sessions, {} errors",
            self.accepted,
            self.elapsed.as_secs_f64(),
            self.rate(),
            self.latency_ms(50.0),
            self.latency_ms(99.0),
            self.sessions,
            self.errors(),
        );
        for (kind, count) in &self.failures {
            line.push_str(&format!(
                "; {kind} ×{} (first: {})",
                count.count, count.example
            ));
        }
        if self.cut_short {
            line.push_str("; stopped by the time limit");
        }
        if self.gave_up {
            line.push_str("; stopped after too many failures");
        }
        line
    }
}

/// The value at percentile `p` of `sorted` by nearest rank: the smallest value with at
/// least p % of the values at or below it.
pub(crate) fn percentile(sorted: &[u32], p: f64) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// What every connection shares.
struct Shared {
    addr: SocketAddr,
    load: Load,
    template: Template,
    next: AtomicUsize,
    failures: AtomicUsize,
    stop: AtomicBool,
    deadline: Instant,
}

/// Sends `load` to the server at `addr` and reports.
pub(crate) async fn run(addr: SocketAddr, load: &Load) -> Outcome {
    let started = Instant::now();
    let shared = Arc::new(Shared {
        addr,
        template: Template::new(load.size),
        load: load.clone(),
        next: AtomicUsize::new(0),
        failures: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        deadline: started + load.time_limit,
    });
    let workers: Vec<_> = (0..load.connections.max(1))
        .map(|worker| tokio::spawn(connection(Arc::clone(&shared), worker)))
        .collect();
    let mut outcome = Outcome::default();
    for worker in workers {
        match worker.await {
            Ok(part) => outcome.merge(part),
            Err(err) => {
                // A panicking worker is a bug in this client; say so rather than hide it.
                outcome.failed += 1;
                outcome
                    .failures
                    .entry("client: worker panicked".to_owned())
                    .or_insert(FailureCount {
                        count: 0,
                        example: err.to_string(),
                    })
                    .count += 1;
            }
        }
    }
    outcome.elapsed = started.elapsed();
    outcome.latencies_us.sort_unstable();
    outcome
}

/// One connection's loop; see the module documentation.
async fn connection(shared: Arc<Shared>, worker: usize) -> Outcome {
    let mut outcome = Outcome::default();
    let mut session: Option<(Session, usize)> = None;
    let mut text = Vec::with_capacity(shared.template.size() + 512);
    loop {
        if shared.stop.load(Ordering::Relaxed) {
            break;
        }
        if Instant::now() >= shared.deadline {
            outcome.cut_short = shared.next.load(Ordering::Relaxed) < shared.load.messages;
            break;
        }
        let seq = shared.next.fetch_add(1, Ordering::Relaxed);
        if seq >= shared.load.messages {
            break;
        }
        shared.template.fill(&mut text, worker, seq);
        let start = Instant::now();
        let result = match session.take() {
            Some(open) => Ok(open),
            None => Session::open(shared.addr).await.map(|s| {
                outcome.sessions += 1;
                (s, 0)
            }),
        };
        let result = match result {
            Ok((mut open, sent)) => match open.send(MAIL_FROM, RCPT_TO, &text).await {
                Ok(()) => Ok((open, sent + 1)),
                Err(failure) => Err(failure),
            },
            Err(failure) => Err(failure),
        };
        match result {
            Ok((open, sent)) => {
                let us = start.elapsed().as_micros();
                outcome
                    .latencies_us
                    .push(u32::try_from(us).unwrap_or(u32::MAX));
                outcome.accepted += 1;
                if shared.load.per_session > 0 && sent >= shared.load.per_session {
                    quit(open, &mut outcome).await;
                } else {
                    session = Some((open, sent));
                }
            }
            Err(failure) => {
                outcome.failed += 1;
                outcome.record(&failure);
                let failures = shared.failures.fetch_add(1, Ordering::Relaxed) + 1;
                if failures >= shared.load.max_failures {
                    outcome.gave_up = true;
                    shared.stop.store(true, Ordering::Relaxed);
                }
            }
        }
    }
    if let Some((open, _)) = session {
        quit(open, &mut outcome).await;
    }
    outcome
}

async fn quit(session: Session, outcome: &mut Outcome) {
    if let Err(failure) = session.quit().await {
        outcome.quit_failures += 1;
        outcome.record(&failure);
    }
}

#[cfg(test)]
mod tests;
