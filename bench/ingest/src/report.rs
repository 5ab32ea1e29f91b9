//! Medians over rounds, ratios against the targets, Markdown tables.

use std::fmt::Write as _;
use std::time::Duration;

use bench_common::{median, met};

use crate::load::Outcome;
use crate::servers::Server;

/// One server through one phase in one round.
#[derive(Debug, Clone)]
pub(crate) struct Sample {
    pub(crate) server: Server,
    pub(crate) phase: String,
    pub(crate) round: usize,
    /// CPU time the server used during the phase, all its threads.
    pub(crate) server_cpu: Duration,
    /// Time the server was ready to run but another process had its CPU: high on a busy
    /// machine, where the rate says more about the neighbours than about the server.
    pub(crate) server_wait: Duration,
    /// The same for this client (one thread, on its own CPU).
    pub(crate) client_cpu: Duration,
    pub(crate) client_wait: Duration,
    /// The server's resident memory after the phase.
    pub(crate) rss_kib: u64,
    pub(crate) outcome: Outcome,
}

impl Sample {
    /// Time on a CPU and waiting for one, in percent of the phase.
    fn percent(&self, run: Duration, wait: Duration) -> (f64, f64) {
        let secs = self.outcome.elapsed.as_secs_f64();
        if secs == 0.0 {
            return (f64::NAN, f64::NAN);
        }
        (
            100.0 * run.as_secs_f64() / secs,
            100.0 * wait.as_secs_f64() / secs,
        )
    }

    /// Server CPU per accepted message, in microseconds.
    fn cpu_us_per_message(&self) -> f64 {
        if self.outcome.accepted == 0 {
            f64::NAN
        } else {
            self.server_cpu.as_secs_f64() * 1e6 / self.outcome.accepted as f64
        }
    }
}

/// The targets: the sandbox's rate at least `factor` times the other's.
pub(crate) const TARGETS: [(Server, f64); 3] = [
    (Server::SmtpSink, 0.5),
    (Server::Aiosmtpd, 5.0),
    (Server::MailDev, 5.0),
];

/// One target in one phase.
#[derive(Debug, Clone)]
struct Verdict {
    phase: String,
    server: Server,
    /// The sandbox's rate over the server's: what the target is about.
    rate_ratio: f64,
    /// The server's CPU per message over the sandbox's: the rate ratio if each had a
    /// CPU of its own and used all of it, which a busy machine does not give.
    cpu_ratio: f64,
    factor: f64,
}

/// The medians of one server in one phase.
#[derive(Debug, Clone, Copy)]
struct Row {
    rate: f64,
    p50: f64,
    p99: f64,
    cpu_us: f64,
    busy: f64,
    waiting: f64,
    client_busy: f64,
    client_waiting: f64,
    rss_mib: f64,
    errors: usize,
    accepted: usize,
    short: bool,
}

fn row(samples: &[&Sample]) -> Row {
    let pick =
        |f: &dyn Fn(&Sample) -> f64| median(&mut samples.iter().map(|s| f(s)).collect::<Vec<_>>());
    Row {
        rate: pick(&|s| s.outcome.rate()),
        p50: pick(&|s| s.outcome.latency_ms(50.0)),
        p99: pick(&|s| s.outcome.latency_ms(99.0)),
        cpu_us: pick(&Sample::cpu_us_per_message),
        busy: pick(&|s| s.percent(s.server_cpu, s.server_wait).0),
        waiting: pick(&|s| s.percent(s.server_cpu, s.server_wait).1),
        client_busy: pick(&|s| s.percent(s.client_cpu, s.client_wait).0),
        client_waiting: pick(&|s| s.percent(s.client_cpu, s.client_wait).1),
        rss_mib: pick(&|s| s.rss_kib as f64 / 1024.0),
        errors: samples.iter().map(|s| s.outcome.errors()).sum(),
        accepted: samples.iter().map(|s| s.outcome.accepted).sum(),
        short: samples.iter().any(|s| s.outcome.cut_short),
    }
}

