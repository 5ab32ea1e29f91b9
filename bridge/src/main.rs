//! `smtp-playground`: the command line. Parses flags, sets up logging and runs the bridge
//! until Ctrl-C or SIGTERM; everything else lives in the library.

use std::io::{IsTerminal, Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, ensure};
use bridge::Config;
use clap::{Args, Parser, Subcommand};
use tokio::net::TcpListener;
use tracing::{error, info};
use tracing_subscriber::EnvFilter;

/// Learn and debug SMTP from your browser.
#[derive(Debug, Parser)]
#[command(name = "smtp-playground", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the browser app and relay its sessions to SMTP servers.
    Serve(Box<ServeArgs>),
    /// Explain every line of an SMTP transcript (swaks, C:/S:, smtplib debug or a telnet log).
    Annotate(AnnotateArgs),
}

#[derive(Debug, Args)]
struct AnnotateArgs {
    /// Language of the explanations.
    #[arg(long, default_value = "en", value_parser = ["en", "zh-CN", "zh"])]
    lang: String,

    /// Output format: `text` for reading, `json` (one object per line) for programs.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,

    /// The transcript file, or `-` for standard input.
    file: PathBuf,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on. Keep it on loopback unless you put the bridge behind
    /// something that authenticates users: whoever reaches it can make it connect anywhere.
    #[arg(long, default_value = "127.0.0.1:8080", env = "SMTP_PLAYGROUND_LISTEN")]
    listen: SocketAddr,

    #[command(flatten)]
    config: Config,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::Annotate(args) = cli.command {
        return annotate(&args);
    }
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| {
            EnvFilter::new(format!("{}=info,bridge=info", env!("CARGO_CRATE_NAME")))
        }))
        .init();
    match cli.command {
        Command::Serve(args) => serve(*args).await,
        Command::Annotate(args) => annotate(&args),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    if let Some(dir) = &args.config.frontend_dir {
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
    bridge::serve(listener, args.config, shutdown_signal())
        .await
        .context("the web server failed")?;
    info!("stopped");
    Ok(())
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
        bridge::annotate_output::render_json(&lines)
    } else {
        let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        bridge::annotate_output::render_text(&lines, bridge::annotate_output::Style::new(color))
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    match writeln!(stdout, "{rendered}") {
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
