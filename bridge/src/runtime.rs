//! The tokio runtime the binary runs on, chosen by the CPUs the process may use.
//!
//! With one CPU (a small VPS, a container limited to one, a process pinned with
//! `taskset`), a multi-threaded runtime still has one worker: its work-stealing queues,
//! its cross-thread wake-ups and the poll statistics it keeps for each batch of tasks (a
//! clock reading and a `powf` each time) buy nothing there, and they were a sixth of the
//! relay's user-space instructions per round trip (bench/README.md, "relay"). So with one
//! CPU the bridge runs tokio's single-threaded scheduler; with more, the multi-threaded
//! one, one worker per CPU, so that many sessions use every core. Both are the same
//! program: nothing in the bridge blocks a worker (`spawn_blocking` works on both).

use std::num::NonZeroUsize;

/// Which tokio scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// Everything on the thread that calls `block_on`.
    CurrentThread,
    /// One worker per CPU, with work stealing.
    MultiThread,
}

impl Flavor {
    /// The scheduler for a process that may run on `cpus` CPUs.
    #[must_use]
    pub fn for_cpus(cpus: NonZeroUsize) -> Self {
        if cpus.get() == 1 {
            Self::CurrentThread
        } else {
            Self::MultiThread
        }
    }
}

/// The runtime for this process: see the module documentation. The CPUs are those the
/// process may use (`sched_getaffinity` and cgroup quotas, as the standard library reads
/// them); when they cannot be read, the multi-threaded scheduler, as before.
///
/// # Errors
///
/// When tokio cannot start its runtime (no threads, no epoll).
pub fn build() -> std::io::Result<tokio::runtime::Runtime> {
    let flavor = std::thread::available_parallelism().map_or(Flavor::MultiThread, Flavor::for_cpus);
    let mut builder = match flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        Flavor::MultiThread => tokio::runtime::Builder::new_multi_thread(),
    };
    builder.enable_all().build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_cpu_gets_the_single_threaded_scheduler_and_more_the_multi_threaded() {
        let cpus = |n| NonZeroUsize::new(n).expect("not zero");
        assert_eq!(Flavor::for_cpus(cpus(1)), Flavor::CurrentThread);
        assert_eq!(Flavor::for_cpus(cpus(2)), Flavor::MultiThread);
        assert_eq!(Flavor::for_cpus(cpus(64)), Flavor::MultiThread);
    }

    #[test]
    fn the_runtime_runs_tasks_and_blocking_work() {
        let runtime = build().expect("a runtime");
        let sum = runtime.block_on(async {
            let task = tokio::spawn(async { 2 });
            let blocking = tokio::task::spawn_blocking(|| 3);
            task.await.expect("task") + blocking.await.expect("blocking")
        });
        assert_eq!(sum, 5);
    }
}
