//! `relay-bench`: the relay benchmark of issue 4. Compares the bridge with websocat and
//! with direct TCP on loopback, alternating the three in rounds, and prints medians.
//!
//! Run it with `bench/relay/run.sh`, which builds everything in release, pins this process
//! (the client) to one CPU and passes the relay's CPU; see `bench/README.md`.
//!
//! # Layout
//!
//! - `echo.rs`: the SMTP-like upstream server (`relay-bench echo`).
//! - `bench-common` (the crate): starting the processes under test pinned with `taskset`,
//!   reading their RSS and CPU time, medians.
//! - `client.rs`: one SMTP session over each path (TCP, bridge JSON, websocat lines).
//! - `body.rs`: the 25 MB DATA body, prebuilt for each path.
//! - `measure.rs`: round trip, throughput, idle memory and session rate.
//! - `report.rs`: medians, ratios against the targets, the Markdown table.

mod body;
mod client;
mod echo;
mod measure;
mod report;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, ensure};
use clap::{Args, Parser, Subcommand};

use client::{DataMode, Path};
use measure::{Programs, Setup};
use report::{Results, Sample};

/// The bridge's largest WebSocket message (`MAX_MESSAGE` in bridge/src/ws.rs).
const BRIDGE_MAX_MESSAGE: usize = 64 * 1024;

#[derive(Debug, Parser)]
#[command(name = "relay-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the SMTP-like echo server (the upstream of every measurement).
    Echo {
        #[arg(long)]
        listen: SocketAddr,
        /// Exit after this many seconds even if nobody stops it.
        #[arg(long, default_value_t = 3600)]
        lifetime_secs: u64,
    },
    /// Run the benchmark and print the table.
    Run(RunArgs),
    /// Open idle sessions through a relay you started yourself and hold them, so a
    /// profiler (heaptrack, perf) can look at it; see bench/README.md.
    Hold {
        #[command(flatten)]
        at: RelayAt,
        #[arg(long, default_value_t = 1_000)]
        count: usize,
        /// How long to hold them.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Drive one session through a relay you started yourself (under `perf record`, say):
    /// round trips, then DATA bodies; prints what `run` measures except the relay's CPU.
    Drive {
        #[command(flatten)]
        at: RelayAt,
        /// Serial NOOP round trips.
        #[arg(long, default_value_t = 20_000)]
        round_trips: usize,
        /// 25 MB DATA bodies sent one `line` message per line.
        #[arg(long, default_value_t = 1)]
        line_bodies: usize,
        /// 25 MB DATA bodies sent in `lines` batches.
        #[arg(long, default_value_t = 0)]
        batched_bodies: usize,
    },
}

/// A relay someone else started, and the server behind it.
#[derive(Debug, Args)]
struct RelayAt {
    /// `bridge` or `websocat` (or `direct`, straight to the upstream).
    #[arg(long, value_parser = ["direct", "websocat", "bridge"])]
    path: String,
    /// The relay's address.
    #[arg(long)]
    relay: SocketAddr,
    /// The SMTP server behind it (`relay-bench echo`).
    #[arg(long)]
    upstream: SocketAddr,
}

impl RelayAt {
    fn target(&self) -> client::Target {
        let path = match self.path.as_str() {
            "direct" => Path::Direct,
            "websocat" => Path::Websocat,
            _ => Path::Bridge,
        };
        client::Target {
            path,
            upstream: self.upstream,
            relay: self.relay,
        }
    }
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The bridge binary (`target/release/smtp-playground`).
    #[arg(long)]
    bridge: PathBuf,
    /// The websocat binary.
    #[arg(long)]
    websocat: PathBuf,
    /// Rounds; each measures direct TCP, websocat and the bridge, in rotating order.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// CPU for the relay under test.
    #[arg(long, default_value_t = 0)]
    relay_cpu: usize,
    /// CPU for the echo server (pin this client to it too).
    #[arg(long, default_value_t = 1)]
    client_cpu: usize,
    /// Serial NOOP round trips per path and round.
    #[arg(long, default_value_t = 20_000)]
    round_trips: usize,
    /// Sessions (connect, greeting, QUIT) per path and round.
    #[arg(long, default_value_t = 2_000)]
    sessions: usize,
    /// Sessions in flight at once in the session-rate test.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Idle session counts for the memory test.
    #[arg(long, value_delimiter = ',', default_values_t = [1_000, 5_000])]
    idle: Vec<usize>,
    /// Skip the 25 MB DATA test (for a quick smoke run).
    #[arg(long)]
    no_data: bool,
    /// Where the processes under test write their logs.
    #[arg(long, default_value = "target/relay-bench")]
    log_dir: PathBuf,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Echo {
            listen,
            lifetime_secs,
        } => {
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("could not listen on {listen}"))?;
            echo::serve(listener, Duration::from_secs(lifetime_secs)).await?;
            Ok(())
        }
        Command::Run(args) => run(args).await,
        Command::Hold { at, count, seconds } => {
            let sessions = measure::open_idle(at.target(), count).await?;
            eprintln!("holding {} sessions for {seconds} s", sessions.len());
            tokio::time::sleep(Duration::from_secs(seconds)).await;
            Ok(())
        }
        Command::Drive {
            at,
            round_trips,
            line_bodies,
            batched_bodies,
        } => measure::drive(at.target(), round_trips, line_bodies, batched_bodies).await,
    }
}

