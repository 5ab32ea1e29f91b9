//! `ingest-bench`: how fast the sandbox takes mail, beside Postfix's smtp-sink, aiosmtpd
//! and MailDev, from the same careful client; and whether its memory stays within its caps.
//!
//! Run it with `bench/ingest/run.sh`, which installs the other servers, builds everything
//! in release and pins the servers and this client to different CPUs; see
//! `bench/README.md`, section "sandbox ingestion".
//!
//! # Layout
//!
//! - `smtp.rs`: one client session without pipelining; every reply checked.
//! - `message.rs`: the messages sent (1 KB, 100 KB, ...), built once per size.
//! - `load.rs`: N connections at once, M messages per session, latencies and failures.
//! - `servers.rs`: the four servers and their command lines.
//! - `bench-common` (the crate): starting them pinned to a CPU, reading their memory and
//!   CPU time, medians.
//! - `bench.rs`: the comparison in rounds; `report.rs`: medians and the Markdown tables.
//! - `memory.rs`: 100,000 messages into one sandbox, its memory beside its caps.

mod bench;
mod load;
mod memory;
mod message;
mod report;
mod servers;
mod smtp;

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

use bench::{Phase, Plan};
use load::Load;
use servers::{Programs, Server};

#[derive(Debug, Parser)]
#[command(name = "ingest-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Send mail to one server that is already running and print what came of it.
    Send(SendArgs),
    /// Start each server in turn and compare them (the benchmark).
    Run(RunArgs),
    /// Fill one sandbox with many small messages and watch its memory.
    Memory(MemoryArgs),
}

#[derive(Debug, Args)]
struct SendArgs {
    /// The server's SMTP address (loopback only).
    #[arg(long, value_parser = loopback)]
    to: SocketAddr,
    #[command(flatten)]
    load: LoadArgs,
    /// Messages in all.
    #[arg(long, default_value_t = 10_000)]
    messages: usize,
    /// Messages per session before QUIT (1: a new connection for every message; 0: one
    /// session per connection for the whole run).
    #[arg(long, default_value_t = 0)]
    per_session: usize,
    /// Message size: bytes, or with K or M (1K = 1024).
    #[arg(long, default_value = "1K", value_parser = parse_size)]
    size: usize,
    /// No message starts after this many seconds.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
}

#[derive(Debug, Args)]
struct LoadArgs {
    /// Connections open at once (the sandbox serves 64 at most).
    #[arg(long, default_value_t = 8, value_parser = connections)]
    connections: usize,
}

#[derive(Debug, Args)]
struct ProgramArgs {
    /// `smtp-playground` (release build).
    #[arg(long)]
    bridge: Option<PathBuf>,
    /// Postfix's `smtp-sink`.
    #[arg(long)]
    smtp_sink: Option<PathBuf>,
    /// A Python with aiosmtpd installed.
    #[arg(long)]
    python: Option<PathBuf>,
    /// The folder holding `ingest_keep.py`, the aiosmtpd handler.
    #[arg(long)]
    handler_dir: Option<PathBuf>,
    /// MailDev's `maildev` command.
    #[arg(long)]
    maildev: Option<PathBuf>,
    /// One more argument for `smtp-playground serve`; repeatable, e.g.
    /// `--bridge-arg=--sandbox-max-messages --bridge-arg=1000`.
    #[arg(long, allow_hyphen_values = true, value_name = "ARG")]
    bridge_arg: Vec<String>,
    /// CPU the servers run on (pin this client to another).
    #[arg(long, default_value_t = 0)]
    server_cpu: usize,
    /// Where the servers' logs (and MailDev's mail) go.
    #[arg(long, default_value = "target/ingest-bench")]
    log_dir: PathBuf,
    /// Also write the Markdown report here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// A line to put above the report (machine, versions, command); repeatable.
    #[arg(long)]
    note: Vec<String>,
}

impl ProgramArgs {
    fn programs(&self) -> Programs {
        Programs {
            bridge: self.bridge.clone(),
            smtp_sink: self.smtp_sink.clone(),
            python: self.python.clone(),
            handler_dir: self.handler_dir.clone(),
            maildev: self.maildev.clone(),
            bridge_args: self.bridge_arg.clone(),
        }
    }

