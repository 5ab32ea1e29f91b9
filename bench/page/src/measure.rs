//! The measurements, driven through WebDriver and read from the probe (`probe.js`): every
//! time is taken inside the page with `performance.now()`, so WebDriver's own latency is
//! not in them. Each wait is bounded.

use std::time::Duration;

use anyhow::{Context, bail, ensure};
use e2e::browser::poll_until;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde::Deserialize;
use serde_json::json;

use crate::cdp::{self, MainThread};

/// How long one reply may take to be shown (the app before #17 needs seconds at 5,000 lines).
const REPLY: Duration = Duration::from_secs(60);

/// How long a pasted message may take to be sent and accepted (more than this before #17:
/// the benchmark then reports how many lines went out).
pub(crate) const PASTE: Duration = Duration::from_secs(300);

/// How long a page may take from navigation to its first line.
const LOAD: Duration = Duration::from_secs(30);

/// Long tasks reported after the work that caused them: the observer is called later.
const SETTLE: Duration = Duration::from_millis(300);

/// One navigation, cold: milliseconds from its start.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Navigation {
    /// The greeting painted.
    pub(crate) first_line: f64,
    /// The greeting received on the WebSocket.
    pub(crate) greeting_rx: Option<f64>,
    /// The first message sent on the WebSocket (`connect`, right after it opened).
    pub(crate) ws_first_send: Option<f64>,
    /// Trunk's start-up script finished (wasm instantiated, the app's `main` ran).
    pub(crate) app_started: Option<f64>,
    /// `DOMContentLoaded` ended.
    pub(crate) dom_content_loaded: Option<f64>,
    /// The last byte of the wasm module arrived.
    pub(crate) wasm_loaded: Option<f64>,
    /// Bytes of the wasm module on the wire (`transferSize`).
    pub(crate) wasm_transfer: Option<f64>,
    /// Long tasks during the load: start and duration.
    pub(crate) long_tasks: Vec<(f64, f64)>,
    /// What happened, in order: requests, resources loaded, marks, long tasks, the probe's
    /// moments; each with its time.
    pub(crate) timeline: Vec<(String, f64)>,
}

/// The page at one transcript length.
#[derive(Debug, Clone, Default)]
pub(crate) struct AtSize {
    /// The size asked for.
    pub(crate) target: usize,
    /// Lines in the session (sent and received) when the measurements started.
    pub(crate) lines: usize,
    /// `.line` elements in `#transcript`.
    pub(crate) shown: usize,
    /// Elements in the document.
    pub(crate) nodes: usize,
    /// `performance.memory.usedJSHeapSize` after a garbage collection, bytes.
    pub(crate) heap: Option<f64>,
    /// The wasm memory, bytes.
    pub(crate) wasm: Option<f64>,
    /// Enter -> reply painted, ms, one per round.
    pub(crate) enter: Vec<f64>,
    /// Enter -> the command handed to the WebSocket, ms, one per round.
    pub(crate) enter_tx: Vec<f64>,
    /// Enter -> reply received on the WebSocket, ms, one per round.
    pub(crate) enter_rx: Vec<f64>,
    /// Reply received -> painted, ms, one per round: the page's own work once the reply
    /// is there (its message handler, render, style, layout and paint).
    pub(crate) rx_paint: Vec<f64>,
    /// The main thread's work from just before Enter to just after the reply was seen
    /// painted, one per round (the benchmark's own polling included: a few tenths of a ms).
    pub(crate) work: Vec<MainThread>,
    /// Long task durations while the session grew to this size.
    pub(crate) long_growing: Vec<f64>,
    /// Long task durations during the Enter rounds.
    pub(crate) long_typing: Vec<f64>,
}

/// A message body pasted at once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Paste {
    /// Lines of body pasted.
    pub(crate) body_lines: usize,
    /// The times, or how far it got.
    pub(crate) pasted: Option<Pasted>,
    /// Lines in the session at the end (sent and received).
    pub(crate) lines: usize,
    /// `.line` elements in `#transcript` at the end.
    pub(crate) shown: usize,
    /// Long task durations from the paste to the 250.
    pub(crate) long_tasks: Vec<f64>,
    /// The main thread's work from the paste to the 250 painted (the benchmark's polling,
    /// every 100 ms, included).
    pub(crate) work: Option<MainThread>,
}