/// The Markdown report: one table per phase, then the targets.
pub(crate) fn markdown(samples: &[Sample], phases: &[String], servers: &[Server]) -> String {
    let rounds = samples.iter().map(|s| s.round + 1).max().unwrap_or(0);
    let mut out = String::new();
    let mut verdicts = Vec::new();
    for phase in phases {
        let _ = writeln!(out, "**{phase}** (median of {rounds} rounds)\n");
        out.push_str(
            "| server | messages/s | p50 latency (ms) | p99 latency (ms) | server CPU per message (µs) \
             | server on CPU / waiting for it (%) | client on CPU / waiting (%) \
             | server RSS after (MiB) | accepted (all rounds) | errors (all rounds) | sandbox ÷ this |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        let rows: Vec<(Server, Row)> = servers
            .iter()
            .filter_map(|&server| {
                let mine: Vec<&Sample> = samples
                    .iter()
                    .filter(|s| s.server == server && &s.phase == phase)
                    .collect();
                (!mine.is_empty()).then(|| (server, row(&mine)))
            })
            .collect();
        let sandbox_row = rows
            .iter()
            .find(|(server, _)| *server == Server::Sandbox)
            .map(|(_, row)| *row);
        let sandbox = sandbox_row.map(|row| row.rate);
        for (server, row) in &rows {
            let ratio = sandbox.map_or("—".to_owned(), |s| format!("{:.2}×", s / row.rate));
            let _ = writeln!(
                out,
                "| {server} | {:.0}{} | {:.2} | {:.2} | {:.0} | {:.0} / {:.0} | {:.0} / {:.0} | {:.1} | {} | {} | {ratio} |",
                row.rate,
                if row.short { " ¹" } else { "" },
                row.p50,
                row.p99,
                row.cpu_us,
                row.busy,
                row.waiting,
                row.client_busy,
                row.client_waiting,
                row.rss_mib,
                row.accepted,
                row.errors,
            );
            if let (Some(s), Some(&(_, factor))) =
                (sandbox_row, TARGETS.iter().find(|(t, _)| t == server))
            {
                verdicts.push(Verdict {
                    phase: phase.clone(),
                    server: *server,
                    rate_ratio: s.rate / row.rate,
                    cpu_ratio: row.cpu_us / s.cpu_us,
                    factor,
                });
            }
        }
        out.push('\n');
    }
    if samples.iter().any(|s| s.outcome.cut_short) {
        out.push_str(
            "¹ The phase's time limit ended it before all its messages were sent; the rate \
             is over the messages that were.\n\n",
        );
    }
    if !verdicts.is_empty() {
        out.push_str(
            "| target | phase | sandbox ÷ server, messages/s | met | server ÷ sandbox, CPU per message |\n\
             |---|---|---:|---|---:|\n",
        );
        for v in verdicts {
            let _ = writeln!(
                out,
                "| sandbox ≥ {}× {} | {} | {:.2}× | {} | {:.2}× |",
                v.factor,
                v.server,
                v.phase,
                v.rate_ratio,
                met(v.rate_ratio >= v.factor),
                v.cpu_ratio,
            );
        }
        out.push('\n');
    }
    let failures: Vec<String> = samples
        .iter()
        .flat_map(|s| {
            s.outcome.failures.iter().map(move |(kind, c)| {
                format!(
                    "- {} / {} / round {}: {kind} ×{} (first: {})",
                    s.server,
                    s.phase,
                    s.round + 1,
                    c.count,
                    c.example
                )
            })
        })
        .collect();
    if failures.is_empty() {
        out.push_str("No failures: every reply had the expected code.\n");
    } else {
        out.push_str("Failures:\n\n");
        for line in failures {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(server: Server, round: usize, accepted: usize, secs: u64) -> Sample {
        Sample {
            server,
            phase: "1 KB".to_owned(),
            round,
            server_cpu: Duration::from_secs(secs),
            server_wait: Duration::from_secs(secs) / 4,
            client_cpu: Duration::from_secs(secs) / 2,
            client_wait: Duration::ZERO,
            rss_kib: 2048,
            outcome: Outcome {
                accepted,
                elapsed: Duration::from_secs(secs),
                latencies_us: vec![1000, 2000],
                ..Outcome::default()
            },
        }
    }

    #[test]
    fn the_table_has_ratios_and_verdicts() {
        let samples = vec![
            sample(Server::Sandbox, 0, 6000, 1),
            sample(Server::SmtpSink, 0, 10000, 1),
            sample(Server::Aiosmtpd, 0, 1000, 1),
        ];
        let servers = [Server::Sandbox, Server::SmtpSink, Server::Aiosmtpd];
        let text = markdown(&samples, &["1 KB".to_owned()], &servers);
        assert!(
            text.contains(
                "| sandbox | 6000 | 1.00 | 2.00 | 167 | 100 / 25 | 50 / 0 | 2.0 | 6000 | 0 | 1.00× |"
            ),
            "{text}"
        );
        assert!(text.contains("| smtp-sink | 10000 |"), "{text}");
        assert!(
            text.contains("| sandbox ≥ 0.5× smtp-sink | 1 KB | 0.60× | yes | 0.60× |"),
            "{text}"
        );
        assert!(
            text.contains("| sandbox ≥ 5× aiosmtpd | 1 KB | 6.00× | yes | 6.00× |"),
            "{text}"
        );
        assert!(text.contains("No failures"), "{text}");
    }
}
