//! The results: medians over rounds, the bridge-to-websocat ratios against the targets of
//! issue 4, and a Markdown table ready for `bench/README.md`.

use std::fmt::Write as _;

use bench_common::{median, met};

use crate::client::Path;

/// One path's numbers in one round.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sample {
    pub(crate) rt_p50_us: f64,
    pub(crate) rt_p99_us: f64,
    /// CPU time of the relay (echo server for direct TCP) per round trip.
    pub(crate) rt_cpu_us: f64,
    pub(crate) data_mb_s: f64,
    pub(crate) data_cpu_ms_per_mb: f64,
    /// DATA with one `line` message per line (websocat and direct TCP: the same as
    /// `data_mb_s`, measured again), and the relay's CPU time per body line.
    pub(crate) data_lines_mb_s: f64,
    pub(crate) data_lines_cpu_us_per_line: f64,
    /// KiB per idle session, one entry per session count, in the order of the counts.
    pub(crate) idle_kib: Vec<f64>,
    pub(crate) sessions_per_s: f64,
    pub(crate) session_cpu_us: f64,
    /// Percent of the round trips' CPU time spent in the kernel.
    pub(crate) rt_kernel_percent: f64,
    /// Percent of the sessions' CPU time spent in the kernel.
    pub(crate) session_kernel_percent: f64,
}

/// What a row is compared with.
#[derive(Debug, Clone, Copy)]
enum Goal {
    /// No target.
    None,
    /// bridge / websocat at most this.
    RatioAtMost(f64),
    /// bridge / websocat at least this.
    RatioAtLeast(f64),
    /// The bridge's own value at most this.
    AtMost(f64),
}

struct Row {
    label: String,
    /// Median per path, in [`Path::ALL`] order.
    medians: [f64; 3],
    goal: Goal,
    unit_decimals: usize,
}

/// All rounds of all paths.
#[derive(Debug, Default)]
pub(crate) struct Results {
    /// `samples[path]` holds one sample per round, in [`Path::ALL`] order.
    pub(crate) samples: [Vec<Sample>; 3],
}

pub(crate) fn index(path: Path) -> usize {
    match path {
        Path::Direct => 0,
        Path::Websocat => 1,
        Path::Bridge => 2,
    }
}

impl Results {
    fn medians(&self, get: impl Fn(&Sample) -> f64) -> [f64; 3] {
        [0, 1, 2].map(|i| median(&mut self.samples[i].iter().map(&get).collect::<Vec<_>>()))
    }

    fn rows(&self, idle_counts: &[usize]) -> Vec<Row> {
        let mut rows = vec![
            Row {
                label: "round trip p50 (µs)".into(),
                medians: self.medians(|s| s.rt_p50_us),
                goal: Goal::RatioAtMost(0.9),
                unit_decimals: 1,
            },
            Row {
                label: "round trip p99 (µs)".into(),
                medians: self.medians(|s| s.rt_p99_us),
                goal: Goal::None,
                unit_decimals: 1,
            },
            Row {
                label: "DATA throughput (MB/s)".into(),
                medians: self.medians(|s| s.data_mb_s),
                goal: Goal::RatioAtLeast(5.0),
                unit_decimals: 0,
            },
            Row {
                label: "DATA throughput, one `line` per line (MB/s)".into(),
                medians: self.medians(|s| s.data_lines_mb_s),
                goal: Goal::RatioAtLeast(1.0),
                unit_decimals: 0,
            },
        ];
        for (i, count) in idle_counts.iter().enumerate() {
            rows.push(Row {
                label: format!("memory per idle session, {count} sessions (KiB)"),
                medians: self.medians(|s| s.idle_kib.get(i).copied().unwrap_or(f64::NAN)),
                goal: Goal::AtMost(8.0),
                unit_decimals: 1,
            });
        }
        rows.push(Row {
            label: "sessions per second".into(),
            medians: self.medians(|s| s.sessions_per_s),
            goal: Goal::RatioAtLeast(1.5),
            unit_decimals: 0,
        });
        rows.extend([
            Row {
                label: "relay CPU per round trip (µs)".into(),
                medians: self.medians(|s| s.rt_cpu_us),
                goal: Goal::None,
                unit_decimals: 1,
            },
            Row {
                label: "relay CPU per DATA MB (ms)".into(),
                medians: self.medians(|s| s.data_cpu_ms_per_mb),
                goal: Goal::None,
                unit_decimals: 2,
            },
            Row {
                label: "relay CPU per body line, one `line` per line (µs)".into(),
                medians: self.medians(|s| s.data_lines_cpu_us_per_line),
                goal: Goal::None,
                unit_decimals: 2,
            },
            Row {
                label: "relay CPU per session (µs)".into(),
                medians: self.medians(|s| s.session_cpu_us),
                goal: Goal::None,
                unit_decimals: 0,
            },
            Row {
                label: "relay CPU in the kernel, round trips (%)".into(),
                medians: self.medians(|s| s.rt_kernel_percent),
                goal: Goal::None,
                unit_decimals: 0,
            },
            Row {
                label: "relay CPU in the kernel, sessions (%)".into(),
                medians: self.medians(|s| s.session_kernel_percent),
                goal: Goal::None,
                unit_decimals: 0,
            },
        ]);
        rows
    }