/// Navigates to `url` `rounds` times with an empty cache, each time until the first line
/// is painted.
///
/// # Errors
///
/// When a page does not show its first line within 30 s.
pub(crate) async fn navigations(
    client: &Client,
    url: &str,
    rounds: usize,
) -> anyhow::Result<Vec<Navigation>> {
    let mut all = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        client.goto("about:blank").await?;
        cdp::clear_cache(client).await?;
        client
            .goto(url)
            .await
            .with_context(|| format!("opening {url}"))?;
        poll_until("the first line painted", LOAD, || async {
            let painted = client
                .execute(
                    "return window.__bench && window.__bench.firstLine !== null;",
                    vec![],
                )
                .await?;
            Ok((painted == json!(true)).then_some(()))
        })
        .await?;
        tokio::time::sleep(SETTLE).await;
        let value = client
            .execute(
                "const b = window.__bench;
                 const nav = performance.getEntriesByType('navigation')[0];
                 const wasm = performance.getEntriesByType('resource').find(r => r.name.endsWith('.wasm'));
                 return { firstLine: b.firstLine, greetingRx: b.greetingRx, wsFirstSend: b.wsFirstSend,
                          appStarted: b.appStarted,
                          domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
                          wasmLoaded: wasm ? wasm.responseEnd : null,
                          wasmTransfer: wasm ? wasm.transferSize : null,
                          timeline: [
                            ...performance.getEntriesByType('resource').flatMap(r => [
                              ['request ' + r.name.replace(location.origin, ''), r.startTime],
                              ['loaded ' + r.name.replace(location.origin, '') + ' (' + r.transferSize + ' B)', r.responseEnd]]),
                            ...performance.getEntriesByType('mark').map(m => ['mark ' + m.name, m.startTime]),
                            ...b.longTasks.map(t => ['long task of ' + t[1].toFixed(0) + ' ms', t[0]]),
                            ['DOMContentLoaded', nav ? nav.domContentLoadedEventEnd : 0],
                            ['TrunkApplicationStarted', b.appStarted], ['WebSocket: connect sent', b.wsFirstSend],
                            ['greeting received', b.greetingRx], ['greeting painted', b.firstLine],
                          ].filter(e => e[1] !== null).sort((x, y) => x[1] - y[1]),
                          longTasks: b.takeLongTasks() };",
                vec![],
            )
            .await?;
        all.push(serde_json::from_value(value).context("reading a navigation")?);
    }
    Ok(all)
}

/// Opens `url` (cache as it is) and waits for the greeting and the probe.
///
/// # Errors
///
/// When no line comes within 30 s.
pub(crate) async fn open(client: &Client, url: &str) -> anyhow::Result<()> {
    client.goto("about:blank").await?;
    cdp::enable_metrics(client).await?;
    client
        .goto(url)
        .await
        .with_context(|| format!("opening {url}"))?;
    poll_until("the greeting", LOAD, || async {
        let value = client
            .execute(
                "return window.__bench ? window.__bench.replies : 0;",
                vec![],
            )
            .await?;
        Ok((value.as_u64() >= Some(1)).then_some(()))
    })
    .await
}

/// One Enter -> reply round.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Round {
    /// Enter -> reply painted, ms.
    pub(crate) paint: f64,
    /// Enter -> the command handed to the WebSocket, ms.
    pub(crate) tx: Option<f64>,
    /// Enter -> reply received on the WebSocket, ms.
    pub(crate) rx: Option<f64>,
    /// The main thread's work from before Enter to after the paint was seen.
    pub(crate) work: MainThread,
}

/// Types `command` and Enter; waits for the reply painted.
///
/// # Errors
///
/// When the command line is missing or no reply is painted within 120 s.
pub(crate) async fn command(client: &Client, command: &str) -> anyhow::Result<Round> {
    let input = client.find(Locator::Css("#command")).await?;
    input.send_keys(command).await?;
    client
        .execute(
            "window.__bench.enterAt = null; window.__bench.enterPaint = null;",
            vec![],
        )
        .await?;
    let before = cdp::main_thread(client).await?;
    input.send_keys(&char::from(Key::Enter).to_string()).await?;
    let what = format!("the reply to {command:?} painted");
    let waited = poll_until(&what, REPLY, || async {
        let value = client
            .execute(
                "const b = window.__bench;
                 return b.enterAt !== null && b.enterPaint !== null ? [b.enterAt, b.enterTx, b.enterRx, b.enterPaint] : null;",
                vec![],
            )
            .await?;
        Ok(serde_json::from_value(value)?)
    })
    .await;
    let work = cdp::main_thread(client).await? - before;
    let (at, tx, rx, paint): (f64, Option<f64>, Option<f64>, f64) =
        with_state(client, waited).await?;
    Ok(Round {
        paint: paint - at,
        tx: tx.map(|tx| tx - at),
        rx: rx.map(|rx| rx - at),
        work,
    })
}

