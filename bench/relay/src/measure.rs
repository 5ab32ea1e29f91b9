//! The four measurements of issue 4, each run against one [`Setup`]: an echo server and,
//! for the bridge and websocat, the relay in front of it.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use tokio::time::{Instant, sleep, timeout};

use bench_common::{Launch, Proc, Ticks, free_port};

use crate::body::Body;
use crate::client::{Buffers, DataMode, Path, Session, Target};

/// How long opening all the idle sessions, or all the sessions of the rate test, may take.
const PHASE_WAIT: Duration = Duration::from_secs(180);

/// Sessions opened at once while filling the idle-memory test.
const OPEN_CONCURRENCY: usize = 64;

/// Round trips before the timed ones, to warm caches and allocators.
const WARM_UP: usize = 500;

/// The programs under test and where they run.
#[derive(Debug, Clone)]
pub(crate) struct Programs {
    /// This binary, for `relay-bench echo`.
    pub(crate) bench: PathBuf,
    pub(crate) bridge: PathBuf,
    /// Extra `serve` flags, e.g. `--no-sandbox` when the bridge has it.
    pub(crate) bridge_flags: Vec<String>,
    pub(crate) websocat: PathBuf,
    /// CPU of the relay (bridge or websocat).
    pub(crate) relay_cpu: usize,
    /// CPU of the echo server (and of this client, pinned by `run.sh`).
    pub(crate) client_cpu: usize,
    pub(crate) log_dir: PathBuf,
}

/// A fresh echo server, and a fresh relay in front of it unless the path is direct.
#[derive(Debug)]
pub(crate) struct Setup {
    echo: Proc,
    relay: Option<Proc>,
    pub(crate) target: Target,
}

impl Setup {
    pub(crate) async fn start(path: Path, programs: &Programs) -> io::Result<Self> {
        let upstream = free_port()?;
        let echo = Launch {
            program: programs.bench.clone(),
            args: vec![
                "echo".to_owned(),
                "--listen".to_owned(),
                upstream.to_string(),
            ],
            env: Vec::new(),
            addr: upstream,
        };
        let echo = Proc::start("echo", programs.client_cpu, &echo, &programs.log_dir).await?;
        let (relay, relay_addr) = match path {
            Path::Direct => (None, upstream),
            Path::Bridge => {
                let addr = free_port()?;
                let mut args = vec!["serve".to_owned(), "--listen".to_owned(), addr.to_string()];
                args.extend(programs.bridge_flags.iter().cloned());
                let launch = Launch {
                    program: programs.bridge.clone(),
                    args,
                    env: Vec::new(),
                    addr,
                };
                let proc =
                    Proc::start("bridge", programs.relay_cpu, &launch, &programs.log_dir).await?;
                (Some(proc), addr)
            }
            Path::Websocat => {
                let addr = free_port()?;
                let launch = Launch {
                    program: programs.websocat.clone(),
                    args: websocat_args(addr, upstream),
                    env: Vec::new(),
                    addr,
                };
                let proc =
                    Proc::start("websocat", programs.relay_cpu, &launch, &programs.log_dir).await?;
                (Some(proc), addr)
            }
        };
        Ok(Self {
            echo,
            relay,
            target: Target {
                path,
                upstream,
                relay: relay_addr,
            },
        })
    }

    /// CPU time of the process that relays (the echo server for direct TCP), in ns.
    fn cpu_ns(&self) -> io::Result<u64> {
        self.relay
            .as_ref()
            .unwrap_or(&self.echo)
            .cpu_time()
            .map(|cpu| cpu.run_ns)
    }

    /// The same process's CPU time split into user and kernel ticks.
    fn cpu_ticks(&self) -> io::Result<Ticks> {
        self.relay.as_ref().unwrap_or(&self.echo).cpu_ticks()
    }

    /// Resident memory of the process that holds the sessions: the relay, or the echo
    /// server for direct TCP.
    fn rss_kib(&self) -> io::Result<u64> {
        self.relay
            .as_ref()
            .unwrap_or(&self.echo)
            .memory()
            .map(|memory| memory.rss_kib)
    }

    pub(crate) async fn stop(self) -> io::Result<()> {
        if let Some(relay) = self.relay {
            relay.stop().await?;
        }
        self.echo.stop().await
    }
}