    /// Prints the report and writes it to `--out`, the notes above it.
    fn publish(&self, body: &str) -> anyhow::Result<()> {
        let mut text = String::new();
        for note in &self.note {
            let _ = writeln!(text, "{note}  ");
        }
        if !self.note.is_empty() {
            text.push('\n');
        }
        text.push_str(body);
        println!("{text}");
        if let Some(out) = &self.out {
            std::fs::write(out, &text).with_context(|| format!("writing {}", out.display()))?;
            eprintln!("written to {}", out.display());
        }
        Ok(())
    }
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    programs: ProgramArgs,
    #[command(flatten)]
    load: LoadArgs,
    /// The servers to compare, in this order in the first round.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "sandbox,smtp-sink,aiosmtpd,maildev"
    )]
    servers: Vec<Server>,
    /// Rounds; each starts every server afresh, in rotating order.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// No message of a phase starts after this many seconds.
    #[arg(long, default_value_t = 6)]
    seconds: u64,
    /// Messages of 1 KB over long sessions, per phase.
    #[arg(long, default_value_t = 20_000)]
    messages_1k: usize,
    /// Messages of 100 KB over long sessions, per phase.
    #[arg(long, default_value_t = 3_000)]
    messages_100k: usize,
    /// Messages of 1 KB, one per session, per phase (0 skips the phase).
    #[arg(long, default_value_t = 5_000)]
    messages_one_per_session: usize,
}

#[derive(Debug, Args)]
struct MemoryArgs {
    #[command(flatten)]
    programs: ProgramArgs,
    #[command(flatten)]
    load: LoadArgs,
    /// The mailbox caps to try, each `MESSAGES/BYTES` (BYTES may end in K or M).
    #[arg(long, value_delimiter = ',', default_value = "500/64M,100000/16M", value_parser = parse_caps)]
    caps: Vec<(usize, usize)>,
    /// Messages sent into each.
    #[arg(long, default_value_t = 100_000)]
    messages: usize,
    /// Memory is read after every this many messages.
    #[arg(long, default_value_t = 10_000)]
    step: usize,
    /// Messages per session before QUIT (1: a new connection for every message, which
    /// fills a session recorder; 0: one session per connection and step).
    #[arg(long, default_value_t = 0)]
    per_session: usize,
    #[arg(long, default_value = "1K", value_parser = parse_size)]
    size: usize,
}

/// `1024`, `1K`, `100K`, `16M` (powers of 1024).
fn parse_size(text: &str) -> Result<usize, String> {
    let upper = text.trim().to_ascii_uppercase();
    let upper = upper.trim_end_matches("IB").trim_end_matches('B');
    let (digits, unit) = match upper.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => upper.split_at(at),
        None => (upper, ""),
    };
    let factor = match unit {
        "" => 1,
        "K" => 1024,
        "M" => 1024 * 1024,
        _ => {
            return Err(format!(
                "{text:?}: a size is bytes, or a number with K or M"
            ));
        }
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{text:?}: a size is a positive number, with K or M"))
}

/// 1 to 64 (the sandbox serves 64 clients at once; more get `421`).
fn connections(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n @ 1..=64) => Ok(n),
        _ => Err(format!("{text:?}: connections are 1 to 64")),
    }
}

/// `MESSAGES/BYTES`, e.g. `500/64M`.
fn parse_caps(text: &str) -> Result<(usize, usize), String> {
    let (messages, bytes) = text
        .split_once('/')
        .ok_or_else(|| format!("{text:?}: caps are MESSAGES/BYTES, e.g. 500/64M"))?;
    let messages = messages
        .parse::<usize>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{text:?}: the message cap is a positive number"))?;
    Ok((messages, parse_size(bytes)?))
}

/// Only loopback addresses: this client floods whatever it is pointed at.
fn loopback(text: &str) -> Result<SocketAddr, String> {
    let addr: SocketAddr = text.parse().map_err(|err| format!("{text:?}: {err}"))?;
    if addr.ip().is_loopback() {
        Ok(addr)
    } else {
        Err(format!(
            "{addr}: only loopback addresses (this is a load generator)"
        ))
    }
}