/// The WebSocket's own round trip, without the keyboard or the page's code: the probe
/// sends a `NOOP` on the page's socket and times its reply, `rounds` times (ms each).
/// Only for the plain page: the app would see a reply to a line it never sent.
///
/// # Errors
///
/// When the page has no socket yet or a reply does not come within 5 s.
pub(crate) async fn socket_round_trips(client: &Client, rounds: usize) -> anyhow::Result<Vec<f64>> {
    let mut all = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let value = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const ws = window.__bench.socket;
                 if (!ws) return done(null);
                 const timer = setTimeout(() => done(null), 5000);
                 let sent = 0;
                 ws.addEventListener('message', function on() {
                     ws.removeEventListener('message', on);
                     clearTimeout(timer);
                     done(performance.now() - sent);
                 });
                 sent = performance.now();
                 ws.send(JSON.stringify({ type: 'line', text: 'NOOP' }));",
                vec![],
            )
            .await?;
        all.push(
            value
                .as_f64()
                .context("no reply on the page's socket within 5 s")?,
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(all)
}

/// How a pasted message went.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pasted {
    /// Paste -> the final `.` sent, and the `.` sent -> its 250 painted, ms.
    Done(f64, f64),
    /// The 250 was not painted within [`PASTE`]; this many lines had been sent.
    Unfinished(usize),
}

