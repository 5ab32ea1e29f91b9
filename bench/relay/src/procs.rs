//! The processes under test: the echo server, the bridge and websocat, each pinned to a
//! CPU with `taskset`, logging to a file, killed when dropped.
//!
//! `taskset -c N program` execs the program, so the child's PID is the program's PID and
//! `/proc/PID/status` describes the program itself.

use std::io;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio::time::{Instant, sleep};

/// How long a process may take to start listening.
const READY_WAIT: Duration = Duration::from_secs(15);

/// How long a killed process may take to go away.
const EXIT_WAIT: Duration = Duration::from_secs(5);

/// A running process under test.
#[derive(Debug)]
pub(crate) struct Proc {
    name: String,
    child: Child,
    pid: u32,
    log: PathBuf,
}

impl Proc {
    /// Starts `program args` on `cpu`, then waits until `addr` accepts TCP connections.
    pub(crate) async fn start(
        name: &str,
        cpu: usize,
        program: &Path,
        args: &[String],
        addr: SocketAddr,
        log_dir: &Path,
    ) -> io::Result<Self> {
        let log = log_dir.join(format!("{name}.log"));
        let file = std::fs::File::options()
            .create(true)
            .append(true)
            .open(&log)?;
        let child = Command::new("taskset")
            .arg("-c")
            .arg(cpu.to_string())
            .arg(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .kill_on_drop(true)
            .spawn()
            .map_err(|err| {
                io::Error::new(
                    err.kind(),
                    format!("could not start taskset ({name}): {err}"),
                )
            })?;
        let pid = child
            .id()
            .ok_or_else(|| io::Error::other(format!("{name} exited at once")))?;
        let mut proc = Self {
            name: name.to_owned(),
            child,
            pid,
            log,
        };
        proc.wait_ready(addr).await?;
        Ok(proc)
    }

    async fn wait_ready(&mut self, addr: SocketAddr) -> io::Result<()> {
        let deadline = Instant::now() + READY_WAIT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                return Err(io::Error::other(format!(
                    "{} exited ({status}) before listening on {addr}; see {}",
                    self.name,
                    self.log.display()
                )));
            }
            if TcpStream::connect(addr).await.is_ok() {
                return Ok(());
            }
            sleep(Duration::from_millis(20)).await;
        }
        Err(io::Error::other(format!(
            "{} did not listen on {addr} within {} s; see {}",
            self.name,
            READY_WAIT.as_secs(),
            self.log.display()
        )))
    }

    /// Resident memory now, in KiB (`VmRSS` of `/proc/PID/status`).
    pub(crate) fn rss_kib(&self) -> io::Result<u64> {
        rss_kib(self.pid)
    }

    /// CPU time the process has used so far, all threads, in nanoseconds.
    pub(crate) fn cpu_ns(&self) -> io::Result<u64> {
        cpu_ns(self.pid)
    }

    /// User and kernel CPU time so far, in clock ticks.
    pub(crate) fn cpu_ticks(&self) -> io::Result<Ticks> {
        cpu_ticks(self.pid)
    }

    /// Kills the process and waits for it to go.
    pub(crate) async fn stop(mut self) -> io::Result<()> {
        self.child.start_kill()?;
        tokio::time::timeout(EXIT_WAIT, self.child.wait())
            .await
            .map_err(|_| io::Error::other(format!("{} did not exit after kill", self.name)))??;
        Ok(())
    }
}

/// `VmRSS` of process `pid`, in KiB.
pub(crate) fn rss_kib(pid: u32) -> io::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| io::Error::other(format!("no VmRSS in /proc/{pid}/status")))
}

/// CPU time of process `pid`, all threads, in nanoseconds: the sum of the first field
/// of `/proc/PID/task/*/schedstat` (time on a CPU; exact, unlike the tick counts of `stat`).
pub(crate) fn cpu_ns(pid: u32) -> io::Result<u64> {
    let mut total = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let path = task?.path().join("schedstat");
        // A thread that ended since the listing has no file any more.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        total += text
            .split_whitespace()
            .next()
            .and_then(|ns| ns.parse::<u64>().ok())
            .ok_or_else(|| io::Error::other(format!("unexpected {}", path.display())))?;
    }
    Ok(total)
}

/// CPU time in clock ticks (`USER_HZ`, 10 ms here): coarse, but the only per-process
/// split between user space and the kernel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Ticks {
    pub(crate) user: u64,
    pub(crate) kernel: u64,
}

impl Ticks {
    /// The share of the CPU time between `self` (earlier) and `later` spent in the kernel,
    /// in percent; NaN when no tick passed.
    pub(crate) fn kernel_percent_until(self, later: Self) -> f64 {
        let user = later.user.saturating_sub(self.user);
        let kernel = later.kernel.saturating_sub(self.kernel);
        // Tick counts of one benchmark phase are far below f64's exact range.
        #[allow(clippy::cast_precision_loss)]
        let percent = 100.0 * kernel as f64 / (user + kernel) as f64;
        percent
    }
}

/// User and kernel CPU time of process `pid`, all threads: fields 14 and 15 (`utime`,
/// `stime`) of `/proc/PID/task/*/stat`, counted after the `)` that ends the thread name.
pub(crate) fn cpu_ticks(pid: u32) -> io::Result<Ticks> {
    let mut total = Ticks::default();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let path = task?.path().join("stat");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let fields: Vec<u64> = text
            .rsplit_once(')')
            .map(|(_, rest)| rest)
            .unwrap_or_default()
            .split_whitespace()
            .skip(11)
            .take(2)
            .filter_map(|n| n.parse().ok())
            .collect();
        let [user, kernel] = fields[..] else {
            return Err(io::Error::other(format!("unexpected {}", path.display())));
        };
        total.user += user;
        total.kernel += kernel;
    }
    Ok(total)
}

/// A loopback port nobody listens on right now (the process started next takes it).
pub(crate) fn free_port() -> io::Result<SocketAddr> {
    StdListener::bind("127.0.0.1:0")?.local_addr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_share_follows_the_ticks() {
        let before = Ticks {
            user: 10,
            kernel: 5,
        };
        let later = Ticks {
            user: 40,
            kernel: 95,
        };
        assert!((before.kernel_percent_until(later) - 75.0).abs() < 1e-9);
        assert!(before.kernel_percent_until(before).is_nan());
        let ours = cpu_ticks(std::process::id()).expect("stat");
        let mut x = 0u64;
        for i in 0..50_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        let after = cpu_ticks(std::process::id()).expect("stat");
        assert!(
            after.user > ours.user,
            "a busy loop counts as user time: {ours:?} {after:?}"
        );
    }

    #[test]
    fn reads_our_own_rss() {
        let kib = rss_kib(std::process::id()).expect("VmRSS");
        assert!(kib > 100, "a running test uses more than 100 KiB: {kib}");
    }

    #[test]
    fn counts_our_own_cpu_time() {
        let before = cpu_ns(std::process::id()).expect("schedstat");
        let mut x = 0u64;
        for i in 0..5_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        let after = cpu_ns(std::process::id()).expect("schedstat");
        assert!(after > before, "{before} -> {after}");
    }
}
