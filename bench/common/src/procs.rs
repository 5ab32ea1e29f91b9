//! A process under test: started pinned to a CPU with `taskset`, logging to a file,
//! killed when dropped.
//!
//! `taskset -c N program` execs the program, so the child's PID is the program's PID and
//! `/proc/PID/...` describes the program itself.

use std::io;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio::time::{Instant, sleep};

use crate::usage::{self, CpuTime, Memory, Ticks};

/// How long a process may take to start listening (MailDev loads a web app first).
const READY_WAIT: Duration = Duration::from_secs(30);

/// How long a killed process may take to go away.
const EXIT_WAIT: Duration = Duration::from_secs(5);

/// How to start one process.
#[derive(Debug, Clone)]
pub struct Launch {
    pub program: PathBuf,
    pub args: Vec<String>,
    /// Added to the environment it inherits.
    pub env: Vec<(String, String)>,
    /// Where it takes TCP connections (and is ready once it does).
    pub addr: SocketAddr,
}

/// A running process under test.
#[derive(Debug)]
pub struct Proc {
    name: String,
    child: Child,
    pid: u32,
    log: PathBuf,
}

impl Proc {
    /// Starts `launch` on `cpu`, then waits until its address accepts TCP connections.
    /// Its output goes to `log_dir/NAME.log`, appended, so that rounds that start the
    /// same process again keep the earlier rounds' lines.
    pub async fn start(
        name: &str,
        cpu: usize,
        launch: &Launch,
        log_dir: &Path,
    ) -> io::Result<Self> {
        std::fs::create_dir_all(log_dir)?;
        let log = log_dir.join(format!("{name}.log"));
        let file = std::fs::File::options()
            .create(true)
            .append(true)
            .open(&log)?;
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
        proc.wait_ready(launch.addr).await?;
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

    /// Its memory now.
    pub fn memory(&self) -> io::Result<Memory> {
        usage::memory(self.pid)
    }

    /// CPU time it has used (and waited for) so far, all threads.
    pub fn cpu_time(&self) -> io::Result<CpuTime> {
        usage::cpu_time(self.pid)
    }

    /// User and kernel CPU time so far, in clock ticks.
    pub fn cpu_ticks(&self) -> io::Result<Ticks> {
        usage::cpu_ticks(self.pid)
    }

    /// Whether it is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Kills it and waits for it to go.
    pub async fn stop(mut self) -> io::Result<()> {
        self.child.start_kill()?;
        tokio::time::timeout(EXIT_WAIT, self.child.wait())
            .await
            .map_err(|_| io::Error::other(format!("{} did not exit after kill", self.name)))??;
        Ok(())
    }
}

/// A loopback port nobody listens on right now (the process started next takes it).
pub fn free_port() -> io::Result<SocketAddr> {
    StdListener::bind("127.0.0.1:0")?.local_addr()
}
