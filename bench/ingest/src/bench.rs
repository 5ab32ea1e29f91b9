//! The comparison: every server, fresh each round, gets the same phases from the same
//! client; rounds rotate the order of the servers.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;

use crate::load::{self, Load, Outcome};
use crate::report::Sample;
use crate::servers::{Programs, Server};
use bench_common::Proc;

/// One kind of load every server gets.
#[derive(Debug, Clone)]
pub(crate) struct Phase {
    /// `1 KB`, `100 KB`, `1 KB, 1 per session`.
    pub(crate) name: String,
    pub(crate) load: Load,
}

/// What the run needs besides the programs.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) servers: Vec<Server>,
    pub(crate) phases: Vec<Phase>,
    pub(crate) rounds: usize,
    /// Messages each server gets before the phases, not measured (imports, JIT, caches).
    pub(crate) warm_up: Load,
    pub(crate) server_cpu: usize,
    pub(crate) log_dir: PathBuf,
}

/// Runs the plan and returns one sample per server, phase and round.
pub(crate) async fn run(programs: &Programs, plan: &Plan) -> anyhow::Result<Vec<Sample>> {
    let mut samples = Vec::new();
    for round in 0..plan.rounds {
        let mut order = plan.servers.clone();
        let shift = round % order.len().max(1);
        order.rotate_left(shift);
        for server in order {
            eprintln!("round {}/{}: {server}", round + 1, plan.rounds);
            samples.extend(
                measure(programs, plan, server, round)
                    .await
                    .with_context(|| format!("{server}, round {}", round + 1))?,
            );
        }
    }
    Ok(samples)
}

/// One server, fresh, through the warm-up and every phase.
async fn measure(
    programs: &Programs,
    plan: &Plan,
    server: Server,
    round: usize,
) -> anyhow::Result<Vec<Sample>> {
    let started = programs.launch(server, &[], &plan.log_dir)?;
    let mut proc = Proc::start(
        server.name(),
        plan.server_cpu,
        &started.launch,
        &plan.log_dir,
    )
    .await?;
    let addr = started.launch.addr;
    let warm = load::run(addr, &plan.warm_up).await;
    eprintln!("  warm-up: {}", warm.summary());
    let mut samples = Vec::new();
    for phase in &plan.phases {
        let cpu_before = proc.cpu_time()?;
        let client_before = bench_common::cpu_time(std::process::id())?;
        let outcome = load::run(addr, &phase.load).await;
        let cpu = cpu_before.until(proc.cpu_time()?);
        let client = client_before.until(bench_common::cpu_time(std::process::id())?);
        eprintln!("  {}: {}", phase.name, outcome.summary());
        let alive = proc.running();
        samples.push(Sample {
            server,
            phase: phase.name.clone(),
            round,
            server_cpu: Duration::from_nanos(cpu.run_ns),
            server_wait: Duration::from_nanos(cpu.wait_ns),
            client_cpu: Duration::from_nanos(client.run_ns),
            client_wait: Duration::from_nanos(client.wait_ns),
            rss_kib: proc.memory().map(|m| m.rss_kib).unwrap_or(0),
            outcome: checked(outcome, alive),
        });
        anyhow::ensure!(alive, "{server} exited during {}", phase.name);
    }
    proc.stop().await?;
    Ok(samples)
}

/// The outcome, with a note when the server died under it.
fn checked(mut outcome: Outcome, alive: bool) -> Outcome {
    if !alive {
        outcome.gave_up = true;
    }
    outcome
}
