//! What the benchmarks (`relay-bench`, `ingest-bench`) share.
//!
//! - `procs.rs`: a process under test, started pinned to a CPU with `taskset`, logging to
//!   a file, killed when dropped; a free loopback port for it.
//! - `usage.rs`: a process's memory and CPU time, read from `/proc` (Linux only).
//! - `stats.rs`: medians and the "met" column of the reports.

mod procs;
mod stats;
mod usage;

pub use procs::{Launch, Proc, free_port};
pub use stats::{median, met};
pub use usage::{CpuTime, Memory, Ticks, cpu_ticks, cpu_time, memory};