/// Pastes `text` into the command line as Ctrl+V would, and waits until the final `.` it
/// ends with was sent and the 250 painted, for at most [`PASTE`].
///
/// # Errors
///
/// When the browser does not answer.
pub(crate) async fn paste_message(client: &Client, text: &str) -> anyhow::Result<Pasted> {
    client
        .execute(
            "const b = window.__bench;
             b.resetDot();
             const data = new DataTransfer();
             data.setData('text/plain', arguments[0]);
             b.pasteAt = performance.now();
             document.getElementById('command').dispatchEvent(
                 new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));",
            vec![json!(text)],
        )
        .await
        .context("pasting")?;
    let deadline = std::time::Instant::now() + PASTE;
    loop {
        let value = client
            .execute(
                "const b = window.__bench;
                 return [b.pasteAt, b.dotSentAt, b.dotPaint, b.tx];",
                vec![],
            )
            .await?;
        let (paste, dot, paint, sent): (f64, Option<f64>, Option<f64>, usize) =
            serde_json::from_value(value).context("reading the paste's times")?;
        if let (Some(dot), Some(paint)) = (dot, paint) {
            return Ok(Pasted::Done(dot - paste, paint - dot));
        }
        if std::time::Instant::now() >= deadline {
            return Ok(Pasted::Unfinished(sent));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `result`, or its error with what the probe saw, to tell which step did not happen.
async fn with_state<T>(client: &Client, result: anyhow::Result<T>) -> anyhow::Result<T> {
    match result {
        Ok(value) => Ok(value),
        Err(err) => {
            let state = client
                .execute(
                    "const b = window.__bench || {};
                     return JSON.stringify(Object.fromEntries(Object.entries(b).filter(
                         ([k, v]) => typeof v !== 'function' && k !== 'longTasks' && k !== 'memory')));",
                    vec![],
                )
                .await
                .map_or_else(|e| format!("(unreadable: {e})"), |v| v.to_string());
            Err(err.context(format!("the probe: {state}")))
        }
    }
}

/// What the probe's `snapshot` reads.
#[derive(Debug, Deserialize)]
pub(crate) struct Snapshot {
    /// Elements in the document.
    pub(crate) nodes: usize,
    /// `.line` elements in `#transcript`.
    pub(crate) shown: usize,
    /// Lines sent and received.
    pub(crate) lines: usize,
    /// JS heap used, bytes.
    pub(crate) heap: Option<f64>,
    /// wasm memory, bytes.
    pub(crate) wasm: Option<f64>,
}

/// Counts, heap and wasm memory now (after a garbage collection).
///
/// # Errors
///
/// When the probe is missing.
pub(crate) async fn snapshot(client: &Client) -> anyhow::Result<Snapshot> {
    let value = client
        .execute("return window.__bench.snapshot();", vec![])
        .await?;
    serde_json::from_value(value).context("reading the snapshot")
}

/// The durations of the long tasks since the last call, after letting the observer report.
///
/// # Errors
///
/// When the probe is missing.
pub(crate) async fn long_tasks(client: &Client) -> anyhow::Result<Vec<f64>> {
    tokio::time::sleep(SETTLE).await;
    let value = client
        .execute(
            "return window.__bench.takeLongTasks().map(t => t[1]);",
            vec![],
        )
        .await?;
    serde_json::from_value(value).context("reading the long tasks")
}

/// Types the commands that open a message, each after the reply to the one before.
///
/// # Errors
///
/// As [`command`].
pub(crate) async fn open_message(client: &Client) -> anyhow::Result<()> {
    for line in [
        "MAIL FROM:<bench@example.org>",
        "RCPT TO:<page@example.org>",
        "DATA",
    ] {
        command(client, line).await?;
    }
    Ok(())
}

/// A message of `lines` body lines after its header fields, with its final `.`.
pub(crate) fn message(lines: usize) -> String {
    let mut text =
        String::from("Subject: page benchmark\nFrom: bench@example.org\nTo: page@example.org\n\n");
    for n in 1..=lines {
        text.push_str(&format!(
            "Line {n:05} of the benchmark's message, about as long as a line of prose.\n"
        ));
    }
    text.push_str(".\n");
    text
}

/// Lines a message of `body` lines adds to the session: MAIL, RCPT, DATA and their
/// replies, four header lines, the body, the dot and its reply.
pub(crate) const fn message_cost(body: usize) -> usize {
    6 + 4 + body + 2
}

/// Grows the session on the open page to each size and measures there.
///
/// # Errors
///
/// When a step fails or a size cannot be reached.
pub(crate) async fn sizes(
    client: &Client,
    sizes: &[usize],
    rounds: usize,
) -> anyhow::Result<Vec<AtSize>> {
    command(client, "EHLO bench.example").await?;
    let mut all = Vec::with_capacity(sizes.len());
    for &target in sizes {
        let mut lines = snapshot(client).await?.lines;
        // A message when that gets closer, then NOOPs (two lines each); bounded by the size.
        if target > lines + message_cost(1) {
            open_message(client).await?;
            let body = target - lines - message_cost(0);
            if let Pasted::Unfinished(sent) = paste_message(client, &message(body)).await? {
                eprintln!(
                    "page-bench: growing to {target} lines: the message was not accepted \
                     within {PASTE:?} ({sent} lines sent); the larger sizes are left out"
                );
                break;
            }
            lines = snapshot(client).await?.lines;
        }
        for _ in 0..target {
            if lines + 2 > target {
                break;
            }
            command(client, "NOOP").await?;
            lines += 2;
        }
        let long_growing = long_tasks(client).await?;
        let before = snapshot(client).await?;
        ensure!(
            before.lines + 20 >= target,
            "the session reached {} lines, not {target}",
            before.lines
        );
        let mut at = AtSize {
            target,
            lines: before.lines,
            shown: before.shown,
            nodes: before.nodes,
            heap: before.heap,
            wasm: before.wasm,
            long_growing,
            ..AtSize::default()
        };
        for _ in 0..rounds {
            let round = command(client, "NOOP").await?;
            at.enter.push(round.paint);
            at.enter_tx.extend(round.tx);
            at.enter_rx.extend(round.rx);
            at.rx_paint.extend(round.rx.map(|rx| round.paint - rx));
            at.work.push(round.work);
        }
        at.long_typing = long_tasks(client).await?;
        all.push(at);
    }
    Ok(all)
}

/// Opens a message on the open page and pastes a body of `lines` lines.
///
/// # Errors
///
/// As [`paste_message`].
pub(crate) async fn paste(client: &Client, lines: usize) -> anyhow::Result<Paste> {
    command(client, "EHLO bench.example").await?;
    open_message(client).await?;
    let _ = long_tasks(client).await?;
    let before = cdp::main_thread(client).await?;
    let pasted = paste_message(client, &message(lines)).await?;
    let work = cdp::main_thread(client).await? - before;
    let long_tasks = long_tasks(client).await?;
    let end = snapshot(client).await?;
    if matches!(pasted, Pasted::Done(..)) && end.lines < lines {
        bail!(
            "only {} lines in the session after pasting {lines}",
            end.lines
        );
    }
    Ok(Paste {
        body_lines: lines,
        pasted: Some(pasted),
        lines: end.lines,
        shown: end.shown,
        long_tasks,
        work: Some(work),
    })
}