async fn run(args: RunArgs) -> anyhow::Result<()> {
    ensure!(args.rounds > 0, "--rounds must be at least 1");
    std::fs::create_dir_all(&args.log_dir)
        .with_context(|| format!("could not create {}", args.log_dir.display()))?;
    // The processes append to these; each run starts them afresh.
    for name in ["echo", "bridge", "websocat"] {
        let _ = std::fs::remove_file(args.log_dir.join(format!("{name}.log")));
    }
    let programs = Programs {
        bench: std::env::current_exe().context("where is this binary?")?,
        bridge_flags: bridge_flags(&args.bridge)?,
        bridge: args.bridge.clone(),
        websocat: args.websocat.clone(),
        relay_cpu: args.relay_cpu,
        client_cpu: args.client_cpu,
        log_dir: args.log_dir.clone(),
    };
    eprintln!("load before: {}", loadavg());
    eprintln!("building the 25 MB body…");
    let body = body::Body::new(BRIDGE_MAX_MESSAGE, client::WEBSOCAT_SUFFIX);
    eprintln!(
        "body: {} bytes, {} bridge messages, {} websocat messages",
        body.size,
        body.batches.len(),
        body.lines.len()
    );
    let mut results = Results::default();
    for round in 0..args.rounds {
        for k in 0..Path::ALL.len() {
            let path = Path::ALL[(round + k) % Path::ALL.len()];
            let sample = measure_path(path, &programs, &args, &body)
                .await
                .with_context(|| format!("round {}, {}", round + 1, path.name()))?;
            eprintln!(
                "round {} {:>10}: rtt p50 {:.1} µs p99 {:.1} µs (cpu {:.1} µs, {:.0} % kernel), DATA {:.0} MB/s (cpu {:.2} ms/MB), line by line {:.0} MB/s (cpu {:.2} µs/line), idle {:?} KiB, {:.0} sessions/s (cpu {:.0} µs, {:.0} % kernel)",
                round + 1,
                path.name(),
                sample.rt_p50_us,
                sample.rt_p99_us,
                sample.rt_cpu_us,
                sample.rt_kernel_percent,
                sample.data_mb_s,
                sample.data_cpu_ms_per_mb,
                sample.data_lines_mb_s,
                sample.data_lines_cpu_us_per_line,
                sample
                    .idle_kib
                    .iter()
                    .map(|kib| (kib * 10.0).round() / 10.0)
                    .collect::<Vec<_>>(),
                sample.sessions_per_s,
                sample.session_cpu_us,
                sample.session_kernel_percent
            );
            results.samples[report::index(path)].push(sample);
        }
    }
    eprintln!("load after: {}", loadavg());
    println!("{}", results.markdown(&args.idle));
    Ok(())
}

/// One path, one round: fresh processes for the timing tests, and fresh ones again for
/// each memory count (memory freed earlier would hide growth).
async fn measure_path(
    path: Path,
    programs: &Programs,
    args: &RunArgs,
    body: &body::Body,
) -> anyhow::Result<Sample> {
    let setup = Setup::start(path, programs).await?;
    let rt = measure::round_trip(&setup, args.round_trips)
        .await
        .context("round trip")?;
    let (data, data_lines) = if args.no_data {
        (measure::Throughput::NONE, measure::Throughput::NONE)
    } else {
        let batched = measure::throughput(&setup, body, DataMode::Batched)
            .await
            .context("DATA throughput")?;
        let line_by_line = measure::throughput(&setup, body, DataMode::LineByLine)
            .await
            .context("DATA throughput, line by line")?;
        (batched, line_by_line)
    };
    let rate = measure::session_rate(&setup, args.sessions, args.concurrency)
        .await
        .context("session rate")?;
    setup.stop().await?;
    let mut idle_kib = Vec::new();
    for &count in &args.idle {
        let setup = Setup::start(path, programs).await?;
        let kib = measure::idle_memory(&setup, count)
            .await
            .with_context(|| format!("{count} idle sessions"))?;
        setup.stop().await?;
        idle_kib.push(kib);
    }
    Ok(Sample {
        rt_p50_us: rt.p50_us,
        rt_p99_us: rt.p99_us,
        rt_cpu_us: rt.cpu_us,
        data_mb_s: data.mb_s,
        data_cpu_ms_per_mb: data.cpu_ms_per_mb,
        data_lines_mb_s: data_lines.mb_s,
        data_lines_cpu_us_per_line: data_lines.cpu_us_per_line,
        idle_kib,
        sessions_per_s: rate.per_s,
        session_cpu_us: rate.cpu_us,
        rt_kernel_percent: rt.kernel_percent,
        session_kernel_percent: rate.kernel_percent,
    })
}

/// The flags the benchmark needs from the bridge, when this bridge has them: no sandbox
/// (it is not under test), and session and DATA caps above what the benchmark opens and
/// sends (the safe defaults are 200 sessions and 10 MiB of DATA per session).
fn bridge_flags(bridge: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let help = std::process::Command::new(bridge)
        .args(["serve", "--help"])
        .output()
        .with_context(|| format!("could not run {}", bridge.display()))?;
    let text = String::from_utf8_lossy(&help.stdout);
    let wanted: [(&str, Option<&str>); 3] = [
        ("--no-sandbox", None),
        ("--max-sessions", Some("20000")),
        ("--max-data-bytes", Some("100000000")),
    ];
    let mut flags = Vec::new();
    for (flag, value) in wanted {
        if text.contains(&format!("{flag} ")) || text.contains(&format!("{flag}\n")) {
            flags.push(flag.to_owned());
            flags.extend(value.map(str::to_owned));
        }
    }
    Ok(flags)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}
