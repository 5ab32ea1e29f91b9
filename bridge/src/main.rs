//! `smtp-playground`: the command line. Parses flags, sets up logging and runs the bridge
//! until Ctrl-C or SIGTERM; everything else lives in the library.

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, ensure};
use bridge::Config;
use clap::{Args, Parser, Subcommand};
use tokio::net::TcpListener;
use tracing::{error, info};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Learn and debug SMTP from your browser.
#[derive(Debug, Parser)]
#[command(name = "smtp-playground", version, args_override_self = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the browser app and relay its sessions to SMTP servers.
    #[command(args_override_self = true)]
    Serve(Box<ServeArgs>),
    /// Explain every line of an SMTP transcript (swaks, C:/S:, smtplib debug or a telnet log).
    Annotate(AnnotateArgs),
    /// Check a mail server: a domain's MX hosts, or one HOST[:PORT]. A polite probe (never
    /// DATA) with every line explained, then a scorecard. Exits 1 when an item fails.
    Check(Box<CheckArgs>),
    /// Show a mail domain's DNS facts, explained: MX hosts in order with their addresses,
    /// SPF (with its DNS-lookup count), DMARC, MTA-STS, TLS-RPT and DANE TLSA.
    Dns(DnsArgs),
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// DOMAIN (its MX hosts, in preference order), or HOST[:PORT] (one server; port 25
    /// when none is given). IPv6 as [::1]:25.
    target: String,

    /// Language of the explanations.
    #[arg(long, default_value = "en", value_parser = ["en", "zh-CN", "zh"])]
    lang: String,

    /// Output format: `text` for reading; `json` for programs: the whole report, one
    /// object (protocol::records::check::CheckReport).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,

    /// Wrap the explanations of text output at N columns [default: $COLUMNS, else 100].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..))]
    width: Option<u16>,

    /// The port to check on every MX host of a DOMAIN (MX records name no port); for one
    /// host, the same as HOST:PORT.
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    port: Option<u16>,

    /// Ask this DNS server (`ADDR` or `ADDR:PORT`) for the MX hosts, their addresses and
    /// reverse DNS. Default: the system's resolver configuration.
    #[arg(long, value_name = "ADDR[:PORT]", value_parser = bridge::dns::parse_dns_server)]
    dns_server: Option<SocketAddr>,

    /// The name the probe says in EHLO.
    #[arg(long, default_value = "smtp-playground.invalid", value_name = "NAME")]
    helo: String,

    /// Judge the port as a submission port (RFC 6409) whatever its number: AUTH offered
    /// before TLS is then a failure (RFC 8314). Port 587 always is.
    #[arg(long)]
    submission: bool,

    /// How many MX hosts of a domain are checked at once (at least 1; the policy's
    /// sessions per client bound it too).
    #[arg(long, default_value_t = 3, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=10))]
    parallel: u16,

    /// The longest one host's check may take, in milliseconds.
    #[arg(long, default_value_t = 60_000, value_name = "MS")]
    host_timeout_ms: u64,

    /// The target rules, as for `serve` (the `local` profile, the default, allows any
    /// address and port; `--profile public` checks as a public bridge would).
    #[command(flatten)]
    policy: bridge::policy::PolicyConfig,
}

#[derive(Debug, Args)]
struct DnsArgs {
    /// Language of the explanations.
    #[arg(long, default_value = "en", value_parser = ["en", "zh-CN", "zh"])]
    lang: String,

    /// Output format: `text` for reading; `json` for programs (the `/api/dns` record).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,

    /// Ask this DNS server (`ADDR` or `ADDR:PORT`) instead of the system's resolvers.
    #[arg(long, value_name = "ADDR[:PORT]", env = "SMTP_PLAYGROUND_DNS_SERVER", value_parser = bridge::dns::parse_dns_server)]
    dns_server: Option<SocketAddr>,

    /// The mail domain, such as example.org.
    domain: String,
}

#[derive(Debug, Args)]
struct AnnotateArgs {
    /// Language of the explanations.
    #[arg(long, default_value = "en", value_parser = ["en", "zh-CN", "zh"])]
    lang: String,

    /// Output format: `text` for reading; `json` for programs: NDJSON, one object per
    /// transcript line (`"type":"line"`), then one `"type":"summary"` object.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,

    /// Wrap the explanations of text output at N columns [default: $COLUMNS, else 100].
    /// Transcript lines are never wrapped.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..))]
    width: Option<u16>,

    /// The transcript file, or `-` for standard input.
    file: PathBuf,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on. Keep it on loopback unless you put the bridge behind
    /// something that authenticates users: whoever reaches it can make it connect anywhere.
    #[arg(long, default_value = "127.0.0.1:8080", env = "SMTP_PLAYGROUND_LISTEN")]
    listen: SocketAddr,

