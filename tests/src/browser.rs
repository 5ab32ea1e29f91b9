//! Headless Chromium for the end-to-end tests, driven over WebDriver, and a plain static
//! file server ([`StaticServer`]) that serves `dist/` the way static hosting would, for the
//! page's offline simulator.
//!
//! [`Browser::start`] runs Debian's `chromedriver` on a free loopback port, waits (bounded)
//! until it accepts connections, and opens a [`fantoccini`] session in a fresh Chromium
//! profile. Dropping the [`Browser`] asks chromedriver to shut down (which quits Chromium),
//! kills it if it does not exit in time, and removes the profile, so a failing test leaves
//! no processes or files behind.
//!
//! The binaries default to `/usr/bin/chromedriver` and `/usr/bin/chromium` (Debian's
//! `chromium-driver` and `chromium` packages); the `CHROMEDRIVER` and `CHROMIUM` environment
//! variables override them. A missing binary is an error that says what to install: the
//! browser tests fail, they never skip.
//!
//! Tests drive the page itself through [`crate::page::Page`] (`browser.page()`).

use std::future::Future;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// How long chromedriver may take to accept connections after it starts.
const DRIVER_START: Duration = Duration::from_secs(15);

/// How long opening the session (which starts Chromium) may take.
const SESSION_START: Duration = Duration::from_secs(30);

/// How long chromedriver may take to exit after `/shutdown` before it is killed.
const DRIVER_STOP: Duration = Duration::from_secs(5);

/// How often [`poll_until`] checks its condition.
const POLL_EVERY: Duration = Duration::from_millis(100);

/// Chromium flags for a quiet, isolated, headless run: no sandbox (tests run as root in
/// containers), no GPU, and none of the background traffic a first run would start.
const CHROMIUM_ARGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,800",
];

/// A running chromedriver with one Chromium session; see the module documentation.
#[derive(Debug)]
pub struct Browser {
    client: Client,
    // Dropped after `client`, in declaration order: the driver goes first, then the profile
    // it was using.
    driver: Driver,
    _profile: ProfileDir,
}

impl Browser {
    /// Starts chromedriver and opens a session in a fresh headless Chromium.
    ///
    /// # Errors
    ///
    /// When chromedriver or Chromium is missing, chromedriver does not come up within
    /// 15 s, or the session cannot be opened within 30 s.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(&[]).await
    }

    /// Like [`Browser::start`], with `extra` Chromium flags after the usual ones (the page
    /// benchmark asks for precise memory figures and a callable garbage collector).
    ///
    /// # Errors
    ///
    /// As [`Browser::start`].
    pub async fn start_with(extra: &[&str]) -> anyhow::Result<Self> {
        let driver_path = binary("CHROMEDRIVER", "/usr/bin/chromedriver", "chromium-driver")?;
        let chromium_path = binary("CHROMIUM", "/usr/bin/chromium", "chromium")?;
        let profile = ProfileDir::create()?;
        let mut driver = Driver::spawn(&driver_path, &profile.path)?;
        driver.wait_until_listening().await?;

        let mut args: Vec<String> = CHROMIUM_ARGS
            .iter()
            .chain(extra)
            .map(|&a| a.to_owned())
            .collect();
        args.push(format!(
            "--user-data-dir={}",
            profile.path.join("chromium").display()
        ));
        let mut capabilities = Capabilities::new();
        capabilities.insert("browserName".to_owned(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({ "binary": chromium_path, "args": args }),
        );
        let url = format!("http://{}", driver.addr);
        let client = tokio::time::timeout(
            SESSION_START,
            ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities)
                .connect(&url),
        )
        .await
        .with_context(|| {
            format!(
                "Chromium did not start within {} s; chromedriver log:\n{}",
                SESSION_START.as_secs(),
                driver.log_tail()
            )
        })?
        .with_context(|| {
            format!(
                "could not open a Chromium session through chromedriver at {url}; \
                 chromedriver log:\n{}",
                driver.log_tail()
            )
        })?;
        Ok(Self {
            client,
            driver,
            _profile: profile,
        })
    }

    /// The WebDriver session.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Saves a screenshot of the page as `target/e2e-artifacts/<name>.png` and returns its
    /// path, for a person to look at after a run.
    ///
    /// # Errors
    ///
    /// When the browser cannot take the screenshot or the file cannot be written.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<PathBuf> {
        let png = self
            .client
            .screenshot()
            .await
            .context("taking a screenshot")?;
        save_artifact(name, &png)
    }

    /// Saves a screenshot of the element `css` alone (scrolled into view first) as
    /// `target/e2e-artifacts/<name>.png` and returns its path: a close look at one part.
    ///
    /// # Errors
    ///
    /// When the element is missing or the file cannot be written.
    pub async fn element_screenshot(&self, css: &str, name: &str) -> anyhow::Result<PathBuf> {
        let png = self
            .client
            .find(fantoccini::Locator::Css(css))
            .await
            .with_context(|| format!("finding {css} for a screenshot"))?
            .screenshot()
            .await
            .with_context(|| format!("taking a screenshot of {css}"))?;
        save_artifact(name, &png)
    }

    /// Starts a browser, runs `steps` with it, takes a screenshot named `shot` whatever the
    /// outcome (after a failure it shows what the page looked like), and quits.
    ///
    /// # Errors
    ///
    /// The first of: the browser did not start, `steps` failed (with the screenshot's path
    /// in the context), the browser did not quit.
    pub async fn run<T>(
        shot: &str,
        steps: impl AsyncFnOnce(&Browser) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let browser = Browser::start().await?;
        let result = steps(&browser).await;
        let picture = browser.screenshot(shot).await;
        let result = match (result, picture) {
            (Ok(value), _) => Ok(value),
            (Err(err), Ok(path)) => Err(err.context(format!("screenshot: {}", path.display()))),
            (Err(err), Err(_)) => Err(err),
        };
        let quit = browser.quit().await;
        let value = result?;
        quit?;
        Ok(value)
    }

    /// Ends the session (closing Chromium) and stops chromedriver. Dropping the browser
    /// does the same without waiting for the session to close politely.
    ///
    /// # Errors
    ///
    /// When the session cannot be closed; chromedriver is stopped anyway.
    pub async fn quit(self) -> anyhow::Result<()> {
        let Self {
            client,
            driver,
            _profile,
        } = self;
        let closed = tokio::time::timeout(DRIVER_STOP, client.close()).await;
        drop(driver);
        match closed {
            Ok(result) => result.context("closing the Chromium session"),
            Err(_) => bail!(
                "the Chromium session did not close within {} s",
                DRIVER_STOP.as_secs()
            ),
        }
    }
}

