//! The servers under test as processes: started pinned to a CPU with `taskset` (which
//! execs, so the child's PID is the server's), logging to a file, killed when dropped;
//! their memory and CPU time read from `/proc`.

use std::io;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio::time::{Instant, sleep};

/// How long a server may take to start listening (MailDev loads a web app first).
const READY_WAIT: Duration = Duration::from_secs(30);

/// How long a killed server may take to go away.
const EXIT_WAIT: Duration = Duration::from_secs(5);

/// How to start one server.
#[derive(Debug, Clone)]
pub(crate) struct Launch {
    pub(crate) program: PathBuf,
    pub(crate) args: Vec<String>,
    pub(crate) env: Vec<(String, String)>,
    /// Where it takes SMTP connections (and is ready once it does).
    pub(crate) smtp: SocketAddr,
}

/// A running server.
#[derive(Debug)]
pub(crate) struct Proc {
    name: String,
    child: Child,
    pid: u32,
    log: PathBuf,
}

impl Proc {
    /// Starts `launch` on `cpu`, then waits until its SMTP port accepts connections.
    pub(crate) async fn start(
        name: &str,
        cpu: usize,
        launch: &Launch,
        log_dir: &Path,
    ) -> io::Result<Self> {
        std::fs::create_dir_all(log_dir)?;
        let log = log_dir.join(format!("{name}.log"));
        let file = std::fs::File::create(&log)?;
        let child = Command::new("taskset")
            .arg("-c")
            .arg(cpu.to_string())
            .arg(&launch.program)
            .args(&launch.args)
            .envs(launch.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .kill_on_drop(true)
            .spawn()
            .map_err(|err| {
                io::Error::new(
                    err.kind(),
                    format!("could not start {name} with taskset: {err}"),
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
        proc.wait_ready(launch.smtp).await?;
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
            sleep(Duration::from_millis(50)).await;
        }
        Err(io::Error::other(format!(
            "{} did not listen on {addr} within {} s; see {}",
            self.name,
            READY_WAIT.as_secs(),
            self.log.display()
        )))
    }

    /// Its memory now.
    pub(crate) fn memory(&self) -> io::Result<Memory> {
        memory(self.pid)
    }

    /// CPU time it has used (and waited for) so far, all threads.
    pub(crate) fn cpu_time(&self) -> io::Result<CpuTime> {
        cpu_time(self.pid)
    }

    /// Whether it is still running.
    pub(crate) fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Kills it and waits for it to go.
    pub(crate) async fn stop(mut self) -> io::Result<()> {
        self.child.start_kill()?;
        tokio::time::timeout(EXIT_WAIT, self.child.wait())
            .await
            .map_err(|_| io::Error::other(format!("{} did not exit after kill", self.name)))??;
        Ok(())
    }
}

/// Resident memory of a process, in KiB: now (`VmRSS`) and its peak (`VmHWM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Memory {
    pub(crate) rss_kib: u64,
    pub(crate) hwm_kib: u64,
}

/// [`Memory`] of process `pid`.
pub(crate) fn memory(pid: u32) -> io::Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    parse_memory(&status)
        .ok_or_else(|| io::Error::other(format!("no VmRSS/VmHWM in /proc/{pid}/status")))
}

fn parse_memory(status: &str) -> Option<Memory> {
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some(Memory {
        rss_kib: field("VmRSS:")?,
        hwm_kib: field("VmHWM:")?,
    })
}

/// Time a process's threads spent on a CPU and waiting for one, in nanoseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CpuTime {
    /// On a CPU.
    pub(crate) run_ns: u64,
    /// Runnable but waiting for a CPU (other processes had it).
    pub(crate) wait_ns: u64,
}

impl CpuTime {
    /// The time from `self` (earlier) to `later`.
    pub(crate) fn until(self, later: Self) -> Self {
        Self {
            run_ns: later.run_ns.saturating_sub(self.run_ns),
            wait_ns: later.wait_ns.saturating_sub(self.wait_ns),
        }
    }
}

/// [`CpuTime`] of process `pid`, all threads: the first two fields of
/// `/proc/PID/task/*/schedstat` (exact, unlike the tick counts of `stat`).
pub(crate) fn cpu_time(pid: u32) -> io::Result<CpuTime> {
    let mut total = CpuTime::default();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let path = task?.path().join("schedstat");
        // A thread that ended since the listing has no file any more.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let fields: Vec<u64> = text
            .split_whitespace()
            .take(2)
            .filter_map(|n| n.parse().ok())
            .collect();
        let [run, wait] = fields[..] else {
            return Err(io::Error::other(format!("unexpected {}", path.display())));
        };
        total.run_ns += run;
        total.wait_ns += wait;
    }
    Ok(total)
}

/// A loopback port nobody listens on right now (the server started next takes it).
pub(crate) fn free_port() -> io::Result<SocketAddr> {
    StdListener::bind("127.0.0.1:0")?.local_addr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rss_and_peak() {
        let status = "Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\nThreads:\t1\n";
        assert_eq!(
            parse_memory(status),
            Some(Memory {
                rss_kib: 1024,
                hwm_kib: 2048
            })
        );
        assert_eq!(parse_memory("VmRSS:\t1 kB\n"), None);
        let ours = memory(std::process::id()).expect("our own status");
        assert!(
            ours.rss_kib > 100 && ours.hwm_kib >= ours.rss_kib,
            "{ours:?}"
        );
    }

    #[test]
    fn counts_our_own_cpu_time() {
        let before = cpu_time(std::process::id()).expect("schedstat");
        let mut x = 0u64;
        for i in 0..5_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        let after = cpu_time(std::process::id()).expect("schedstat");
        assert!(after.run_ns > before.run_ns, "{before:?} -> {after:?}");
        assert_eq!(before.until(after).run_ns, after.run_ns - before.run_ns);
    }
}