    /// Read settings from this TOML file first: each key is a flag's long name without the
    /// dashes (`profile = "public"`, `allow-origin = ["https://play.example.org"]`,
    /// `max-sessions = 100`, `unsafe-allow-private = true`). Flags on the command line win.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(flatten)]
    settings: Config,
}

fn main() -> anyhow::Result<()> {
    // Single-threaded on one CPU, multi-threaded on more (`bridge::runtime`).
    bridge::runtime::build()
        .context("could not start the async runtime")?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse_from(with_config_file(std::env::args_os().collect())?);
    let cli = match cli.command {
        Command::Annotate(args) => return annotate(&args),
        Command::Dns(args) => return dns(args).await,
        Command::Serve(_) | Command::Check(_) => cli,
    };
    // Lines go to a writer thread through a queue (blocking when it is full, so no line is
    // lost), into a buffer flushed whenever the queue runs empty. The guard flushes the rest
    // when `main` returns.
    let (log_writer, _log_guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("log-writer")
        .finish(std::io::BufWriter::new(std::io::stderr()));
    // `check` writes its report to standard output; only warnings go to standard error.
    let level = if matches!(cli.command, Command::Check(_)) {
        "warn"
    } else {
        "info"
    };
    let spec = std::env::var(EnvFilter::DEFAULT_ENV)
        .unwrap_or_else(|_| format!("{}={level},bridge={level}", env!("CARGO_CRATE_NAME")));
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                // Colour codes only for a person at a terminal, not in log files.
                .with_ansi(std::io::stderr().is_terminal())
                .with_writer(log_writer)
                // RUST_LOG, with the dependencies clamped (SECURITY.md: no secrets).
                .with_filter(bridge::logging::filter(&spec)),
        )
        .init();
    match cli.command {
        Command::Serve(args) => serve(*args).await,
        Command::Annotate(args) => annotate(&args),
        Command::Check(args) => check(&args).await,
        Command::Dns(args) => dns(args).await,
    }
}

/// `smtp-playground check`: checks the target and prints the report; exits 1 when an item
/// failed (or the check could not run).
async fn check(args: &CheckArgs) -> anyhow::Result<()> {
    let mut target = bridge::check::Target::parse(&args.target)
        .with_context(|| format!("cannot check {:?}", args.target))?;
    if let Some(port) = args.port {
        ensure!(
            !target.port_given,
            "give the port once: in {} or with --port",
            args.target
        );
        target.port = port;
    }
    let options = bridge::check::CheckOptions {
        helo: args.helo.clone(),
        host_timeout: std::time::Duration::from_millis(args.host_timeout_ms.max(1)),
        submission: args.submission,
        parallel: usize::from(args.parallel),
        ..bridge::check::CheckOptions::default()
    };
    let report = bridge::check::check_standalone(
        &args.policy,
        &target,
        &options,
        bridge::Hooks::for_dns_server(args.dns_server),
        &bridge::check::Events::default(),
    )
    .await;
    let lang = protocol::lang::Lang::from_tag(&args.lang);
    let rendered = if args.format == "json" {
        use protocol::records::Shape as _;
        format!("{}\n", report.encode())
    } else {
        bridge::annotate_output::render_check(&report, lang, text_style(args.width))
    };
    write_out(&rendered)?;
    if report.failed() {
        std::process::exit(1);
    }
    Ok(())
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let profile = args.settings.policy.profile;
    bridge::policy::check_listen(profile, args.listen, "--listen")?;
    if !args.settings.sandbox.disabled {
        bridge::policy::check_listen(profile, args.settings.sandbox.listen, "--sandbox-listen")?;
    }
    if let Some(dir) = &args.settings.frontend_dir {
        ensure!(
            dir.join("index.html").is_file(),
            "--frontend-dir {}: there is no index.html in it; build the frontend with \
             scripts/build-frontend.sh",
            dir.display()
        );
    }
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("could not listen on {}", args.listen))?;
    let addr = listener
        .local_addr()
        .context("could not read the listening address")?;
    info!("smtp-playground is listening on http://{addr}/");
    // On a worker thread, not in `block_on` on the main thread: accepted connections are
    // then served where they were accepted, without a hand-over between threads (with
    // the multi-threaded scheduler; the single-threaded one has one thread anyway).
    tokio::spawn(bridge::serve(listener, args.settings, shutdown_signal()))
        .await
        .context("the web server stopped unexpectedly")?
        .context("the web server failed")?;
    info!("stopped");
    Ok(())
}