/// Calls `probe` every 100 ms until it returns `Some`, for at most `timeout`.
///
/// # Errors
///
/// When `probe` fails, or returns `None` until the deadline; the message names `what`.
pub async fn poll_until<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<Option<T>>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe()
            .await
            .with_context(|| format!("while waiting for {what}"))?
        {
            return Ok(value);
        }
        if Instant::now() >= deadline {
            bail!(
                "timed out after {} s waiting for {what}",
                timeout.as_secs_f32()
            );
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// A script prelude defining `renderedText(element)`: the element's `innerText`, trimmed,
/// as WebDriver's element text, except inside a transcript block the browser skips for
/// being off-screen (`content-visibility: auto`): Chromium gives such an element an empty
/// `innerText` although a person who scrolls there sees its text, so its `textContent` is
/// read instead. Elements hidden otherwise (`display: none`, a closed `<details>`) keep
/// what `innerText` says of them.
pub const RENDERED_TEXT_JS: &str = "const renderedText = e => \
    ((e.checkVisibility() && !e.checkVisibility({contentVisibilityAuto: true})) \
        ? e.textContent : e.innerText).trim();";

/// The texts of every element matching a CSS selector, in document order (see
/// [`RENDERED_TEXT_JS`]). Read in one script, so a page that re-renders meanwhile cannot
/// leave a stale element between finding and reading.
///
/// # Errors
///
/// When the browser does not answer or the selector is invalid.
pub async fn texts(client: &Client, css: &str) -> anyhow::Result<Vec<String>> {
    let value = client
        .execute(
            &format!(
                "{RENDERED_TEXT_JS} return Array.from(document.querySelectorAll(arguments[0]), renderedText);"
            ),
            vec![json!(css)],
        )
        .await
        .with_context(|| format!("reading {css}"))?;
    serde_json::from_value(value).with_context(|| format!("reading the texts of {css}"))
}

/// Where screenshots go: `target/e2e-artifacts` in the workspace (git-ignored).
/// Writes the PNG `png` as `target/e2e-artifacts/<name>.png`.
fn save_artifact(name: &str, png: &[u8]) -> anyhow::Result<PathBuf> {
    let dir = artifacts_dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

fn artifacts_dir() -> PathBuf {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    tests
        .parent()
        .unwrap_or(tests)
        .join("target")
        .join("e2e-artifacts")
}

/// The path of a required binary: `$var` when set, else `default`.
fn binary(var: &str, default: &str, package: &str) -> anyhow::Result<PathBuf> {
    let path = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    ensure!(
        path.is_file(),
        "{} not found: the browser tests need it. Install the Debian package `{package}` \
         (scripts/setup.sh does), or set {var} to its path",
        path.display()
    );
    Ok(path)
}

/// A chromedriver process on a loopback port.
#[derive(Debug)]
struct Driver {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Driver {
    fn spawn(path: &Path, profile: &Path) -> anyhow::Result<Self> {
        let addr = free_loopback_addr()?;
        let log = profile.join("chromedriver.log");
        let child = Command::new(path)
            .arg(format!("--port={}", addr.port()))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("could not start {}", path.display()))?;
        Ok(Self { child, addr, log })
    }

    /// Waits until chromedriver accepts TCP connections, or fails if it exits first.
    async fn wait_until_listening(&mut self) -> anyhow::Result<()> {
        let deadline = Instant::now() + DRIVER_START;
        loop {
            if tokio::net::TcpStream::connect(self.addr).await.is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                bail!(
                    "chromedriver exited before listening ({status}); its log:\n{}",
                    self.log_tail()
                );
            }
            if Instant::now() >= deadline {
                bail!(
                    "chromedriver did not listen on {} within {} s; its log:\n{}",
                    self.addr,
                    DRIVER_START.as_secs(),
                    self.log_tail()
                );
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// The end of chromedriver's log, for error messages (the file goes with the profile).
    fn log_tail(&self) -> String {
        const KEEP: usize = 4000;
        match std::fs::read(&self.log) {
            Ok(bytes) => {
                let start = bytes.len().saturating_sub(KEEP);
                String::from_utf8_lossy(&bytes[start..]).into_owned()
            }
            Err(err) => format!("(no log at {}: {err})", self.log.display()),
        }
    }

    /// Asks chromedriver to quit its sessions and exit (its `/shutdown` endpoint), so that
    /// Chromium is closed too; a plain kill would leave Chromium running.
    fn request_shutdown(&self) {
        let Ok(mut stream) = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(DRIVER_STOP));
        let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
        let request = format!(
            "GET /shutdown HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        if stream.write_all(request.as_bytes()).is_ok() {
            // Read until chromedriver closes the connection (or the timeout passes).
            let mut sink = [0u8; 512];
            while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.request_shutdown();
        let deadline = Instant::now() + DRIVER_STOP;
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(POLL_EVERY);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback address with a port that was free a moment ago. Another process could take
/// it before chromedriver binds it; chromedriver then fails to start and says so.
fn free_loopback_addr() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding 127.0.0.1:0")?;
    listener.local_addr().context("reading the bound address")
}

/// A fresh directory for the Chromium profile and the chromedriver log, removed on drop.
#[derive(Debug)]
struct ProfileDir {
    path: PathBuf,
}

impl ProfileDir {
    fn create() -> anyhow::Result<Self> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "smtp-playground-e2e-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        if path.exists() {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("removing a stale {}", path.display()))?;
        }
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self { path })
    }
}

impl Drop for ProfileDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A plain static file server for `dist/` on `127.0.0.1:0`: what a static host (GitHub
/// Pages, a CDN) gives the page, and nothing more. No `/ws`, no `/api`: every unknown path
/// is a 404, so the page must find out by itself that there is no bridge. It runs until
/// dropped.
#[derive(Debug)]
pub struct StaticServer {
    /// Where it listens.
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl StaticServer {
    /// Serves the built frontend, `dist/` at the workspace root.
    ///
    /// # Errors
    ///
    /// When `dist/index.html` is missing (run `scripts/build-frontend.sh`) or no loopback
    /// port can be bound.
    pub async fn dist() -> anyhow::Result<Self> {
        let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = tests.parent().unwrap_or(tests).join("dist");
        ensure!(
            root.join("index.html").is_file(),
            "{} has no index.html: run scripts/build-frontend.sh first",
            root.display()
        );
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .context("binding 127.0.0.1:0 for the static server")?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let root = root.clone();
                tokio::spawn(async move {
                    // A slow or silent client is dropped; the page fetches small files.
                    let _ = tokio::time::timeout(DRIVER_START, serve_file(stream, &root)).await;
                });
            }
        });
        Ok(Self { addr, task })
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Answers one HTTP/1.x request with a file from `root` (`/` is `index.html`), or 404.
async fn serve_file(mut stream: tokio::net::TcpStream, root: &Path) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut request = Vec::new();
    let mut buf = [0u8; 2048];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        request.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&request);
    let path = head
        .lines()
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let name = if path == "/" {
        "index.html"
    } else {
        path.trim_start_matches('/')
    };
    // Only plain names in dist/ itself and in its lessons/ folder: no `..`.
    let plain = |part: &str| !part.is_empty() && !part.contains('/') && !part.contains("..");
    let safe = match name.split_once('/') {
        None => plain(name),
        Some(("lessons", file)) => plain(file),
        Some(_) => false,
    };
    let file = safe.then(|| root.join(name)).filter(|p| p.is_file());
    let (status, kind, body) = match file {
        Some(file) => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript",
                Some("css") => "text/css",
                Some("wasm") => "application/wasm",
                Some("txt" | "lesson") => "text/plain; charset=utf-8",
                _ => "application/octet-stream",
            };
            ("200 OK", kind, tokio::fs::read(&file).await?)
        }
        None => ("404 Not Found", "text/plain", b"not found\n".to_vec()),
    };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes()).await?;
    stream.write_all(&body).await?;
    stream.shutdown().await
}

/// Runs a whole browser test within `budget`, so a hang anywhere fails instead of blocking.
///
/// # Errors
///
/// The test's own error, or that it did not finish in time.
pub async fn within<T>(
    budget: Duration,
    test: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    tokio::time::timeout(budget, test).await.map_err(|_| {
        anyhow::anyhow!(
            "the browser test did not finish within {} s",
            budget.as_secs()
        )
    })?
}