/// The websocat command line of issue 4.
fn websocat_args(listen: SocketAddr, upstream: SocketAddr) -> Vec<String> {
    vec![
        "--text".to_owned(),
        "-E".to_owned(),
        "--linemode-strip-newlines".to_owned(),
        format!("ws-l:{listen}"),
        format!("tcp:{upstream}"),
    ]
}

/// Round trip latencies, in microseconds, and the relay's CPU time per round trip.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RoundTrip {
    pub(crate) p50_us: f64,
    pub(crate) p99_us: f64,
    pub(crate) cpu_us: f64,
    /// Percent of that CPU time spent in the kernel.
    pub(crate) kernel_percent: f64,
}

/// `count` serial NOOP -> 250 round trips on one session.
pub(crate) async fn round_trip(setup: &Setup, count: usize) -> io::Result<RoundTrip> {
    let mut session = Session::open(setup.target, Buffers::Large).await?;
    for _ in 0..WARM_UP {
        expect_ok(&session.command("NOOP").await?)?;
    }
    let mut nanos = Vec::with_capacity(count);
    let ticks_before = setup.cpu_ticks()?;
    let cpu_before = setup.cpu_ns()?;
    for _ in 0..count {
        let start = Instant::now();
        let reply = session.command("NOOP").await?;
        nanos.push(start.elapsed().as_nanos());
        expect_ok(&reply)?;
    }
    let cpu = setup.cpu_ns()?.saturating_sub(cpu_before);
    let kernel_percent = ticks_before.kernel_percent_until(setup.cpu_ticks()?);
    session.quit().await?;
    nanos.sort_unstable();
    if nanos.is_empty() {
        return Err(io::Error::other("no round trips measured"));
    }
    // Precision loss is irrelevant at these magnitudes.
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let at = |fraction: f64| {
        let index = ((nanos.len() as f64 * fraction) as usize).min(nanos.len() - 1);
        nanos[index] as f64 / 1000.0
    };
    Ok(RoundTrip {
        p50_us: at(0.50),
        p99_us: at(0.99),
        cpu_us: per(cpu, count) / 1000.0,
        kernel_percent,
    })
}

fn expect_ok(reply: &str) -> io::Result<()> {
    if reply.starts_with("250") {
        Ok(())
    } else {
        Err(io::Error::other(format!("NOOP got {reply:?}")))
    }
}

/// `total / count` as a float.
#[allow(clippy::cast_precision_loss)]
fn per(total: u64, count: usize) -> f64 {
    total as f64 / count.max(1) as f64
}

/// DATA throughput in MB/s (10^6 bytes), and the relay's CPU time per MB in ms and per
/// body line in µs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Throughput {
    pub(crate) mb_s: f64,
    pub(crate) cpu_ms_per_mb: f64,
    pub(crate) cpu_us_per_line: f64,
}

impl Throughput {
    /// Not measured (`--no-data`).
    pub(crate) const NONE: Self = Self {
        mb_s: f64::NAN,
        cpu_ms_per_mb: f64::NAN,
        cpu_us_per_line: f64::NAN,
    };
}

/// One DATA transaction of `body`, sent the `mode` way, timed from the DATA command to the
/// 250.
pub(crate) async fn throughput(
    setup: &Setup,
    body: &Body,
    mode: DataMode,
) -> io::Result<Throughput> {
    let mut session = Session::open(setup.target, Buffers::Large).await?;
    let cpu_before = setup.cpu_ns()?;
    let start = Instant::now();
    session.data(body, mode).await?;
    let seconds = start.elapsed().as_secs_f64();
    let cpu = setup.cpu_ns()?.saturating_sub(cpu_before);
    session.quit().await?;
    #[allow(clippy::cast_precision_loss)]
    let megabytes = body.size as f64 / 1e6;
    #[allow(clippy::cast_precision_loss)]
    let cpu_ms = cpu as f64 / 1e6;
    Ok(Throughput {
        mb_s: megabytes / seconds,
        cpu_ms_per_mb: cpu_ms / megabytes,
        cpu_us_per_line: per(cpu, body.lines.len()) / 1000.0,
    })
}