fn phases(args: &RunArgs) -> Vec<Phase> {
    let load = |messages, per_session, size| Load {
        connections: args.load.connections,
        messages,
        per_session,
        size,
        time_limit: Duration::from_secs(args.seconds),
        max_failures: 100,
    };
    let mut phases = vec![
        Phase {
            name: "1 KB".to_owned(),
            load: load(args.messages_1k, 0, 1024),
        },
        Phase {
            name: "100 KB".to_owned(),
            load: load(args.messages_100k, 0, 100 * 1024),
        },
    ];
    if args.messages_one_per_session > 0 {
        phases.push(Phase {
            name: "1 KB, one message per connection".to_owned(),
            load: load(args.messages_one_per_session, 1, 1024),
        });
    }
    phases.retain(|p| p.load.messages > 0);
    phases
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Send(args) => {
            let load = Load {
                connections: args.load.connections,
                messages: args.messages,
                per_session: args.per_session,
                size: args.size,
                time_limit: Duration::from_secs(args.seconds),
                max_failures: 100,
            };
            let outcome = load::run(args.to, &load).await;
            println!("{}", outcome.summary());
            anyhow::ensure!(outcome.errors() == 0, "{} failures", outcome.errors());
        }
        Command::Run(args) => {
            let phases = phases(&args);
            let plan = Plan {
                servers: args.servers.clone(),
                rounds: args.rounds.max(1),
                warm_up: Load {
                    connections: args.load.connections,
                    messages: 500,
                    per_session: 0,
                    size: 1024,
                    time_limit: Duration::from_secs(5),
                    max_failures: 100,
                },
                server_cpu: args.programs.server_cpu,
                log_dir: args.programs.log_dir.clone(),
                phases: phases.clone(),
            };
            let samples = bench::run(&args.programs.programs(), &plan).await?;
            let names: Vec<String> = phases.iter().map(|p| p.name.clone()).collect();
            let mut body = format!(
                "{} connections, no pipelining; per phase at most {} s and {} / {} / {} messages \
                 (1 KB / 100 KB / 1 KB one per connection); servers on CPU {}.\n\n",
                args.load.connections,
                args.seconds,
                args.messages_1k,
                args.messages_100k,
                args.messages_one_per_session,
                args.programs.server_cpu,
            );
            body.push_str(&report::markdown(&samples, &names, &args.servers));
            args.programs.publish(&body)?;
        }
        Command::Memory(args) => {
            let mut body = String::new();
            for &(max_messages, max_bytes) in &args.caps {
                eprintln!("memory: caps {max_messages} messages, {max_bytes} bytes");
                let fill = memory::Fill {
                    max_messages,
                    max_bytes,
                    messages: args.messages,
                    step: args.step.max(1),
                    connections: args.load.connections,
                    per_session: args.per_session,
                    size: args.size,
                    server_cpu: args.programs.server_cpu,
                    log_dir: args.programs.log_dir.clone(),
                };
                body.push_str(&memory::run(&args.programs.programs(), &fill).await?);
                body.push('\n');
            }
            args.programs.publish(&body)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("1K"), Ok(1024));
        assert_eq!(parse_size("100k"), Ok(102_400));
        assert_eq!(parse_size("100KB"), Ok(102_400));
        assert_eq!(parse_size("16M"), Ok(16 * 1024 * 1024));
        assert_eq!(parse_size("16MiB"), Ok(16 * 1024 * 1024));
        assert!(parse_size("0").is_err());
        assert!(parse_size("1G").is_err());
        assert!(parse_size("K").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("99999999999999999999M").is_err());
    }

    #[test]
    fn caps() {
        assert_eq!(parse_caps("500/64M"), Ok((500, 64 * 1024 * 1024)));
        assert!(parse_caps("500").is_err());
        assert!(parse_caps("0/1M").is_err());
        assert!(parse_caps("5/x").is_err());
    }

    #[test]
    fn only_loopback() {
        assert!(loopback("127.0.0.1:2525").is_ok());
        assert!(loopback("[::1]:2525").is_ok());
        let err = loopback("192.0.2.1:25").expect_err("not loopback");
        assert!(err.contains("only loopback"), "{err}");
    }

    #[test]
    fn the_cli_parses() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from([
            "ingest-bench",
            "run",
            "--bridge",
            "b",
            "--servers",
            "sandbox,smtp-sink",
            "--rounds",
            "1",
        ])
        .expect("valid");
        let Command::Run(args) = cli.command else {
            panic!("run");
        };
        assert_eq!(args.servers, [Server::Sandbox, Server::SmtpSink]);
        let cli = Cli::try_parse_from([
            "ingest-bench",
            "memory",
            "--bridge-arg",
            "--sandbox-hostname",
            "--bridge-arg=b.test",
        ])
        .expect("valid");
        let Command::Memory(memory) = cli.command else {
            panic!("memory");
        };
        assert_eq!(
            memory.programs.programs().bridge_args,
            ["--sandbox-hostname", "b.test"]
        );
        assert_eq!(phases(&args).len(), 3);
        assert!(Cli::try_parse_from(["ingest-bench", "run", "--servers", "mailpit"]).is_err());
        assert!(
            Cli::try_parse_from([
                "ingest-bench",
                "send",
                "--to",
                "127.0.0.1:25",
                "--connections",
                "65"
            ])
            .is_err()
        );
    }
}
