//! A process's memory and CPU time, read from `/proc`.

use std::io;

/// Resident memory of a process, in KiB: now (`VmRSS`) and its peak (`VmHWM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    pub rss_kib: u64,
    pub hwm_kib: u64,
}

/// [`Memory`] of process `pid`.
pub fn memory(pid: u32) -> io::Result<Memory> {
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
pub struct CpuTime {
    /// On a CPU.
    pub run_ns: u64,
    /// Runnable but waiting for a CPU (other processes had it).
    pub wait_ns: u64,
}

impl CpuTime {
    /// The time from `self` (earlier) to `later`.
    #[must_use]
    pub fn until(self, later: Self) -> Self {
        Self {
            run_ns: later.run_ns.saturating_sub(self.run_ns),
            wait_ns: later.wait_ns.saturating_sub(self.wait_ns),
        }
    }
}

/// [`CpuTime`] of process `pid`, all threads: the first two fields of
/// `/proc/PID/task/*/schedstat` (exact, unlike the tick counts of `stat`).
pub fn cpu_time(pid: u32) -> io::Result<CpuTime> {
    let mut total = CpuTime::default();
    per_thread(pid, "schedstat", |text| {
        let fields: Vec<u64> = text
            .split_whitespace()
            .take(2)
            .filter_map(|n| n.parse().ok())
            .collect();
        let [run, wait] = fields[..] else {
            return false;
        };
        total.run_ns += run;
        total.wait_ns += wait;
        true
    })?;
    Ok(total)
}

/// CPU time in clock ticks (`USER_HZ`, 10 ms here): coarse, but the only per-process
/// split between user space and the kernel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ticks {
    pub user: u64,
    pub kernel: u64,
}

impl Ticks {
    /// The share of the CPU time between `self` (earlier) and `later` spent in the kernel,
    /// in percent; NaN when no tick passed.
    pub fn kernel_percent_until(self, later: Self) -> f64 {
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
pub fn cpu_ticks(pid: u32) -> io::Result<Ticks> {
    let mut total = Ticks::default();
    per_thread(pid, "stat", |text| {
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
            return false;
        };
        total.user += user;
        total.kernel += kernel;
        true
    })?;
    Ok(total)
}

/// Hands `/proc/PID/task/*/FILE` of each thread of process `pid` to `add`, which says
/// whether it could read it.
fn per_thread(pid: u32, file: &str, mut add: impl FnMut(&str) -> bool) -> io::Result<()> {
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let path = task?.path().join(file);
        // A thread that ended since the listing has no file any more.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if !add(&text) {
            return Err(io::Error::other(format!("unexpected {}", path.display())));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
