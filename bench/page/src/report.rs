//! The Markdown tables: each measure for the app and the plain page, and the ratio
//! app/plain.

use std::fmt::Write as _;

use bench_common::median;

use crate::measure::{AtSize, Navigation, PASTE, Paste, Pasted};

/// What one page gave.
#[derive(Debug, Default)]
pub(crate) struct PageRun {
    /// Cold navigations.
    pub(crate) navigations: Vec<Navigation>,
    /// The session at each size.
    pub(crate) sizes: Vec<AtSize>,
    /// The long paste.
    pub(crate) paste: Option<Paste>,
    /// The WebSocket's round trip without keyboard or page code (plain page only), ms.
    pub(crate) socket: Vec<f64>,
}

/// `a / b` with two decimals, or `-` when either is missing or `b` is zero.
pub(crate) fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 && a.is_finite() && b.is_finite() => format!("{:.1}x", a / b),
        _ => "-".to_owned(),
    }
}

/// Milliseconds with one decimal, or `-`.
pub(crate) fn ms(value: Option<f64>) -> String {
    value
        .filter(|v| v.is_finite())
        .map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"))
}

/// Bytes as MB with one decimal, or `-`.
fn mb(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{:.1}", v / 1e6))
}

/// The median of some values, `None` when there are none.
pub(crate) fn med(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let mut values: Vec<f64> = values.into_iter().collect();
    (!values.is_empty()).then(|| median(&mut values))
}

/// Count, longest and total of some long tasks, as `n / max / sum ms`.
pub(crate) fn long_summary(tasks: &[f64]) -> String {
    let max = tasks.iter().copied().fold(0.0, f64::max);
    // An empty sum of floats is -0.0; start from +0.0 instead.
    let sum = tasks.iter().fold(0.0, |sum, t| sum + t);
    format!("{} / {max:.0} / {sum:.0}", tasks.len())
}

/// The whole report.
pub(crate) fn render(app: &PageRun, plain: &PageRun) -> String {
    let mut out = String::new();
    navigation_table(&mut out, app, plain);
    timeline(&mut out, app);
    sizes_table(&mut out, app, plain);
    paste_table(&mut out, app, plain);
    out
}

/// One measure of a navigation, when it was taken.
type NavField = fn(&Navigation) -> Option<f64>;

fn navigation_table(out: &mut String, app: &PageRun, plain: &PageRun) {
    let first = |run: &PageRun| med(run.navigations.iter().map(|n| n.first_line));
    let _ = writeln!(
        out,
        "### Navigation -> first line painted, cold cache (median of {})\n",
        app.navigations.len()
    );
    let _ = writeln!(
        out,
        "| | app | plain | app/plain |\n| --- | ---: | ---: | ---: |"
    );
    let _ = writeln!(
        out,
        "| first line painted, ms | {} | {} | {} |",
        ms(first(app)),
        ms(first(plain)),
        ratio(first(app), first(plain))
    );
    let rows: [(&str, NavField); 6] = [
        ("DOMContentLoaded, ms", |n| n.dom_content_loaded),
        ("wasm downloaded, ms", |n| n.wasm_loaded),
        ("app started (wasm instantiated, main ran), ms", |n| {
            n.app_started
        }),
        ("WebSocket open (`connect` sent), ms", |n| n.ws_first_send),
        ("greeting received, ms", |n| n.greeting_rx),
        ("wasm bytes on the wire", |n| n.wasm_transfer),
    ];
    for (name, field) in rows {
        let a = med(app.navigations.iter().filter_map(field));
        let p = med(plain.navigations.iter().filter_map(field));
        let _ = writeln!(out, "| {name} | {} | {} | |", ms(a), ms(p));
    }
    let long = |run: &PageRun| -> Vec<f64> {
        run.navigations
            .iter()
            .flat_map(|n| n.long_tasks.iter().map(|t| t.1))
            .collect()
    };
    let _ = writeln!(
        out,
        "| long tasks, all loads (n / max / sum ms) | {} | {} | |\n",
        long_summary(&long(app)),
        long_summary(&long(plain))
    );
}

/// The last cold load of the app, step by step: where the time to the first line goes.
fn timeline(out: &mut String, app: &PageRun) {
    let Some(last) = app.navigations.last() else {
        return;
    };
    let _ = writeln!(
        out,
        "The app's last cold load, in order (ms from navigation):\n"
    );
    for (what, at) in &last.timeline {
        let _ = writeln!(out, "- {at:.1}: {what}");
    }
    out.push('\n');
}

fn sizes_table(out: &mut String, app: &PageRun, plain: &PageRun) {
    let _ = writeln!(out, "### Enter -> reply painted, by transcript length\n");
    let _ = writeln!(
        out,
        "| lines | app, ms (median) | plain, ms | app/plain | sent / received, ms app | sent / received, ms plain | DOM nodes app / plain | nodes per line app / plain | JS heap MB app / plain | wasm MB | long tasks app, typing (n / max / sum ms) | growing | plain, typing |"
    );
    let _ = writeln!(
        out,
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |"
    );
    for (a, p) in app.sizes.iter().zip(&plain.sizes) {
        let enter_a = med(a.enter.iter().copied());
        let enter_p = med(p.enter.iter().copied());
        let per_line = |s: &AtSize| s.nodes as f64 / s.lines.max(1) as f64;
        let _ = writeln!(
            out,
            "| {} ({}; {} shown) | {} | {} | {} | {} / {} | {} / {} | {} / {} | {:.1} / {:.1} | {} / {} | {} | {} | {} | {} |",
            a.target,
            a.lines,
            a.shown,
            ms(enter_a),
            ms(enter_p),
            ratio(enter_a, enter_p),
            ms(med(a.enter_tx.iter().copied())),
            ms(med(a.enter_rx.iter().copied())),
            ms(med(p.enter_tx.iter().copied())),
            ms(med(p.enter_rx.iter().copied())),
            a.nodes,
            p.nodes,
            per_line(a),
            per_line(p),
            mb(a.heap),
            mb(p.heap),
            mb(a.wasm),
            long_summary(&a.long_typing),
            long_summary(&a.long_growing),
            long_summary(&p.long_typing),
        );
    }
    out.push('\n');
    own_work_table(out, app, plain);
}