    /// The summary table and the per-round values.
    pub(crate) fn markdown(&self, idle_counts: &[usize]) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| measurement (median) | direct TCP | websocat | bridge | bridge ÷ websocat | target | met |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---|---|");
        for row in self.rows(idle_counts) {
            let [direct, websocat, bridge] = row.medians;
            let d = row.unit_decimals;
            let ratio = bridge / websocat;
            let (target, met) = match row.goal {
                Goal::None => ("—".to_owned(), "—"),
                Goal::RatioAtMost(limit) => (format!("≤ {limit}× websocat"), met(ratio <= limit)),
                Goal::RatioAtLeast(limit) => (format!("≥ {limit}× websocat"), met(ratio >= limit)),
                Goal::AtMost(limit) => (format!("≤ {limit} KiB"), met(bridge <= limit)),
            };
            let _ = writeln!(
                out,
                "| {} | {direct:.d$} | {websocat:.d$} | {bridge:.d$} | {ratio:.2}× | {target} | {met} |",
                row.label
            );
        }
        let _ = writeln!(out, "\nPer round (direct / websocat / bridge):\n");
        let rounds = self.samples.iter().map(Vec::len).min().unwrap_or(0);
        let _ = writeln!(
            out,
            "| round | RTT p50 µs | RTT p99 µs | DATA MB/s | DATA line by line MB/s | KiB/session | sessions/s |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|");
        for round in 0..rounds {
            let cell = |get: &dyn Fn(&Sample) -> String| {
                self.samples
                    .iter()
                    .map(|path| get(&path[round]))
                    .collect::<Vec<_>>()
                    .join(" / ")
            };
            let idle = cell(&|s: &Sample| {
                s.idle_kib
                    .iter()
                    .map(|kib| format!("{kib:.1}"))
                    .collect::<Vec<_>>()
                    .join(",")
            });
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                round + 1,
                cell(&|s: &Sample| format!("{:.1}", s.rt_p50_us)),
                cell(&|s: &Sample| format!("{:.1}", s.rt_p99_us)),
                cell(&|s: &Sample| format!("{:.0}", s.data_mb_s)),
                cell(&|s: &Sample| format!("{:.0}", s.data_lines_mb_s)),
                idle,
                cell(&|s: &Sample| format!("{:.0}", s.sessions_per_s)),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_verdicts() {
        let sample = |rt: f64, mb: f64, kib: f64, rate: f64| Sample {
            rt_p50_us: rt,
            rt_p99_us: rt * 2.0,
            data_mb_s: mb,
            idle_kib: vec![kib],
            sessions_per_s: rate,
            ..Sample::default()
        };
        let results = Results {
            samples: [
                vec![sample(10.0, 1000.0, 3.0, 10000.0)],
                vec![sample(40.0, 50.0, 100.0, 5000.0)],
                vec![sample(30.0, 300.0, 9.0, 8000.0)],
            ],
        };
        let table = results.markdown(&[1000]);
        assert!(
            table.contains(
                "| round trip p50 (µs) | 10.0 | 40.0 | 30.0 | 0.75× | ≤ 0.9× websocat | yes |"
            ),
            "{table}"
        );
        assert!(table.contains("| 6.00× | ≥ 5× websocat | yes |"), "{table}");
        assert!(
            table.contains("| 9.0 | 0.09× | ≤ 8 KiB | **no** |"),
            "{table}"
        );
        assert!(
            table.contains("| 1.60× | ≥ 1.5× websocat | yes |"),
            "{table}"
        );
    }
}