/// Opens `count` sessions that each get their greeting, and returns the growth of the
/// process holding them, in KiB per session. `setup` must be fresh: memory freed by
/// earlier tests would hide the growth.
pub(crate) async fn idle_memory(setup: &Setup, count: usize) -> io::Result<f64> {
    // One session first, so one-time allocations are in the baseline.
    Session::open(setup.target, Buffers::Small)
        .await?
        .quit()
        .await?;
    sleep(Duration::from_millis(100)).await;
    let before = setup.rss_kib()?;
    let sessions = open_idle(setup.target, count).await?;
    sleep(Duration::from_millis(300)).await;
    let after = setup.rss_kib()?;
    drop(sessions);
    #[allow(clippy::cast_precision_loss)]
    let per_session = after.saturating_sub(before) as f64 / count as f64;
    Ok(per_session)
}

/// Session rate, and the relay's CPU time per session in µs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rate {
    pub(crate) per_s: f64,
    pub(crate) cpu_us: f64,
    /// Percent of that CPU time spent in the kernel.
    pub(crate) kernel_percent: f64,
}

/// Opens `count` sessions that each got their greeting, a few at a time.
pub(crate) async fn open_idle(target: Target, count: usize) -> io::Result<Vec<Session>> {
    let opening = futures_util::stream::iter(0..count)
        .map(|_| Session::open(target, Buffers::Small))
        .buffer_unordered(OPEN_CONCURRENCY)
        .try_collect::<Vec<_>>();
    timeout(PHASE_WAIT, opening)
        .await
        .map_err(|_| io::Error::other(format!("opening {count} sessions timed out")))?
}

/// `count` sessions (connect, greeting, QUIT, 221), `concurrency` at a time.
pub(crate) async fn session_rate(
    setup: &Setup,
    count: usize,
    concurrency: usize,
) -> io::Result<Rate> {
    let target = setup.target;
    let ticks_before = setup.cpu_ticks()?;
    let cpu_before = setup.cpu_ns()?;
    let start = Instant::now();
    let all = futures_util::stream::iter(0..count)
        .map(|_| async move { Session::open(target, Buffers::Small).await?.quit().await })
        .buffer_unordered(concurrency.max(1))
        .try_for_each(|()| std::future::ready(Ok(())));
    timeout(PHASE_WAIT, all)
        .await
        .map_err(|_| io::Error::other(format!("{count} sessions timed out")))??;
    #[allow(clippy::cast_precision_loss)]
    let per_s = count as f64 / start.elapsed().as_secs_f64();
    let cpu = setup.cpu_ns()?.saturating_sub(cpu_before);
    let kernel_percent = ticks_before.kernel_percent_until(setup.cpu_ticks()?);
    Ok(Rate {
        per_s,
        cpu_us: per(cpu, count) / 1000.0,
        kernel_percent,
    })
}

/// `relay-bench drive`: `round_trips` NOOPs, then the DATA bodies, on one session through
/// a relay started by someone else (a profiler, usually); prints what it measured.
pub(crate) async fn drive(
    target: Target,
    round_trips: usize,
    line_bodies: usize,
    batched_bodies: usize,
) -> anyhow::Result<()> {
    let body = Body::new(crate::BRIDGE_MAX_MESSAGE, crate::client::WEBSOCAT_SUFFIX);
    let mut session = Session::open(target, Buffers::Large).await?;
    let start = Instant::now();
    for _ in 0..round_trips {
        expect_ok(&session.command("NOOP").await?)?;
    }
    #[allow(clippy::cast_precision_loss)]
    let per_trip = start.elapsed().as_secs_f64() * 1e6 / round_trips.max(1) as f64;
    eprintln!("{round_trips} round trips: {per_trip:.1} µs each (mean)");
    let bodies = std::iter::repeat_n(DataMode::LineByLine, line_bodies)
        .chain(std::iter::repeat_n(DataMode::Batched, batched_bodies));
    for mode in bodies {
        let start = Instant::now();
        session.data(&body, mode).await?;
        #[allow(clippy::cast_precision_loss)]
        let mb_s = body.size as f64 / 1e6 / start.elapsed().as_secs_f64();
        eprintln!("DATA {mode:?}: {mb_s:.0} MB/s");
    }
    session.quit().await?;
    Ok(())
}
