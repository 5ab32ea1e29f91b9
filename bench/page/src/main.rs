//! `page-bench`: the page benchmark of issue 17. Drives headless Chromium against the
//! release bridge and its sandbox on loopback, once with the app (`dist/`, served by the
//! bridge) and once with a plain page that appends one `<div>` per WebSocket line (the
//! baseline), and prints the measures of both and their ratios as Markdown. See
//! `bench/README.md`, "page benchmark"; run it with `bench/page/run.sh`.

mod cdp;
mod measure;
mod report;
mod servers;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use e2e::browser::Browser;

use crate::report::PageRun;
use crate::servers::{Bridge, PlainServer};

/// The probe every page gets before its own scripts.
const PROBE: &str = include_str!("probe.js");

/// Chromium flags on top of the tests' own: exact heap figures, and `gc()` so the heap is
/// read after a collection.
const CHROMIUM_EXTRA: [&str; 2] = ["--enable-precise-memory-info", "--js-flags=--expose-gc"];

/// The whole run may not take longer than this.
const RUN_BUDGET: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, Parser)]
#[command(about = "The page benchmark: the app against a plain page, in headless Chromium")]
struct Args {
    /// The `smtp-playground` binary (a release build, with `dist/` built in).
    #[arg(long)]
    bridge: PathBuf,
    /// Transcript lengths to measure Enter -> reply painted at.
    #[arg(long, value_delimiter = ',', default_value = "14,200,1000,5000")]
    sizes: Vec<usize>,
    /// Enter -> reply rounds at each length.
    #[arg(long, default_value_t = 9)]
    rounds: usize,
    /// Cold navigations.
    #[arg(long, default_value_t = 9)]
    navigations: usize,
    /// Body lines of the pasted message (0: no paste).
    #[arg(long, default_value_t = 10_000)]
    paste_lines: usize,
    /// Measure only the app, or only the plain page (`app`, `plain`); both by default.
    #[arg(long)]
    only: Option<String>,
    /// One more flag for the bridge (repeat it), e.g. `--bridge-arg=--frontend-dir=DIR`.
    #[arg(long, allow_hyphen_values = true)]
    bridge_arg: Vec<String>,
    /// Where the bridge's log goes.
    #[arg(long, default_value = "target/page-bench")]
    log_dir: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tokio::time::timeout(RUN_BUDGET, run(args))
        .await
        .context("the page benchmark ran out of time")?
}

async fn run(args: Args) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.log_dir)
        .with_context(|| format!("creating {}", args.log_dir.display()))?;
    let plain_server = PlainServer::start().await?;
    let bridge = Bridge::start(
        &args.bridge,
        &plain_server.origin(),
        &args.bridge_arg,
        &args.log_dir.join("bridge.log"),
    )
    .await?;
    plain_server.set_bridge(&bridge);
    let app_url = format!("http://{}/", bridge.http);
    let plain_url = format!("http://{}/", plain_server.addr);
    let want = |page: &str| args.only.as_deref().is_none_or(|only| only == page);
    let app = if want("app") {
        measure_page("app", &app_url, &args).await?
    } else {
        PageRun::default()
    };
    let plain = if want("plain") {
        measure_page("plain", &plain_url, &args).await?
    } else {
        PageRun::default()
    };
    println!("{}", report::render(&app, &plain));
    Ok(())
}

/// Every measure of one page, in a fresh browser.
async fn measure_page(name: &str, url: &str, args: &Args) -> anyhow::Result<PageRun> {
    let browser = Browser::start_with(&CHROMIUM_EXTRA).await?;
    let client = browser.client();
    let result = async {
        cdp::on_every_document(client, PROBE).await?;
        eprintln!("page-bench: {name}: {} cold navigations", args.navigations);
        let navigations = measure::navigations(client, url, args.navigations).await?;
        let paste = if args.paste_lines > 0 {
            eprintln!("page-bench: {name}: pasting {} lines", args.paste_lines);
            measure::open(client, url).await?;
            Some(measure::paste(client, args.paste_lines).await?)
        } else {
            None
        };
        eprintln!("page-bench: {name}: growing to {:?} lines", args.sizes);
        measure::open(client, url).await?;
        let socket = if name == "plain" {
            measure::socket_round_trips(client, args.rounds).await?
        } else {
            Vec::new()
        };
        let sizes = measure::sizes(client, &args.sizes, args.rounds).await?;
        anyhow::Ok(PageRun {
            navigations,
            sizes,
            paste,
            socket,
        })
    }
    .await;
    if result.is_err() {
        let _ = browser
            .screenshot(&format!("page-bench-{name}-failed"))
            .await;
    }
    browser.quit().await?;
    result.with_context(|| format!("measuring the {name} page"))
}
