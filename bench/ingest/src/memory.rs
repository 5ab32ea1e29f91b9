//! The memory check: many small messages into one sandbox, its resident memory read
//! before, between steps and after, beside the mailbox's caps and what the mailbox says it
//! holds (`GET /api/messages`).

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail, ensure};
use protocol::records::Shape as _;
use protocol::records::mailbox::MessageList;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::load::{self, Load};
use crate::servers::{Programs, Server};
use bench_common::{Memory, Proc};

/// One sandbox configuration to fill.
#[derive(Debug, Clone)]
pub(crate) struct Fill {
    /// The sandbox's `--sandbox-max-messages` and `--sandbox-max-bytes`.
    pub(crate) max_messages: usize,
    pub(crate) max_bytes: usize,
    pub(crate) messages: usize,
    /// Memory is read after every this many messages.
    pub(crate) step: usize,
    pub(crate) connections: usize,
    /// Messages per session (0: one session per connection for the whole step).
    pub(crate) per_session: usize,
    pub(crate) size: usize,
    pub(crate) server_cpu: usize,
    pub(crate) log_dir: PathBuf,
}

/// What the mailbox API says it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Held {
    count: u64,
    bytes: u64,
}

/// Fills one sandbox and returns a Markdown report.
pub(crate) async fn run(programs: &Programs, fill: &Fill) -> anyhow::Result<String> {
    let caps = vec![
        "--sandbox-max-messages".to_owned(),
        fill.max_messages.to_string(),
        "--sandbox-max-bytes".to_owned(),
        fill.max_bytes.to_string(),
    ];
    let started = programs.launch(Server::Sandbox, &caps, &fill.log_dir)?;
    let http = started.http.context("the sandbox has an API port")?;
    let mut proc = Proc::start(
        "sandbox-memory",
        fill.server_cpu,
        &started.launch,
        &fill.log_dir,
    )
    .await?;
    // Let the runtime settle (worker threads, first allocations) before the baseline.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = proc.memory()?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "`--sandbox-max-messages {}`, `--sandbox-max-bytes {}` ({:.1} MiB); {} messages of {} bytes \
         over {} connections, {}.\n",
        fill.max_messages,
        fill.max_bytes,
        fill.max_bytes as f64 / 1_048_576.0,
        fill.messages,
        fill.size,
        fill.connections,
        match fill.per_session {
            0 => "one session each per step".to_owned(),
            1 => "a new session for every message".to_owned(),
            n => format!("{n} messages per session"),
        },
    );
    out.push_str(
        "| messages sent | VmRSS (MiB) | VmHWM (MiB) | mailbox: messages | mailbox: MiB \
         | rate (msg/s) | server CPU per message (µs) | errors |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let held = api_messages(http).await?;
    row(&mut out, 0, before, held, None);
    let mut sent = 0;
    let mut errors = 0;
    let mut middle = None;
    let mut last = before;
    while sent < fill.messages {
        let step = fill.step.min(fill.messages - sent);
        let load = Load {
            connections: fill.connections,
            messages: step,
            per_session: fill.per_session,
            size: fill.size,
            time_limit: Duration::from_secs(120),
            max_failures: 100,
        };
        let cpu_before = proc.cpu_time()?;
        let outcome = load::run(started.launch.addr, &load).await;
        let cpu = cpu_before.until(proc.cpu_time()?);
        eprintln!("  {}", outcome.summary());
        ensure!(
            proc.running(),
            "the sandbox exited; see its log in {}",
            fill.log_dir.display()
        );
        sent += step;
        errors += outcome.errors();
        last = proc.memory()?;
        let held = api_messages(http).await?;
        let step_stats = Step {
            rate: outcome.rate(),
            cpu_us: cpu.run_ns as f64 / 1000.0 / outcome.accepted.max(1) as f64,
            errors: outcome.errors(),
        };
        row(&mut out, sent, last, held, Some(step_stats));
        if middle.is_none() && sent * 2 >= fill.messages {
            middle = Some((sent, last));
        }
    }
    let held = api_messages(http).await?;
    proc.stop().await?;
    let mib = |kib: u64| kib as f64 / 1024.0;
    let _ = writeln!(
        out,
        "\nGrowth of VmRSS: {:.1} MiB over the whole run",
        mib(last.rss_kib.saturating_sub(before.rss_kib))
    );
    if let Some((at, mid)) = middle {
        let _ = writeln!(
            out,
            "({:+.1} MiB from {at} to {sent} messages); peak VmHWM {:.1} MiB. The mailbox holds {} \
             messages, {:.1} MiB by its own count (cap {:.1} MiB); errors: {errors}.",
            mib(last.rss_kib) - mib(mid.rss_kib),
            mib(last.hwm_kib),
            held.count,
            held.bytes as f64 / 1_048_576.0,
            fill.max_bytes as f64 / 1_048_576.0,
        );
    }
    Ok(out)
}

/// What one step of messages gave.
#[derive(Debug, Clone, Copy)]
struct Step {
    rate: f64,
    cpu_us: f64,
    errors: usize,
}

fn row(out: &mut String, sent: usize, memory: Memory, held: Held, step: Option<Step>) {
    let mib = |kib: u64| kib as f64 / 1024.0;
    let step = step.map_or("— | — | —".to_owned(), |s| {
        format!("{:.0} | {:.0} | {}", s.rate, s.cpu_us, s.errors)
    });
    let _ = writeln!(
        out,
        "| {sent} | {:.1} | {:.1} | {} | {:.2} | {step} |",
        mib(memory.rss_kib),
        mib(memory.hwm_kib),
        held.count,
        held.bytes as f64 / 1_048_576.0,
    );
}

/// `GET /api/messages` on the bridge: how many messages and bytes the mailbox holds.
async fn api_messages(http: SocketAddr) -> anyhow::Result<Held> {
    let body = http_get(http, "/api/messages").await?;
    parse_held(&body)
}

fn parse_held(body: &str) -> anyhow::Result<Held> {
    let list = MessageList::decode(body)
        .map_err(|err| anyhow::anyhow!("/api/messages: {err}: {body:.200}"))?;
    Ok(Held {
        count: list.count,
        bytes: list.bytes,
    })
}

/// A plain HTTP/1.1 GET on loopback; the body of a `200` with a `Content-Length`.
async fn http_get(addr: SocketAddr, path: &str) -> anyhow::Result<String> {
    let mut stream = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(addr))
        .await
        .context("connecting to the bridge timed out")??;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut response))
        .await
        .context("reading the bridge's answer timed out")??;
    let text = String::from_utf8(response).context("the answer is not UTF-8")?;
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        bail!("no end of headers in {text:.200}");
    };
    ensure!(head.starts_with("HTTP/1.1 200"), "GET {path}: {head}");
    ensure!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "GET {path}: a chunked answer, which this client does not read"
    );
    Ok(body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_mailbox_count() {
        let body =
            r#"{"count":500,"messages":[],"bytes":612000,"max_messages":500,"max_bytes":67108864}"#;
        assert_eq!(
            parse_held(body).expect("valid"),
            Held {
                count: 500,
                bytes: 612_000
            }
        );
        assert!(parse_held(r#"{"count":1}"#).is_err(), "no bytes");
        assert!(parse_held("<html>").is_err());
    }
}