/// What the page itself does for one reply, at each length: the reply received -> painted
/// (wall clock: from the message's arrival, before the page's handler ran), and the main thread's time in tasks, script, layout and style from Enter
/// to the paint (CPU time: it does not grow while the thread waits for a core).
fn own_work_table(out: &mut String, app: &PageRun, plain: &PageRun) {
    let _ = writeln!(
        out,
        "### The page's own work per reply (median of the rounds)\n\n\
         | lines | received -> painted, app / plain ms | main thread Enter -> painted, app: task / script / layout / style ms | plain: task / script / layout / style ms |\n\
         | ---: | ---: | ---: | ---: |"
    );
    let work = |s: &AtSize| {
        let field = |f: fn(&crate::cdp::MainThread) -> f64| ms(med(s.work.iter().map(f)));
        format!(
            "{} / {} / {} / {}",
            field(|w| w.task),
            field(|w| w.script),
            field(|w| w.layout),
            field(|w| w.style)
        )
    };
    for (a, p) in app.sizes.iter().zip(&plain.sizes) {
        let _ = writeln!(
            out,
            "| {} | {} / {} | {} | {} |",
            a.target,
            ms(med(a.rx_paint.iter().copied())),
            ms(med(p.rx_paint.iter().copied())),
            work(a),
            work(p),
        );
    }
    if !plain.socket.is_empty() {
        let mut sorted = plain.socket.clone();
        sorted.sort_by(f64::total_cmp);
        let _ = writeln!(
            out,
            "\nThe plain page's WebSocket round trip for a `NOOP` sent from a script (no keyboard, no page code), ms: median {} (min {}, max {}).",
            ms(med(plain.socket.iter().copied())),
            ms(sorted.first().copied()),
            ms(sorted.last().copied()),
        );
    }
    out.push('\n');
}

fn paste_table(out: &mut String, app: &PageRun, plain: &PageRun) {
    let Some(a) = &app.paste else {
        return;
    };
    // `--only app`: the plain page's column stays empty.
    let none = Paste::default();
    let p = plain.paste.as_ref().unwrap_or(&none);
    let _ = writeln!(out, "### Pasting a {}-line body\n", a.body_lines);
    let _ = writeln!(
        out,
        "| | app | plain | app/plain |\n| --- | ---: | ---: | ---: |"
    );
    let times = |paste: &Paste| match paste.pasted {
        Some(Pasted::Done(to_dot, to_250)) => [Some(to_dot), Some(to_250), Some(to_dot + to_250)],
        _ => [None; 3],
    };
    let (ta, tp) = (times(a), times(p));
    let names = [
        "paste -> final `.` sent, ms",
        "final `.` sent -> 250 painted, ms",
        "paste -> 250 painted, ms",
    ];
    for (i, name) in names.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} |",
            ms(ta[i]),
            ms(tp[i]),
            ratio(ta[i], tp[i])
        );
    }
    let unfinished = |paste: &Paste| match paste.pasted {
        Some(Pasted::Unfinished(sent)) => format!("**no**: {sent} lines sent in {PASTE:?}"),
        _ => "yes".to_owned(),
    };
    let _ = writeln!(
        out,
        "| accepted in time | {} | {} | |",
        unfinished(a),
        unfinished(p)
    );
    let _ = writeln!(
        out,
        "| lines in the session / shown | {} / {} | {} / {} | |",
        a.lines, a.shown, p.lines, p.shown
    );
    let _ = writeln!(
        out,
        "| long tasks (n / max / sum ms) | {} | {} | |",
        long_summary(&a.long_tasks),
        long_summary(&p.long_tasks)
    );
    let work = |paste: &Paste| {
        paste.work.map_or_else(
            || "-".to_owned(),
            |w| {
                format!(
                    "{:.0} / {:.0} / {:.0} / {:.0}",
                    w.task, w.script, w.layout, w.style
                )
            },
        )
    };
    let _ = writeln!(
        out,
        "| main thread, paste -> 250 painted: task / script / layout / style ms | {} | {} | |\n",
        work(a),
        work(p)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_need_both_sides_and_a_divisor() {
        assert_eq!(ratio(Some(44.0), Some(2.0)), "22.0x");
        assert_eq!(ratio(Some(1.0), Some(0.0)), "-");
        assert_eq!(ratio(None, Some(2.0)), "-");
        assert_eq!(ratio(Some(f64::NAN), Some(2.0)), "-");
    }

    #[test]
    fn long_tasks_are_counted_with_their_longest_and_total() {
        assert_eq!(long_summary(&[]), "0 / 0 / 0");
        assert_eq!(long_summary(&[60.0, 136.4, 51.0]), "3 / 136 / 247");
    }

    #[test]
    fn medians_of_nothing_are_missing() {
        assert_eq!(med([]), None);
        assert_eq!(med([3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(ms(med([])), "-");
    }
}