/// Inserts the settings of `serve --config FILE` as flags right after `serve`, so the
/// command line, which follows them, wins (`args_override_self`), and every flag is
/// available as a key without a second list of names to keep in step.
fn with_config_file(args: Vec<OsString>) -> anyhow::Result<Vec<OsString>> {
    let Some(serve_at) = args.iter().position(|arg| arg == "serve") else {
        return Ok(args);
    };
    let mut path = None;
    for (i, arg) in args.iter().enumerate().skip(serve_at + 1) {
        let text = arg.to_string_lossy();
        if text == "--config" {
            path = args.get(i + 1).map(PathBuf::from);
        } else if let Some(value) = text.strip_prefix("--config=") {
            path = Some(PathBuf::from(value));
        }
    }
    let Some(path) = path else {
        return Ok(args);
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read the config file {}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))?;
    let mut flags: Vec<OsString> = Vec::new();
    for (key, value) in table {
        let flag = format!("--{key}");
        ensure!(
            key != "config",
            "{}: a config file cannot name another",
            path.display()
        );
        let mut push = |value: &toml::Value| -> anyhow::Result<()> {
            match value {
                toml::Value::Boolean(true) => flags.push(flag.clone().into()),
                toml::Value::Boolean(false) => {}
                toml::Value::String(text) => {
                    flags.push(format!("{flag}={text}").into());
                }
                toml::Value::Integer(n) => flags.push(format!("{flag}={n}").into()),
                other => anyhow::bail!(
                    "{}: {key} = {other}: use a string, a number, true or a list of them",
                    path.display()
                ),
            }
            Ok(())
        };
        match &value {
            toml::Value::Array(items) => {
                for item in items {
                    push(item)?;
                }
            }
            single => push(single)?,
        }
    }
    let mut merged = args[..=serve_at].to_vec();
    merged.extend(flags);
    merged.extend_from_slice(&args[serve_at + 1..]);
    Ok(merged)
}

/// `smtp-playground annotate`: reads a transcript, prints it explained. Fails only when the
/// input cannot be read; any text, however odd, is annotated.
fn annotate(args: &AnnotateArgs) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    if args.file.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("could not read the transcript from standard input")?;
    } else {
        bytes = std::fs::read(&args.file)
            .with_context(|| format!("could not read {}", args.file.display()))?;
    }
    let text = String::from_utf8_lossy(&bytes);
    let lang = protocol::lang::Lang::from_tag(&args.lang);
    let (_, lines) = protocol::transcript::annotate(&text, lang);
    let rendered = if args.format == "json" {
        bridge::annotate_output::render_json(&lines, lang)
    } else {
        bridge::annotate_output::render_text(&lines, lang, text_style(args.width))
    };
    write_out(&rendered)
}

/// How text output looks: colours for a terminal (unless `NO_COLOR`), wrapped at
/// `--width`, else `$COLUMNS`, else the default.
fn text_style(width: Option<u16>) -> bridge::annotate_output::Style {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let columns = std::env::var("COLUMNS").ok();
    let width = bridge::annotate_output::terminal_width(width.map(usize::from), columns.as_deref());
    bridge::annotate_output::Style::new(color).with_width(width)
}

/// Writes the output; a closed pipe (`| head`) is not an error worth reporting.
fn write_out(rendered: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(rendered.as_bytes()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("could not write the output"),
    }
}

/// `smtp-playground dns`: gathers a domain's DNS facts and prints them. Fails only for a
/// name that is not a domain, or when the output cannot be written; DNS failures are facts.
async fn dns(args: DnsArgs) -> anyhow::Result<()> {
    let domain = match bridge::policy::host::parse_host(args.domain.trim()) {
        Ok(bridge::policy::host::Host::Name(name)) => name,
        Ok(bridge::policy::host::Host::Ip(ip)) => {
            anyhow::bail!("{ip} is an address, not a mail domain")
        }
        Err(err) => anyhow::bail!("{err}"),
    };
    let hooks = bridge::Hooks::for_dns_server(args.dns_server);
    // The verdicts on the MX hosts' addresses are the local profile's, as `serve` has by
    // default.
    let rules = bridge::policy::PolicyConfig::default().resolve().targets;
    let record =
        bridge::facts::gather(hooks.dns.clone(), hooks.resolver.as_ref(), &rules, &domain).await;
    let lang = protocol::lang::Lang::from_tag(&args.lang);
    let rendered = if args.format == "json" {
        use protocol::records::Shape as _;
        format!("{}\n", record.encode())
    } else {
        bridge::facts_text::render(&record, lang)
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(rendered.as_bytes()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("could not write the output"),
    }
}

/// Completes on Ctrl-C, or on SIGTERM (what `docker stop` and service managers send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(cause) = tokio::signal::ctrl_c().await {
            error!(%cause, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(cause) => {
                error!(%cause, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
