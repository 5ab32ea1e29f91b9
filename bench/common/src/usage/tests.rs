use super::*;

/// Some user-space work that the optimiser cannot drop.
fn busy(iterations: u64) {
    let mut x = 0u64;
    for i in 0..iterations {
        x = x.wrapping_mul(31).wrapping_add(i);
    }
    std::hint::black_box(x);
}

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
    busy(5_000_000);
    let after = cpu_time(std::process::id()).expect("schedstat");
    assert!(after.run_ns > before.run_ns, "{before:?} -> {after:?}");
    assert_eq!(before.until(after).run_ns, after.run_ns - before.run_ns);
}

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
    busy(50_000_000);
    let after = cpu_ticks(std::process::id()).expect("stat");
    assert!(
        after.user > ours.user,
        "a busy loop counts as user time: {ours:?} {after:?}"
    );
}
